"""The period workflow in the core (issue 9 section 2): transitions, who may take each step, the
snapshot of submitted values, the evidence rule, separation of duties, the append-only history,
the migration of the old period locks, and hostile packages carrying steps they may not."""
import shutil
import sqlite3

import pytest
from package_fixtures import UPT, add_realisations, make_unit_plan, merge_trusting, sha

from renstra_desktop.core import period_workflow as wf
from renstra_desktop.core import summary
from renstra_desktop.core.audit import accept_outside_changes
from renstra_desktop.core.errors import PermissionDenied, RenstraError, ValidationError
from renstra_desktop.core.packages.keys import installation_key, pin_key
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store


def _submitted(upt, kanwil_store, out, period="2026-TW1"):
    """LPS-LOBAR's quarter entered by admin-upt, submitted, its package merged at the Kanwil."""
    add_realisations(upt)                      # 2026-01..03 with an evidence note each
    PlanService(upt, "admin-upt").submit(UPT, period, note="lengkap")
    merge_trusting(kanwil_store, export_package(upt, folder=out).path)


def test_the_full_cycle_and_what_each_status_allows(upt, out, kanwil_store):
    _submitted(upt, kanwil_store, out)
    k = lambda who: PlanService(kanwil_store, who)   # noqa: E731
    assert wf.status_of(kanwil_store.conn, UPT, "2026-TW1") == "diajukan"
    with pytest.raises(ValidationError, match="harus diverifikasi dulu"):
        k("kepala").approve(UPT, "2026-TW1")
    k("verifikator").return_(UPT, "2026-TW1", note="lampirkan laporan")
    with pytest.raises(ValidationError, match="statusnya dikembalikan"):
        k("verifikator").verify(UPT, "2026-TW1")
    # the unit receives the return, edits and submits again
    merge_packages(upt, [export_package(kanwil_store, folder=out).path], actor="admin-upt", trust_new_keys=True)
    [rid, *_] = [r[0] for r in upt.conn.execute("SELECT id FROM realisation WHERE period = '2026-01'")]
    PlanService(upt, "admin-upt").update("realisation", rid, {"value": "3,9"})
    PlanService(upt, "admin-upt").submit(UPT, "2026-TW1")
    merge_trusting(kanwil_store, export_package(upt, folder=out).path)
    k("verifikator").verify(UPT, "2026-TW1")
    k("kepala").approve(UPT, "2026-TW1")
    events = [(e["seq"], e["event"], e["owner_unit"], e["updated_by"]) for e in wf.history(kanwil_store.conn, UPT, "2026-TW1")]
    assert events == [(1, "diajukan", UPT, "admin-upt"), (2, "dikembalikan", "KANWIL", "verifikator"),
                      (3, "diajukan", UPT, "admin-upt"), (4, "diverifikasi", "KANWIL", "verifikator"),
                      (5, "disahkan", "KANWIL", "kepala")]
    assert summary.period_statuses(kanwil_store.conn, "2026-TW1") == {UPT: "disahkan"}
    assert summary.waiting(kanwil_store.conn, None, "2026-TW1")["submitted"] == []
    cmp = {c["period"]: c for c in wf.comparison(kanwil_store.conn, UPT, "2026-TW1")}
    assert cmp["2026-01"]["previous"]["value"] == 3.1 and cmp["2026-01"]["submitted"]["value"] == 3.9
    assert cmp["2026-01"]["changed_since_previous"] and not cmp["2026-02"]["changed_since_previous"]


def test_submission_freezes_values_and_the_kanwil_sees_what_changed(upt):
    ids = add_realisations(upt)
    service = PlanService(upt, "admin-upt")
    service.submit(UPT, "2026-S1")
    snapshot = wf.submitted_snapshots(upt.conn, UPT, "2026-S1")[0]
    assert sorted(p for _, p in snapshot) == ["2026-01", "2026-02", "2026-03"]
    # the row was changed outside the workflow's reach (say, an import before the status arrived):
    # the comparison reads the frozen values, not the row
    upt.conn.execute("UPDATE realisation SET value = 7 WHERE id = ?", (ids[0],))
    changed = [c["period"] for c in wf.comparison(upt.conn, UPT, "2026-S1") if c["changed"]]
    assert changed == ["2026-01"]


