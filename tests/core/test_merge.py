"""The merge: summary per package and table, idempotence, versions and conflicts, locks, tombstones,
audit and origin, the batch log, and the Kanwil's package merged by a unit (issue 3)."""
import json
import shutil

import pytest
from period_fixtures import record_event
from package_fixtures import UPT, add_realisations, folder_state, make_unit_plan, merge_trusting, sha

from renstra_desktop.core.audit import accept_outside_changes, audit_entries
from renstra_desktop.core.errors import PermissionDenied, ValidationError
from renstra_desktop.core.packages.keys import installation_key, pin_key
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.merge_conflicts import open_conflicts, received_packages, resolve_conflict
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.rows import stable_id
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store



merge = merge_trusting


def value_of(store, table, row_id, column="value"):
    return store.conn.execute(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,)).fetchone()[0]


def test_first_merge_summary_origin_audit_and_batch(upt, out, kanwil_store):
    ids = add_realisations(upt)
    pkg = export_package(upt, folder=out)
    report = merge(kanwil_store, pkg.path)
    result = report.results[0]
    assert result.status == "merged" and result.key_status == "new"
    assert result.tables["realisation"]["new"] == 3 and result.totals()["new"] == pkg.total_rows
    assert result.totals()["updated"] == result.totals()["conflicts"] == result.totals()["rejected"] == 0
    assert report.backup is not None and report.backup.exists() and report.backup.parent == kanwil_store.path.parent
    row = kanwil_store.conn.execute("SELECT * FROM realisation WHERE id = ?", (ids[0],)).fetchone()
    assert row["origin"] == pkg.package_digest and row["owner_unit"] == UPT and row["value"] == pytest.approx(3.1)
    audit = audit_entries(kanwil_store.conn, ids[0])     # the package's compact entry, as this row's insert
    assert [(a["action"], a["origin"], a["unit_code"], a["actor"]) for a in audit] == [
        ("insert", pkg.package_digest, UPT, "kanwil")]
    compact = kanwil_store.conn.execute("SELECT row_id, new_value FROM audit_log WHERE origin = ?",
                                        (pkg.package_digest,)).fetchall()
    assert {r[0] for r in compact} == {"*"}                  # one entry per table, not one per row
    assert sum(json.loads(r[1])["baris"] for r in compact) == pkg.total_rows
    [last] = received_packages(kanwil_store.conn)
    assert (last["unit_code"], last["sequence"], last["package_digest"]) == (UPT, 1, pkg.package_digest)
    assert last["totals"]["new"] == pkg.total_rows and last["merged_by"] == "kanwil"


def test_remerge_and_older_package_change_nothing(upt, out, kanwil_store):
    ids = add_realisations(upt)
    first = export_package(upt, folder=out).path
    PlanService(upt, "admin-upt").update("realisation", ids[0], {"value": "9,5"})
    second = export_package(upt, folder=out).path
    merge(kanwil_store, second)
    before = folder_state(kanwil_store.path.parent)
    report = merge(kanwil_store, second, first)
    assert [r.status for r in report.results] == ["already_merged", "older"]
    assert "sudah digabungkan" in report.results[0].message and "lebih lama" in report.results[1].message
    assert report.results[0].totals()["unchanged"] > 0 and report.results[0].totals()["new"] == 0
    assert report.backup is None and folder_state(kanwil_store.path.parent) == before
    assert value_of(kanwil_store, "realisation", ids[0]) == 9.5


def test_update_and_tombstone_travel_and_do_not_come_back(upt, out, kanwil_store):
    ids = add_realisations(upt)
    service = PlanService(upt, "admin-upt")
    merge(kanwil_store, export_package(upt, folder=out).path)
    service.update("realisation", ids[0], {"value": "4,25", "evidence": "Koreksi"})
    service.delete("realisation", ids[1])
    pkg = export_package(upt, folder=out)
    result = merge(kanwil_store, pkg.path).results[0]
    assert result.tables["realisation"]["updated"] == 2 and result.tables["realisation"]["unchanged"] == 1
    assert result.totals()["updated"] == 2          # unchanged rows are not counted as updated
    assert value_of(kanwil_store, "realisation", ids[0]) == 4.25
    assert value_of(kanwil_store, "realisation", ids[1], "deleted") == 1
    audit = kanwil_store.conn.execute("SELECT action, field, old_value, new_value FROM audit_log WHERE row_id IN (?, ?) "
                                      "AND origin = ? ORDER BY seq", (ids[0], ids[1], pkg.package_digest)).fetchall()
    assert sorted(tuple(a) for a in audit) == [("delete", "deleted", "0", "1"), ("update", "evidence",
                                               "Laporan bulan 1", "Koreksi"), ("update", "value", "3.1", "4.25")]


