"""A tamper-evident history (issue 9 §4): every audit entry chained by SHA-256, every row tied to its
latest entry.  A file the application wrote verifies; every kind of change made outside it (a row
updated, inserted or deleted with sqlite3; an entry edited, deleted, inserted, moved; the trail's
end cut off) is found and named."""
import json
import shutil
import sqlite3

import pytest
from old_schema import plan_at_version
from package_fixtures import UPT, add_realisations, make_unit_plan, sha

from renstra_desktop.core import plan_json
from renstra_desktop.core.audit import accept_outside_changes, row_history
from renstra_desktop.core.audit_chain import verify
from renstra_desktop.core.errors import ValidationError
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.merge_conflicts import open_conflicts, resolve_conflict
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.rows import stable_id
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store

TARGET = stable_id("indicator_target", "KANWIL", "IKK 17.1", 2026)


def findings(path) -> list:
    with Store.open(path, readonly=True) as store:
        return verify(store.conn).findings


def outside(path, *statements, drop_guards=False):
    """Change the file with the sqlite3 module, as any SQLite tool would (``drop_guards``: the trail's
    append-only triggers dropped for the change and put back, so that the file still opens)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        guards = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
                              ).fetchall() if drop_guards else []
        for name, _sql in guards:
            conn.execute(f"DROP TRIGGER {name}")
        for sql in statements:
            conn.execute(*sql) if isinstance(sql, tuple) else conn.execute(sql)
        for _name, sql in guards:
            conn.execute(sql)
    finally:
        conn.close()


@pytest.fixture
def edited(kanwil_path):
    """The Kanwil's file after a few edits in the application (4 entries after the seed)."""
    with Store.open(kanwil_path) as store:
        service = PlanService(store, "penguji")
        service.update("indicator_target", TARGET, {"value": "3,6"})
        service.update("indicator_target", TARGET, {"value": "3,8"})
        rid, _ = service.insert("risk", {"unit_code": "KANWIL", "program_code": "PPH", "area": "Pelayanan",
                                         "seq": 99, "risk": "Antrean layanan", "treatments": [],
                                         "success_indicators": []})
        service.delete("risk", rid)
    return kanwil_path


# -- what the application writes verifies --------------------------------------------------------
def test_a_new_file_and_every_kind_of_write_verify(edited, tmp_path):
    assert findings(edited) == []
    with Store.open(edited) as store:
        service = PlanService(store, "penguji")
        risk = store.conn.execute("SELECT id FROM risk WHERE seq = 99").fetchone()[0]
        service.restore("risk", risk)                      # the undo of a delete
        data = plan_json.dump_plan(store)
        row = next(r for r in data["tables"]["funding"] if r["owner_unit"] == "KANWIL")
        row["realised"] = 12.5
        assert service.load_json(data).changes.tables == {"funding"}
        service.pin_key(UPT, "0123-4567-89AB-CDEF-0123-4567-89AB-CDEF")
    assert findings(edited) == []


def test_the_period_workflow_both_ways_verifies(kanwil_path, tmp_path):
    unit = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    add_realisations(unit)
    PlanService(unit, "admin-upt").submit(UPT, "2026-TW1", note="lengkap")
    kanwil = Store.open(kanwil_path)
    merge_packages(kanwil, [export_package(unit, folder=tmp_path).path], actor="kanwil", trust_new_keys=True)
    PlanService(kanwil, "verifikator").verify(UPT, "2026-TW1")
    PlanService(kanwil, "kepala").approve(UPT, "2026-TW1")
    merge_packages(unit, [export_package(kanwil, folder=tmp_path).path], actor="admin-upt", trust_new_keys=True)
    assert verify(kanwil.conn).findings == [] and verify(unit.conn).findings == []
    kanwil.close()
    unit.close()


