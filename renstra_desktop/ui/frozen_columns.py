"""The identifying columns (satker, IKK, name) stay in view when a table scrolls sideways.

Qt's "Frozen Column" pattern: a second QTableView over the same model and selection model lies on
top of the table's left edge and shows only the leading columns; its rows follow the table's
vertical scrolling (one way: the table's bar drives the overlay's, the wheel over the overlay scrolls
the table) and row heights (only the rows whose height differs from the default: the
table fits rows as they come into view), its column widths follow the table's.  It shows only while the
table can scroll sideways, so a wide window looks exactly as before.  The frozen columns are
read-only (a model declares them with ``Column.frozen``): an editor opened by the table would lie
under the overlay.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView, QWidget


def give_own_viewport(view: QAbstractItemView) -> None:
    """A viewport made in Python: wrapping the C++-made one the first time viewport() is called makes
    PySide initialise every QWidget subclass it knows (~50 ms and 0.4 MB at start-up)."""
    viewport = QWidget(view)
    viewport.setBackgroundRole(QPalette.ColorRole.Base)   # as Qt's own viewport: white cells
    viewport.setAutoFillBackground(True)
    view.setViewport(viewport)


class FrozenColumns(QObject):
    """The overlay of ``view``'s first ``count()`` columns."""

    def __init__(self, view: QTableView, delegate):
        super().__init__(view)
        self.view = view
        self.n = 0
        overlay = QTableView(view)
        give_own_viewport(overlay)
        overlay.setObjectName("frozen_columns")
        overlay.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        overlay.verticalHeader().hide()
        header = overlay.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setHighlightSections(False)
        overlay.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        overlay.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        overlay.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        overlay.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        overlay.setSelectionMode(view.selectionMode())
        overlay.setSelectionBehavior(view.selectionBehavior())
        overlay.setWordWrap(view.wordWrap())
        overlay.setItemDelegate(delegate)
        # a visible edge: the columns to its right slide under it
        overlay.setStyleSheet("QTableView#frozen_columns { border: none; border-right: 2px solid #aab0ba; }")
        overlay.hide()
        self.overlay = overlay
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.viewport().stackUnder(overlay)
        # The overlay follows the table's vertical bar and never drives it: a link both ways let the
        # overlay's range, which lags the table's while rows are fitted, clamp the table back to
        # another place.  It does not scroll itself to the current cell (the table does) and passes
        # the wheel to the table.
        overlay.setAutoScroll(False)
        view.verticalScrollBar().valueChanged.connect(self._follow)
        view.horizontalHeader().sectionResized.connect(self._column_resized)
        view.verticalHeader().sectionResized.connect(lambda row, _old, new: overlay.setRowHeight(row, new))
        view.horizontalHeader().geometriesChanged.connect(self.update_geometry)
        view.horizontalScrollBar().rangeChanged.connect(lambda *_: self.update_geometry())
        overlay.viewport().installEventFilter(self)
        # the overlay resets its rows to the default height after the table has fitted them (its own
        # reset runs after the table's): copy the heights again once both are done
        self._resync = QTimer(self)
        self._resync.setSingleShot(True)
        self._resync.setInterval(0)
        self._resync.timeout.connect(self.sync_rows)
        overlay.verticalHeader().sectionCountChanged.connect(lambda *_: self._resync.start())

    # -- setup ----------------------------------------------------------------------------------
    def attach(self, count: int) -> None:
        """Freeze the first ``count`` columns of the view's current model (0: none)."""
        view, overlay = self.view, self.overlay
        self.n = count
        model = view.model()
        if overlay.model() is not model:
            overlay.setModel(model)
        if overlay.selectionModel() is not view.selectionModel():
            overlay.setSelectionModel(view.selectionModel())
        for column in range(model.columnCount()):
            overlay.setColumnHidden(column, column >= count)
            if column < count:
                overlay.setColumnWidth(column, view.columnWidth(column))
        overlay.verticalHeader().setDefaultSectionSize(view.verticalHeader().defaultSectionSize())
        self.sync_rows()
        self.update_geometry()
        self._resync.start()

    def sync_rows(self) -> None:
        """Copy the table's row heights that differ from the default (after the overlay's own reset
        set them all back to it)."""
        count = self.view.model().rowCount() if self.view.model() else 0
        for row in sorted(self.view.sized_rows()):
            if row < count:
                self.overlay.setRowHeight(row, self.view.rowHeight(row))
        self.overlay.updateGeometries()          # its scroll range now, not on Qt's timer
        self._follow(self.view.verticalScrollBar().value())

    def _follow(self, value: int) -> None:
        """Scroll the overlay to the table's ``value`` (its range widened if it still lags)."""
        bar = self.overlay.verticalScrollBar()
        if bar.maximum() < value:
            bar.setMaximum(self.view.verticalScrollBar().maximum())
        bar.setValue(value)

    def width(self) -> int:
        return sum(self.view.columnWidth(c) for c in range(self.n) if not self.view.isColumnHidden(c))

    def active(self) -> bool:
        """Shown: there are frozen columns, rows, and the table scrolls sideways."""
        model = self.view.model()
        return bool(self.n and model is not None and model.rowCount()
                    and self.view.horizontalScrollBar().maximum() > 0)

    def update_geometry(self) -> None:
        view, overlay = self.view, self.overlay
        if not self.active():
            overlay.hide()
            return
        frame = view.frameWidth()
        overlay.horizontalHeader().setFixedHeight(view.horizontalHeader().height())
        overlay.setGeometry(view.verticalHeader().width() + frame, frame, self.width(),
                            view.viewport().height() + view.horizontalHeader().height())
        overlay.show()
        overlay.raise_()

    def _column_resized(self, column: int, _old: int, new: int) -> None:
        if column < self.n:
            self.overlay.setColumnWidth(column, new)
            self.update_geometry()

    # -- keeping the current cell visible -------------------------------------------------------
    def reveal(self, index) -> None:
        """After the table scrolled to ``index``: not under the overlay."""
        if not self.overlay.isVisible() or not index.isValid():
            return
        bar = self.view.horizontalScrollBar()
        if index.column() < self.n:
            return
        left = self.view.visualRect(index).left()
        if left < self.width():
            bar.setValue(bar.value() + left - self.width())

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress:
            self.view.setFocus(Qt.FocusReason.MouseFocusReason)   # keys (copy, arrows) go to the table
        elif event.type() == QEvent.Type.Wheel:
            QApplication.sendEvent(self.view.viewport(), event)   # the table scrolls, the overlay follows
            return True
        return False
