"""One write door (issue 9, section 1): every public writing function of the core goes through
PlanService and its one row-write primitive, and each is refused for an approved (locked) period and
for another unit's rows -- the JSON load bypass ("with 2026 locked for a unit, loading a JSON that
changes that unit's 2026 realisation answered 'updated: 1'") included.  Refused means: an Indonesian
reason, and the file byte for byte as it was (or, for a merge, the row listed and not written)."""
import ast
import json
import re
from pathlib import Path

import pytest
from period_fixtures import record_event
from package_fixtures import UPT, add_realisations, make_unit_plan, sha

from renstra_desktop.core import plan_json
from renstra_desktop.core.errors import PermissionDenied, RenstraError
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.merge_conflicts import open_conflicts
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.reports.signature_block import Signatory
from renstra_desktop.core.rows import stable_id
from renstra_desktop.core.schema import TABLES
from renstra_desktop.core.service import WRITERS, Edit, ImportRow, PlanService
from renstra_desktop.core.store import Store

CORE = Path(__file__).resolve().parents[2] / "renstra_desktop" / "core"


def realisation_id(unit=UPT, period="2026-01", indicator="IKK 17.1"):
    return stable_id("realisation", unit, indicator, period)


@pytest.fixture
def province(tmp_path, kanwil_path):
    """A Kanwil file holding LPS-LOBAR's realisations of 2026-01..03 (merged from its package), and
    the unit's own file."""
    unit = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    add_realisations(unit)
    pkg = export_package(unit, folder=tmp_path)
    kanwil = Store.open(kanwil_path)
    merge_packages(kanwil, [pkg.path], actor="kanwil", trust_new_keys=True)
    yield kanwil, unit
    kanwil.close()
    unit.close()


def _lock(kanwil, unit=UPT, period="2026"):
    record_event(kanwil, unit, period, "disahkan")


def _refused(store, call, *words):
    """``call()`` raises a RenstraError naming ``words``, and the file does not change."""
    before = sha(store.path)
    with pytest.raises(RenstraError) as info:
        call()
    for word in words:
        assert word in info.value.message, info.value.message
    assert sha(store.path) == before
    return info.value.message


# -- one case per writing method of the door ----------------------------------------------------------
def case_insert(province, locked):
    kanwil, unit = province
    if locked:           # the unit's own file, the Kanwil's lock received
        _lock_at_unit(unit)
        store, values = unit, {"unit_code": UPT, "indicator_code": "IKK 19.1", "period": "2026-02", "value": "3"}
        return store, lambda: PlanService(store, "admin").insert("realisation", values), "dikunci"
    values = {"unit_code": "LPS-SUMBAWA", "indicator_code": "IKK 17.1", "period": "2026-02", "value": "3"}
    return kanwil, lambda: PlanService(kanwil, "kanwil").insert("realisation", values), "LPS-SUMBAWA"


def case_update(province, locked):
    kanwil, unit = province
    if locked:
        _lock_at_unit(unit)
    store = unit if locked else kanwil
    return store, lambda: PlanService(store, "x").update("realisation", realisation_id(), {"value": "9"}), \
        "dikunci" if locked else "milik satker LPS-LOBAR"


def case_apply(province, locked):                   # a paste of two cells
    kanwil, unit = province
    if locked:
        _lock_at_unit(unit)
    store = unit if locked else kanwil
    edits = [Edit("realisation", realisation_id(period=p), "value", "9") for p in ("2026-01", "2026-02")]
    return store, lambda: PlanService(store, "x").apply(edits), "dikunci" if locked else "milik satker LPS-LOBAR"


def case_delete(province, locked):
    kanwil, unit = province
    if locked:
        _lock_at_unit(unit)
    store = unit if locked else kanwil
    return store, lambda: PlanService(store, "x").delete("realisation", realisation_id()), \
        "dikunci" if locked else "milik satker LPS-LOBAR"


def case_restore(province, locked):
    kanwil, unit = province
    row = realisation_id(period="2026-03")
    PlanService(unit, "admin").delete("realisation", row)
    if locked:
        _lock_at_unit(unit)
        return unit, lambda: PlanService(unit, "x").restore("realisation", row), "dikunci"
    merge_packages(kanwil, [export_package(unit, folder=unit.path.parent).path], actor="kanwil")
    return kanwil, lambda: PlanService(kanwil, "x").restore("realisation", row), "milik satker LPS-LOBAR"


