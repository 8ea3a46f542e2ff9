"""PlanTableView: a QTableView over a PlanTableModel with spreadsheet habits: copy a cell range
as tab-separated text, paste a range (from Excel) as one all-or-nothing service call and one
undo step, Delete clears the selected cells, and an empty table says why it is empty.

Columns take their declared widths; a ``stretch`` column takes the spare width but never less than
its own, so a narrow screen scrolls sideways instead of squeezing the long names into tall rows,
and the identifying columns (``Column.frozen``) stay in view (:mod:`.frozen_columns`).

Rows are one line high until they are in view: with ``fit_rows`` the rows the viewport shows are
fitted to their wrapped text as they scroll into it (a table of 31 890 rows costs what its 20
visible rows cost; the others keep their full text in the tooltip).  A header click sorts (a third
click returns to the plan's order).  The view tells its model when it shows or hides
(``set_active``): a hidden tab reads nothing."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QPainter
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyleOptionViewItem, QTableView

from . import dialogs
from .delegates import PlanDelegate
from .frozen_columns import FrozenColumns, give_own_viewport
from .tsv import format_tsv, parse_tsv


class PlanTableView(QTableView):
    def __init__(self, parent=None, *, placeholder: str = ""):
        super().__init__(parent)
        give_own_viewport(self)
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
        self.fit_rows = False      # rows in view fitted to their wrapped text (long texts)
        self.loading_text = self.tr("Memuat data semua satker…")
        # paste_rows(grid, top, left) -> bool | None: a tab's own paste (e.g. rows keyed by period);
        # None lets the ordinary range paste run
        self.paste_rows = None
        self._fitted: set[int] = set()       # rows fitted at the current column widths
        self._sized: set[int] = set()        # rows whose height is not the default (the overlay copies them)
        self._resetting = False              # between the model's reset and apply_layout
        self.frozen = FrozenColumns(self, PlanDelegate(self))
        self.verticalScrollBar().valueChanged.connect(self._fit_visible_rows)
        header.sectionResized.connect(lambda *_: self._columns_resized())
        header.setSortIndicatorClearable(True)
        self._fitting = False                # apply_layout sets the widths: no refit per column
        self._refit = QTimer(self)           # one column and row fit after a burst of resizes
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit_after_resize)
        from .history_dialog import install_history_menu    # issue 9 §4: Riwayat… on a cell
        install_history_menu(self)

    # -- model -------------------------------------------------------------------------------
    def setModel(self, model) -> None:
        super().setModel(model)
        model.modelAboutToBeReset.connect(self._reset_begins)
        model.modelReset.connect(self.apply_layout)
        model.dataChanged.connect(self._on_data_changed)
        if hasattr(model, "loading_changed"):
            model.loading_changed.connect(lambda _loading: self.viewport().update())
            model.set_active(self.isVisible())
        self.apply_layout()

    def _reset_begins(self) -> None:
        # Qt lays the view out again inside endResetModel (a resize of the viewport) before
        # apply_layout runs: rows fitted then would keep heights apply_layout no longer knows of
        # (the frozen columns would not copy them)
        self._resetting = True

    def apply_layout(self) -> None:
        """Column widths from the model's column declarations; the rows in view fitted to their text."""
        self._resetting = False
        model = self.model()
        header = self.horizontalHeader()
        columns = model.columns()
        self._fitting = True        # widths set here must not refit the rows one by one
        for i, column in enumerate(columns):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(i, column.width)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.fit_stretch_columns()
        self._fitting = False
        self._fitted.clear()
        self._sized.clear()
        self._show_sort_indicator()
        self._fit_visible_rows()
        self.frozen.attach(frozen_count(columns))
        self.viewport().update()

    def fit_stretch_columns(self) -> None:
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
        for i in stretch:
            width = max(columns[i].width, share)
            if self.columnWidth(i) != width:
                self.setColumnWidth(i, width)

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
        for _ in range(4):              # rows fitted on the way in may push the cell out again
            super().scrollTo(index, hint)
            if not index.isValid() or self.viewport().rect().contains(self.visualRect(index).topLeft()):
                break
        self.frozen.reveal(index)

    # -- rows fitted as they come into view ----------------------------------------------------
    def _on_data_changed(self, top, bottom, *args) -> None:
        if self._fitted:
            changed = range(top.row(), bottom.row() + 1)
            self._fitted.difference_update(changed if len(changed) < len(self._fitted) else list(self._fitted))
        self._fit_visible_rows()

    def _columns_resized(self) -> None:
        """Another column width wraps the text differently: the rows in view are fitted again, the
        others when they come into view."""
        if not self._fitting and self._fitted:
            self._fitted.clear()
            self._refit.start()

    def _fit_after_resize(self) -> None:
        self.fit_stretch_columns()
        self._fit_visible_rows()

    def _fit_visible_rows(self, *_args) -> None:
        """Fit the rows the viewport shows (and only those) to their text.  A row that grows pushes
        the next ones down, one that shrinks brings more in: a few passes until nothing changes."""
        model = self.model()
        if (not self.fit_rows or model is None or self._resetting or not self.isVisible()
                or not model.rowCount()):
            return
        bar = self.verticalScrollBar()
        at_end = bar.value() == bar.maximum() and bar.maximum() > 0
        resized = False
        for _ in range(8):
            first = max(self.rowAt(0), 0)
            last = self.rowAt(self.viewport().height() - 1)
            last = model.rowCount() - 1 if last < 0 else min(last + 1, model.rowCount() - 1)
            todo = [r for r in range(first, last + 1) if r not in self._fitted]
            if not todo:
                break
            for row in todo:
                self._fitted.add(row)
                height = self.row_height(row)
                if height != self.rowHeight(row):
                    self._sized.add(row)
                    self.setRowHeight(row, height)
                    resized = True
            if resized:
                self.updateGeometries()  # the scroll range now (Qt would on a timer): scrollTo needs it
            if at_end:                   # scrolled to the end: stay there although the rows grew
                bar.setValue(bar.maximum())

    def row_height(self, row: int) -> int:
        """The height that shows every cell of ``row`` whole (its wrapped text, a list line by line),
        whether its column is scrolled into view or not.  A cell of one short line in the view's font
        is not laid out (the default height holds it): the delegate's size hint asks the model for
        every role and lays the text out, most of the cost of fitting a row."""
        model, delegate = self.model(), self.itemDelegate()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        height = self.verticalHeader().defaultSectionSize() - 6
        metrics = self.fontMetrics()
        for column in range(model.columnCount()):
            if self.isColumnHidden(column):
                continue
            index, width = model.index(row, column), self.columnWidth(column)
            if one_short_line(index, width, metrics):
                continue
            option.rect.setRect(0, 0, width, height)
            height = max(height, delegate.sizeHint(option, index).height())
        return height + 6                # breathing room around wrapped text

    def sizeHintForRow(self, row: int) -> int:
        return self.row_height(row)

    def sized_rows(self) -> set[int]:
        """Rows whose height differs from the default: the frozen columns' overlay copies these."""
        return self._sized

    def showEvent(self, event) -> None:
        model = self.model()
        if model is not None and hasattr(model, "set_active"):
            model.set_active(True)      # reads what it missed while hidden (before the first paint)
        super().showEvent(event)
        self._fit_visible_rows()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        model = self.model()
        if model is not None and hasattr(model, "set_active") and not event.spontaneous():
            model.set_active(False)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_visible_rows()

    # -- sorting ---------------------------------------------------------------------------------
    def enable_sorting(self) -> None:
        """A header click sorts by that column (again: the other way; a third time: the plan's order);
        the model sorts its row list (``PlanTableModel.sort``)."""
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)

    def _show_sort_indicator(self) -> None:
        """The header shows the model's sort (its columns change with the scope)."""
        model, header = self.model(), self.horizontalHeader()
        current = model.sorted_by() if hasattr(model, "sorted_by") else None
        header.blockSignals(True)
        header.setSortIndicator(*(current or (-1, Qt.SortOrder.AscendingOrder)))
        header.blockSignals(False)

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
        """Select and show the first row for which ``predicate(row)`` holds (its rows read now if
        they were still being read)."""
        model = self.model()
        model.ensure_current()
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
        model = self.model()
        if model is not None and model.rowCount() == 0:
            text = self.loading_text if getattr(model, "loading", False) else self.empty_text()
            if not text:
                return
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.viewport().rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                             text)
            painter.end()

    def empty_text(self) -> str:
        """What an empty table says: why it is empty, or that the filter hides every row."""
        model = self.model()
        if getattr(model, "filter_text", lambda: "")() and model.loaded_count():
            return self.tr("Tidak ada baris yang memuat “{text}”. Kosongkan kotak Saring untuk melihat "
                           "semua baris.").format(text=model.filter_text())
        return self.placeholder


ONE_LINE_MARGIN = 16        # px beside a cell's text (the style's margins and focus frame, with room to spare)


def one_short_line(index, width: int, metrics) -> bool:
    """The cell shows one line of text in the view's own font that fits ``width``, or nothing."""
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if text is None or text == "":
        return True
    if not isinstance(text, str) or "\n" in text or index.data(Qt.ItemDataRole.FontRole) is not None:
        return False
    return metrics.horizontalAdvance(text) + ONE_LINE_MARGIN <= width


def frozen_count(columns) -> int:
    """How many leading columns stay in view: the frozen, read-only ones at the start."""
    count = 0
    for column in columns:
        if not column.frozen or column.editable:
            break
        count += 1
    return count
