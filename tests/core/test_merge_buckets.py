"""How the merge writes a package's rows (round 5, issue 11): each table's new rows start a bucket of
their own after a full one, a unit's first rows are written without reading the file for them first (falling back to
the full classification when one is there after all), and the value rules of a package found ahead
on the helper thread are the rules found on the merging thread.  The audit trail verifies after each."""
import json
import threading

import pytest
from package_fixtures import UPT, add_realisations, make_unit_plan, merge_trusting

from renstra_desktop.core.audit import accept_outside_changes
from renstra_desktop.core.audit_chain import COMPACT, compact_rows, verify
from renstra_desktop.core.packages import package as package_mod
from renstra_desktop.core.packages.package import PackageReader
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.packages.package_rules import invalid_rows
from renstra_desktop.core.plan_profile import plan_years
from renstra_desktop.core.row_writer import SHARE_UP_TO
from renstra_desktop.core.service import PlanService


def _rowids(store, table, unit):
    return [r[0] for r in store.conn.execute(f"SELECT rowid FROM {table} WHERE unit_code = ? ORDER BY rowid", (unit,))]


def _compact(store, table, origin):
    [value] = [r[0] for r in store.conn.execute(
        "SELECT new_value FROM audit_log WHERE row_id = ? AND table_name = ? AND origin = ?", (COMPACT, table, origin))]
    return value


def test_a_package_starts_a_bucket_of_its_own_after_a_full_one(upt, out, kanwil_store, tmp_path):
    """Three units' packages: the first's 72 rows start the table; the second's start the next bucket
    (the last one holds more than SHARE_UP_TO rows); the third's go on right after them (the last
    bucket holds 3).  Each compact entry names its one rowid range; a later local edit and insert
    verify too, and a value changed outside is found."""
    for year in range(2025, 2030):
        add_realisations(upt, months=range(1, 13), year=year)
    add_realisations(upt, months=range(1, 13), indicator="IKK 19.1")
    packages = [export_package(upt, folder=out)]
    for code in ("LPS-SUMBAWA", "LPS-DOMPU"):
        other = make_unit_plan(tmp_path / code / "unit.renstra", code)
        try:
            add_realisations(other, months=range(1, 4))
            packages.append(export_package(other, folder=tmp_path / code))
        finally:
            other.close()
    assert kanwil_store.conn.execute("SELECT max(rowid) FROM realisation").fetchone()[0] is None
    report = merge_trusting(kanwil_store, *[p.path for p in packages])
    assert [r.status for r in report.results] == ["merged"] * 3
    rowids = [_rowids(kanwil_store, "realisation", u) for u in (UPT, "LPS-SUMBAWA", "LPS-DOMPU")]
    assert 72 > SHARE_UP_TO >= 3
    assert rowids == [list(range(1, 73)), [256, 257, 258], [259, 260, 261]]
    for found, pkg in zip(rowids, packages):
        value = _compact(kanwil_store, "realisation", pkg.package_digest)
        assert json.loads(value)["rowid"] == [[found[0], found[-1]]]
        assert [r for r, _short in compact_rows(value)] == found
    assert verify(kanwil_store.conn).ok
    service = PlanService(kanwil_store, "kanwil")
    service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1", "period": "2026-05",
                                   "value": 4.0})
    assert verify(kanwil_store.conn).ok
    kanwil_store.conn.execute("UPDATE realisation SET value = 99 WHERE rowid = 257")      # outside the app
    verdict = verify(kanwil_store.conn)
    assert [(f.kind, f.table) for f in verdict.findings] == [("changed", "realisation")]


def test_first_rows_whose_id_is_taken_fall_back_to_the_classification(upt, out, kanwil_store):
    """The file holds none of the unit's realisations, but one of its row ids is already a row about
    another unit (a hand-edited or foreign file): the unit's row is refused with the reason the full
    classification gives, the others are new, and nothing of the refused row is written."""
    first, second = add_realisations(upt, months=[1, 2])
    kanwil_store.conn.execute(
        "INSERT INTO realisation (id, owner_unit, created_at, updated_at, updated_by, unit_code, indicator_code, "
        "period, value) VALUES (?, 'KANWIL', 't', 't', 'x', 'KANWIL', 'IKK 17.1', '2026-01', 9.9)", (first,))
    assert not _rowids(kanwil_store, "realisation", UPT)
    result = merge_trusting(kanwil_store, export_package(upt, folder=out).path).results[0]
    assert result.status == "merged"
    assert (result.tables["realisation"]["rejected"], result.tables["realisation"]["new"]) == (1, 1)
    [note] = [n for n in result.notes if n.status == "rejected"]
    assert note.row_id == first and "milik satker KANWIL" in note.reason
    row = kanwil_store.conn.execute("SELECT owner_unit, unit_code, value FROM realisation WHERE id = ?",
                                    (first,)).fetchone()
    assert tuple(row) == ("KANWIL", "KANWIL", 9.9)
    assert kanwil_store.conn.execute("SELECT value FROM realisation WHERE id = ?", (second,)).fetchone()[0] == 3.2
    assert _rowids(kanwil_store, "realisation", UPT) == [kanwil_store.conn.execute(
        "SELECT rowid FROM realisation WHERE id = ?", (second,)).fetchone()[0]]