def test_no_evidence_no_submission_unless_the_kanwil_allows(upt, kanwil_store):
    service = PlanService(upt, "admin-upt")
    service.insert("realisation", {"unit_code": UPT, "indicator_code": "IKK 17.1", "period": "2026-04", "value": 3})
    before = sha(upt.path)
    with pytest.raises(ValidationError, match="tanpa data dukung.*IKK 17.1 2026-04"):
        service.submit(UPT, "2026-TW2")
    with pytest.raises(ValidationError, match="Belum ada realisasi"):
        service.submit(UPT, "2026-TW3")
    assert sha(upt.path) == before
    # the Kanwil's setting, received in its package (a reference row of the Kanwil)
    PlanService(upt, "kanwil", unit_code="KANWIL").insert("setting", {"key": "submit_without_evidence",
                                                                      "value": "true"})
    service.submit(UPT, "2026-TW2")
    assert wf.status_of(upt.conn, UPT, "2026-TW2") == "diajukan"


def test_separation_of_duties_reads_the_audit_trail(kanwil_store):
    """The Kanwil's own period: whoever entered any of its values, even if someone changed them
    later, neither verifies nor approves it."""
    a, b = PlanService(kanwil_store, "ani"), PlanService(kanwil_store, "budi")
    rid, _ = a.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.1", "period": "2026-TW1",
                                      "value": "80", "evidence": "LHE"})
    b.update("realisation", rid, {"value": "81"})
    b.submit("KANWIL", "2026-TW1")
    assert wf.entered_by(kanwil_store.conn, "KANWIL", "2026-TW1") == {"ani", "budi"}
    for who in ("ani", "budi"):
        with pytest.raises(PermissionDenied, match="pemisahan tugas"):
            PlanService(kanwil_store, who).verify("KANWIL", "2026-TW1")
    PlanService(kanwil_store, "citra").verify("KANWIL", "2026-TW1")
    with pytest.raises(PermissionDenied, match="pemisahan tugas"):
        a.approve("KANWIL", "2026-TW1")
    PlanService(kanwil_store, "dedi").approve("KANWIL", "2026-TW1")


def test_a_merge_does_not_make_the_merger_an_enterer(upt, out, kanwil_store):
    _submitted(upt, kanwil_store, out)
    assert wf.entered_by(kanwil_store.conn, UPT, "2026-TW1") == {"admin-upt"}
    PlanService(kanwil_store, "kanwil").verify(UPT, "2026-TW1")    # "kanwil" merged the package


def test_the_history_is_append_only(upt):
    add_realisations(upt)
    PlanService(upt, "admin-upt").submit(UPT, "2026-TW1")
    [event] = wf.history(upt.conn, UPT, "2026-TW1")
    before = sha(upt.path)
    for change in ({"note": "diubah"}, {"event": "disahkan"}):
        with pytest.raises(PermissionDenied, match="tidak dapat diubah|Kantor Wilayah"):
            PlanService(upt, "admin-upt").update("period_event", event["id"], change)
    with pytest.raises(PermissionDenied, match="tidak dapat diubah"):
        PlanService(upt, "admin-upt").delete("period_event", event["id"])
    with pytest.raises(PermissionDenied, match="Kantor Wilayah"):       # a unit records no approval
        PlanService(upt, "admin-upt").insert("period_event", {"unit_code": UPT, "period": "2026", "seq": 1,
                                                              "event": "disahkan"})
    assert sha(upt.path) == before


def _forge_approval(store, owner, unit=UPT, period="2026-TW1"):
    """What a hostile user can do to his own file with any SQLite tool: a disahkan row."""
    with sqlite3.connect(store.path) as conn:
        conn.execute(
            "INSERT INTO period_event (id, owner_unit, created_at, updated_at, updated_by, row_version, base_version,"
            " deleted, origin, unit_code, period, seq, event, note) VALUES ('6f1c2d3e-0000-4000-8000-000000000001', "
            "?, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', 'palsu', 1, 0, 0, 'local', ?, ?, 1, 'disahkan', NULL)",
            (owner, unit, period))
    conn.close()


