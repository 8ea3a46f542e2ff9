"""The plan tables and their editable fields, declared once.

The service validates with these specs, the JSON dump/load and the packages walk them, and the
table models in the UI take their columns from them.  Column names match db/*.sql.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

PLAN_YEARS = tuple(range(2025, 2030))      # the embedded NTB plan's span; a plan's own: plan_profile.plan_years
PERIOD_RE = re.compile(r"^(20\d\d)(?:-(S[12]|TW[1-4]|0[1-9]|1[0-2]))?$")
ROADMAP_STATUSES = ("rencana", "berjalan", "selesai", "batal")
PERIOD_EVENTS = ("diajukan", "dikembalikan", "diverifikasi", "disahkan", "dibuka")


RISK_ACTION_STATUSES = ("belum", "berjalan", "selesai", "tertunda")
NARRATIVE_SECTIONS = ("kata_pengantar", "ikhtisar", "pendahuluan", "perencanaan", "analisis",
                      "anggaran", "penutup")
RISK_AREAS = {
    "PPH": ("Pelayanan", "Pengamanan", "Pembinaan", "Perawatan", "Pembimbingan Kemasyarakatan"),
    "DUKMAN": ("SDM", "Tata Usaha", "Umum", "BMN"),
}


# What a number of each kind can mean and print, unless its Field says more precisely (issue 8:
# 1e308 passed load, export and merge, then reports crashed).  Validation, JSON load and the
# package reader all take a field's bounds from Field.limits.
KIND_BOUNDS = {"number": (-1e12, 1e12), "int": (0, 10 ** 9), "score": (1, 5), "year": (2000, 2100)}
INDICATOR_VALUE = (0, 1e6)        # an index (1-5) or a percentage; room for counts, never 1e308
MONEY_JUTA = (0, 1e9)             # juta rupiah: 10^15 rupiah, far above any unit's budget
MONEY_RUPIAH = (0, 1e15)          # the budget history is printed in rupiah
HISTORY_YEAR = (2000, 2100)
EVIDENCE_BYTES = 4 * 1024 * 1024  # a data dukung file: at most 4 MiB (core/cycle/evidence.py)
EVIDENCE_BASE64 = 4 * -(-EVIDENCE_BYTES // 3)   # the same file as base64 text


@dataclass(frozen=True)
class Field:
    name: str
    kind: str                 # text | number | int | score | year | period | enum | list | json | base64 | secret
    required: bool = False
    choices: tuple = ()
    label: str = ""           # Indonesian column label
    money: bool = False       # an amount in juta rupiah: "2.500" reads as thousands (numbers.parse_number)
    bounds: tuple | None = None   # (lowest, highest) for number kinds, (0, most characters) for base64;
    #                               None: KIND_BOUNDS of the kind

    @property
    def limits(self) -> tuple | None:
        """The lowest and highest value of a number field (None for other kinds)."""
        return self.bounds or KIND_BOUNDS.get(self.kind)


@dataclass(frozen=True)
class TableSpec:
    name: str
    label: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()          # natural key (unique among rows), empty when rows are free
    reference: bool = False            # written by the Kanwil only (reference data)
    kanwil_sets: bool = False          # the Kanwil may also write rows for any unit (they cascade)
    local: bool = False                # this installation's own rows: never in packages or the plan JSON
    period_bound: bool = True          # False: its period field names a period it records a status of
    field_map: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self.field_map.update({f.name: f for f in self.fields})

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def period_field(self) -> str | None:
        """The field naming the period a row reports on (the period status applies to it)."""
        if not self.period_bound:
            return None
        return next((f.name for f in self.fields if f.kind == "period"), None)


def _t(name, label, fields, key=(), reference=False, kanwil_sets=False, local=False, period_bound=True):
    return TableSpec(name, label, tuple(fields), tuple(key), reference, kanwil_sets, local, period_bound)


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
        Field("year", "year", True, label="Tahun"), Field("value", "number", label="Target", bounds=INDICATOR_VALUE),
        Field("upper", "number", label="Batas atas", bounds=INDICATOR_VALUE),
    ], key=("unit_code", "indicator_code", "year"), reference=True),   # the Kanwil cascades targets
    _t("realisation", "Realisasi", [
        Field("unit_code", "text", True, label="Satker"), Field("indicator_code", "text", True, label="IKK"),
        Field("period", "period", True, label="Periode"),
        Field("value", "number", label="Realisasi", bounds=INDICATOR_VALUE),
        Field("evidence", "text", label="Data dukung"),
    ], key=("unit_code", "indicator_code", "period")),
    _t("performance_history", "Capaian kinerja 2020-2024", [
        Field("table_ref", "text", True), Field("seq", "int", True), Field("group_label", "text"),
        Field("objective_name", "text"), Field("indicator_name", "text", True),
        Field("year", "int", True, bounds=HISTORY_YEAR),
        Field("measure", "enum", True, ("target", "realisation", "achievement")),
        Field("value", "number", bounds=INDICATOR_VALUE), Field("suffix", "text"), Field("printed", "text"),
    ], reference=True),
    _t("budget_history", "Kinerja anggaran 2020-2024", [
        Field("table_ref", "text", True), Field("seq", "int", True), Field("line", "text", True),
        Field("year", "int", True, bounds=HISTORY_YEAR), Field("value", "number", bounds=MONEY_RUPIAH),
        Field("printed", "text"),
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
        Field("year", "year", True, label="Tahun"),
        Field("allocation", "number", label="Alokasi", money=True, bounds=MONEY_JUTA),
        Field("realised", "number", label="Realisasi", money=True, bounds=MONEY_JUTA),
        Field("executing_unit", "text", label="Pelaksana"),
    ], key=("unit_code", "line_code", "year")),
    _t("setting", "Pengaturan", [
        Field("key", "text", True), Field("value", "json", True),
    ], key=("key",), reference=True),
    # The period workflow (db/0009_period_workflow.sql, core/period_workflow.py): an append-only
    # history of transitions per unit and period, each row written by whoever acted.
    _t("period_event", "Status verifikasi periode", [
        Field("unit_code", "text", True, label="Satker"), Field("period", "period", True, label="Periode"),
        Field("seq", "int", True, label="Urutan"),
        Field("event", "enum", True, PERIOD_EVENTS, "Status"),
        Field("note", "text", label="Catatan"), Field("snapshot", "json", label="Nilai yang diajukan"),
    ], key=("unit_code", "period", "seq"), kanwil_sets=True, period_bound=False),
    # -- the yearly performance cycle (issue 10; db/0006_cycle.sql, core/cycle/) -------------
    _t("unit_indicator", "Indikator satker", [
        Field("unit_code", "text", True, label="Satker"), Field("code", "text", True, label="Kode"),
        Field("seq", "int", True, label="No"), Field("objective_name", "text", True, label="Sasaran satker"),
        Field("name", "text", True, label="Indikator"), Field("parent_code", "text", True, label="Mendukung IKK"),
        Field("measure", "text", True, label="Satuan"),
        Field("polarity", "enum", True, ("higher", "lower"), "Polaritas"),
        Field("rollup", "enum", True, ("last", "mean", "sum"), "Rekap periode"),
        *(Field(f"target_{y}", "number", label=f"Target {y}") for y in PLAN_YEARS),
    ], key=("unit_code", "code"), kanwil_sets=True),
    _t("indicator_manual", "Manual indikator", [
        Field("unit_code", "text", True, label="Satker"), Field("indicator_code", "text", True, label="Indikator"),
        Field("definition", "text", label="Definisi"), Field("formula", "text", label="Formula"),
        Field("data_source", "text", label="Sumber data"), Field("responsible", "text", label="Penanggung jawab"),
        Field("national_standard", "number", label="Standar nasional"),
    ], key=("unit_code", "indicator_code"), kanwil_sets=True),
    _t("performance_agreement", "Perjanjian Kinerja", [
        Field("unit_code", "text", True, label="Satker"), Field("year", "year", True, label="Tahun"),
        Field("revision", "int", True, label="Perubahan ke"),
        Field("first_jabatan", "text", label="Jabatan pihak pertama"), Field("first_name", "text", label="Nama pihak pertama"),
        Field("first_nip", "text", label="NIP pihak pertama"),
        Field("second_jabatan", "text", label="Jabatan pihak kedua"), Field("second_name", "text", label="Nama pihak kedua"),
        Field("second_nip", "text", label="NIP pihak kedua"),
        Field("place", "text", label="Tempat"), Field("sign_date", "text", label="Tanggal"),
        Field("change_reason", "text", label="Alasan perubahan"),
    ], key=("unit_code", "year", "revision")),
    _t("pk_target", "Target PK", [
        Field("unit_code", "text", True, label="Satker"), Field("year", "year", True, label="Tahun"),
        Field("revision", "int", True, label="Perubahan ke"), Field("indicator_code", "text", True, label="Indikator"),
        Field("seq", "int", True, label="No"), Field("target", "number", label="Target"),
    ], key=("unit_code", "year", "revision", "indicator_code")),
    _t("pk_budget", "Anggaran PK", [
        Field("unit_code", "text", True, label="Satker"), Field("year", "year", True, label="Tahun"),
        Field("revision", "int", True, label="Perubahan ke"), Field("seq", "int", True, label="No"),
        Field("program", "text", True, label="Program"), Field("activity", "text", label="Kegiatan"),
        Field("amount", "number", label="Anggaran (juta Rp)"),
    ], key=("unit_code", "year", "revision", "seq")),
    _t("action_plan", "Rencana Aksi", [
        Field("unit_code", "text", True, label="Satker"), Field("year", "year", True, label="Tahun"),
        Field("indicator_code", "text", True, label="Indikator"),
        *(Field(f"tw{q}", "number", label=f"Target TW {r}") for q, r in zip(range(1, 5), ("I", "II", "III", "IV"))),
        *(Field(f"activities_tw{q}", "list", label=f"Kegiatan TW {r}") for q, r in zip(range(1, 5), ("I", "II", "III", "IV"))),
        Field("responsible", "text", label="Penanggung jawab"), Field("tw4_reason", "text", label="Alasan TW IV"),
    ], key=("unit_code", "year", "indicator_code")),
    _t("measurement_note", "Analisis pengukuran", [
        Field("unit_code", "text", True, label="Satker"), Field("indicator_code", "text", True, label="Indikator"),
        Field("period", "period", True, label="Periode"), Field("explanation", "text", label="Penjelasan"),
        Field("obstacles", "text", label="Kendala"), Field("solutions", "text", label="Solusi / rencana tindak lanjut"),
    ], key=("unit_code", "indicator_code", "period")),
    _t("evidence_file", "Berkas data dukung", [
        Field("unit_code", "text", True, label="Satker"), Field("indicator_code", "text", True, label="Indikator"),
        Field("period", "period", True, label="Periode"), Field("file_name", "text", True, label="Nama berkas"),
        Field("media_type", "text", True, label="Jenis"), Field("size", "int", True, label="Ukuran (bita)",
                                                                    bounds=(0, EVIDENCE_BYTES)),
        Field("sha256", "text", True, label="SHA-256"), Field("content", "base64", True, label="Isi",
                                                                             bounds=(0, EVIDENCE_BASE64)),
    ]),
    _t("report_narrative", "Narasi LKjIP", [
        Field("unit_code", "text", True, label="Satker"), Field("period", "period", True, label="Periode"),
        Field("section", "enum", True, NARRATIVE_SECTIONS, "Bagian"), Field("content", "text", label="Isi"),
    ], key=("unit_code", "period", "section")),
    _t("risk_action", "Kegiatan RTP", [
        Field("unit_code", "text", True, label="Satker"), Field("risk_id", "text", True, label="Risiko"),
        Field("seq", "int", True, label="No"), Field("action", "text", True, label="Kegiatan"),
        Field("schedule", "text", label="Waktu"), Field("responsible", "text", label="Penanggung jawab"),
        Field("output", "text", label="Keluaran"),
    ]),
    _t("risk_action_status", "Status RTP per triwulan", [
        Field("unit_code", "text", True, label="Satker"), Field("action_id", "text", True, label="Kegiatan RTP"),
        Field("period", "period", True, label="Triwulan"),
        Field("status", "enum", True, RISK_ACTION_STATUSES, "Status"), Field("note", "text", label="Keterangan"),
    ], key=("unit_code", "action_id", "period")),
    _t("risk_quarter", "Risiko residual per triwulan", [
        Field("unit_code", "text", True, label="Satker"), Field("risk_id", "text", True, label="Risiko"),
        Field("period", "period", True, label="Triwulan"),
        Field("residual_likelihood", "score", label="K residual"), Field("residual_impact", "score", label="D residual"),
        Field("note", "text", label="Keterangan"),
    ], key=("unit_code", "risk_id", "period")),
    _t("risk_event", "Kejadian risiko", [
        Field("unit_code", "text", True, label="Satker"), Field("risk_id", "text", True, label="Risiko"),
        Field("period", "period", True, label="Triwulan"), Field("event_date", "text", True, label="Tanggal"),
        Field("description", "text", True, label="Kejadian"), Field("impact", "text", label="Dampak"),
        Field("response", "text", label="Respons"),
    ]),
    # The installation's own rows (db/0008_local_rows.sql): written through the same door, never sent.
    _t("unit_key_pin", "Kunci satker yang tercatat", [
        Field("unit_code", "text", True, label="Satker"), Field("fingerprint", "text", True, label="Sidik jari"),
        Field("public_key", "text", label="Kunci publik"), Field("reason", "text", True, label="Alasan"),
    ], key=("unit_code",), local=True),
    _t("report_signatory", "Penanda tangan laporan", [
        Field("unit_code", "text", True, label="Satker"), Field("place", "text", label="Tempat"),
        Field("sign_date", "text", label="Tanggal"), Field("on_behalf", "text", label="a.n."),
        Field("jabatan", "text", label="Jabatan"), Field("name", "text", label="Nama"), Field("nip", "text", label="NIP"),
        Field("paraf_enabled", "int", True, label="Tabel paraf", bounds=(0, 1)),
        Field("paraf", "json", True, label="Paraf"),
    ], key=("unit_code",), local=True),
    # Local accounts (db/0010_accounts.sql, core/accounts.py): disabled ones are tombstones, never sent.
    _t("user_account", "Akun pengguna", [
        Field("name", "text", True, label="Nama akun"), Field("full_name", "text", label="Nama lengkap"),
        Field("roles", "text", True, label="Peran"), Field("password_hash", "secret", True, label="Kata sandi"),
        Field("seal", "text", True, label="Segel peran"),
    ], key=("name",), local=True),
)}

PLAN_TABLES = tuple(name for name, spec in TABLES.items() if not spec.local)

# Plan tables of older schemas: a package made by an older version still carries them, is read in
# its own schema and migrated (db/0009 turned each period_lock row into a disahkan period_event).
RETIRED_TABLES: dict[str, TableSpec] = {t.name: t for t in (
    _t("period_lock", "Periode terkunci (versi lama)", [
        Field("unit_code", "text", True), Field("period", "period", True),
    ], key=("unit_code", "period"), reference=True),
)}


def table_spec(name: str) -> TableSpec:
    """The spec of a plan table, current or retired (what an older package may hold)."""
    return TABLES.get(name) or RETIRED_TABLES[name]
