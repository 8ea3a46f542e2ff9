"""Issue 9 part 5: the day's backup (first open of each day, rotated N daily + M weekly, in the folder
of this installation), backups before risky steps, the settings, and the window's open marker."""
import datetime as dt
import json
import sqlite3
import stat
import subprocess
import sys

import pytest
from backup_fixtures import ROOT, backup_folder, run_cli, set_target, sha, state, target  # noqa: F401

from renstra_desktop.core import backup_settings
from renstra_desktop.core.backup_settings import BackupSettings, load_backup_settings, save_backup_settings
from renstra_desktop.core.backups import (DAILY, PlanDamaged, backup_before_step, backups_of, daily_due, daily_kept,
                                          make_backup, make_daily_backup, parse_name, rotate_daily)
from renstra_desktop.core.errors import FileError, ValidationError
from renstra_desktop.core.open_marker import mark_open, marker_path, no_window
from renstra_desktop.core.store import APPLICATION_ID, Store


def day(d: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, 1, hour) + dt.timedelta(days=d - 1)


# -- the copy -------------------------------------------------------------------------------------
def test_a_backup_is_a_private_sound_copy_of_what_is_committed(kanwil_path, tmp_path):
    """SQLite's backup API under its own read lock: another process's uncommitted write is not in it."""
    writer = sqlite3.connect(kanwil_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE meta SET value = 'setengah' WHERE key = 'dataset'")    # not committed
    with Store.open(kanwil_path, readonly=True) as store:
        made = make_backup(store, "manual", folder=tmp_path, check=True)
    writer.execute("ROLLBACK")
    writer.close()
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    with Store.open(made, readonly=True) as copy:
        assert copy.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert copy.meta("dataset") == "ntb_renstra_2025_2029"
        assert copy.check_integrity().ok
    assert made.parent == tmp_path and parse_name(made.name).kind == "manual"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []


def test_a_damaged_plan_gives_no_backup_and_leaves_the_earlier_ones(kanwil_path, backup_folder):
    with Store.open(kanwil_path, readonly=True) as store:
        good = make_daily_backup(store, today=dt.date(2026, 11, 1))
    before = state(backup_folder)
    data = bytearray(kanwil_path.read_bytes())
    last = len(data) // 4096 - 10
    for i in range(last * 4096 + 200, last * 4096 + 4096 * 5, 7):     # pages near the end: it still opens
        data[i] ^= 0x5A
    kanwil_path.write_bytes(bytes(data))
    with Store.open(kanwil_path, readonly=True) as store, pytest.raises(PlanDamaged, match="rusak"):
        make_daily_backup(store, today=dt.date(2026, 11, 2))
    assert state(backup_folder) == before and good.exists()


# -- the day's backup and its rotation --------------------------------------------------------------
def test_the_day_keeps_seven_days_then_one_backup_for_each_of_four_weeks():
    made = [day(d) for d in range(1, 61)]                 # 60 days, one backup each (1 Nov .. 30 Dec 2026)
    kept = sorted(daily_kept(made, 7, 4))
    assert kept[-7:] == [day(d) for d in range(54, 61)]   # 24 .. 30 Dec
    weekly = kept[:-7]
    assert len(weekly) == 4
    # the newest of each earlier ISO week without a daily one: Sun 20 Dec, 13 Dec, 6 Dec, 29 Nov
    assert [w.date() for w in weekly] == [dt.date(2026, 11, 29), dt.date(2026, 12, 6), dt.date(2026, 12, 13),
                                          dt.date(2026, 12, 20)]


def test_rotation_counts_days_not_backups_and_weeks_may_be_zero():
    made = [day(1, 8), day(1, 17), day(2), day(9), day(30)]
    assert daily_kept(made, 2, 0) == {day(30), day(9)}
    # one day, then the newest of each earlier ISO week: Mon 9 Nov (week 46), Mon 2 Nov (45), Sun 1 Nov (44)
    assert daily_kept(made, 1, 5) == {day(30), day(9), day(2), day(1, 17)}
    assert daily_kept([day(1, 8), day(1, 17)], 7, 4) == {day(1, 17)}


def test_rotation_removes_only_the_day_kind_of_this_plan(tmp_path):
    plan = tmp_path / "rencana.renstra"
    names = [f"rencana.renstra.cadangan-harian-{(day(1) + dt.timedelta(days=i)):%Y%m%d-%H%M%S}" for i in range(20)]
    others = ["rencana.renstra.cadangan-manual-20261101-090000", "rencana.renstra.cadangan-gabung-20261101-090000",
              "lain.renstra.cadangan-harian-20261101-090000", "catatan.txt"]
    for name in names + others:
        (tmp_path / name).write_bytes(b"x")
    removed = rotate_daily(plan, tmp_path, 3, 1)
    left = sorted(p.name for p in tmp_path.iterdir())
    # kept: Wed 18 .. Fri 20 Nov, and Sun 15 Nov for the week before theirs; 16 and 17 share their week
    assert [p.name for p in removed] == names[:14] + names[15:17]
    assert left == sorted([names[14]] + names[17:] + others)


def audit_rows(path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    finally:
        conn.close()


def test_the_first_writing_command_of_a_day_makes_the_day_s_backup_once(kanwil_path, backup_folder):
    assert run_cli("info", kanwil_path).returncode == 0                 # a reading command: none
    assert backups_of(kanwil_path, DAILY, backup_folder) == []
    before = audit_rows(kanwil_path)
    for place in ("Bima", "Dompu"):
        result = run_cli("signatory", "set", kanwil_path, "--place", place)
        assert result.returncode == 0 and result.stderr == "", result.stderr
    [made] = backups_of(kanwil_path, DAILY, backup_folder)
    assert parse_name(made.name).made.date() == dt.date.today()
    assert audit_rows(made) == before < audit_rows(kanwil_path)         # made before the first change
    assert not daily_due(kanwil_path, backup_folder)
    assert daily_due(kanwil_path, backup_folder, dt.date.today() + dt.timedelta(days=1))


def test_a_missing_chosen_folder_is_said_once_and_the_command_still_runs(kanwil_path, tmp_path, monkeypatch):
    monkeypatch.delenv("RENSTRA_DESKTOP_BACKUP_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    stick = tmp_path / "flashdisk"
    stick.mkdir()
    save_backup_settings(BackupSettings(folder=str(stick)))
    stick.rmdir()                                                       # the stick is out
    result = run_cli("signatory", "set", kanwil_path, "--place", "Bima")
    assert result.returncode == 0
    [line] = result.stderr.splitlines()
    assert "Cadangan harian tidak dibuat" in line and "tidak ada" in line and str(stick) in line
    assert not stick.exists()                                           # a chosen folder is never created


def test_the_default_folder_is_made_in_documents(kanwil_path, tmp_path, monkeypatch):
    monkeypatch.delenv("RENSTRA_DESKTOP_BACKUP_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "Dokumen"))
    (tmp_path / "Dokumen").mkdir()
    with Store.open(kanwil_path, readonly=True) as store:
        made = make_daily_backup(store)
    assert made.parent == tmp_path / "Dokumen" / "Cadangan Renstra"


# -- settings of this installation --------------------------------------------------------------------
def test_settings_are_saved_for_this_computer_and_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    assert load_backup_settings() == BackupSettings(None, 7, 4)
    folder = tmp_path / "usb"
    folder.mkdir()
    written = save_backup_settings(BackupSettings(str(folder), 10, 2))
    assert written == tmp_path / "data-home" / "RenstraDesktop" / "cadangan.json"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert load_backup_settings() == BackupSettings(str(folder), 10, 2)
    before = sha(written)
    with pytest.raises(FileError, match="tidak ada"):
        save_backup_settings(BackupSettings(str(tmp_path / "hilang"), 7, 4))
    with pytest.raises(ValidationError, match="harian"):
        save_backup_settings(BackupSettings(None, 0, 4))
    with pytest.raises(FileError, match="bukan folder"):
        save_backup_settings(BackupSettings(str(written), 7, 4))
    assert sha(written) == before
    written.write_text("{bukan json")                        # damaged by hand: the defaults, not a crash
    assert load_backup_settings() == BackupSettings()
    written.write_text(json.dumps({"folder": 3, "daily": True, "weekly": -1}))
    assert load_backup_settings() == BackupSettings()


def test_the_environment_overrides_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.setenv("RENSTRA_DESKTOP_BACKUP_DIR", str(tmp_path / "skrip"))
    assert backup_settings.backup_folder(BackupSettings(str(tmp_path / "usb"))) == tmp_path / "skrip"
    monkeypatch.delenv("RENSTRA_DESKTOP_BACKUP_DIR")
    assert backup_settings.backup_folder(BackupSettings(str(tmp_path / "usb"))) == tmp_path / "usb"


# -- before risky steps -----------------------------------------------------------------------------
def test_a_json_load_is_preceded_by_a_backup_beside_the_plan(kanwil_path, tmp_path):
    from renstra_desktop.core.rows import stable_id
    data = json.loads(run_cli("dump", kanwil_path).stdout)
    row_id = stable_id("indicator_target", "KANWIL", "IKK 17.1", 2026)
    old = target(kanwil_path)
    next(r for r in data["tables"]["indicator_target"] if r["id"] == row_id)["value"] = old + 1
    dump = tmp_path / "rencana.json"
    dump.write_text(json.dumps(data), encoding="utf-8")
    assert run_cli("load", kanwil_path, dump, "--dry-run").returncode == 0
    assert backups_of(kanwil_path, "muat") == []
    result = run_cli("load", kanwil_path, dump)
    assert result.returncode == 0, result.stderr
    [made] = backups_of(kanwil_path, "muat")
    assert (target(made), target(kanwil_path)) == (old, old + 1)


def test_one_backup_stands_for_a_series_of_conflict_decisions(kanwil_store):
    first = backup_before_step(kanwil_store, "konflik", series_minutes=10)
    assert first is not None and first.parent == kanwil_store.path.parent
    assert backup_before_step(kanwil_store, "konflik", series_minutes=10) is None
    assert backup_before_step(kanwil_store, "gabung") is not None


# -- the window's open marker -----------------------------------------------------------------------
HOLD = """
import sys, time
from renstra_desktop.core.open_marker import mark_open
mark_open(sys.argv[1], "jendela uji")
print("ditandai", flush=True)
time.sleep(60)
"""


def test_a_plan_marked_open_by_a_window_refuses_a_restore_until_that_process_dies(kanwil_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(kanwil_path)], stdout=subprocess.PIPE, text=True,
                              env={"PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "ditandai"
        with pytest.raises(FileError, match="sedang dibuka di jendela Renstra Desktop \\(jendela uji, PID"):
            with no_window(kanwil_path):
                pass
    finally:
        holder.kill()          # kill -9: the kernel lets go of the lock
        holder.wait()
    with no_window(kanwil_path):
        pass
    assert not marker_path(kanwil_path).exists()


def test_the_marker_goes_with_the_last_window_and_is_shared(kanwil_path):
    first, second = mark_open(kanwil_path), mark_open(kanwil_path)
    first()
    with pytest.raises(FileError):
        with no_window(kanwil_path):
            pass
    second()
    assert not marker_path(kanwil_path).exists()
