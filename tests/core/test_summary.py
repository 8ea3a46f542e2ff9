"""The Ringkasan's figures (core/summary.py) against the core's own rules and the stored rows: the
grid equals the capaian of queries/achievement, the trends equal the stored history, targets and
realisations, the heat maps equal the register, the absorption equals the funding rows, and what
waits follows the batch log and the open conflicts."""
from __future__ import annotations

import datetime as _dt
import shutil
from collections import Counter

import pytest
import summary_scenario as scenario
from summary_scenario import built, store  # noqa: F401  (fixtures)

from renstra_desktop.core import queries, summary
from renstra_desktop.core.achievement import achievement, grade
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.merge_conflicts import open_conflicts
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.settings import load_settings
from renstra_desktop.core.store import Store


def _cells(grid):
    return {(row["unit_code"], code): cell for row in grid["rows"] for code, cell in row["cells"].items()}


def test_grid_of_a_year_is_the_capaian_of_indicator_rows(store):
    grid = summary.achievement_grid(store.conn, None, "2026")
    cells = _cells(grid)
    rows = queries.indicator_rows(store.conn, None, 2026)
    assert len(cells) == len(rows) and [i["code"] for i in grid["indicators"]] == ["IKK 17.1", "IKK 19.1", "IKK 19.2"]
    for r in rows:
        cell = cells[(r["unit_code"], r["indicator_code"])]
        assert (cell["actual"], cell["achievement"], cell["grade"], cell["grade_role"]) == (
            r["actual"], r["achievement"], r["grade"], r["grade_role"])
    # several units have figures; the Kanwil's 2026 stands on its TW III (s.d. TW III)
    assert cells[("LPS-LOBAR", "IKK 17.1")]["actual"] == 2.9
    assert cells[("BPS-MATARAM", "IKK 19.1")]["grade_role"] == "poor"
    assert cells[("KANWIL", "IKK 17.1")]["actual"] == 3.5 and cells[("KANWIL", "IKK 17.1")]["through"] == "s.d. TW III"
    # no realisation: no capaian (shown "–"), never 0
    assert cells[("LPS-SUMBAWA", "IKK 17.1")]["achievement"] is None
    assert [row["unit_code"] for row in grid["rows"]][:1] == ["KANWIL"]


def test_grid_of_a_quarter_and_a_semester_follows_period_actual_and_achievement(store):
    """The grid is the core's one rule (queries.indicator_rows for the period): the period's
    realisation (queries.period_actual) against the period's target (its Rencana Aksi target where
    the unit has one, else the year's), graded by achievement()."""
    settings = load_settings(store.conn)
    for period in ("2026-TW2", "2026-S1", "2025"):
        cells = _cells(summary.achievement_grid(store.conn, None, period))
        values: dict = {}
        for r in queries.realisation_rows(store.conn, None):
            values.setdefault((r["unit_code"], r["indicator_code"]), {})[r["period"]] = r["value"]
        for r in queries.indicator_rows(store.conn, None, int(period[:4]), period):
            key = (r["unit_code"], r["indicator_code"])
            actual = queries.period_actual(values.get(key, {}), period, r["rollup"])
            upper = r["uppers"][int(period[:4])] if r["target_basis"] == "tahunan" else None
            cap = achievement(r["period_target"], actual, r["polarity"], upper=upper, cap=settings.achievement_cap)
            g = grade(cap, settings.achievement_bands)
            assert cells[key]["actual"] == actual and cells[key]["achievement"] == cap
            assert cells[key]["target"] == r["period_target"]
            assert cells[key]["grade_role"] == (g.role if g else None)
    tw2 = _cells(summary.achievement_grid(store.conn, None, "2026-TW2"))
    # issue 10: 40 after TW II against the Rencana Aksi's TW II target of 50 is 80 % (Cukup), not
    # 40 % of the year's 100 (Sangat kurang)
    lobar = tw2[("LPS-LOBAR", "IKK 19.1")]
    assert (lobar["actual"], lobar["target"], lobar["achievement"], lobar["grade_role"]) == (40.0, 50.0, 80.0, "fair")
    s1 = _cells(summary.achievement_grid(store.conn, None, "2026-S1"))
    assert s1[("KANWIL", "IKK 19.1")]["actual"] == 45.0      # the semester's own value
    assert s1[("KANWIL", "IKK 19.2")]["actual"] == 3.3       # May rolls up into S1


