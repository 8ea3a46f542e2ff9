"""Undo steps: each one calls the service, never the database.

A command is pushed after its first run succeeded (the controller runs it, then pushes it with
``done=True`` so QUndoStack's immediate redo() does nothing).  When a later undo/redo is refused
(the row is now locked, deleted or changed by a merge) the command shows the message and marks
itself obsolete, so QUndoStack drops it instead of leaving a step that cannot be taken.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from ..core.errors import RenstraError
from ..core.service import Changes


class ServiceCommand(QUndoCommand):
    """One undo step: ``do`` and ``undo`` are callables returning :class:`Changes`."""

    def __init__(self, controller, text: str, do: Callable[[], Changes], undo: Callable[[], Changes],
                 *, done: bool = True):
        super().__init__(text)
        self._controller = controller
        self._do = do
        self._undo = undo
        self._skip_redo = done

    def redo(self) -> None:
        if self._skip_redo:        # the controller already ran it once
            self._skip_redo = False
            return
        self._run(self._do)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, fn: Callable[[], Changes]) -> None:
        try:
            changes = fn()
        except RenstraError as exc:
            self.setObsolete(True)
            self._controller.report(exc)
            return
        self._controller.notify(changes)
