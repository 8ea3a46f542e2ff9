"""PlanTab: what every editing tab offers the main window (unit filter, copy/paste, add and
remove rows, a text filter over its main table), so the Edit menu works on whichever tab is showing."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from . import dialogs
from .table_view import PlanTableView


class PlanTab(QWidget):
    """Subclasses build their views, then call :meth:`track` on each table view."""

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._views: list[PlanTableView] = []
        self._current: PlanTableView | None = None

    # -- views --------------------------------------------------------------------------------
    def track(self, view: PlanTableView) -> PlanTableView:
        self._views.append(view)
        view.installEventFilter(self)
        if self._current is None:
            self._current = view
        return view

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and obj in self._views:
            self._current = obj
        return False

    def views(self) -> list[PlanTableView]:
        return list(self._views)

    def current_view(self) -> PlanTableView:
        return self._current

    # -- what the Edit menu calls ---------------------------------------------------------------
    def set_unit(self, unit_code: str | None) -> None:
        raise NotImplementedError

    def copy(self) -> str:
        return self.current_view().copy_selection()

    def paste(self) -> bool:
        return self.current_view().paste()

    def add_row(self) -> bool:
        raise NotImplementedError

    def remove_rows(self) -> bool:
        """Tombstone the rows of the selected cells, after a confirmation."""
        view = self.current_view()
        model = view.model()
        selected = sorted({i.row() for i in view.selectionModel().selectedIndexes()}
                          or ({view.currentIndex().row()} if view.currentIndex().isValid() else set()))
        if not selected:
            dialogs.info(self.window(), self.tr("Hapus baris"), self.tr("Pilih dulu baris yang akan dihapus."))
            return False
        table, ids, refused = self.removable(model, selected)
        if refused:
            dialogs.warn(self.window(), self.tr("Hapus baris"), refused)
            return False
        if not ids:
            return False
        question = self.tr("Hapus {n} baris terpilih?\n\nBaris ditandai terhapus (tetap tercatat di jejak audit) "
                           "dan dapat dipulihkan dengan Urungkan (Ctrl+Z).").format(n=len(selected))
        if not dialogs.ask(self.window(), self.tr("Hapus baris"), question):
            return False
        return self.controller.delete(table, ids, self.tr("Hapus {n} baris").format(n=len(selected)))

    def removable(self, model, rows: list[int]) -> tuple[str, list[str], str | None]:
        """(table, row ids, refusal message or None) for removing these model rows."""
        ids, table = [], model.row_table
        for r in rows:
            row = model.row_dict(r)
            if not self.controller.can_write_row(row.get("owner_unit")):
                return table, [], self.tr("Baris {n} milik {owner}; hanya satker itu yang dapat "
                                          "menghapusnya.").format(n=r + 1, owner=model.unit_name(row.get("owner_unit")))
            ids.append(row["id"])
        return table, ids, None

    def make_filter(self, view: PlanTableView) -> QLineEdit:
        """The "Saring" box over ``view``: rows containing the typed text (any column), applied a moment
        after the last key; its model reads every unit's rows in a worker and sorts by a header click."""
        view.enable_sorting()
        view.model().background_loading = True
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filter_edit")
        self.filter_edit.setPlaceholderText(self.tr("Saring baris…"))
        self.filter_edit.setToolTip(self.tr("Tampilkan hanya baris yang memuat teks ini (semua kolom)"))
        self.filter_edit.setAccessibleName(self.tr("Saring baris tabel"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaximumWidth(260)
        timer = QTimer(self.filter_edit)
        timer.setSingleShot(True)
        timer.setInterval(150)
        timer.timeout.connect(lambda: view.model().set_filter(self.filter_edit.text()))
        self.filter_edit.textChanged.connect(lambda _text: timer.start())
        return self.filter_edit

    def start_editing(self, view: PlanTableView, row, column_key: str) -> None:
        """Select the cell of a newly added row (its id, or a predicate on model rows) and open its editor."""
        model = view.model()
        model.ensure_current()
        col = model.column_index(column_key)
        predicate = row if callable(row) else (lambda r: r.get("id") == row)
        if view.select_row_of(predicate, col):
            index = view.currentIndex()
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                view.edit(index)


class SingleTableTab(PlanTab):
    """A tab with one table view over one model and a hint line above it."""

    def __init__(self, controller, model_class, placeholder: str, hint: str, parent=None):
        super().__init__(controller, parent)
        self.model = model_class(controller, self)
        self.view = self.track(PlanTableView(placeholder=placeholder))
        self.view.fit_rows = True
        self.view.setModel(self.model)
        label = QLabel(hint)
        label.setStyleSheet("color: #555;")
        label.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(label, 1)
        bar.addWidget(self.make_filter(self.view))
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def set_unit(self, unit_code: str | None) -> None:
        self.model.set_unit(unit_code)
