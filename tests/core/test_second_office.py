"""A second office end to end (issue 12 §2): Sulawesi Tengah, four units, four indicators,
2030-2034, made from a filled rencana template; edited, packaged, merged, reported (every kind,
read back), summarised and taken through the yearly cycle of 2030."""
from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from renstra_desktop.cli import main
from renstra_desktop.core import summary
from renstra_desktop.core.cycle import action_plan, agreement
from renstra_desktop.core.errors import ValidationError
from renstra_desktop.core.newplan import create_plan, read_source
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.plan_profile import load_profile
from renstra_desktop.core.reports import KINDS, build_report
from renstra_desktop.core.reports.base import CYCLE_KINDS, ReportOptions
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store
from tests.second_office import OFFICE, UPT, YEARS, make_workbook

FORBIDDEN = ("NTB", "Nusa Tenggara", "Mataram", "2025", "2029")


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """Kanwil file from the workbook (CLI init --from), a UPT file from the Kanwil's package, the
    UPT's realisations of 2030 sent back and merged."""
    folder = tmp_path_factory.mktemp("sulteng")
    book = make_workbook(folder)
    kanwil_path, upt_path = folder / "kanwil.renstra", folder / "lapas-palu.renstra"
    assert main(["init", str(kanwil_path), "--from", str(book)]) == 0
    kanwil = Store.open(kanwil_path)
    svc = PlanService(kanwil, "staf-kanwil")
    for code, value in (("IKK 1.1", 3.1), ("IKK 1.2", 62.0), ("IKK 2.1", 75.0), ("IKK 2.2", 9.0)):
        row = kanwil.conn.execute("SELECT id FROM indicator_target WHERE unit_code = ? AND indicator_code = ? "
                                  "AND year = 2030", (UPT, code)).fetchone()
        svc.update("indicator_target", row["id"], {"value": value})
    kpkg = export_package(kanwil, folder=folder).path
    upt = create_plan(upt_path, read_source(book), UPT)
    merge_packages(upt, [kpkg], actor="admin-palu", trust_new_keys=True)
    usvc = PlanService(upt, "admin-palu")
    for q, value in enumerate((2.8, 2.9, 3.0), 1):
        usvc.insert("realisation", {"unit_code": UPT, "indicator_code": "IKK 1.1", "period": f"2030-TW{q}",
                                    "value": value, "evidence": f"Laporan TW {q}"})
    usvc.insert("realisation", {"unit_code": UPT, "indicator_code": "IKK 2.2", "period": "2030",
                                "value": "7,5", "evidence": "LHP Inspektorat"})
    agreement.draft_agreement(usvc, UPT, 2030)          # the yearly cycle of the plan's first year
    action_plan.draft_action_plan(usvc, UPT, 2030)
    upkg = export_package(upt, folder=folder).path
    upt.close()
    report = merge_packages(kanwil, [upkg], actor="staf-kanwil", trust_new_keys=True)
    kanwil.close()
    return {"folder": folder, "book": book, "kanwil": kanwil_path, "upt": upt_path, "merge": report}


