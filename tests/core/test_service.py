"""Every mutation goes through PlanService: validation, ownership, locks, versions, audit."""
import hashlib
import sqlite3

import pytest
from period_fixtures import record_event

from renstra_desktop.core import queries
from renstra_desktop.core.errors import PermissionDenied, ValidationError
from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.rows import stable_id
from renstra_desktop.core.service import Edit, PlanService


def target_id(unit="KANWIL", ikk="IKK 17.1", year=2026):
    return stable_id("indicator_target", unit, ikk, year)


def read(path, sql, *args):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_update_parses_indonesian_number_and_bumps_version(kanwil_service, kanwil_path):
    changes = kanwil_service.update("indicator_target", target_id(), {"value": "3,45"})
    assert changes.tables == {"indicator_target"}
    [(value, version, base, origin)] = read(
        kanwil_path, "SELECT value, row_version, base_version, origin FROM indicator_target WHERE id = ?",
        target_id())
    assert (value, version, base, origin) == (3.45, 2, 1, "local")
    audit = read(kanwil_path, "SELECT action, field, old_value, new_value, actor FROM audit_log")
    assert audit == [("update", "value", "3.4", "3.45", "penguji")]


def test_unchanged_value_writes_nothing(kanwil_service, kanwil_path):
    assert not kanwil_service.update("indicator_target", target_id(), {"value": "3,4"})
    assert read(kanwil_path, "SELECT count(*) FROM audit_log") == [(0,)]


@pytest.mark.parametrize("typed", ["abc", "1.234", "3,2,1"])
def test_invalid_number_is_refused_and_file_unchanged(kanwil_service, kanwil_path, typed):
    before = hashlib.sha256(kanwil_path.read_bytes()).digest()
    with pytest.raises(ValidationError):
        kanwil_service.update("indicator_target", target_id(), {"value": typed})
    assert hashlib.sha256(kanwil_path.read_bytes()).digest() == before


def test_apply_is_all_or_nothing(kanwil_service, kanwil_path):
    with pytest.raises(ValidationError):
        kanwil_service.apply([
            Edit("indicator_target", target_id(year=2025), "value", "3,3"),
            Edit("indicator_target", target_id(year=2026), "value", "x"),
        ])
    assert read(kanwil_path, "SELECT value FROM indicator_target WHERE id = ?", target_id(year=2025)) == [(3.2,)]


def test_insert_realisation_and_achievement(kanwil_service, kanwil_store):
    kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1",
                                          "period": "2026-S1", "value": "3,1", "evidence": "Laporan S1"})
    kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1",
                                          "period": "2026-S2", "value": "3,5"})
    row = next(r for r in queries.indicator_rows(kanwil_store.conn, "KANWIL", 2026)
               if r["indicator_code"] == "IKK 17.1")
    assert row["actual"] == 3.5                      # roll-up "last" for an index
    assert row["achievement"] == pytest.approx(3.5 / 3.4 * 100)
    assert row["grade"] == "Tercapai"
    other = next(r for r in queries.indicator_rows(kanwil_store.conn, "KANWIL", 2027)
                 if r["indicator_code"] == "IKK 17.1")
    assert other["actual"] is None and other["achievement"] is None   # missing: no capaian, not 0


def test_rollup_rules():
    values = {"2026-TW1": 10.0, "2026-TW2": 20.0, "2026-TW3": None, "2027": 5.0}
    assert queries.rollup(values, 2026, "last") == 20.0
    assert queries.rollup(values, 2026, "mean") == 15.0
    assert queries.rollup(values, 2026, "sum") == 30.0
    assert queries.rollup(values, 2027, "sum") == 5.0
    assert queries.rollup({"2026": 7.0, "2026-S1": 1.0}, 2026, "sum") == 7.0
    assert queries.rollup({}, 2026, "last") is None


def test_bad_period_refused(kanwil_service):
    for period in ("2026-S3", "2031", "26-05", "2026-13"):
        with pytest.raises(ValidationError, match="Periode"):
            kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1",
                                                  "period": period, "value": "1"})


def test_delete_is_a_tombstone_and_restore_undoes_it(kanwil_service, kanwil_store, kanwil_path):
    risk = queries.risk_rows(kanwil_store.conn, "KANWIL")[0]
    kanwil_service.delete("risk", risk["id"])
    assert read(kanwil_path, "SELECT deleted, row_version FROM risk WHERE id = ?", risk["id"]) == [(1, 2)]
    assert risk["id"] not in {r["id"] for r in queries.risk_rows(kanwil_store.conn, "KANWIL")}
    with pytest.raises(PermissionDenied, match="dihapus"):
        kanwil_service.update("risk", risk["id"], {"risk": "x"})
    kanwil_service.restore("risk", risk["id"])
    assert read(kanwil_path, "SELECT deleted, row_version FROM risk WHERE id = ?", risk["id"]) == [(0, 3)]
    actions = [a for (a,) in read(kanwil_path, "SELECT action FROM audit_log ORDER BY seq")]
    assert actions == ["delete", "restore"]


