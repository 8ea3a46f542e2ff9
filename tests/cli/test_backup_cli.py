"""renstra-desktop backup FILE [-o DIR], backup list FILE [--json], restore BACKUP FILE [--force]: real
child processes, real files; every refusal one Indonesian line with nothing written."""
import json
import subprocess
import sys

import pytest
from backup_fixtures import (ROOT, backup_folder, read_only_prefix, run_cli, set_target, sha, state,  # noqa: F401
                             target)

from renstra_desktop.core.newplan import create_plan_file


def one_line(result) -> str:
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("renstra-desktop: "), result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr
    return lines[0]


def test_backup_list_and_restore_through_the_command_line(kanwil_path, backup_folder):
    made = run_cli("backup", kanwil_path)
    assert made.returncode == 0, made.stderr
    path = made.stdout.split("Cadangan dibuat: ")[1].split(" (")[0]
    assert path.startswith(str(backup_folder / "kanwil.renstra.cadangan-manual-")) and "satker KANWIL" in made.stdout
    old = target(kanwil_path)
    set_target(kanwil_path, "4,5")

    listed = run_cli("backup", "list", kanwil_path)
    assert listed.returncode == 0, listed.stderr
    assert "pukul" in listed.stdout and "WITA" in listed.stdout and "manual" in listed.stdout
    assert "KANWIL" in listed.stdout and " baris" in listed.stdout and path in listed.stdout
    data = json.loads(run_cli("backup", "list", kanwil_path, "--json").stdout)
    assert data["plan_unit"] == "KANWIL" and data["folder"] == str(backup_folder)
    [entry] = [b for b in data["backups"] if b["kind"] == "manual"]
    assert entry["path"] == path and entry["unit_code"] == "KANWIL" and entry["problem"] is None
    assert entry["row_counts"]["indicator_target"] > 0 and entry["made_shown"].endswith("WITA")

    restored = run_cli("restore", path, kanwil_path)
    assert restored.returncode == 0, restored.stderr
    assert "dipulihkan" in restored.stdout and "Keadaan sebelumnya disimpan" in restored.stdout
    assert target(kanwil_path) == old
    kinds = [b["kind"] for b in json.loads(run_cli("backup", "list", kanwil_path, "--json").stdout)["backups"]]
    assert "pulih" in kinds and "manual" in kinds


def test_backup_into_a_chosen_folder_and_refusals_of_the_folder(kanwil_path, tmp_path, backup_folder):
    chosen = tmp_path / "flashdisk"
    chosen.mkdir()
    assert run_cli("backup", kanwil_path, "-o", chosen).returncode == 0
    assert [p.name.split("-")[0] for p in chosen.iterdir()] == ["kanwil.renstra.cadangan"]
    before = state(tmp_path)
    assert "tidak ada" in one_line(run_cli("backup", kanwil_path, "-o", tmp_path / "dicabut"))
    assert "bukan folder" in one_line(run_cli("backup", kanwil_path, "-o", kanwil_path))
    assert state(tmp_path) == before


def test_a_read_only_folder_is_refused(kanwil_path, tmp_path, backup_folder):
    locked = tmp_path / "terkunci"
    locked.mkdir()
    prefix = read_only_prefix(locked)
    try:
        assert "hanya-baca" in one_line(run_cli("backup", kanwil_path, "-o", locked, prefix=prefix))
    finally:
        locked.chmod(0o755)
    assert list(locked.iterdir()) == []


def test_restore_refuses_another_unit_s_backup_unless_forced(kanwil_path, tmp_path, backup_folder):
    create_plan_file(tmp_path / "lobar.renstra", "LPS-LOBAR").close()
    before = state(tmp_path)
    line = one_line(run_cli("restore", tmp_path / "lobar.renstra", kanwil_path))
    assert "LPS-LOBAR" in line and "KANWIL" in line and "--force" in line
    assert state(tmp_path) == before
    forced = run_cli("restore", tmp_path / "lobar.renstra", kanwil_path, "--force")
    assert forced.returncode == 0 and "satker LPS-LOBAR" in forced.stdout


@pytest.mark.parametrize("statement, words", [
    ("PRAGMA user_version = 99", "lebih baru"),
    ("PRAGMA application_id = 0", "bukan berkas Renstra Desktop"),
    ("CREATE TRIGGER t AFTER INSERT ON unit BEGIN DELETE FROM risk; END", "pemicu"),
])
def test_restore_refuses_a_backup_that_is_not_a_sound_plan(kanwil_path, tmp_path, backup_folder, statement, words):
    import shutil
    import sqlite3
    bad = tmp_path / "kanwil.renstra.cadangan-harian-20261101-090000"
    shutil.copy(kanwil_path, bad)
    conn = sqlite3.connect(bad, isolation_level=None)
    conn.execute(statement)
    conn.close()
    before = state(tmp_path)
    assert words in one_line(run_cli("restore", bad, kanwil_path))
    assert state(tmp_path) == before


HOLD = """
import sys, time
from renstra_desktop.core.open_marker import mark_open
mark_open(sys.argv[1])
print("dibuka", flush=True)
time.sleep(60)
"""


def test_restore_is_refused_while_a_window_has_the_plan_open(kanwil_path, tmp_path, backup_folder):
    assert run_cli("backup", kanwil_path, "-o", tmp_path).returncode == 0
    [backup] = tmp_path.glob("kanwil.renstra.cadangan-manual-*")
    window = subprocess.Popen([sys.executable, "-c", HOLD, str(kanwil_path)], stdout=subprocess.PIPE, text=True,
                              env={"PYTHONPATH": str(ROOT)})
    try:
        assert window.stdout.readline().strip() == "dibuka"
        before = state(tmp_path)
        line = one_line(run_cli("restore", backup, kanwil_path))
        assert "sedang dibuka di jendela" in line and "Pulihkan dari cadangan" in line
        assert state(tmp_path) == {**before}
    finally:
        window.kill()
        window.wait()
    assert run_cli("restore", backup, kanwil_path).returncode == 0


def test_wrong_use_of_backup_list(kanwil_path, tmp_path, backup_folder):
    assert "hanya untuk" in one_line(run_cli("backup", kanwil_path, "--json"))
    assert "folder" in one_line(run_cli("backup", "list", tmp_path))
    empty = run_cli("backup", "list", tmp_path / "belum-ada.renstra")
    assert empty.returncode == 0 and "Belum ada cadangan" in empty.stdout
