"""kill -9 at random moments of a backup and of a restore (real child processes, repeated): the plan is
as it was or as restored and opens sound, every earlier backup is byte for byte what it was, no backup
is published half made, and the next writer removes what the killed one left."""
import random
import shutil
import signal
import sqlite3

import pytest
from backup_fixtures import sha

from attack import cases, kills

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
KILLS_EACH = 6
GROWN_ROWS = 40_000           # ~15 MB: a copy long enough for the kills to land in the middle of it
OLDER = "kanwil.renstra.cadangan-harian-20261030-090000"     # an earlier backup that must stay as it is


def grow(path, rows: int) -> None:
    """History rows as a consolidated file has them (the size of a file is what a copy takes time for)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO audit_log (at, actor, unit_code, table_name, row_id, action, field, old_value, new_value, origin)"
        " VALUES ('2026-11-29T15:18:00.000000Z', 'admin-upt', 'LPS-LOBAR', 'realisation', ?, 'update', 'evidence',"
        " ?, ?, 'merge')", ((f"{i:032x}", "Laporan bulanan " * 6, "Laporan bulanan disahkan " * 5) for i in range(rows)))
    conn.execute("COMMIT")
    conn.close()


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    from renstra_desktop.core.newplan import create_plan_file

    folder = tmp_path_factory.mktemp("bunuh-cadangan") / "asli"
    folder.mkdir()
    create_plan_file(folder / "kanwil.renstra", "KANWIL").close()
    grow(folder / "kanwil.renstra", GROWN_ROWS)
    shutil.copy(folder / "kanwil.renstra", folder / OLDER)
    return folder


@pytest.mark.parametrize("name", ["backup", "restore"])
def test_kill_9_during_backup_or_restore(originals, tmp_path, name):
    writer = next(w for w in kills.WRITERS if w.name == name)
    duration, after = kills.baseline(writer, originals, tmp_path)
    tally = kills.Tally()
    rng = random.Random()
    older = sha(originals / OLDER)
    for i in range(KILLS_EACH):
        desk = tmp_path / f"bunuh-{i}"
        # one random moment in each sixth of the command's work: every step of it meets a kill
        kills.kill_once(writer, originals, desk, duration * 1.3 * (i + rng.random()) / KILLS_EACH, after, tally)
        assert sha(desk / OLDER) == older
        if name == "restore":                                    # the backup restored from: the original plan
            assert sha(desk / kills.EARLIER_BACKUP) == sha(originals / "kanwil.renstra")
        assert [p.name for p in desk.iterdir() if p.name.startswith(".~")] == []     # swept by the next writer
        shutil.rmtree(desk)
    assert tally.kills == KILLS_EACH and tally.corrupt == [] and tally.partial == []
    assert tally.temps_kept == []
    states = tally.states[name]
    assert states["before"] + states["after"] == KILLS_EACH, states
    print(f"\n{name}: uninterrupted {duration:.3f} s; after the kills: {states}; temporary files left "
          f"{tally.temps_left}, swept {tally.temps_swept}")
