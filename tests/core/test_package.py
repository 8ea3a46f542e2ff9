"""Installation keys, package export and verification (issue 3, sections 1-3)."""
import os
import re
import shutil
import sqlite3

import pytest
from package_fixtures import UPT, add_realisations, make_unit_plan, rows_of

from renstra_desktop.core.packages import package_format as fmt
from renstra_desktop.core import store as store_mod
from renstra_desktop.core.errors import FileError, ValidationError
from renstra_desktop.core.packages.keys import (fingerprint, installation_key, key_path, key_status, next_sequence,
                                       normalise_fingerprint, pin_key, pins)
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.package import PackageError, PackageReader, verify_package
from renstra_desktop.core.packages.package_export import export_package, suggested_file_name, write_package
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store, latest_schema_version



def test_key_is_created_once_next_to_the_plan_with_private_permissions(tmp_path):
    plan = tmp_path / "rencana.renstra"
    key = installation_key(plan)
    assert key_path(plan) == tmp_path / "rencana.renstra.kunci" and key.path.exists()
    if os.name == "posix":
        assert key.path.stat().st_mode & 0o777 == 0o600
    assert installation_key(plan).fingerprint == key.fingerprint
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){7}", key.fingerprint)
    assert normalise_fingerprint(key.fingerprint.lower().replace("-", " ")) == key.fingerprint
    with pytest.raises(ValidationError, match="tidak sah"):
        normalise_fingerprint("1234")


def test_a_damaged_key_file_is_refused_not_replaced(tmp_path):
    plan = tmp_path / "rencana.renstra"
    key_path(plan).write_text("bukan kunci")
    with pytest.raises(FileError, match="rusak"):
        installation_key(plan)
    assert key_path(plan).read_text() == "bukan kunci"


def test_export_sequence_belongs_to_the_key_not_to_the_plan_file(upt, tmp_path):
    backup = tmp_path / "cadangan.renstra"
    upt.save_copy(backup)
    assert suggested_file_name(upt).endswith("_0001.rpkg")
    first = export_package(upt, folder=tmp_path)
    second = export_package(upt, folder=tmp_path)
    assert (first.manifest["sequence"], second.manifest["sequence"]) == (1, 2)
    assert suggested_file_name(upt).endswith("_0003.rpkg")
    upt.close()
    shutil.copy(backup, tmp_path / "upt" / "lobar.renstra")      # the unit restores an old plan file
    restored = Store.open(tmp_path / "upt" / "lobar.renstra")
    try:
        assert export_package(restored, folder=tmp_path).manifest["sequence"] == 3
    finally:
        restored.close()
    assert next_sequence(tmp_path / "upt" / "lobar.renstra") == 4


def test_export_holds_only_the_units_rows_tombstones_included(upt, tmp_path):
    ids = add_realisations(upt)
    PlanService(upt, "admin-upt").delete("realisation", ids[0])
    result = export_package(upt, folder=tmp_path, unit=UPT.lower())
    today = result.manifest["created_at"][:10]
    assert result.path.name == f"{UPT}_{today}_0001{fmt.EXTENSION}"
    conn = sqlite3.connect(result.path)
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == fmt.PACKAGE_APPLICATION_ID
        for table in fmt.package_schema(upt.schema_version).tables:
            owners = {r[0] for r in conn.execute(f"SELECT DISTINCT owner_unit FROM {table}")}
            assert owners <= {UPT}
        assert conn.execute("SELECT count(*) FROM unit").fetchone()[0] == 0      # reference data stays home
        assert conn.execute("SELECT deleted FROM realisation WHERE id = ?", (ids[0],)).fetchone() == (1,)
    finally:
        conn.close()
    m = result.manifest
    assert m["unit"] == UPT and m["schema_version"] == latest_schema_version() and m["row_counts"]["realisation"] == 3
    assert sum(m["row_counts"].values()) == result.total_rows > 3


def test_export_refuses_another_unit_and_an_existing_file(upt, tmp_path):
    with pytest.raises(FileError, match="milik satker LPS-LOBAR"):
        export_package(upt, tmp_path / "x.rpkg", unit="LPS-SUMBAWA")
    (tmp_path / "ada.rpkg").write_bytes(b"keep")
    with pytest.raises(FileError, match="sudah ada"):
        export_package(upt, tmp_path / "ada.rpkg")
    assert (tmp_path / "ada.rpkg").read_bytes() == b"keep"


