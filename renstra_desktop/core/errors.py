"""Exceptions of the core. Every message is Indonesian and says what is wrong and what to do."""
from __future__ import annotations


class RenstraError(Exception):
    """Base class: ``str(exc)`` is the user-facing Indonesian message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FileError(RenstraError):
    """The plan file cannot be opened as a Renstra Desktop file (wrong, corrupt, newer, read-only)."""


class FileBusy(FileError):
    """The plan is held by another process (a writer, or a long read) past the wait; nothing was changed."""


class ValidationError(RenstraError):
    """A value was refused; nothing was written."""

    def __init__(self, message: str, *, field: str = "", path: str = ""):
        super().__init__(message)
        self.field = field
        self.path = path


class PermissionDenied(RenstraError):
    """The row is written by another unit, or its period is locked."""


class NotFound(RenstraError):
    """No row with that id."""


class SigningError(RenstraError):
    """A PDF could not be signed or checked (PKCS#12, password, certificate, PDF); nothing written."""
