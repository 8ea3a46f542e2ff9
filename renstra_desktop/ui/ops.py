"""The window's one door for writes and reads (issue 9 section 1, window side), in the shape of
Anki's ``CollectionOp`` / ``QueryOp``.

A write is a call of the open file's :class:`~renstra_desktop.core.service.PlanService`::

    WriteOp(controller, lambda service, progress: service.resolve_conflict(cid, "package"),
            parent=self, title=self.tr("Konflik")).success(on_done).run_in_background()

``op(service, progress)`` runs on a worker thread with a Store and PlanService of its own (same file,
same actor and unit); it must not touch a widget.  It returns :class:`Changes` or an object with a
``changes`` attribute (a MergeReport), or ``(changes_or_result, undo_step)`` — see
:meth:`WriteOp.undoable`.  Afterwards, on the GUI thread, the controller takes the changes
(:meth:`PlanController.written`): undo steps on rows the write changed are dropped (with a message),
every view refreshes the tables named, then ``success(result)`` runs.  ``progress(percent, text)``
moves a progress dialog (``with_progress``); ``run_queued()`` runs the same op on the window's one
writer thread instead (ui/write_queue.py), in the order asked: the small edits (a cell edit, a
paste, adding or removing rows) and undo/redo, whose order matters.  Nothing writes on the GUI thread
(its Store waits only ``GUI_WRITE_WAIT`` seconds, should anything try); bench/gui_writes.py measures
the GUI thread's time per edit.  A write that meets a busy file offers "Coba lagi", which runs the
same op, with the user's typed values, again.

A read::

    ReadOp(controller, lambda store, progress: open_conflicts(store.conn), on_done, parent=self).run_in_background()

runs ``op(store, progress)`` on a worker with a read-only Store and hands the result to ``success``.

Failures of both are shown once, one way (:func:`show_failure`): a RenstraError's Indonesian message,
a sqlite3 error through ``core.sqlite_errors`` (never SQLite's English), FileBusy as "dipakai oleh …"
with "Coba lagi" (when the op can be repeated), anything else as an unexpected error.  ``failure(fn)``
replaces that (fn gets the exception).  No caller clears the undo stack or emits plan_changed itself.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication

from ..core.errors import FileBusy, PermissionDenied, RenstraError
from ..core.service import Changes
from . import dialogs

GUI_WRITE_WAIT = 0.5        # seconds the GUI thread's Store would wait for another process (it writes nothing)


def tr(text: str) -> str:
    return QCoreApplication.translate("ops", text)


def changes_of(result) -> Changes | None:
    """What ``result`` says changed: Changes itself, or its ``changes`` attribute."""
    if isinstance(result, Changes):
        return result
    return getattr(result, "changes", None)


def failure_message(exc: BaseException, path=None) -> str:
    """One Indonesian line for ``exc``."""
    if isinstance(exc, RenstraError):
        return exc.message
    if isinstance(exc, sqlite3.Error):
        from ..core.sqlite_errors import database_error_message
        return database_error_message(exc, path)
    if isinstance(exc, OSError):
        from ..core.os_errors import os_reason
        return tr("Berkas tidak dapat dibaca atau ditulis: {reason}. Tidak ada yang diubah.").format(
            reason=os_reason(exc))
    return tr("Terjadi kesalahan tak terduga: {error}\nTidak ada perubahan yang disimpan sebagian; "
              "laporkan pesan ini kepada pengelola aplikasi.").format(error=exc)


def is_busy(exc: BaseException) -> bool:
    if isinstance(exc, FileBusy):
        return True
    if isinstance(exc, sqlite3.Error):
        from ..core.sqlite_errors import SQLITE_BUSY, SQLITE_LOCKED, primary_code
        return primary_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED)
    return False


def show_failure(parent, title: str, exc: BaseException, *, path=None, retry: Callable[[], Any] | None = None) -> None:
    """The one way a failed read or write is shown.  A busy file with ``retry``: "Coba lagi?"."""
    message = failure_message(exc, path)
    if retry is not None and is_busy(exc):
        if dialogs.ask(parent, title, message + "\n\n" + tr("Coba lagi sekarang? (Isian Anda tetap disimpan "
                                                            "untuk percobaan berikutnya.)")):
            retry()
        return
    if isinstance(exc, (RenstraError, sqlite3.Error, OSError)):
        if isinstance(exc, PermissionDenied):
            title = tr("Tidak diizinkan")
        dialogs.warn(parent, title, message)
    else:
        dialogs.error(parent, title, message)


class _Op:
    """What WriteOp and ReadOp share: the callbacks and the progress dialog."""

    def __init__(self, controller, op: Callable, *, parent=None, title: str = ""):
        self.controller = controller
        self._op = op
        self._parent = parent if parent is not None else controller.dialog_parent
        self.title = title or tr("Renstra Desktop")
        self._success: Callable | None = None
        self._failure: Callable | None = None
        self._progress = False
        self._cancellable = False
        self.task = None                # the BackgroundTask while it runs

    def success(self, fn: Callable | None):
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], Any] | None):
        self._failure = fn
        return self

    def with_progress(self, *, cancellable: bool = False):
        """Show a progress dialog (after 300 ms) that ``progress(percent, text)`` moves."""
        self._progress = True
        self._cancellable = cancellable
        return self

    def _failed(self, exc: BaseException, retry=None) -> None:
        if self._failure is not None:
            self._failure(exc)
        else:
            show_failure(self._parent, self.title, exc, path=self.controller.path, retry=retry)


class WriteOp(_Op):
    """A PlanService write off the GUI thread, then views and undo stack from its Changes."""

    def __init__(self, controller, op: Callable, *, parent=None, title: str = ""):
        super().__init__(controller, op, parent=parent, title=title)
        self._undo_text: str | None = None
        self._always = False
        self._ended = False
        self._after: Callable[[bool], Any] | None = None

    def undoable(self, text: str, *, always: bool = False):
        """The op returns ``(result, (redo, undo))``: two callables of a PlanService returning Changes,
        pushed as one undo step named ``text`` after the write (the step replays on the GUI thread),
        unless the write changed nothing (``always``: pushed even then)."""
        self._undo_text = text
        self._always = always
        return self

    def run_in_background(self):
        from ..core.service import PlanService
        from .worker import run_in_background

        controller = self.controller
        actor, unit = controller.actor, controller.unit_code
        op = self._op

        def work(store, progress):
            return op(PlanService(store, actor, unit), progress)

        self._started()
        self.task = run_in_background(self._parent, self.title, work, self._done, self._on_error,
                                      store_path=controller.path, cancellable=self._cancellable,
                                      show_dialog=self._progress, on_cancel=self._end)
        # a parent closed while the worker writes never hears back: the write no longer counts as this
        # window's, and the data_version poll takes its commit for an outside change (views reload)
        self.task.destroyed.connect(self._end)
        return self.task

    def _started(self) -> None:
        self._ended = False
        self.controller.write_started()

    def _end(self, *args) -> None:
        """The write is over (done, failed, cancelled or abandoned): once per run."""
        if not self._ended:
            self._ended = True
            self.controller.write_ended()

    def run_queued(self):
        """The same op on the window's writer thread (ui/write_queue.py), after every write asked
        before it: the small edits (a cell, a paste, adding or removing rows).  An undoable op's step
        is pushed at once (Ctrl+Z right after undoes this write, in order) and filled by the write;
        a refused write's step leaves the stack.  A busy file offers "Coba lagi" (the same op, with
        the user's typed values, queued again)."""
        from .commands import StepState

        controller = self.controller
        actor, unit, op, always = controller.actor, controller.unit_code, self._op, self._always
        state = StepState(self._undo_text) if self._undo_text is not None else None
        command = controller.push_step(state) if state is not None else None

        def job(service):
            try:
                result = op(service, _no_progress)
            except BaseException:
                if state is not None:
                    state.void = True
                raise
            if state is not None:
                result, (redo, undo) = result
                changes = changes_of(result)
                state.fill(redo, undo, changes)
                state.void = not (changes or always)
            controller.remember_versions(changes_of(result))
            return result

        def on_result(result, exc) -> None:
            self._end()
            if command is not None and (exc is not None or state.void):
                state.void = True           # (also when the writer could not even open the file)
                controller.remove_step(command)
            if exc is not None:
                retried = []
                self._failed(exc, retry=lambda: (retried.append(True), self.run_queued()))
                if not retried:          # (a retry ends in its own success or failure)
                    self._after_run(False)
                return
            controller.written(changes_of(result), own_step=command is not None)
            if self._success is not None:
                self._success(result)
            self._after_run(True)

        self._started()
        controller.submit_write(job, on_result, actor=actor, unit=unit)
        return self

    def after(self, fn: Callable[[bool], Any] | None):
        """``fn(ok)`` after a queued run's success or failure was handled (the model's typed value)."""
        self._after = fn
        return self

    def _after_run(self, ok: bool) -> None:
        if self._after is not None:
            self._after(ok)

    def _on_error(self, exc: BaseException) -> None:
        self._end()
        self._failed(exc, retry=self.run_in_background)

    def _done(self, result):
        step = None
        if self._undo_text is not None:
            result, step = result
            if not (changes_of(result) or self._always):
                step = None
        self._end()
        self.controller.written(changes_of(result), step and (self._undo_text, *step))
        if self._success is not None:
            self._success(result)
        return result


class ReadOp(_Op):
    """A read off the GUI thread on a read-only Store; the result to ``success`` on the GUI thread."""

    def __init__(self, controller, op: Callable, success: Callable | None = None, *, parent=None, title: str = ""):
        super().__init__(controller, op, parent=parent, title=title)
        self._success = success

    def run_in_background(self):
        from .worker import run_in_background

        self.task = run_in_background(self._parent, self.title, self._op, self._done,
                                      lambda exc: self._failed(exc, retry=self.run_in_background),
                                      store_path=self.controller.path, readonly=True,
                                      cancellable=self._cancellable, show_dialog=self._progress)
        return self.task

    def _done(self, result) -> None:
        if self._success is not None:
            self._success(result)


def _no_progress(percent: int, text: str = "") -> None:
    """``progress`` of a run on the GUI thread: nothing to move."""
