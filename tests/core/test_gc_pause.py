"""Full garbage collections wait while a report is laid out (issue 11), and the collector's settings
never stay changed: after the call, after an error, across threads and across plan files."""
from __future__ import annotations

import gc
import threading

import pytest

from renstra_desktop.core import gc_pause
from renstra_desktop.core.reports import build_report
from renstra_desktop.core.reports.base import ReportOptions


@pytest.fixture
def eager_collector():
    """Thresholds at which CPython runs a full collection almost at every allocation; restored.
    A report still being built on another thread of the test run (a window test's worker) holds a
    pause of its own: wait for it to end first, or the thresholds set here would be its to restore."""
    import time
    deadline = time.monotonic() + 30
    while gc_pause.paused() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not gc_pause.paused(), "another thread's pause did not end within 30 s"
    saved = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    yield (1, 1, 1)
    gc.set_threshold(*saved)


class FullCollections:
    """Counts generation-2 collections while active: ``count`` all of them, ``paused`` those that
    started inside a pause (the one a pause held off runs just after it, by design)."""

    def __init__(self):
        self.count = self.paused = 0

    def __call__(self, phase, info):
        if phase == "start" and info["generation"] == 2:
            self.count += 1
            self.paused += gc_pause.paused()

    def __enter__(self):
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self)


def allocate(n=None):
    """Lists the collector tracks, enough of them for a full collection: CPython runs one only when
    the objects that survived since the last is over a quarter of the long-lived ones, so a long
    test run (a big heap) needs more than a short one."""
    n = n or 20_000 + len(gc.get_objects()) // 2
    return [[i] for i in range(n)]


def test_no_full_collection_inside_and_the_thresholds_come_back(eager_collector):
    with FullCollections() as seen:
        allocate()
    assert seen.count > 0                   # the eager collector does collect fully outside a pause
    with FullCollections() as seen:
        with gc_pause.full_collections_paused():
            assert gc_pause.paused()
            allocate()
    assert seen.paused == 0
    assert gc.get_threshold() == eager_collector and not gc_pause.paused()


def test_an_error_inside_restores_the_thresholds(eager_collector):
    with pytest.raises(ZeroDivisionError):
        with gc_pause.full_collections_paused():
            1 / 0
    assert gc.get_threshold() == eager_collector and not gc_pause.paused()


def test_nested_and_concurrent_pauses_restore_once_the_last_ends(eager_collector):
    inside, release = threading.Event(), threading.Event()

    def other_thread():
        with gc_pause.full_collections_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other_thread)
    thread.start()
    assert inside.wait(10)
    with gc_pause.full_collections_paused():
        with gc_pause.full_collections_paused():
            pass
        assert gc.get_threshold()[2] != 1           # the other thread is still inside
    assert gc.get_threshold()[2] != 1
    release.set()
    thread.join(10)
    assert gc.get_threshold() == eager_collector


def test_a_report_build_runs_without_full_collections(kanwil_store, eager_collector):
    marks = []
    with FullCollections() as seen:
        result = build_report(kanwil_store.conn, ReportOptions("lampiran", unit=None, year=2026),
                              progress=lambda done, total: marks.append((gc_pause.paused(), seen.count)))
    assert result.page_count > 1 and len(marks) > 2
    assert all(paused for paused, _ in marks)                  # the whole layout ran paused
    assert marks[0][1] == marks[-1][1] and seen.paused == 0     # no full collection meanwhile
    assert gc.get_threshold() == eager_collector


def test_a_failing_build_leaves_the_collector_as_it_was(kanwil_store, tmp_path, eager_collector):
    from renstra_desktop.core.errors import NotFound

    with pytest.raises(NotFound):
        build_report(kanwil_store.conn, ReportOptions("lampiran", unit="TIDAK-ADA", year=2026))
    assert gc.get_threshold() == eager_collector
    # the next file's build is paused and restored the same way
    other = tmp_path / "lain.renstra"
    from renstra_desktop.core.newplan import create_plan_file
    with create_plan_file(other, "LPS-LOBAR") as store:
        with FullCollections() as seen:
            build_report(store.conn, ReportOptions("roadmap", unit="LPS-LOBAR", year=2026))
    assert seen.paused == 0 and gc.get_threshold() == eager_collector
