"""PlanController: the open plan file, its PlanService, the undo stack and the one
"plan changed" signal every view listens to.

Threading: lives on the GUI thread with the Store it owns, which only reads.  Every write goes through
:class:`.ops.WriteOp`: off the GUI thread on a Store of its own, the small edits below and undo/redo
on the one writer thread (``writer``, ui/write_queue.py) in the order asked.  Each ends in
:meth:`written`: the versions of the rows written are kept, an undo step is pushed (a small edit's when
it is queued), the steps another write made stale are dropped (:meth:`drop_stale`), every view is told.
:meth:`wait_idle` waits for the writer (closing the file does; tests do after an edit).
A refusal (ValidationError, PermissionDenied, FileBusy, ...) is shown once by ops.show_failure and
nothing is written.  Another process's change of the file is found by polling ``PRAGMA
data_version`` (:meth:`check_outside`, every POLL_MS and when the application becomes active).
"""
from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QUndoStack

from ..core.schema import PLAN_TABLES, TABLES
from ..core.service import Changes, Edit, PlanService
from ..core.store import Store
from .commands import ServiceCommand, StepState
from .ops import GUI_WRITE_WAIT
from .write_queue import WriteQueue


class PlanController(QObject):
    plan_changed = Signal(object)   # Changes: the tables (and row ids) that changed
    file_opened = Signal()          # another plan file (or none, after close()): views rebuild
    notice = Signal(str)            # a line for the status bar (undo steps dropped, the file changed outside)

    POLL_MS = 1500                  # how often the file is checked for another process's change

    def __init__(self, parent: QObject | None = None, *, actor: str | None = None):
        super().__init__(parent)
        self.store: Store | None = None
        self._service: PlanService | None = None
        self._unit_code: str | None = None
        self._actor = actor
        self.undo_stack = QUndoStack(self)
        self.dialog_parent = None      # the main window, when there is one
        self._units: list[dict] | None = None   # the unit directory, read once per change of it
        self._profile = None                      # the plan's office and span (core.plan_profile), cached
        self.plan_changed.connect(self._forget_units)
        self._writes_running = 0       # WriteOps of this window in flight (their commits are not "outside")
        self._seen_version: int | None = None    # PRAGMA data_version after the last write this window knows
        self._versions: dict[tuple[str, str], int] = {}   # (table, id) -> row_version this window wrote
        self._versions_lock = threading.Lock()              # the writer thread keeps them too
        self.writer = WriteQueue(self)                     # the small writes and undo/redo, in order
        self._poll = QTimer(self)
        self._poll.setInterval(self.POLL_MS)
        self._poll.timeout.connect(self.check_outside)
        app = QGuiApplication.instance()
        if app is not None:      # back in the window after working elsewhere: look at once
            app.applicationStateChanged.connect(self._on_application_state)

    # -- the open file ------------------------------------------------------------------------
    def open_store(self, store: Store) -> None:
        """Take over ``store`` (opened on this thread); the previous one is closed (after its writes)."""
        self.writer.stop()
        old = self.store
        self.store = store
        self._unit_code = store.unit_code    # asked on every flags() call: read once per file
        self._service = None
        self._units = self._profile = None
        self.undo_stack.clear()
        self._versions.clear()
        if old is not None and old is not store:
            old.close()
        if not store.readonly:
            store.write_wait = min(store.write_wait, GUI_WRITE_WAIT)   # the GUI thread never waits long
        self._seen_version = self._data_version()
        self._poll.start()
        self.file_opened.emit()

    def close(self) -> None:
        """Close the file after every queued write; views empty themselves (file_opened with no store)."""
        self.writer.stop()
        self.undo_stack.clear()
        self._versions.clear()
        self._poll.stop()
        if self.store is not None:
            self.store.close()
        self.store = self._service = None
        self._units = None
        self.file_opened.emit()

    @property
    def actor(self) -> str:
        """Who makes the changes (the login name unless given); resolved at the first write, as
        core.newplan (which provides it) is not needed to show the window."""
        if self._actor is None:
            from ..core.newplan import current_user
            self._actor = current_user()
        return self._actor

    @actor.setter
    def actor(self, name: str) -> None:
        self._actor = name
        if self._service is not None:
            self._service.actor = name

    @property
    def service(self) -> PlanService | None:
        """The PlanService of the open file: every write goes through it."""
        if self._service is None and self.store is not None:
            self._service = PlanService(self.store, actor=self.actor)
        return self._service

    @property
    def conn(self):
        return self.store.conn

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def unit_code(self) -> str:
        """The unit this installation's file belongs to (the only writer of its rows)."""
        return self._unit_code

    @property
    def is_kanwil(self) -> bool:
        return self.unit_code == "KANWIL"

    def units(self) -> list[dict]:
        """The unit directory (``queries.units``), cached until a change of the ``unit`` table or
        another file: every view and the unit selector ask for it."""
        if self._units is None:
            from ..core.queries import units
            self._units = units(self.conn) if self.store is not None else []
            self._names = {u["code"]: u["name"] for u in self._units}
        return self._units

    def unit_names(self) -> dict[str, str]:
        """code -> name of the units in the directory (cached with :meth:`units`; do not change it)."""
        self.units()
        return self._names

    def _forget_units(self, changes) -> None:
        if "unit" in changes.tables:
            self._units = None
        if "setting" in changes.tables:
            self._profile = None

    @property
    def profile(self):
        """The open plan's office and years (core.plan_profile.PlanProfile; the NTB defaults
        without a file), read once per file or change of its settings."""
        from ..core.plan_profile import load_profile
        if self._profile is None and self.store is not None:
            self._profile = load_profile(self.conn)
        return self._profile

    @property
    def plan_years(self) -> tuple[int, ...]:
        from ..core.schema import PLAN_YEARS
        return self.profile.years if self.store is not None else PLAN_YEARS

    def current_year(self) -> int:
        """This year kept inside the plan's years: the year shown when none is chosen."""
        from ..core.plan_profile import year_within
        return year_within(self.plan_years)

    def can_write_row(self, owner_unit: str | None) -> bool:
        """Mirror of the service's owner rule, for flags(); the service stays the authority."""
        return owner_unit == self.unit_code

    def signing_refusal(self, signing_role: str) -> str | None:
        """Why the signed-in actor may not sign a report as ``signing_role``; None if they may
        (core.roles.require_signing: one indexed read)."""
        from ..core.errors import PermissionDenied
        from ..core.roles import require_signing
        if self.store is None:
            return None
        try:
            require_signing(self.store.conn, self.actor, signing_role)
        except PermissionDenied as exc:
            return exc.message
        return None

    # -- writes (each is one undo step; all through ops.WriteOp on the writer thread) ---------
    # Each returns True once queued; what the write did comes later: the views refresh from its
    # Changes, a refusal is shown once and the step leaves the stack.  ``done(ok)`` / ``then(ids)``
    # run on the GUI thread afterwards.
    def apply(self, edits: list[Edit], text: str, *, done: Callable[[bool], object] | None = None) -> bool:
        """Field edits all or nothing (a cell edit, a paste)."""
        if not edits:
            return True
        edits = list(edits)

        def op(service, progress):
            old = [Edit(e.table, e.row_id, e.field, stored_as_input(service, e)) for e in edits]
            return service.apply(edits), (lambda s: s.apply(edits), lambda s: s.apply(old))

        return self._small_write(op, text, after=done)

    def insert(self, table: str, rows: list[dict], text: str, *,
               then: Callable[[list[str]], object] | None = None) -> bool:
        """Insert one or more rows (one transaction, one undo step); ``then(ids)`` once written."""
        return self.insert_and_apply(table, rows, [], text, then=then)

    def insert_and_apply(self, table: str, rows: list[dict], edits: list[Edit], text: str, *,
                         then: Callable[[list[str]], object] | None = None) -> bool:
        """New rows and edits of existing ones in one transaction and one undo step (a paste that
        adds periods); ``then(ids)`` with the new ids once written (nothing is written when anything
        is refused)."""
        new = list(edits)

        def op(service, progress):
            ids: list[str] = []
            old = [Edit(e.table, e.row_id, e.field, stored_as_input(service, e)) for e in new]
            changes = Changes()
            with service.store.atomic():
                for values in rows:
                    row_id, ch = service.insert(table, values)
                    ids.append(row_id)
                    changes.merge(ch)
                if new:
                    changes.merge(service.apply(new))

            def redo(s):
                with s.store.atomic():
                    done = each(s.restore, s, table, ids)
                    return done.merge(s.apply(new)) if new else done

            def undo(s):
                with s.store.atomic():
                    done = s.apply(old) if old else Changes()
                    return done.merge(each(s.delete, s, table, ids))

            return Written(changes, ids), (redo, undo)

        return self._small_write(op, text, always_push=True, success=then and (lambda written: then(written.ids)))

    def delete(self, table: str, ids: list[str], text: str) -> bool:
        """Tombstone rows (one transaction, one undo step)."""
        ids = list(dict.fromkeys(ids))

        def op(service, progress):
            return (each(service.delete, service, table, ids),
                    (lambda s: each(s.delete, s, table, ids), lambda s: each(s.restore, s, table, ids)))

        return self._small_write(op, text)

    def _small_write(self, op, text: str, *, always_push: bool = False, success=None, after=None) -> bool:
        """A small edit on the writer thread; its undo step pushed now (bench/gui_writes.py measures
        the GUI thread's share)."""
        from .ops import WriteOp
        WriteOp(self, op, title=self.tr("Perubahan ditolak")).undoable(text, always=always_push).success(
            success).after(after).run_queued()
        return True

    # -- the writer thread ---------------------------------------------------------------------------
    def submit_write(self, job: Callable[[PlanService], object], on_result, *, actor: str | None = None,
                     unit: str | None = None) -> None:
        """``job(service)`` on the writer thread with a PlanService of its own (this file, ``actor``,
        ``unit``); ``on_result(result, exc)`` on this thread afterwards (ui/write_queue.py)."""
        actor = actor or self.actor
        unit = unit or self.unit_code
        self.writer.submit(self.path, self.store.readonly, lambda store: job(PlanService(store, actor, unit)),
                           on_result)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait until every queued write and undo/redo has run and its result was taken (views
        refreshed, a refusal shown).  False after ``timeout`` seconds."""
        return self.writer.wait_idle(timeout)

    def push_step(self, state: StepState) -> ServiceCommand:
        """Push the undo step of a write just queued (filled by the write on the writer thread)."""
        command = ServiceCommand(self, state)
        self.undo_stack.push(command)
        return command

    def remove_step(self, command: ServiceCommand) -> None:
        """Take ``command`` off the stack, keeping the others and where the stack stands."""
        stack = self.undo_stack
        commands = [stack.command(i) for i in range(stack.count())]
        position = next((i for i, c in enumerate(commands) if c is command), None)
        if position is None:
            return
        index = stack.index() - (1 if position < stack.index() else 0)
        copies = [c.copy() for i, c in enumerate(commands) if i != position]
        stack.clear()
        for twin in copies:
            stack.push(twin)
        while stack.index() > index:
            stack.command(stack.index() - 1).skip_next("undo")
            stack.undo()

    def run_step(self, command: ServiceCommand, direction: str) -> None:
        """An undo or redo (QUndoStack has moved its index): the step's half on the writer thread,
        after the rows' versions were checked there once more."""
        state = command.state

        def job(service):
            if state.void:                   # the write it stands for was refused: nothing to do
                return Changes()
            if self.rows_changed_outside(state.rows, service.store.conn):
                raise StepStale()
            changes = (state.undo if direction == "undo" else state.redo)(service)
            self.remember_versions(changes)
            return changes

        self.write_started()
        self.submit_write(job, lambda result, exc: self._step_ran(command, direction, result, exc))

    def _step_ran(self, command: ServiceCommand, direction: str, changes, exc) -> None:
        from .ops import is_busy, show_failure

        self.write_ended()
        if exc is None:
            self._trim_versions()
            self.notify(changes)
            return
        text = command.state.text
        if isinstance(exc, StepStale):
            self.remove_step(command)
            self.notice.emit(self.tr("Langkah “{step}” dihapus: barisnya diubah di luar aplikasi ini.").format(
                step=text))
            self.check_outside()      # the views show what the file holds now
            return
        stack = self.undo_stack
        where = stack.index() if direction == "undo" else stack.index() - 1
        if is_busy(exc) and 0 <= where < stack.count() and stack.command(where) is command:
            # nothing ran: put the index back (without running the other half) and offer to try again
            command.skip_next("redo" if direction == "undo" else "undo")
            (stack.redo if direction == "undo" else stack.undo)()
            show_failure(self.dialog_parent, self.tr("Urungkan"), exc, path=self.path,
                         retry=stack.undo if direction == "undo" else stack.redo)
            return
        self.remove_step(command)          # refused (locked, deleted, ...): the step cannot be taken
        show_failure(self.dialog_parent, self.tr("Perubahan ditolak"), exc, path=self.path)

    # -- what ops.WriteOp tells the controller ----------------------------------------------------
    def write_started(self) -> None:
        self._writes_running += 1

    def write_ended(self) -> None:
        self._writes_running = max(0, self._writes_running - 1)
        self._mark_seen()

    def written(self, changes: Changes | None, step=None, *, own_step: bool = False) -> None:
        """A write through ops.py finished: keep its versions, push its undo step (or drop the steps
        it made stale), and tell every view.  ``changes`` None: not known, every table reloads.
        ``own_step``: a queued write whose step was pushed when it was queued."""
        self._mark_seen()
        if changes is None:
            changes = self.all_tables()
        self.remember_versions(changes)
        self._trim_versions()
        if step is not None:
            text, redo, undo = step
            state = StepState(text)
            state.fill(redo, undo, changes)
            self.undo_stack.push(ServiceCommand(self, state))
        elif changes and not own_step:
            self.drop_stale(lambda command: command.touches(changes),
                            self.tr("diubah oleh penggabungan atau keputusan konflik"))
            closed = self.rows_in_closed_periods(self._step_rows())    # a merged lock closes periods
            if closed:
                self.drop_stale(lambda command: bool(closed & command.rows),
                                self.tr("kini pada periode yang disetujui (dikunci)"))
        self.notify(changes)

    # -- undo steps that no longer apply --------------------------------------------------------
    def drop_stale(self, is_stale, why: str, *, announce: bool = True) -> int:
        """Drop the undo steps ``is_stale(command)`` names and every older one (undo is linear: a
        step below one that cannot be taken cannot be reached); redo steps go when any is stale.
        The user is told in the status bar.  Returns how many steps were dropped."""
        stack = self.undo_stack
        count, index = stack.count(), stack.index()
        commands = [stack.command(i) for i in range(count)]
        stale = [i for i, c in enumerate(commands) if is_stale(c)]
        if not stale:
            return 0
        below = [i for i in stale if i < index]
        keep = commands[below[-1] + 1:index] if below else commands[:index]
        dropped = count - len(keep)
        copies = [c.copy() for c in keep]
        stack.clear()
        for command in copies:
            stack.push(command)
        if announce:
            self.notice.emit(self.tr("{n} langkah urungkan dihapus: barisnya {why}.").format(
                n=dropped, why=why))
        return dropped

    def rows_changed_outside(self, rows, conn=None) -> set[tuple[str, str]]:
        """Those of ``rows`` ((table, id) pairs) whose version in the file (read on ``conn``, default
        this thread's) is not the one this window wrote or last saw: another process changed them."""
        with self._versions_lock:
            expected = {key: self._versions[key] for key in rows if key in self._versions}
        if not expected or self.store is None:
            return set()
        conn = conn if conn is not None else self.conn
        by_table: dict[str, list[str]] = {}
        for table, row_id in expected:
            by_table.setdefault(table, []).append(row_id)
        changed = set()
        for table, ids in by_table.items():
            if table not in TABLES:
                continue
            now = {}
            for start in range(0, len(ids), 500):
                part = ids[start:start + 500]
                now.update(conn.execute(f"SELECT id, row_version FROM {table} WHERE id IN "
                                             f"({','.join('?' * len(part))})", part).fetchall())
            changed.update((table, i) for i in ids if now.get(i) != expected[(table, i)])
        return changed

    def rows_in_closed_periods(self, rows) -> set[tuple[str, str]]:
        """Those of ``rows`` whose period is now closed for their unit (the core would refuse them)."""
        from ..core.write_rules import PeriodStatus

        by_table: dict[str, list[str]] = {}
        for table, row_id in rows:
            if table in TABLES and TABLES[table].period_field:
                by_table.setdefault(table, []).append(row_id)
        if not by_table or self.store is None:
            return set()
        status = PeriodStatus(self.conn)
        if not status.locks:
            return set()
        closed = set()
        for table, ids in by_table.items():
            spec = TABLES[table]
            for start in range(0, len(ids), 500):
                part = ids[start:start + 500]
                for row in self.conn.execute(f"SELECT * FROM {table} WHERE id IN ({','.join('?' * len(part))})", part):
                    if status.closed(spec, dict(row)):
                        closed.add((table, row["id"]))
        return closed

    def _step_rows(self) -> set[tuple[str, str]]:
        rows = set()
        for i in range(self.undo_stack.count()):
            rows |= self.undo_stack.command(i).rows
        return rows

    # -- outside changes (issue 8): another process wrote the file ---------------------------------
    def check_outside(self) -> bool:
        """Poll ``PRAGMA data_version`` (cheap, no I/O); when another process (or a writer of this one
        outside ops.py) committed since, drop the undo steps on rows it changed and reload every view.
        True when a change was found.  Skipped while a write of this window runs."""
        if self.store is None or self._writes_running:
            return False
        version = self._data_version()
        if version == self._seen_version:
            return False
        self._seen_version = version
        rows = self._step_rows()
        changed = self.rows_changed_outside(rows)
        with self._versions_lock:
            for key in changed:
                self._versions.pop(key, None)
        closed = self.rows_in_closed_periods(rows - changed)
        gone = changed | closed
        dropped = self.drop_stale(lambda command: bool(gone & command.rows), "", announce=False) if gone else 0
        self._units = None
        text = self.tr("Berkas diubah oleh proses lain; tampilan dimuat ulang.")
        if dropped:
            text = self.tr("Berkas diubah oleh proses lain; tampilan dimuat ulang, {n} langkah urungkan "
                           "dihapus.").format(n=dropped)
        self.notice.emit(text)
        self.notify(self.all_tables())
        return True

    def _on_application_state(self, state) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check_outside()

    def _data_version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def _mark_seen(self) -> None:
        if self.store is not None and not self._writes_running:
            self._seen_version = self._data_version()

    def remember_versions(self, changes: Changes | None) -> None:
        """Keep the versions ``changes`` wrote (any thread: the writer calls it right after a write, the
        GUI thread again when the result arrives, by then perhaps after a newer write of the same row:
        a row's version only grows, so the higher one is kept)."""
        if changes is None:
            return
        with self._versions_lock:
            for table, versions in changes.versions.items():
                for row_id, version in versions.items():
                    key = (table, row_id)
                    if version > self._versions.get(key, -1):
                        self._versions[key] = version

    def _trim_versions(self) -> None:
        if len(self._versions) > 100_000:          # only rows of the undo steps need it
            keep = self._step_rows()
            with self._versions_lock:
                self._versions = {k: v for k, v in self._versions.items() if k in keep}

    def external_change(self, changes: Changes | None = None) -> None:
        """Rows changed by work of this window that did not go through ops.py (none should): the
        steps on those rows are dropped and the views reload."""
        self.written(changes)

    # -- plumbing -------------------------------------------------------------------------------
    @staticmethod
    def all_tables() -> Changes:
        return Changes({t: set() for t in PLAN_TABLES})

    def notify(self, changes: Changes) -> None:
        if changes:
            self.plan_changed.emit(changes)


class StepStale(Exception):
    """An undo step's rows were changed by another process since this window wrote them."""


@dataclass
class Written:
    """The result of an insert: what changed and the new rows' ids."""
    changes: Changes
    ids: list[str]


def each(method, service: PlanService, table: str, ids: list[str]) -> Changes:
    """``method(table, id)`` for every id, in one transaction."""
    changes = Changes()
    with service.store.atomic():
        for row_id in ids:
            changes.merge(method(table, row_id))
    return changes


def stored_as_input(service: PlanService, edit: Edit):
    """The current value of a field in the form the service accepts back (for undo)."""
    value = service.row(edit.table, edit.row_id).get(edit.field)
    spec = TABLES[edit.table].field_map.get(edit.field)
    if spec is not None and spec.kind == "list" and isinstance(value, str):
        return json.loads(value or "[]")
    return value
