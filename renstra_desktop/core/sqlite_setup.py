"""SQLite's process-wide configuration: its memory statistics off, set before the first connection.

SQLite counts every allocation it makes (SQLITE_CONFIG_MEMSTATUS, on unless a build turns it off),
and the count is kept under one mutex for the whole process.  Debian's build also has no lookaside
allocator (SQLITE_OMIT_LOOKASIDE), so every value a statement handles is an allocation that takes
that mutex.  Two threads using SQLite at once then wait on each other there: the merge and its
helper thread, which verifies the next package while the current one commits (issue 11: the 530-
package merge 6.0–6.4 s with the count off (one run of four 7.2 s), 6.5–6.9 s with it on; the same merge
with every package verified beforehand, no helper at work, 5.6–6.2 s either way), or the window's GUI thread and its
workers.  Nothing in the application reads SQLite's memory statistics or sets a heap limit, the
two things the count is for.

The setting can only be made while SQLite is not initialised, and the sqlite3 module initialises it
on import: :func:`configure` shuts SQLite down and starts it again with the setting, and does so
only while SQLite holds no memory at all (no connection open, nothing allocated), once per process.
When it cannot (a connection is already open, or the library's functions cannot be reached from
this build), SQLite stays as it is: everything works as before, only without the gain.
"""
from __future__ import annotations

import sys
import threading

SQLITE_CONFIG_MEMSTATUS = 9
SQLITE_STATUS_MEMORY_USED = 0
_lock = threading.Lock()
_done: bool | None = None      # None: not tried yet; True: the count is off; False: left as it was


def configure() -> bool:
    """Turn SQLite's memory count off if no connection is open yet; whether it is off."""
    global _done
    with _lock:
        if _done is None:
            _done = _memstatus_off()
        return _done


def _library():
    import ctypes
    import _sqlite3

    names = [_sqlite3.__file__] + (["sqlite3.dll"] if sys.platform == "win32" else [])
    for name in names:
        try:
            lib = ctypes.CDLL(name)
            lib.sqlite3_config, lib.sqlite3_shutdown, lib.sqlite3_initialize, lib.sqlite3_status64
        except (OSError, AttributeError):
            continue
        return lib
    return None


def _memstatus_off() -> bool:
    try:
        import ctypes

        lib = _library()
        if lib is None:
            return False
        used, peak = ctypes.c_int64(), ctypes.c_int64()
        if lib.sqlite3_status64(SQLITE_STATUS_MEMORY_USED, ctypes.byref(used), ctypes.byref(peak), 0) != 0 \
                or used.value != 0:
            return False                 # SQLite is in use: it cannot be shut down now
        if lib.sqlite3_shutdown() != 0:
            return False
        configured = lib.sqlite3_config(SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0)) == 0
        return lib.sqlite3_initialize() == 0 and configured
    except (ImportError, OSError, AttributeError, ValueError):
        return False
