"""PlanTableView: a QTableView over a PlanTableModel with spreadsheet habits: copy a cell range
as tab-separated text, paste a range (from Excel) as one all-or-nothing service call and one
undo step, Delete clears the selected cells, and an empty table says why it is empty.

Columns take their declared widths; a ``stretch`` column takes the spare width but never less than
its own, so a narrow screen scrolls sideways instead of squeezing the long names into tall rows,
and the identifying columns (``Column.frozen``) stay in view (:mod:`.frozen_columns`)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from . import dialogs
from .delegates import PlanDelegate
from .frozen_columns import FrozenColumns
from .tsv import format_tsv, parse_tsv


class PlanTableView(QTableView):
    def __init__(self, parent=None, *, placeholder: str = ""):
        super().__init__(parent)
        # A viewport made in Python: wrapping the C++-made one the first time viewport() is called
        # makes PySide initialise every QWidget subclass it knows (~50 ms at start-up).
        viewport = QWidget(self)
        viewport.setBackgroundRole(QPalette.ColorRole.Base)   # as Qt's own viewport: white cells
        viewport.setAutoFillBackground(True)
        self.setViewport(viewport)
        self.placeholder = placeholder
        self.setItemDelegate(PlanDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setWordWrap(True)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        self.fit_rows = False      # resize rows to their wrapped text (long texts)
        # paste_rows(grid, top, left) -> bool | None: a tab's own paste (e.g. rows keyed by period);
        # None lets the ordinary range paste run
        self.paste_rows = None
        self._rows_unfitted = False
        self.frozen = FrozenColumns(self, PlanDelegate(self))
        self._refit = QTimer(self)           # one column fit after a burst of resizes
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.fit_stretch_columns)

    # -- model -------------------------------------------------------------------------------
    def setModel(self, model) -> None:
        super().setModel(model)
        model.modelReset.connect(self.apply_layout)
        model.dataChanged.connect(self._on_data_changed)
        self.apply_layout()

    def apply_layout(self) -> None:
        """Column widths from the model's column declarations; rows fitted to wrapped text."""
        model = self.model()
        header = self.horizontalHeader()
        columns = model.columns()
        for i, column in enumerate(columns):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(i, column.width)
        if not self.fit_rows:
            self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.fit_stretch_columns(refit_rows=False)
        self._fit_rows_when_visible()
        self.frozen.attach(frozen_count(columns))
        self.viewport().update()

    def fit_stretch_columns(self, refit_rows: bool = True) -> None:
        """Give the spare width of the viewport to the stretch columns (at least their own width)."""
        model = self.model()
        if model is None:
            return
        columns = model.columns()
        stretch = [i for i, c in enumerate(columns) if c.stretch]
        if not stretch:
            return
        fixed = sum(self.columnWidth(i) for i in range(len(columns)) if i not in stretch)
        share = (self.viewport().width() - fixed) // len(stretch)
        changed = False
        for i in stretch:
            width = max(columns[i].width, share)
            if self.columnWidth(i) != width:
                self.setColumnWidth(i, width)
                changed = True
        if changed and refit_rows:
            self._fit_rows_when_visible()

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.Resize and getattr(self, "frozen", None) is not None:
            self._refit.start()
            self.frozen.update_geometry()
        return super().viewportEvent(event)

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        """Scroll to a cell; a frozen column's cell needs no sideways scroll, another one must not
        end up under the frozen columns."""
        frozen = getattr(self, "frozen", None)     # None while QTableView's own __init__ runs
        if frozen is None:
            super().scrollTo(index, hint)
            return
        if frozen.overlay.isVisible() and index.isValid() and index.column() < self.frozen.n:
            bar = self.horizontalScrollBar()
            keep = bar.value()
            super().scrollTo(index, hint)
            bar.setValue(keep)
            return
        super().scrollTo(index, hint)
        self.frozen.reveal(index)

    def _on_data_changed(self, *args) -> None:
        self._fit_rows_when_visible()

    def _fit_rows_when_visible(self) -> None:
        """Fitting rows asks every cell for its size: done now if the table shows, otherwise when it
        is first shown (tabs in the background cost nothing at start-up)."""
        if not self.fit_rows:
            return
        if self.isVisible():
            self._rows_unfitted = False
            self.resizeRowsToContents()
            self.frozen.sync_rows()
        else:
            self._rows_unfitted = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.fit_rows and self._rows_unfitted:
            self._fit_rows_when_visible()

    def sizeHintForRow(self, row: int) -> int:
        return super().sizeHintForRow(row) + 6   # breathing room around wrapped text

    # -- clipboard ----------------------------------------------------------------------------
    def selected_rectangle(self) -> tuple[int, int, int, int] | None:
        """(top, left, bottom, right) around the selection, or the current cell."""
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if not indexes:
            current = self.currentIndex()
            if not current.isValid():
                return None
            indexes = [current]
        rows = [i.row() for i in indexes]
        cols = [i.column() for i in indexes]
        return min(rows), min(cols), max(rows), max(cols)

    def copy_selection(self) -> str:
        """Put the selected range on the clipboard as TSV (values as they are typed back)."""
        rect = self.selected_rectangle()
        if rect is None:
            return ""
        top, left, bottom, right = rect
        selected = {(i.row(), i.column()) for i in self.selectionModel().selectedIndexes()} or {(top, left)}
        model = self.model()
        grid = [[model.index(r, c).data(Qt.ItemDataRole.EditRole) if (r, c) in selected else ""
                 for c in range(left, right + 1)] for r in range(top, bottom + 1)]
        text = format_tsv(grid)
        QGuiApplication.clipboard().setText(text)
        return text

    def paste(self, text: str | None = None) -> bool:
        """Paste a TSV range at the selection: every cell or none (one service call, one undo step).
        One copied value pasted on a larger selection fills every selected cell."""
        text = QGuiApplication.clipboard().text() if text is None else text
        grid = parse_tsv(text)
        rect = self.selected_rectangle()
        if not grid or rect is None:
            return False
        model = self.model()
        top, left, bottom, right = rect
        if self.paste_rows is not None:
            handled = self.paste_rows(grid, top, left)
            if handled is not None:
                return handled
        if len(grid) == 1 and len(grid[0]) == 1 and (bottom > top or right > left):
            cells = [(i.row(), i.column(), grid[0][0]) for i in self.selectionModel().selectedIndexes()]
        else:
            if top + len(grid) > model.rowCount() or left + len(grid[0]) > model.columnCount():
                self._refuse(self.tr("Rentang yang ditempel ({rows} × {cols} sel) melebihi tabel dari sel yang "
                                     "dipilih. Pilih sel kiri atas yang lain.").format(rows=len(grid),
                                                                                       cols=len(grid[0])))
                return False
            cells = [(top + r, left + c, value) for r, line in enumerate(grid) for c, value in enumerate(line)]
        edits = []
        for r, c, value in cells:
            index = model.index(r, c)
            column = model.column(c).header.replace("\n", " ")
            if not model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                if value == (index.data(Qt.ItemDataRole.EditRole) or ""):
                    continue   # a computed/read-only cell pasted back unchanged: nothing to do
                self._refuse(self.tr("Sel baris {row}, kolom “{column}” tidak dapat diubah; tidak ada yang "
                                     "ditempel.").format(row=r + 1, column=column))
                return False
            cell_edits = model.edits_for(index, value)
            if cell_edits is None:
                self._refuse(self.tr("Sel baris {row}, kolom “{column}” belum memiliki baris data; isi sel itu "
                                     "satu per satu.").format(row=r + 1, column=column))
                return False
            edits += cell_edits
        return model.controller.apply(edits, self.tr("Tempel {n} sel").format(n=len(cells)))

    def clear_selection(self) -> bool:
        """Empty the selected editable cells (one undo step)."""
        model = self.model()
        edits = []
        for index in self.selectionModel().selectedIndexes():
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                edits += model.edits_for(index, "") or []
        return model.controller.apply(edits, self.tr("Kosongkan {n} sel").format(n=len(edits)))

    def _refuse(self, message: str) -> None:
        dialogs.warn(self.window(), self.tr("Tempel dibatalkan"), message)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
        elif event.key() == Qt.Key.Key_Delete and self.state() != QAbstractItemView.State.EditingState:
            self.clear_selection()
        else:
            super().keyPressEvent(event)

    # -- look ---------------------------------------------------------------------------------
    def select_row_of(self, predicate, column: int = 0) -> bool:
        model = self.model()
        for r, row in enumerate(model.rows()):
            if predicate(row):
                index = model.index(r, column)
                self.setCurrentIndex(index)
                self.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self.scrollTo(index)
                return True
        return False

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0 and self.placeholder:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.viewport().rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                             self.placeholder)
            painter.end()


def frozen_count(columns) -> int:
    """How many leading columns stay in view: the frozen, read-only ones at the start."""
    count = 0
    for column in columns:
        if not column.frozen or column.editable:
            break
        count += 1
    return count
