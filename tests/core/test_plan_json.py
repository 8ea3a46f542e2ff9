"""dump -> load -> dump is identical; load validates everything and writes nothing on error."""
import copy
import hashlib
import json

import pytest

from renstra_desktop.core import plan_json
from renstra_desktop.core.errors import ValidationError
from renstra_desktop.core.rows import stable_id
from renstra_desktop.core.store import Store


def dump(path):
    store = Store.open(path, readonly=True)
    try:
        return plan_json.dump_plan(store)
    finally:
        store.close()


def test_round_trip_into_a_new_file(kanwil_service, kanwil_path, tmp_path):
    kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1",
                                          "period": "2026-S1", "value": "3,1", "evidence": "LKjIP"})
    kanwil_service.delete("risk", stable_id("risk", "KANWIL", 1))
    first = dump(kanwil_path)
    target = tmp_path / "baru.renstra"
    report = plan_json.load_plan(target, json.loads(plan_json.dumps(first)), actor="t")
    assert report["realisation"]["inserted"] == 1
    assert dump(target) == first
    assert plan_json.dumps(dump(target)) == plan_json.dumps(first)


def test_json_shape(kanwil_path):
    data = dump(kanwil_path)
    assert data["format"] == "renstra-desktop/plan" and data["installation_unit"] == "KANWIL"
    target = next(r for r in data["tables"]["indicator_target"]
                  if r["unit_code"] == "KANWIL" and r["indicator_code"] == "IKK 17.1" and r["year"] == 2025)
    assert target["value"] == 3.2 and isinstance(target["value"], float)
    dompu = next(r for r in data["tables"]["unit"] if r["code"] == "LPS-DOMPU")
    assert dompu["staff_count"] is None
    risk = data["tables"]["risk"][0]
    assert isinstance(risk["treatments"], list) and risk["inherent_likelihood"] is None


def test_load_lists_every_error_with_its_path_and_writes_nothing(kanwil_path, tmp_path):
    data = dump(kanwil_path)
    bad = copy.deepcopy(data)
    bad["tables"]["indicator_target"][0]["value"] = "3,2"          # string, not a JSON number
    bad["tables"]["risk"][2]["inherent_likelihood"] = 9
    bad["tables"]["roadmap_item"][0]["status"] = "hilang"
    del bad["tables"]["unit"][1]["name"]
    bad["tables"]["nonsense"] = []
    before = hashlib.sha256(kanwil_path.read_bytes()).digest()
    with pytest.raises(ValidationError) as info:
        plan_json.load_plan(kanwil_path, bad, actor="t")
    message = info.value.message
    for path in ("$.tables.indicator_target[0].value", "$.tables.risk[2].inherent_likelihood",
                 "$.tables.roadmap_item[0].status", "$.tables.unit[1].name", "$.tables.nonsense"):
        assert path in message
    assert message.startswith("5 kesalahan")
    assert hashlib.sha256(kanwil_path.read_bytes()).digest() == before
    new = tmp_path / "tidak-jadi.renstra"
    with pytest.raises(ValidationError):
        plan_json.load_plan(new, bad, actor="t")
    assert not new.exists() and list(tmp_path.glob("*.baru")) == []


def test_load_updates_changed_rows_with_audit(kanwil_path):
    data = dump(kanwil_path)
    row = next(r for r in data["tables"]["funding"] if r["line_code"] == "SK 17" and r["year"] == 2026)
    row["realised"] = 700.5
    report = plan_json.load_plan(kanwil_path, data, actor="pemuat")
    assert report["funding"] == {"inserted": 0, "updated": 1, "unchanged": 9, "older": 0, "forced": 0}
    store = Store.open(kanwil_path)
    got = store.conn.execute("SELECT realised, row_version, origin FROM funding WHERE id = ?", (row["id"],)).fetchone()
    assert tuple(got) == (700.5, 2, "import")
    assert store.conn.execute("SELECT origin, field FROM audit_log").fetchall()[0][:] == ("import", "realised")


def test_dry_run_writes_nothing(kanwil_path, tmp_path):
    data = dump(kanwil_path)
    data["tables"]["funding"][0]["realised"] = 1.0
    before = hashlib.sha256(kanwil_path.read_bytes()).digest()
    report = plan_json.load_plan(kanwil_path, data, actor="t", dry_run=True)
    assert report["funding"]["updated"] == 1
    assert hashlib.sha256(kanwil_path.read_bytes()).digest() == before
    plan_json.load_plan(tmp_path / "x.renstra", data, actor="t", dry_run=True)
    assert not (tmp_path / "x.renstra").exists()


def test_load_refuses_another_units_json(kanwil_path, tmp_path):
    data = dump(kanwil_path)
    data["installation_unit"] = "RTN-BIMA"
    with pytest.raises(ValidationError, match="RTN-BIMA"):
        plan_json.load_plan(kanwil_path, data, actor="t")


@pytest.mark.parametrize("sql,column,expected", [
    ("UPDATE funding SET allocation = 'tiga ratus' WHERE id = ?", "allocation", "harus berupa angka JSON"),
    ("UPDATE funding SET allocation = 1e308 WHERE id = ?", "allocation", "di luar batas"),
    ("UPDATE funding SET year = 'dua ribu' WHERE id = ?", "year", "harus berupa angka JSON"),
])
def test_dump_names_a_cell_load_would_refuse_instead_of_writing_it(kanwil_path, sql, column, expected):
    """Text in a number column written outside the app: dump names table, row id and column (issue 8)."""
    import sqlite3

    row_id = stable_id("funding", "KANWIL", "SK 17", 2026)
    conn = sqlite3.connect(kanwil_path)
    with conn:
        conn.execute(sql, (row_id,))
    conn.close()
    with pytest.raises(ValidationError) as info:
        dump(kanwil_path)
    message = info.value.message
    assert f"tabel funding, baris {row_id}, kolom {column}" in message and expected in message
    assert "\n" not in message and "ulangi dump" in message