def test_risk_scores_validated_and_level_computed(kanwil_service, kanwil_store):
    risk = queries.risk_rows(kanwil_store.conn, "KANWIL")[0]
    with pytest.raises(ValidationError, match="1 sampai 5"):
        kanwil_service.update("risk", risk["id"], {"inherent_likelihood": "6"})
    kanwil_service.update("risk", risk["id"], {"inherent_likelihood": "4", "inherent_impact": "5"})
    row = next(r for r in queries.risk_rows(kanwil_store.conn, "KANWIL") if r["id"] == risk["id"])
    assert (row["inherent_magnitude"], row["inherent_level"], row["needs_action_plan"]) == (24, "Sangat tinggi", True)


def test_treatments_edited_as_lines(kanwil_service, kanwil_store):
    risk = queries.risk_rows(kanwil_store.conn, "KANWIL")[0]
    kanwil_service.update("risk", risk["id"], {"treatments": "Pertama\n\n Kedua "})
    row = next(r for r in queries.risk_rows(kanwil_store.conn, "KANWIL") if r["id"] == risk["id"])
    assert row["treatments"] == ["Pertama", "Kedua"]


def test_locked_period_is_refused_in_the_core(kanwil_service, kanwil_path):
    rid, _ = kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.1",
                                                   "period": "2026-05", "value": "80"})
    record_event(kanwil_service.store, "KANWIL", "2026")
    with pytest.raises(PermissionDenied, match="dikunci"):
        kanwil_service.update("realisation", rid, {"value": "90"})
    with pytest.raises(PermissionDenied, match="dikunci"):
        kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.1",
                                              "period": "2026-S2", "value": "90"})
    with pytest.raises(PermissionDenied):
        kanwil_service.delete("realisation", rid)
    assert read(kanwil_path, "SELECT value FROM realisation WHERE id = ?", rid) == [(80.0,)]


def test_upt_installation_writes_only_its_own_rows(tmp_path):
    store = create_plan_file(tmp_path / "lobar.renstra", "LPS-LOBAR")
    service = PlanService(store, actor="admin")
    assert store.unit_code == "LPS-LOBAR"
    service.insert("realisation", {"unit_code": "LPS-LOBAR", "indicator_code": "IKK 17.1",
                                   "period": "2026-S1", "value": "3,3"})
    tid = stable_id("indicator_target", "LPS-LOBAR", "IKK 17.1", 2026)
    with pytest.raises(PermissionDenied, match="milik satker KANWIL"):   # targets cascade from the Kanwil
        service.update("indicator_target", tid, {"value": "3,3"})
    with pytest.raises(PermissionDenied, match="milik satker KANWIL"):
        service.update("unit", stable_id("unit", "KANWIL"), {"address": "x"})
    with pytest.raises(PermissionDenied):
        service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1",
                                       "period": "2026", "value": "3"})
    unit = store.conn.execute("SELECT staff_count FROM unit WHERE code = 'LPS-DOMPU'").fetchone()
    assert unit[0] is None          # Dompu's staff count is empty in the document, never 0


def test_kanwil_cannot_edit_a_row_written_by_a_unit(kanwil_service, kanwil_store):
    kanwil_store.conn.execute(
        "INSERT INTO risk (id, owner_unit, created_at, updated_at, updated_by, unit_code, program_code, area, seq) "
        "VALUES ('r-upt', 'LPS-LOBAR', 't', 't', 'x', 'LPS-LOBAR', 'PPH', 'Pelayanan', 1)")
    with pytest.raises(PermissionDenied, match="LPS-LOBAR"):
        kanwil_service.update("risk", "r-upt", {"risk": "diubah"})


def test_funding_totals_equal_the_document(kanwil_store):
    rows = {r["line_code"]: r for r in queries.funding_rows(kanwil_store.conn, "KANWIL")}
    assert rows["SK 17"]["total_allocation"] == 4126.05
    assert rows["IKK 19.1"]["total_allocation"] == 66422.74
    assert queries.funding_totals(kanwil_store.conn, "KANWIL")["total"] == 70548.79


def test_roadmap_in_document_order(kanwil_store):
    rows = queries.roadmap_rows(kanwil_store.conn, "KANWIL")
    aspects = list(dict.fromkeys(r["aspect"] for r in rows))
    assert aspects[0] == "Sarana dan Prasarana" and aspects[-1] == "Tata Laksana" and len(aspects) == 6
    assert [r["year"] for r in rows[:6]] == [2025, 2025, 2025, 2026, 2026, 2026]


def test_upt_cannot_add_reference_rows(tmp_path):
    store = create_plan_file(tmp_path / "praya.renstra", "RTN-PRAYA")
    with pytest.raises(PermissionDenied, match="rujukan"):
        PlanService(store, actor="admin").insert("program", {"code": "X", "seq": 3, "name": "Baru"})


def test_rollup_prefers_the_evaluated_grain_over_monitoring():
    values = {"2026-S1": 3.1, "2026-TW3": 3.5, "2026-05": 3.0}
    assert queries.rollup(values, 2026, "last") == 3.1     # semester evaluation beats monitoring
    assert queries.rollup({"2026-TW3": 3.5, "2026-05": 3.0}, 2026, "last") == 3.5
