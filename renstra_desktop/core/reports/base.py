"""What a report is asked for (:class:`ReportOptions`), what a build gives back
(:class:`ReportResult`), and helpers every report module shares."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace

from ..errors import ValidationError
from ..numbers import MONTHS, format_number
from ..plan_profile import PlanProfile, plan_years
from ..schema import PERIOD_RE, PLAN_YEARS

# The report registry: kind -> title (the Laporan tab lists these, the CLI accepts them).
CYCLE_KINDS = ("pk", "rencana-aksi", "pengukuran", "lkjip", "manual-ikk", "pemantauan-risiko")   # issue 10
KINDS = ("capaian", "risiko", "pendanaan", "roadmap", "lampiran", *CYCLE_KINDS, "ringkasan")
TITLES = {
    "pk": "Perjanjian Kinerja",
    "rencana-aksi": "Rencana Aksi",
    "pengukuran": "Laporan Pengukuran Kinerja",
    "lkjip": "Laporan Kinerja Instansi Pemerintah",
    "manual-ikk": "Manual Indikator Kinerja",
    "pemantauan-risiko": "Laporan Pemantauan Manajemen Risiko",
    "capaian": "Laporan Capaian Kinerja",
    "risiko": "Register Risiko",
    "pendanaan": "Matriks Kinerja dan Pendanaan",
    "roadmap": "Roadmap",
    "lampiran": "Lampiran Renstra",        # + the plan's span: report_title
    "ringkasan": "Ringkasan Kinerja",      # issue 14: the Ringkasan tab on one page
}
# Names accepted for a kind: "renstra" was the Lampiran's name before it said what it holds.
KIND_ALIASES = {"renstra": "lampiran"}
HISTORY_KINDS = ("capaian", "lampiran")       # kinds that print the 2020-2024 history when asked
PERIOD_KINDS = (*HISTORY_KINDS, *CYCLE_KINDS, "ringkasan")   # kinds whose figures are of one year or period
PLAN_TABLES_WITH_TIME = ("unit", "program", "objective", "indicator", "indicator_target", "realisation",
                         "performance_history", "risk", "roadmap_item", "funding", "setting")


@dataclass(frozen=True)
class ReportOptions:
    """A report request.  ``unit=None`` is the whole province (every unit)."""
    kind: str
    unit: str | None = None
    year: int | None = None
    period: str | None = None           # '2026', '2026-S1', '2026-TW3', '2026-05' (capaian)
    paper: str = "a4"
    tte: bool = False
    history: bool = False              # capaian, lampiran: the unit's 2020-2024 tables 1.2-1.7
    generated_at: _dt.datetime | None = None   # None: the time of the latest change in the plan
    time_zone: str | None = None       # WIB/WITA/WIT of the dates printed; None: the plan's setting
    span: tuple = PLAN_YEARS           # the plan's years: set from the file by checked(conn)

    def checked(self, conn=None) -> "ReportOptions":
        """The request with its kind, paper and year checked against the plan of ``conn``."""
        if conn is not None:
            return replace(self, span=plan_years(conn)).checked()
        if self.kind in KIND_ALIASES:
            return replace(self, kind=KIND_ALIASES[self.kind]).checked()
        if self.kind not in KINDS:
            raise ValidationError(f"Jenis laporan “{self.kind}” tidak dikenal. Pilihan: {', '.join(KINDS)}.")
        if self.paper not in ("a4", "f4"):
            raise ValidationError(f"Ukuran kertas “{self.paper}” tidak dikenal. Pilih a4 atau f4.")
        if self.period is not None and not PERIOD_RE.match(self.period):
            raise ValidationError(
                f"Periode “{self.period}” tidak sah. Contoh: 2026, 2026-S1, 2026-TW3, 2026-05.")
        if self.period and self.year and int(self.period[:4]) != self.year:
            raise ValidationError(f"Periode {self.period} tidak berada di tahun {self.year}. "
                                  f"Pilih periode tahun {self.year}, atau berikan tahun atau periodenya saja.")
        year = self.year or (int(self.period[:4]) if self.period else None)
        if self.kind in CYCLE_KINDS and self.unit is None:
            raise ValidationError(f"{TITLES[self.kind]} dibuat per satker. Pilih satu satker (--unit KODE), "
                                  "bukan seluruh satker.")
        if year is not None and year not in self.span:
            raise ValidationError(f"Tahun {year} di luar Renstra {self.plan_period}. "
                                  f"Pilih tahun {self.span[0]} sampai {self.span[-1]}.")
        return self

    @property
    def report_period(self) -> str:
        """The period the figures belong to, as carried in the QR payload."""
        if self.kind not in PERIOD_KINDS:
            return self.plan_period
        return self.period or str(self.year or self.span[0])

    @property
    def plan_period(self) -> str:
        return f"{self.span[0]}-{self.span[-1]}"

    @property
    def title(self) -> str:
        """The report's title; the Lampiran names the plan's span ("Lampiran Renstra 2025-2029")."""
        return f"{TITLES[self.kind]} {self.plan_period}" if self.kind == "lampiran" else TITLES[self.kind]

    @property
    def option_flags(self) -> str:
        return "h" if self.history and self.kind in HISTORY_KINDS else ""


@dataclass
class ReportResult:
    pdf: bytes
    page_count: int
    payload: str
    digest: str
    spots: dict = field(default_factory=dict)     # role -> (page_index, x1, y1, x2, y2), PDF points
    tte_marks: list = field(default_factory=list)  # (page_index, x, y) of each BSrE placeholder
    page_size: tuple = ()
    boxes: dict = field(default_factory=dict)     # "signature_block", "paraf_table" -> (page_index, x1, y1, x2, y2)


@dataclass
class Context:
    """Given to each report module's ``story``: frame width and the request."""
    width: float
    options: ReportOptions
    unit_label: str
    profile: PlanProfile          # the office (kop, place) and span of the plan


