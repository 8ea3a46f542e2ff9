"""Models of the Indikator tab: targets per year with the year's capaian, and the selected
indicator's realisations per period."""
from __future__ import annotations

from ..core import queries
from ..core.achievement import format_target
from ..core.period_workflow import STATUS_LABELS, latest_events
from ..core.write_rules import PeriodStatus
from .models import GRADE_COLOURS, GRADE_ROLE, Column, PlanTableModel

TARGET_PREFIX = "target_"


class IndicatorModel(PlanTableModel):
    """One row per unit and IKK: targets 2025-2029 (editable), the selected year's rolled-up
    realisation, capaian coloured by grade band, and the grade."""

    row_table = "indicator_target"

    tables = frozenset({"indicator_target", "realisation", "indicator", "objective", "program",
                        "unit", "setting"})

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.year = controller.current_year()

    def set_year(self, year: int) -> None:
        self.year = year
        self.reload(force_reset=True)

    def fetch(self, conn, unit_code):
        return queries.indicator_rows(conn, unit_code, self.year)

    def row_key(self, row: dict):
        return row["unit_code"], row["indicator_code"]

    def build_columns(self) -> list[Column]:
        tr = self.tr
        cols = self.unit_column()
        cols += [
            Column("indicator_code", tr("IKK"), width=72, frozen=True),
            Column("indicator_name", tr("Indikator Kinerja Kegiatan"), width=230, stretch=True, frozen=True),
            Column("measure", tr("Satuan"), width=62),
        ]
        cols += [Column(f"{TARGET_PREFIX}{y}", tr("Target\n{year}").format(year=y), "number", True, 70,
                        tr("Target tahun {year}; ketik mis. 3,2").format(year=y)) for y in self.controller.plan_years]
        cols += [
            Column("actual", tr("Realisasi\n{year}").format(year=self.year), "number", width=80,
                   tooltip=tr("Realisasi {year}, direkap dari periode-periodenya").format(year=self.year)),
            Column("achievement", tr("Capaian\n{year}").format(year=self.year), "percent", width=84),
            Column("grade", tr("Predikat"), width=105),
        ]
        return cols

    @staticmethod
    def target_year(column: Column) -> int | None:
        return int(column.key[len(TARGET_PREFIX):]) if column.key.startswith(TARGET_PREFIX) else None

    def display(self, row: dict, column: Column) -> str | None:
        """A range target as the reports print it ("80–90"; edited as its lower bound)."""
        year = self.target_year(column)
        if year is not None and row["uppers"].get(year) is not None:
            return format_target(row["targets"].get(year), row["uppers"][year], "")
        return None

    def value(self, row: dict, column: Column):
        year = self.target_year(column)
        if year is not None:
            return row["targets"].get(year)
        if column.key == "grade":
            return row["grade"] or "–"
        return super().value(row, column)

    def targets(self, row: dict, column: Column):
        year = self.target_year(column)
        if year is None:
            return []
        return [("indicator_target", row["target_ids"].get(year), "value")]

    def owner(self, row: dict, column: Column):
        year = self.target_year(column)
        return row["target_owner"].get(year) if year is not None else None

    def read_only_reason(self, row: dict, column: Column):
        year = self.target_year(column)
        if year is not None and year not in row["target_ids"]:
            # no target row yet: the unit itself, or the Kanwil (it sets targets for units), adds it
            if row["unit_code"] == self.controller.unit_code or self.controller.is_kanwil:
                return None
            return self.tr("Target {unit} diisi oleh satker itu sendiri.").format(unit=row["unit_name"])
        return super().read_only_reason(row, column)

    def background(self, row: dict, column: Column):
        if column.key in ("achievement", "grade") and row["grade_role"]:
            return GRADE_COLOURS.get(row["grade_role"])
        return None

    def extra_data(self, row, column, role):
        if role == GRADE_ROLE and column.key in ("achievement", "grade"):
            return row["grade_role"]
        return None

    def tooltip(self, row: dict, column: Column):
        if column.key in ("indicator_name", "indicator_code"):
            return self.tr("{code} {name}\nSK: {objective_code} {objective}\nPolaritas: {polarity}; "
                           "rekap periode: {rollup}").format(
                code=row["indicator_code"], name=row["indicator_name"], objective_code=row["objective_code"],
                objective=row["objective_name"], polarity=self.polarity_label(row["polarity"]),
                rollup=self.rollup_label(row["rollup"]))
        return super().tooltip(row, column)

    def polarity_label(self, polarity: str) -> str:
        return self.tr("makin tinggi makin baik") if polarity == "higher" else self.tr("makin rendah makin baik")

    def rollup_label(self, rule: str) -> str:
        return {"last": self.tr("nilai terakhir"), "mean": self.tr("rata-rata"), "sum": self.tr("jumlah")}[rule]

    def create_cell(self, row: dict, column: Column, text) -> bool:
        year = self.target_year(column)
        if year is None:
            return False
        return self.controller.insert("indicator_target", [{
            "unit_code": row["unit_code"], "indicator_code": row["indicator_code"], "year": year, "value": text,
        }], self.tr("Isi target {year}").format(year=year))

    def target_row_ids(self, row: dict) -> list[str]:
        """The target rows of one line that this installation may remove."""
        return [rid for y, rid in row["target_ids"].items()
                if self.controller.can_write_row(row["target_owner"].get(y))]