def test_restored_unit_file_gives_conflicts_listed_with_both_values(upt, out, kanwil_store, tmp_path):
    ids = add_realisations(upt)
    backup = upt.save_copy(tmp_path / "lama.renstra")
    service = PlanService(upt, "admin-upt")
    service.update("realisation", ids[0], {"value": "5"})
    service.delete("realisation", ids[1])
    merge(kanwil_store, export_package(upt, folder=out).path)
    # The unit restores last month's file (same key) and edits the first row again.
    upt.close()
    shutil.copy(backup, upt.path)
    restored = Store.open(upt.path)
    PlanService(restored, "admin-upt").update("realisation", ids[0], {"value": "6"})
    pkg = export_package(restored, folder=out)
    restored.close()
    result = merge(kanwil_store, pkg.path).results[0]
    assert result.status == "merged"
    # The row edited again after the restore is a conflict; the row the restore merely took back to
    # an earlier version (its delete lost) is older than the file's: kept, and listed.
    notes = {n.row_id: n for n in result.notes}
    assert {r: n.status for r, n in notes.items()} == {ids[0]: "conflicts", ids[1]: "older"}
    assert result.tables["realisation"]["conflicts"] == 1
    assert notes[ids[0]].fields["value"] == (5.0, 6.0)
    assert notes[ids[1]].fields["deleted"] == (1, 0) and "Lebih lama" in notes[ids[1]].reason
    assert "riwayat paket" in notes[ids[0]].reason
    # Nothing overwritten, and the deleted row did not come back.
    assert value_of(kanwil_store, "realisation", ids[0]) == 5.0
    assert value_of(kanwil_store, "realisation", ids[1], "deleted") == 1
    listed = {c["row_id"]: c for c in open_conflicts(kanwil_store.conn)}
    assert set(listed) == {ids[0]} and listed[ids[0]]["fields"]["value"] == (5.0, 6.0)
    resolve_conflict(kanwil_store, listed[ids[0]]["id"], "package", actor="kepala")
    assert value_of(kanwil_store, "realisation", ids[0]) == 6.0
    assert value_of(kanwil_store, "realisation", ids[0], "origin") == pkg.package_digest
    assert value_of(kanwil_store, "realisation", ids[1], "deleted") == 1
    decided = dict(kanwil_store.conn.execute("SELECT row_id, status FROM merge_conflict WHERE decided_by = 'kepala'"))
    assert decided == {ids[0]: "kept_package"}
    audit = kanwil_store.conn.execute("SELECT row_id, field, actor FROM audit_log WHERE actor = 'kepala' ORDER BY seq")
    assert [tuple(a) for a in audit] == [(ids[0], "value", "kepala")]
    with pytest.raises(ValidationError, match="sudah diputuskan"):
        resolve_conflict(kanwil_store, listed[ids[0]]["id"], "consolidated", actor="kepala")
    # A newer version of a row is applied; the older row is still listed as older.
    restored = Store.open(upt.path)
    PlanService(restored, "admin-upt").update("realisation", ids[2], {"value": "7"})
    again = merge(kanwil_store, export_package(restored, folder=out).path).results[0]
    restored.close()
    assert again.tables["realisation"]["conflicts"] == 0 and again.tables["realisation"]["updated"] == 1
    assert [(n.row_id, n.status) for n in again.notes] == [(ids[1], "older")]


def test_a_version_decided_against_is_not_asked_again(upt, out, kanwil_store, tmp_path):
    ids = add_realisations(upt, months=[1])
    backup = upt.save_copy(tmp_path / "lama.renstra")
    PlanService(upt, "admin-upt").update("realisation", ids[0], {"value": "5"})
    merge(kanwil_store, export_package(upt, folder=out).path)
    upt.close()
    shutil.copy(backup, upt.path)
    restored = Store.open(upt.path)
    PlanService(restored, "admin-upt").update("realisation", ids[0], {"value": "6"})
    first = merge(kanwil_store, export_package(restored, folder=out).path).results[0]
    [conflict] = open_conflicts(kanwil_store.conn)
    resolve_conflict(kanwil_store, conflict["id"], "consolidated", actor="kepala")
    again = merge(kanwil_store, export_package(restored, folder=out).path).results[0]
    restored.close()
    assert first.tables["realisation"]["conflicts"] == 1 and again.tables["realisation"]["conflicts"] == 0
    assert [n.reason for n in again.notes] == ["Versi paket ini sudah diputuskan sebelumnya: nilai di berkas ini "
                                               "dipertahankan."]
    assert value_of(kanwil_store, "realisation", ids[0]) == 5.0


