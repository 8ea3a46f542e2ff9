"""The day's backup in the window (core/backups.py): after the window is shown, whenever it opens
another plan, and each hour for a window left open past midnight.  Off the GUI thread through a
read-only connection of SQLite's own (no second descriptor of the plan in this process), told in the
status bar; a folder that cannot be written (the USB stick is out) is said once per window."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer

from . import dialogs
from .worker import run_in_background

HOUR_MS = 60 * 60 * 1000
STEP_PAGES = 2048       # ~8 MB per step: an edit made meanwhile waits for one step, not the whole copy


class DailyBackups:
    """The day's backup of a window's plan: the hourly timer, the task running, the warnings given."""

    def __init__(self, window):
        self.timer = QTimer(window)
        self.timer.setInterval(HOUR_MS)
        self.warned: set[str] = set()
        self.task = None


def start_daily_backups(window) -> None:
    """Make the day's backup of the window's plan now, when another plan is opened and each hour."""
    state = window.add_feature("daily_backup", DailyBackups(window))
    state.timer.timeout.connect(lambda: run_daily_backup(window))
    state.timer.start()
    window.controller.file_opened.connect(lambda: run_daily_backup(window))
    run_daily_backup(window)


def backup_plan(plan_path: Path) -> Path | None:
    """The day's backup of ``plan_path`` if due (worker thread: a connection of its own)."""
    from ..core.backups import make_daily_backup
    from ..core.store import Store, connect, readonly_uri

    store = Store(plan_path, connect(readonly_uri(plan_path), uri=True), readonly=True)
    try:
        return make_daily_backup(store, pages=STEP_PAGES)
    finally:
        store.conn.close()


def run_daily_backup(window):
    """One check (and backup when due) in the background; None when no plan is open or one runs."""
    state = window.feature("daily_backup")
    if window.controller.store is None or state.task is not None:
        return None
    plan = window.controller.path

    def done(path) -> None:
        state.task = None
        if path is not None:
            window.statusBar().showMessage(window.tr("Cadangan harian dibuat: {path}").format(path=path), 10000)

    def failed(exc) -> None:
        from ..core.backups import PlanDamaged

        state.task = None
        message = getattr(exc, "message", None) or str(exc)
        if isinstance(exc, PlanDamaged) or message in state.warned:
            return                  # a damaged plan is refused by its first edit, in its own words
        state.warned.add(message)
        dialogs.warn(window, window.tr("Cadangan harian tidak dibuat"), message + window.tr(
            "\n\nFolder cadangan dapat diubah di Pengaturan → Cadangan…"))

    state.task = run_in_background(window, window.tr("Cadangan harian"),
                                                 lambda _store, progress: backup_plan(plan), done, failed,
                                                 show_dialog=False)
    return state.task
