"""Issue 9 part 5: restore a plan from a backup.  The backup is checked whole and identified before
anything is replaced; the current file is backed up first; a refusal writes nothing."""
import sqlite3
import stat
import subprocess
import sys

import pytest
from backup_fixtures import ROOT, backup_folder, set_target, sha, state, target  # noqa: F401

from renstra_desktop.core.backup_list import find_backups, format_size, inspect_backup, kind_label, list_backups
from renstra_desktop.core.backups import backups_of, make_backup
from renstra_desktop.core.errors import FileBusy, FileError
from renstra_desktop.core.journal import journal_path
from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.restore import restore_backup
from renstra_desktop.core.store import Store


@pytest.fixture
def yesterday(kanwil_path, tmp_path):
    """A manual backup of the Kanwil's plan in a folder of its own, then a change to the plan."""
    folder = tmp_path / "cadangan"
    folder.mkdir()
    with Store.open(kanwil_path, readonly=True) as store:
        made = make_backup(store, "manual", folder=folder)
    set_target(kanwil_path, "4,5")
    return made


def test_restore_replaces_the_plan_and_keeps_the_state_it_had(kanwil_path, yesterday):
    old = target(yesterday)
    assert target(kanwil_path) == 4.5 != old
    before, backup_before = sha(kanwil_path), sha(yesterday)
    result = restore_backup(yesterday, kanwil_path)
    assert target(kanwil_path) == old
    assert result.unit_code == result.previous_unit == "KANWIL"
    assert result.previous.parent == kanwil_path.parent and result.previous.name.startswith(
        "kanwil.renstra.cadangan-pulih-")
    assert target(result.previous) == 4.5                     # the state before, kept beside the plan
    assert stat.S_IMODE(kanwil_path.stat().st_mode) == 0o600
    assert sha(kanwil_path) != before and not journal_path(kanwil_path).exists()
    with Store.open(kanwil_path) as store:                    # opens for writing and is sound
        assert store.check_integrity().ok
    leftovers = [p.name for p in kanwil_path.parent.iterdir() if p.name.startswith(".~") or p.suffix == ".dipakai"]
    assert leftovers == [] and sha(yesterday) == backup_before        # the backup itself is untouched


def test_another_unit_s_backup_is_refused_unless_forced(kanwil_path, tmp_path):
    other = create_plan_file(tmp_path / "lobar.renstra", "LPS-LOBAR")
    other.close()
    before = state(tmp_path)
    with pytest.raises(FileError) as refused:
        restore_backup(tmp_path / "lobar.renstra", kanwil_path)
    message = refused.value.message
    assert "satker LPS-LOBAR" in message and "satker KANWIL" in message and "--force" in message
    assert state(tmp_path) == before
    result = restore_backup(tmp_path / "lobar.renstra", kanwil_path, force=True)
    assert result.unit_code == "LPS-LOBAR" and result.previous_unit == "KANWIL"
    with Store.open(kanwil_path, readonly=True) as store:
        assert store.unit_code == "LPS-LOBAR"


def _scrambled(path):
    data = bytearray(path.read_bytes())
    last = len(data) // 4096 - 10
    for i in range(last * 4096 + 200, last * 4096 + 4096 * 5, 7):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


BAD_BACKUPS = {
    "damaged pages": (_scrambled, "rusak"),
    "newer schema": (lambda p: _sql(p, "PRAGMA user_version = 99"), "lebih baru"),
    "a package": (lambda p: _sql(p, "PRAGMA application_id = 1381191755"), "paket satker"),
    "text that is not UTF-8": (lambda p: _sql(p, "UPDATE unit SET name = CAST(X'4C6170617320FF' AS TEXT)"), "UTF-8"),
    "a PDF": (lambda p: p.write_bytes(b"%PDF-1.7\n" + b"0" * 5000) or p, "bukan berkas Renstra Desktop"),
    "a folder": (lambda p: (p.unlink(), p.mkdir(), p)[2], "folder"),
}


def _sql(path, statement):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(statement)
    conn.close()
    return path


@pytest.mark.parametrize("kind", BAD_BACKUPS)
def test_a_bad_backup_is_refused_in_one_line_and_nothing_is_written(kanwil_path, yesterday, kind):
    make, words = BAD_BACKUPS[kind]
    make(yesterday)
    before = state(kanwil_path.parent)
    with pytest.raises(FileError) as refused:
        restore_backup(yesterday, kanwil_path)
    assert words in refused.value.message and "\n" not in refused.value.message
    assert state(kanwil_path.parent) == before


