"""Start-up of the window: ``renstra-desktop`` with no subcommand (``--db FILE`` opens a file).

First run (no plan at the platform's data folder and no --db): ask which unit this installation
is for, create the plan from the embedded NTB Renstra, open the window.  A file that cannot be
opened shows the core's Indonesian message (the file is left as it was) and the user may pick
another.  Only Qt and the light core modules are imported here; heavy libraries (reportlab,
pyHanko) are imported by the features that need them, never at start-up.

Benchmark hook: with RENSTRA_BENCH_EXIT_ON_PAINT=1 the app prints
``RENSTRA_FIRST_PAINT <time.perf_counter()>`` (CLOCK_MONOTONIC, comparable across processes on
Linux) when the main window paints for the first time, and quits (see bench/startup.py).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from .. import APP_NAME, __version__
from ..core.os_errors import os_reason
from ..core.errors import RenstraError
from ..core.store import Store
from . import dialogs

ORGANISATION = "RenstraDesktop"
BENCH_ENV = "RENSTRA_BENCH_EXIT_ON_PAINT"


def tr(text: str) -> str:
    return QCoreApplication.translate("app", text)


def ensure_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
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
    window = MainWindow(store)
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
            print(f"RENSTRA_FIRST_PAINT {time.perf_counter():.6f}", flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
        return False


def run_app(db_path: str | os.PathLike | None = None) -> int:
    app = ensure_application()
    window = prepare_window(db_path)
    if window is None:
        return 1
    if os.environ.get(BENCH_ENV) == "1":
        _FirstPaintProbe(window)
    window.show()
    return app.exec()
