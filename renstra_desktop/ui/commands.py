"""Undo steps: each one calls the service, never the database.

A command is pushed after its first run succeeded (:meth:`PlanController.written`, from an
ops.WriteOp), so QUndoStack's immediate redo() does nothing.  A step knows the rows it wrote
(``rows``): the controller drops it when a merge, a conflict decision or another process changed one
of them since (:meth:`PlanController.drop_stale`), and before it runs it checks the rows' versions
in the file once more.  When an undo/redo is refused (the row is now locked, deleted or changed
elsewhere) the command shows the message and marks itself obsolete, so QUndoStack drops it.  A busy
file refuses nothing: the step stays where it was and "Coba lagi" runs it again.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand

from ..core.errors import RenstraError
from ..core.service import Changes, PlanService

Step = Callable[[PlanService], Changes]


def rows_of(changes: Changes) -> set[tuple[str, str]]:
    return {(table, row_id) for table, ids in changes.rows.items() for row_id in ids}


class ServiceCommand(QUndoCommand):
    """One undo step: ``do`` and ``undo`` take the GUI thread's PlanService and return Changes."""

    def __init__(self, controller, text: str, do: Step, undo: Step, changes: Changes):
        super().__init__(text)
        self._controller = controller
        self._do = do
        self._undo = undo
        self.rows = rows_of(changes)
        self.tables = set(changes.rows)
        self._skip = "redo"             # pushed after its first run: QUndoStack's redo() does nothing

    def copy(self) -> "ServiceCommand":
        """The same step, not yet owned by a stack (the controller rebuilds the stack from copies)."""
        twin = ServiceCommand(self._controller, self.text(), self._do, self._undo, Changes())
        twin.rows, twin.tables = set(self.rows), set(self.tables)
        return twin

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
        self._run(self._do, "redo")

    def undo(self) -> None:
        if self._skip == "undo":
            self._skip = None
            return
        self._run(self._undo, "undo")

    def _run(self, fn: Step, direction: str) -> None:
        from .ops import is_busy, show_failure

        controller = self._controller
        if controller.rows_changed_outside(self.rows):
            self.setObsolete(True)
            controller.notice.emit(controller.tr("Langkah “{step}” dihapus: barisnya diubah di luar aplikasi ini."
                                                 ).format(step=self.text()))
            controller.check_outside()      # the views show what the file holds now
            return
        try:
            changes = fn(controller.service)
        except Exception as exc:
            if is_busy(exc):
                self._stay(direction, exc)
                return
            if not isinstance(exc, RenstraError):
                raise
            self.setObsolete(True)
            QTimer.singleShot(0, controller, lambda err=exc: show_failure(controller.dialog_parent, controller.tr(
                "Perubahan ditolak"), err))
            return
        controller.step_ran(changes)

    def _stay(self, direction: str, exc: BaseException) -> None:
        """The file is busy: nothing ran.  QUndoStack has already moved its index; move it back (the
        step's opposite half is skipped once) and offer to try again."""
        from .ops import show_failure

        controller = self._controller
        stack = controller.undo_stack
        self._skip = "redo" if direction == "undo" else "undo"
        back = stack.redo if direction == "undo" else stack.undo
        again = stack.undo if direction == "undo" else stack.redo

        def restore_and_offer():
            back()
            show_failure(controller.dialog_parent, controller.tr("Urungkan"), exc, path=controller.path, retry=again)

        QTimer.singleShot(0, controller, restore_and_offer)
