"""Model of the Risiko tab: the risk register with computed magnitude (besaran) and level."""
from __future__ import annotations

from ..core import queries
from ..core.risk_matrix import IMPACT, LIKELIHOOD
from ..core.schema import RISK_AREAS
from ..core.settings import load_settings
from .models import LEVEL_COLOURS, LEVEL_ROLE, Column, PlanTableModel

SCORE_FIELDS = ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")
EDITABLE = {"program_code", "area", "risk", "treatments", "responsible", "success_indicators", *SCORE_FIELDS}


class RiskModel(PlanTableModel):

    row_table = "risk"
    align_top = True
    grouped_by_unit = True
    tables = frozenset({"risk", "setting", "unit"})

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self._levels: list[str] = []
        self._appetite = 0
        # made once: choices() runs for every cell shown
        self._program_choices = [(code, code) for code in RISK_AREAS]
        self._score_choices = {
            kind: [("–", None)] + [(f"{n} – {names[n]}", n) for n in sorted(names)]
            for kind, names in (("likelihood", LIKELIHOOD), ("impact", IMPACT))}

    def fetch(self, conn, unit_code):
        rows = queries.risk_rows(conn, unit_code)
        for row in rows:       # tuples: the collector stops tracking these rows (a full collection
            row["treatments"] = tuple(row["treatments"])           # walks every list, 19 152 at 530 units)
            row["success_indicators"] = tuple(row["success_indicators"])
        return rows

    def prepare(self) -> None:
        settings = load_settings(self.controller.conn)
        self._levels = [name for _, name in settings.risk_levels]
        self._appetite = settings.risk_appetite

    def build_columns(self) -> list[Column]:
        """The document's columns, with the inherent assessment after the risk it rates and the
        residual assessment after the treatments that reduce it."""
        tr = self.tr
        cols = self.unit_column() + [
            Column("seq", tr("No"), "int", width=36, frozen=True),
            Column("program_code", tr("Program"), "enum", True, 70),
            Column("area", tr("Area"), "enum", True, 100),
            Column("risk", tr("Indikasi Risiko"), "text", True, 200),
        ]
        cols += self.score_columns("inherent", tr("inheren"))
        cols += [
            Column("treatments", tr("Indikasi Perlakuan Risiko"), "list", True, 260,
                   tr("Satu perlakuan per baris (urutan dipertahankan)")),
            Column("responsible", tr("Penanggung Jawab"), "text", True, 140),
            Column("success_indicators", tr("Indikator Keberhasilan"), "list", True, 220,
                   tr("Satu indikator per baris (urutan dipertahankan)")),
        ]
        return cols + self.score_columns("residual", tr("residual"))

    def score_columns(self, stage: str, label: str) -> list[Column]:
        tr = self.tr
        return [
            Column(f"{stage}_likelihood", tr("K\n{stage}").format(stage=label), "score", True, 58,
                   tr("Kemungkinan {stage}, 1-5").format(stage=label)),
            Column(f"{stage}_impact", tr("D\n{stage}").format(stage=label), "score", True, 58,
                   tr("Dampak {stage}, 1-5").format(stage=label)),
            Column(f"{stage}_magnitude", tr("Besaran\n{stage}").format(stage=label), "int", width=62,
                   tooltip=tr("Besaran {stage}: dihitung dari matriks risiko 5 × 5").format(stage=label)),
            Column(f"{stage}_level", tr("Level\n{stage}").format(stage=label), "text", width=92),
        ]

    def value(self, row: dict, column: Column):
        value = super().value(row, column)
        if column.key.endswith("_level") or column.key.endswith("_magnitude"):
            return "–" if value is None else value
        return value

    def targets(self, row: dict, column: Column):
        return [("risk", row["id"], column.key)] if column.key in EDITABLE else []

    def choices(self, row: dict, column: Column):
        if column.key == "program_code":
            return self._program_choices
        if column.key == "area":
            areas = list(RISK_AREAS.get(row["program_code"], ()))
            if row["area"] not in areas:
                areas.append(row["area"])
            return [(a, a) for a in areas]
        if column.key in SCORE_FIELDS:
            return self._score_choices["likelihood" if column.key.endswith("likelihood") else "impact"]
        return None

    def level_index(self, row: dict, column: Column) -> int | None:
        if not column.key.endswith("_level") or row.get(column.key) not in self._levels:
            return None
        return self._levels.index(row[column.key])

    def background(self, row: dict, column: Column):
        index = self.level_index(row, column)
        if index is None:
            return None
        # spread the configured levels over the colour ramp (5 levels by default)
        scaled = round(index * (len(LEVEL_COLOURS) - 1) / max(len(self._levels) - 1, 1))
        return LEVEL_COLOURS[scaled]

    def extra_data(self, row, column, role):
        if role == LEVEL_ROLE:
            return self.level_index(row, column)
        return None

    def tooltip(self, row: dict, column: Column):
        if column.key.endswith("_level") or column.key.endswith("_magnitude"):
            stage = column.key.split("_")[0]
            magnitude = row[f"{stage}_magnitude"]
            if magnitude is None:
                return self.tr("Isi kemungkinan (K) dan dampak (D) untuk menghitung besaran risiko.")
            text = self.tr("Besaran {m}: {level}.").format(m=magnitude, level=row[f"{stage}_level"])
            if magnitude > self._appetite:
                text += " " + self.tr("Di atas selera risiko ({appetite}): perlu RTP.").format(
                    appetite=self._appetite)
            return text
        return super().tooltip(row, column)

    def next_seq(self, unit_code: str) -> int:
        return max((r["seq"] for r in self._rows if r["unit_code"] == unit_code), default=0) + 1
