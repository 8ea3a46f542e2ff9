"""Pengaturan → Cadangan…: the folder of the day's backups and how many are kept (N daily, M weekly), a
setting of this computer (core/backup_settings.py).  A folder that cannot be written keeps the dialog
open with the core's one-line reason; the check and the save run off the GUI thread."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QVBoxLayout)

from ..core.backup_settings import FOLDER_ENV, MAX_KEPT, BackupSettings, default_folder, load_backup_settings
from . import dialogs
from .worker import run_in_background


def open_backup_settings(window) -> "BackupSettingsDialog":
    dialog = BackupSettingsDialog(window)
    dialog.open()
    return dialog


class BackupSettingsDialog(QDialog):
    def __init__(self, parent=None):
        import os

        super().__init__(parent)
        self.setWindowTitle(self.tr("Cadangan"))
        self.setModal(True)
        self.setMinimumWidth(640)
        self.saved: BackupSettings | None = None
        current = self.current = load_backup_settings()
        self.folder = QLineEdit(current.folder or "")
        self.folder.setPlaceholderText(str(default_folder()))
        self.folder.setToolTip(self.tr("Kosong: folder bawaan {folder}").format(folder=default_folder()))
        choose = QPushButton(self.tr("Pilih…"))
        choose.clicked.connect(self._choose)
        default = QPushButton(self.tr("Bawaan"))
        default.clicked.connect(self.folder.clear)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        folder_row.addWidget(default)
        self.daily = QSpinBox()
        self.daily.setRange(1, MAX_KEPT)
        self.daily.setValue(current.daily)
        self.daily.setSuffix(self.tr(" hari terakhir"))
        self.weekly = QSpinBox()
        self.weekly.setRange(0, MAX_KEPT)
        self.weekly.setValue(current.weekly)
        self.weekly.setSuffix(self.tr(" minggu sebelumnya"))
        form = QFormLayout()
        form.addRow(self.tr("Folder cadangan harian"), folder_row)
        form.addRow(self.tr("Simpan cadangan harian"), self.daily)
        form.addRow(self.tr("dan satu cadangan per minggu"), self.weekly)
        override = os.environ.get(FOLDER_ENV)
        if override:
            for widget in (self.folder, choose, default):
                widget.setEnabled(False)
            self.folder.setText(override)
            form.addRow("", QLabel(self.tr("(ditetapkan oleh {name} saat aplikasi dijalankan)").format(name=FOLDER_ENV)))
        note = QLabel(self.tr(
            "Cadangan harian dibuat saat berkas rencana pertama kali dibuka setiap hari. Folder ini boleh berada di "
            "flashdisk; bila flashdisk tidak terpasang, cadangan hari itu tidak dibuat dan Anda diberi tahu. "
            "Cadangan sebelum penggabungan paket, pemuatan JSON, keputusan konflik dan pemulihan selalu disimpan di "
            "samping berkas rencana. Pengaturan ini berlaku untuk komputer ini saja."))
        note.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")
        self.error.hide()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("Simpan"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons, 0, Qt.AlignmentFlag.AlignRight)

    def _choose(self) -> None:
        folder = dialogs.choose_folder(self, self.tr("Folder cadangan harian"),
                                       self.folder.text() or str(default_folder().parent))
        if folder is not None:
            self.folder.setText(str(folder))

    def settings(self) -> BackupSettings:
        import os

        folder = self.current.folder if os.environ.get(FOLDER_ENV) else (self.folder.text().strip() or None)
        return BackupSettings(folder=folder, daily=self.daily.value(), weekly=self.weekly.value())

    def save(self):
        """Check the folder and save, off the GUI thread; the dialog closes when it is saved."""
        from ..core.backup_settings import save_backup_settings

        settings = self.settings()
        self.save_button.setEnabled(False)

        def done(_path) -> None:
            self.saved = settings
            self.accept()

        def failed(exc) -> None:
            self.save_button.setEnabled(True)
            self.error.setText(getattr(exc, "message", str(exc)))
            self.error.show()

        return run_in_background(self, self.tr("Cadangan"), lambda _store, progress: save_backup_settings(settings),
                                 done, failed, show_dialog=False)
