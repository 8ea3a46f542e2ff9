"""Roadmap tab: aspect x year items, each with a status (rencana/berjalan/selesai/batal)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from .roadmap_model import RoadmapModel
from .tab_base import SingleTableTab


class RoadmapTab(SingleTableTab):
    def __init__(self, controller, parent=None):
        def tr(text):
            return QCoreApplication.translate("RoadmapTab", text)

        super().__init__(controller, RoadmapModel, tr(
            "Roadmap satker ini masih kosong. Pilih Sunting → Tambah baris."),
            tr("Status: Rencana, Berjalan, Selesai atau Batal (klik dua kali untuk memilih)."), parent)

    def add_row(self) -> bool:
        """A new item of this installation's unit, in the aspect and year of the selected row."""
        self.model.ensure_current()       # the numbering reads the rows: not while they are read
        unit = self.controller.unit_code
        index = self.view.currentIndex()
        current = self.model.row_dict(index.row()) if index.isValid() else None
        aspect = current["aspect"] if current else self.tr("Sarana dan Prasarana")
        year = current["year"] if current and current["year"] in self.controller.plan_years else self.controller.current_year()
        return self.controller.insert("roadmap_item", [{
            "unit_code": unit, "aspect": aspect, "year": year, "seq": self.model.next_seq(unit, aspect, year),
            "text": "", "status": "rencana",
        }], self.tr("Tambah butir roadmap"), then=lambda ids: self.start_editing(self.view, ids[0], "text"))