def case_import_rows(province, locked):
    """An Excel import's rows (core/excel/importer.py) through the door: a locked period, another unit's row."""
    kanwil, unit = province
    if locked:
        _lock_at_unit(unit)
    store = unit if locked else kanwil
    rows = [ImportRow("realisation", realisation_id(), {"value": "9"})]
    return store, lambda: PlanService(store, "x").import_rows(rows), "dikunci" if locked else "milik satker LPS-LOBAR"


def case_load_json(province, locked):
    """The bypass of issue 9: a JSON changing a locked realisation, or another unit's row."""
    kanwil, unit = province
    if locked:
        _lock_at_unit(unit)
    store = unit if locked else kanwil
    data = plan_json.dump_plan(store)
    row = next(r for r in data["tables"]["realisation"] if r["id"] == realisation_id())
    row["value"] = 9.5
    return store, lambda: PlanService(store, "x").load_json(data), "dikunci" if locked else "milik satker LPS-LOBAR"


def case_merge_packages(province, locked):
    """A package row for a locked period is ignored; a package about another unit's rows refused."""
    kanwil, unit = province
    PlanService(unit, "admin").update("realisation", realisation_id(), {"value": "8"})
    pkg = export_package(unit, folder=unit.path.parent)
    if locked:
        _lock(kanwil)
    else:
        # the row now belongs to another writer in the consolidated file
        kanwil.conn.execute("UPDATE realisation SET owner_unit = 'LPS-SUMBAWA', unit_code = 'LPS-SUMBAWA' "
                            "WHERE id = ?", (realisation_id(),))
    return kanwil, lambda: merge_packages(kanwil, [pkg.path], actor="kanwil"), \
        "dikunci" if locked else "milik satker LPS-SUMBAWA"


def case_resolve_conflict(province, locked):
    kanwil, unit = province
    kanwil_service = PlanService(kanwil, "kanwil")
    kanwil.conn.execute("UPDATE realisation SET origin = 'import', value = 4.4 WHERE id = ?", (realisation_id(),))
    PlanService(unit, "admin").update("realisation", realisation_id(), {"value": "8"})
    merge_packages(kanwil, [export_package(unit, folder=unit.path.parent).path], actor="kanwil")
    [conflict] = open_conflicts(kanwil.conn)
    if locked:
        _lock(kanwil)
    else:
        current = kanwil.conn.execute("SELECT * FROM realisation WHERE id = ?", (realisation_id(),)).fetchone()
        kanwil.conn.execute("UPDATE merge_conflict SET consolidated = ? WHERE id = ?",
                            (json.dumps({**dict(current), "owner_unit": "LPS-SUMBAWA"}, sort_keys=True),
                             conflict["id"]))
        kanwil.conn.execute("UPDATE realisation SET owner_unit = 'LPS-SUMBAWA' WHERE id = ?", (realisation_id(),))
    return kanwil, lambda: kanwil_service.resolve_conflict(conflict["id"], "package"), \
        "dikunci" if locked else "milik satker LPS-SUMBAWA"


def case_submit(province, locked):
    kanwil, unit = province
    if locked:           # 2026 approved (received from the Kanwil): its quarter cannot be submitted
        _lock_at_unit(unit)
        return unit, lambda: PlanService(unit, "admin").submit(UPT, "2026-TW1"), "dikunci"
    return unit, lambda: PlanService(unit, "admin").submit("LPS-SUMBAWA", "2026"), "LPS-SUMBAWA"


def _kanwil_step(method, **kw):
    def case(province, locked):
        kanwil, unit = province
        if locked:       # an approved period takes no return, verification or second approval
            _lock(kanwil)
            return kanwil, lambda: getattr(PlanService(kanwil, "kepala"), method)(UPT, "2026", **kw), "disahkan"
        # a unit's file cannot record the Kanwil's steps, about itself or anyone else
        return unit, lambda: getattr(PlanService(unit, "admin"), method)("LPS-SUMBAWA", "2026", **kw), \
            "Kantor Wilayah"
    return case


case_return_ = _kanwil_step("return_", note="perbaiki")
case_verify = _kanwil_step("verify")
case_approve = _kanwil_step("approve")
case_unlock = _kanwil_step("unlock", reason="koreksi")


def case_pin_key(province, locked):
    kanwil, unit = province
    # A unit's file takes packages of the Kanwil only: pinning another unit's key is another unit's row.
    fp = "0123-4567-89AB-CDEF-0123-4567-89AB-CDEF"
    return unit, lambda: PlanService(unit, "admin").pin_key("LPS-SUMBAWA", fp), "LPS-SUMBAWA"


