"""The yearly performance cycle in the core: unit indicators, PK and PK Perubahan, Rencana Aksi
(TW IV rule), quarter grading against the quarter's target, a year's figure naming its period,
evidence files with limits, narrative, risk monitoring, and the new tables in dump/load and in
packages (UPT -> Kanwil round trip carries the rows and the evidence bytes)."""
from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from cycle_scenario import PDF_BYTES, UPTS, YEAR, province_copy
from renstra_desktop.core import queries
from renstra_desktop.core.cycle import action_plan, agreement, evidence, indicators, measurement, narrative
from renstra_desktop.core.cycle import risk_monitoring
from renstra_desktop.core.cycle.grading import period_target
from renstra_desktop.core.errors import NotFound, PermissionDenied, ValidationError
from renstra_desktop.core.plan_json import dump_plan, load_plan
from renstra_desktop.core.schema import TABLES
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store
from renstra_desktop.core.write_rules import units_may_define

CYCLE_TABLES = ("unit_indicator", "indicator_manual", "performance_agreement", "pk_target", "pk_budget",
                "action_plan", "measurement_note", "evidence_file", "report_narrative", "risk_action",
                "risk_action_status", "risk_quarter", "risk_event")


@pytest.fixture
def prov(tmp_path, tmp_path_factory):
    return province_copy(tmp_path, tmp_path_factory)


def _open(path):
    store = Store.open(path)
    return store, PlanService(store, "penguji")


def _by_code(rows):
    return {r["code"]: r for r in rows}


def test_quarter_is_graded_against_its_rencana_aksi_target_not_the_year(prov):
    store, _ = _open(prov["LPS-LOBAR"])
    with store:
        rows = _by_code(measurement.measurement(store.conn, "LPS-LOBAR", f"{YEAR}-TW2"))
        r = rows["IKK 19.1"]
        # TW II target 50 (cumulative), realisation 40: 80 % "Cukup"; against the year's 100: 40 %
        assert r["period_graded"]["target"] == 50.0 and r["period_graded"]["actual"] == 40.0
        assert r["period_graded"]["achievement"] == pytest.approx(80.0)
        assert r["period_graded"]["grade"] == "Cukup"
        assert r["against_year"]["achievement"] == pytest.approx(40.0)
        assert r["against_year"]["grade"] == "Sangat kurang"
        q = [g["target"] for g in r["quarters_graded"]]
        assert q == [25.0, 50.0, 75.0, 100.0]


def test_semester_target_follows_the_aggregation(prov):
    store, _ = _open(prov["BPS-MATARAM"])
    with store:
        rows = _by_code(measurement.measurement(store.conn, "BPS-MATARAM", f"{YEAR}-S1"))
        own = rows["BPS-MATARAM.1"]           # a sum: S1 = TW I + TW II = 200; realised 98 + 110
        assert own["period_graded"]["target"] == 200.0
        assert own["period_graded"]["actual"] == 208.0
        assert own["period_graded"]["grade"] == "Tercapai"
        cum = rows["IKK 17.1"]                # last value: S1 = TW II's target
        assert cum["period_graded"]["target"] == 2.8
    assert period_target([1, 2, 3, 4], "mean", "2026-S2", 2.5) == 3.5
    assert period_target([1, 2, 3, 4], "last", "2026", 9) == 9


def test_year_figure_names_the_period_it_stands_on(prov):
    store, svc = _open(prov["LPS-LOBAR"])
    with store:
        rows = [r for r in queries.indicator_rows(store.conn, "LPS-LOBAR", YEAR) if r["indicator_code"] == "IKK 17.1"]
        assert rows[0]["actual"] == 2.9 and rows[0]["actual_through"] == "s.d. TW III"
        svc.insert("realisation", {"unit_code": "LPS-LOBAR", "indicator_code": "IKK 17.1", "period": str(YEAR),
                                   "value": 3.1})
        rows = [r for r in queries.indicator_rows(store.conn, "LPS-LOBAR", YEAR) if r["indicator_code"] == "IKK 17.1"]
        assert rows[0]["actual"] == 3.1 and rows[0]["actual_through"] == ""


