"""Berkas → Pulihkan dari cadangan…: the plan's backups with their date, kind, size, unit and row
counts (read-only opens, off the GUI thread), and the restore of the chosen one after a confirmation;
the window then reopens on the restored file.

The menu entries (Berkas → Pulihkan dari cadangan…, Pengaturan → Cadangan…) and the open plan's
marker are :func:`.feature_menus.install_backup_features`.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QProgressBar,
                               QTableView, QVBoxLayout)

from ..core.backup_list import BackupInfo, format_size, kind_label
from ..core.localtime import format_datetime
from ..core.numbers import format_number
from ..core.schema import TABLES
from . import dialogs
from .rows_model import RowsModel
from .worker import run_in_background

PROBLEM_COLOUR = QColor("#b3261e")


class BackupListModel(RowsModel):
    """The backups, newest first: Waktu, Jenis, Ukuran, Satker, Baris, Keadaan."""
    HEADERS = ("Waktu", "Jenis", "Ukuran", "Satker", "Baris", "Keadaan")
    INFO_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, zone=None, own_unit: str | None = None, parent=None):
        super().__init__(parent)
        self.zone, self.own_unit = zone, own_unit

    @property
    def backups(self) -> list[BackupInfo]:
        return self.rows

    def set_backups(self, backups: list[BackupInfo]) -> None:
        self.set_rows(backups)

    def other_unit(self, info: BackupInfo) -> bool:
        return bool(self.own_unit and info.unit_code and info.unit_code != self.own_unit)

    def state(self, info: BackupInfo) -> str:
        if info.problem:
            return self.tr("tidak dapat dipulihkan")
        return self.tr("satker lain") if self.other_unit(info) else self.tr("dapat dipulihkan")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        info, column = self.backups[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (format_datetime(info.made, self.zone), kind_label(info.kind), format_size(info.size),
                    info.unit_name or info.unit_code or "–",
                    format_number(info.total_rows, 0) if info.row_counts else "–", self.state(info))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 5 and (info.problem or self.other_unit(info)):
            return QBrush(PROBLEM_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.detail(info)
        if role == self.INFO_ROLE:
            return info
        return None

    def detail(self, info: BackupInfo) -> str:
        lines = [str(info.path)]
        if info.problem:
            lines.append(info.problem)
        if info.row_counts:
            lines.append(", ".join(f"{TABLES[table].label} {format_number(n, 0)}"
                                   for table, n in info.row_counts.items() if n))
        return "\n".join(lines)


def open_restore_dialog(window) -> "RestoreDialog":
    dialog = RestoreDialog(window)
    dialog.open()
    dialog.load()
    return dialog


class RestoreDialog(QDialog):
    """The backups of the window's plan; Pulihkan… restores the chosen one (see the module docstring)."""

    def __init__(self, window):
        from ..core.backup_settings import backup_folder
        from ..core.localtime import zone_of
        from .screen_fit import fitted_size

        super().__init__(window)
        self.window_ = window
        self.plan: Path = window.controller.path
        self.folder = backup_folder()
        self.setWindowTitle(self.tr("Pulihkan dari cadangan"))
        self.setModal(True)
        heading = QLabel(self.tr(
            "Cadangan <b>{plan}</b>, terbaru di atas. Cadangan harian dan manual ada di folder <b>{folder}</b>; "
            "cadangan sebelum penggabungan, pemuatan JSON, keputusan konflik dan pemulihan ada di samping berkas "
            "rencana. Keadaan berkas sekarang dicadangkan dulu sebelum diganti.").format(
            plan=self.plan.name, folder=self.folder))
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.RichText)

        self.model = BackupListModel(zone_of(window.controller.conn), window.controller.unit_code, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()    # the unit's name gives way; the rest fit their text
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        self.table.doubleClicked.connect(lambda index: self.restore_chosen())

        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(60)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.status = QLabel(self.tr("Memuat daftar cadangan…"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)

        self.buttons = QDialogButtonBox()
        self.restore_button = self.buttons.addButton(self.tr("Pulihkan…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.folder_button = self.buttons.addButton(self.tr("Buka folder cadangan"),
                                                    QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(self.tr("Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_chosen)
        self.folder_button.clicked.connect(self._open_folder)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.resize(fitted_size(self, 980, 560))

    # -- the list -----------------------------------------------------------------------------------
    def load(self):
        """List and inspect the backups off the GUI thread (read-only opens)."""
        from ..core.backup_list import list_backups

        plan, folder = self.plan, self.folder
        task = run_in_background(self, self.tr("Daftar cadangan"), lambda _store, progress: list_backups(
            plan, folder, progress), self._loaded, self._load_failed, show_dialog=False)
        task.signals.progress.connect(lambda percent, text: self.progress.setValue(percent))
        return task

    def _loaded(self, backups: list[BackupInfo]) -> None:
        self.model.set_backups(backups)
        self.progress.hide()
        usable = sum(1 for b in backups if not b.problem)
        self.status.setText(self.tr("{n} cadangan, {usable} dapat dipulihkan.").format(n=len(backups), usable=usable)
                            if backups else self.tr("Belum ada cadangan berkas ini."))
        first = next((i for i, b in enumerate(backups) if not b.problem and not self.model.other_unit(b)), None)
        if first is not None:
            self.table.selectRow(first)

    def _load_failed(self, exc) -> None:
        self.progress.hide()
        self.status.setText(getattr(exc, "message", str(exc)))

    def chosen(self) -> BackupInfo | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.data(index, BackupListModel.INFO_ROLE) if index.isValid() else None

    def _chosen(self, current, previous=None) -> None:
        info = self.chosen()
        self.restore_button.setEnabled(info is not None and not info.problem)
        self.detail.setText(self.model.detail(info) if info is not None else "")

    def _open_folder(self) -> None:
        from .folders import open_folder

        info = self.chosen()
        open_folder(info.path.parent if info is not None else self.folder)

    # -- the restore --------------------------------------------------------------------------------
    def restore_chosen(self) -> bool:
        info = self.chosen()
        if info is None or info.problem:
            return False
        when = format_datetime(info.made, self.model.zone)
        if not dialogs.ask(self, self.tr("Pulihkan dari cadangan"), self.tr(
                "Pulihkan {plan} dari cadangan {kind} {when} ({rows} baris)?\n\nKeadaan berkas sekarang dicadangkan "
                "dulu di samping berkas; semua perubahan sesudah cadangan itu tidak ada lagi di berkas yang "
                "dipulihkan. Jendela membuka berkas yang dipulihkan.").format(
                plan=self.plan.name, kind=kind_label(info.kind), when=when,
                rows=format_number(info.total_rows, 0))):
            return False
        force = self.model.other_unit(info)
        if force and not dialogs.ask(self, self.tr("Cadangan satker lain"), self.tr(
                "Cadangan ini milik {other}, bukan {own} (satker berkas ini). Berkas ini akan menjadi berkas {other}. "
                "Tetap pulihkan?").format(other=info.unit_name or info.unit_code,
                                          own=self.window_.controller.unit_code)):
            return False
        self.accept()
        restore_from_window(self.window_, info.path, force=force)
        return True


def restore_from_window(window, backup: Path, *, force: bool = False):
    """Close the plan (the window's marker goes with it), restore off the GUI thread, reopen the plan:
    restored, or as it was when the restore was refused."""
    from ..core.restore import restore_backup

    plan = window.controller.path
    title = window.tr("Pulihkan dari cadangan")
    window.controller.close()

    def done(result) -> None:
        if window.open_path(plan):
            kept = window.tr(" Keadaan sebelumnya disimpan: {path}").format(path=result.previous) \
                if result.previous else ""
            window.statusBar().showMessage(window.tr("Dipulihkan dari {name}.").format(name=backup.name) + kept, 15000)

    def failed(exc) -> None:
        window.open_path(plan)
        dialogs.warn(window, title, getattr(exc, "message", None) or window.tr(
            "Pemulihan gagal: {error}. Berkas tidak diganti.").format(error=exc))

    return run_in_background(window, title, lambda _store, progress: restore_backup(backup, plan, force=force),
                             done, failed)