def test_a_unit_package_carrying_an_approval_is_refused(upt, out, kanwil_store):
    add_realisations(upt)
    upt.close()
    _forge_approval(upt, UPT)
    upt = Store.open(upt.path)
    accept_outside_changes(upt, actor="admin", reason="uji: persetujuan palsu dibuat dengan SQL")   # the forger's
    pkg = export_package(upt, folder=out)
    before = sha(kanwil_store.path)
    [result] = merge_trusting(kanwil_store, pkg.path).results
    assert result.status == "rejected" and "tidak boleh dicatatnya" in result.message
    assert "hanya dapat dicatat oleh Kantor Wilayah" in result.message
    assert wf.status_of(kanwil_store.conn, UPT, "2026-TW1") == "draft"
    assert kanwil_store.conn.execute("SELECT count(*) FROM realisation WHERE unit_code = ?", (UPT,)).fetchone()[0] == 0
    assert sha(kanwil_store.path) == before
    upt.close()


def test_a_kanwil_approval_signed_by_a_unit_key_is_refused(tmp_path, out, kanwil_store):
    """A UPT passes its own file off as the Kanwil's (its meta says KANWIL, its key is the UPT's) and
    sends the approval to another unit: that unit has the Kanwil's key pinned and refuses it."""
    other = make_unit_plan(tmp_path / "sumbawa" / "sumbawa.renstra", "LPS-SUMBAWA")
    pin_key(other, "KANWIL", installation_key(kanwil_store.path).fingerprint, actor="admin")
    forger = make_unit_plan(tmp_path / "lobar" / "lobar.renstra")
    forger.close()
    with sqlite3.connect(forger.path) as conn:
        conn.execute("UPDATE meta SET value = 'KANWIL' WHERE key = 'installation_unit'")
    conn.close()
    _forge_approval(forger, "KANWIL", unit="LPS-SUMBAWA")
    forger = Store.open(forger.path)
    accept_outside_changes(forger, actor="admin", reason="uji: persetujuan palsu dibuat dengan SQL")
    pkg = export_package(forger, folder=out)
    forger.close()
    before = sha(other.path)
    [result] = merge_packages(other, [pkg.path], actor="admin", trust_new_keys=True).results
    assert result.status == "rejected" and "kunci lain" in result.message
    assert wf.status_of(other.conn, "LPS-SUMBAWA", "2026-TW1") == "draft"
    assert sha(other.path) == before
    other.close()


def test_old_period_locks_become_approvals(tmp_path, monkeypatch):
    """A file of schema 8 with period_lock rows: opened, it is migrated (after a backup) and each live
    lock is a disahkan row of the Kanwil; the period stays closed."""
    from old_schema import plan_at_version

    plan_at_version(tmp_path / "lobar.renstra", UPT, 8, monkeypatch).close()
    with sqlite3.connect(tmp_path / "lobar.renstra") as conn:
        conn.executescript("""
            INSERT INTO period_lock VALUES ('11111111-2222-4333-8444-555555555555', 'KANWIL', '2026-01-01T00:00:00Z',
                '2026-02-01T00:00:00Z', 'kepala lama', 1, 0, 0, 'abc', 'LPS-LOBAR', '2026');
            INSERT INTO period_lock VALUES ('11111111-2222-4333-8444-555555555556', 'KANWIL', '2026-01-01T00:00:00Z',
                '2026-02-01T00:00:00Z', 'kepala lama', 2, 1, 1, 'abc', 'LPS-LOBAR', '2027');
        """)
    conn.close()
    store = Store.open(tmp_path / "lobar.renstra")
    assert store.schema_version >= 9
    [event] = [dict(r) for r in store.conn.execute("SELECT * FROM period_event")]
    assert (event["id"], event["unit_code"], event["period"], event["event"], event["owner_unit"],
            event["updated_by"]) == ("11111111-2222-4333-8444-555555555555", UPT, "2026", "disahkan", "KANWIL",
                                     "kepala lama")
    with pytest.raises(PermissionDenied, match="disahkan dan dikunci oleh kepala lama"):
        PlanService(store, "admin-upt").insert("realisation", {"unit_code": UPT, "indicator_code": "IKK 17.1",
                                                               "period": "2026-04", "value": "5"})
    PlanService(store, "admin-upt").insert("realisation", {"unit_code": UPT, "indicator_code": "IKK 17.1",
                                                           "period": "2027-04", "value": "5"})   # 2027's lock was lifted
    store.close()


