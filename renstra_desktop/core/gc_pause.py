"""Full garbage collections held off while a big structure is built (issue 11).

A generation-2 collection walks every object the collector tracks and holds the GIL while it does:
during a national report (millions of reportlab objects) each took up to 0.8–2.5 s, and the window
froze for as long, whichever thread had allocated.  Inside :func:`full_collections_paused` the
young generations are still collected (short pauses, proportional to what was just made); the
full collection waits until the outermost pause ends.  The objects built there (flowables, rows)
are freed by reference counting, so nothing piles up that only a full collection would free.

Thread-safe and nestable (a report built while a merge runs): the thresholds in force before the
first pause are restored when the last one ends, also when the work inside raised.
"""
from __future__ import annotations

import contextlib
import gc
import threading

_NEVER = 2**31 - 1            # gc.set_threshold takes a C int
_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextlib.contextmanager
def full_collections_paused():
    """Run the block with generation-2 collections suspended (see the module docstring)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], _NEVER)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
                _saved = None


def paused() -> bool:
    """True while some thread is inside :func:`full_collections_paused`."""
    return _depth > 0


def freeze_long_lived() -> None:
    """Move every object alive now out of later full collections (``gc.freeze``; constant time).

    Called when the window has painted, and by the worker that read a big table before its pause of
    full collections ends (else the first full collection after the pause walks the new rows before
    they are frozen): a later full collection no longer walks the window, its modules and the rows
    shown (at 530 units each one walked them for 40–250 ms on the GUI thread).  Frozen objects are
    still freed by reference counting when they are dropped; only garbage in reference cycles among
    them waits for :func:`thaw`, which the window calls when a plan file is opened or closed, so
    nothing of one file is kept for the life of the process."""
    gc.freeze()


def thaw() -> None:
    """Return the frozen objects to the collector (``gc.unfreeze``) and collect them once, now: the
    previous file's garbage in cycles is freed at this chosen point (a file opened or closed), before
    any freeze of the next file's objects (the window's after its paint, a load worker's, which may
    come from another thread at any moment) could keep it."""
    gc.unfreeze()
    gc.collect()
