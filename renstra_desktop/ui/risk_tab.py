"""Risiko tab: the risk register with its computed magnitude and level."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ..core.schema import RISK_AREAS
from .risk_model import RiskModel
from .tab_base import SingleTableTab


class RiskTab(SingleTableTab):
    def __init__(self, controller, parent=None):
        def tr(text):
            return QCoreApplication.translate("RiskTab", text)

        super().__init__(controller, RiskModel, tr(
            "Register risiko satker ini masih kosong. Pilih Sunting → Tambah baris."),
            tr("K = kemungkinan, D = dampak (1–5). Besaran dan level dihitung dari matriks 5 × 5; "
               "perlakuan dan indikator keberhasilan: satu butir per baris (Enter: butir baru; Tab atau "
               "Ctrl+Enter: simpan)."), parent)

    def add_row(self) -> bool:
        """A new risk of this installation's unit, in the area of the selected row."""
        self.model.ensure_current()       # the numbering reads the rows: not while they are read
        unit = self.controller.unit_code
        index = self.view.currentIndex()
        current = self.model.row_dict(index.row()) if index.isValid() else None
        program = current["program_code"] if current else "PPH"
        area = current["area"] if current else RISK_AREAS[program][0]
        return self.controller.insert("risk", [{
            "unit_code": unit, "program_code": program, "area": area, "seq": self.model.next_seq(unit),
            "risk": "", "treatments": [], "success_indicators": [],
        }], self.tr("Tambah risiko"), then=lambda ids: self.start_editing(self.view, ids[0], "risk"))
