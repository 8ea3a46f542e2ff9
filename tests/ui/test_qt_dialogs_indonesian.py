"""Qt's own dialogs speak Indonesian: the file dialog, the print dialog (with its options), message
boxes, input and progress dialogs, opened for real and read as a user sees them; and the shipped
qtbase_id.qm says what qtbase_id.ts says."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QAbstractButton, QComboBox, QFileDialog, QGroupBox, QHeaderView, QInputDialog,
                               QLabel, QMessageBox, QProgressDialog, QTabWidget)

from conftest_ui import drive_modal
from renstra_desktop.ui.translations import LOCALE, translations_dir

ENGLISH = ("Cancel", "Print", "Options", "Printer", "Properties", "Name", "Location", "Type", "Output", "Copies",
           "Look in", "File name", "Files of type", "Open", "Save", "Yes", "No", "Back", "Forward", "Detail",
           "List View", "Pages", "Collate", "Reverse", "Color", "Grayscale", "Duplex", "Long side", "Short side",
           "Selection", "Current Page", "Print range", "Print all", "Local file", "Write PDF", "Enter a value",
           "Size", "Date Modified", "Preview", "Parent Directory", "Create New Folder", "Show Details", "Close")


def visible_texts(dialog) -> set[str]:
    texts = {dialog.windowTitle()}
    for button in dialog.findChildren(QAbstractButton):
        texts |= {button.text(), button.toolTip()}
    texts |= {label.text() for label in dialog.findChildren(QLabel)}
    texts |= {box.title() for box in dialog.findChildren(QGroupBox)}
    for combo in dialog.findChildren(QComboBox):
        texts |= {combo.itemText(i) for i in range(combo.count())}
    for tabs in dialog.findChildren(QTabWidget):
        texts |= {tabs.tabText(i) for i in range(tabs.count())}
    for header in dialog.findChildren(QHeaderView):
        if header.model() is not None:
            texts |= {str(header.model().headerData(i, header.orientation()) or "")
                      for i in range(header.count())}
    return {t.replace("&", "") for t in texts if t}


def english_in(texts: set[str]) -> list[str]:
    return sorted(t for t in texts for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", t))


def shown(qtbot, make, prepare=None) -> set[str]:
    """Open the dialog made by ``make()`` for real, read what it shows, close it."""
    seen = {}

    def read(dialog):
        if prepare:
            prepare(dialog)
        seen["texts"] = visible_texts(dialog)
        dialog.reject()

    dialog = make()
    driver = drive_modal(type(dialog), read)
    dialog.exec()
    driver.check()
    return seen["texts"]


def test_the_file_dialog_speaks_indonesian(qtbot, tmp_path):
    texts = shown(qtbot, lambda: QFileDialog(None, "Simpan laporan", str(tmp_path), "Dokumen PDF (*.pdf)"))
    assert {"Nama berkas:", "Jenis berkas:", "Lihat di:", "Batal", "Buka"} <= texts
    assert english_in(texts) == []


def test_the_print_dialog_and_its_options_speak_indonesian(qtbot):
    printer = QPrinter()

    def expand(dialog):
        for button in dialog.findChildren(QAbstractButton):
            if button.text().replace("&", "").startswith("Opsi"):
                button.click()

    texts = shown(qtbot, lambda: QPrintDialog(printer), expand)
    assert {"Cetak", "Batal", "Pencetak", "Cetak ke berkas (PDF)", "Salinan:", "Rentang cetak",
            "Cetak dua sisi"} <= texts
    assert english_in(texts) == []


@pytest.mark.parametrize("make", [
    lambda: QMessageBox(QMessageBox.Icon.Warning, "Judul", "Pesan",
                        QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel),
    lambda: QInputDialog(),
    lambda: QProgressDialog("Bekerja…", "", 0, 100),
], ids=["message box", "input", "progress"])
def test_small_dialogs_speak_indonesian(qtbot, make):
    def prepare(dialog):
        if isinstance(dialog, QProgressDialog):
            dialog.setCancelButtonText(QCoreApplication.translate("QProgressDialog", "Cancel"))
    texts = shown(qtbot, make, prepare)
    assert "Batal" in texts and english_in(texts) == []


def test_the_shipped_qm_holds_every_translation_of_the_ts():
    ts = ET.parse(translations_dir() / "qtbase_id.ts").getroot()
    translator = QTranslator()
    assert translator.load(LOCALE, "qtbase", "_", str(translations_dir()))
    messages = [(ctx.findtext("name"), m.findtext("source"), m.findtext("translation"))
                for ctx in ts.iter("context") for m in ctx.iter("message")]
    assert len(messages) > 300
    stale = [(c, s) for c, s, t in messages if translator.translate(c, s) != t]
    assert stale == [], "rebuild: pyside6-lrelease resources/translations/qtbase_id.ts"
