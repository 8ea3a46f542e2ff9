"""PlanController: the open plan file, its PlanService, the undo stack and the one
"plan changed" signal every view listens to.

Threading: lives on the GUI thread with the Store it owns; background work opens its own Store
on ``controller.path`` (see :mod:`.worker`) and afterwards calls :meth:`external_change`.
Every write goes through the service inside one undo command; a refusal (ValidationError,
PermissionDenied, ...) is shown through :mod:`.dialogs` and nothing is written.
"""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from ..core.errors import PermissionDenied, RenstraError
from ..core.schema import PLAN_TABLES, TABLES
from ..core.service import Changes, Edit, PlanService
from ..core.store import Store
from . import dialogs
from .commands import ServiceCommand


class PlanController(QObject):
    plan_changed = Signal(object)   # Changes: the tables (and row ids) that changed
    file_opened = Signal()          # another plan file (or none, after close()): views rebuild

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

    # -- the open file ------------------------------------------------------------------------
    def open_store(self, store: Store) -> None:
        """Take over ``store`` (opened on this thread); the previous one is closed."""
        old = self.store
        self.store = store
        self._unit_code = store.unit_code    # asked on every flags() call: read once per file
        self._service = None
        self._units = self._profile = None
        self.undo_stack.clear()
        if old is not None and old is not store:
            old.close()
        self.file_opened.emit()

    def close(self) -> None:
        """Close the file; views empty themselves (file_opened with no store)."""
        self.undo_stack.clear()
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

    # -- writes (each is one undo step) -------------------------------------------------------
    def apply(self, edits: list[Edit], text: str) -> bool:
        """Field edits all or nothing (a cell edit, a paste).  False when refused."""
        if not edits:
            return True
        try:
            old = [Edit(e.table, e.row_id, e.field, self._stored_as_input(e)) for e in edits]
            changes = self.service.apply(edits)
        except RenstraError as exc:
            self.report(exc)
            return False
        if changes:
            new = list(edits)
            self._push(text, lambda: self.service.apply(new), lambda: self.service.apply(old), changes)
        return True

    def insert(self, table: str, rows: list[dict], text: str) -> list[str] | None:
        """Insert one or more rows (one transaction, one undo step); their ids, or None if refused."""
        return self.insert_and_apply(table, rows, [], text)

    def insert_and_apply(self, table: str, rows: list[dict], edits: list[Edit], text: str) -> list[str] | None:
        """New rows and edits of existing ones in one transaction and one undo step (a paste that
        adds periods); the new ids, or None when anything was refused (then nothing is written)."""
        ids: list[str] = []
        try:
            old = [Edit(e.table, e.row_id, e.field, self._stored_as_input(e)) for e in edits]
            changes = Changes()
            with self.store.atomic():
                for values in rows:
                    row_id, ch = self.service.insert(table, values)
                    ids.append(row_id)
                    changes.merge(ch)
                if edits:
                    changes.merge(self.service.apply(edits))
        except RenstraError as exc:
            self.report(exc)
            return None
        new = list(edits)

        def redo():
            with self.store.atomic():
                done = self._each(self.service.restore, table, ids)
                if new:
                    done.merge(self.service.apply(new))
            return done

        def undo():
            with self.store.atomic():
                done = self.service.apply(old) if old else Changes()
                done.merge(self._each(self.service.delete, table, ids))
            return done

        self._push(text, redo, undo, changes)
        return ids

    def delete(self, table: str, ids: list[str], text: str) -> bool:
        """Tombstone rows (one transaction, one undo step)."""
        ids = list(dict.fromkeys(ids))
        try:
            changes = self._each(self.service.delete, table, ids)
        except RenstraError as exc:
            self.report(exc)
            return False
        self._push(text, lambda: self._each(self.service.delete, table, ids),
                   lambda: self._each(self.service.restore, table, ids), changes)
        return True

    def external_change(self, changes: Changes | None = None) -> None:
        """Rows changed outside the undo stack (a merge in a worker): undo history no longer
        applies, so it is cleared, and the views reload."""
        self.undo_stack.clear()
        self.notify(changes if changes else self.all_tables())

    # -- plumbing -------------------------------------------------------------------------------
    @staticmethod
    def all_tables() -> Changes:
        return Changes({t: set() for t in PLAN_TABLES})

    def notify(self, changes: Changes) -> None:
        if changes:
            self.plan_changed.emit(changes)

    def report(self, exc: RenstraError) -> None:
        """Show a refusal.  Deferred: setData() may run while an editor is closing, and a modal
        box inside it would make the editor commit a second time."""
        title = (self.tr("Tidak diizinkan") if isinstance(exc, PermissionDenied)
                 else self.tr("Perubahan ditolak"))
        QTimer.singleShot(0, self, lambda: dialogs.warn(self.dialog_parent, title, exc.message))

    def _push(self, text, do, undo, changes: Changes) -> None:
        self.undo_stack.push(ServiceCommand(self, text, do, undo, done=True))
        self.notify(changes)

    def _each(self, method, table: str, ids: list[str]) -> Changes:
        changes = Changes()
        with self.store.atomic():
            for row_id in ids:
                changes.merge(method(table, row_id))
        return changes

    def _stored_as_input(self, edit: Edit):
        """The current value of a field in the form the service accepts back (for undo)."""
        value = self.service.row(edit.table, edit.row_id).get(edit.field)
        spec = TABLES[edit.table].field_map.get(edit.field)
        if spec is not None and spec.kind == "list" and isinstance(value, str):
            return json.loads(value or "[]")
        return value