def test_tw4_must_reach_the_pk_target_or_carry_a_reason(prov):
    store, svc = _open(prov["LPS-LOBAR"])
    with store:
        before = store.conn.execute("SELECT tw4, row_version FROM action_plan WHERE indicator_code = 'IKK 17.1'").fetchone()
        with pytest.raises(ValidationError, match="tidak sama dengan target PK .*alasan"):
            action_plan.set_action_plan(svc, "LPS-LOBAR", YEAR, "IKK 17.1", {"tw4": 3.0})
        assert tuple(store.conn.execute("SELECT tw4, row_version FROM action_plan WHERE indicator_code = 'IKK 17.1'")
                     .fetchone()) == tuple(before)
        action_plan.set_action_plan(svc, "LPS-LOBAR", YEAR, "IKK 17.1",
                                    {"tw4": 3.0, "tw4_reason": "Anggaran asesmen dipotong"})
        assert store.conn.execute("SELECT tw4 FROM action_plan WHERE indicator_code = 'IKK 17.1'").fetchone()[0] == 3.0


def test_sum_indicator_quarters_add_up(prov):
    store, svc = _open(prov["BPS-MATARAM"])
    with store:
        with pytest.raises(ValidationError, match="jumlah TW I-IV \\(390\\)"):
            action_plan.set_action_plan(svc, "BPS-MATARAM", YEAR, "BPS-MATARAM.1", {"tw4": 90})


def test_pk_perubahan_keeps_the_first(prov):
    store, svc = _open(prov["LPS-LOBAR"])
    with store:
        first = agreement.agreement(store.conn, "LPS-LOBAR", YEAR, 0)
        with pytest.raises(ValidationError, match="alasan"):
            agreement.revise_agreement(svc, "LPS-LOBAR", YEAR, "  ")
        revision, _ = agreement.revise_agreement(svc, "LPS-LOBAR", YEAR, "Revisi DIPA Juni 2026")
        agreement.set_target(svc, "LPS-LOBAR", YEAR, "IKK 17.1", "3,3")
        assert revision == 1
        assert agreement.agreement(store.conn, "LPS-LOBAR", YEAR, 0)["targets"] == first["targets"]
        now = agreement.agreement(store.conn, "LPS-LOBAR", YEAR)
        assert now["revision"] == 1 and now["head"]["change_reason"] == "Revisi DIPA Juni 2026"
        assert now["changed"] == [{"code": "IKK 17.1", "before": 3.2, "after": 3.3}]
        assert agreement.pk_targets(store.conn, "LPS-LOBAR", YEAR)["IKK 17.1"] == 3.3


def test_pk_is_drawn_from_the_renstra(prov):
    store, _ = _open(prov["LPS-LOBAR"])
    with store:
        pk = agreement.agreement(store.conn, "LPS-LOBAR", YEAR, 0)
        targets = {t["code"]: t["target"] for t in pk["targets"]}
        assert targets == {"IKK 17.1": 3.2, "IKK 19.1": 100.0, "IKK 19.2": 3.5, "LPS-LOBAR.1": 80.0}
        assert pk["head"]["first_nip"] == "19700101 199503 1 002"
        with pytest.raises(ValidationError, match="sudah ada"):
            agreement.draft_agreement(PlanService(store, "x"), "LPS-LOBAR", YEAR)


def test_unit_defines_its_own_indicators_only_when_the_kanwil_allows(prov):
    store, svc = _open(prov["LPS-LOBAR"])
    values = {"objective_name": "Sasaran", "name": "Indikator sendiri", "parent_code": "IKK 19.1"}
    with store:
        with pytest.raises(PermissionDenied, match="ditetapkan Kantor Wilayah"):
            indicators.define_indicator(svc, "LPS-LOBAR", values)
        assert store.conn.execute("SELECT count(*) FROM unit_indicator WHERE unit_code = 'LPS-LOBAR'").fetchone()[0] == 1
    kanwil, ksvc = _open(prov["kanwil"])
    with kanwil:
        ksvc.insert("setting", {"key": indicators.SETTING, "value": True})
        assert units_may_define(kanwil.conn)
        with pytest.raises(ValidationError, match="mendukung salah satu IKK"):
            indicators.define_indicator(ksvc, "LPS-LOBAR", {**values, "parent_code": "IKK 99"})
        with pytest.raises(ValidationError, match="sudah dipakai IKK"):
            indicators.define_indicator(ksvc, "LPS-LOBAR", {**values, "code": "IKK 17.1"})
    # the setting reaches the UPT in the Kanwil's package; simulate it by writing it as the Kanwil does
    conn = sqlite3.connect(prov["LPS-LOBAR"])
    conn.execute("INSERT INTO setting (id, owner_unit, created_at, updated_at, updated_by, key, value) "
                 "VALUES ('6b0c6f5e-0000-4000-8000-000000000001', 'KANWIL', 'x', 'x', 'x', ?, 'true')",
                 (indicators.SETTING,))
    conn.commit()
    conn.close()
    store, svc = _open(prov["LPS-LOBAR"])
    with store:
        row_id, _ = indicators.define_indicator(svc, "LPS-LOBAR", values)
        row = svc.row("unit_indicator", row_id)
        assert row["code"] == "LPS-LOBAR.2" and row["owner_unit"] == "LPS-LOBAR" and row["rollup"] == "last"
        with pytest.raises(PermissionDenied):
            indicators.define_indicator(svc, "BPS-MATARAM", values)


