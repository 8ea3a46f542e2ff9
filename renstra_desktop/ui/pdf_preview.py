"""The report preview: every page of a PDF in one scrollable column, drawn only when it scrolls into view.

The column is laid out from the pages' sizes alone (read with pdfium in the worker that made the
PDF), so a report of 2 441 pages is placed at once.  A page in view that is not drawn yet shows as a
blank sheet with its number; a render thread (pdfium, its own document) draws it and the page is
painted when it arrives.  Only the last :data:`CACHE_PAGES` drawn pages are kept (about 1.5 MB each at
72 dpi): memory follows what is on screen, not the length of the report (issue 11: 8.6 GB before).
"""
from __future__ import annotations

import math
import threading
from collections import OrderedDict

from PySide6.QtCore import QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from . import pdf_pages

GAP = 12                 # pixels between pages and around the column
CACHE_PAGES = 16         # drawn pages kept (a screen shows two or three)


class _Renderer(QObject):
    """One thread drawing the pages asked for, newest request first; results as ``rendered``."""

    rendered = Signal(int, int, QImage)       # generation, page index, picture

    def __init__(self):
        super().__init__()
        self._wake = threading.Condition()
        self._wanted: list[int] = []
        self._job: tuple[int, bytes, float] | None = None     # generation, pdf, scale
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="pdf-preview", daemon=True)
        self._thread.start()

    def open(self, generation: int, pdf: bytes | None, scale: float) -> None:
        with self._wake:
            self._job = (generation, pdf, scale) if pdf else None
            self._wanted = []
            self._wake.notify()

    def want(self, pages: list[int]) -> None:
        """Draw these pages (the ones in view, in the order given), forgetting earlier requests."""
        with self._wake:
            self._wanted = list(pages)
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()

    def _run(self) -> None:
        document, opened = None, None
        while True:
            with self._wake:
                while not self._stopped and not (self._job and self._wanted):
                    self._wake.wait()
                if self._stopped:
                    break
                job, index = self._job, self._wanted.pop(0)
            generation, pdf, scale = job
            try:
                if opened is not job:
                    if document is not None:
                        document.close()
                    document, opened = pdf_pages.Document(pdf), job
                image = document.render(index, scale)
            except Exception:                # a page that cannot be drawn stays a blank sheet
                continue
            self.rendered.emit(generation, index, image)
        if document is not None:
            document.close()


