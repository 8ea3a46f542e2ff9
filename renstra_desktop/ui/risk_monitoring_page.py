"""The Siklus Kinerja tab's "Pemantauan Risiko" page (issue 10 §6): for the quarter chosen above,
every risk of the unit with its RTP activities and their status at the quarter's end, the residual
likelihood and impact at the quarter's end, and the risk events of the quarter.

Reads come from :func:`renstra_desktop.core.cycle.risk_monitoring.monitoring`; every change is a
core.cycle call handed to the tab's one write path (``write(fn, *args)``), which shows a refusal and
tells the views what changed.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSpinBox,
                               QStyledItemDelegate, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ..core.cycle import risk_monitoring
from ..core.errors import RenstraError
from . import dialogs
from .form_dialog import FormField

KIND = Qt.ItemDataRole.UserRole          # ("risk", id) | ("action", id) | ("event", id)
COLUMNS = ("Risiko / kegiatan RTP", "Waktu", "Penanggung jawab", "Status akhir triwulan", "Keterangan")
STATUS, NOTE = 3, 4


class _StatusDelegate(QStyledItemDelegate):
    """An activity's status is chosen from the list; its note is free text; nothing else is edited."""

    def createEditor(self, parent, option, index):
        data = index.siblingAtColumn(0).data(KIND)
        if not data or data[0] != "action" or index.column() not in (STATUS, NOTE):
            return None
        if index.column() == NOTE:
            return super().createEditor(parent, option, index)
        box = QComboBox(parent)
        for key, label in risk_monitoring.STATUS_LABEL.items():
            box.addItem(label, key)
        return box

    def setEditorData(self, editor, index):
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.siblingAtColumn(0).data(KIND)[2]), 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class RiskMonitoringPage(QWidget):
    def __init__(self, tab, write, parent=None):
        """``tab``: the Siklus Kinerja tab (its unit, year and period); ``write(fn, *args)`` its write path."""
        super().__init__(parent)
        self.tab, self.write = tab, write
        self._loading = False
        self.quarter_label = QLabel()
        self.quarter_label.setWordWrap(True)      # never widens the window (1024×768 screens)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([self.tr(c) for c in COLUMNS])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.ResizeToContents)
        for column, width in ((1, 90), (2, 120), (NOTE, 170)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.tree.setWordWrap(True)
        self.tree.setAccessibleName(self.tr("Pemantauan risiko per triwulan"))
        self.tree.setItemDelegate(_StatusDelegate(self.tree))
        self.tree.setEditTriggers(QTreeWidget.EditTrigger.DoubleClicked | QTreeWidget.EditTrigger.EditKeyPressed
                                  | QTreeWidget.EditTrigger.SelectedClicked)
        self.likelihood, self.impact = QSpinBox(), QSpinBox()
        for box in (self.likelihood, self.impact):
            box.setRange(1, 5)
        self.likelihood.setAccessibleName(self.tr("Kemungkinan residual"))
        self.impact.setAccessibleName(self.tr("Dampak residual"))
        self.hint = QLabel()
        self.residual_button = QPushButton(self.tr("Simpan residual"))
        self.action_button = QPushButton(self.tr("Tambah kegiatan RTP…"))
        self.event_button = QPushButton(self.tr("Catat kejadian…"))
        residual = QHBoxLayout()
        residual.addWidget(QLabel(self.tr("Residual akhir triwulan: K")))
        residual.addWidget(self.likelihood)
        residual.addWidget(QLabel(self.tr("D")))
        residual.addWidget(self.impact)
        residual.addWidget(self.hint, 1)
        residual.addWidget(self.residual_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.quarter_label, 1)
        buttons.addWidget(self.action_button)
        buttons.addWidget(self.event_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addLayout(residual)
        self.tree.currentItemChanged.connect(lambda *_: self._show_selection())
        self.tree.itemChanged.connect(self._status_edited)
        self.residual_button.clicked.connect(self.save_residual)
        self.action_button.clicked.connect(self.add_action)
        self.event_button.clicked.connect(self.add_event)

    # -- reading ----------------------------------------------------------------------------------
    def quarter(self) -> str:
        """The quarter shown: the tab's period when it is a quarter, else the last quarter of it."""
        code = self.tab.period.currentData() or "TW4"
        code = {"S1": "TW2", "S2": "TW4"}.get(code, code)
        return f"{self.tab.year.value()}-{code}"

    def reload(self, conn) -> None:
        self._loading = True
        selected = self._selected()
        try:
            self.tree.clear()
            try:
                data = risk_monitoring.monitoring(conn, self.tab.unit, self.quarter())
            except RenstraError as exc:
                self.quarter_label.setText(exc.message)
                self._show_selection()
                return
            risks = [r for r in data["risks"] if r["risk"].strip()]     # the register's empty rows are not risks
            text = self.tr("Triwulan %s: status kegiatan RTP, risiko residual dan kejadian") % data["period"]
            if len(risks) < len(data["risks"]):
                text += self.tr(" (%d baris register kosong tidak ditampilkan)") % (len(data["risks"]) - len(risks))
            self.quarter_label.setText(text)
            for risk in risks:
                k, d, _m, level = risk["end"]
                residual = (self.tr("Residual K%s D%s (%s)") % (k, d, level) if k and d
                            else self.tr("Residual belum dinilai"))
                top = QTreeWidgetItem([f"{risk['seq']}. {risk['risk']}", "", "", residual, risk["end_note"]])
                top.setData(0, KIND, ("risk", risk["id"], k, d))
                top.setToolTip(0, risk["risk"])
                for action in risk["actions"]:
                    child = QTreeWidgetItem([action["action"], action.get("schedule") or "",
                                             action.get("responsible") or "", action["status_label"], action["note"]])
                    child.setData(0, KIND, ("action", action["id"], action["status"]))
                    child.setFlags(child.flags() | Qt.ItemFlag.ItemIsEditable)
                    child.setToolTip(0, action["action"])
                    top.addChild(child)
                for event in risk["events"]:
                    child = QTreeWidgetItem([self.tr("Kejadian: %s") % event["description"], event["event_date"], "",
                                             event.get("impact") or "", event.get("response") or ""])
                    child.setData(0, KIND, ("event", event["id"]))
                    top.addChild(child)
                self.tree.addTopLevelItem(top)
                if selected and selected[1] == risk["id"]:
                    self.tree.setCurrentItem(top)
            self.tree.expandAll()
        finally:
            self._loading = False
        self._show_selection()

    def _selected(self) -> tuple | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return item.data(0, KIND) if item is not None else None

    def _show_selection(self) -> None:
        risk = self._selected()
        for w in (self.residual_button, self.action_button, self.event_button, self.likelihood, self.impact):
            w.setEnabled(risk is not None)
        if risk is not None:
            self.likelihood.setValue(risk[2] or 1)
            self.impact.setValue(risk[3] or 1)
        item = self.tree.currentItem()
        data = item.data(0, KIND) if item is not None else None
        self.hint.setText(self.tr("Status dan keterangan kegiatan: klik dua kali selnya") if data and data[0] == "action"
                          else "")

    # -- writing ----------------------------------------------------------------------------------
    def save_residual(self) -> None:
        risk = self._selected()
        if risk is not None:
            self.write(risk_monitoring.set_residual, self.tab.unit, risk[1], self.quarter(),
                       self.likelihood.value(), self.impact.value())

    def add_action(self) -> None:
        risk = self._selected()
        if risk is None:
            return
        values = dialogs.ask_form(self, self.tr("Tambah kegiatan RTP"), [
            FormField("action", self.tr("Kegiatan"), "text"), FormField("schedule", self.tr("Waktu")),
            FormField("responsible", self.tr("Penanggung jawab")), FormField("output", self.tr("Keluaran"))])
        if values is not None:
            self.write(risk_monitoring.add_action, self.tab.unit, risk[1], values)

    def add_event(self) -> None:
        risk = self._selected()
        if risk is None:
            return
        values = dialogs.ask_form(self, self.tr("Catat kejadian risiko"), [
            FormField("event_date", self.tr("Tanggal"), "date"), FormField("description", self.tr("Kejadian"), "text"),
            FormField("impact", self.tr("Dampak"), "text"), FormField("response", self.tr("Respons"), "text")])
        if values is not None:
            self.write(risk_monitoring.add_event, self.tab.unit, risk[1], values["event_date"], values["description"],
                       values["impact"], values["response"])

    def _status_edited(self, item, column: int) -> None:
        """An activity's status (its key, from the delegate's list) or note changed in the tree."""
        if self._loading:
            return
        data = item.data(0, KIND)
        if not data or data[0] != "action" or column not in (STATUS, NOTE):
            return
        status = item.text(STATUS) if column == STATUS else data[2]
        self.write(risk_monitoring.set_action_status, self.tab.unit, data[1], self.quarter(), status, item.text(NOTE))
