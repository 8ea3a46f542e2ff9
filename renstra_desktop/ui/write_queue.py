"""The window's writer thread: the small writes of the window (a cell edit, a paste, adding or removing
rows, undo and redo) run here, one after the other in the order they were asked, on a Store of their
own, never on the GUI thread (issue 9 section 1).  :class:`.ops.WriteOp` (``run_queued``) and the undo
steps (ui/commands.py) submit to it; nothing else should.

    queue.submit(path, readonly, job, on_result)

runs ``job(store)`` on the writer thread (the Store on ``path`` is opened there once and kept until
:meth:`stop` or another path); ``on_result(result, exc)`` then runs on the GUI thread (``exc`` None on
success).  Results arrive in submission order.  :meth:`wait_idle` returns once every submitted job's
result has been handed over (closing the window and tests wait with it: no write is lost).
"""
from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, Signal

from ..core.errors import RenstraError

log = logging.getLogger(__name__)


@dataclass
class _Job:
    path: object
    readonly: bool
    run: Callable
    on_result: Callable


class _Signals(QObject):
    delivered = Signal(object)


class WriteQueue(QObject):
    """One writer thread per controller, started at the first write; see the module docstring."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._outstanding = 0              # submitted, result not yet handed over (GUI thread only)
        self._posted = threading.Event()   # the writer has emitted a result since wait_idle last looked
        self._signals = _Signals()
        self._signals.delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    # -- GUI thread ------------------------------------------------------------------------------
    def submit(self, path, readonly: bool, run: Callable, on_result: Callable) -> None:
        self._outstanding += 1
        self._start()
        self._jobs.put(_Job(path, readonly, run, on_result))

    def prepare(self, path, readonly: bool) -> None:
        """Start the thread and open its Store on ``path`` now (the window calls it after its first
        paint), so that the first edit does not wait for it; nothing is handed back."""
        self._start()
        self._jobs.put(_Job(path, readonly, None, None))

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="renstra-writer", daemon=True)
            self._thread.start()

    @property
    def idle(self) -> bool:
        return self._outstanding == 0

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Hand over the result of every job submitted (new ones a result submits included); False
        when ``timeout`` seconds passed first."""
        deadline = time.monotonic() + timeout
        while self._outstanding:
            if time.monotonic() > deadline:
                return False
            self._posted.wait(0.05)
            self._posted.clear()
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
        return True

    def stop(self, timeout: float = 60.0) -> None:
        """Wait for every job, then end the thread (its Store is closed).  Idempotent."""
        self.wait_idle(timeout)
        thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._jobs.put(None)
            thread.join(timeout)

    def _deliver(self, item) -> None:
        job, result, exc = item
        self._outstanding -= 1
        job.on_result(result, exc)

    # -- the writer thread ------------------------------------------------------------------------
    def _loop(self) -> None:
        from ..core.store import Store

        store = None
        try:
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                result = exc = None
                try:
                    if store is not None and (store.path != job.path or store.readonly != job.readonly):
                        store.close()
                        store = None
                    if store is None:
                        store = Store.open(job.path, readonly=job.readonly)
                    if job.run is None:           # prepare(): the Store is open, nobody waits
                        continue
                    result = job.run(store)
                except Exception as error:      # delivered to the GUI thread, never lost
                    if job.run is None:           # prepare(): the first write opens it again and says why
                        continue
                    if not isinstance(error, (RenstraError, sqlite3.Error, OSError)):
                        log.error("write failed:\n%s", traceback.format_exc())
                    exc = error
                self._signals.delivered.emit((job, result, exc))
                self._posted.set()
        finally:
            if store is not None:
                store.close()
