"""Pendanaan tab: allocation and realised spending per SK/IKK line and year (juta rupiah)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

from ..core import queries
from . import dialogs
from .funding_model import FundingModel
from .tab_base import SingleTableTab


class FundingTab(SingleTableTab):
    def __init__(self, controller, parent=None):
        def tr(text):
            return QCoreApplication.translate("FundingTab", text)

        super().__init__(controller, FundingModel, tr(
            "Belum ada kerangka pendanaan untuk satker ini. Pilih Sunting → Tambah baris."),
            tr("Dalam juta rupiah. Jumlah per baris dan baris Jumlah dihitung otomatis."), parent)
        self.scope = QLabel()            # whose money the figures are (core: queries.funding_scope)
        self.scope.setWordWrap(True)
        self.scope.setStyleSheet("color: #555;")
        self.layout().insertWidget(1, self.scope)

    def set_unit(self, unit_code):
        super().set_unit(unit_code)
        self.scope.setText(queries.funding_scope(self.controller.conn, unit_code))

    def removable(self, model, rows):
        ids = []
        for r in rows:
            row = model.row_dict(r)
            if model.is_total(row):
                return "funding", [], self.tr("Baris Jumlah dihitung otomatis dan tidak dapat dihapus.")
            if not self.controller.can_write_row(row["owner_unit"]):
                return "funding", [], self.tr("Baris {code} milik {owner}; hanya satker itu yang dapat "
                                              "menghapusnya.").format(code=row["line_code"],
                                                                      owner=model.unit_name(row["owner_unit"]))
            ids += model.line_ids(row)
        return "funding", ids, None

    def add_row(self) -> bool:
        """A new SK/IKK funding line of this installation's unit, one row per year."""
        self.model.ensure_current()       # which lines exist reads the rows: not while they are read
        conn = self.controller.conn
        unit = self.controller.unit_code
        present = {r["line_code"] for r in self.model.rows() if r["unit_code"] == unit}
        codes = []
        for ind in queries.indicators(conn):
            for code, name in ((ind["objective_code"], ind["objective_name"]), (ind["code"], ind["name"])):
                if code not in present and code not in [c for c, _ in codes]:
                    codes.append((code, name))
        title = self.tr("Tambah baris pendanaan")
        if not codes:
            dialogs.info(self.window(), title, self.tr("Setiap SK dan IKK sudah memiliki baris pendanaan."))
            return False
        index = dialogs.choose_item(self.window(), title, self.tr("Baris untuk SK/IKK:"),
                                    [f"{code} – {name}" for code, name in codes])
        if index is None:
            return False
        code = codes[index][0]
        executing = queries.unit_names(conn).get(unit, unit)
        first_year = self.controller.plan_years[0]
        return self.controller.insert("funding", [
            {"unit_code": unit, "line_code": code, "year": y, "executing_unit": executing} for y in self.controller.plan_years],
            self.tr("Tambah pendanaan {code}").format(code=code),
            then=lambda ids: self.start_editing(self.view, lambda r: (r["unit_code"], r["line_code"], r["measure"]) == (
                unit, code, "allocation"), f"y_{first_year}"))