def test_a_merge_and_both_conflict_decisions_verify(kanwil_path, tmp_path):
    unit = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    ids = add_realisations(unit)
    kanwil = Store.open(kanwil_path)
    merge_packages(kanwil, [export_package(unit, folder=tmp_path).path], actor="kanwil", trust_new_keys=True)
    assert verify(kanwil.conn).ok and verify(unit.conn).ok
    backup = tmp_path / "lobar-lama.renstra"
    shutil.copy(unit.path, backup)
    PlanService(unit, "admin").update("realisation", ids[0], {"value": "5"})
    PlanService(unit, "admin").update("realisation", ids[1], {"value": "5"})
    merge_packages(kanwil, [export_package(unit, folder=tmp_path).path], actor="kanwil")
    unit.close()
    shutil.copy(backup, unit.path)           # the unit goes back to an older copy and edits again
    restored = Store.open(unit.path)
    for rid in ids[:2]:
        PlanService(restored, "admin").update("realisation", rid, {"value": "6"})
    merge_packages(kanwil, [export_package(restored, folder=tmp_path).path], actor="kanwil")
    restored.close()
    conflicts = {c["row_id"]: c["id"] for c in open_conflicts(kanwil.conn)}
    assert set(conflicts) == set(ids[:2])
    resolve_conflict(kanwil, conflicts[ids[0]], "package", actor="kepala")
    resolve_conflict(kanwil, conflicts[ids[1]], "consolidated", actor="kepala")
    assert verify(kanwil.conn).findings == []
    entries = row_history(kanwil.conn, ids[0])
    assert [e["origin"][:8] for e in entries if e["action"] == "update"] and entries[-1]["actor"] == "kepala"
    kanwil.close()


# -- what is changed outside is found and named ----------------------------------------------------
def test_a_value_changed_with_sqlite3_is_named_with_its_column(edited):
    outside(edited, ("UPDATE indicator_target SET value = 4.9 WHERE id = ?", (TARGET,)))
    [f] = findings(edited)
    assert (f.kind, f.table, f.row_id, f.unit) == ("changed", "indicator_target", TARGET, "KANWIL")
    assert "value: tercatat 3.8, di berkas 4.9" in f.line() and "KANWIL · IKK 17.1 · 2026" in f.line()


def test_a_seeded_row_changed_outside_is_found(edited):
    other = stable_id("indicator_target", "KANWIL", "IKK 19.2", 2028)
    outside(edited, ("UPDATE indicator_target SET upper = 9 WHERE id = ?", (other,)))
    [f] = findings(edited)
    assert f.kind == "changed" and f.row_id == other and "saat berkas dibuat" in f.detail


def test_a_version_column_changed_outside_is_found(edited):
    outside(edited, ("UPDATE indicator_target SET row_version = 1 WHERE id = ?", (TARGET,)))
    [f] = findings(edited)
    assert f.kind == "changed" and f.row_id == TARGET


def test_a_row_inserted_outside_is_named(edited):
    outside(edited, "INSERT INTO risk (id, owner_unit, created_at, updated_at, updated_by, unit_code, program_code, "
                    "area, seq, risk) SELECT 'luar-1', owner_unit, created_at, updated_at, updated_by, unit_code, "
                    "program_code, area, 77, 'disisipkan' FROM risk LIMIT 1")
    [f] = findings(edited)
    assert (f.kind, f.table, f.row_id) == ("added", "risk", "luar-1") and "ditambahkan di luar aplikasi" in f.line()


def test_a_row_deleted_outside_is_named(edited):
    outside(edited, ("DELETE FROM indicator_target WHERE id = ?", (TARGET,)))
    [f] = findings(edited)
    assert (f.kind, f.table, f.row_id, f.unit, f.seq) == ("deleted", "indicator_target", TARGET, "KANWIL", 2)
    assert "dihapus di luar aplikasi" in f.line()


def test_an_entry_edited_outside_is_named(edited):
    outside(edited, "UPDATE audit_log SET new_value = '3.7' WHERE seq = 2", drop_guards=True)
    kinds = [(f.kind, f.seq) for f in findings(edited)]
    assert ("chain", 2) in kinds and all(seq == 2 for _k, seq in kinds if _k == "chain")


def test_an_entry_deleted_outside_is_named(edited):
    outside(edited, "DELETE FROM audit_log WHERE seq = 1", drop_guards=True)
    [f] = findings(edited)
    assert (f.kind, f.seq, f.row_id) == ("missing", 2, TARGET) and "(#1) hilang" in f.detail


def test_an_entry_inserted_outside_is_named(edited):
    outside(edited, "INSERT INTO audit_log (at, actor, unit_code, table_name, row_id, action, field, old_value, "
                    "new_value, origin) VALUES ('2026-01-01T00:00:00Z', 'siapa', 'KANWIL', 'indicator_target', "
                    f"'{TARGET}', 'update', 'value', '1', '2', 'local')")
    assert [f.kind for f in findings(edited)] == ["unchained"]


