"""The plan's sheets as the Excel export writes them and the import reads them back, declared once.

Each :class:`SheetLayout` names its sheet, the table its rows go to and its columns: a ``key``
column identifies the row (locked in a template), an ``edit`` column is a field the import writes,
a ``show`` column is for people (a name, a computed value or a formula) and is never read, and the
hidden ``id`` column carries the row's id so an edited risk or roadmap item finds its row again.
A *wide* sheet (Indikator, Pendanaan) holds one row per unit and line with a column per year: each
year is one row of its table.
"""
from __future__ import annotations

import functools

import re
from dataclasses import dataclass

from ..schema import TABLES

NUMBER = "#,##0.00"         # Excel shows it in the reader's locale: 1.234,56 on an Indonesian Windows
INTEGER = "0"
PERCENT = "#,##0.00"
ID_HEADER = "ID"
VERSION_HEADER = "Versi"       # hidden: each row's version when the workbook was made
TOTAL_LABEL = "Jumlah"


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None = None      # the schema field (key and edit columns)
    role: str = "show"            # key | edit | show | id | version
    year: int | None = None       # wide sheets: the year this column belongs to
    fmt: str | None = None
    width: int = 14


@dataclass(frozen=True)
class SheetLayout:
    title: str
    table: str
    columns: tuple[Column, ...]
    match: tuple[str, ...]                # fields finding an existing row when the id column is empty
    wide: bool = False
    show_patterns: tuple[str, ...] = ()   # headers of show columns that carry the chosen year

    @property
    def spec(self):
        return TABLES[self.table]

    def column(self, header: str) -> Column | None:
        return next((c for c in self.columns if c.header == header), None)

    def is_show_header(self, header: str) -> bool:
        return any(re.fullmatch(p, header) for p in self.show_patterns)

    def required(self) -> list[Column]:
        """The columns an import needs: keys and edits (a renamed one is missing)."""
        return [c for c in self.columns if c.role in ("key", "edit")]


def _c(header, field=None, role="show", year=None, fmt=None, width=14) -> Column:
    return Column(header, field, role, year, fmt, width)


UNIT = (_c("Satker", width=26), _c("Kode satker", "unit_code", "key", width=14))
VERSION = _c(VERSION_HEADER, role="version", width=10)

@functools.lru_cache(maxsize=8)
def indikator(years: tuple[int, ...]) -> SheetLayout:
    """The Indikator sheet of a plan whose five years are ``years`` (plan_profile.plan_years)."""
    return SheetLayout("Indikator", "indicator_target", (
        *UNIT, _c("Kode", "indicator_code", "key", width=10), _c("Indikator", width=50), _c("Satuan", width=9),
        _c("Polaritas", width=24), _c("Rekap periode", width=12),
        *(_c(f"Target {y}", "value", "edit", y, NUMBER, 12) for y in years),
        *(_c(f"Batas atas {y}", "upper", "edit", y, NUMBER, 12) for y in years), VERSION,
    ), match=("unit_code", "indicator_code", "year"), wide=True,
        show_patterns=(r"Realisasi \d{4}", r"Capaian \d{4} \(%\)", r"Predikat \d{4}", r"Data dukung \d{4}"))


REALISASI = SheetLayout("Realisasi", "realisation", (
    *UNIT, _c("IKK", "indicator_code", "key", width=10), _c("Periode", "period", "key", width=10),
    _c("Realisasi", "value", "edit", fmt=NUMBER, width=12), _c("Data dukung", "evidence", "edit", width=50),
    _c(ID_HEADER, role="id", width=38), VERSION,
), match=("unit_code", "indicator_code", "period"))

RISIKO = SheetLayout("Risiko", "risk", (
    *UNIT, _c("Program", "program_code", "edit", width=10), _c("Area", "area", "edit", width=16),
    _c("No", "seq", "edit", fmt=INTEGER, width=5), _c("Indikasi Risiko", "risk", "edit", width=40),
    _c("Penyebab", "cause", "edit", width=30), _c("Pengendalian yang ada", "current_control", "edit", width=30),
    _c("Indikasi Perlakuan Risiko", "treatments", "edit", width=40),
    _c("Penanggung Jawab", "responsible", "edit", width=20),
    _c("Indikator Keberhasilan", "success_indicators", "edit", width=40),
    _c("K inheren", "inherent_likelihood", "edit", fmt=INTEGER, width=9),
    _c("D inheren", "inherent_impact", "edit", fmt=INTEGER, width=9),
    _c("Besaran inheren", fmt=INTEGER, width=9), _c("Level inheren", width=14),
    _c("K residual", "residual_likelihood", "edit", fmt=INTEGER, width=9),
    _c("D residual", "residual_impact", "edit", fmt=INTEGER, width=9),
    _c("Besaran residual", fmt=INTEGER, width=9), _c("Level residual", width=14),
    _c(ID_HEADER, role="id", width=38), VERSION,
), match=("unit_code", "program_code", "seq"))

ROADMAP = SheetLayout("Roadmap", "roadmap_item", (
    *UNIT, _c("Aspek", "aspect", "edit", width=30), _c("Tahun", "year", "edit", fmt=INTEGER, width=8),
    _c("No", "seq", "edit", fmt=INTEGER, width=5), _c("Kegiatan", "text", "edit", width=60),
    _c("Status", "status", "edit", width=10), _c(ID_HEADER, role="id", width=38), VERSION,
), match=("unit_code", "aspect", "year", "seq"))

@functools.lru_cache(maxsize=8)
def pendanaan(years: tuple[int, ...]) -> SheetLayout:
    """The Pendanaan sheet of a plan whose five years are ``years``."""
    return SheetLayout("Pendanaan", "funding", (
        *UNIT, _c("SK/IKK", "line_code", "key", width=10), _c("Uraian", width=44),
        *(_c(f"Alokasi {y}", "allocation", "edit", y, NUMBER, 13) for y in years),
        _c("Total Alokasi", fmt=NUMBER, width=14),
        *(_c(f"Realisasi {y}", "realised", "edit", y, NUMBER, 13) for y in years),
        _c("Total Realisasi", fmt=NUMBER, width=14), _c("Serapan (%)", fmt=PERCENT, width=11),
        _c("Pelaksana", "executing_unit", "edit", width=20), VERSION,
    ), match=("unit_code", "line_code", "year"), wide=True)


SHEET_TITLES = ("Indikator", "Realisasi", "Risiko", "Roadmap", "Pendanaan")
GUIDE_TITLE = "Petunjuk"
TEMPLATE_KINDS = ("realisasi", "risiko", "roadmap", "pendanaan")


def layouts(years: tuple[int, ...]) -> dict[str, SheetLayout]:
    """Every sheet by title, for a plan whose five years are ``years``."""
    return {layout.title: layout for layout in (indikator(years), REALISASI, RISIKO, ROADMAP, pendanaan(years))}


def templates(years: tuple[int, ...]) -> dict[str, SheetLayout]:
    return dict(zip(TEMPLATE_KINDS, (REALISASI, RISIKO, ROADMAP, pendanaan(years))))

POLARITY_LABELS = {"higher": "makin tinggi makin baik", "lower": "makin rendah makin baik"}
ROLLUP_LABELS = {"last": "nilai terakhir", "mean": "rata-rata", "sum": "jumlah"}
