"""Bantuan → Panduan: the short guide to the four everyday tasks (docs/panduan/index.md, Indonesian,
with pictures grabbed from the real window by docs/panduan/make_pictures.py), shown in a
QTextBrowser beside the main window.

The guide ships with the program: in a PyInstaller bundle as ``resources/panduan`` (packaging
collects docs/panduan there), in a checkout or editable install it is read from docs/panduan.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextCursor, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ..paths import resource_path

GUIDE = "index.md"
_CHECKOUT_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "panduan"


def guide_dir() -> Path:
    shipped = resource_path("panduan")
    return shipped if (shipped / GUIDE).is_file() else _CHECKOUT_GUIDE


class GuideWindow(QDialog):
    """Non-modal: the user reads it while working in the window."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        from .screen_fit import fitted_size

        self.setWindowTitle(self.tr("Panduan Renstra Desktop"))
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        path = guide_dir() / GUIDE
        self._natural: dict[str, tuple[int, int]] = {}     # picture -> its own size
        self._fitted_to = 0
        if path.is_file():
            self.browser.setSource(QUrl.fromLocalFile(str(path)))
        else:
            self.browser.setPlainText(self.tr("Panduan tidak ditemukan di {path}. Pasang ulang aplikasi.").format(
                path=path))
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(fitted_size(self, 900, 720))


    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_pictures()

    def fit_pictures(self) -> None:
        """Pictures no wider than the text (window grabs are 1024 px wide); never enlarged."""
        room = self.browser.viewport().width() - 2 * int(self.browser.document().documentMargin()) - 4
        if room <= 0 or room == self._fitted_to:
            return
        self._fitted_to = room
        doc = self.browser.document()
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if fragment.charFormat().isImageFormat():
                    self._fit(doc, fragment, room)
                it += 1
            block = block.next()

    def _fit(self, doc, fragment, room: int) -> None:
        picture = fragment.charFormat().toImageFormat()
        name = picture.name()
        if name not in self._natural:
            self._natural[name] = picture_size(self.browser, name)
        width, height = self._natural[name]
        if not width:
            return
        shown = min(width, room)
        picture.setWidth(shown)
        picture.setHeight(height * shown / width)
        cursor = QTextCursor(doc)
        cursor.setPosition(fragment.position())
        cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
        cursor.setCharFormat(picture)


def picture_size(browser: QTextBrowser, name: str) -> tuple[int, int]:
    """The size of a picture the guide shows ((0, 0) when it cannot be read)."""
    data = browser.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl(name))
    image = data if isinstance(data, QImage) else QImage.fromData(data) if data is not None else QImage()
    return (image.width(), image.height()) if not image.isNull() else (0, 0)


def show_guide(window) -> GuideWindow:
    """Open (or raise) the guide window of ``window``."""
    guide = window.feature("guide")
    if guide is None:
        guide = window.add_feature("guide", GuideWindow(window))
    guide.show()
    guide.raise_()
    guide.activateWindow()
    return guide
