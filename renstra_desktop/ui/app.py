"""Start-up of the window: ``renstra-desktop`` with no subcommand (``--db FILE`` opens a file).

First run (no plan at the platform's data folder and no --db): ask which unit this installation
is for, create the plan from the embedded NTB Renstra, open the window.  A file that cannot be
opened shows the core's Indonesian message (the file is left as it was) and the user may pick
another.  Only Qt and the light core modules are imported here; heavy libraries (reportlab,
pyHanko) are imported by the features that need them, never at start-up.

A double-clicked ``.renstra`` opens that plan; a ``.rpkg`` opens the installation's plan and the
merge dialog with the package (its dry run says why a package does not belong to this file).  When a
window already has that plan open, the request is handed to it (:mod:`.single_instance`) and this
launch exits.  The log is set up first (:mod:`renstra_desktop.logs`); an unhandled error in the window
is logged and shown in one Indonesian dialog (:mod:`.problem_report`).  In portable mode the
settings are an INI file in the portable data folder.

Benchmark hook: with RENSTRA_BENCH_EXIT_ON_PAINT=1 the app prints
``RENSTRA_FIRST_PAINT <time.perf_counter()> <peak RSS in KiB>`` (CLOCK_MONOTONIC, comparable across
processes on Linux; ``ru_maxrss`` up to then) when the main window paints for the first time, and
quits (see bench/startup.py).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication


def scan_imports_without_keeping_sources() -> bool:
    """PySide6 reads the source of every module an import statement names after PySide6 loaded (to
    know whether it says "PySide6", for ``from __feature__ import``) with ``inspect.getsource``,
    which keeps every line in ``linecache``: ~52 000 lines, 5–6 MB of the start-up's peak memory.
    The same test, with the source read and dropped.  False when PySide6 has no such scan.
    No import statement runs here before the scan is replaced: the statement would have the
    module it names read and kept (``import inspect`` kept inspect.py's 3 400 lines, 0.3 MB)."""
    feature = sys.modules.get("PySide6.support.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)       # None: a built-in module
        if not isinstance(path, str) or not path.endswith(".py"):
            return False               # compiled only, or an extension module: no source to read
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return False

    feature._mod_uses_pyside = uses_pyside
    import linecache            # what the scan kept before it was replaced (enum.py, PySide6's own: 0.2 MB)
    linecache.clearcache()
    return True


scan_imports_without_keeping_sources()

from .. import APP_NAME, __version__
from .. import paths
from ..core.os_errors import os_reason
from ..core.errors import RenstraError
from ..core.store import Store
from . import dialogs

ORGANISATION = "RenstraDesktop"
BENCH_ENV = "RENSTRA_BENCH_EXIT_ON_PAINT"
ICON_FILE = "renstra-desktop.png"


def tr(text: str) -> str:
    return QCoreApplication.translate("app", text)


def use_portable_settings() -> Path | None:
    """In portable mode keep QSettings as an INI file in the portable data folder (nothing in the
    registry or the user's profile); returns that folder, or None when installed."""
    folder = paths.portable_dir()
    if folder is not None:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


def ensure_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        use_portable_settings()
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setWindowIcon(QIcon(str(paths.resource_path("icons", ICON_FILE))))
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    from .translations import install_translations   # Qt's own dialogs in Indonesian
    install_translations(app)
    return app


def default_plan_path() -> Path:
    """The installation's plan (core.newplan, imported only when no --db FILE was given)."""
    from ..core import newplan

    return newplan.default_plan_path()


def first_run_store() -> Store | None:
    """Ask for the installation's unit and create its plan at default_plan_path()."""
    from ..core.dataset import read_embedded
    from ..core.newplan import create_plan_file

    units = read_embedded()["units"]
    while True:
        code = dialogs.choose_unit(None, units, first_run=True)
        if code is None:
            return None
        try:
            return create_plan_file(default_plan_path(), code)
        except RenstraError as exc:
            dialogs.warn(None, tr("Rencana tidak dapat dibuat"), exc.message)
        except OSError as exc:
            dialogs.warn(None, tr("Rencana tidak dapat dibuat"), tr(
                "Folder data {folder} tidak dapat ditulis ({error}).").format(
                folder=default_plan_path().parent, error=os_reason(exc)))
            return None


def open_store(path: str | os.PathLike) -> Store | None:
    """Open ``path``; on a bad file show why and let the user choose another (None: gave up)."""
    candidate: Path | None = Path(path)
    while candidate is not None:
        try:
            return Store.open(candidate)
        except RenstraError as exc:
            dialogs.warn(None, tr("Berkas tidak dapat dibuka"), exc.message)
        candidate = dialogs.choose_open_file(None, tr("Pilih berkas rencana lain"), str(candidate.parent))
    return None


def prepare_window(db_path: str | os.PathLike | None = None):
    """The main window on ``db_path`` (or the installation's plan), or None if the user gave up.
    Needs a QApplication."""
    from .main_window import MainWindow

    if db_path is None and not default_plan_path().exists():
        store = first_run_store()
    else:
        store = open_store(db_path if db_path is not None else default_plan_path())
    if store is None:
        return None
    from ..core.accounts import accounts_on
    account = None
    if accounts_on(store.conn):                  # issue 9: the login before the window
        from .login_dialog import ask_login
        account = ask_login(store.path)
        if account is None:
            store.close()
            return None
    window = MainWindow(store)
    if account is not None:
        from .accounts_dialog import show_account
        show_account(window, account)
    window.remember_recent(store.path)
    return window


class _FirstPaintProbe(QObject):
    """Benchmark probe: report the first paint of the main window, then quit."""

    def __init__(self, window):
        super().__init__(window)
        self._done = False
        window.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            import resource             # the peak memory up to the first paint, beside the time
            peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(f"RENSTRA_FIRST_PAINT {time.perf_counter():.6f} {peak_kib}", flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
        return False


def _plan_and_packages(db_path, open_file) -> tuple[Path | None, list[Path]]:
    """The plan to open (None: the installation's) and the package files to merge."""
    if open_file is not None and Path(open_file).suffix.lower() != ".rpkg" and db_path is None:
        return Path(open_file), []
    packages = [Path(open_file).resolve()] if open_file is not None else []
    return (Path(db_path) if db_path is not None else None), packages


def run_app(db_path: str | os.PathLike | None = None, open_file: str | os.PathLike | None = None) -> int:
    from .single_instance import hand_over

    app = ensure_application()
    plan, packages = _plan_and_packages(db_path, open_file)
    message = {"raise": True, "packages": [str(p) for p in packages]}
    if hand_over(plan if plan is not None else default_plan_path(), message):
        return 0
    window = prepare_window(plan)
    if window is None:
        return 1
    if os.environ.get(BENCH_ENV) == "1":
        _FirstPaintProbe(window)
    # after the first paint (start-up time): the log, the error dialog, the instance server
    # (QtNetwork), the Kanwil's Ringkasan.  Set before show(): a zero timer could run before the paint
    from .main_window import AfterFirstPaint
    window.add_feature("after_show", AfterFirstPaint(window, lambda: _after_show(window, packages)))
    window.show_on_screen()            # fitted: maximised where 1280×800 does not fit
    return app.exec()


def _after_show(window, packages: list[Path]) -> None:
    from ..logs import setup_logging
    from .problem_report import install_exception_dialog
    from .single_instance import InstanceServer

    setup_logging()
    install_exception_dialog(window)
    attach_instance_server(window, InstanceServer(window))
    if window.controller.is_kanwil:
        window.show_summary_after_paint()    # issue 14: the Kanwil opens on its Ringkasan, built after a paint
        window.update()
    from .daily_backup import start_daily_backups     # the day's backup, off the GUI thread
    start_daily_backups(window)
    if packages:
        receive_launch(window, {"packages": [str(p) for p in packages]})


def attach_instance_server(window, server) -> None:
    """Let later launches on the window's plan reach it, following the window to another plan."""
    window.add_feature("instance_server", server)
    server.listen(window.controller.path)
    server.received.connect(lambda message: receive_launch(window, message))
    window.controller.file_opened.connect(
        lambda: server.listen(window.controller.path) if window.controller.store is not None else None)


def receive_launch(window, message: dict) -> None:
    """What a later launch asked for: bring the window to the front, merge the packages given."""
    import logging

    from ..logs import LOGGER
    from .merge_dialog import open_merge_dialog

    packages = [Path(p) for p in message.get("packages") or [] if isinstance(p, str)]
    logging.getLogger(LOGGER).info("launch request: raise, %d package(s)", len(packages))
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()
    if not packages:
        return
    from .merge_dialog import MergeDialog
    dialog = next((d for d in window.findChildren(MergeDialog) if d.isVisible()), None)
    if dialog is None:
        open_merge_dialog(window, packages)
    else:                   # a merge dialog is open: the new files join it
        dialog.add_paths(packages)
        dialog.dry_run()