def test_grid_of_one_unit_has_only_that_unit(store):
    grid = summary.achievement_grid(store.conn, "LPS-LOBAR", "2026-TW3")
    assert [row["unit_code"] for row in grid["rows"]] == ["LPS-LOBAR"]
    cell = grid["rows"][0]["cells"]["IKK 17.1"]
    assert cell["target"] == 3.0          # the Rencana Aksi's TW III target, not the year's 3,2
    assert cell["achievement"] == pytest.approx(2.9 / 3.0 * 100)


def test_verification_hook_returns_nothing_until_issue_9_and_is_the_one_source(store, monkeypatch):
    assert summary.period_statuses(store.conn, "2026-TW3") == {}
    grid = summary.achievement_grid(store.conn, None, "2026-TW3")
    assert {row["status"] for row in grid["rows"]} == {None}
    assert summary.waiting(store.conn, None, "2026-TW3")["submitted"] == []
    monkeypatch.setattr(summary, "period_statuses",
                        lambda conn, period, unit=None: {"LPS-LOBAR": "diajukan", "BPS-MATARAM": "diverifikasi"})
    grid = summary.achievement_grid(store.conn, None, "2026-TW3")
    assert {row["unit_code"]: row["status"] for row in grid["rows"]}["LPS-LOBAR"] == "diajukan"
    assert [w["unit_code"] for w in summary.waiting(store.conn, None, "2026-TW3")["submitted"]] == ["LPS-LOBAR"]


def test_trend_of_a_unit_is_its_stored_targets_realisations_and_quarters(store):
    trends = {t["code"]: t for t in summary.trends(store.conn, "LPS-LOBAR")}
    stored_targets = {(r["indicator_code"], r["year"]): r["value"] for r in store.conn.execute(
        "SELECT * FROM indicator_target WHERE unit_code = 'LPS-LOBAR' AND deleted = 0")}
    for code, t in trends.items():
        assert t["targets"] == {y: stored_targets.get((code, y)) for y in range(2025, 2030)}
        reals = {r["period"]: r["value"] for r in queries.realisation_rows(store.conn, "LPS-LOBAR", code)}
        assert t["quarters"] == sorted((p, v) for p, v in reals.items() if "-TW" in p)
        assert t["actuals"] == {y: queries.rollup(reals, y, "last") for y in range(2025, 2030)}
        assert t["history"] == []        # the 2020-2024 history is the Kanwil's, not the UPT's
    assert trends["IKK 19.1"]["quarters"] == [("2026-TW1", 25.0), ("2026-TW2", 40.0), ("2026-TW3", 70.0)]


def test_trend_of_the_province_is_the_mean_of_the_units_and_the_linked_history(store):
    trends = {t["code"]: t for t in summary.trends(store.conn, None)}
    t = trends["IKK 17.1"]
    # realisations 2026: LPS-LOBAR 2.9 and BPS-MATARAM 2.9 (TW III), the Kanwil 3.5 (TW III)
    assert t["actuals"][2026] == pytest.approx((2.9 + 2.9 + 3.5) / 3) and t["units"] == 3
    assert t["actuals"][2025] == 3.0
    assert dict(t["quarters"])["2026-TW3"] == pytest.approx((2.9 + 2.9 + 3.5) / 3)
    targets = [r["value"] for r in store.conn.execute(
        "SELECT value FROM indicator_target WHERE indicator_code = 'IKK 17.1' AND year = 2027 AND deleted = 0 "
        "AND value IS NOT NULL")]
    assert t["targets"][2027] == pytest.approx(sum(targets) / len(targets))
    # history: the lines linked to each IKK, exactly as stored (Tabel 1.3, 2024)
    stored = {(r["indicator_name"], r["year"], r["measure"]): r["value"] for r in queries.performance_history(store.conn)}
    line = "Indeks kepuasan unit kerja lingkup UPT pemasyarakatan terhadap layanan kesekretariatan."
    assert trends["IKK 19.2"]["history"] == [{"year": 2024, "line": line, "target": stored[(line, 2024, "target")],
                                              "actual": stored[(line, 2024, "realisation")],
                                              "achievement": stored[(line, 2024, "achievement")]}]
    assert trends["IKK 19.2"]["history"][0]["actual"] == 3.86
    assert t["history"] == []           # IKK 17.1 has no predecessor line in the Renstra