def case_save_signatory(province, locked):
    kanwil, unit = province
    sig = Signatory("LPS-SUMBAWA", place="Sumbawa Besar", jabatan="Kepala", name="Contoh")
    return unit, lambda: PlanService(unit, "admin").save_signatory(sig), "LPS-SUMBAWA"


def case_save_office(province, locked):
    kanwil, unit = province
    # The office identity is the Kanwil's setting: a unit's file takes it only in the Kanwil's package.
    return unit, lambda: PlanService(unit, "admin").save_office({"name": "KANTOR LAIN"}), "Kantor Wilayah"


def case_save_account(province, locked):
    kanwil, unit = province
    # An account row that names another unit as its writer (a copied row) is that unit's row.
    admin = PlanService(unit, "admin")
    admin.save_account("admin", create=True, password="rahasia-admin")
    admin.save_account("tamu", create=True, password="rahasia-tamu", roles=["operator"])
    unit.conn.execute("UPDATE user_account SET owner_unit = 'LPS-SUMBAWA' WHERE name = 'tamu'")
    unit.conn.commit()
    return unit, lambda: admin.save_account("tamu", full_name="Tamu"), "LPS-SUMBAWA"


def _lock_at_unit(unit):
    """The Kanwil's lock as a unit receives it (a reference row of the Kanwil in the unit's file)."""
    record_event(unit, UPT, "2026", "disahkan", actor="kanwil")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}
# Writers whose rows report on no period: refused for another unit's rows, not period-bound.
NOT_PERIOD_BOUND = {"unlock": "reopening an approved period is what it does (Kanwil only)",
                    "pin_key": "a key pin is about a unit, not a period",
                    "save_signatory": "a signature block is about a unit, not a period",
                    "save_account": "an account is about a person, not a period",
                    "save_office": "the office identity is about the office, not a period"}


def test_every_writing_method_of_the_door_has_a_case():
    assert set(WRITERS) == set(CASES), "a writer of PlanService without a refusal case here (or the reverse)"


@pytest.mark.parametrize("writer", sorted(CASES))
@pytest.mark.parametrize("locked", [True, False], ids=["approved period", "another unit's rows"])
def test_each_writer_is_refused(province, writer, locked):
    if locked and writer in NOT_PERIOD_BOUND:
        pytest.skip(NOT_PERIOD_BOUND[writer])
    store, call, expected = CASES[writer](province, locked)
    if writer == "merge_packages":
        report = call()
        [result] = report.results
        notes = {n.row_id: n for n in result.notes}
        assert realisation_id() in notes and expected in notes[realisation_id()].reason
        assert notes[realisation_id()].status in ("ignored_locked", "rejected")
        value = store.conn.execute("SELECT value FROM realisation WHERE id = ?", (realisation_id(),)).fetchone()[0]
        assert value != 8.0
        return
    _refused(store, call, expected)


def test_the_load_bypass_of_issue_9_is_closed(tmp_path):
    """With 2026 locked for a unit, loading a JSON that changes that unit's 2026 realisation answered
    'updated: 1' and the row changed.  Now: refused with the reason, the file unchanged."""
    from renstra_desktop.cli import main

    unit = make_unit_plan(tmp_path / "lobar.renstra")
    [row] = add_realisations(unit, months=[4])
    _lock_at_unit(unit)
    data = plan_json.dump_plan(unit)
    unit.close()
    next(r for r in data["tables"]["realisation"] if r["id"] == row)["value"] = 99.0
    (tmp_path / "ubah.json").write_text(json.dumps(data), encoding="utf-8")
    before = sha(tmp_path / "lobar.renstra")
    for extra in ([], ["--force"]):
        assert main(["load", str(tmp_path / "lobar.renstra"), str(tmp_path / "ubah.json"), *extra]) == 1
        assert sha(tmp_path / "lobar.renstra") == before