def test_repinned_unit_conflicts_with_rows_from_the_old_key(upt, out, kanwil_store, tmp_path):
    ids = add_realisations(upt, months=[1])
    merge(kanwil_store, export_package(upt, folder=out).path)
    # The unit's laptop is replaced: same plan file, new key.
    upt.path.with_name(upt.path.name + ".kunci").unlink()
    upt.path.with_name(upt.path.name + ".kunci.urutan").unlink()
    PlanService(upt, "admin-upt").update("realisation", ids[0], {"value": "8"})
    pkg = export_package(upt, folder=out)
    refused = merge(kanwil_store, pkg.path).results[0]
    assert refused.status == "rejected" and "kunci lain" in refused.message
    pin_key(kanwil_store, UPT, pkg.fingerprint, actor="kepala", reason="laptop diganti; dikonfirmasi telepon")
    result = merge(kanwil_store, pkg.path).results[0]
    assert result.status == "merged" and result.key_status == "pinned"
    [note] = [n for n in result.notes if n.status == "conflicts"]
    assert note.row_id == ids[0] and "kunci satker yang sekarang" in note.reason
    assert value_of(kanwil_store, "realisation", ids[0]) == pytest.approx(3.1)


def test_locked_period_is_ignored_locked(upt, out, kanwil_service, kanwil_store):
    ids = add_realisations(upt, months=[1, 2])
    merge(kanwil_store, export_package(upt, folder=out).path)
    record_event(kanwil_store, UPT, "2026-01")
    record_event(kanwil_store, UPT, "2027")
    service = PlanService(upt, "admin-upt")
    service.update("realisation", ids[0], {"value": "9"})
    service.update("realisation", ids[1], {"value": "9"})
    add_realisations(upt, months=[3], year=2027)
    result = merge(kanwil_store, export_package(upt, folder=out).path).results[0]
    counts = result.tables["realisation"]
    assert (counts["ignored_locked"], counts["updated"], counts["new"]) == (2, 1, 0)
    reasons = {n.row_id: n.reason for n in result.notes}
    assert "2026-01" in reasons[ids[0]] and "dikunci" in reasons[ids[0]]
    assert {n.label for n in result.notes} == {f"{UPT} · IKK 17.1 · 2026-01", f"{UPT} · IKK 17.1 · 2027-03"}
    assert value_of(kanwil_store, "realisation", ids[0]) == pytest.approx(3.1)
    assert value_of(kanwil_store, "realisation", ids[1]) == 9.0


def test_row_owned_by_another_unit_here_is_rejected_others_applied(upt, out, kanwil_store):
    first, second = add_realisations(upt, months=[1, 2])
    # The consolidated file already holds the first cell's id as a row the Kanwil writes
    # (a hand-edited or foreign file): the unit's row must not take it over.
    kanwil_store.conn.execute(
        "INSERT INTO realisation (id, owner_unit, created_at, updated_at, updated_by, unit_code, indicator_code, "
        "period, value) VALUES (?, 'KANWIL', 't', 't', 'x', ?, 'IKK 17.1', '2026-01', 9.9)", (first, UPT))
    result = merge(kanwil_store, export_package(upt, folder=out).path).results[0]
    assert result.status == "merged" and result.tables["realisation"]["rejected"] == 1
    [note] = [n for n in result.notes if n.status == "rejected"]
    assert note.row_id == first and "milik satker KANWIL" in note.reason
    assert value_of(kanwil_store, "realisation", first) == 9.9
    assert result.tables["realisation"]["new"] == 1 and value_of(kanwil_store, "realisation", second) == 3.2


def test_targets_cascade_from_the_kanwil_to_the_unit(upt, tmp_path, kanwil_service, kanwil_store):
    """Targets of a unit are written by the Kanwil; the unit receives them in the Kanwil's package."""
    target_id = stable_id("indicator_target", UPT, "IKK 17.1", 2026)
    kanwil_service.update("indicator_target", target_id, {"value": "3,5"})
    kanwil_package = export_package(kanwil_store, folder=tmp_path).path
    result = merge(upt, kanwil_package).results[0]
    assert result.status == "merged" and result.tables["indicator_target"]["updated"] == 1
    assert value_of(upt, "indicator_target", target_id) == 3.5
    unit_package = export_package(upt, folder=tmp_path / "upt").path
    assert merge(kanwil_store, unit_package).results[0].tables.get("indicator_target", {}).get("new", 0) == 0


