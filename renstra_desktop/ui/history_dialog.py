"""Riwayat: who changed a row, when, from what to what, and from which package (issue 9 §4).

Opened from a table cell's context menu (:func:`install_history_menu` on a PlanTableView); the
entries are read off the GUI thread (core.audit.row_history) and shown in a dialog."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QMenu,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from .models import ROW_ID_ROLE

ACTIONS = {"insert": "Ditambahkan", "update": "Diubah", "delete": "Dihapus", "restore": "Dipulihkan",
           "accept": "Perubahan luar diterima", "anchor": "Isi awal berkas"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("HistoryDialog", text)


def origin_text(origin: str | None) -> str:
    """Where a change came from, as people say it: this computer, an import, a package (digest)."""
    if origin in (None, "", "local"):
        return _tr("komputer ini")
    if origin == "import":
        return _tr("impor JSON")
    if origin == "seed":
        return _tr("rencana bawaan")
    if origin == "migrasi":
        return _tr("berkas versi lama")
    if origin == "diterima":
        return _tr("keputusan admin")
    if len(origin) >= 32 and all(c in "0123456789abcdef" for c in origin.lower()):
        return _tr("paket {digest}…").format(digest=origin[:12])
    return origin


class HistoryDialog(QDialog):
    COLUMNS = ("Waktu", "Oleh", "Perubahan", "Kolom", "Dari", "Menjadi", "Asal")

    def __init__(self, parent, title: str, entries: list[dict]):
        super().__init__(parent)
        self.setObjectName("HistoryDialog")
        self.setWindowTitle(self.tr("Riwayat — {title}").format(title=title))
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("{n} perubahan tercatat untuk {title}.").format(n=len(entries), title=title)
                         if entries else self.tr("Belum ada perubahan tercatat untuk {title}.").format(title=title))
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.table = QTableWidget(len(entries), len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        for i, e in enumerate(entries):
            values = (e["when"], e["actor"], self.tr(ACTIONS.get(e["action"], e["action"])), e["field_label"],
                      _value(e["old_value"]), _value(e["new_value"]), origin_text(e["origin"]))
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(e["origin"] if j == 6 else value)
                self.table.setItem(i, j, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Tutup"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 420)


def _value(value: str | None) -> str:
    if value is None:
        return ""
    return value if len(value) <= 200 else value[:197] + "…"


def show_history(view, controller, row_id: str, title: str) -> None:
    """Read the row's entries in a worker, then show them (the dialog is modal to the window)."""
    from ..core.audit import row_history
    from .worker import run_in_background

    def read(store, _progress):
        return row_history(store.conn, row_id)

    run_in_background(view.window(), _tr("Membaca riwayat"), read,
                      lambda entries: HistoryDialog(view.window(), title, entries).exec(),
                      store_path=controller.path, readonly=True, show_dialog=False)


def install_history_menu(view) -> None:
    """A context menu on the view's cells: "Riwayat…" of the plan row behind the cell (the model's
    ``controller`` names the open file)."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def menu(pos) -> None:
        index = view.indexAt(pos)
        controller = getattr(view.model(), "controller", None)
        if not index.isValid() or controller is None:
            return
        row_id = index.data(ROW_ID_ROLE)
        m = QMenu(view)
        action = m.addAction(_tr("Riwayat…"))
        action.setObjectName("history_action")
        action.setEnabled(bool(row_id) and controller.store is not None)
        model = view.model()
        column = model.headerData(index.column(), Qt.Orientation.Horizontal) or ""
        first = model.index(index.row(), 0).data() or ""
        title = " · ".join(str(p) for p in (first, column) if p)
        action.triggered.connect(lambda: show_history(view, controller, row_id, title))
        view.history_menu = m            # tests find the menu here
        m.popup(view.viewport().mapToGlobal(pos))

    view.customContextMenuRequested.connect(menu)