def test_a_damaged_plan_is_replaced_and_kept_with_its_journal(kanwil_path, yesterday):
    _scrambled(kanwil_path)
    kanwil_path.with_name("kanwil.renstra-journal").write_bytes(b"jurnal orang lain" * 100)
    damaged, journal = sha(kanwil_path), sha(journal_path(kanwil_path))
    result = restore_backup(yesterday, kanwil_path)
    assert result.previous.name.startswith("kanwil.renstra.cadangan-rusak-") and result.previous_unit == "KANWIL"
    assert sha(result.previous) == damaged and sha(journal_path(result.previous)) == journal
    assert not journal_path(kanwil_path).exists()                 # never beside a journal not its own
    with Store.open(kanwil_path) as store:
        assert store.check_integrity().ok


def test_what_is_not_a_plan_is_not_replaced(kanwil_path, yesterday, tmp_path):
    package = tmp_path / "lobar.rpkg"
    _sql(tmp_path / "lobar.rpkg", "PRAGMA application_id = 1381191755")
    notes = tmp_path / "catatan.renstra"
    notes.write_text("catatan rapat\n" * 100)
    before = state(tmp_path)
    with pytest.raises(FileError, match="paket satker"):
        restore_backup(yesterday, package, force=True)
    with pytest.raises(FileError, match="--force"):
        restore_backup(yesterday, notes)
    assert state(tmp_path) == before
    result = restore_backup(yesterday, notes, force=True)          # a plan damaged beyond recognition
    assert result.previous.read_text() == "catatan rapat\n" * 100
    assert target(notes) == target(yesterday)


def test_restore_to_a_missing_file_and_refusals_of_the_place(yesterday, tmp_path):
    fresh = tmp_path / "baru" / "rencana.renstra"
    with pytest.raises(FileError, match="tidak ada"):
        restore_backup(yesterday, fresh)
    fresh.parent.mkdir()
    assert restore_backup(yesterday, fresh).previous is None
    assert target(fresh) == target(yesterday)
    with pytest.raises(FileError, match="folder"):
        restore_backup(yesterday, tmp_path)
    with pytest.raises(FileError, match="sama"):
        restore_backup(yesterday, yesterday)


HOLD_LOCK = """
import sys, time
from renstra_desktop.core import file_lock
file_lock.acquire(sys.argv[1], "renstra-desktop merge")
print("dipegang", flush=True)
time.sleep(60)
"""


def test_a_plan_being_written_by_another_command_is_waited_for_then_refused(kanwil_path, yesterday, monkeypatch):
    monkeypatch.setenv("RENSTRA_DESKTOP_WAIT_SECONDS", "0.5")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(kanwil_path)], stdout=subprocess.PIPE,
                              text=True, env={"PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "dipegang"
        before = sha(kanwil_path)
        with pytest.raises(FileBusy, match="renstra-desktop merge"):
            restore_backup(yesterday, kanwil_path)
        assert sha(kanwil_path) == before and backups_of(kanwil_path, "pulih") == []
    finally:
        holder.kill()
        holder.wait()


# -- the list ---------------------------------------------------------------------------------------
def test_the_list_shows_every_backup_newest_first_with_unit_and_rows(kanwil_path, yesterday, tmp_path):
    restore_backup(yesterday, kanwil_path)                         # leaves a 'pulih' backup beside the plan
    (yesterday.parent / "kanwil.renstra.cadangan-harian-20261101-090000").write_bytes(b"bukan basis data")
    (yesterday.parent / "lain.renstra.cadangan-harian-20261101-090000").write_bytes(b"x")
    found = [p.name.split(".cadangan-")[1].split("-")[0] for p, _ in find_backups(kanwil_path, yesterday.parent)]
    assert found == ["pulih", "manual", "harian"]
    infos = list_backups(kanwil_path, yesterday.parent)
    pulih, manual, harian = infos
    assert manual.unit_code == "KANWIL" and manual.unit_name == "Kantor Wilayah" and manual.problem is None
    assert manual.row_counts["indicator_target"] > 0 and manual.total_rows == sum(manual.row_counts.values())
    assert harian.problem and "bukan berkas Renstra Desktop" in harian.problem
    assert kind_label("skema3") == "sebelum pembaruan skema 3" and kind_label("gabung").startswith("sebelum")
    assert format_size(634880) == "0,6 MB" and format_size(12_000) == "12 kB"
    assert inspect_backup(yesterday).schema_version == pulih.schema_version