def test_invalid_values_are_rejected_per_row(upt, out, kanwil_store):
    ids = add_realisations(upt, months=[1, 2])
    # a period outside the plan, written outside the app: the unit's export sends it (a number cell
    # the plan would refuse is refused by the export itself: tests/core/test_value_check.py)
    upt.conn.execute("UPDATE realisation SET period = '2031-01' WHERE id = ?", (ids[0],))
    accept_outside_changes(upt, actor="admin", reason="uji: periode di luar rencana")   # the unit's admin accepts it
    result = merge(kanwil_store, export_package(upt, folder=out).path).results[0]
    [note] = [n for n in result.notes if n.status == "rejected"]
    assert note.row_id == ids[0] and "2031-01" in note.reason
    assert result.tables["realisation"]["new"] == 1
    assert kanwil_store.conn.execute("SELECT count(*) FROM realisation WHERE id = ?", (ids[0],)).fetchone()[0] == 0


def test_dry_run_reports_exactly_and_writes_nothing(upt, out, kanwil_store):
    ids = add_realisations(upt)
    first = export_package(upt, folder=out).path
    PlanService(upt, "admin-upt").update("realisation", ids[0], {"value": "1"})
    second = export_package(upt, folder=out).path
    before = folder_state(kanwil_store.path.parent)
    dry = merge(kanwil_store, first, second, dry_run=True, trust_new_keys=False)
    assert [r.status for r in dry.results] == ["would_merge", "would_merge"]
    assert dry.results[0].key_status == "new"
    assert dry.results[1].tables["realisation"]["updated"] == 1      # sees the first package's effect
    assert folder_state(kanwil_store.path.parent) == before and dry.backup is None
    real = merge(kanwil_store, first, second)
    assert [r.as_dict()["tables"] for r in real.results] == [r.as_dict()["tables"] for r in dry.results]


def test_kanwil_package_is_merged_by_the_unit(upt, out, kanwil_service, kanwil_store):
    record_event(kanwil_store, UPT, "2026-01")
    ikk = kanwil_store.conn.execute("SELECT id FROM indicator WHERE code = 'IKK 17.1'").fetchone()[0]
    kanwil_service.update("indicator", ikk, {"name": "Indeks kepuasan layanan (revisi)"})
    pkg = export_package(kanwil_store, folder=out)
    result = merge_packages(upt, [pkg.path], actor="admin-upt", trust_new_keys=True).results[0]
    assert result.status == "merged", result.message
    assert result.tables["indicator"]["updated"] == 1 and result.tables["period_event"]["new"] == 1
    assert value_of(upt, "indicator", ikk, "name") == "Indeks kepuasan layanan (revisi)"
    owners = {r[0] for r in upt.conn.execute("SELECT DISTINCT owner_unit FROM audit_log a JOIN indicator i ON "
                                              "i.id = a.row_id WHERE a.origin = ?", (pkg.package_digest,))}
    assert owners == {"KANWIL"}
    with pytest.raises(PermissionDenied, match="dikunci"):
        PlanService(upt, "admin-upt").insert("realisation", {"unit_code": UPT, "indicator_code": "IKK 17.1",
                                                             "period": "2026-01", "value": 1})
    assert merge_packages(upt, [pkg.path], actor="admin-upt").results[0].status == "already_merged"


def test_many_packages_progress_and_one_backup(upt, out, kanwil_store, tmp_path):
    other = make_unit_plan(tmp_path / "sumbawa" / "sumbawa.renstra", "LPS-SUMBAWA")
    try:
        add_realisations(upt, months=[1])
        add_realisations(other, months=[1])
        paths = [export_package(upt, folder=out).path, export_package(other, folder=out).path]
    finally:
        other.close()
    seen = []
    report = merge_packages(kanwil_store, paths, actor="kanwil", trust_new_keys=True,
                            progress=lambda done, total, name: seen.append((done, total, name)))
    assert [r.status for r in report.results] == ["merged", "merged"]
    assert seen == [(1, 2, paths[0].name), (2, 2, paths[1].name)]
    backups = [p for p in kanwil_store.path.parent.iterdir() if ".cadangan-gabung-" in p.name]
    assert backups == [report.backup]
    assert {p["unit_code"] for p in received_packages(kanwil_store.conn)} == {UPT, "LPS-SUMBAWA"}


