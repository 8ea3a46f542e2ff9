"""The report preview draws pages as they scroll into view (issue 11): the page shown at a scroll
position is that page of the PDF, drawn the same as pdfium draws it, and only a few pages are kept."""
from __future__ import annotations

import io

from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from renstra_desktop.ui import pdf_pages
from renstra_desktop.ui.pdf_preview import CACHE_PAGES, PdfPreview

PAGES = 60


def numbered_pdf() -> bytes:
    """Pages that differ: each its number in big type and a bar whose length is the number."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=landscape(A4))
    for n in range(1, PAGES + 1):
        pdf.setFont("Helvetica-Bold", 96)
        pdf.drawString(80, 300, f"Halaman {n}")
        pdf.rect(80, 120, 10 * n, 40, fill=1)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def shown(preview: PdfPreview, index: int) -> QImage:
    """What the viewport shows of page ``index`` (it must be fully in view)."""
    rect = preview._sheets.rects[index]
    top_left = preview._sheets.mapTo(preview.viewport(), rect.topLeft())
    grab = preview.viewport().grab().toImage()
    return grab.copy(top_left.x(), top_left.y(), rect.width(), rect.height())


def test_the_page_scrolled_to_is_drawn_as_pdfium_draws_it(qtbot):
    pdf = numbered_pdf()
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.resize(900, 700)
    preview.show()
    preview.set_pdf(pdf, pdf_pages.page_sizes(pdf))
    assert preview.page_count() == PAGES
    assert not [w for w in preview.findChildren(QLabel) if w.isVisible()]      # no widget per page
    for index in (0, 37, PAGES - 1):
        preview.scroll_to_page(index)
        qtbot.waitUntil(lambda i=index: i in preview.cached_pages(), timeout=10_000)
        qtbot.wait(20)                                   # the arrived page is painted
        assert index in preview.visible_pages()
        expected = pdf_pages.render_page(pdf, index).convertToFormat(QImage.Format.Format_RGB32)
        got = shown(preview, index).convertToFormat(QImage.Format.Format_RGB32)
        assert got.size() == expected.size()
        inner = [(x, y) for x in range(5, got.width() - 5, 37) for y in range(5, got.height() - 5, 29)]
        assert all(got.pixel(x, y) == expected.pixel(x, y) for x, y in inner), index
        # and not another page's: the bar of page n ends at 80 + 10n points
        bar_end = 80 + 10 * (index + 1)
        y = expected.height() - 140
        assert QImage(got).pixelColor(bar_end - 3, y).lightness() < 60 < QImage(got).pixelColor(bar_end + 3, y).lightness()


def test_scrolling_through_every_page_keeps_only_a_few(qtbot):
    pdf = numbered_pdf()
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.resize(900, 700)
    preview.show()
    preview.set_pdf(pdf, pdf_pages.page_sizes(pdf))
    bar = preview.verticalScrollBar()
    seen = set()
    while bar.value() < bar.maximum():
        bar.setValue(bar.value() + bar.pageStep())
        qtbot.waitUntil(lambda: all(i in preview.cached_pages() for i in preview.visible_pages()), timeout=10_000)
        seen.update(preview.visible_pages())
        assert len(preview.cached_pages()) <= CACHE_PAGES
    assert seen == set(range(PAGES)) - {0} or seen == set(range(PAGES))


def test_a_new_pdf_replaces_the_old_pages_and_the_hint_comes_back(qtbot):
    pdf = numbered_pdf()
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.resize(900, 700)
    preview.show()
    preview.set_pdf(pdf, pdf_pages.page_sizes(pdf))
    qtbot.waitUntil(lambda: 0 in preview.cached_pages(), timeout=10_000)
    preview.show_hint("Klik “Buat laporan”.")
    assert preview.page_count() == 0 and preview.cached_pages() == []
    assert preview.hint.isVisible() and "Buat laporan" in preview.hint.text()
    assert preview.viewport().mapFromGlobal(preview.hint.mapToGlobal(QPoint(0, 0))).x() >= 0