def test_tree_and_manual(prov):
    store, _ = _open(prov["kanwil"])
    with store:
        tree = {n["code"]: n for n in indicators.tree(store.conn, None)}
        assert sorted(c["code"] for c in tree["IKK 17.1"]["children"]) == ["BPS-MATARAM.1", "LPS-LOBAR.1"]
        assert tree["IKK 19.1"]["children"] == []
        man = _by_code(indicators.manual(store.conn, "LPS-LOBAR"))
        assert man["LPS-LOBAR.1"]["formula"] == "realisasi / sasaran × 100%"
        assert man["IKK 17.1"]["data_source"] == "Sistem Database Pemasyarakatan"     # the Kanwil's manual
        assert man["LPS-LOBAR.1"]["rollup_label"].startswith("Nilai terakhir")


def test_evidence_round_trip_and_refusals(prov, tmp_path):
    store, svc = _open(prov["LPS-LOBAR"])
    with store:
        listed = evidence.list_evidence(store.conn, "LPS-LOBAR", period=f"{YEAR}-TW2")
        pdf = next(e for e in listed if e["file_name"] == "notulen-tw2.pdf")
        assert pdf["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest() and pdf["size"] == len(PDF_BYTES)
        assert evidence.evidence_content(store.conn, pdf["id"]) == ("notulen-tw2.pdf", PDF_BYTES)
        count = store.count("evidence_file")
        audit = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        bad = [("laporan.pdf", b"PK\x03\x04 not a pdf", "bukan PDF"), ("x.exe", b"MZ", "tidak diterima"),
               ("kosong.png", b"", "kosong"),
               ("besar.pdf", b"%PDF-" + b"0" * evidence.MAX_FILE_BYTES, "melebihi batas")]
        for name, data, message in bad:
            with pytest.raises(ValidationError, match=message):
                evidence.add_evidence(svc, "LPS-LOBAR", "IKK 17.1", f"{YEAR}-TW2", name=name, data=data)
        with pytest.raises(ValidationError, match="per paket"):
            for i in range(10):
                evidence.add_evidence(svc, "LPS-LOBAR", "IKK 17.1", f"{YEAR}-TW3", name=f"b{i}.pdf",
                                      data=b"%PDF-" + bytes(evidence.MAX_FILE_BYTES - 5))
        assert store.count("evidence_file") == count + 5           # five fitted under 24 MiB, the sixth refused
        assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit + 5
        # the audit keeps the digest, not a second copy of the bytes
        longest = store.conn.execute("SELECT max(length(new_value)) FROM audit_log").fetchone()[0]
        assert longest < 10_000
        out = evidence.save_evidence(store.conn, pdf["id"], tmp_path)
        assert out.read_bytes() == PDF_BYTES
        with pytest.raises(Exception, match="sudah ada"):
            evidence.save_evidence(store.conn, pdf["id"], tmp_path)
    # a tampered content is refused on read
    conn = sqlite3.connect(prov["LPS-LOBAR"])
    conn.execute("UPDATE evidence_file SET content = 'QUJD' WHERE id = ?", (pdf["id"],))
    conn.commit()
    conn.close()
    store, _ = _open(prov["LPS-LOBAR"])
    with store, pytest.raises(ValidationError, match="tidak cocok dengan sidik SHA-256"):
        evidence.evidence_content(store.conn, pdf["id"])


def test_package_round_trip_carries_the_new_rows_and_evidence_bytes(prov):
    kanwil = Store.open(prov["kanwil"])
    with kanwil:
        for unit in UPTS:
            upt = Store.open(prov[unit])
            with upt:
                for table in CYCLE_TABLES:
                    mine = upt.conn.execute(f"SELECT * FROM {table} WHERE owner_unit = ? ORDER BY id", (unit,)).fetchall()
                    theirs = kanwil.conn.execute(f"SELECT * FROM {table} WHERE owner_unit = ? ORDER BY id",
                                                 (unit,)).fetchall()
                    cols = [c for c in mine[0].keys() if c != "origin"] if mine else []
                    assert [[r[c] for c in cols] for r in mine] == [[r[c] for c in cols] for r in theirs], table
                # the unit's own indicator came from the Kanwil's package
                assert upt.conn.execute("SELECT owner_unit FROM unit_indicator WHERE unit_code = ?",
                                        (unit,)).fetchone()[0] == "KANWIL"
            ids = [e["id"] for e in evidence.list_evidence(kanwil.conn, unit)]
            assert len(ids) == 2
            name, data = evidence.evidence_content(kanwil.conn, ids[0])
            assert hashlib.sha256(data).hexdigest() == kanwil.conn.execute(
                "SELECT sha256 FROM evidence_file WHERE id = ?", (ids[0],)).fetchone()[0]
        for table in ("performance_agreement", "pk_target", "action_plan", "measurement_note", "evidence_file",
                      "report_narrative", "risk_action", "risk_action_status", "risk_quarter", "risk_event"):
            units = {r[0] for r in kanwil.conn.execute(f"SELECT DISTINCT owner_unit FROM {table}")}
            assert set(UPTS) <= units, table


def test_upt_package_may_not_carry_another_units_rows(prov, tmp_path):
    """A UPT writing a unit indicator for another unit is refused by the service (the package rule
    is the same: only the Kanwil sets rows for other units)."""
    store, svc = _open(prov["LPS-LOBAR"])
    with store, pytest.raises(PermissionDenied):
        svc.insert("measurement_note", {"unit_code": "BPS-MATARAM", "indicator_code": "IKK 17.1", "period": "2026-TW1"})


def test_dump_load_round_trip_includes_the_cycle_tables(prov, tmp_path):
    store = Store.open(prov["LPS-LOBAR"])
    with store:
        data = dump_plan(store)
    for table in CYCLE_TABLES:
        assert table in data["tables"]
    assert data["tables"]["evidence_file"][0]["content"]
    target = tmp_path / "copy.renstra"
    load_plan(target, json.loads(json.dumps(data)), actor="penguji")
    copy = Store.open(target)
    with copy:
        again = dump_plan(copy)
    assert again["tables"] == data["tables"]
    broken = json.loads(json.dumps(data))
    broken["tables"]["evidence_file"][0]["content"] = "not base64!"
    with pytest.raises(ValidationError, match="base64"):
        load_plan(tmp_path / "other.renstra", broken, actor="penguji")
    assert not (tmp_path / "other.renstra").exists()


def test_every_cycle_table_is_declared_and_matches_the_migration(kanwil_store):
    for table in CYCLE_TABLES:
        cols = [r[1] for r in kanwil_store.conn.execute(f"PRAGMA table_info({table})")][9:]
        assert tuple(cols) == TABLES[table].columns, table


def test_narrative_is_reduced_to_the_simple_subset(prov):
    qt_html = ('<html><head><style>p {}</style></head><body><p style="margin:0"><span style=" font-weight:700;">'
               'Tebal</span> dan <span style=" font-style:italic;">miring</span> &amp; biasa</p>'
               '<ul><li>satu</li><li>dua</li></ul><table><tr><td>x</td></tr></table><script>alert(1)</script></body></html>')
    assert narrative.clean_html(qt_html) == ("<p><b>Tebal</b> dan <i>miring</i> &amp; biasa</p><ul><li>satu</li>"
                                             "<li>dua</li></ul>x")
    assert narrative.clean_html("a\nb\n\nc") == "<p>a<br/>b</p><p>c</p>"
    assert narrative.blocks("<p><b>x</b> y</p><ul><li>z</li></ul>") == [("p", "<b>x</b> y"), ("li", "z")]
    assert narrative.runs("<b>x</b> y<br/>z") == [("x", {"b"}), (" y", set()), ("\n", set()), ("z", set())]
    store, svc = _open(prov["LPS-LOBAR"])
    with store:
        with pytest.raises(ValidationError, match="Periode LKjIP"):
            narrative.set_section(svc, "LPS-LOBAR", "2026-TW1", "penutup", "x")
        with pytest.raises(ValidationError, match="Bagian"):
            narrative.set_section(svc, "LPS-LOBAR", "2026-S1", "bab9", "x")


def test_risk_monitoring_quarter(prov):
    store, svc = _open(prov["LPS-LOBAR"])
    with store:
        m = risk_monitoring.monitoring(store.conn, "LPS-LOBAR", f"{YEAR}-TW2")
        risk = next(r for r in m["risks"] if r["risk"] == "Gangguan keamanan di blok hunian")
        assert risk["inherent"][2:] == (19, "Tinggi") and risk["end"] == (2, 3, 11, "Sedang")
        assert [a["status"] for a in risk["actions"]] == ["berjalan"]
        assert risk["events"][0]["event_date"] == f"{YEAR}-05-14"
        assert m["heat_before"][3][3] == 1 and m["heat_after"][1][2] == 1
        # TW1: no assessment yet -> the register's residual; no events
        m1 = risk_monitoring.monitoring(store.conn, "LPS-LOBAR", f"{YEAR}-TW1")
        r1 = next(r for r in m1["risks"] if r["id"] == risk["id"])
        assert r1["end"][:2] == (3, 3) and not r1["events"]
        assert r1["actions"][0]["status"] == "belum"
        with pytest.raises(ValidationError, match="bukan triwulan"):
            risk_monitoring.set_residual(svc, "LPS-LOBAR", risk["id"], "2026-S1", 1, 1)
        with pytest.raises(ValidationError, match="1 sampai 5"):
            risk_monitoring.set_residual(svc, "LPS-LOBAR", risk["id"], "2026-TW3", 6, 1)
        with pytest.raises(NotFound):
            risk_monitoring.add_action(svc, "LPS-LOBAR", "no-such-risk", {"action": "x"})


def test_the_unit_indicator_setting_holds_for_every_writer_not_only_define_indicator(prov):
    """A UPT's own indicator written as a plain row (a cell edit, a JSON load, an import) is refused
    under the same setting as define_indicator; the Kanwil may always write them (they cascade)."""
    store, svc = _open(prov["LPS-LOBAR"])
    row = {"unit_code": "LPS-LOBAR", "code": "LPS-LOBAR.9", "seq": 9, "objective_name": "Sasaran",
           "name": "Lewat pintu umum", "parent_code": "IKK 19.1", "polarity": "higher", "rollup": "last",
           "measure": "%"}
    with store:
        before = store.conn.execute("SELECT count(*) FROM unit_indicator").fetchone()[0]
        with pytest.raises(PermissionDenied, match="ditetapkan Kantor Wilayah"):
            svc.insert("unit_indicator", row)
        assert store.conn.execute("SELECT count(*) FROM unit_indicator").fetchone()[0] == before
    kanwil, ksvc = _open(prov["kanwil"])
    with kanwil:
        ksvc.insert("unit_indicator", row)        # the Kanwil sets a unit's indicators without the setting


def test_an_evidence_file_over_the_limit_is_refused_by_every_writer(prov, tmp_path):
    """The 4 MiB limit is a schema bound: a row written by hand, a JSON load or a package carrying a
    bigger file is refused with the sizes named, not only add_evidence's path."""
    import base64
    import hashlib

    from renstra_desktop.core.packages.package_rules import invalid_cells
    from renstra_desktop.core.schema import EVIDENCE_BYTES

    data = b"x" * (EVIDENCE_BYTES + 3)
    row = {"unit_code": "LPS-LOBAR", "indicator_code": "IKK 19.1", "period": f"{YEAR}-TW1", "file_name": "besar.pdf",
           "media_type": "application/pdf", "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
           "content": base64.b64encode(data).decode("ascii")}
    store, svc = _open(prov["LPS-LOBAR"])
    with store:
        with pytest.raises(ValidationError, match="melebihi batas 4,0 MiB"):
            svc.insert("evidence_file", {**row, "size": 10})
        with pytest.raises(ValidationError, match="Ukuran"):
            svc.insert("evidence_file", row)
    meta = {"owner_unit": "LPS-LOBAR", "created_at": "2026-01-01T00:00:00.000000Z", "updated_at":
            "2026-01-01T00:00:00.000000Z", "updated_by": "x", "origin": None, "row_version": 1, "base_version": 0,
            "deleted": 0}
    full = {"id": "5b0c6f5e-0000-4000-8000-000000000001", **meta, **row}
    found = invalid_cells("evidence_file", tuple(full), [tuple(full.values())])
    assert {c for _id, c, _why in found} >= {"size", "content"}