def test_overview_waits_and_times(upt, out, kanwil_store):
    import datetime as dt

    _submitted(upt, kanwil_store, out)
    rows = wf.overview(kanwil_store.conn, "2026-TW1")
    units = kanwil_store.conn.execute("SELECT count(*) FROM unit WHERE deleted = 0").fetchone()[0]
    assert len(rows) == units and {r["status"] for r in rows} == {"draft", "diajukan"}
    [mine] = wf.overview(kanwil_store.conn, "2026-TW1", waiting_at="KANWIL")
    assert mine["unit_code"] == UPT and mine["by"] == "admin-upt" and mine["at"].endswith("WITA")
    at = dt.datetime.fromisoformat(wf.history(kanwil_store.conn, UPT, "2026-TW1")[0]["created_at"].replace("Z", "+00:00"))
    assert wf.overview(kanwil_store.conn, None, now=at + dt.timedelta(days=3, hours=2))[0]["waited"] == "3 hari"
    assert wf.overview(kanwil_store.conn, "2026-TW1", waiting_at=UPT) == []
    assert wf.overview(upt.conn, None, waiting_at=UPT) == []


def test_bad_input_is_one_line_and_writes_nothing(upt):
    add_realisations(upt)
    before = sha(upt.path)
    service = PlanService(upt, "admin-upt")
    for call, words in [(lambda: service.submit(UPT, "2031"), "tidak dikenal"),
                        (lambda: service.submit(UPT, "kemarin"), "tidak dikenal"),
                        (lambda: service.submit("LPS-ENTAH", "2026"), "LPS-ENTAH"),
                        (lambda: service.return_(UPT, "2026", note="x"), "Kantor Wilayah")]:
        with pytest.raises(RenstraError, match=words) as info:
            call()
        assert "\n" not in info.value.message
    assert sha(upt.path) == before


def test_a_copy_of_a_submitted_file_keeps_it_closed(upt, tmp_path):
    add_realisations(upt)
    PlanService(upt, "admin-upt").submit(UPT, "2026")
    upt.close()
    shutil.copy(upt.path, tmp_path / "salinan.renstra")
    copy = Store.open(tmp_path / "salinan.renstra")
    with pytest.raises(PermissionDenied, match="sudah diajukan oleh admin-upt"):
        PlanService(copy, "admin-upt").insert("realisation", {"unit_code": UPT, "indicator_code": "IKK 19.1",
                                                              "period": "2026-11", "value": 1})
    copy.close()


def test_an_older_kanwil_package_with_locks_closes_the_period_at_the_unit(upt, tmp_path, kanwil_store):
    """A Kanwil still on schema 8 sends its period_lock rows: the package is migrated in memory and
    the unit receives them as approvals (disahkan), so the period is closed there too."""
    from renstra_desktop.core.packages.package_export import write_package

    lock = ("11111111-2222-4333-8444-555555555555", "KANWIL", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z",
            "kepala", 1, 0, 0, "local", UPT, "2026-TW1")
    pkg = tmp_path / "kanwil8.rpkg"
    write_package(pkg, unit="KANWIL", schema_version=8, tables={"period_lock": [lock]},
                  key=installation_key(kanwil_store.path), sequence=1)
    [result] = merge_packages(upt, [pkg], actor="admin-upt", trust_new_keys=True).results
    assert result.status == "merged", result.message
    assert wf.status_of(upt.conn, UPT, "2026-TW1") == "disahkan"
    with pytest.raises(PermissionDenied, match="disahkan dan dikunci oleh kepala"):
        PlanService(upt, "admin-upt").insert("realisation", {"unit_code": UPT, "indicator_code": "IKK 17.1",
                                                             "period": "2026-02", "value": 1})