def test_a_table_declared_in_the_schema_gets_the_door_for_free(kanwil_store):
    """Issue 10's tables were declared in schema.py and written through PlanService with no code of
    their own: ownership, the period status, versions and the audit trail apply to them."""
    service = PlanService(kanwil_store, "kanwil")
    note = {"unit_code": "KANWIL", "indicator_code": "IKK 17.1", "period": "2026-TW1", "explanation": "a"}
    row_id, changes = service.insert("measurement_note", note)
    assert changes.versions == {"measurement_note": {row_id: 1}}
    assert service.update("measurement_note", row_id, {"explanation": "b"}).versions == {"measurement_note": {row_id: 2}}
    record_event(kanwil_store, "KANWIL", "2026")
    with pytest.raises(PermissionDenied, match="dikunci"):
        service.update("measurement_note", row_id, {"explanation": "c"})
    with pytest.raises(PermissionDenied, match="LPS-DOMPU"):
        service.insert("measurement_note", {**note, "unit_code": "LPS-DOMPU", "period": "2025-TW1"})
    audit = kanwil_store.conn.execute("SELECT action, field FROM audit_log WHERE row_id = ? ORDER BY seq",
                                      (row_id,)).fetchall()
    assert [tuple(a) for a in audit] == [("insert", None), ("update", "explanation")]


def test_a_file_field_is_audited_by_its_digest(kanwil_store):
    import base64
    import hashlib

    content = base64.b64encode(b"%PDF-1.4 laporan").decode("ascii")
    service = PlanService(kanwil_store, "kanwil")
    row_id, _ = service.insert("evidence_file", {
        "unit_code": "KANWIL", "indicator_code": "IKK 17.1", "period": "2026-TW1", "file_name": "bukti.pdf",
        "media_type": "application/pdf", "size": 16, "sha256": hashlib.sha256(b"%PDF-1.4 laporan").hexdigest(),
        "content": content})
    [entry] = kanwil_store.conn.execute("SELECT new_value FROM audit_log WHERE row_id = ?", (row_id,)).fetchall()
    assert content not in entry[0] and f"sha256:{hashlib.sha256(content.encode()).hexdigest()}" in entry[0]


# -- nothing writes rows beside the door -------------------------------------------------------------
# Modules that write into other databases than an open plan: a package being built, a package read
# into a private memory database, and a new plan file being seeded before it exists.
NOT_A_PLAN = {"package_export.py": "builds a package file", "package.py": "migrates a package in memory",
              "newplan.py": "seeds a new file from the embedded plan before it is a plan file",
              "store.py": "the file's meta table and migrations",
              "search.py": "fills its own in-memory full-text index (the plan is attached read-only)"}
LOGS = {"audit_log", "package_batch", "merge_conflict", "meta", "manifest", "signature"}
WRITE_SQL = re.compile(r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|DELETE\s+FROM)\s+(\{?\w+\}?)|"
                       r"\bUPDATE\s+(\{?\w+\}?)\s+SET\b")


def _sql_strings(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.JoinedStr):
            yield "".join(v.value if isinstance(v, ast.Constant) else "{x}" for v in node.values)


def test_no_core_module_writes_rows_beside_the_primitive():
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        if path.name in NOT_A_PLAN or path.name == "row_writer.py":
            continue
        for text in _sql_strings(path):
            for match in WRITE_SQL.finditer(text):
                table = match.group(1) or match.group(2)
                if table.strip("{}") not in LOGS:
                    offenders.append(f"{path.relative_to(CORE)}: {text[:80]}")
    assert offenders == []
    # and the primitive is the one place that writes the tables of the schema
    primitive = " ".join(_sql_strings(CORE / "row_writer.py"))
    assert "INSERT INTO {x}" in primitive and "UPDATE {x} SET" in primitive
    assert set(TABLES) >= {"unit_key_pin", "report_signatory"}


def test_every_write_returns_what_changed_with_versions(province):
    kanwil, unit = province
    service = PlanService(unit, "admin")
    row = realisation_id()
    changes = service.update("realisation", row, {"value": "4,5"})
    assert changes.rows == {"realisation": {row}} and changes.versions["realisation"][row] == 2
    assert service.delete("realisation", row).versions["realisation"][row] == 3
    pkg = export_package(unit, folder=unit.path.parent)
    report = merge_packages(kanwil, [pkg.path], actor="kanwil")
    assert report.changes.versions["realisation"][row] == 3
    assert PlanService(kanwil, "k").pin_key("LPS-SUMBAWA", "0123-4567-89AB-CDEF-0123-4567-89AB-CDEF").tables == \
        {"unit_key_pin"}
    sig = Signatory("KANWIL", place="Mataram", jabatan="Kepala Kantor Wilayah", name="Contoh")
    assert PlanService(kanwil, "k").save_signatory(sig).tables == {"report_signatory"}
    assert PlanService(unit, "admin").submit(UPT, "2026-TW1").tables == {"period_event"}
    data = plan_json.dump_plan(kanwil)
    next(r for r in data["tables"]["funding"] if r["owner_unit"] == "KANWIL")["realised"] = 12.5
    assert PlanService(kanwil, "k").load_json(data).changes.tables == {"funding"}


