"""Bantuan → Panduan: the guide to the four everyday tasks opens in the window with its pictures."""
from __future__ import annotations

import re

from renstra_desktop.ui.help_view import GUIDE, guide_dir, picture_size

TASKS = ("Mengisi realisasi kinerja", "Menjaga register risiko", "Mengirim paket (UPT) dan menggabungkan paket",
         "Mencetak dan menandatangani laporan")


def image_formats(doc):
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().charFormat().isImageFormat():
                yield it.fragment().charFormat()
            it += 1
        block = block.next()


def pictures_in(markdown: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)


def test_the_guide_opens_from_the_help_menu_with_its_pictures(qtbot, window):
    texts = [a.text().replace("&", "") for a in window.help_menu.actions()]
    assert "Panduan" in texts and window.guide_action.shortcut().toString() == "F1"
    window.guide_action.trigger()
    guide = window.feature("guide")
    qtbot.waitUntil(guide.isVisible)
    shown = guide.browser.document().toPlainText()
    assert all(task in shown for task in TASKS)
    pictures = pictures_in((guide_dir() / GUIDE).read_text(encoding="utf-8"))
    assert len(pictures) >= 6
    room = guide.browser.viewport().width()
    for name in pictures:
        assert picture_size(guide.browser, name)[0] > 300, name          # the picture file is read
    shown = [f.toImageFormat().width() for f in image_formats(guide.browser.document())]
    assert len(shown) == len(pictures) and all(0 < w <= room for w in shown)   # fitted, no sideways scroll
    assert guide.width() <= 900


def test_every_picture_is_used_and_every_used_picture_exists():
    folder = guide_dir()
    used = set(pictures_in((folder / GUIDE).read_text(encoding="utf-8")))
    assert used == {p.name for p in folder.glob("*.png")}