def test_verify_reads_the_manifest_and_compares_the_key_with_the_pin(upt, tmp_path, kanwil_store):
    add_realisations(upt)
    pkg = export_package(upt, folder=tmp_path).path
    report = verify_package(pkg)
    assert report.key_status is None and report.manifest["unit"] == UPT and report.invalid_rows == {}
    assert verify_package(pkg, kanwil_store).key_status == "new"
    pin_key(kanwil_store, UPT, report.fingerprint, actor="kanwil")
    assert verify_package(pkg, kanwil_store).key_status == "pinned"
    other = installation_key(tmp_path / "lain.renstra")
    with pytest.raises(ValidationError, match="memerlukan alasan"):
        pin_key(kanwil_store, UPT, other.fingerprint, actor="kanwil")
    pin_key(kanwil_store, UPT, other.fingerprint, actor="kanwil", reason="laptop diganti, dikonfirmasi telepon")
    assert verify_package(pkg, kanwil_store).key_status == "mismatch"
    assert key_status(kanwil_store.conn, UPT, other.public_key) == "pinned"
    assert [p["reason"] for p in pins(kanwil_store.conn)] == ["laptop diganti, dikonfirmasi telepon"]
    # One row per unit, written through the door: its version counts the pins, the audit trail keeps them.
    pin = kanwil_store.conn.execute("SELECT row_version, base_version, updated_by FROM unit_key_pin "
                                    "WHERE unit_code = ?", (UPT,)).fetchone()
    assert tuple(pin) == (2, 1, "kanwil")
    audit = kanwil_store.conn.execute("SELECT action, field, old_value, new_value FROM audit_log "
                                      "WHERE table_name = 'unit_key_pin' ORDER BY seq").fetchall()
    assert audit[0]["action"] == "insert" and report.fingerprint in audit[0]["new_value"]
    assert [tuple(a) for a in audit[1:]] == [("update", "fingerprint", report.fingerprint, other.fingerprint),
                                             ("update", "reason", "sidik jari dikonfirmasi",
                                              "laptop diganti, dikonfirmasi telepon")]


def test_package_schema_is_the_plan_tables_and_the_manifest_only():
    schema = fmt.package_schema(latest_schema_version())
    names = {name for kind, name, _, _ in schema.master if kind == "table"}
    assert names == set(schema.tables) | {"manifest", "signature"}
    assert not {kind for kind, *_ in schema.master} - {"table", "index"}
    assert all(sql is None for kind, _, _, sql in schema.master if kind == "index")   # UNIQUE only


def test_an_older_package_is_migrated_in_a_temporary_copy(upt, tmp_path, kanwil_path, monkeypatch):
    add_realisations(upt, months=[5])
    pkg = export_package(upt, folder=tmp_path).path
    before = pkg.read_bytes()
    old = latest_schema_version()
    # The application moves on: a later migration adds a column to realisation.
    mig = tmp_path / "mig"
    mig.mkdir()
    for _, script in store_mod.migrations():
        shutil.copy(script, mig / script.name)
    (mig / f"{old + 1:04d}_test.sql").write_text("ALTER TABLE realisation ADD COLUMN note TEXT DEFAULT 'x';\n")
    monkeypatch.setattr(store_mod, "migrations_dir", lambda: mig)
    fmt.package_schema.cache_clear()
    fmt.needs_migration.cache_clear()
    try:
        with PackageReader.open(pkg) as reader:
            assert reader.schema_version == old
            cols, rows = reader.tables()["realisation"], reader.rows("realisation")
            assert cols[-1] == "note" and rows[0][-1] == "x"
        kanwil = Store.open(kanwil_path)          # migrated to the new schema too
        try:
            report = merge_packages(kanwil, [pkg], actor="kanwil", trust_new_keys=True)
            assert report.results[0].status == "merged", report.results[0].message
            assert kanwil.conn.execute("SELECT note FROM realisation WHERE owner_unit = ?", (UPT,)).fetchone()[0] == "x"
        finally:
            kanwil.close()
    finally:
        fmt.package_schema.cache_clear()
        fmt.needs_migration.cache_clear()
    assert pkg.read_bytes() == before


