"""Risiko tab: the risk register with its computed magnitude and level."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from ..core.schema import RISK_AREAS
from .risk_model import RiskModel
from .tab_base import PlanTab
from .table_view import PlanTableView


class RiskTab(PlanTab):
    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.model = RiskModel(controller, self)
        self.view = self.track(PlanTableView(placeholder=self.tr(
            "Register risiko satker ini masih kosong. Pilih Sunting → Tambah baris.")))
        self.view.fit_rows = True
        self.view.setModel(self.model)
        hint = QLabel(self.tr("K = kemungkinan, D = dampak (1–5). Besaran dan level dihitung dari matriks 5 × 5; "
                              "perlakuan dan indikator keberhasilan: satu butir per baris."))
        hint.setStyleSheet("color: #555;")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)

    def set_unit(self, unit_code: str | None) -> None:
        self.model.set_unit(unit_code)

    def add_row(self) -> bool:
        """A new risk of this installation's unit, in the area of the selected row."""
        unit = self.controller.unit_code
        index = self.view.currentIndex()
        current = self.model.row_dict(index.row()) if index.isValid() else None
        program = current["program_code"] if current else "PPH"
        area = current["area"] if current else RISK_AREAS[program][0]
        ids = self.controller.insert("risk", [{
            "unit_code": unit, "program_code": program, "area": area, "seq": self.model.next_seq(unit),
            "risk": "", "treatments": [], "success_indicators": [],
        }], self.tr("Tambah risiko"))
        if ids:
            self.start_editing(self.view, ids[0], "risk")
        return bool(ids)
