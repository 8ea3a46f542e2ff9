"""Work-arounds for bugs of the Qt binding, in one place.

PySide6 6.12.0 on Python 3.11: ``SignalInstance.emit()`` returns ``True`` without taking a
reference to it, so every emit from Python lowers ``True``'s reference count by one.  After a
few thousand emits (a working session; the UI test suite) the count reaches zero and the
interpreter aborts ("bool_dealloc: deallocating True or False").  Python 3.12+ makes True
immortal, so the bug is invisible there.  :func:`emit` emits and, only when the running binding
is measured to have the bug, gives the reference back.  Every Python-side emit in the UI (and
in later UI code) goes through it.
"""
from __future__ import annotations

import ctypes
import sys
import threading

from PySide6.QtCore import QObject, Signal

_lock = threading.Lock()
_steals_true: bool | None = None


class _Probe(QObject):
    ping = Signal()


def emit_steals_true() -> bool:
    """Measure once whether this binding's emit() drops a reference to True."""
    global _steals_true
    with _lock:
        if _steals_true is None:
            probe = _Probe()
            rounds = 8
            before = sys.getrefcount(True)
            for _ in range(rounds):
                probe.ping.emit()
            lost = before - sys.getrefcount(True)
            _steals_true = lost >= rounds
            if _steals_true:   # give back what the probe itself took
                for _ in range(lost):
                    ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return _steals_true


def emit(signal, *args) -> None:
    """``signal.emit(*args)``, safe on bindings whose emit() steals a reference to True."""
    broken = _steals_true if _steals_true is not None else emit_steals_true()
    signal.emit(*args)
    if broken:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
