"""Guard against Qt bindings that drop Python references (PySide6 6.12.0 on Python 3.11 drops one
reference to True on every emit and one to None on every call of a void method; the interpreter
then aborts within a working session).  pyproject.toml excludes that release; this test refuses
any other that behaves the same."""
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

CALLS = 2000


class _Probe(QObject):
    ping = Signal(int)


def test_emit_keeps_reference_counts(qapp):
    probe = _Probe()
    seen = []
    probe.ping.connect(seen.append)
    before_true, before_none = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(CALLS):
        probe.ping.emit(i)
    assert len(seen) == CALLS
    assert abs(sys.getrefcount(True) - before_true) < 50
    assert abs(sys.getrefcount(None) - before_none) < 50


def test_void_calls_keep_the_reference_count_of_none(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("x")
        label.setEnabled(True)
    assert abs(sys.getrefcount(None) - before) < 50
