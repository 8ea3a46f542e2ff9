"""Berkas → Pulihkan dari cadangan… and Pengaturan → Cadangan… in the real window: the real dialogs
driven by their real buttons, the list read off the GUI thread, the window reopened on the restored
file, the day's backup after the window is shown, and a restore from the command line refused while
the window has the plan open."""
import threading

import pytest
from backup_fixtures import backup_folder, run_cli, set_target, target  # noqa: F401
from conftest_ui import click_button, drive_modal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox

from renstra_desktop.core.backup_settings import BackupSettings, load_backup_settings
from renstra_desktop.core.backups import backups_of, make_backup
from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.open_marker import marker_path
from renstra_desktop.core.store import Store
from renstra_desktop.ui.restore_dialog import RestoreDialog


@pytest.fixture
def backed_up(window, kanwil_path, backup_folder):
    """A manual backup in the backup folder, then a change to the plan; returns (backup, old value)."""
    old = target(kanwil_path)
    with Store.open(kanwil_path, readonly=True) as store:
        made = make_backup(store, "manual", folder=backup_folder)
    set_target(kanwil_path, "4,5")
    return made, old


def open_dialog(window, qtbot) -> RestoreDialog:
    window.feature("backups").restore_action.trigger()
    dialog = next(d for d in window.findChildren(RestoreDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0 and not dialog.progress.isVisible(), timeout=15000)
    return dialog


def row_of(dialog, path) -> int:
    return next(i for i, b in enumerate(dialog.model.backups) if b.path == path)


def test_restore_from_the_window_with_the_real_dialogs(window, qtbot, kanwil_path, backed_up, fake_dialogs,
                                                       monkeypatch):
    backup, old = backed_up
    from renstra_desktop.core import backup_list
    threads = []
    inspect = backup_list.inspect_backup
    monkeypatch.setattr(backup_list, "inspect_backup",
                        lambda *a, **k: threads.append(threading.current_thread()) or inspect(*a, **k))
    fake_dialogs.use_real("ask")
    dialog = open_dialog(window, qtbot)
    assert threads and threading.main_thread() not in threads           # read-only opens off the GUI thread
    row = row_of(dialog, backup)
    assert dialog.model.index(row, 0).data().endswith("WITA") and "pukul" in dialog.model.index(row, 0).data()
    assert dialog.model.index(row, 1).data() == "manual" and dialog.model.index(row, 3).data() == "Kantor Wilayah"
    assert dialog.model.index(row, 5).data() == "dapat dipulihkan"
    dialog.table.selectRow(row)
    asked = []
    driver = drive_modal(QMessageBox, lambda box: (asked.append(box.text()), click_button(box, "Ya")))
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    driver.check()
    assert "Keadaan berkas sekarang dicadangkan" in asked[0]
    qtbot.waitUntil(lambda: window.controller.store is not None and "Dipulihkan" in window.statusBar().currentMessage(),
                    timeout=20000)
    assert target(kanwil_path) == old
    shown = window.controller.conn.execute(
        "SELECT value FROM indicator_target WHERE unit_code = 'KANWIL' AND indicator_code = 'IKK 17.1' AND year = 2026"
    ).fetchone()[0]
    assert shown == old                                                   # the window has the restored file open
    [kept] = backups_of(kanwil_path, "pulih")
    assert target(kept) == 4.5 and str(kept) in window.statusBar().currentMessage()
    assert marker_path(kanwil_path).exists()                              # marked again after the reopen
    assert fake_dialogs.warnings() == []


def test_another_unit_s_backup_asks_twice_and_a_damaged_one_cannot_be_chosen(window, qtbot, kanwil_path,
                                                                            backup_folder, fake_dialogs, qtmodeltester):
    lobar = create_plan_file(backup_folder.parent / "lobar.renstra", "LPS-LOBAR")
    foreign = make_backup(lobar, "harian", folder=backup_folder)
    lobar.close()
    foreign = foreign.rename(backup_folder / foreign.name.replace("lobar.renstra", "kanwil.renstra"))
    broken = backup_folder / "kanwil.renstra.cadangan-harian-20261101-090000"
    broken.write_bytes(b"bukan rencana" * 300)
    dialog = open_dialog(window, qtbot)
    qtmodeltester.check(dialog.model)
    dialog.table.selectRow(row_of(dialog, broken))
    assert not dialog.restore_button.isEnabled() and "bukan berkas Renstra Desktop" in dialog.detail.text()
    assert dialog.model.index(row_of(dialog, broken), 5).data() == "tidak dapat dipulihkan"
    dialog.table.selectRow(row_of(dialog, foreign))
    assert dialog.model.index(row_of(dialog, foreign), 5).data() == "satker lain"
    before = target(kanwil_path)
    fake_dialogs.answers = [True, False]                                  # yes, then no to "another unit"
    assert dialog.restore_chosen() is False
    assert "Lapas" in fake_dialogs.questions[1] and "KANWIL" in fake_dialogs.questions[1]
    assert target(kanwil_path) == before and window.controller.store is not None
    fake_dialogs.answers = [True, True]
    assert dialog.restore_chosen() is True
    qtbot.waitUntil(lambda: window.controller.store is not None and window.controller.unit_code == "LPS-LOBAR",
                    timeout=20000)


def test_a_refused_restore_reopens_the_plan_as_it_was(window, qtbot, kanwil_path, backed_up, fake_dialogs):
    backup, _ = backed_up
    dialog = open_dialog(window, qtbot)
    dialog.table.selectRow(row_of(dialog, backup))
    backup.write_bytes(b"rusak setelah didaftar" * 100)                  # the stick was swapped meanwhile
    assert dialog.restore_chosen()
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()), timeout=20000)
    assert "bukan berkas Renstra Desktop" in fake_dialogs.warnings()[0]
    assert window.controller.store is not None and target(kanwil_path) == 4.5


