"""Undo steps: each one calls the service, never the database, and runs on the window's writer
thread (ui/write_queue.py), in order after the writes before it.

A small write's step is pushed when the write is queued (so that two quick edits then Ctrl+Z undo the
second one): its :class:`StepState` (the two halves, the rows written) is filled in by the write itself
on the writer thread, before any undo of it runs there.  A write that was refused or changed nothing
leaves the state ``void``: its step does nothing and the controller takes it off the stack.  A step
pushed after a background write (a conflict decision) is filled at once.  QUndoStack's redo() on
push does nothing.  A step knows the rows it wrote (``rows``): the controller drops it when a merge,
a conflict decision or another process changed one of them since (:meth:`PlanController.drop_stale`),
and before it runs the writer checks the rows' versions in the file once more.  An undo/redo that is
refused (the row is now locked, deleted or changed elsewhere) is shown and the step leaves the stack;
a busy file refuses nothing: the step goes back where it was and "Coba lagi" runs it again.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtGui import QUndoCommand

from ..core.service import Changes, PlanService

Step = Callable[[PlanService], Changes]


def rows_of(changes: Changes) -> set[tuple[str, str]]:
    return {(table, row_id) for table, ids in changes.rows.items() for row_id in ids}


@dataclass
class StepState:
    """What one undo step does; written by the writer thread (or at push), read after."""
    text: str
    redo: Step | None = None
    undo: Step | None = None
    rows: set = field(default_factory=set)
    tables: set = field(default_factory=set)
    void: bool = False          # the write was refused or changed nothing: undo/redo do nothing

    def fill(self, redo: Step, undo: Step, changes: Changes | None) -> None:
        self.redo, self.undo = redo, undo
        if changes is not None:
            self.rows, self.tables = rows_of(changes), set(changes.rows)


class ServiceCommand(QUndoCommand):
    """One undo step (see the module docstring); its two halves run through the controller's writer."""

    def __init__(self, controller, state: StepState):
        super().__init__(state.text)
        self._controller = controller
        self.state = state
        self._skip = "redo"             # pushed after (or while) its first run: QUndoStack's redo() does nothing

    @property
    def rows(self) -> set[tuple[str, str]]:
        return self.state.rows

    @property
    def tables(self) -> set[str]:
        return self.state.tables

    def copy(self) -> "ServiceCommand":
        """The same step, not yet owned by a stack (the controller rebuilds the stack from copies)."""
        return ServiceCommand(self._controller, self.state)

    def touches(self, changes: Changes) -> bool:
        """Did ``changes`` (another write) change a row this step wrote?"""
        for table, ids in changes.rows.items():
            if table not in self.tables:
                continue
            if not ids or any((table, row_id) in self.rows for row_id in ids):
                return True
        return False

    def redo(self) -> None:
        if self._skip == "redo":
            self._skip = None
            return
        self._controller.run_step(self, "redo")

    def undo(self) -> None:
        if self._skip == "undo":
            self._skip = None
            return
        self._controller.run_step(self, "undo")

    def skip_next(self, direction: str) -> None:
        """The next ``direction`` ("undo"/"redo") call only moves the stack's index (it already ran, or
        the stack is being rebuilt)."""
        self._skip = direction