class _Sheets(QWidget):
    """The column of pages; paints what is in its exposed rectangle."""

    def __init__(self, preview: "PdfPreview"):
        super().__init__()
        self.preview = preview
        self.rects: list[QRect] = []

    def layout_pages(self, sizes: list[tuple[float, float]], scale: float) -> None:
        # rounded up, as pdfium sizes its pictures: a page is painted pixel for pixel, not rescaled
        width = max((math.ceil(w * scale) for w, _ in sizes), default=0)
        y, rects = GAP, []
        for w, h in sizes:
            pw, ph = math.ceil(w * scale), math.ceil(h * scale)
            rects.append(QRect(GAP + (width - pw) // 2, y, pw, ph))
            y += ph + GAP
        self.rects = rects
        self.setFixedSize(QSize(width + 2 * GAP, y if sizes else 0))
        self.update()

    def pages_in(self, area: QRect) -> list[int]:
        """Indexes of the pages that ``area`` (widget coordinates) touches; a binary search."""
        lo, hi = 0, len(self.rects)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.rects[mid].bottom() < area.top():
                lo = mid + 1
            else:
                hi = mid
        found = []
        for index in range(lo, len(self.rects)):
            if self.rects[index].top() > area.bottom():
                break
            found.append(index)
        return found

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        for index in self.pages_in(event.rect()):
            rect = self.rects[index]
            image = self.preview.cached(index)
            if image is None:
                painter.fillRect(rect, QColor("white"))
                painter.setPen(QColor("#8a8f98"))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                                 self.preview.tr("Halaman {n}…").format(n=index + 1))
            else:
                painter.drawImage(rect, image)
            painter.setPen(QColor("#55595f"))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()
        self.preview.request_visible()


class PdfPreview(QScrollArea):
    """Shows a PDF's pages; :meth:`set_pdf` with the bytes and the pages' sizes in points."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pdf_preview")
        self.setBackgroundRole(QPalette.ColorRole.Dark)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.pdf: bytes | None = None
        self.sizes: list[tuple[float, float]] = []
        self.pixel_ratio = 1.0
        self._generation = 0
        self._cache: OrderedDict[int, QImage] = OrderedDict()
        self._sheets = _Sheets(self)
        self._renderer = _Renderer()
        self._renderer.rendered.connect(self._arrived, Qt.ConnectionType.QueuedConnection)
        renderer = self._renderer
        self.destroyed.connect(lambda *_: renderer.stop())
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet("color: #202020; padding-top: 120px;")
        self.hint.setWordWrap(True)
        self.setWidget(self.hint)
        self.setWidgetResizable(True)

    # -- what it shows --------------------------------------------------------------------------------
    def set_pdf(self, pdf: bytes, sizes: list[tuple[float, float]], keep_position: bool = False) -> None:
        """Show ``pdf`` (its pages' sizes in points, in order): placed at once, drawn as seen.
        ``keep_position``: the same report again (signed): stay on the page shown."""
        position = self.verticalScrollBar().value() if keep_position else 0
        self._generation += 1
        self.pdf, self.sizes = pdf, list(sizes)
        self._cache.clear()
        self.pixel_ratio = self.devicePixelRatioF()
        self._renderer.open(self._generation, pdf, pdf_pages.PREVIEW_SCALE * self.pixel_ratio)
        if self.widget() is not self._sheets:
            self.takeWidget()                     # the hint stays ours, kept for show_hint()
            self.setWidgetResizable(False)
            self.setWidget(self._sheets)
        self._sheets.layout_pages(self.sizes, pdf_pages.PREVIEW_SCALE)
        self.verticalScrollBar().setValue(position)

    def show_hint(self, text: str) -> None:
        """No PDF: the empty preview says what to do."""
        self._generation += 1
        self.pdf, self.sizes = None, []
        self._cache.clear()
        self._renderer.open(self._generation, None, 1.0)
        self.hint.setText(text)
        if self.widget() is not self.hint:
            self.takeWidget()
            self.setWidgetResizable(True)
            self.setWidget(self.hint)

    def page_count(self) -> int:
        return len(self.sizes)

    def visible_pages(self) -> list[int]:
        """The pages (0-based) the viewport shows now."""
        if self.widget() is not self._sheets:
            return []
        area = QRect(-self._sheets.x(), -self._sheets.y(), self.viewport().width(), self.viewport().height())
        return self._sheets.pages_in(area)

    def scroll_to_page(self, index: int) -> None:
        self.verticalScrollBar().setValue(self._sheets.rects[index].top() - GAP)

    def page_image(self, index: int) -> QImage:
        """Page ``index`` as the preview draws it (from the cache, or drawn now on this thread)."""
        image = self.cached(index)
        if image is None:
            image = pdf_pages.render_page(self.pdf, index, pdf_pages.PREVIEW_SCALE * self.pixel_ratio)
            image.setDevicePixelRatio(self.pixel_ratio)
        return image

    def cached_pages(self) -> list[int]:
        return list(self._cache)

    # -- drawing on demand ----------------------------------------------------------------------------
    def cached(self, index: int) -> QImage | None:
        image = self._cache.get(index)
        if image is not None:
            self._cache.move_to_end(index)
        return image

    def request_visible(self) -> None:
        """Ask for the pages in view that are not drawn yet (earlier requests are dropped)."""
        self._renderer.want([i for i in self.visible_pages() if i not in self._cache])

    def _arrived(self, generation: int, index: int, image: QImage) -> None:
        if generation != self._generation:
            return                                # a page of a PDF no longer shown
        image.setDevicePixelRatio(self.pixel_ratio)
        self._cache[index] = image
        self._cache.move_to_end(index)
        while len(self._cache) > CACHE_PAGES:
            self._cache.popitem(last=False)
        if 0 <= index < len(self._sheets.rects):
            self._sheets.update(self._sheets.rects[index])
