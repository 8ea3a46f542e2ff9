"""The one helper for work that must not freeze the window (merging packages, building reports).

    run_in_background(parent, title, fn, on_done, store_path=path)

runs ``fn(store, progress)`` on a thread of the global QThreadPool.  The worker opens its own
Store on ``store_path`` (a Store belongs to the thread that opened it) and closes it afterwards;
without ``store_path`` fn gets ``None``.  ``progress(percent, text)`` (0..100) moves the progress
dialog; it raises :class:`Cancelled` once the user pressed Batal (cancellable=True), so fn
stops (an open ``store.atomic()`` rolls back).  The result is delivered to ``on_done(result)``
on the GUI thread; a failure to ``on_error(exc)`` on the GUI thread (default: the exception's
one Indonesian line through :func:`.ops.show_failure`, the window's one error path: SQLite's errors
through core.sqlite_errors, never in English).  No widget is touched from the worker thread.
Writes of the plan do not call this directly: :class:`.ops.WriteOp` does (issue 9 section 1).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from ..core.errors import RenstraError

log = logging.getLogger(__name__)
_RUNNING: set["BackgroundTask"] = set()     # keeps tasks alive until they report back


class Cancelled(Exception):
    """Raised by ``progress()`` after the user cancelled; fn should let it propagate."""


class _Signals(QObject):
    progress = Signal(int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, task: "BackgroundTask"):
        super().__init__()
        self.setAutoDelete(True)
        self._task = task

    def run(self) -> None:
        self._task._run_in_worker()


class BackgroundTask(QObject):
    """One run of ``fn`` off the GUI thread; see the module docstring."""

    def __init__(self, parent: QWidget | None, title: str, fn: Callable, on_done: Callable,
                 on_error: Callable | None = None, *, store_path=None, readonly: bool = False,
                 cancellable: bool = False, show_dialog: bool = True, on_cancel: Callable | None = None):
        super().__init__(parent)
        self._on_cancel = on_cancel
        self.title = title
        self._fn = fn
        self._on_done = on_done
        self._on_error = on_error
        self._store_path = store_path
        self._readonly = readonly
        self._cancel = threading.Event()
        self.signals = _Signals()             # created on the GUI thread: its slots run there
        self.signals.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.signals.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self.signals.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self.signals.cancelled.connect(self._on_cancelled, Qt.ConnectionType.QueuedConnection)
        self.dialog: QProgressDialog | None = None
        if show_dialog:
            self.dialog = QProgressDialog(title, self.tr("Batal") if cancellable else "", 0, 100, parent)
            self.dialog.setWindowTitle(title)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(300)     # quick jobs finish before it shows
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            if not cancellable:
                self.dialog.setCancelButton(None)
            self.dialog.canceled.connect(self.cancel)
            self.dialog.setValue(0)
        self.last_progress: tuple[int, str] = (0, "")

    # -- GUI thread ---------------------------------------------------------------------------
    def start(self) -> "BackgroundTask":
        _RUNNING.add(self)
        self.destroyed.connect(lambda *_: _RUNNING.discard(self))    # its parent deleted while it ran
        QThreadPool.globalInstance().start(_Runnable(self))
        return self

    def cancel(self) -> None:
        self._cancel.set()

    def _on_progress(self, percent: int, text: str) -> None:
        self.last_progress = (percent, text)
        if self.dialog is not None:
            if text:
                self.dialog.setLabelText(text)
            self.dialog.setValue(percent)

    def _close(self) -> bool:
        """Forget the task and close its dialog; False when the task's parent was deleted while the
        worker ran (a closed window or wizard): then nobody is told, nothing is touched."""
        _RUNNING.discard(self)
        if self.dialog is not None:
            if isValid(self.dialog):
                self.dialog.close()
                self.dialog.deleteLater()
            self.dialog = None
        return isValid(self)

    def _on_finished(self, result) -> None:
        if self._close():
            self._on_done(result)

    def _on_failed(self, exc) -> None:
        if not self._close():
            log.warning("background task %r failed after its window closed: %s", self.title, exc)
            return
        if self._on_error is not None:
            self._on_error(exc)
        else:
            from .ops import show_failure
            show_failure(self.parent(), self.title, exc, path=self._store_path)

    def _on_cancelled(self) -> None:
        if self._close() and self._on_cancel is not None:
            self._on_cancel()

    # -- worker thread --------------------------------------------------------------------------
    def _progress(self, percent: int, text: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self.signals.progress.emit(max(0, min(100, int(percent))), text)

    def _run_in_worker(self) -> None:
        store = None
        try:
            if self._store_path is not None:
                from ..core.store import Store   # opened here: the Store belongs to this thread
                store = Store.open(self._store_path, readonly=self._readonly)
            result = self._fn(store, self._progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:   # delivered to the GUI thread, never lost
            if not isinstance(exc, (RenstraError, sqlite3.Error)):
                log.error("background task %r failed:\n%s", self.title, traceback.format_exc())
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)
        finally:
            if store is not None:
                store.close()


def run_in_background(parent: QWidget | None, title: str, fn: Callable, on_done: Callable,
                      on_error: Callable | None = None, *, store_path=None, readonly: bool = False,
                      cancellable: bool = False, show_dialog: bool = True,
                      on_cancel: Callable | None = None) -> BackgroundTask:
    """Run ``fn(store, progress)`` off the GUI thread; see the module docstring."""
    return BackgroundTask(parent, title, fn, on_done, on_error, store_path=store_path, readonly=readonly,
                          cancellable=cancellable, show_dialog=show_dialog, on_cancel=on_cancel).start()