def test_the_plan_is_the_workbook(province):
    with Store.open(province["kanwil"], readonly=True) as store:
        profile = load_profile(store.conn)
        units = [r[0] for r in store.conn.execute("SELECT code FROM unit ORDER BY seq")]
        inds = [r[0] for r in store.conn.execute("SELECT code FROM indicator ORDER BY seq")]
        years = sorted({r[0] for r in store.conn.execute("SELECT year FROM indicator_target")})
        targets = dict(store.conn.execute("SELECT year, value FROM indicator_target WHERE unit_code = 'KANWIL' "
                                          "AND indicator_code = 'IKK 1.2'").fetchall())
        alloc = dict(store.conn.execute("SELECT year, allocation FROM funding WHERE line_code = 'SK 1' "
                                        "AND unit_code = 'KANWIL'").fetchall())
        manual = store.conn.execute("SELECT definition, national_standard FROM indicator_manual "
                                    "WHERE indicator_code = 'IKK 1.1'").fetchone()
        risk = store.conn.execute("SELECT treatments, cause FROM risk WHERE seq = 1").fetchone()
        zone = store.conn.execute("SELECT value FROM setting WHERE key = 'time_zone'").fetchone()[0]
    assert (profile.name, profile.province, profile.place, profile.years) == (OFFICE, "Sulawesi Tengah", "Palu", YEARS)
    assert units == ["KANWIL", UPT, "RTN-DONGGALA", "BPS-PALU"] and inds == ["IKK 1.1", "IKK 1.2", "IKK 2.1", "IKK 2.2"]
    assert years == list(YEARS)
    assert targets == {2030: 60.0, 2031: 65.0, 2032: 70.0, 2033: 75.0, 2034: 80.0}     # typed as text "60"
    assert alloc == {2030: 4000.0, 2031: 4100.5, 2032: 4200.0, 2033: 4300.0, 2034: 4400.0}   # "4.100,5"
    assert tuple(manual) == ("Rerata indeks", 3.0)
    assert json.loads(risk["treatments"]) == ["Patroli terjadwal", "Penggeledahan"] and risk["cause"] == "Kepadatan hunian"
    assert json.loads(zone) == "WITA"


def test_edit_package_merge(province):
    result = province["merge"].results[0]
    assert result.tables["realisation"]["new"] == 4
    with Store.open(province["kanwil"], readonly=True) as store:
        got = store.conn.execute("SELECT period, value FROM realisation WHERE unit_code = ? ORDER BY period",
                                 (UPT,)).fetchall()
        assert [tuple(r) for r in got] == [("2030", 7.5), ("2030-TW1", 2.8), ("2030-TW2", 2.9), ("2030-TW3", 3.0)]
    with Store.open(province["upt"], readonly=True) as store:    # the UPT got the office with the package
        assert load_profile(store.conn).name == OFFICE
        assert store.conn.execute("SELECT value FROM indicator_target WHERE unit_code = ? AND indicator_code = "
                                  "'IKK 1.2' AND year = 2030", (UPT,)).fetchone()[0] == 62.0


def test_years_outside_the_plan_are_refused(province, tmp_path):
    import shutil
    path = tmp_path / "k.renstra"
    shutil.copy(province["kanwil"], path)
    with Store.open(path) as store:
        svc = PlanService(store, "staf")
        with pytest.raises(ValidationError, match="2030–2034"):
            svc.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 1.1", "period": "2026-TW1",
                                       "value": 3})
        with pytest.raises(ValidationError, match="2030–2034"):
            svc.insert("roadmap_item", {"unit_code": "KANWIL", "aspect": "Pembinaan", "year": 2029, "seq": 9,
                                        "text": "x", "status": "rencana"})


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _cycle_2030(path):
    with Store.open(path) as store:
        svc = PlanService(store, "staf-kanwil")
        agreement.draft_agreement(svc, "KANWIL", 2030)
        action_plan.draft_action_plan(svc, "KANWIL", 2030)
        pk = agreement.agreement(store.conn, UPT, 2030)
        plan = action_plan.action_plan_rows(store.conn, UPT, 2030)
    return pk, plan


@pytest.mark.parametrize("unit", [None, "KANWIL", UPT])
def test_every_report_names_the_office_and_its_years(province, tmp_path, unit):
    import shutil
    path = tmp_path / "k.renstra"
    shutil.copy(province["kanwil"], path)
    pk, plan = _cycle_2030(path)
    assert {t["code"] for t in pk["targets"]} >= {"IKK 1.1", "IKK 2.2"} and plan
    with Store.open(path, readonly=True) as store:
        for kind in KINDS:
            if kind in CYCLE_KINDS and unit is None:
                continue
            period = "2030-S1" if kind == "lkjip" else ("2030-TW3" if kind in ("ringkasan", "pemantauan-risiko",
                                                                                "pengukuran") else None)
            opts = ReportOptions(kind, unit=unit, year=None if period else 2030, period=period)
            text = _text(build_report(store.conn, opts).pdf)
            flat = " ".join(text.split())
            where = f"{kind} ({unit or 'semua'})"
            for word in FORBIDDEN:
                assert word.upper() not in flat.upper(), f"{where}: “{word}” in the report"
            assert "2030" in flat, where
            if kind in ("pendanaan", "roadmap", "lampiran") or (kind == "capaian" and unit is None):   # the span
                assert "2034" in flat, where
            if kind != "lampiran":
                assert "SULAWESI TENGAH" in flat.upper(), where