def test_entries_moved_outside_are_named(edited):
    outside(edited, "UPDATE audit_log SET seq = 100 WHERE seq = 1", "UPDATE audit_log SET seq = 1 WHERE seq = 2",
            "UPDATE audit_log SET seq = 2 WHERE seq = 100", drop_guards=True)
    kinds = {(f.kind, f.seq) for f in findings(edited)}
    assert ("chain", 1) in kinds and ("chain", 2) in kinds


def test_the_end_of_the_trail_cut_off_is_named(edited):
    outside(edited, "DELETE FROM audit_log WHERE seq >= 3", drop_guards=True)
    found = findings(edited)
    assert any(f.kind == "tail" and "#3–#4" in f.detail for f in found)


def test_an_accepted_change_verifies_and_is_in_the_history(edited):
    outside(edited, ("UPDATE indicator_target SET value = 4.9 WHERE id = ?", (TARGET,)),
            "DELETE FROM audit_log WHERE seq = 2", drop_guards=True)
    assert len(findings(edited)) == 2
    with Store.open(edited) as store:
        with pytest.raises(ValidationError, match="Alasan wajib"):
            accept_outside_changes(store, actor="admin", reason="  ")
        assert accept_outside_changes(store, actor="admin", reason="BA 12/2026: koreksi data") == 2
        history = row_history(store.conn, TARGET)
    assert findings(edited) == []
    assert history[-1]["action"] == "accept" and "BA 12/2026" in history[-1]["old_value"]
    outside(edited, ("UPDATE indicator_target SET value = 5 WHERE id = ?", (TARGET,)))
    assert [f.kind for f in findings(edited)] == ["changed"]      # accepted once, not for ever


# -- merged rows: one compact entry per package and table, found through their buckets ---------------
def test_merged_rows_have_one_compact_entry_and_their_history(merged):
    path, ids, digest = merged
    with Store.open(path, readonly=True) as store:
        assert verify(store.conn).ok
        [entry] = store.conn.execute("SELECT row_id, new_value, row_digest FROM audit_log WHERE origin = ? "
                                     "AND table_name = 'realisation'", (digest,)).fetchall()
        assert entry[0] == "*" and json.loads(entry[1])["baris"] == len(ids)
        assert ";" in entry[2]                        # the buckets the rows went into, tied on the last entry
        [insert] = row_history(store.conn, ids[3])    # Riwayat: who, when, from which package
        assert (insert["action"], insert["origin"], insert["actor"], insert["unit_code"]) == (
            "insert", digest, "kanwil", UPT)


def test_a_merged_row_changed_added_or_deleted_outside_is_named(merged):
    path, ids, digest = merged
    outside(path, ("UPDATE realisation SET value = 99 WHERE id = ?", (ids[2],)))
    [f] = findings(path)
    assert (f.kind, f.table, f.row_id, f.unit) == ("changed", "realisation", ids[2], UPT)
    outside(path, ("DELETE FROM realisation WHERE id = ?", (ids[4],)))
    kinds = sorted((f.kind, f.row_id) for f in findings(path))
    assert kinds[0] == ("changed", ids[2]) and kinds[1][0] == "deleted" and kinds[1][1].startswith("#")
    gone = next(f for f in findings(path) if f.kind == "deleted")
    assert f"paket {digest[:12]}…" in gone.line() and "dihapus di luar aplikasi" in gone.line()
    with Store.open(path) as store:
        accept_outside_changes(store, actor="admin", reason="BA 7/2026")
    assert findings(path) == []
    cols = "owner_unit, created_at, updated_at, updated_by, row_version, base_version, deleted, origin, unit_code, " \
           "indicator_code, value, evidence"
    outside(path, (f"INSERT INTO realisation (id, period, {cols}) SELECT 'luar-2', '2026-12', {cols} FROM realisation "
                   "WHERE id = ?", (ids[0],)))
    assert [(f.kind, f.row_id) for f in findings(path)] == [("added", "luar-2")]


def test_a_blob_planted_in_a_row_is_found(edited):
    outside(edited, ("UPDATE indicator_target SET value = X'00ff' WHERE id = ?", (TARGET,)))
    [f] = findings(edited)
    assert (f.kind, f.row_id) == ("changed", TARGET)


