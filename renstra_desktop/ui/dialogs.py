"""The one module for message boxes, questions and file pickers.

Every other UI module calls these functions, so a test monkeypatches one place
(``monkeypatch.setattr(dialogs, "warn", ...)``).  All texts are Indonesian, through tr().
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

# The dialog classes are imported inside the functions: loading them costs start-up time and
# no dialog is needed to show the window.

_CTX = "dialogs"
PLAN_FILTER_SOURCE = "Berkas rencana Renstra (*.renstra);;Semua berkas (*)"


def tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def plan_filter() -> str:
    return tr(PLAN_FILTER_SOURCE)


def info(parent: QWidget | None, title: str, message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.information(parent, title, message)


def warn(parent: QWidget | None, title: str, message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(parent, title, message)


def error(parent: QWidget | None, title: str, message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(parent, title, message)


def ask(parent: QWidget | None, title: str, question: str) -> bool:
    """A yes/no question; True when the user answers Ya."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    yes = box.addButton(tr("Ya"), QMessageBox.ButtonRole.YesRole)
    no = box.addButton(tr("Tidak"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


def confirm_keys(parent: QWidget | None, rows: list[tuple[str, str, str]]) -> list[int] | None:
    """The new keys of a merge in one list (unit, fingerprint, warning): the indices of those the user
    ticked as checked by phone, or None when cancelled (:mod:`.key_confirm_dialog`)."""
    from .key_confirm_dialog import KeyConfirmDialog

    dialog = KeyConfirmDialog(rows, parent)
    return dialog.confirmed() if dialog.exec() == dialog.DialogCode.Accepted else None


def ask_text(parent: QWidget | None, title: str, label: str, default: str = "") -> str | None:
    """One line of text, or None when cancelled."""
    from PySide6.QtWidgets import QInputDialog

    text, ok = QInputDialog.getText(parent, title, label, text=default)
    return text if ok else None


def ask_form(parent: QWidget | None, title: str, fields: list, width: int = 440) -> dict[str, str] | None:
    """A few labelled fields at once (ui/form_dialog.FormField); the values, or None when cancelled."""
    from .form_dialog import ask_form as run
    return run(parent, title, fields, width)


def choose_period(parent: QWidget | None, title: str, heading: str, suggestion: str, check=None,
                  years: tuple | None = None) -> str | None:
    """A realisation period picked as year + kind + which one (period_picker.PeriodDialog); its
    code, or None when cancelled.  ``check(code)`` returns why a period cannot be added (the dialog
    then stays open with that reason) or None."""
    from .period_picker import PeriodDialog

    dialog = PeriodDialog(parent, title, heading, suggestion, check, *([years] if years else []))
    return dialog.period() if dialog.exec() else None


def choose_item(parent: QWidget | None, title: str, label: str, items: list[str],
                current: int = 0) -> int | None:
    """The index of the chosen item, or None when cancelled."""
    from PySide6.QtWidgets import QInputDialog

    if not items:
        return None
    text, ok = QInputDialog.getItem(parent, title, label, items, current, False)
    return items.index(text) if ok and text in items else None


def choose_unit(parent: QWidget | None, units: list[dict], *, first_run: bool = False) -> str | None:
    """Which unit a (new) plan file is for: the Kanwil or one of the UPTs; its code or None."""
    title = tr("Satuan kerja instalasi ini") if first_run else tr("Rencana baru")
    label = tr("Aplikasi ini dipasang untuk satuan kerja mana?\n"
               "Kantor Wilayah memuat seluruh Renstra bawaan (NTB); UPT memulai dari strukturnya dengan nilai kosong.")
    names = [u["name"] for u in units]
    index = choose_item(parent, title, label, names)
    return None if index is None else units[index]["code"]


def choose_open_file(parent: QWidget | None, title: str, directory: str = "") -> Path | None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, directory, plan_filter())
    return Path(path) if path else None


def choose_workbook(parent: QWidget | None, title: str, directory: str = "") -> Path | None:
    """An Excel workbook to import (core/excel/importer.py refuses anything else with a message)."""
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, directory,
                                          tr("Buku kerja Excel (*.xlsx);;Semua berkas (*)"))
    return Path(path) if path else None


def choose_folder(parent: QWidget | None, title: str, directory: str = "") -> Path | None:
    """A folder (the backup folder: often a USB stick), or None when cancelled."""
    from PySide6.QtWidgets import QFileDialog

    path = QFileDialog.getExistingDirectory(parent, title, directory)
    return Path(path) if path else None


def choose_evidence_file(parent: QWidget | None, title: str, directory: str = "") -> Path | None:
    """A data-dukung file to attach: PDF, image or spreadsheet (core.cycle.evidence checks it)."""
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, directory,
                                          tr("Data dukung (*.pdf *.png *.jpg *.jpeg *.xlsx *.xls *.ods *.csv)"))
    return Path(path) if path else None