def test_ringkasan_and_trends_span_the_plan(province):
    with Store.open(province["kanwil"], readonly=True) as store:
        data = summary.summary(store.conn, None, "2030-TW3")
    trend = next(t for t in data["trends"] if t["code"] == "IKK 1.1")
    assert list(trend["targets"]) == list(YEARS) and trend["history_years"] == [2025, 2026, 2027, 2028, 2029]
    assert trend["actuals"][2030] == 3.0
    assert [i["code"] for i in data["grid"]["indicators"]] == ["IKK 1.1", "IKK 1.2", "IKK 2.1", "IKK 2.2"]
    grid = {r["unit_code"]: r for r in data["grid"]["rows"]}
    assert list(grid) == ["KANWIL", UPT, "RTN-DONGGALA", "BPS-PALU"]
    # TW III: 3,0 against the Rencana Aksi's TW III target 3,1 (the PK target of 2030, cumulative)
    assert grid[UPT]["cells"]["IKK 1.1"]["achievement"] == pytest.approx(3.0 / 3.1 * 100)


def test_json_of_the_second_office_makes_the_same_plan(province, tmp_path, capsys):
    """init --from PLAN.json: the dump of the second office loads into a new file unchanged."""
    capsys.readouterr()
    assert main(["dump", str(province["kanwil"])]) == 0
    dumped = capsys.readouterr().out
    (tmp_path / "plan.json").write_text(dumped, encoding="utf-8")
    assert main(["init", str(tmp_path / "copy.renstra"), "--from", str(tmp_path / "plan.json")]) == 0
    assert "Renstra 2030-2034" in capsys.readouterr().out
    assert main(["dump", str(tmp_path / "copy.renstra")]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["tables"] == json.loads(dumped)["tables"]


def test_excel_export_templates_and_import_follow_the_plans_years(province, tmp_path):
    """The workbook of a 2030–2034 plan has its own year columns, and a filled pendanaan template
    imports back into that plan (issue 12: nothing assumes 2025–2029)."""
    import shutil

    from openpyxl import load_workbook

    from renstra_desktop.core.excel.export import export_workbook
    from renstra_desktop.core.excel.importer import import_workbook
    from renstra_desktop.core.excel.template import export_template

    copy = tmp_path / "palu.renstra"
    shutil.copy(province["upt"], copy)
    with Store.open(copy) as store:
        out = export_workbook(store.conn, tmp_path / "semua.xlsx", UPT, 2030)
        book = load_workbook(out)
        headers = [c.value for c in book["Indikator"][1]] + [c.value for c in book["Pendanaan"][1]]
        assert {"Target 2030", "Target 2034", "Alokasi 2030", "Realisasi 2034"} <= set(headers)
        assert not any("2025" in str(h) or "2029" in str(h) for h in headers)
        path = export_template(store.conn, tmp_path / "dana.xlsx", "pendanaan", UPT, 2030)
        book = load_workbook(path)
        sheet = book["Pendanaan"]
        col = {c.value: c.column for c in sheet[1]}
        sheet.cell(row=2, column=col["Alokasi 2031"], value=1250.5)
        line = sheet.cell(row=2, column=col["SK/IKK"]).value
        book.save(path)
        report = import_workbook(PlanService(store, "admin-palu"), path)
        assert report.changed + report.added >= 1
        got = store.conn.execute("SELECT allocation FROM funding WHERE unit_code = ? AND line_code = ? AND year = 2031",
                                 (UPT, line)).fetchone()
        assert got["allocation"] == 1250.5