def test_verify_walks_the_rows_of_a_table_only_when_one_of_its_buckets_differs(edited, monkeypatch):
    from renstra_desktop.core import audit_chain

    walked = []
    real = audit_chain._walk
    monkeypatch.setattr(audit_chain, "_walk", lambda conn, table, *a: walked.append(table) or real(conn, table, *a))
    assert findings(edited) == [] and walked == []
    outside(edited, ("UPDATE indicator_target SET value = 1 WHERE id = ?", (TARGET,)))
    assert [f.row_id for f in findings(edited)] == [TARGET] and walked == ["indicator_target"]


# -- older files get their chain at migration ------------------------------------------------------
def _file_at_version(tmp_path, monkeypatch, version):
    path = tmp_path / "lama.renstra"
    plan_at_version(path, "KANWIL", version, monkeypatch).close()
    # an edit as the application of that version wrote it: the row and an entry without a chain
    outside(path, ("UPDATE indicator_target SET value = 3.6, row_version = 2, base_version = 1 WHERE id = ?", (TARGET,)),
            ("INSERT INTO audit_log (at, actor, unit_code, table_name, row_id, action, field, old_value, new_value, "
             "origin) VALUES ('2026-02-01T00:00:00.000000Z', 'penguji', 'KANWIL', 'indicator_target', ?, 'update', "
             "'value', '3.4', '3.6', 'local')", (TARGET,)))
    return path


def test_a_file_of_schema_8_gets_a_verifying_chain_at_migration(tmp_path, monkeypatch):
    path = _file_at_version(tmp_path, monkeypatch, 8)
    before = sha(path)
    assert findings(path) == []             # read-only: migrated in memory, the file untouched
    assert sha(path) == before
    with Store.open(path) as store:         # writing open: migrated after a backup
        assert store.schema_version >= 11
        chained = store.conn.execute("SELECT count(*) FROM audit_log WHERE chain IS NULL").fetchone()[0]
        assert chained == 0 and verify(store.conn).ok
        PlanService(store, "penguji").update("indicator_target", TARGET, {"value": "3,7"})
    assert findings(path) == []
    outside(path, ("UPDATE indicator_target SET value = 1 WHERE id = ?", (TARGET,)))
    [f] = findings(path)
    assert f.row_id == TARGET and "value: tercatat 3.7, di berkas 1" in f.detail


def _trail(path) -> list:
    conn = sqlite3.connect(path)
    try:
        return [conn.execute("PRAGMA user_version").fetchone()] + conn.execute(
            "SELECT * FROM audit_log ORDER BY seq").fetchall() + conn.execute("SELECT * FROM meta ORDER BY key").fetchall()
    finally:
        conn.close()


def test_a_file_of_schema_11_is_tied_again_at_migration_12(tmp_path, monkeypatch):
    path = _file_at_version(tmp_path, monkeypatch, 11)
    # a merged row as version 11 wrote it: one entry per row, its digest the JSON of its values
    outside(path, ("INSERT INTO audit_log (at, actor, unit_code, table_name, row_id, action, origin, row_digest, chain) "
                   "VALUES ('2026-02-02T00:00:00.000000Z', 'kanwil', 'KANWIL', 'indicator_target', ?, 'insert', "
                   "'local', 'a', 'b')", (TARGET,)))
    before = sha(path)
    assert findings(path) == [] and sha(path) == before      # read-only: re-tied in memory, the file untouched
    with Store.open(path) as store:
        assert store.schema_version >= 12 and verify(store.conn).ok
        record = json.loads(store.conn.execute("SELECT value FROM meta WHERE key = 'audit_anchor'").fetchone()[0])
        assert record["$ties"]["indicator_target"]            # every bucket recorded at migration
    outside(path, ("UPDATE indicator_target SET value = 1 WHERE id = ?", (TARGET,)))
    [f] = findings(path)
    assert (f.kind, f.row_id) == ("changed", TARGET)


MIGRATOR = """
import sys, time
from renstra_desktop.core import audit_chain
real = audit_chain.chain_older_trail
def slow(conn):
    real(conn)
    print("mid", flush=True)      # the step done, the migration's transaction not yet committed
    time.sleep(60)
audit_chain.chain_older_trail = slow
from renstra_desktop.core.store import Store
Store.open(sys.argv[1])
"""


def kill_mid_migration(script: str, path) -> None:
    """Run ``script`` (it opens ``path``, prints "mid" inside the migration's transaction and sleeps)
    in a process, and kill -9 it there."""
    import os
    import signal
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE,
                             env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert child.stdout.readline().strip() == b"mid"
    child.send_signal(signal.SIGKILL)
    child.wait()


