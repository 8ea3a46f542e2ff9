"""Berkas → Impor dari Excel…: choose a workbook (made by export-xlsx, a template or a plain table with
the same headers), read and check it off the GUI thread as a dry run, show what would be added and
changed (or every problem, with its sheet, row and column), and import it on *Impor* — again off the
GUI thread, through the write door (core/excel/importer.py).  The window then reloads."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from ..core.service import Changes
from . import dialogs, folders
from .ops import WriteOp

EXCEL = "excel"          # the remembered folder of workbooks


@dataclass
class ExcelImport:
    """The feature (``window.feature("excel_import")``): Berkas → Impor dari Excel…"""
    action: QAction


def install_excel_import(window) -> ExcelImport:
    action = QAction(window.tr("Impor dari &Excel…"), window)
    action.triggered.connect(lambda checked=False: import_from_excel(window))
    window.add_file_actions([action])
    return window.add_feature("excel_import", ExcelImport(action))


def import_from_excel(window, path=None):
    """Ask for a workbook (unless given), then run the dry run; returns the background task or None."""
    controller = window.controller
    if controller.store is None:
        return None
    if path is None:
        path = dialogs.choose_workbook(window, window.tr("Impor dari Excel"), str(folders.last_folder(EXCEL)))
        if path is None:
            return None
    folders.remember_folder(EXCEL, path)
    return _run(window, path, dry_run=True)


def _run(window, path, *, dry_run: bool):
    """The dry run or the import, off the GUI thread through ops.WriteOp (a dry run's rolled back
    checks change nothing; the import's Changes reload the views)."""
    from ..core.excel.importer import import_workbook

    def done(report):
        if dry_run:
            dialog = ImportPreview(window, report)
            if report.planned and dialog.exec() == QDialog.DialogCode.Accepted:
                _run(window, path, dry_run=False)
            elif not report.planned:
                dialogs.info(window, window.tr("Impor dari Excel"), report.summary())
            return
        dialogs.info(window, window.tr("Impor dari Excel"), report.summary())

    def failed(exc):
        message = getattr(exc, "message", None) or str(exc)
        problems = [str(p) for p in getattr(exc, "problems", ())]
        ImportProblems(window, message.split("\n")[0].split(":")[0] + ":" if problems else message, problems).exec()

    def work(service, progress):
        report = import_workbook(service, path, dry_run=dry_run, progress=progress)
        if report.changes is None:
            report.changes = Changes()          # a dry run changed nothing (None would reload everything)
        return report

    title = window.tr("Memeriksa buku kerja") if dry_run else window.tr("Mengimpor buku kerja")
    return WriteOp(window.controller, work, parent=window, title=title).with_progress().success(done).failure(
        failed).run_in_background()


class _TextDialog(QDialog):
    def __init__(self, parent, title: str, heading: str, lines: list[str], ok: str | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.heading = QLabel(heading)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox()
        if ok:
            self.ok_button = buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
            buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        else:
            self.ok_button = buttons.addButton(self.tr("Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        screen = parent.screen().availableGeometry() if parent is not None else None
        width = 860 if screen is None else min(860, int(screen.width() * 0.9))
        height = 520 if screen is None else min(520, int(screen.height() * 0.8))
        self.resize(width, height)


class ImportPreview(_TextDialog):
    """The dry run: what would be added (+) and changed (~), one line per row; *Impor* applies it."""

    def __init__(self, parent, report):
        super().__init__(parent, self.tr("Impor dari Excel — uji coba"), report.summary(),
                         [p.line() for p in report.planned], self.tr("&Impor") if report.planned else None)


class ImportProblems(_TextDialog):
    """Every problem of a refused workbook, one line each (sheet, row, column); nothing was written."""

    def __init__(self, parent, heading: str, problems: list[str]):
        super().__init__(parent, self.tr("Buku kerja tidak dapat diimpor"), heading, problems, None)