def test_heat_map_counts_equal_the_register(store):
    for unit in (None, "KANWIL", "LPS-LOBAR"):
        risks = summary.risk_summary(store.conn, unit)
        register = queries.risk_rows(store.conn, unit)
        for stage in ("inherent", "residual"):
            expected = Counter((r[f"{stage}_likelihood"], r[f"{stage}_impact"]) for r in register
                               if r[f"{stage}_likelihood"] and r[f"{stage}_impact"])
            assert risks[stage] == dict(expected)
        assert risks["total"] == len(register)
    province = summary.risk_summary(store.conn, None)
    assert province["inherent"] == {(4, 4): 2, (5, 5): 1, (2, 2): 1}
    assert province["residual"] == {(3, 3): 2, (4, 5): 1, (1, 1): 1}
    # above appetite (10): the two UPT risks (besaran 14) and the Kanwil's (24); only the Kanwil's untreated
    assert (province["above_appetite"], province["untreated"]) == (3, 1)


def test_cell_lists_its_risks_and_the_untreated_list(store, built):
    [item] = summary.risks_in_cell(store.conn, None, "residual", 4, 5)
    assert item["risk"] == scenario.UNTREATED_RISK and item["residual"][2:] == (24, "Sangat tinggi")
    assert not item["treated"]
    upt = summary.risks_in_cell(store.conn, None, "inherent", 4, 4)
    assert {i["unit_code"] for i in upt} == set(scenario.UPTS) and all(i["treated"] for i in upt)
    assert summary.risks_in_cell(store.conn, None, "inherent", 1, 1) == []
    [untreated] = summary.risks_above_appetite(store.conn, None, untreated_only=True)
    assert untreated["id"] == built["high_risk"]
    # an RTP activity is a treatment: the risk leaves the list
    from renstra_desktop.core.cycle import risk_monitoring
    risk_monitoring.add_action(PlanService(store, "kanwil-staf"), "KANWIL", built["high_risk"],
                               {"action": "Enkripsi cakram", "schedule": "TW IV"})
    assert summary.risks_above_appetite(store.conn, None, untreated_only=True) == []
    assert summary.risk_summary(store.conn, None)["untreated"] == 0


def test_budget_absorption_per_unit_and_line_equals_the_funding_rows(store):
    budget = summary.budget_absorption(store.conn, None, 2026)
    kanwil = next(u for u in budget["units"] if u["unit_code"] == "KANWIL")
    lines = {line["line_code"]: line for line in queries.funding_rows(store.conn, "KANWIL")}
    for line in kanwil["lines"]:
        stored = lines[line["line_code"]]
        assert line["pagu"] == stored["allocation"][2026] and line["realised"] == stored["realised"][2026]
        expected = stored["realised"][2026] / stored["allocation"][2026] * 100 if stored["realised"][2026] else None
        assert line["absorption"] == (pytest.approx(expected) if expected else None)
    assert kanwil["realised"] == 7500.25
    assert kanwil["pagu"] == queries.money_sum(v["allocation"][2026] for v in lines.values())
    assert kanwil["absorption"] == pytest.approx(7500.25 / kanwil["pagu"] * 100)
    assert budget["realised"] == 7500.25     # no UPT has reported spending for 2026
    assert summary.budget_absorption(store.conn, None, 2027)["realised"] is None


