"""Model of the Pendanaan tab: per SK/IKK line two rows (allocation, realised spending) with a
value per year 2025-2029 and the computed line total, then two total rows.  Money is in juta
rupiah, shown in Indonesian format with two decimals (4.126,05)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from ..core import queries
from .models import Column, PlanTableModel

YEAR_PREFIX = "y_"
MEASURES = ("allocation", "realised")
TOTAL = "__total__"


class FundingModel(PlanTableModel):

    row_table = "funding"
    grouped_by_unit = True
    tables = frozenset({"funding", "objective", "indicator", "unit"})

    def fetch(self, conn, unit_code):
        order = {}
        for ind in queries.indicators(conn):          # SK 17, IKK 17.1, SK 19, IKK 19.1, ...
            order.setdefault(ind["objective_code"], len(order))
            order.setdefault(ind["code"], len(order))
        unit_seq = {u["code"]: u["seq"] for u in queries.units(conn)}
        lines = sorted(queries.funding_rows(conn, unit_code),
                       key=lambda r: (unit_seq.get(r["unit_code"], 99), order.get(r["line_code"], 99),
                                      r["line_code"]))
        return [{**line, "measure": m, "values": line[m], "total": line[f"total_{m}"]}
                for line in lines for m in MEASURES]

    def complete(self, rows: list[dict]) -> list[dict]:
        """The two total rows (allocation, realised spending) under the lines."""
        lines = [r for r in rows if not self.is_total(r)]
        totals = []
        for measure in MEASURES:
            own = [r for r in lines if r["measure"] == measure]
            totals.append({"unit_code": TOTAL, "line_code": "", "measure": measure,
                           "values": {y: queries.money_sum(r["values"].get(y) for r in own) for y in self.controller.plan_years},
                           "total": queries.money_sum(r["total"] for r in own)})
        return lines + totals

    def kept_last(self, row: dict) -> bool:
        return self.is_total(row)

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        # translated once: value() runs for every cell shown
        self._measure_labels = {"allocation": self.tr("Alokasi"), "realised": self.tr("Realisasi")}
        self._total_label = self.tr("Jumlah")

    def row_key(self, row: dict):
        return row["unit_code"], row["line_code"], row["measure"]

    def is_total(self, row: dict) -> bool:
        return row["unit_code"] == TOTAL

    def measure_label(self, measure: str) -> str:
        return self._measure_labels[measure]

    def build_columns(self) -> list[Column]:
        tr = self.tr
        cols = self.unit_column()
        cols += [
            Column("line_code", tr("SK/IKK"), width=70, frozen=True),
            Column("line_name", tr("Uraian"), width=240, stretch=True, frozen=True),
            Column("measure", tr("Jenis"), width=74),
        ]
        cols += [Column(f"{YEAR_PREFIX}{y}", str(y), "money", True, 92,
                        tr("Juta rupiah, tahun {year}; ketik mis. 3.193,72").format(year=y)) for y in self.controller.plan_years]
        cols += [
            Column("total", tr("Jumlah"), "money", width=100, tooltip=tr("Dihitung: jumlah {first}–{last}").format(first=self.controller.plan_years[0], last=self.controller.plan_years[-1])),
            Column("executing_unit", tr("Pelaksana"), "text", True, 150),
        ]
        return cols

    @staticmethod
    def year_of(column: Column) -> int | None:
        return int(column.key[len(YEAR_PREFIX):]) if column.key.startswith(YEAR_PREFIX) else None

    def value(self, row: dict, column: Column):
        year = self.year_of(column)
        if year is not None:
            return row["values"].get(year)
        if column.key == "measure":
            return self.measure_label(row["measure"])
        if self.is_total(row):
            if column.key == "total":
                return row["total"]
            first = 1 if self.show_unit else 0
            if column.key == self._columns[first].key:
                return self._total_label
            return ""
        if column.key == "executing_unit" and row["measure"] != "allocation":
            return ""
        return super().value(row, column)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.DisplayRole and index.isValid()
                and self._columns[index.column()].key in ("unit_code", "line_name")
                and self._rows[index.row()]["measure"] == "realised"
                and not self.is_total(self._rows[index.row()]) and self._follows_its_allocation(index.row())):
            return ""   # printed once per line, on its allocation row (copy still gets the value)
        return super().data(index, role)

    def _follows_its_allocation(self, row: int) -> bool:
        """A realised row right under its line's allocation row (not so once sorted or filtered)."""
        if row == 0:
            return False
        above, here = self._rows[row - 1], self._rows[row]
        return (above["measure"], above["unit_code"], above["line_code"]) == (
            "allocation", here["unit_code"], here["line_code"])

    def targets(self, row: dict, column: Column):
        if self.is_total(row):
            return []
        year = self.year_of(column)
        if year is not None:
            return [("funding", row["ids"].get(year), row["measure"])]
        if column.key == "executing_unit" and row["measure"] == "allocation":
            return [("funding", rid, "executing_unit") for rid in row["ids"].values()]
        return []

    def read_only_reason(self, row: dict, column: Column):
        if self.is_total(row):
            return self.tr("Jumlah dihitung otomatis.")
        if not self.targets(row, column):
            return self.tr("Pelaksana diisi pada baris alokasi.")
        year = self.year_of(column)
        if year is not None and year not in row["ids"]:
            return self.tr("Baris pendanaan tahun {year} belum ada.").format(year=year)
        return super().read_only_reason(row, column)

    def font(self, row: dict, column: Column):
        if self.is_total(row) or column.key == "total":
            font = QFont()
            font.setBold(True)
            return font
        return None

    def line_ids(self, row: dict) -> list[str]:
        return [] if self.is_total(row) else list(row["ids"].values())