def choose_plan_source(parent: QWidget | None, kind: str, directory: str = "") -> Path | None:
    """The source of a new plan (Rencana baru): a filled template workbook (``kind`` xlsx) or a plan JSON."""
    from PySide6.QtWidgets import QFileDialog

    pattern = tr("Templat rencana (*.xlsx)") if kind == "xlsx" else tr("JSON rencana (*.json)")
    path, _ = QFileDialog.getOpenFileName(parent, tr("Sumber rencana baru"), directory, pattern)
    return Path(path) if path else None


def choose_save_file(parent: QWidget | None, title: str, directory: str = "", *,
                     confirm_overwrite: bool = True) -> Path | None:
    """A file name to write; the dialog adds '.renstra' when the user typed no suffix."""
    from PySide6.QtWidgets import QFileDialog

    dialog = QFileDialog(parent, title, directory, plan_filter())
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("renstra")
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, not confirm_overwrite)
    if not dialog.exec() or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


# -- reports (issue 4) -------------------------------------------------------------------------
PDF_FILTER_SOURCE = "Dokumen PDF (*.pdf);;Semua berkas (*)"
P12_FILTER_SOURCE = "Sertifikat PKCS#12 (*.p12 *.pfx);;Semua berkas (*)"
CERT_FILTER_SOURCE = "Sertifikat akar tepercaya (*.pem *.crt *.cer *.der);;Semua berkas (*)"


def choose_pdf_save(parent: QWidget | None, title: str, suggested: str | Path) -> Path | None:
    """A PDF file name to write, starting at ``suggested`` (folder and name); '.pdf' is added when
    the user typed no suffix."""
    from PySide6.QtWidgets import QFileDialog

    dialog = QFileDialog(parent, title, str(Path(suggested).parent), tr(PDF_FILTER_SOURCE))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("pdf")
    dialog.selectFile(Path(suggested).name)
    if not dialog.exec() or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


def print_setup(parent: QWidget | None, printer, page_count: int) -> bool:
    """Qt's print dialog on ``printer`` (paper and file name already set); True when the user
    pressed Cetak.  The choices stay in ``printer``."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(tr("Cetak laporan"))
    option = QAbstractPrintDialog.PrintDialogOption
    dialog.setOptions(option.PrintToFile | option.PrintPageRange | option.PrintShowPageSize)
    dialog.setMinMax(1, max(1, page_count))
    return dialog.exec() == QPrintDialog.DialogCode.Accepted


def offer_open_folder(parent: QWidget | None, title: str, message: str, folder: str | Path) -> bool:
    """A message about a file just written, with a "Buka folder" button that shows its folder in
    the file manager; True when the folder was opened."""
    from PySide6.QtWidgets import QMessageBox

    from .folders import open_folder

    box = QMessageBox(QMessageBox.Icon.Information, title, message, parent=parent)
    open_button = box.addButton(tr("Buka folder"), QMessageBox.ButtonRole.ActionRole)
    close_button = box.addButton(tr("Tutup"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(close_button)
    box.setEscapeButton(close_button)
    box.exec()
    return box.clickedButton() is open_button and open_folder(folder)


def choose_pdf_open(parent: QWidget | None, title: str, directory: str = "") -> Path | None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, directory, tr(PDF_FILTER_SOURCE))
    return Path(path) if path else None


def choose_p12(parent: QWidget | None, title: str, directory: str = "") -> Path | None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, directory, tr(P12_FILTER_SOURCE))
    return Path(path) if path else None


def choose_certificate(parent: QWidget | None, title: str, directory: str = "") -> Path | None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, directory, tr(CERT_FILTER_SOURCE))
    return Path(path) if path else None


def ask_password(parent: QWidget | None, title: str, label: str) -> bytes | None:
    """A password typed hidden; returned as bytes for the caller to use once (never stored)."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
    return text.encode("utf-8") if ok else None


# -- packages (issue 3) ------------------------------------------------------------------------
PACKAGE_FILTER_SOURCE = "Paket Renstra (*.rpkg);;Semua berkas (*)"


def choose_package_files(parent: QWidget | None, title: str, directory: str = "") -> list[Path]:
    """Package files to merge (several at once); empty when cancelled."""
    from PySide6.QtWidgets import QFileDialog

    paths, _ = QFileDialog.getOpenFileNames(parent, title, directory, tr(PACKAGE_FILTER_SOURCE))
    return [Path(p) for p in paths]


def choose_package_save(parent: QWidget | None, title: str, suggested: str) -> Path | None:
    """Where to write a package; ``suggested`` is the default path; '.rpkg' added when missing."""
    from PySide6.QtWidgets import QFileDialog

    dialog = QFileDialog(parent, title, str(Path(suggested).parent), tr(PACKAGE_FILTER_SOURCE))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("rpkg")
    dialog.selectFile(Path(suggested).name)
    if not dialog.exec() or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])
