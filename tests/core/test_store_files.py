"""Items 3 and 7 of issue 8: unique temporary names and one writer at a time (real processes started
in the same instant), backups rotated, plan files, backups and keys created 0600."""
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from attack.together import at_once
from package_fixtures import add_realisations, make_unit_plan

from renstra_desktop.core.backups import backups_of, make_backup
from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.packages.package import verify_package
from renstra_desktop.core.safe_write import new_file, sweep_stale_temps, temp_path
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store

def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~") or p.name.endswith((".tmp", ".baru")))


@pytest.fixture
def two_packages(tmp_path):
    found = []
    for unit in ("LPS-LOBAR", "LPS-SUMBAWA"):
        store = make_unit_plan(tmp_path / f"{unit}.renstra", unit)
        add_realisations(store)
        from renstra_desktop.core.packages.package_export import export_package
        found.append(export_package(store, tmp_path / f"{unit}.rpkg").path)
        store.close()
    return found


def test_two_merges_started_in_the_same_instant(kanwil_path, two_packages):
    results = at_once(*[["merge", kanwil_path, pkg, "--trust-new-keys"] for pkg in two_packages])
    for code, out, err in results:
        assert code == 0, err
        assert "Traceback" not in err and "readonly" not in err
    with Store.open(kanwil_path, readonly=True) as store:
        merged = {r[0] for r in store.conn.execute("SELECT unit_code FROM package_batch")}
    assert merged == {"LPS-LOBAR", "LPS-SUMBAWA"}
    backups = backups_of(kanwil_path, "gabung")
    assert len(backups) == 2 and all(mode(b) == 0o600 for b in backups)
    assert leftovers(kanwil_path.parent) == [] and not Path(str(kanwil_path) + ".dipakai").exists()


def test_three_inits_of_one_name_and_three_of_different_names(tmp_path):
    same = tmp_path / "rencana.renstra"
    results = at_once(*[["init", same, "--unit", unit] for unit in ("KANWIL", "LPS-LOBAR", "LPS-DOMPU")])
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1, 1], results
    for code, _, err in results:
        assert "Traceback" not in err
        if code:
            assert "sudah ada" in err and len(err.strip().splitlines()) == 1
    with Store.open(same) as store:
        assert store.check_integrity().ok
    names = [tmp_path / f"plan{i}.renstra" for i in range(3)]
    assert [code for code, _, _ in at_once(*[["init", n] for n in names])] == [0, 0, 0]
    assert all(mode(p) == 0o600 for p in [same, *names])
    assert leftovers(tmp_path) == []


def test_three_exports_at_once_take_three_numbers(tmp_path):
    upt = make_unit_plan(tmp_path / "upt.renstra")
    add_realisations(upt)
    upt.close()
    out = tmp_path / "kirim"
    out.mkdir()
    results = at_once(*[["export-package", upt.path, "-o", out]] * 3)
    assert [code for code, _, _ in results] == [0, 0, 0], results
    packages = sorted(out.iterdir())
    assert len(packages) == 3
    assert sorted(verify_package(p).manifest["sequence"] for p in packages) == [1, 2, 3]
    assert mode(Path(str(upt.path) + ".kunci")) == 0o600
    assert leftovers(out) == [] and leftovers(tmp_path) == []


def test_merge_backups_are_rotated_by_the_setting(kanwil_store):
    for _ in range(4):
        make_backup(kanwil_store, "gabung", keep=10)
    assert len(backups_of(kanwil_store.path, "gabung")) == 4
    PlanService(kanwil_store, "penguji").insert("setting", {"key": "backups_kept", "value": "3"})
    from renstra_desktop.core.packages.merge import _backup

    newest = _backup(kanwil_store)
    kept = backups_of(kanwil_store.path, "gabung")
    assert len(kept) == 3 and kept[-1] == newest


def test_new_plans_copies_and_backups_are_private(tmp_path):
    store = create_plan_file(tmp_path / "baru.renstra")
    copy = store.save_copy(tmp_path / "salinan.renstra")
    backup = make_backup(store, "gabung")
    store.close()
    for path in (store.path, copy, backup):
        assert mode(path) == 0o600, path
    Store.open(copy).close()


def test_a_killed_writers_temporary_file_is_swept_by_the_next(tmp_path):
    target = tmp_path / "laporan.xlsx"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = target.with_name(f".~{target.name}.{dead.pid}-0123abcd.tmp")
    stale.write_bytes(b"setengah")
    mine = temp_path(target)
    mine.write_bytes(b"punya proses ini")
    with new_file(target) as tmp:
        tmp.write_bytes(b"isi")
    assert target.read_bytes() == b"isi"
    assert not stale.exists() and mine.exists()
    assert sweep_stale_temps(target) == 0
