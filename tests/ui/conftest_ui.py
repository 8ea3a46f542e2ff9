"""Small helpers shared by the UI tests (imported by name; tests/ is on sys.path)."""
from __future__ import annotations

import sqlite3
from pathlib import Path


def cell_index(model, row: int, key: str):
    return model.index(row, model.column_index(key))


def row_of(model, **match) -> int:
    return next(i for i, r in enumerate(model.rows()) if all(r.get(k) == v for k, v in match.items()))


def show_tab(qtbot, window, tab):
    """Make ``tab`` current (a hidden tab reads its rows when shown) and wait until its tables have
    read them ("Semua satker" is read in a worker)."""
    window.tabs.setCurrentWidget(tab)
    for view in getattr(tab, "views", lambda: [])():
        qtbot.waitUntil(lambda v=view: not v.model().loading, timeout=10_000)
    return tab


def read_db(path: Path, sql: str, args=()) -> list[tuple]:
    """Read the file through a second, independent sqlite3 connection."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


class ModalDriver:
    """Drives the next modal dialog of a kind that opens: ``action(dialog)`` runs from a polling
    timer inside the dialog's own event loop (a real dialog, as a user meets it).  If the action
    fails, the dialog is rejected (the test never hangs) and :meth:`check` raises the failure.
    A running driver keeps itself alive (a caller may drop it; its timer must still fire)."""

    _running: set = set()

    def __init__(self, kind, action, timeout_ms: int = 15000):
        import time

        from PySide6.QtCore import QTimer

        self.kind, self.action, self.error, self.done = kind, action, None, False
        self._deadline = time.monotonic() + timeout_ms / 1000
        self._clock = time.monotonic
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._poll)
        self.timer.start()
        ModalDriver._running.add(self)

    def _stop(self) -> None:
        self.timer.stop()
        ModalDriver._running.discard(self)

    def _poll(self) -> None:
        from PySide6.QtWidgets import QApplication

        widget = QApplication.activeModalWidget()
        if self.done:
            # the action ran: the dialog it drove, if still open past the deadline (an accept()
            # the dialog refused), is closed so that its exec() returns
            try:
                still_open = self._driven.isVisible()
            except RuntimeError:          # the dialog was deleted: it is closed
                still_open = False
            if not still_open:
                self._stop()
            elif self._clock() > self._deadline:
                self._stop()
                self.error = AssertionError(f"{self.kind.__name__} stayed open after the action")
                self._driven.reject()
            return
        if isinstance(widget, self.kind) and widget.isVisible():
            self._driven = widget
            try:
                self.action(widget)
            except BaseException as exc:   # noqa: BLE001 - reported by check()
                self.error = exc
                if widget.isVisible():
                    widget.reject()
            self.done = True
        elif self._clock() > self._deadline:
            self._stop()
            self.error = AssertionError(f"no {self.kind.__name__} opened")
            if widget is not None:
                widget.close()

    def check(self) -> None:
        self._stop()
        if self.error is not None:
            raise self.error
        assert self.done, f"no {self.kind.__name__} was driven"


def drive_modal(kind, action, timeout_ms: int = 15000) -> ModalDriver:
    return ModalDriver(kind, action, timeout_ms)


def click_button(box, text: str) -> None:
    """Click the button of a dialog whose text (without '&') is ``text``."""
    from PySide6.QtWidgets import QAbstractButton

    for button in box.findChildren(QAbstractButton):
        if button.text().replace("&", "") == text and button.isVisible():
            button.click()
            return
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.findChildren(QAbstractButton)]}")


def open_window(qtbot, path, size=(1366, 768), *, active: bool = False):
    """The real main window on the plan at ``path``, shown at ``size``; ``active``: also made the
    active window (keyboard shortcuts such as Ctrl+F reach only the active window)."""
    from PySide6.QtWidgets import QApplication

    from renstra_desktop.core.store import Store
    from renstra_desktop.ui.main_window import MainWindow

    win = MainWindow(Store.open(path))
    win.controller.actor = "penguji"
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    if active:
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    return win