def period_label(period: str) -> str:
    """'2026' -> 'Tahun 2026', '2026-S1' -> 'Semester I 2026', '2026-TW3' -> 'Triwulan III 2026'."""
    year, _, rest = period.partition("-")
    roman = {"1": "I", "2": "II", "3": "III", "4": "IV"}
    if not rest:
        return f"Tahun {year}" if len(period) == 4 else period
    if rest.startswith("S"):
        return f"Semester {roman[rest[1]]} {year}"
    if rest.startswith("TW"):
        return f"Triwulan {roman[rest[2]]} {year}"
    if rest.isdigit() and len(year) == 4 and len(rest) == 2:
        return f"{MONTHS[int(rest) - 1]} {year}"
    return period


def fmt_value(value, measure: str | None = None) -> str:
    """A target or realisation as printed: 3,2 / 100% / – when missing."""
    if value is None:
        return "–"
    text = format_number(value)
    return f"{text}%" if measure == "%" else text


def fmt_percent(value) -> str:
    return "–" if value is None else f"{format_number(value)}%"


def fmt_money(value) -> str:
    """Juta rupiah with two decimals (4.126,05); empty cell when missing."""
    return "" if value is None else format_number(value, 2)


def data_time(conn) -> _dt.datetime:
    """The time of the latest change in the plan: a report's default generated-at (deterministic)."""
    latest = ""
    for table in PLAN_TABLES_WITH_TIME:
        row = conn.execute(f"SELECT max(updated_at) FROM {table}").fetchone()
        if row and row[0] and row[0] > latest:
            latest = row[0]
    row = conn.execute("SELECT max(updated_at) FROM report_signatory").fetchone()
    if row and row[0] and row[0] > latest:
        latest = row[0]
    if not latest:
        return _dt.datetime(2025, 12, 22, tzinfo=_dt.timezone.utc)
    moment = _dt.datetime.fromisoformat(latest.replace("Z", "+00:00"))
    return moment.replace(microsecond=0)


def program_label(program: dict) -> str:
    """'Program Penegakan dan Pelayanan Hukum · Kegiatan: Penyelenggaraan ...' for a group row."""
    name = program.get("name") or ""
    if name and not name.lower().startswith("program"):
        name = f"Program {name}"
    activity = program.get("activity") or ""
    return f"{name} · Kegiatan: {activity}" if activity else name