def test_a_command_line_restore_is_refused_while_the_window_has_the_plan_open(window, qtbot, kanwil_path,
                                                                             backed_up):
    backup, old = backed_up
    refused = run_cli("restore", backup, kanwil_path)
    assert refused.returncode == 1 and "sedang dibuka di jendela" in refused.stderr
    assert target(kanwil_path) == 4.5
    window.close()
    assert not marker_path(kanwil_path).exists()
    assert run_cli("restore", backup, kanwil_path).returncode == 0 and target(kanwil_path) == old


def test_backup_settings_with_the_real_dialog(window, qtbot, tmp_path, monkeypatch, fake_dialogs):
    from renstra_desktop.ui.backup_settings_dialog import BackupSettingsDialog
    monkeypatch.delenv("RENSTRA_DESKTOP_BACKUP_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    stick = tmp_path / "flashdisk"
    stick.mkdir()
    window.feature("backups").settings_action.trigger()
    dialog = next(d for d in window.findChildren(BackupSettingsDialog) if d.isVisible())
    dialog.folder.setText(str(tmp_path / "dicabut"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert "tidak ada" in dialog.error.text() and dialog.isVisible()
    assert load_backup_settings() == BackupSettings()                     # nothing written
    fake_dialogs.use_real("choose_folder")                                # Qt's own folder dialog

    def pick(chooser):                                                    # typed, as a user does
        chooser.findChild(QLineEdit, "fileNameEdit").setText(str(stick))
        chooser.accept()
    driver = drive_modal(QFileDialog, pick)
    click_button(dialog, "Pilih…")
    driver.check()
    assert dialog.folder.text() == str(stick)
    dialog.daily.setValue(10)
    dialog.weekly.setValue(2)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    assert load_backup_settings() == BackupSettings(str(stick), 10, 2)


def test_the_day_s_backup_after_the_window_is_shown(window, qtbot, kanwil_path, backup_folder, fake_dialogs,
                                                   monkeypatch, tmp_path):
    from renstra_desktop.ui.daily_backup import run_daily_backup, start_daily_backups
    start_daily_backups(window)
    qtbot.waitUntil(lambda: "Cadangan harian dibuat" in window.statusBar().currentMessage(), timeout=15000)
    [made] = backups_of(kanwil_path, "harian", backup_folder)
    assert window.feature("daily_backup").timer.isActive()
    qtbot.waitUntil(lambda: window.feature("daily_backup").task is None, timeout=5000)
    assert run_daily_backup(window) is not None
    qtbot.waitUntil(lambda: window.feature("daily_backup").task is None, timeout=5000)
    assert backups_of(kanwil_path, "harian", backup_folder) == [made]      # once a day
    monkeypatch.setenv("RENSTRA_DESKTOP_BACKUP_DIR", str(tmp_path / "dicabut"))
    for _ in range(2):
        run_daily_backup(window)
        qtbot.waitUntil(lambda: window.feature("daily_backup").task is None, timeout=5000)
    [warning] = fake_dialogs.warnings()                                   # said once, not every hour
    assert "tidak ada" in warning and "Pengaturan → Cadangan" in warning
