"""Table models of the "Status verifikasi" view: the statuses (unit × period) and, for one of them,
the submitted values beside the current ones.  They hold rows the core computed in a worker
(core.period_workflow.overview / comparison); no SQL here."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from ..core.numbers import format_number
from .rows_model import RowsModel

STATUS_COLOURS = {"diajukan": "#8a5a00", "dikembalikan": "#b00020", "diverifikasi": "#1f5fa8",
                  "disahkan": "#1b6e20", "dibuka": "#6a3d9a"}
CHANGED_COLOUR = QColor("#b00020")


class _RowsModel(RowsModel):
    ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class PeriodStatusModel(_RowsModel):
    """One row per unit and period: Satker, Periode, Status, Sejak, Menunggu, Oleh, Catatan."""
    HEADERS = ("Satker", "Periode", "Status", "Sejak", "Menunggu", "Oleh", "Catatan terakhir")
    KEYS = ("unit_name", "period", "label", "at", "waited", "by", "note")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = row[self.KEYS[column]]
            return value if value not in ("", None) else "–"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row['unit_code']} {row['unit_name']}" if column == 0 else (row["note"] or None)
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and row["status"] in STATUS_COLOURS:
            return QBrush(QColor(STATUS_COLOURS[row["status"]]))
        if role == self.ROW_ROLE:
            return row
        return None


class SubmittedValuesModel(_RowsModel):
    """What was submitted beside what the file holds now, per indicator and period."""
    HEADERS = ("Indikator", "Periode", "Diajukan sebelumnya", "Diajukan", "Sekarang", "Data dukung sekarang",
               "Keterangan")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and ((column == 4 and row["changed"]) or
                                                       (column == 3 and row["changed_since_previous"])):
            return QBrush(CHANGED_COLOUR)
        if role == self.ROW_ROLE:
            return row
        return None

    def _text(self, row: dict, column: int) -> str:
        def value(side):
            v = row[side]
            return "–" if v is None or v.get("value") is None else format_number(v["value"])
        if column == 0:
            return row["indicator_code"]
        if column == 1:
            return row["period"]
        if column in (2, 3, 4):
            return value(("previous", "submitted", "current")[column - 2])
        if column == 5:
            current = row["current"] or {}
            files = current.get("evidence_files") or []
            parts = [current.get("evidence") or ""] + ([self.tr("{n} berkas").format(n=len(files))] if files else [])
            return "; ".join(p for p in parts if p) or "–"
        if row["submitted"] is None and row["previous"] is None and not row["changed"]:
            return self.tr("belum diajukan")
        notes = []
        if row["changed"]:
            notes.append(self.tr("berubah sesudah diajukan"))
        if row["changed_since_previous"]:
            notes.append(self.tr("berbeda dari pengajuan sebelumnya"))
        return ", ".join(notes) or self.tr("sama")
