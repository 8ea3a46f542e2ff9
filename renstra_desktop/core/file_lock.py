"""One writer at a time per plan, and who holds a plan when it is busy.

A writing command holds ``<plan>.dipakai`` locked (``flock``; the kernel releases it when the
process dies, even by kill -9) and writes into it who it is: program, command, process id, user,
since when.  Another writer waits for it, says so once through the wait notice ("sedang dipakai
oleh proses lain, menunggu…") and after ``wait_seconds()`` gives up with FileBusy, having changed
nothing.  The lock is re-entrant within a process (a window's worker thread and its main thread
share it); the file is removed on release.

When SQLite itself reports a plan busy, :func:`who_holds` names the holder: the lock file of another
Renstra Desktop process, else (Linux) the process holding SQLite's lock according to /proc/locks.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import getpass
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from .errors import FileBusy

LOCK_SUFFIX = ".dipakai"
DEFAULT_WAIT_SECONDS = 30.0
WAIT_ENV = "RENSTRA_DESKTOP_WAIT_SECONDS"     # how long a writer waits for another (tests shorten it)

_notice: Callable[[str], None] | None = None
_held: dict[str, list] = {}                    # lock path -> [fd, count]
_guard = threading.Lock()


def wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT_SECONDS)))
    except ValueError:
        return DEFAULT_WAIT_SECONDS


def set_wait_notice(notice: Callable[[str], None] | None) -> None:
    """Where "… menunggu…" goes when a plan is busy (the CLI prints it on stderr; default: nowhere)."""
    global _notice
    _notice = notice


def notify_wait(text: str) -> None:
    if _notice is not None:
        _notice(text)


def lock_path(plan_path: str | os.PathLike) -> Path:
    plan_path = Path(plan_path)
    return plan_path.with_name(plan_path.name + LOCK_SUFFIX)


def _host_name() -> str:
    """The computer's name for the lock record (shown to nobody; for whoever reads the file).  Not
    through ``socket``: that module alone is 0.4 MB of the start-up's memory."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    return os.environ.get("COMPUTERNAME", "")


def _holder_record(purpose: str) -> bytes:
    try:
        user = getpass.getuser()
    except Exception:   # no login name (some service accounts)
        user = ""
    return json.dumps({"program": "Renstra Desktop", "purpose": purpose, "pid": os.getpid(), "user": user,
                       "host": _host_name(),
                       "since": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")},
                      ensure_ascii=False).encode("utf-8")


def _describe_record(data: bytes) -> str | None:
    from .localtime import format_datetime
    try:
        record = json.loads(data.decode("utf-8"))
        since = format_datetime(_dt.datetime.fromisoformat(record["since"]))
        who = f", pengguna {record['user']}" if record.get("user") else ""
        return (f"Renstra Desktop ({record['purpose']}, PID {int(record['pid'])}{who}, "
                f"sejak {since})")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


if os.name == "posix":
    import fcntl

    def _lock_fd(fd: int, shared: bool = False) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
else:                                           # pragma: no cover - Windows
    import msvcrt

    def _lock_fd(fd: int, shared: bool = False) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock_fd(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def _try_acquire(path: Path) -> int | None:
    """The locked fd of ``path``, or None while another process holds it."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _lock_fd(fd):
            os.close(fd)
            return None
        if os.name != "posix":
            return fd
        # The previous holder removes the file on release: make sure ours is still the one named.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _read_holder(path: Path) -> str | None:
    """Who holds the lock file, or None when nobody does."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        if _lock_fd(fd, shared=True):            # nobody holds it: a file left by a killed process
            _unlock_fd(fd)
            return None
        return _describe_record(os.read(fd, 4096)) or "Renstra Desktop (proses lain)"
    finally:
        os.close(fd)


def _sqlite_lock_holders(db_path: Path) -> list[str]:
    """Other processes holding POSIX locks on ``db_path`` (Linux /proc/locks), as 'name (PID n)'."""
    try:
        st = os.stat(db_path)
        wanted = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
        lines = Path("/proc/locks").read_text().splitlines()
    except (OSError, AttributeError):
        return []
    found = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 6 and parts[1] == "POSIX" and parts[5] == wanted:
            pid = parts[4]
            if pid.isdigit() and int(pid) != os.getpid():
                try:
                    name = Path(f"/proc/{pid}/comm").read_text().strip()
                except OSError:
                    name = "proses"
                entry = f"{name} (PID {pid})"
                if entry not in found:
                    found.append(entry)
    return found


def who_holds(plan_path: str | os.PathLike) -> str:
    """Words for whoever holds the plan: another Renstra Desktop process, or another program."""
    plan_path = Path(plan_path)
    holder = _read_holder(lock_path(plan_path))
    if holder:
        return holder
    others = _sqlite_lock_holders(plan_path)
    if others:
        return "program lain: " + ", ".join(others)
    return "program lain"


def busy_message(plan_path: str | os.PathLike, waited: float) -> str:
    plan_path = Path(plan_path)
    seconds = f"{waited:.1f}".replace(".", ",") if waited < 10 else f"{waited:.0f}"
    return (f"Berkas {plan_path.name} sedang dipakai oleh {who_holds(plan_path)}; sudah ditunggu "
            f"{seconds} detik. Tidak ada yang diubah. Coba lagi setelah proses itu selesai.")


@contextlib.contextmanager
def plan_lock(plan_path: str | os.PathLike, purpose: str, *, wait: float | None = None):
    """Hold the plan's writer lock for the block (waiting, with a notice, up to ``wait`` seconds)."""
    release = acquire(plan_path, purpose, wait=wait)
    try:
        yield
    finally:
        release()


def acquire(plan_path: str | os.PathLike, purpose: str, *, wait: float | None = None) -> Callable[[], None]:
    """Take the plan's writer lock; return the function that releases it.  FileBusy after the wait."""
    path = lock_path(plan_path)
    key = os.path.realpath(path)
    with _guard:
        if key in _held:
            _held[key][1] += 1
            return lambda: _release(key, path)
    wait = wait_seconds() if wait is None else wait
    started = time.monotonic()
    announced = False
    delay = 0.02
    while True:
        fd = _try_acquire(path)
        if fd is not None:
            break
        if not announced:
            notify_wait(f"Berkas {Path(plan_path).name} sedang dipakai oleh {_read_holder(path) or 'proses lain'}, "
                        "menunggu…")
            announced = True
        if time.monotonic() - started >= wait:
            raise FileBusy(busy_message(plan_path, time.monotonic() - started))
        time.sleep(delay)
        delay = min(delay * 2, 0.25)
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, _holder_record(purpose or Path(sys.argv[0]).name))
    with _guard:
        _held[key] = [fd, 1]
    return lambda: _release(key, path)


def _release(key: str, path: Path) -> None:
    with _guard:
        entry = _held.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] > 0:
            return
        del _held[key]
    fd = entry[0]
    if os.name == "posix":
        with contextlib.suppress(OSError):
            path.unlink()        # still locked: a waiter that opened it re-checks the name
    with contextlib.suppress(OSError):
        _unlock_fd(fd)
    os.close(fd)
