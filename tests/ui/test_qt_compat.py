"""emit() must not drain the reference count of True (PySide6 6.12 on Python 3.11 does, and the
interpreter then aborts in bool_dealloc after a few thousand emits)."""
import sys

from renstra_desktop.ui import qt_compat


def test_emit_keeps_the_reference_count_of_true(qapp):
    probe = qt_compat._Probe()
    calls = []
    probe.ping.connect(lambda: calls.append(1))
    before = sys.getrefcount(True)
    for _ in range(2000):
        qt_compat.emit(probe.ping)
    assert len(calls) == 2000
    assert abs(sys.getrefcount(True) - before) <= 2
