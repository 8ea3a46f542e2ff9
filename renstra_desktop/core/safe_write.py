"""Whole files (a new plan, a copy, a backup, a package, a workbook, a key) are built under a unique
temporary name in the target's folder and published under their real name only when complete.

Unique names mean two processes writing in one folder never share a temporary file (fixed names
like ``X.tmp`` let one process delete or overwrite the other's half-built file).  A temporary name
carries the writer's process id, so a later writer of the same target removes what a killed
process left behind (``sweep_stale_temps``).  ``replace=False`` publishes without ever overwriting
a file that appeared meanwhile (a hard link is atomic and fails on an existing name).
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
from pathlib import Path

from .errors import FileError
from .os_errors import os_reason

TEMP_PREFIX = ".~"
TEMP_SUFFIX = ".tmp"
_LINK_UNSUPPORTED = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK, errno.EXDEV, errno.EACCES}


def temp_path(target: str | os.PathLike) -> Path:
    """A fresh temporary name next to ``target``: ``.~NAME.PID-RANDOM.tmp``."""
    target = Path(target)
    return target.with_name(f"{TEMP_PREFIX}{target.name}.{os.getpid()}-{os.urandom(4).hex()}{TEMP_SUFFIX}")


def create_private(path: str | os.PathLike) -> None:
    """Create ``path`` empty and readable by its owner only (0600 on POSIX); refuse an existing one.
    SQLite opens an empty file as a new database and gives its journal the same mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True                  # no cheap check: keep the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_temps(target: str | os.PathLike, *, family: bool = False) -> int:
    """Remove the temporary files of ``target`` left by processes that no longer run; return how many.
    ``family`` also takes those of every name that extends ``target``'s (a plan's backups, key and
    sequence counter: ``rencana.renstra.cadangan-…``)."""
    target = Path(target)
    pattern = re.compile(re.escape(f"{TEMP_PREFIX}{target.name}") + (r"\S*?" if family else "") + r"\.(\d+)-[0-9a-f]{8}"
                         + re.escape(TEMP_SUFFIX) + r"(-journal)?$")
    removed = 0
    try:
        names = os.listdir(target.parent if str(target.parent) else ".")
    except OSError:
        return 0
    for name in names:
        match = pattern.match(name)
        if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                (target.parent / name).unlink()
                removed += 1
    return removed


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def already_exists(target: Path) -> FileError:
    return FileError(f"Berkas {target.name} sudah ada. Pilih nama lain agar berkas itu tidak tertimpa.")


def refuse_replacing_data(target: str | os.PathLike) -> None:
    """An output (a report, a workbook, a signed PDF) is never written over a plan or a package: a
    mistyped ``-o`` would otherwise replace the unit's whole plan with a PDF."""
    from .store import APPLICATION_ID, PACKAGE_APPLICATION_ID, SQLITE_HEADER

    target = Path(target)
    try:
        if not target.is_file():
            return
        with target.open("rb") as fh:
            head = fh.read(100)
    except OSError:
        return
    if head.startswith(SQLITE_HEADER) and int.from_bytes(head[68:72], "big") in (APPLICATION_ID,
                                                                                 PACKAGE_APPLICATION_ID):
        raise FileError(f"Berkas {target.name} adalah berkas rencana atau paket Renstra Desktop; keluaran tidak "
                        "ditulis di atasnya. Pilih nama lain.")


def publish(tmp: str | os.PathLike, target: str | os.PathLike, *, replace: bool) -> None:
    """Give the complete ``tmp`` its real name.  ``replace=False`` never overwrites: FileError when
    ``target`` exists, even if it appeared a moment ago in another process."""
    tmp, target = Path(tmp), Path(target)
    if replace:
        os.replace(tmp, target)
    else:
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise already_exists(target) from None
        except OSError as exc:
            if exc.errno not in _LINK_UNSUPPORTED:
                raise
            if target.exists():       # a file system without hard links (FAT on a USB stick)
                raise already_exists(target) from None
            os.rename(tmp, target)    # Windows' rename never overwrites
        else:
            tmp.unlink()
    _sync_folder(target.parent)


def remove_temp(tmp: Path) -> None:
    for path in (tmp, tmp.with_name(tmp.name + "-journal")):
        with contextlib.suppress(OSError):
            path.unlink()


@contextlib.contextmanager
def new_file(target: str | os.PathLike, *, replace: bool = False, private: bool = False,
             hint: str = "Pilih folder lain atau kosongkan ruang disk."):
    """Yield a unique temporary path next to ``target``; publish it as ``target`` when the block ends
    without an exception, remove it otherwise.  ``private`` creates it empty with mode 0600 first
    (plan files, backups, keys); the block may also let SQLite create it.  An OSError becomes one
    FileError "Berkas … tidak dapat ditulis (reason). ``hint``"."""
    target = Path(target)
    if replace:
        refuse_replacing_data(target)
    sweep_stale_temps(target)
    tmp = temp_path(target)
    try:
        if private:
            create_private(tmp)
    except OSError as exc:
        raise FileError(f"Berkas {target} tidak dapat ditulis ({os_reason(exc)}). {hint}") from None
    try:
        yield tmp
        publish(tmp, target, replace=replace)
    except OSError as exc:
        remove_temp(tmp)
        raise FileError(f"Berkas {target} tidak dapat ditulis ({os_reason(exc)}). {hint}") from None
    except BaseException:
        remove_temp(tmp)
        raise
