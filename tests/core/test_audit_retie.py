"""Migration 13 (issue 9 §4): the buckets tied anew in the column-wise form.  A file of schema 12
whose buckets were tied in the old form verifies after the migration; a change made outside the
application before the migration is still found and named after it; the trail is only appended to."""
import json
import sqlite3

import pytest
from old_schema import plan_at_version
from test_audit_chain import TARGET, _trail, findings, kill_mid_migration, outside

from renstra_desktop.core import audit_chain
from renstra_desktop.core.audit import accept_outside_changes
from renstra_desktop.core.audit_retie import MARK, _old_form
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store


def _old_bucket_digests(conn, table, buckets=None, **_kw):
    """bucket_digests as version 12 computed them (the rows' json_array texts joined by newlines)."""
    found = _old_form(conn, table, audit_chain.all_buckets(conn, table) if buckets is None else buckets)
    return {b: (d, 0) for b, d in found.items()}


@pytest.fixture
def v12(tmp_path, monkeypatch):
    """A Kanwil file of schema 12, its buckets tied the way version 12 tied them."""
    path = tmp_path / "v12.renstra"
    with monkeypatch.context() as patch:
        patch.setattr(audit_chain, "bucket_digests", _old_bucket_digests)
        plan_at_version(path, "KANWIL", 12, monkeypatch).close()
    return path


@pytest.fixture
def edited_kanwil(kanwil_path):
    """The Kanwil's file with one edit made in the application, and another target of the same bucket."""
    from renstra_desktop.core.rows import stable_id

    other = stable_id("indicator_target", "KANWIL", "IKK 17.1", 2027)
    with Store.open(kanwil_path) as store:
        PlanService(store, "penguji").update("indicator_target", TARGET, {"value": "3,6"})
        rowids = [store.conn.execute("SELECT rowid >> 8 FROM indicator_target WHERE id = ?", (i,)).fetchone()[0]
                  for i in (TARGET, other)]
    assert rowids[0] == rowids[1] == 0
    return kanwil_path, other


def _ties(path) -> list:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT seq, table_name, actor, new_value, row_digest FROM audit_log WHERE action = 'tie' "
                            "ORDER BY seq").fetchall()
    finally:
        conn.close()


def test_a_file_of_schema_12_verifies_after_its_buckets_are_tied_anew(v12):
    conn = sqlite3.connect(v12)
    before = conn.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
    conn.close()
    assert findings(v12) == []                  # read-only: migrated in memory
    with Store.open(v12) as store:
        assert store.schema_version == 13 and audit_chain.verify(store.conn).ok
        after = store.conn.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
    assert after[:len(before)] == before        # nothing rewritten: appended only
    ties = _ties(v12)
    assert {t[1] for t in ties} >= {"indicator_target", "risk", "roadmap_item"}
    assert all(actor == "migrasi" and MARK not in digest and "berbeda" not in json.loads(value)
               for _s, _t, actor, value, digest in ties)
    with Store.open(v12) as store:
        PlanService(store, "penguji").update("indicator_target", TARGET, {"value": "3,7"})
    assert findings(v12) == []
    outside(v12, ("UPDATE indicator_target SET value = 1 WHERE id = ?", (TARGET,)))
    assert [(f.kind, f.row_id) for f in findings(v12)] == [("changed", TARGET)]


def test_a_change_made_outside_before_the_migration_is_still_named_after_it(v12):
    outside(v12, ("UPDATE indicator_target SET value = 1 WHERE id = ?", (TARGET,)))
    with Store.open(v12) as store:
        assert store.schema_version == 13
        [f] = audit_chain.verify(store.conn).findings
        assert (f.kind, f.row_id) == ("changed", TARGET)
    [tie] = [t for t in _ties(v12) if t[1] == "indicator_target"]
    assert json.loads(tie[3])["berbeda"] == 1 and f"={MARK}" in tie[4]
    with Store.open(v12) as store:
        accept_outside_changes(store, actor="admin", reason="BA 9/2026")
    assert findings(v12) == []


def test_entries_cut_from_the_end_before_the_migration_are_still_found(v12):
    outside(v12, "UPDATE sqlite_sequence SET seq = 5 WHERE name = 'audit_log'")
    kinds = {f.kind for f in findings(v12)}
    assert kinds & {"tail", "missing"}
    with Store.open(v12) as store:
        assert {f.kind for f in audit_chain.verify(store.conn).findings} & {"tail", "missing"}


# -- a bucket changed outside between two writes is not tied as found (before>after) -------------
def test_a_change_outside_is_still_found_after_the_application_writes_beside_it(edited_kanwil):
    """The row changed outside and a row of the same bucket edited in the application afterwards: the
    later write records what it found before it wrote, so the change is still named."""
    path, other = edited_kanwil
    outside(path, ("UPDATE indicator_target SET value = 1 WHERE id = ?", (TARGET,)))
    with Store.open(path) as store:
        PlanService(store, "penguji").update("indicator_target", other, {"value": "4,2"})
    [f] = findings(path)
    assert (f.kind, f.row_id) == ("changed", TARGET) and "di berkas 1" in f.detail


