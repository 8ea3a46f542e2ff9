"""Menu entries of features whose modules load on first use: Bantuan → Kirim laporan masalah…,
Sunting → Cari di rencana (Ctrl+F, F3, Shift+F3), Berkas → Pulihkan dari cadangan… and Pengaturan →
Cadangan….  The window installs these while it is built; the dialogs and the search panel
(:mod:`.problem_report`, :mod:`.search_panel`, :mod:`.restore_dialog`,
:mod:`.backup_settings_dialog`) are imported when an entry is first used, not at start-up
(docs/national-scale.md, Round 4)."""
from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence


def install_problem_report_action(window) -> None:
    """Add Kirim laporan masalah… to the window's Bantuan menu."""
    def open_report():
        from .problem_report import open_problem_report
        open_problem_report(window)

    action = QAction(QCoreApplication.translate("problem_report", "Kirim &laporan masalah…"), window)
    action.triggered.connect(lambda checked=False: open_report())
    window.help_menu.insertAction(window.help_menu.actions()[0] if window.help_menu.actions() else None, action)
    window.add_feature("problem_report", SimpleNamespace(action=action))


def install_search(window) -> None:
    """Sunting → Cari di rencana (Ctrl+F), hasil berikutnya (F3) / sebelumnya (Shift+F3)."""
    def panel():
        from .search_panel import search_panel
        return search_panel(window)

    def tr(text: str) -> str:
        return QCoreApplication.translate("SearchPanel", text)

    actions = []
    for text, keys, slot in (
            (tr("&Cari di rencana…"), [QKeySequence("Ctrl+F")], lambda: panel().open_panel()),
            (tr("Hasil pencarian beri&kutnya"), [QKeySequence("F3")], lambda: panel().step(1)),
            (tr("Hasil pencarian sebe&lumnya"), [QKeySequence("Shift+F3")], lambda: panel().step(-1))):
        action = QAction(text, window)
        action.setShortcuts(keys)
        action.triggered.connect(lambda checked=False, s=slot: s())
        actions.append(action)
    window.add_feature("search", SimpleNamespace(panel=None, find_action=actions[0], find_next_action=actions[1],
                                                 find_previous_action=actions[2]))
    window.edit_menu.addSeparator()
    window.edit_menu.addActions(actions)


def install_backup_features(window) -> None:
    """Berkas → Pulihkan dari cadangan…, Pengaturan → Cadangan…; the open plan stays marked
    (core/open_marker.py) so that a restore from the command line is refused while it is open."""
    from ..core.open_marker import mark_open

    def open_restore():
        from .restore_dialog import open_restore_dialog
        open_restore_dialog(window)

    def open_settings():
        from .backup_settings_dialog import open_backup_settings
        open_backup_settings(window)

    tr = window.tr
    restore_action = QAction(tr("Pulih&kan dari cadangan…"), window)
    restore_action.triggered.connect(lambda checked=False: open_restore())
    actions = window.file_menu.actions()           # right after Simpan Sebagai: both are about the file itself
    window.file_menu.insertAction(actions[actions.index(window.save_as_action) + 1], restore_action)
    settings_action = QAction(tr("&Cadangan…"), window)
    settings_action.triggered.connect(lambda checked=False: open_settings())
    window.feature("settings").menu.addAction(settings_action)
    window.add_feature("backups", SimpleNamespace(restore_action=restore_action, settings_action=settings_action))

    release = [lambda: None]

    def follow_open_plan() -> None:          # the marker follows the window to another plan
        release[0]()
        store = window.controller.store
        release[0] = mark_open(store.path) if store is not None else (lambda: None)

    window.controller.file_opened.connect(follow_open_plan)
    follow_open_plan()