def test_a_natural_key_taken_on_first_rows_is_refused_per_row(upt, out, kanwil_store):
    """The unit has no rows in the file, but another id already holds one of its natural keys (unit,
    indicator, period): the write finds it, and that one row is refused, the rest merged."""
    first, second = add_realisations(upt, months=[1, 2])
    kanwil_store.conn.execute(
        "INSERT INTO realisation (id, owner_unit, created_at, updated_at, updated_by, unit_code, indicator_code, "
        "period, value) VALUES ('0b2b7b4e-0c8f-4c8e-9d57-6a0f3c1d2e4f', ?, 't', 't', 'x', ?, 'IKK 17.1', "
        "'2026-02', 7.7)", (UPT, UPT))
    result = merge_trusting(kanwil_store, export_package(upt, folder=out).path).results[0]
    assert result.status == "merged" and result.tables["realisation"]["new"] == 1
    [note] = [n for n in result.notes if n.status == "rejected"]
    assert note.row_id == second and "kunci yang sama" in note.reason
    assert kanwil_store.conn.execute("SELECT count(*) FROM realisation WHERE id = ?", (second,)).fetchone()[0] == 0


def test_value_rules_found_ahead_are_the_rules_found_here(upt, out, kanwil_store):
    """check_values (the helper thread's) finds exactly what invalid_rows finds, for that chunk and
    span only; another span or another list of rows is looked at again."""
    ids = add_realisations(upt, months=[1, 2])
    upt.conn.execute("UPDATE realisation SET period = '2031-01' WHERE id = ?", (ids[0],))
    accept_outside_changes(upt, actor="admin", reason="uji: periode di luar rencana")
    path = export_package(upt, folder=out).path
    years = plan_years(kanwil_store.conn)
    with PackageReader.open(path) as reader:
        reader.verify().check_values(years)
        [chunk] = list(reader.chunks("realisation"))
        cols = reader.tables()["realisation"]
        found = reader.invalid_in("realisation", cols, chunk, years)
        assert found == invalid_rows("realisation", cols, chunk, years) and set(found) == {ids[0]}
        assert "2031-01" in found[ids[0]]
        assert reader.invalid_in("realisation", cols, chunk, tuple(range(2020, 2035))) == {}   # another span
        assert reader.invalid_in("realisation", cols, list(chunk), years) == found             # found again


def test_the_second_package_of_a_batch_is_checked_on_the_helper_thread(upt, out, kanwil_store, tmp_path,
                                                                        monkeypatch):
    """In a batch the next package's value rules run on the helper thread; a bad value is still
    refused with its Indonesian line and nothing is written for it."""
    add_realisations(upt, months=[1])
    first = export_package(upt, folder=out).path
    ids = add_realisations(upt, months=[2, 3])
    upt.conn.execute("UPDATE realisation SET period = '2031-02' WHERE id = ?", (ids[0],))
    accept_outside_changes(upt, actor="admin", reason="uji: periode di luar rencana")
    second = export_package(upt, folder=out).path
    threads = []
    real = package_mod.PackageReader.check_values
    monkeypatch.setattr(package_mod.PackageReader, "check_values",
                        lambda self, years: (threads.append(threading.current_thread().name), real(self, years))[1])
    report = merge_trusting(kanwil_store, first, second)
    assert [r.status for r in report.results] == ["merged", "merged"]
    assert threads and all(name.startswith("verifikasi-paket") for name in threads)
    [note] = [n for n in report.results[1].notes if n.status == "rejected"]
    assert note.row_id == ids[0] and "2031" in note.reason and note.reason.startswith("Ditolak")
    assert kanwil_store.conn.execute("SELECT count(*) FROM realisation WHERE id = ?", (ids[0],)).fetchone()[0] == 0
    assert report.results[1].tables["realisation"]["new"] == 1
    assert verify(kanwil_store.conn).ok


@pytest.mark.parametrize("months", [range(1, 13)])
def test_rows_merged_in_own_buckets_then_updated_verify(upt, out, kanwil_store, months):
    """A second package updating rows that sit in the first package's bucket: ties and verify agree."""
    ids = add_realisations(upt, months=months)
    merge_trusting(kanwil_store, export_package(upt, folder=out).path)
    PlanService(upt, "admin-upt").update("realisation", ids[3], {"value": "8,5"})
    PlanService(upt, "admin-upt").delete("realisation", ids[4])
    result = merge_trusting(kanwil_store, export_package(upt, folder=out).path).results[0]
    assert result.tables["realisation"]["updated"] == 2
    assert kanwil_store.conn.execute("SELECT value FROM realisation WHERE id = ?", (ids[3],)).fetchone()[0] == 8.5
    assert verify(kanwil_store.conn).ok
