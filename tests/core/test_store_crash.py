"""Item 1 and 5 of issue 8: after an interrupted write SQLite recovers first, then the file is
checked; a journal that is not the file's own is never replayed; a read-only command never replays."""
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from attack.journals import craft_crash

from renstra_desktop.cli import main
from renstra_desktop.core.errors import FileError
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
WRITER = """
import sys, time
from renstra_desktop.core.store import Store
store = Store.open(sys.argv[1])
store.conn.execute("PRAGMA cache_size = 5")        # pages reach the file before the commit
with store.atomic():
    for i in range(6000):
        store.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (f"k{i}", "x" * 400))
    print("ready", flush=True)
    time.sleep(120)
"""


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def meta_rows(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM meta").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def plan(kanwil_path) -> Path:
    return kanwil_path


def _edited(plan: Path, folder: Path, value: str) -> Path:
    """A copy of ``plan`` with one more committed edit (and a grown file)."""
    after = folder / f"sesudah-{value}.renstra"
    shutil.copy(plan, after)
    with Store.open(after) as store, store.atomic():     # one transaction, as one journal covers
        PlanService(store, "penguji").insert("realisation", {
            "unit_code": "KANWIL", "indicator_code": "IKK 17.1", "period": "2026-S1", "value": value,
            "evidence": "x" * 3000})
        store.set_meta("lampiran", "x" * 200_000)      # the write grows the file by ~50 pages
    return after


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_write_killed_mid_transaction_is_rolled_back_by_a_writing_open_only(plan):
    rows_before = meta_rows(plan)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(plan)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    journal = Path(str(plan) + "-journal")
    assert journal.stat().st_size > 0
    state = (sha(plan), sha(journal))
    # a read-only command says what to do and replays nothing
    with pytest.raises(FileError) as refused:
        Store.open(plan, readonly=True)
    assert "terputus" in refused.value.message and "renstra-desktop check" in refused.value.message
    assert (sha(plan), sha(journal)) == state
    # the application's writing open lets SQLite roll back first, then checks: the file as it was
    with Store.open(plan) as store:
        assert store.recovered
        assert store.check_integrity().ok
    assert not journal.exists()
    assert meta_rows(plan) == rows_before


def test_a_hand_made_crash_with_the_new_page_count_is_recovered_not_called_truncated(plan, tmp_path):
    """The old open checked the size against the header's page count before SQLite rolled back, so
    this state was called "terpotong … gunakan salinan cadangan"."""
    after = _edited(plan, tmp_path, "3,5")
    before_copy = tmp_path / "sebelum.renstra"
    shutil.copy(plan, before_copy)
    craft_crash(before_copy, after, plan)
    header = plan.read_bytes()[:100]
    assert plan.stat().st_size < int.from_bytes(header[16:18], "big") * int.from_bytes(header[28:32], "big")
    with Store.open(plan) as store:
        assert store.recovered and store.check_integrity().ok
    assert sha(plan) == sha(before_copy)
    assert not Path(str(plan) + "-journal").exists()


def test_the_check_command_recovers_and_reports(plan, tmp_path, capsys):
    after = _edited(plan, tmp_path, "3,5")
    before_copy = tmp_path / "sebelum.renstra"
    shutil.copy(plan, before_copy)
    craft_crash(before_copy, after, plan)
    assert main(["info", str(plan)]) == 1
    err = capsys.readouterr().err
    assert "terputus" in err and len(err.strip().splitlines()) == 1
    assert main(["check", str(plan)]) == 0
    out = capsys.readouterr().out
    assert "dibatalkan" in out and "utuh" in out
    assert sha(plan) == sha(before_copy)


def test_a_journal_of_another_plan_is_never_replayed(plan, tmp_path, capsys):
    """`rencana.renstra-journal` copied from another plan next to this one: `info` used to replay it."""
    other = tmp_path / "lain"
    other.mkdir()
    other_before = other / "lain.renstra"
    shutil.copy(plan, other_before)
    other_after = _edited(other_before, other, "9,9")
    crashed = other / "terputus.renstra"
    craft_crash(other_before, other_after, crashed)
    with Store.open(plan) as store:            # this plan moved on with edits of its own
        service = PlanService(store, "penguji")
        for period, value in (("2026-S2", "4"), ("2027-S1", "5"), ("2027-S2", "6")):
            service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1",
                                           "period": period, "value": value})
    journal = Path(str(plan) + "-journal")
    shutil.copy(Path(str(crashed) + "-journal"), journal)
    state = (sha(plan), sha(journal))
    for readonly in (True, False):
        with pytest.raises(FileError) as refused:
            Store.open(plan, readonly=readonly)
        message = refused.value.message
        assert "bukan miliknya" in message and "Pindahkan" in message and "\n" not in message
        assert (sha(plan), sha(journal)) == state
    assert main(["info", str(plan)]) == 1
    assert "bukan miliknya" in capsys.readouterr().err
    assert (sha(plan), sha(journal)) == state
    journal.unlink()                           # as the message says: the plan itself is intact
    with Store.open(plan) as store:
        assert store.check_integrity().ok


def test_a_journal_with_another_page_size_is_refused(plan, tmp_path):
    from attack.journals import journal_bytes

    page = plan.read_bytes()[:1024]
    Path(str(plan) + "-journal").write_bytes(journal_bytes({1: page}, 5, 1024))
    before = sha(plan)
    with pytest.raises(FileError, match="ukuran halamannya 1024"):
        Store.open(plan)
    assert sha(plan) == before


def test_the_damaged_message_says_to_move_a_journal_away_with_the_file(tmp_path):
    """Restoring a backup next to a stale journal replays that journal into the backup."""
    from renstra_desktop.core.sqlite_errors import damaged_message

    path = tmp_path / "rencana.renstra"
    path.write_bytes(b"x")
    assert "-journal" not in damaged_message(path)
    Path(str(path) + "-journal").write_bytes(b"y")
    assert "rencana.renstra dan rencana.renstra-journal" in damaged_message(path)


def test_backups_are_never_put_next_to_a_foreign_journal(kanwil_store, tmp_path):
    from renstra_desktop.core.backups import free_backup_path

    first = free_backup_path(kanwil_store.path, "gabung")
    Path(str(first) + "-journal").write_bytes(b"jurnal orang lain")
    second = free_backup_path(kanwil_store.path, "gabung")
    assert second != first and not Path(str(second) + "-journal").exists()
    with pytest.raises(FileError, match="journal"):
        kanwil_store.save_copy(first)