def test_a_change_outside_written_over_since_is_named_by_its_rows_and_accepted(edited_kanwil):
    path, _other = edited_kanwil
    outside(path, ("UPDATE indicator_target SET value = 1 WHERE id = ?", (TARGET,)))
    with Store.open(path) as store:
        PlanService(store, "penguji").update("indicator_target", TARGET, {"value": "3,9"})
    [f] = findings(path)
    assert f.kind == "bucket" and f.table == "indicator_target" and "sebelum entri #" in f.line()
    assert f.line().startswith("Target, baris urutan simpan #0–#255: isinya diubah di luar aplikasi")
    with Store.open(path) as store:
        assert accept_outside_changes(store, actor="admin", reason="BA 10/2026") == 1
    assert findings(path) == []
    with Store.open(path) as store:
        PlanService(store, "penguji").update("indicator_target", TARGET, {"value": "4"})
    assert findings(path) == []


def test_a_merge_takes_the_bucket_its_previous_package_ended_in_from_its_own_writes(edited_kanwil, monkeypatch):
    """Two writes in a row on one connection: the second does not build again the bucket the first
    tied (nothing else wrote meanwhile); after another connection commits, it does."""
    path, other = edited_kanwil
    built = []
    real = audit_chain.bucket_digests
    monkeypatch.setattr(audit_chain, "bucket_digests",
                        lambda conn, table, buckets=None, **kw: (kw.get("blobs") is None and built.append(table)) or
                        real(conn, table, buckets, **kw))
    with Store.open(path) as store:
        service = PlanService(store, "penguji")
        service.update("indicator_target", other, {"value": "4,1"})
        first = list(built)
        built.clear()
        service.update("indicator_target", other, {"value": "4,3"})
        assert len(first) == 2 and len(built) == 1          # before and after, then after only
        outside(path, "INSERT INTO meta (key, value) VALUES ('catatan_luar', '1')")
        built.clear()
        service.update("indicator_target", other, {"value": "4,4"})
        assert len(built) == 2
    assert findings(path) == []


def test_an_entry_holding_a_blob_planted_outside_is_named(kanwil_path):
    """SQLite refuses a BLOB in the JSON text it builds for each entry: the walk falls back to
    Python's encoding and names the entry."""
    with Store.open(kanwil_path) as store:
        PlanService(store, "penguji").update("indicator_target", TARGET, {"value": "3,6"})
    outside(kanwil_path, "UPDATE audit_log SET new_value = X'00ff' WHERE seq = 1", drop_guards=True)
    assert [(f.kind, f.seq) for f in findings(kanwil_path)] == [("chain", 1)]


RETIER = """
import sys, time
from renstra_desktop.core import audit_retie
real = audit_retie.retie_buckets
def slow(conn):
    real(conn)
    print("mid", flush=True)      # the 'tie' entries appended, the migration's transaction not committed
    time.sleep(60)
audit_retie.retie_buckets = slow
from renstra_desktop.core.store import Store
Store.open(sys.argv[1])
"""


def test_kill_9_during_migration_13_leaves_the_file_of_schema_12_intact(v12):
    before = _trail(v12)
    kill_mid_migration(RETIER, v12)
    assert _trail(v12) == before and before[0] == (12,)
    with Store.open(v12) as store:                  # and the migration runs again, whole
        assert store.schema_version == 13 and audit_chain.verify(store.conn).ok


def test_two_writers_taking_turns_on_one_bucket_leave_a_file_that_verifies(edited_kanwil):
    """Two connections of the application write the same bucket in turn: each write's 'before' is what
    the other left (a connection's kept digests are dropped once another one commits), so nothing is
    reported as changed outside."""
    path, other = edited_kanwil
    with Store.open(path) as first, Store.open(path) as second:
        a, b = PlanService(first, "penguji-1"), PlanService(second, "penguji-2")
        a.update("indicator_target", other, {"value": "4,1"})
        b.update("indicator_target", TARGET, {"value": "3,1"})
        a.update("indicator_target", other, {"value": "4,2"})
        b.update("indicator_target", TARGET, {"value": "3,2"})
    assert findings(path) == []


def test_a_write_of_the_application_during_verify_is_not_taken_for_a_change_outside(edited_kanwil, monkeypatch):
    """verify reads the links of the chain on the caller's connection while a second process already
    builds buckets: an edit committed in between would make buckets disagree with the trail.  The read
    transaction verify holds makes the edit wait until it is done; the file verifies before and after."""
    import threading

    path, other = edited_kanwil
    monkeypatch.setattr(audit_chain, "ASIDE_MIN_BUCKETS", 0)
    linked, edited = threading.Event(), threading.Event()
    real = audit_chain._chain_intact

    def links_then_pause(conn, head):
        found = real(conn, head)
        linked.set()
        edited.wait(1.0)                    # the edit has landed, or waits for this read to end
        return found

    monkeypatch.setattr(audit_chain, "_chain_intact", links_then_pause)

    def edit():
        linked.wait(10)
        with Store.open(path) as store:
            PlanService(store, "penguji").update("indicator_target", other, {"value": "4,6"})
        edited.set()

    writer = threading.Thread(target=edit)
    writer.start()
    with Store.open(path, readonly=True) as store:
        verdict = audit_chain.verify(store.conn)
    writer.join(20)
    assert verdict.ok, [f.line() for f in verdict.findings]
    assert edited.is_set() and findings(path) == []