def test_dump_refusal_on_the_command_line_writes_no_json(kanwil_path, capsys):
    import sqlite3
    from renstra_desktop.cli import main

    conn = sqlite3.connect(kanwil_path)
    with conn:
        conn.execute("UPDATE realisation SET value = 'x'")        # no realisation yet: nothing happens
        conn.execute("UPDATE indicator_target SET value = 'tinggi' WHERE unit_code = 'KANWIL'")
    conn.close()
    assert main(["dump", str(kanwil_path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "15 nilai" in err and "kolom value" in err and "Traceback" not in err


def test_a_json_made_before_an_edit_does_not_revert_it(kanwil_path, kanwil_service, capsys):
    """issue 8 (HIGH): a row older in the JSON than in the file is a conflict; nothing is written."""
    from renstra_desktop.cli import main
    from renstra_desktop.core.audit import audit_entries

    stale = dump(kanwil_path)
    row_id = stable_id("funding", "KANWIL", "SK 17", 2026)
    kanwil_service.update("funding", row_id, {"allocation": "800,5"})       # someone edits after the dump
    next(r for r in stale["tables"]["funding"] if r["id"] == row_id)["allocation"] = 790.0   # the JSON too
    other = next(r for r in stale["tables"]["funding"] if r["id"] != row_id)
    other["realised"] = 12.5                                                  # and another row
    stale_file = kanwil_path.with_name("lama.json")
    stale_file.write_text(plan_json.dumps(stale), encoding="utf-8")
    before = hashlib.sha256(kanwil_path.read_bytes()).digest()
    with pytest.raises(plan_json.LoadConflict) as info:
        plan_json.load_plan(kanwil_path, stale, actor="t")
    message = info.value.message
    assert "versi JSON 1, versi berkas 2" in message and "allocation di berkas 800.5 | di JSON 790.0" in message
    assert row_id in message and "--force" in message
    assert hashlib.sha256(kanwil_path.read_bytes()).digest() == before
    with pytest.raises(plan_json.LoadConflict):
        plan_json.load_plan(kanwil_path, stale, actor="t", dry_run=True)

    assert main(["load", str(kanwil_path), str(stale_file)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "1 baris di JSON lebih lama" in err
    assert hashlib.sha256(kanwil_path.read_bytes()).digest() == before

    assert main(["load", str(kanwil_path), str(stale_file), "--force"]) == 0
    out, _ = capsys.readouterr()
    assert "2 diubah" in out and "1 di antaranya menimpa" in out
    store = Store.open(kanwil_path)
    try:
        allocation = store.conn.execute("SELECT allocation FROM funding WHERE id = ?", (row_id,)).fetchone()[0]
        forced = [(a["field"], a["old_value"], a["origin"]) for a in audit_entries(store.conn, row_id)
                  if a["origin"] != "local"]
    finally:
        store.close()
    assert allocation == 790.0 and forced == [("allocation", "800.5", "import-force")]


def test_a_json_edited_from_the_current_dump_loads(kanwil_path, kanwil_service):
    row_id = stable_id("funding", "KANWIL", "SK 17", 2026)
    kanwil_service.update("funding", row_id, {"allocation": "800,5"})
    data = dump(kanwil_path)
    next(r for r in data["tables"]["funding"] if r["id"] == row_id)["allocation"] = 801.0
    report = plan_json.load_plan(kanwil_path, data, actor="t")
    assert report["funding"]["updated"] == 1 and report["funding"]["forced"] == 0


def test_two_jsons_from_one_dump_each_changing_another_row_both_land(kanwil_path):
    """A row the JSON carries along unedited from an older dump is kept at the file's newer version
    (it is found among the row's earlier contents in the audit trail): not a conflict."""
    base = dump(kanwil_path)
    first_id, second_id = (stable_id("funding", "KANWIL", "SK 17", y) for y in (2026, 2027))
    one, two = copy.deepcopy(base), copy.deepcopy(base)
    next(r for r in one["tables"]["funding"] if r["id"] == first_id)["realised"] = 11.0
    next(r for r in two["tables"]["funding"] if r["id"] == second_id)["realised"] = 22.0
    assert plan_json.load_plan(kanwil_path, one, actor="a")["funding"]["updated"] == 1
    report = plan_json.load_plan(kanwil_path, two, actor="b")
    assert report["funding"]["updated"] == 1 and report["funding"]["older"] == 1
    store = Store.open(kanwil_path, readonly=True)
    try:
        got = dict(store.conn.execute("SELECT id, realised FROM funding WHERE id IN (?, ?)", (first_id, second_id)))
    finally:
        store.close()
    assert got == {first_id: 11.0, second_id: 22.0}
    # the same stale JSON editing the first row too is a conflict again
    next(r for r in two["tables"]["funding"] if r["id"] == first_id)["realised"] = 33.0
    with pytest.raises(plan_json.LoadConflict):
        plan_json.load_plan(kanwil_path, two, actor="b")


def test_a_stale_json_that_changes_nothing_else_is_refused(kanwil_path, kanwil_service):
    stale = dump(kanwil_path)
    kanwil_service.update("funding", stable_id("funding", "KANWIL", "SK 17", 2026), {"allocation": "800,5"})
    before = hashlib.sha256(kanwil_path.read_bytes()).digest()
    with pytest.raises(ValidationError, match="JSON ini lebih lama daripada berkas"):
        plan_json.load_plan(kanwil_path, stale, actor="t")
    assert hashlib.sha256(kanwil_path.read_bytes()).digest() == before