def test_a_lock_migrates_to_the_same_row_everywhere(upt, tmp_path, kanwil_store):
    """The same lock, migrated in the Kanwil's file and in an older package a unit received, is one
    row: the Kanwil's next package finds it there (no second row for the same step)."""
    from renstra_desktop.core.packages.package import PackageReader
    from renstra_desktop.core.packages.package_export import write_package

    lock = ("11111111-2222-4333-8444-555555555555", "KANWIL", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z",
            "kepala", 1, 0, 0, "local", UPT, "2026-TW1")
    pkg = tmp_path / "kanwil8.rpkg"
    write_package(pkg, unit="KANWIL", schema_version=8, tables={"period_lock": [lock]},
                  key=installation_key(kanwil_store.path), sequence=1)
    with PackageReader.open(pkg) as reader:
        [row] = reader.verify().rows("period_event")
    assert row[0] == lock[0]


def test_nothing_counts_as_changed_before_a_first_submission(upt):
    add_realisations(upt)
    rows = wf.comparison(upt.conn, UPT, "2026-TW1")
    assert len(rows) == 3 and not any(r["changed"] or r["changed_since_previous"] for r in rows)
    assert all(r["submitted"] is None and r["current"]["value"] is not None for r in rows)


def test_a_submission_lands_with_rows_that_follow_it_in_the_package(upt, out, kanwil_store):
    """The second package brings the same realisations (unchanged), a new analysis note of the period
    and the submission: the note is judged against the Kanwil file as it was before the package
    (open), not after its own diajukan row (a table that comes after period_event in the package)."""
    from renstra_desktop.core.cycle.measurement import set_note

    from period_fixtures import record_event

    record_event(kanwil_store, "KANWIL", "2025")     # some period is closed somewhere in the province
    add_realisations(upt)
    merge_trusting(kanwil_store, export_package(upt, folder=out).path)
    service = PlanService(upt, "admin-upt")
    set_note(service, UPT, "IKK 17.1", "2026-TW1", {"explanation": "Sesuai target"})
    service.submit(UPT, "2026-TW1")
    [result] = merge_trusting(kanwil_store, export_package(upt, folder=out).path).results
    assert result.status == "merged", result.message
    assert result.tables["measurement_note"]["new"] == 1 and result.tables["measurement_note"]["ignored_locked"] == 0
    assert wf.status_of(kanwil_store.conn, UPT, "2026-TW1") == "diajukan"
    assert kanwil_store.conn.execute("SELECT explanation FROM measurement_note WHERE unit_code = ?",
                                     (UPT,)).fetchone()[0] == "Sesuai target"


def test_a_step_is_written_only_by_the_workflow(upt, out, kanwil_store):
    """The Kanwil cannot record an approval as a plain row (skipping verification, the roles and the
    separation of duties): only the workflow's own steps write period_event locally."""
    _submitted(upt, kanwil_store, out)
    before = sha(kanwil_store.path)
    for event in ("diverifikasi", "disahkan"):
        with pytest.raises(PermissionDenied, match="bukan sebagai baris biasa"):
            PlanService(kanwil_store, "kepala").insert("period_event", {"unit_code": UPT, "period": "2026-TW1",
                                                                        "seq": 2, "event": event})
    with pytest.raises(PermissionDenied, match="bukan sebagai baris biasa"):     # nor the unit its submission
        PlanService(upt, "admin-upt").insert("period_event", {"unit_code": UPT, "period": "2026-TW2", "seq": 1,
                                                              "event": "diajukan"})
    assert sha(kanwil_store.path) == before
    PlanService(kanwil_store, "verifikator").verify(UPT, "2026-TW1")       # the workflow still writes its steps
    assert wf.status_of(kanwil_store.conn, UPT, "2026-TW1") == "diverifikasi"