def test_waiting_packages_not_received_this_quarter_and_open_conflicts(store, built, tmp_path):
    merged = {r["unit_code"]: r["merged_at"] for r in store.conn.execute("SELECT unit_code, merged_at FROM package_batch")}
    merged_day = _dt.datetime.fromisoformat(merged["LPS-LOBAR"].replace("Z", "+00:00")).astimezone(
        _dt.timezone(_dt.timedelta(hours=8))).date()
    now = summary.waiting(store.conn, None, "2026-TW3", today=merged_day)
    missing = {m["unit_code"] for m in now["packages_missing"]}
    units = {u["code"] for u in queries.units(store.conn) if u["unit_type"] != "kanwil"}
    assert missing == units - set(scenario.UPTS) and now["receives_packages"]
    later = summary.waiting(store.conn, None, "2026-TW3", today=merged_day + _dt.timedelta(days=100))
    lobar = next(m for m in later["packages_missing"] if m["unit_code"] == "LPS-LOBAR")
    assert {m["unit_code"] for m in later["packages_missing"]} == units and lobar["last_received"].endswith("WITA")
    assert now["conflicts"] == []
    # a real conflict: LPS-LOBAR restores an old copy of its file and edits a value the Kanwil already has
    upt_path = built["upts"]["LPS-LOBAR"]["path"]
    upt_copy = tmp_path / "lobar.renstra"
    shutil.copy(upt_path, upt_copy)
    for suffix in (".kunci", ".kunci.urutan"):
        src = upt_path.with_name(upt_path.name + suffix)
        if src.exists():
            shutil.copy(src, upt_copy.with_name(upt_copy.name + suffix))
    upt = Store.open(upt_copy)
    svc = PlanService(upt, "admin-lobar")
    row = upt.conn.execute("SELECT id FROM realisation WHERE unit_code = 'LPS-LOBAR' AND period = '2026-TW1' "
                           "AND indicator_code = 'IKK 17.1'").fetchone()
    backup = upt.save_copy(tmp_path / "lama.renstra")
    svc.update("realisation", row["id"], {"value": "2,55"})
    merge_packages(store, [export_package(upt, folder=tmp_path).path], actor="kanwil", trust_new_keys=True)
    upt.close()
    shutil.copy(backup, upt_copy)
    upt = Store.open(upt_copy)
    PlanService(upt, "admin-lobar").update("realisation", row["id"], {"value": "2,7"})
    merge_packages(store, [export_package(upt, folder=tmp_path).path], actor="kanwil", trust_new_keys=True)
    upt.close()
    conflicts = summary.waiting(store.conn, None, "2026-TW3")["conflicts"]
    assert conflicts == [{"unit_code": "LPS-LOBAR", "unit_name": queries.unit_names(store.conn)["LPS-LOBAR"],
                          "open": len(open_conflicts(store.conn))}] and conflicts[0]["open"] >= 1


def test_a_unit_file_receives_no_packages(built, tmp_path):
    path = tmp_path / "lobar.renstra"
    shutil.copy(built["upts"]["LPS-LOBAR"]["path"], path)
    upt = Store.open(path)
    try:
        result = summary.summary(upt.conn, "LPS-LOBAR", "2026-TW3")
        assert result["waiting"]["receives_packages"] is False and result["waiting"]["packages_missing"] == []
        assert [row["unit_code"] for row in result["grid"]["rows"]] == ["LPS-LOBAR"]
        assert result["risks"]["inherent"] == {(4, 4): 1}
    finally:
        upt.close()


def test_summary_reads_only(store):
    before = store.conn.total_changes
    summary.summary(store.conn, None, "2026-TW3")
    assert store.conn.total_changes == before


def test_history_links_are_a_setting_and_a_malformed_one_falls_back(store):
    from renstra_desktop.core.settings import DEFAULTS
    svc = PlanService(store, "kanwil-staf")
    line = "Indeks penegakan hukum pemasyarakatan di wilayah."
    svc.insert("setting", {"key": "history_links", "value": {"IKK 17.1": [line]}})
    trends = {t["code"]: t for t in summary.trends(store.conn, None)}
    assert [(p["year"], p["target"], p["actual"]) for p in trends["IKK 17.1"]["history"]] == [(2024, 3.6, 4.61)]
    assert trends["IKK 19.2"]["history"] == []
    row = store.conn.execute("SELECT id FROM setting WHERE key = 'history_links'").fetchone()
    svc.update("setting", row["id"], {"value": ["bukan", "peta"]})
    assert load_settings(store.conn).history_links == DEFAULTS["history_links"]
