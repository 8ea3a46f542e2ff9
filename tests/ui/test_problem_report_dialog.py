"""Bantuan → Kirim laporan masalah… and the dialog for an error nobody expected, driven through the
real Qt dialogs (a timer finds the modal dialog and fills/clicks it)."""
from __future__ import annotations

import zipfile

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from conftest_ui import drive_modal

from renstra_desktop import logs
from renstra_desktop.ui.problem_report import ProblemReportDialog, install_exception_dialog


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    logs.setup_logging()
    yield tmp_path / "share" / "RenstraDesktop"
    logs.close_logging()


def when_modal(qtbot, kind, act, seen: list):
    """Call ``act(dialog)`` on the next modal dialog of class ``kind`` (the shared driver: it gives
    up and closes the dialog after its timeout, so the test never hangs)."""
    def record(dialog):
        seen.append(dialog)
        act(dialog)
    return drive_modal(kind, record)


def test_problem_report_from_the_help_menu(qtbot, window, tmp_path, fake_dialogs):
    target = tmp_path / "Laporan masalah – Kanwil.zip"
    seen = []

    def fill(dialog):
        assert not dialog.include_data.isChecked()          # data only when the user ticks it
        dialog.path_edit.setText(str(target))
        dialog.include_data.setChecked(True)
        dialog.create_button.click()

    when_modal(qtbot, ProblemReportDialog, fill, seen)
    assert window.feature("problem_report").action in window.help_menu.actions()
    window.feature("problem_report").action.trigger()
    qtbot.waitUntil(lambda: any(m[1] == "Laporan masalah dibuat" for m in fake_dialogs.messages), timeout=20000)
    assert seen
    names = zipfile.ZipFile(target).namelist()
    assert {"versions.json", "info.json", "plan.json", "log/renstra-desktop.log"} <= set(names)
    assert str(target) in fake_dialogs.messages[-1][2]


def test_cancel_writes_nothing(qtbot, window, tmp_path, fake_dialogs):
    seen = []
    when_modal(qtbot, ProblemReportDialog, lambda d: d.reject(), seen)
    window.feature("problem_report").action.trigger()
    assert seen and not list(tmp_path.glob("*.zip"))
    assert fake_dialogs.messages == []


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_is_logged_and_shown_in_one_dialog(qtbot, window, data_home):
    hook = install_exception_dialog(window)
    seen, texts = [], []

    def close(box):
        texts.append(box.text())
        next(b for b in box.buttons() if b.text() == "Tutup").click()

    try:
        when_modal(qtbot, QMessageBox, close, seen)
        QTimer.singleShot(0, lambda: {}["kunci yang tidak ada"])      # a defect in a slot
        qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    finally:
        hook.uninstall()
    assert seen[0].objectName() == "ExceptionDialog"
    assert "KeyError" in texts[0] and "tersimpan" in texts[0]
    assert "Traceback" not in texts[0] and "kunci yang tidak ada" not in texts[0]     # never raw
    log = (data_home / "log" / "renstra-desktop.log").read_text(encoding="utf-8")
    assert "unhandled error in the window" in log and "KeyError: 'kunci yang tidak ada'" in log


@pytest.mark.qt_no_exception_capture
def test_the_error_dialog_leads_to_the_problem_report(qtbot, window, tmp_path, fake_dialogs):
    hook = install_exception_dialog(window)
    target = tmp_path / "laporan.zip"
    seen = []

    def send(box):
        next(b for b in box.buttons() if b.text() == "Kirim laporan masalah…").click()

    def fill(dialog):
        dialog.path_edit.setText(str(target))
        dialog.create_button.click()

    try:
        when_modal(qtbot, QMessageBox, send, seen)
        when_modal(qtbot, ProblemReportDialog, fill, seen)       # waits while the error box is shown
        QTimer.singleShot(0, lambda: 1 / 0)
        qtbot.waitUntil(lambda: target.exists(), timeout=20000)
    finally:
        hook.uninstall()
    log = zipfile.ZipFile(target).read("log/renstra-desktop.log").decode("utf-8")
    assert "ZeroDivisionError" in log
    assert "plan.json" not in zipfile.ZipFile(target).namelist()
