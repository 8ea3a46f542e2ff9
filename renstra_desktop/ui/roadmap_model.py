"""Model of the Roadmap tab: aspect x year items, each with a status."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from ..core import queries
from ..core.schema import ROADMAP_STATUSES
from .models import Column, PlanTableModel

STATUS_COLOURS = {"berjalan": "#d7e8fa", "selesai": "#c8e6c9", "batal": "#e4e4e4"}


class RoadmapModel(PlanTableModel):

    row_table = "roadmap_item"
    grouped_by_unit = True
    tables = frozenset({"roadmap_item", "unit"})

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        labels = self.status_labels()                # translated once: choices() runs for every cell shown
        self._status_choices = [(labels[s], s) for s in ROADMAP_STATUSES]
        self._year_choices = [(str(y), y) for y in controller.plan_years]

    def fetch(self, conn, unit_code):
        return queries.roadmap_rows(conn, unit_code)

    def build_columns(self) -> list[Column]:
        tr = self.tr
        cols = self.unit_column()
        return cols + [
            Column("aspect", tr("Aspek"), "text", True, 230),
            Column("year", tr("Tahun"), "enum", True, 64),
            Column("seq", tr("No"), "int", width=36),
            Column("text", tr("Kegiatan"), "text", True, 520, stretch=True),
            Column("status", tr("Status"), "enum", True, 100),
        ]

    def targets(self, row: dict, column: Column):
        return [("roadmap_item", row["id"], column.key)] if column.editable else []

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            key = self._columns[index.column()].key
            if key in ("unit_code", "aspect") and not self.first_of_group(index.row(), key):
                return ""   # a group's unit and aspect are printed on its first row only
        return super().data(index, role)

    def status_labels(self) -> dict[str, str]:
        return {"rencana": self.tr("Rencana"), "berjalan": self.tr("Berjalan"),
                "selesai": self.tr("Selesai"), "batal": self.tr("Batal")}

    def choices(self, row: dict, column: Column):
        if column.key == "status":
            return self._status_choices
        if column.key == "year":
            return self._year_choices
        return None

    def background(self, row: dict, column: Column):
        if column.key == "status":
            return STATUS_COLOURS.get(row["status"])
        return None

    def font(self, row: dict, column: Column):
        if column.key == "text" and row["status"] == "batal":
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None

    def first_of_group(self, row: int, level: str = "aspect") -> bool:
        """True when this row starts a new unit (level 'unit_code') or unit/aspect group."""
        if row == 0:
            return True
        keys = ("unit_code",) if level == "unit_code" else ("unit_code", "aspect")
        a, b = self._rows[row - 1], self._rows[row]
        return any(a[k] != b[k] for k in keys)

    def next_seq(self, unit_code: str, aspect: str, year: int) -> int:
        return max((r["seq"] for r in self._rows
                    if (r["unit_code"], r["aspect"], r["year"]) == (unit_code, aspect, year)), default=0) + 1
