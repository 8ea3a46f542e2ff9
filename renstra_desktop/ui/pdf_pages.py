"""PDF pages through pdfium (pypdfium2; QtPdf is not part of PySide6-Essentials): pictures of pages
for the preview and for printers that take only pixels, and a copy holding some pages.

Every function here is safe off the GUI thread (QImage, not QPixmap) and opens its own document.
Annotation appearances are drawn, so a signed PDF shows its stamps.
"""
from __future__ import annotations

import io

from PySide6.QtGui import QImage

PREVIEW_SCALE = 1.0      # 72 dpi: a landscape page is about 842 pixels wide


def _image(page, scale: float) -> QImage:
    bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=True, draw_annots=True)
    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
    return image.copy()      # own the pixels before pdfium frees the bitmap


def render_pages(pdf: bytes, scale: float = PREVIEW_SCALE, pixel_ratio: float = 1.0) -> list[QImage]:
    """Every page as a QImage at ``scale`` × 72 dpi.  ``pixel_ratio``: the screen's device pixel
    ratio (1.25 at 125 % display scaling), so the preview is drawn with the screen's own pixels
    instead of being enlarged (blurred) by Qt."""
    images = list(iter_pages(pdf, scale * pixel_ratio))
    for image in images:
        image.setDevicePixelRatio(pixel_ratio)
    return images


def iter_pages(pdf: bytes, scale: float, pages: list[int] | None = None):
    """The pages (0-based indexes, all when None) one at a time: only one page's pixels in memory."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        for index in (range(len(doc)) if pages is None else pages):
            page = doc[index]
            try:
                yield _image(page, scale)
            finally:
                page.close()
    finally:
        doc.close()


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def select_pages(pdf: bytes, pages: list[int]) -> bytes:
    """A PDF holding only ``pages`` (0-based), in that order; the pages stay vector."""
    import pypdfium2 as pdfium

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
