"""The rules every row write obeys, each in one function (DESIGN.md principle 6; STYLE.md: a rule lives
in one function, called everywhere it applies).

- **Ownership**: a row has one writer unit; a unit's rows are about itself; reference data (the unit
  directory, SK/IKK, targets, settings, period locks) is written by the Kanwil, which sets it for
  every unit, as it may set a unit's rows of a ``kanwil_sets`` table (its indicators and their
  manual, which the unit may also write itself); the installation's local rows (key pins, signature blocks) name the units this file
  deals with: any unit at the Kanwil, the unit itself and the Kanwil at a UPT.
- **Period status**: a row reporting on a period (a field of kind ``period``) cannot change while
  that period, or its year, is closed for the row's unit.  Today a period is closed by the Kanwil's
  lock (``period_lock``); the workflow statuses of issue 9 section 2 (diajukan, disahkan) plug into
  :class:`PeriodStatus`.

The row-write primitive (:mod:`.row_writer`) applies both to every change; the package reader
applies ownership to a package as a whole; the window mirrors them to show read-only cells.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping

from .schema import TableSpec

KANWIL = "KANWIL"


def ownership_refusal(spec: TableSpec, writer: str, owner: str | None, unit_code: str | None) -> str | None:
    """Why ``writer`` may not write a row of ``spec`` owned by ``owner`` about ``unit_code``; None if it may."""
    if owner != writer:
        return (f"Baris ini milik satker {owner} dan hanya dapat diubah oleh satker tersebut. "
                "Perubahan dari satker itu masuk melalui paket yang digabungkan.")
    if spec.reference and writer != KANWIL:
        return f"{spec.label} adalah data rujukan yang ditetapkan Kantor Wilayah."
    if unit_code is not None and unit_code != writer and not may_name_unit(spec, writer, unit_code):
        return f"Berkas ini milik satker {writer}; data satker {unit_code} tidak dapat diisi di sini."
    return None


def may_name_unit(spec: TableSpec, writer: str, unit_code: str) -> bool:
    """Whether ``writer``'s rows of ``spec`` may be about another unit ``unit_code``."""
    if writer == KANWIL:      # targets and unit indicators cascade to units; pins and blocks of any unit
        return spec.reference or spec.kanwil_sets or spec.local
    return spec.local and unit_code == KANWIL        # a unit pins the Kanwil's key


UNITS_DEFINE_SETTING = "unit_indicators_by_unit"     # the Kanwil lets units define their own indicators
UNIT_DEFINED = ("unit_indicator",)


def units_may_define(conn) -> bool:
    """The Kanwil's setting: units may define their own indicators (off: the Kanwil cascades them)."""
    row = conn.execute("SELECT value FROM setting WHERE key = ? AND deleted = 0", (UNITS_DEFINE_SETTING,)).fetchone()
    return bool(row and json.loads(row["value"] if isinstance(row, sqlite3.Row) else row[0]))


def unit_definition_refusal(spec: TableSpec, writer: str, conn) -> str | None:
    """Why ``writer`` may not write its own rows of ``spec`` (a unit's own indicators) under the
    Kanwil's setting; None if it may.  Every writer obeys it: a cell edit, a JSON load, an import and
    the merge of the unit's package at the Kanwil."""
    if spec.name not in UNIT_DEFINED or writer == KANWIL or units_may_define(conn):
        return None
    return ("Indikator satker ditetapkan Kantor Wilayah dan datang dalam paket Kanwil. Minta Kanwil "
            f"mengizinkan satker menyusun indikatornya sendiri (pengaturan {UNITS_DEFINE_SETTING}).")


class PeriodStatus:
    """Which periods are closed to changes, per unit, read once per write (one transaction)."""

    def __init__(self, conn):
        self.locks = {(u, p) for u, p in conn.execute("SELECT unit_code, period FROM period_lock WHERE deleted = 0")}

    def closed(self, spec: TableSpec, row: Mapping) -> str | None:
        """The closed period (the period itself or its year) a row of ``spec`` falls in, or None."""
        name = spec.period_field
        return None if name is None else self.closed_period(row.get("unit_code"), row.get(name))

    def closed_period(self, unit: str | None, period) -> str | None:
        """The closed period (``period`` itself or its year) of ``unit``, or None."""
        if not self.locks or not isinstance(period, str):
            return None
        for candidate in (period, period[:4]):
            if (unit, candidate) in self.locks:
                return candidate
        return None

    @staticmethod
    def refusal(period: str) -> str:
        return (f"Periode {period} sudah disetujui dan dikunci; datanya tidak dapat diubah. "
                "Minta Kantor Wilayah membuka kunci bila perlu koreksi.")
