"""A window says which plan it has open, so that a restore never replaces the file under it.

While a window has a plan open it keeps ``<plan>.dibuka`` locked (shared; the kernel releases the lock
when the process dies, even by kill -9) with who it is written in it.  A restore takes the marker
exclusively for its whole run (:func:`no_window`): it is refused while a window holds it, and no
window marks the plan meanwhile.  Nobody else is locked out: commands, merges and reports work
while the window has the plan open, as before.

Why a file of its own and not a lock on the plan: opening and closing a second descriptor of a SQLite
file in the process that uses it drops SQLite's own locks (POSIX locks belong to the process).
On Windows the lock is one locked byte (no shared locks there; one window per plan anyway), so the
record starts at byte 1, where another process can still read it.
"""
from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Callable

from .errors import FileError
from .file_lock import _describe_record, _holder_record, _lock_fd, _unlock_fd

MARKER_SUFFIX = ".dibuka"
log = logging.getLogger(__name__)


def marker_path(plan_path: str | os.PathLike) -> Path:
    plan_path = Path(plan_path)
    return plan_path.with_name(plan_path.name + MARKER_SUFFIX)


def _locked_marker(path: Path, shared: bool) -> int | None:
    """The fd of ``path`` locked as asked, or None while another process holds it the other way."""
    for _attempt in range(20):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _lock_fd(fd, shared=shared):
            os.close(fd)
            return None
        if os.name != "posix":
            return fd
        try:        # a holder that let go removes the file: make sure ours is still the one named
            if os.path.samestat(os.fstat(fd), os.stat(path)):
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)
    return None


def _let_go(path: Path, fd: int) -> None:
    """Unlock and close; remove the marker when nobody else holds it."""
    with contextlib.suppress(OSError):
        if os.name == "posix" and _lock_fd(fd):
            path.unlink()
    with contextlib.suppress(OSError):
        _unlock_fd(fd)
    os.close(fd)
    if os.name != "posix":          # Windows refuses to remove a file another process has open
        with contextlib.suppress(OSError):
            path.unlink()


def mark_open(plan_path: str | os.PathLike, purpose: str = "jendela") -> Callable[[], None]:
    """Mark ``plan_path`` open in this process's window; returns the function that unmarks it.  While a
    restore holds the marker the plan is left unmarked (logged): that restore replaces the file anyway."""
    path = marker_path(plan_path)
    try:
        fd = _locked_marker(path, shared=True)
    except OSError as exc:          # a read-only folder: such a plan cannot be restored in place either
        log.info("open marker %s not written: %s", path, exc)
        return lambda: None
    if fd is None:
        log.info("open marker %s held by another process", path)
        return lambda: None
    with contextlib.suppress(OSError):
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, b"\n" + _holder_record(purpose))
    done = []

    def release() -> None:
        if not done:
            done.append(True)
            _let_go(path, fd)
    return release


def _holder(path: Path) -> str:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return "Renstra Desktop"
    try:
        os.lseek(fd, 1, os.SEEK_SET)
        return _describe_record(os.read(fd, 4096)) or "Renstra Desktop"
    except OSError:
        return "Renstra Desktop"
    finally:
        os.close(fd)


@contextlib.contextmanager
def no_window(plan_path: str | os.PathLike):
    """Hold the plan's marker exclusively for the block; FileError when a window has the plan open."""
    path = marker_path(plan_path)
    try:
        fd = _locked_marker(path, shared=False)
    except OSError:
        fd = -1                     # no marker can exist in a folder nobody can write
    if fd is None:
        raise FileError(f"Berkas {Path(plan_path).name} sedang dibuka di jendela {_holder(path)}; tidak ada yang "
                        "diubah. Tutup jendela itu lalu ulangi, atau pulihkan dari jendela itu: Berkas → Pulihkan "
                        "dari cadangan…")
    try:
        yield
    finally:
        if fd >= 0:
            _let_go(path, fd)