def test_what_changed_stays_small_for_a_large_write():
    from renstra_desktop.core.row_writer import Changes

    changes = Changes()
    for i in range(Changes.MAX_ROWS + 1):
        changes.add("realisation", f"id-{i}", 1)
    changes.add("risk", "r1", 2)
    assert changes.rows == {"realisation": set(), "risk": {"r1"}} and "realisation" not in changes.versions
    other = Changes()
    other.add("realisation", "x", 3)
    assert other.merge(changes).rows["realisation"] == set() and changes.tables == {"realisation", "risk"}
    fresh = changes.wholes()                        # a merge's next package: no ids kept for a whole table
    fresh.add_many("realisation", [("id-x", 1)], 1)
    fresh.add("risk", "r2", 1)
    assert fresh.rows == {"realisation": set(), "risk": {"r2"}} and "realisation" not in fresh.versions
    assert changes.merge(fresh).rows == {"realisation": set(), "risk": {"r1", "r2"}}


def _file_at_version_6(tmp_path, monkeypatch):
    """A Kanwil file as the application made it before the door (schema 6: key pins as an
    append-only log, signature blocks without row metadata), with two pins of one unit and a block."""
    from old_schema import plan_at_version

    path = tmp_path / "lama.renstra"
    store = plan_at_version(path, "KANWIL", 6, monkeypatch)
    with store.atomic():
        for seq, fp, reason in ((1, "0123-4567-89AB-CDEF-0123-4567-89AB-CDEF", "sidik jari dikonfirmasi"),
                                (2, "FEDC-BA98-7654-3210-FEDC-BA98-7654-3210", "laptop diganti")):
            store.conn.execute("INSERT INTO unit_key_pin (seq, unit_code, fingerprint, public_key, pinned_at, "
                               "pinned_by, reason) VALUES (?, 'LPS-LOBAR', ?, NULL, ?, 'kanwil', ?)",
                               (seq, fp, f"2026-0{seq}-01T00:00:00.000000Z", reason))
        store.conn.execute("INSERT INTO report_signatory (unit_code, place, jabatan, name, nip, paraf_enabled, paraf, "
                           "updated_at, updated_by) VALUES ('KANWIL', 'Mataram', 'Kepala Kantor Wilayah', 'Contoh', "
                           "'196610181992031001', 0, '[]', '2026-03-01T00:00:00.000000Z', 'kanwil')")
    store.close()
    return path


def test_a_file_of_schema_6_is_read_in_the_current_schema_and_migrated_on_write(tmp_path, monkeypatch):
    from renstra_desktop.core.packages.keys import pins
    from renstra_desktop.core.reports.build import ReportOptions, build_report
    from renstra_desktop.core.reports.signature_block import load_signatory
    from renstra_desktop.core.store import latest_schema_version

    path = _file_at_version_6(tmp_path, monkeypatch)
    before = sha(path)
    # read-only: a migrated copy in memory, the file untouched (no except-Exception patches)
    with Store.open(path, readonly=True) as view:
        assert view.schema_version == latest_schema_version()
        assert load_signatory(view.conn, "KANWIL").name == "Contoh"
        assert [p["fingerprint"] for p in pins(view.conn)] == ["FEDC-BA98-7654-3210-FEDC-BA98-7654-3210"]
        assert build_report(view.conn, ReportOptions("roadmap", unit="KANWIL")).page_count >= 1
    assert sha(path) == before
    # opened to write: migrated after a backup; the pin keeps its history as its version
    with Store.open(path) as store:
        assert store.schema_version == latest_schema_version()
        [pin] = pins(store.conn)
        assert (pin["fingerprint"], pin["reason"], pin["row_version"], pin["pinned_by"]) == (
            "FEDC-BA98-7654-3210-FEDC-BA98-7654-3210", "laptop diganti", 2, "kanwil")
        assert load_signatory(store.conn, "KANWIL").nip == "196610181992031001"
        PlanService(store, "kanwil").save_signatory(Signatory("KANWIL", place="Mataram", name="Baru"))
        assert load_signatory(store.conn, "KANWIL").name == "Baru"