def test_a_package_of_an_older_schema_whose_plan_tables_did_not_change_is_read_as_it_is(upt, tmp_path, kanwil_store):
    """Schema 8 changed only the installation's local tables: a package of schema 6 was read with no
    private migrated copy (that copy cost as much as the rest of the merge).  Schema 9 (the period
    workflow) changes plan tables (period_lock becomes period_event), so packages of 6 and 8 now get
    the copy, and one of the current schema is read as it is."""
    ids = add_realisations(upt, months=[2])
    rows = {t: rows_of(upt, t, UPT) for t in ("realisation",)}
    assert fmt.needs_migration(6) and fmt.needs_migration(8) and not fmt.needs_migration(upt.schema_version)
    for version, sequence in ((upt.schema_version, 1), (8, 2)):
        pkg = tmp_path / f"skema{version}.rpkg"
        write_package(pkg, unit=UPT, schema_version=version, tables=rows, key=installation_key(upt.path),
                      sequence=sequence)
        with PackageReader.open(pkg) as reader:
            reader.verify()
            assert reader.schema_version == version and reader._migrated == (version == 8)
            assert reader.rows("realisation")[0][0] == ids[0]
    result = merge_packages(kanwil_store, [tmp_path / f"skema{upt.schema_version}.rpkg"], actor="kanwil",
                            trust_new_keys=True).results[0]
    assert result.status == "merged" and result.tables["realisation"]["new"] == 1


def test_write_package_signs_what_a_reader_verifies(upt, tmp_path):
    key = installation_key(upt.path)
    rows = {"realisation": rows_of(upt, "realisation", UPT), "risk": rows_of(upt, "risk", UPT)}
    body = write_package(tmp_path / "p.rpkg", unit=UPT, schema_version=upt.schema_version, tables=rows,
                         key=key, sequence=7)
    with PackageReader.open(tmp_path / "p.rpkg") as reader:
        assert reader.body == body and reader.sequence == 7 and reader.fingerprint == fingerprint(key.public_key)
        assert sum(len(reader.verify().rows(t)) for t in reader.tables()) == len(rows["risk"])
    assert not list(tmp_path.glob("*.baru"))


def test_a_released_package_is_read_again_and_must_be_the_same(upt, tmp_path, kanwil_store, monkeypatch):
    from renstra_desktop.core.packages import merge as merge_mod

    add_realisations(upt, months=[1])
    first = export_package(upt, folder=tmp_path)
    add_realisations(upt, months=[2])
    second = export_package(upt, folder=tmp_path)
    reader = PackageReader.open(first.path)
    reader.suspend(release=True)
    assert reader.size == 0 and sum(len(reader.rows(t)) for t in reader.tables()) == first.total_rows
    reader.close()
    reader = PackageReader.open(first.path)
    reader.suspend(release=True)
    first.path.write_bytes(second.path.read_bytes())         # replaced while the batch was waiting
    with pytest.raises(PackageError, match="berubah selama penggabungan"):
        reader.verify()
    reader.close()
    # A batch larger than the memory budget reads its packages again when it merges them.
    monkeypatch.setattr(merge_mod, "BATCH_MEMORY", 0)
    pin_key(kanwil_store, UPT, second.fingerprint, actor="kanwil")
    report = merge_packages(kanwil_store, [second.path], actor="kanwil")
    assert report.results[0].status == "merged"


def test_export_into_a_missing_folder_is_refused_in_indonesian(tmp_path):
    from renstra_desktop.core.errors import FileError
    from renstra_desktop.core.newplan import create_plan_file

    with create_plan_file(tmp_path / "praya.renstra", "RTN-PRAYA") as store:
        with pytest.raises(FileError, match="Folder .* tidak ada"):
            export_package(store, tmp_path / "tidak-ada" / "paket.rpkg")
    assert not (tmp_path / "tidak-ada").exists()


def test_simpan_sebagai_keeps_the_units_key_so_the_kanwil_takes_the_copys_packages(upt, tmp_path, kanwil_store):
    """issue 8: a copy made with Simpan Sebagai got a new key, and the Kanwil refused its packages."""
    from renstra_desktop.core.packages.keys import save_copy_keeping_key, sequence_path

    add_realisations(upt, months=[1])
    first = export_package(upt, folder=tmp_path)
    merge_packages(kanwil_store, [first.path], actor="kanwil", trust_new_keys=True)
    copy = tmp_path / "usb" / "lobar-salinan.renstra"
    copy.parent.mkdir()
    save_copy_keeping_key(upt, copy)
    assert key_path(copy).read_bytes() == key_path(upt.path).read_bytes()
    if os.name == "posix":
        assert key_path(copy).stat().st_mode & 0o777 == 0o600
    assert sequence_path(copy).read_text().strip() == "1"
    other = Store.open(copy)
    try:
        add_realisations(other, months=[2])
        pkg = export_package(other, folder=tmp_path / "usb")
    finally:
        other.close()
    assert pkg.fingerprint == first.fingerprint and pkg.manifest["sequence"] == 2
    result = merge_packages(kanwil_store, [pkg.path], actor="kanwil").results[0]      # no new key to trust
    assert result.status == "merged" and result.key_status == "pinned"