def test_backup_holds_the_file_before_the_merge(upt, out, kanwil_store):
    add_realisations(upt, months=[1])
    before = sha(kanwil_store.path)
    report = merge(kanwil_store, export_package(upt, folder=out).path)
    backup = Store.open(report.backup, readonly=True)
    try:
        assert backup.conn.execute("SELECT count(*) FROM realisation WHERE owner_unit = ?", (UPT,)).fetchone()[0] == 0
    finally:
        backup.close()
    assert sha(kanwil_store.path) != before
    installation_key(kanwil_store.path)   # the Kanwil's own key may live beside the file too


def test_batch_with_a_bad_package_in_the_middle_and_a_repeat(upt, out, kanwil_store, tmp_path):
    """Packages after the first are opened and verified while the previous one commits."""
    other = make_unit_plan(tmp_path / "dompu" / "dompu.renstra", "LPS-DOMPU")
    try:
        add_realisations(upt, months=[1])
        add_realisations(other, months=[2])
        good, second = export_package(upt, folder=out).path, export_package(other, folder=out).path
    finally:
        other.close()
    bad = out / "rusak.rpkg"
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    report = merge(kanwil_store, good, bad, second, good)
    assert [r.status for r in report.results] == ["merged", "rejected", "merged", "already_merged"]
    assert "tidak sah" in report.results[1].message or "rusak" in report.results[1].message
    units = {r[0] for r in kanwil_store.conn.execute("SELECT DISTINCT unit_code FROM package_batch")}
    assert units == {UPT, "LPS-DOMPU"}
    assert kanwil_store.conn.execute("SELECT count(*) FROM package_batch").fetchone()[0] == 2


def test_a_tombstone_seen_first_is_kept_as_deleted_and_audited(upt, out, kanwil_store):
    ids = add_realisations(upt, months=[1, 2])
    PlanService(upt, "admin-upt").delete("realisation", ids[0])
    pkg = export_package(upt, folder=out)
    result = merge(kanwil_store, pkg.path).results[0]
    assert result.tables["realisation"]["new"] == 2
    assert value_of(kanwil_store, "realisation", ids[0], "deleted") == 1
    actions = {i: [(a["action"], a["origin"]) for a in audit_entries(kanwil_store.conn, i)] for i in ids[:2]}
    actions = {i: a for i, [(a, origin)] in actions.items() if origin == pkg.package_digest}
    assert actions == {ids[0]: "delete", ids[1]: "insert"}


def test_a_first_package_whose_row_id_the_file_holds_already_is_classified_row_by_row(kanwil_store, tmp_path):
    """A unit's first package is written without reading the file first; when one of its ids is taken
    after all (a row planted under another unit with a tool), that write leaves nothing behind and
    the package is classified row by row: the planted row refused, the others new, the file whole."""
    from renstra_desktop.core.audit_chain import verify

    upt = make_unit_plan(tmp_path / "upt" / "unit.renstra")
    ids = add_realisations(upt, months=[1, 2, 3])
    package = export_package(upt, folder=tmp_path).path
    upt.close()
    cols = [r[1] for r in kanwil_store.conn.execute("PRAGMA table_info(realisation)")]
    planted = dict(zip(cols, [None] * len(cols)), id=ids[1], owner_unit="LPS-SUMBAWA", unit_code="LPS-SUMBAWA",
                   indicator_code="IKK 17.1", period="2026-02", value=9.0, created_at="2026-01-01T00:00:00Z",
                   updated_at="2026-01-01T00:00:00Z", updated_by="alat", row_version=1, base_version=0, deleted=0,
                   origin="local")
    kanwil_store.conn.execute(f"INSERT INTO realisation ({', '.join(planted)}) VALUES ({', '.join('?' * len(planted))})",
                              tuple(planted.values()))
    accept_outside_changes(kanwil_store, actor="admin", reason="uji: baris ditanam dengan alat")
    before = kanwil_store.conn.execute("SELECT count(*) FROM realisation").fetchone()[0]
    result = merge_trusting(kanwil_store, package).results[0]
    assert result.status == "merged", result.message
    assert (result.tables["realisation"]["new"], result.tables["realisation"]["rejected"]) == (2, 1)
    assert kanwil_store.conn.execute("SELECT count(*) FROM realisation").fetchone()[0] == before + 2
    assert kanwil_store.conn.execute("SELECT unit_code FROM realisation WHERE id = ?", (ids[1],)).fetchone()[0] == \
        "LPS-SUMBAWA"
    assert verify(kanwil_store.conn).ok
