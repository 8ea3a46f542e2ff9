"""Every number is bounded to what its column can mean and print (issue 8: a value of 1e308 passed
load, export and merge, then the Kanwil's reports crashed).  The bounds are declared once in
schema.Field; the service, JSON load and the package reader all refuse beyond them."""
import copy
import json

import pytest
from package_fixtures import UPT, add_realisations, make_unit_plan, rows_of, sha

from renstra_desktop.core import plan_json
from renstra_desktop.core.errors import ValidationError
from renstra_desktop.core.packages.keys import installation_key
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.package_export import write_package
from renstra_desktop.core.reports.build import ReportOptions, build_report
from renstra_desktop.core.schema import TABLES
from renstra_desktop.core.store import Store, latest_schema_version
from renstra_desktop.core.validation import clean_value


def test_every_number_field_has_finite_bounds():
    for spec in TABLES.values():
        for f in spec.fields:
            if f.kind in ("number", "int", "score", "year"):
                low, high = f.limits
                assert -1e15 <= low < high <= 1e15, (spec.name, f.name)


@pytest.mark.parametrize("typed", ["1e308", 1e308, 10 ** 400, 2 ** 63, -5, "2.000.000"])
def test_the_service_refuses_a_realisation_beyond_its_bounds(kanwil_service, kanwil_path, typed):
    before = sha(kanwil_path)
    with pytest.raises(ValidationError) as info:
        kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1",
                                              "period": "2026", "value": typed})
    assert info.value.message and "\n" not in info.value.message
    assert sha(kanwil_path) == before


def test_money_and_scores_have_their_own_bounds():
    funding = TABLES["funding"].field_map["allocation"]
    assert clean_value(funding, "16.985,15") == 16985.15
    with pytest.raises(ValidationError, match="di luar batas"):
        clean_value(funding, 1e10)
    with pytest.raises(ValidationError, match="1 sampai 5"):
        clean_value(TABLES["risk"].field_map["inherent_impact"], 6)


def test_load_refuses_1e308_and_writes_nothing(kanwil_path):
    store = Store.open(kanwil_path, readonly=True)
    data = plan_json.dump_plan(store)
    store.close()
    bad = copy.deepcopy(data)
    bad["tables"]["funding"][0]["allocation"] = 1e308
    bad["tables"]["indicator_target"][0]["value"] = -1.0
    before = sha(kanwil_path)
    with pytest.raises(ValidationError) as info:
        plan_json.load_plan(kanwil_path, json.loads(json.dumps(bad)), actor="t")
    assert "$.tables.funding[0].allocation" in info.value.message
    assert "$.tables.indicator_target[0].value" in info.value.message
    assert sha(kanwil_path) == before


def test_a_package_row_beyond_the_bounds_is_rejected_and_the_reports_still_build(tmp_path, kanwil_path):
    unit = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    ids = add_realisations(unit, months=range(1, 3))
    rows = {t: rows_of(unit, t, UPT) for t in ("realisation", "funding")}
    cols = [c[1] for c in unit.conn.execute("PRAGMA table_info(realisation)")]
    huge = list(rows["realisation"][0])
    huge[cols.index("value")] = 1e308
    rows["realisation"][0] = tuple(huge)
    pkg = tmp_path / "kiriman.rpkg"
    write_package(pkg, unit=UPT, schema_version=latest_schema_version(), tables=rows,
                  key=installation_key(unit.path), sequence=1)
    unit.close()
    kanwil = Store.open(kanwil_path)
    try:
        report = merge_packages(kanwil, [pkg], actor="kanwil", trust_new_keys=True)
        [result] = report.results
        assert result.tables["realisation"]["rejected"] == 1 and result.tables["realisation"]["new"] == 1
        note = next(n for n in result.notes if n.status == "rejected")
        assert note.row_id == rows["realisation"][0][0] and "di luar batas" in note.reason
        stored = kanwil.conn.execute("SELECT max(abs(value)) FROM realisation").fetchone()[0]
        assert stored < 1e6
        for kind in ("capaian", "pendanaan"):
            assert build_report(kanwil.conn, ReportOptions(kind, unit=None, year=2026)).page_count >= 1
    finally:
        kanwil.close()
    assert set(ids) >= {n.row_id for n in result.notes}