class RealisationModel(PlanTableModel):
    """Realisations of one unit's indicator per period, with the evidence (data dukung)."""

    row_table = "realisation"

    tables = frozenset({"realisation", "period_event"})

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.indicator_code: str | None = None
        self._status: PeriodStatus | None = None
        self._steps: dict[str, str] = {}       # period -> its workflow status (latest event)
        self._grains = {"year": self.tr("Tahunan"), "semester": self.tr("Semester"),
                        "quarter": self.tr("Triwulan"), "month": self.tr("Bulanan")}

    def set_selection(self, unit_code: str | None, indicator_code: str | None) -> None:
        if (unit_code, indicator_code) == (self.unit_code, self.indicator_code):
            return
        self.unit_code, self.indicator_code = unit_code, indicator_code
        self.reload(force_reset=True)

    def fetch(self, conn, unit_code):
        if not (unit_code and self.indicator_code):
            return []
        return queries.realisation_rows(conn, unit_code, self.indicator_code)

    def prepare(self) -> None:
        self._status = PeriodStatus(self.controller.conn) if self.unit_code else None
        self._steps = ({e["period"]: e["event"] for e in latest_events(self.controller.conn, self.unit_code)}
                       if self.unit_code else {})

    def build_columns(self) -> list[Column]:
        tr = self.tr
        return [
            Column("period", tr("Periode"), width=90,
                   tooltip=tr("2026 (tahunan), 2026-S1 (semester), 2026-TW3 (triwulan), 2026-05 (bulan)")),
            Column("grain", tr("Jenis"), width=80),
            Column("value", tr("Realisasi"), "number", True, 90),
            Column("evidence", tr("Data dukung"), "text", True, 420,
                   tr("Bukti pendukung capaian: dokumen, tautan, nomor surat")),
            Column("status", tr("Status verifikasi"), width=170,
                   tooltip=tr("Status periode ini atau periode yang memuatnya (tab Status verifikasi)")),
        ]

    def value(self, row: dict, column: Column):
        if column.key == "grain":
            return self.grain_label(queries.period_grain(row["period"]))
        if column.key == "status":
            return self.status_label(row["period"])
        return row.get(column.key)

    def targets(self, row: dict, column: Column):
        return [("realisation", row["id"], column.key)] if column.editable else []

    def locked_period(self, period: str) -> str | None:
        """The closed period covering ``period`` (submitted, verified or approved: itself or one
        containing it, write_rules.PeriodStatus); None when open."""
        return self._status.closed_period(self.unit_code, period) if self._status else None

    def status_label(self, period: str) -> str:
        """The period's own workflow status, or that of the closed period containing it ("Disahkan
        (2026-TW1)"); "Draf" when neither has one."""
        own = self._steps.get(period)
        closed = self.locked_period(period)
        if closed and closed != period:
            return f"{STATUS_LABELS[self._steps.get(closed, 'disahkan')]} ({closed})"
        return STATUS_LABELS[own or "draft"]

    def closed_reason(self, period: str) -> str | None:
        """Why ``period`` takes no changes (its status, who, when, whom to ask), or None when open."""
        locked = self.locked_period(period)
        return self._status.refusal(self.unit_code, locked) if locked else None

    def read_only_reason(self, row: dict, column: Column):
        closed = self.closed_reason(row["period"])
        if closed:
            return closed
        return super().read_only_reason(row, column)

    def grain_label(self, grain: str) -> str:
        return self._grains[grain]