def test_simpan_sebagai_of_a_unit_that_never_exported_shares_one_key(tmp_path):
    from renstra_desktop.core.packages.keys import save_copy_keeping_key

    store = make_unit_plan(tmp_path / "lobar.renstra")
    try:
        save_copy_keeping_key(store, tmp_path / "salinan.renstra")
    finally:
        store.close()
    assert key_path(tmp_path / "salinan.renstra").read_bytes() == key_path(tmp_path / "lobar.renstra").read_bytes()


def test_simpan_sebagai_never_overwrites_another_key(upt, tmp_path):
    from renstra_desktop.core.packages.keys import save_copy_keeping_key

    installation_key(upt.path)
    foreign = make_unit_plan(tmp_path / "lain" / "lobar.renstra")
    foreign.close()
    installation_key(foreign.path)
    before = {p.name: p.read_bytes() for p in foreign.path.parent.iterdir()}
    with pytest.raises(FileError, match="kunci tanda tangan lain"):
        save_copy_keeping_key(upt, foreign.path)
    assert {p.name: p.read_bytes() for p in foreign.path.parent.iterdir()} == before


def _many_roadmap_rows(store, n):
    """``n`` roadmap rows written outside the application (generated inside SQLite: fast)."""
    with store.atomic():
        store.conn.execute(
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?) "
            "INSERT INTO roadmap_item (id, owner_unit, created_at, updated_at, updated_by, row_version, base_version, "
            "deleted, origin, unit_code, aspect, year, seq, text, status) SELECT 'luar-' || i, ?, "
            "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z', 'x', 1, 0, 0, 'local', ?, 'SDM', 2026, i, "
            "'Kegiatan yang ditulis dari luar aplikasi', 'rencana' FROM k", (n, UPT, UPT))


def test_a_plan_too_large_for_a_package_is_refused_up_front_and_leaves_nothing(upt, tmp_path):
    """issue 8: a 330 000-row plan could not be exported and the failed export left an 85 MB file."""
    from package_fixtures import folder_state

    _many_roadmap_rows(upt, 330_000)
    out = tmp_path / "kirim"
    out.mkdir()
    before = folder_state(upt.path.parent), folder_state(out)
    with pytest.raises(FileError) as info:
        export_package(upt, folder=out)
    assert "330.030 baris" in info.value.message and "batas 200.000 per tabel" in info.value.message
    assert "\n" not in info.value.message
    after = folder_state(upt.path.parent), folder_state(out)
    assert after[1] == {} and set(after[0]) - set(before[0]) <= {"lobar.renstra.kunci"}   # no package, no sequence


def test_a_package_beyond_the_size_limit_is_removed_before_it_gets_a_name(upt, tmp_path, monkeypatch):
    from package_fixtures import folder_state

    add_realisations(upt)
    installation_key(upt.path)
    before = folder_state(upt.path.parent)
    monkeypatch.setattr(fmt, "MAX_FILE_BYTES", 2 * fmt.MAX_MANIFEST_BYTES + 8192)
    with pytest.raises(FileError, match="terlalu besar untuk satu paket"):
        export_package(upt, folder=tmp_path)
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == [] and folder_state(upt.path.parent) == before


def test_rows_stream_through_the_digest_in_chunks(upt, tmp_path, monkeypatch):
    add_realisations(upt, months=range(1, 13))
    monkeypatch.setattr(fmt, "CHUNK_ROWS", 7)
    pkg = export_package(upt, folder=tmp_path)
    report = verify_package(pkg.path)                 # the reader recomputes the digest in one piece
    assert report.manifest["content_digest"] == pkg.manifest["content_digest"]
    assert report.manifest["row_counts"]["realisation"] == 12
