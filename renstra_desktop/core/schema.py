"""The plan tables and their editable fields, declared once.

The service validates with these specs, the JSON dump/load and the packages walk them, and the
table models in the UI take their columns from them.  Column names match db/*.sql.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

PLAN_YEARS = tuple(range(2025, 2030))
HISTORY_YEARS = tuple(range(2020, 2025))
PERIOD_RE = re.compile(r"^(20\d\d)(?:-(S[12]|TW[1-4]|0[1-9]|1[0-2]))?$")
ROADMAP_STATUSES = ("rencana", "berjalan", "selesai", "batal")


def current_plan_year(today: _dt.date | None = None) -> int:
    """The plan year shown or reported when none is chosen: this year, kept inside 2025-2029."""
    year = (today or _dt.date.today()).year
    return min(max(year, PLAN_YEARS[0]), PLAN_YEARS[-1])


RISK_AREAS = {
    "PPH": ("Pelayanan", "Pengamanan", "Pembinaan", "Perawatan", "Pembimbingan Kemasyarakatan"),
    "DUKMAN": ("SDM", "Tata Usaha", "Umum", "BMN"),
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str                 # text | number | int | score | year | period | enum | list | json
    required: bool = False
    choices: tuple = ()
    label: str = ""           # Indonesian column label


@dataclass(frozen=True)
class TableSpec:
    name: str
    label: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()          # natural key (unique among rows), empty when rows are free
    reference: bool = False            # written by the Kanwil only (reference data)
    field_map: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self.field_map.update({f.name: f for f in self.fields})

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _t(name, label, fields, key=(), reference=False):
    return TableSpec(name, label, tuple(fields), tuple(key), reference)


TABLES: dict[str, TableSpec] = {t.name: t for t in (
    _t("unit", "Satuan kerja", [
        Field("code", "text", True, label="Kode"), Field("seq", "int", True, label="No"),
        Field("name", "text", True, label="Satuan Kerja"),
        Field("unit_type", "enum", True, ("kanwil", "lapas", "rutan", "bapas", "lpka", "rupbasan"), "Jenis"),
        Field("island", "text", label="Pulau"), Field("address", "text", label="Alamat"),
        Field("staff_count", "int", label="Jumlah SDM"),
    ], key=("code",), reference=True),
    _t("program", "Program", [
        Field("code", "text", True, label="Kode"), Field("seq", "int", True, label="No"),
        Field("name", "text", True, label="Program"), Field("activity", "text", label="Kegiatan"),
    ], key=("code",), reference=True),
    _t("objective", "Sasaran Kegiatan", [
        Field("code", "text", True, label="Kode"), Field("seq", "int", True, label="No"),
        Field("program_code", "text", True, label="Program"), Field("name", "text", True, label="Sasaran Kegiatan"),
    ], key=("code",), reference=True),
    _t("indicator", "Indikator Kinerja Kegiatan", [
        Field("code", "text", True, label="Kode"), Field("seq", "int", True, label="No"),
        Field("objective_code", "text", True, label="SK"), Field("name", "text", True, label="Indikator"),
        Field("measure", "text", True, label="Satuan"),
        Field("polarity", "enum", True, ("higher", "lower"), "Polaritas"),
        Field("rollup", "enum", True, ("last", "mean", "sum"), "Rekap periode"),
    ], key=("code",), reference=True),
    _t("indicator_target", "Target", [
        Field("unit_code", "text", True, label="Satker"), Field("indicator_code", "text", True, label="IKK"),
        Field("year", "year", True, label="Tahun"), Field("value", "number", label="Target"),
        Field("upper", "number", label="Batas atas"),
    ], key=("unit_code", "indicator_code", "year"), reference=True),   # the Kanwil cascades targets
    _t("realisation", "Realisasi", [
        Field("unit_code", "text", True, label="Satker"), Field("indicator_code", "text", True, label="IKK"),
        Field("period", "period", True, label="Periode"), Field("value", "number", label="Realisasi"),
        Field("evidence", "text", label="Data dukung"),
    ], key=("unit_code", "indicator_code", "period")),
    _t("performance_history", "Capaian kinerja 2020-2024", [
        Field("table_ref", "text", True), Field("seq", "int", True), Field("group_label", "text"),
        Field("objective_name", "text"), Field("indicator_name", "text", True),
        Field("year", "int", True), Field("measure", "enum", True, ("target", "realisation", "achievement")),
        Field("value", "number"), Field("suffix", "text"), Field("printed", "text"),
    ], reference=True),
    _t("budget_history", "Kinerja anggaran 2020-2024", [
        Field("table_ref", "text", True), Field("seq", "int", True), Field("line", "text", True),
        Field("year", "int", True), Field("value", "number"), Field("printed", "text"),
    ], reference=True),
    _t("risk", "Register risiko", [
        Field("unit_code", "text", True, label="Satker"),
        Field("program_code", "enum", True, tuple(RISK_AREAS), "Program"),
        Field("area", "text", True, label="Area"), Field("seq", "int", True, label="No"),
        Field("risk", "text", label="Indikasi Risiko"), Field("cause", "text", label="Penyebab"),
        Field("current_control", "text", label="Pengendalian yang ada"),
        Field("treatments", "list", label="Indikasi Perlakuan Risiko"),
        Field("responsible", "text", label="Penanggung Jawab"),
        Field("success_indicators", "list", label="Indikator Keberhasilan"),
        Field("inherent_likelihood", "score", label="K inheren"), Field("inherent_impact", "score", label="D inheren"),
        Field("residual_likelihood", "score", label="K residual"), Field("residual_impact", "score", label="D residual"),
    ]),
    _t("roadmap_item", "Roadmap", [
        Field("unit_code", "text", True, label="Satker"), Field("aspect", "text", True, label="Aspek"),
        Field("year", "year", True, label="Tahun"), Field("seq", "int", True, label="No"),
        Field("text", "text", label="Kegiatan"),
        Field("status", "enum", True, ROADMAP_STATUSES, "Status"),
    ]),
    _t("funding", "Kerangka pendanaan", [
        Field("unit_code", "text", True, label="Satker"), Field("line_code", "text", True, label="SK/IKK"),
        Field("year", "year", True, label="Tahun"), Field("allocation", "number", label="Alokasi"),
        Field("realised", "number", label="Realisasi"), Field("executing_unit", "text", label="Pelaksana"),
    ], key=("unit_code", "line_code", "year")),
    _t("setting", "Pengaturan", [
        Field("key", "text", True), Field("value", "json", True),
    ], key=("key",), reference=True),
    _t("period_lock", "Periode terkunci", [
        Field("unit_code", "text", True), Field("period", "period", True),
    ], key=("unit_code", "period"), reference=True),
)}

PLAN_TABLES = tuple(TABLES)
