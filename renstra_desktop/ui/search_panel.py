"""Cari di rencana (Ctrl+F): the whole plan searched while typing; the hits listed with where they
are (tab, unit, row, column) and the text with the match highlighted; Enter, a double-click or F3
shows a hit in the window (:mod:`.search_jump`).

The index lives on a thread of its own (:mod:`.search_thread`): built at the first search
(progress in the panel), then kept current there before each search.  The GUI thread sends the
words and shows at most ``core.search.LIMIT`` hits.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QDockWidget, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView,
                               QVBoxLayout, QWidget)

from .rows_model import RowsModel
from .search_jump import reveal
from .search_thread import SearchThread
HIT_ROLE = Qt.ItemDataRole.UserRole + 1            # the core.search.Hit of a row
MATCH_STYLE = "background-color:#ffd54f; color:#000000; font-weight:600"
TYPING_PAUSE_MS = 120      # a search starts this long after the last key
CHANGE_PAUSE_MS = 400      # the hits are looked for again this long after the plan changed


def tr(text: str) -> str:
    return QCoreApplication.translate("SearchPanel", text)


# -- the hit list ------------------------------------------------------------------------------------
class HitModel(RowsModel):
    """The hits (``rows``): Bagian, Satker, Baris, Kolom, Teks (with the match highlighted by the delegate)."""

    HEADERS = ("Bagian", "Satker", "Baris", "Kolom", "Teks")
    WIDTHS = (92, 170, 210, 150, 360)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        hit, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (hit.tab_label, hit.unit_name or tr("Semua satker"), hit.row_label, hit.column_label,
                    hit.snippet()[0])[column]
        if role == HIT_ROLE:
            return hit
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return hit.text if len(hit.text) <= 1500 else hit.text[:1500] + "…"
        return None


def highlighted_html(text: str, spans) -> str:
    parts, last = [], 0
    for a, b in spans:
        parts += [html.escape(text[last:a]), f'<span style="{MATCH_STYLE}">{html.escape(text[a:b])}</span>']
        last = b
    return "".join(parts) + html.escape(text[last:])


class HighlightDelegate(QStyledItemDelegate):
    """Paints the Teks column as rich text with the matches marked."""

    def paint(self, painter, option, index) -> None:
        hit = index.data(HIT_ROLE)
        if hit is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(opt.font)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        chars = max(20, int(rect.width() / max(1, opt.fontMetrics.averageCharWidth())))
        for _ in range(6):               # as many characters as fit: the first match always in view
            doc.setHtml(highlighted_html(*hit.snippet(chars)))
            if doc.idealWidth() <= rect.width() or chars <= 20:
                break
            chars = max(20, int(chars * rect.width() / doc.idealWidth()) - 2)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        painter.save()
        painter.translate(rect.left() + 2, rect.top() + max(0, (rect.height() - doc.size().height()) / 2))
        painter.setClipRect(0, 0, rect.width() - 2, rect.height())
        doc.documentLayout().draw(painter, context)
        painter.restore()


# -- the panel ---------------------------------------------------------------------------------------
class SearchPanel(QDockWidget):
    def __init__(self, window):
        super().__init__(tr("Cari di rencana"), window)
        self.setObjectName("search_panel")
        self.main = window
        self.field = QLineEdit()
        self.field.setPlaceholderText(tr("Ketik kata yang dicari: indikator, risiko, penyebab, roadmap, data dukung, "
                                         "catatan, narasi, satker…"))
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName(tr("Kata yang dicari"))
        self.only_shown = QCheckBox(tr("Hanya satker yang ditampilkan"))
        self.only_shown.setToolTip(tr("Cari hanya di baris satker yang dipilih di kotak Satker"))
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.model = HitModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(4, HighlightDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        for i, width in enumerate(HitModel.WIDTHS):
            self.view.setColumnWidth(i, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.view.setAccessibleName(tr("Hasil pencarian"))
        self.view.setTabKeyNavigation(False)

        top = QHBoxLayout()
        top.addWidget(self.field, 1)
        top.addWidget(self.only_shown)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self.setWidget(body)

        self.thread = SearchThread(self)
        self.thread.answered.connect(self._answered)
        self.thread.progressed.connect(self._progressed)
        self.thread.refused.connect(self._refused)
        self._asked = 0                   # generation of the request whose answer is wanted
        self._typing = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS, timeout=self.search_now)
        self._changed = QTimer(self, singleShot=True, interval=CHANGE_PAUSE_MS, timeout=self._search_again)
        self.field.textChanged.connect(lambda _text: self._typing.start())
        self.field.returnPressed.connect(lambda: self.open_hit(max(self.view.currentIndex().row(), 0)))
        self.only_shown.toggled.connect(lambda _on: self.search_now())
        self.view.activated.connect(lambda index: self.open_hit(index.row()))
        for widget in (self.field, self.view):
            widget.installEventFilter(self)
        window.controller.plan_changed.connect(lambda _changes: self._changed.start())
        window.controller.file_opened.connect(self._file_opened)
        window.unit_combo.currentIndexChanged.connect(self._unit_changed)
        window.installEventFilter(self)
        self._file_opened()

    # -- asking --------------------------------------------------------------------------------------
    def open_panel(self) -> None:
        """Ctrl+F: show the panel with the words selected, ready to type over."""
        self.show()
        self.raise_()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def scope(self) -> tuple[set | None, str]:
        """(units whose rows are searched or None for every unit, the unit of the Siklus pages): the
        units the window can show: a UPT its own; the Kanwil every unit, or the one selected."""
        controller = self.main.controller
        if not controller.is_kanwil:
            return {controller.unit_code}, controller.unit_code
        shown = self.main.selected_unit()
        return ({shown} if self.only_shown.isChecked() and shown is not None else None), controller.unit_code

    def search_now(self) -> None:
        self._typing.stop()
        text = self.field.text().strip()
        if not text or self.main.controller.store is None:
            self._asked = self.thread.generation + 1       # an answer still on its way is moot
            self.model.set_rows([])
            self.status.setText(self._hint())
            return
        units, cycle_unit = self.scope()
        self._asked = self.thread.ask(self.main.controller.path, text, units, cycle_unit)

    def _search_again(self) -> None:
        if self.isVisible() and self.field.text().strip():
            self.search_now()

    def _file_opened(self) -> None:
        self.thread.forget()
        is_kanwil = self.main.controller.store is not None and self.main.controller.is_kanwil
        self.only_shown.setVisible(is_kanwil)
        if self.field.text().strip():
            self._search_again()
        else:
            self.status.setText(self._hint())

    def _unit_changed(self, *args) -> None:
        if self.only_shown.isChecked():
            self._search_again()

    def _hint(self) -> str:
        return tr("Enter atau klik dua kali: tampilkan hasil · F3 / Shift+F3: hasil berikutnya / sebelumnya · "
                  "Esc: tutup")

    # -- answers -------------------------------------------------------------------------------------
    def _answered(self, generation: int, result) -> None:
        if generation != self._asked:
            return
        current = self._current_key()
        self.model.set_rows(result.hits)
        if not result.hits:
            self.status.setText(tr("Tidak ada hasil untuk “{query}”.").format(query=result.query))
        elif result.more:
            self.status.setText(tr("Lebih dari {limit} hasil; {n} pertama ditampilkan. Tambahkan kata agar lebih "
                                   "tepat.").format(limit=result.limit, n=len(result.hits)))
        else:
            self.status.setText(tr("{n} hasil untuk “{query}”.").format(n=len(result.hits), query=result.query))
        row = next((i for i, h in enumerate(result.hits) if self._key(h) == current), 0 if result.hits else -1)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))

    def _progressed(self, generation: int, percent: int) -> None:
        if generation == self._asked:
            self.status.setText(tr("Menyiapkan indeks pencarian… {percent} %").format(percent=percent))

    def _refused(self, generation: int, message: str) -> None:
        if generation == self._asked:
            self.model.set_rows([])
            self.status.setText(message)

    @staticmethod
    def _key(hit) -> tuple:
        return hit.table, hit.row_id, hit.column

    def _current_key(self):
        row = self.view.currentIndex().row()
        return self._key(self.model.rows[row]) if 0 <= row < len(self.model.rows) else None

    # -- showing a hit --------------------------------------------------------------------------------
    def open_hit(self, row: int) -> bool:
        if not 0 <= row < len(self.model.rows):
            return False
        self.view.setCurrentIndex(self.model.index(row, 0))
        hit = self.model.rows[row]
        shown = reveal(self.main, hit)
        where = " · ".join(p for p in (hit.tab_label, hit.unit_name, hit.row_label, hit.column_label) if p)
        self.status.setText(tr("{n} dari {total}: {where}").format(n=row + 1, total=len(self.model.rows), where=where)
                            if shown else tr("Hasil ini tidak dapat ditampilkan di jendela ini ({where}).").format(
                                where=where))
        return shown

    def step(self, delta: int) -> bool:
        """F3 / Shift+F3: show the next or previous hit (the panel opens when there is none)."""
        if not self.model.rows:
            self.open_panel()
            return False
        self.show()
        row = (self.view.currentIndex().row() + delta) % len(self.model.rows)
        return self.open_hit(row)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.main:
            if event.type() == QEvent.Type.Close:
                self.thread.stop()
            return False
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.hide()
                tab = self.main.tabs.currentWidget()
                if tab is not None:
                    tab.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return True
            if obj is self.field and key == Qt.Key.Key_Down and self.model.rows:
                self.view.setFocus(Qt.FocusReason.TabFocusReason)
                if not self.view.currentIndex().isValid():
                    self.view.setCurrentIndex(self.model.index(0, 0))
                return True
            if obj is self.view and key == Qt.Key.Key_Up and self.view.currentIndex().row() <= 0:
                self.field.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return False


def search_panel(window) -> SearchPanel:
    """The window's search panel, made (and docked at the bottom) on first use."""
    search = window.feature("search")
    panel = search.panel
    if panel is None:
        panel = search.panel = SearchPanel(window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, panel)
        window.resizeDocks([panel], [240], Qt.Orientation.Vertical)
        QApplication.instance().aboutToQuit.connect(panel.thread.stop)
    return panel
