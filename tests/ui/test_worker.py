"""The background-work helper: fn runs off the GUI thread on its own Store; the result, an error
or a cancellation comes back on the GUI thread; progress reaches the dialog."""
from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QWidget

from renstra_desktop.core.errors import ValidationError
from renstra_desktop.ui import worker


def on_gui_thread() -> bool:
    return QThread.currentThread() is QApplication.instance().thread()


def test_result_on_the_gui_thread_with_its_own_store(qtbot, kanwil_path):
    parent = QWidget()
    qtbot.addWidget(parent)
    seen = {}

    def work(store, progress):
        seen["worker_thread"] = threading.get_ident()
        seen["gui"] = on_gui_thread()
        progress(40, "Menghitung baris")
        count = store.count("risk")
        store.conn.execute("SELECT 1")          # its connection works on this thread
        progress(100, "Selesai")
        return count

    results = []
    task = worker.run_in_background(parent, "Uji", work,
                                    lambda r: results.append((r, on_gui_thread())), store_path=kanwil_path)
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    assert results == [(36, True)]
    assert seen["gui"] is False and seen["worker_thread"] != threading.get_ident()
    assert task.last_progress == (100, "Selesai")
    assert task.dialog is None          # closed when done
    assert task not in worker._RUNNING


def test_error_on_the_gui_thread(qtbot, fake_dialogs):
    errors = []

    def work(store, progress):
        assert store is None
        raise ValidationError("Paket ini tidak sah.")

    worker.run_in_background(None, "Uji", work, lambda r: errors.append(("done", r)),
                             lambda e: errors.append((e, on_gui_thread())), show_dialog=False)
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    exc, gui = errors[0]
    assert isinstance(exc, ValidationError) and exc.message == "Paket ini tidak sah." and gui


def test_default_error_handler_shows_the_message(qtbot, fake_dialogs, tmp_path):
    missing = tmp_path / "tidak-ada.renstra"
    worker.run_in_background(None, "Gabungkan", lambda store, progress: 1, lambda r: None,
                             store_path=missing)
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()), timeout=10000)
    assert "tidak ditemukan" in fake_dialogs.warnings()[0]


def test_unexpected_exception_is_reported_not_lost(qtbot, fake_dialogs):
    worker.run_in_background(None, "Uji", lambda store, progress: 1 / 0, lambda r: None, show_dialog=False)
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()), timeout=10000)
    assert "tak terduga" in fake_dialogs.warnings()[0]


def test_cancel_stops_the_work(qtbot):
    started, release = threading.Event(), threading.Event()
    outcome = []

    def work(store, progress):
        started.set()
        release.wait(5)
        progress(50, "setengah")       # raises Cancelled
        outcome.append("not stopped")

    task = worker.run_in_background(None, "Uji", work, lambda r: outcome.append("done"),
                                    lambda e: outcome.append("error"), cancellable=True)
    assert started.wait(5)
    task.cancel()
    release.set()
    qtbot.waitUntil(lambda: task not in worker._RUNNING, timeout=10000)
    assert outcome == []


def test_a_window_closed_while_its_work_runs_hears_nothing(qtbot):
    """The parent (a closed wizard or window) deleted while the worker runs: when the work ends
    nobody is called, no dialog of the deleted parent is touched, the task is forgotten."""
    import shiboken6

    for outcome in ("finish", "fail"):
        parent = QWidget()
        release, started, called = threading.Event(), threading.Event(), []

        def work(store, progress):
            started.set()
            release.wait(10)
            if outcome == "fail":
                raise ValidationError("gagal")
            return 1

        task = worker.run_in_background(parent, "Uji", work, called.append, called.append)
        assert task.dialog is not None
        started.wait(10)
        shiboken6.delete(parent)                     # deletes the task and its progress dialog with it
        assert not shiboken6.isValid(task) and task not in worker._RUNNING
        release.set()
        qtbot.wait(300)
        assert called == []