def test_kill_9_during_migration_12_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = _file_at_version(tmp_path, monkeypatch, 11)
    before = _trail(path)
    kill_mid_migration(MIGRATOR, path)
    assert _trail(path) == before                            # schema 11, the trail and anchor as they were
    with Store.open(path) as store:                          # and the migration runs again, whole
        assert store.schema_version >= 12 and verify(store.conn).ok


# -- the package is not signed for a changed file -----------------------------------------------------
def test_export_package_refuses_a_file_changed_outside_and_writes_nothing(tmp_path):
    unit = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    [rid, *_] = add_realisations(unit)
    unit.close()
    outside(unit.path, ("UPDATE realisation SET value = 4.4 WHERE id = ?", (rid,)))
    folder = tmp_path / "kirim"
    folder.mkdir()
    before = sorted(p.name for p in unit.path.parent.iterdir())
    with Store.open(unit.path) as store:
        with pytest.raises(ValidationError) as info:
            export_package(store, folder=folder)
    message = info.value.message
    assert message.startswith("Paket tidak ditandatangani: berkas lobar.renstra diubah di luar aplikasi")
    assert "Pulihkan dari cadangan" in message and "audit accept" in message and "\n" not in message
    assert list(folder.iterdir()) == [] and sorted(p.name for p in unit.path.parent.iterdir()) == before
    with Store.open(unit.path) as store:
        accept_outside_changes(store, actor="admin", reason="nilai dikoreksi sesuai laporan bulanan")
        assert export_package(store, folder=folder).path.exists()


# -- the command line -------------------------------------------------------------------------------
def test_cli_verify_log_and_accept(edited, capsys):
    from renstra_desktop.cli import main

    assert main(["audit", "verify", str(edited)]) == 0
    assert "Riwayat utuh" in capsys.readouterr().out
    outside(edited, ("UPDATE indicator_target SET value = 4.9 WHERE id = ?", (TARGET,)))
    assert main(["audit", "verify", str(edited)]) == 1
    out = capsys.readouterr().out
    assert TARGET in out and "value: tercatat 3.8, di berkas 4.9" in out
    assert main(["audit", "verify", str(edited), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and [f["row_id"] for f in data["findings"]] == [TARGET]
    assert main(["audit", "log", str(edited), "--row", TARGET]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "value: 3.4 → 3.6" in lines[0] and "WITA" in lines[0]
    assert main(["audit", "log", str(edited), "--row", TARGET, "--json"]) == 0
    assert [e["new_value"] for e in json.loads(capsys.readouterr().out)["entries"]] == ["3.6", "3.8"]
    before = sha(edited)
    assert main(["audit", "accept", str(edited), "--reason", ""]) == 1
    assert "Alasan wajib" in capsys.readouterr().err and sha(edited) == before
    assert main(["audit", "accept", str(edited), "--reason", "BA 3/2026"]) == 0
    assert main(["audit", "verify", str(edited)]) == 0


# -- kill -9 in the middle of writes ------------------------------------------------------------------
WRITER = """
import sys
from renstra_desktop.core.rows import stable_id
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store
store = Store.open(sys.argv[1])
service = PlanService(store, "penguji")
target = stable_id("indicator_target", "KANWIL", "IKK 17.1", 2026)
print("go", flush=True)
i = 0
while True:
    i += 1
    service.update("indicator_target", target, {"value": f"{3 + i % 97 / 100:.2f}".replace(".", ",")})
    if i % 5 == 0:
        service.insert("roadmap_item", {"unit_code": "KANWIL", "aspect": "SDM", "year": 2027, "seq": 100 + i,
                                        "text": f"Kegiatan {i}", "status": "rencana"})
"""


def test_kill_9_during_writes_leaves_a_verifying_chain(kanwil_path):
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    rng = random.Random()
    for _ in range(4):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(kanwil_path)], stdout=subprocess.PIPE,
                                 env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        assert child.stdout.readline().strip() == b"go"
        time.sleep(rng.uniform(0.05, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait()
        with Store.open(kanwil_path) as store:         # an interrupted write is rolled back at open
            verdict = verify(store.conn)
            assert verdict.ok, [f.line() for f in verdict.findings]
            assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0
