"""PDF pages through pdfium (pypdfium2; QtPdf is not part of PySide6-Essentials): page sizes and
pictures of pages for the preview and for printers that take only pixels, and a copy holding some
pages.

Every function here is safe off the GUI thread (QImage, not QPixmap) and opens its own document.
pdfium itself is not thread-safe: every call into it holds :data:`PDFIUM` (the preview's render
thread and a print job may run together).  Annotation appearances are drawn, so a signed PDF shows
its stamps.
"""
from __future__ import annotations

import io
import threading

from PySide6.QtGui import QImage

PREVIEW_SCALE = 1.0      # 72 dpi: a landscape page is about 842 pixels wide
PDFIUM = threading.RLock()


class Document:
    """One open PDF for drawing pages one at a time (the preview's render thread keeps one)."""

    def __init__(self, pdf: bytes):
        import pypdfium2 as pdfium

        with PDFIUM:
            self._doc = pdfium.PdfDocument(pdf)

    def __len__(self) -> int:
        with PDFIUM:
            return len(self._doc)

    def render(self, index: int, scale: float) -> QImage:
        with PDFIUM:
            page = self._doc[index]
            try:
                return _image(page, scale)
            finally:
                page.close()

    def sizes(self) -> list[tuple[float, float]]:
        """Every page's (width, height) in points, without drawing anything."""
        with PDFIUM:
            return [tuple(self._doc.get_page_size(i)) for i in range(len(self._doc))]

    def close(self) -> None:
        with PDFIUM:
            self._doc.close()


def _image(page, scale: float) -> QImage:
    bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=True, draw_annots=True)
    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
    return image.copy()      # own the pixels before pdfium frees the bitmap


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every page: what the preview lays out before drawing."""
    doc = Document(pdf)
    try:
        return doc.sizes()
    finally:
        doc.close()


def render_page(pdf: bytes, index: int, scale: float = PREVIEW_SCALE) -> QImage:
    doc = Document(pdf)
    try:
        return doc.render(index, scale)
    finally:
        doc.close()


def iter_pages(pdf: bytes, scale: float, pages: list[int] | None = None):
    """The pages (0-based indexes, all when None) one at a time: only one page's pixels in memory."""
    doc = Document(pdf)
    try:
        for index in (range(len(doc)) if pages is None else pages):
            yield doc.render(index, scale)
    finally:
        doc.close()


def page_count(pdf: bytes) -> int:
    doc = Document(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def select_pages(pdf: bytes, pages: list[int]) -> bytes:
    """A PDF holding only ``pages`` (0-based), in that order; the pages stay vector."""
    import pypdfium2 as pdfium

    with PDFIUM:
        source = pdfium.PdfDocument(pdf)
        target = pdfium.PdfDocument.new()
        try:
            target.import_pages(source, pages)
            out = io.BytesIO()
            target.save(out)
            return out.getvalue()
        finally:
            target.close()
            source.close()
