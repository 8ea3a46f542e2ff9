"""Bantuan → Kirim laporan masalah…, and what the user sees when the window meets an error nobody
expected: one Indonesian dialog, the traceback in the log (:mod:`renstra_desktop.logs`).

The report itself is :func:`renstra_desktop.core.problem_report.write_problem_report`, run off the
GUI thread; this module only asks where and whether to include the plan's data.
"""
from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QDialog

from . import dialogs

_CTX = "problem_report"


def tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def default_report_path() -> Path:
    from ..core.problem_report import suggested_name

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    return Path(folder) / suggested_name()


class ProblemReportDialog(QDialog):
    """Where to write the report and whether the plan's data goes in it (unticked by default)."""

    def __init__(self, parent=None, target: Path | None = None):
        from PySide6.QtWidgets import (QCheckBox, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel,
                                       QLineEdit, QPushButton, QVBoxLayout)

        super().__init__(parent)
        self.setObjectName("ProblemReportDialog")
        self.setWindowTitle(tr("Kirim laporan masalah"))
        intro = QLabel(tr(
            "Laporan masalah adalah satu berkas ZIP untuk dikirim kepada pengelola aplikasi melalui surel "
            "atau aplikasi pesan. Isinya: catatan kerja aplikasi (log), versi aplikasi dan sistem, serta "
            "identitas berkas rencana (satker, versi, jumlah baris) tanpa isi datanya. Kunci tanda tangan "
            "dan sertifikat tidak pernah ikut."))
        intro.setWordWrap(True)
        self.include_data = QCheckBox(tr("Sertakan data rencana (target, realisasi, risiko, pendanaan)"))
        self.include_data.setAccessibleName(tr("Sertakan data rencana"))
        self.path_edit = QLineEdit(str(target or default_report_path()))
        self.path_edit.setAccessibleName(tr("Simpan laporan di"))
        browse = QPushButton(tr("Pilih…"))
        browse.setAccessibleName(tr("Pilih tempat menyimpan laporan"))

        def choose():
            path, _ = QFileDialog.getSaveFileName(self, tr("Simpan laporan masalah"), self.path_edit.text(),
                                                  tr("Arsip ZIP (*.zip)"))
            if path:
                self.path_edit.setText(path if path.lower().endswith(".zip") else path + ".zip")

        browse.clicked.connect(choose)
        row = QHBoxLayout()
        label = QLabel(tr("Simpan di:"))
        label.setBuddy(self.path_edit)
        row.addWidget(label)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.buttons = QDialogButtonBox()
        self.create_button = self.buttons.addButton(tr("Buat laporan"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.include_data)
        layout.addWidget(self.buttons)
        self.resize(620, self.sizeHint().height())

    def target(self) -> Path:
        return Path(self.path_edit.text().strip())


def open_problem_report(window):
    """Ask, then write the report in the background; say where it is and what to do with it."""
    from .worker import run_in_background

    dialog = ProblemReportDialog(window)
    if not dialog.exec() or not dialog.path_edit.text().strip():
        return None
    target, include_data = dialog.target(), dialog.include_data.isChecked()
    plan = window.controller.path if window.controller.store is not None else None

    def work(store, progress):
        from ..core.problem_report import write_problem_report
        progress(20, tr("Mengumpulkan log dan versi…"))
        return write_problem_report(target, plan_path=plan, include_data=include_data)

    def done(path):
        dialogs.info(window, tr("Laporan masalah dibuat"), tr(
            "Laporan disimpan di:\n{path}\n\nKirim berkas ini kepada pengelola aplikasi melalui surel atau "
            "aplikasi pesan, bersama penjelasan singkat apa yang sedang Anda kerjakan.").format(path=path))

    return run_in_background(window, tr("Laporan masalah"), work, done)


# -- errors nobody expected ------------------------------------------------------------------------
class _ErrorRelay(QObject):
    """Carries an error from any thread to the GUI thread, where the dialog is shown."""
    raised = Signal(str)


class ExceptionDialog:
    """sys.excepthook and threading.excepthook for the window: log with the traceback, then one
    Indonesian dialog (one at a time: an error while it is shown is only logged)."""

    def __init__(self, window):
        self.window = window
        self.showing = False
        self.relay = _ErrorRelay(window)
        self.relay.raised.connect(self._show, Qt.ConnectionType.QueuedConnection)   # never inside the failing slot
        self._previous = (sys.excepthook, threading.excepthook)

    def install(self) -> "ExceptionDialog":
        sys.excepthook = self._hook
        threading.excepthook = lambda args: self._hook(args.exc_type, args.exc_value, args.exc_traceback)
        return self

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def _hook(self, exc_type, exc_value, exc_tb) -> None:
        from ..logs import log_exception

        if issubclass(exc_type, KeyboardInterrupt):
            return self._previous[0](exc_type, exc_value, exc_tb)
        log_exception("unhandled error in the window", (exc_type, exc_value, exc_tb))
        self.relay.raised.emit(exc_type.__name__)

    def _show(self, kind: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        if self.showing:
            return
        self.showing = True
        try:
            box = QMessageBox(QMessageBox.Icon.Critical, tr("Terjadi kesalahan"), tr(
                "Terjadi kesalahan yang tidak terduga ({kind}). Perubahan yang sudah Anda buat tetap "
                "tersimpan: setiap perubahan disimpan seketika. Rinciannya dicatat di log aplikasi.\n\n"
                "Bila kesalahan ini terulang, kirim laporan masalah kepada pengelola aplikasi.").format(kind=kind),
                parent=self.window)
            send = box.addButton(tr("Kirim laporan masalah…"), QMessageBox.ButtonRole.ActionRole)
            box.addButton(tr("Tutup"), QMessageBox.ButtonRole.RejectRole)
            box.setObjectName("ExceptionDialog")
            box.exec()
            if box.clickedButton() is send:
                open_problem_report(self.window)
        finally:
            self.showing = False


def install_exception_dialog(window) -> ExceptionDialog:
    return window.add_feature("exception_dialog", ExceptionDialog(window).install())
