"""The rules every row write obeys, each in one function (DESIGN.md principle 6; STYLE.md: a rule lives
in one function, called everywhere it applies).

- **Ownership**: a row has one writer unit; a unit's rows are about itself; reference data (the unit
  directory, SK/IKK, targets, settings) is written by the Kanwil, which sets it for
  every unit, as it may set a unit's rows of a ``kanwil_sets`` table (its indicators and their
  manual, which the unit may also write itself); the installation's local rows (key pins, signature blocks) name the units this file
  deals with: any unit at the Kanwil, the unit itself and the Kanwil at a UPT.
- **Period status**: a row reporting on a period (a field of kind ``period``) cannot change while
  that period, or one containing it, is closed for the row's unit: its latest workflow event
  (``period_event``, :mod:`.period_workflow`) is diajukan, diverifikasi or disahkan.
- **Workflow events**: a unit submits its own periods; every other step is the Kanwil's
  (:func:`event_refusal`), and an event once written never changes.

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


EVENT_TABLE = "period_event"
CLOSING = ("diajukan", "diverifikasi", "disahkan")     # a period in these statuses takes no changes
EVENT_PERMISSION = {"diajukan": "submit", "dikembalikan": "return", "diverifikasi": "verify", "disahkan": "approve",
                    "dibuka": "unlock"}   # the permission (core.roles) each step needs
NOT_A_STEP = ("Status verifikasi periode dicatat lewat Ajukan, Kembalikan, Verifikasi, Sahkan atau Buka kunci "
              "(tab Status verifikasi, atau renstra-desktop period …), bukan sebagai baris biasa.")
STATUS_WORDS = {"diajukan": "sudah diajukan", "diverifikasi": "sudah diverifikasi",
                "disahkan": "sudah disahkan dan dikunci"}


def event_refusal(writer: str, unit_code, event) -> str | None:
    """Why ``writer`` may not record ``event`` about ``unit_code``'s period; None if it may.  A unit
    submits (diajukan) only its own periods; every other step (return, verify, approve, unlock) is
    the Kanwil's.  Every writer obeys it: the workflow's calls, a JSON load and a merged package."""
    if event == "diajukan":
        if writer != unit_code:
            return f"Periode satker {unit_code} hanya dapat diajukan oleh satker itu sendiri, bukan {writer}."
        return None
    if writer != KANWIL:
        return f"Status “{event}” hanya dapat dicatat oleh Kantor Wilayah, bukan satker {writer}."
    return None


def enclosing_periods(period: str) -> tuple[str, ...]:
    """``period`` and the periods that contain it: its quarter and semester (a month), its semester
    (a quarter) and its year.  A status of any of them applies to a row of ``period``."""
    year, _, rest = period.partition("-")
    if not rest:
        return (period,)
    if rest.startswith("S"):
        return (period, year)
    if rest.startswith("TW"):
        q = int(rest[2])
        return (period, f"{year}-S{(q + 1) // 2}", year)
    m = int(rest)
    return (period, f"{year}-TW{(m + 2) // 3}", f"{year}-S{(m + 5) // 6}", year)


class PeriodStatus:
    """Which periods are closed to changes, per unit: those whose latest workflow event
    (``period_event``) is diajukan, diverifikasi or disahkan.  Read per unit on first use and kept
    for this object's life (one write, one transaction): a cell edit reads one unit's statuses, a
    merged package its unit's, not the province's."""

    def __init__(self, conn):
        self.conn = conn
        self._units: dict[str | None, dict[str, tuple]] = {}
        self._any: bool | None = None

    @property
    def locks(self) -> bool:
        """False when no period of any unit can be closed (no write needs to look further)."""
        if self._any is None:
            self._any = self.conn.execute(
                "SELECT 1 FROM period_event WHERE deleted = 0 AND event IN (%s) LIMIT 1"
                % ", ".join("?" * len(CLOSING)), CLOSING).fetchone() is not None
        return self._any

    def read_now(self, unit: str) -> None:
        """Read ``unit``'s statuses now: a merge judges a package's rows against the statuses the file
        had before it (the package's own submission must not close the period to its own values)."""
        if self.locks:
            self.of_unit(unit)

    def of_unit(self, unit: str | None) -> dict[str, tuple]:
        """{period: (event, who, when)} of ``unit``'s closed periods."""
        found = self._units.get(unit)
        if found is None:
            # SQLite takes the bare columns from the row holding max(seq): the latest event, read
            # along the (unit_code, period, seq) index
            found = self._units[unit] = {r[0]: (r[1], r[2], r[3]) for r in self.conn.execute(
                "SELECT period, event, updated_by, updated_at, max(seq) FROM period_event "
                "WHERE deleted = 0 AND unit_code = ? GROUP BY period", (unit,)) if r[1] in CLOSING}
        return found

    def closed(self, spec: TableSpec, row: Mapping) -> str | None:
        """The closed period (the period itself or one containing it) a row of ``spec`` falls in, or None."""
        name = spec.period_field
        return None if name is None else self.closed_period(row.get("unit_code"), row.get(name))

    def closed_period(self, unit: str | None, period) -> str | None:
        """The closed period (``period`` itself or one containing it) of ``unit``, or None."""
        if not isinstance(period, str) or not self.locks:
            return None
        closed = self.of_unit(unit)
        if not closed:
            return None
        try:
            candidates = enclosing_periods(period)
        except ValueError:
            return None
        return next((c for c in candidates if c in closed), None)

    def refusal(self, unit: str | None, period: str) -> str:
        """One line: the period's status, who set it and when, and whom to ask."""
        from .localtime import format_datetime, zone_of

        event, who, at = self.of_unit(unit).get(period, ("disahkan", "?", None))
        when = format_datetime(at, zone_of(self.conn)) if at else ""
        ask = ("Minta Kantor Wilayah membuka kuncinya bila perlu koreksi." if event == "disahkan" else
               "Minta Kantor Wilayah mengembalikannya (Kembalikan) bila perlu koreksi.")
        return (f"Periode {period} satker {unit} {STATUS_WORDS.get(event, event)} oleh {who}"
                f"{' pada ' + when if when else ''}; datanya tidak dapat diubah. {ask}")
