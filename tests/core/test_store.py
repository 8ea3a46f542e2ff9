"""The plan file: identity, migrations after a backup, and refusal of bad files unchanged."""
import hashlib
import os
import shutil
import sqlite3

import pytest

from renstra_desktop.core import store as store_mod
from renstra_desktop.core.errors import FileError
from renstra_desktop.core.store import APPLICATION_ID, Store, latest_schema_version


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_identifies_itself(db_path):
    store = Store.create_empty(db_path)
    assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert store.schema_version == latest_schema_version()
    store.close()
    assert Store.open(db_path).schema_version == latest_schema_version()


def test_create_refuses_to_overwrite(db_path):
    db_path.write_bytes(b"keep me")
    with pytest.raises(FileError, match="sudah ada"):
        Store.create_empty(db_path)
    assert db_path.read_bytes() == b"keep me"


def _make_other_sqlite(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def _make_newer(path):
    Store.create_empty(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {latest_schema_version() + 1}")
    conn.close()


def _make_truncated(path):
    Store.create_empty(path).close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])


def _make_corrupt(path):
    Store.create_empty(path).close()
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for i in range(page * 2, page * 3):  # scramble a whole b-tree page
        data[i] = (data[i] * 7 + 13) % 256
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("make,expected", [
    (lambda p: p.write_bytes(b""), "kosong"),
    (lambda p: p.write_text("No\tSatuan Kerja\n1\tKantor Wilayah\n"), "bukan berkas Renstra Desktop"),
    (_make_other_sqlite, "bukan berkas Renstra Desktop"),
    (_make_newer, "lebih baru"),
    (_make_truncated, "terpotong"),
])
def test_bad_files_are_refused_and_left_unchanged(db_path, make, expected):
    make(db_path)
    before = digest(db_path)
    with pytest.raises(FileError) as info:
        Store.open(db_path)
    assert expected in info.value.message
    assert digest(db_path) == before
    assert sorted(os.listdir(db_path.parent)) == [db_path.name]


def test_a_damaged_page_is_refused_before_the_first_write(db_path):
    """Open no longer scans the whole file (issue 11); a page damaged in the middle is caught by the
    check before the first write, in one Indonesian line, and the file keeps its bytes."""
    _make_corrupt(db_path)
    before = digest(db_path)
    store = Store.open(db_path)
    try:
        with pytest.raises(FileError) as info:
            store.set_meta("installation_unit", "KANWIL")
        message = info.value.message
        assert "rusak" in message and "masalah" in message and "salinan cadangan" in message
        assert "\n" not in message and "Page" not in message and "database" not in message
        report = store.check_integrity()
        assert not report.ok and report.problems >= 1 and "rusak" in report.message
    finally:
        store.close()
    assert digest(db_path) == before
    assert sorted(os.listdir(db_path.parent)) == [db_path.name]


def test_missing_file(tmp_path):
    with pytest.raises(FileError, match="tidak ditemukan"):
        Store.open(tmp_path / "tidak-ada.renstra")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_is_refused_for_writing(db_path):
    Store.create_empty(db_path).close()
    os.chmod(db_path, 0o444)
    before = digest(db_path)
    with pytest.raises(FileError, match="hanya-baca"):
        Store.open(db_path)
    assert digest(db_path) == before
    Store.open(db_path, readonly=True).close()


def test_read_only_folder_is_refused_for_writing(db_path, monkeypatch):
    """The same check as above, driven through os.access so it also runs as root."""
    Store.create_empty(db_path).close()
    before = digest(db_path)
    monkeypatch.setattr(store_mod.os, "access", lambda p, mode: False)
    with pytest.raises(FileError, match="hanya-baca"):
        Store.open(db_path)
    assert digest(db_path) == before


def _fake_migrations(tmp_path, monkeypatch, next_sql):
    """The real migrations plus one more, numbered after the latest."""
    mig = tmp_path / "mig"
    mig.mkdir()
    for _, script in store_mod.migrations():
        shutil.copy(script, mig / script.name)
    following = latest_schema_version() + 1
    (mig / f"{following:04d}_next.sql").write_text(next_sql)
    monkeypatch.setattr(store_mod, "migrations_dir", lambda: mig)
    return following


def test_migration_runs_after_a_backup_copy(tmp_path, db_path, monkeypatch):
    Store.create_empty(db_path).close()
    original = db_path.read_bytes()
    current = latest_schema_version()
    following = _fake_migrations(tmp_path, monkeypatch, "ALTER TABLE unit ADD COLUMN phone TEXT;\n")
    store = Store.open(db_path)
    assert store.schema_version == following == current + 1
    assert "phone" in [r[1] for r in store.conn.execute("PRAGMA table_info(unit)")]
    store.close()
    backups = [p for p in db_path.parent.iterdir() if f".cadangan-skema{current}-" in p.name]
    assert len(backups) == 1 and backups[0].read_bytes() == original


def test_failed_migration_rolls_back(tmp_path, db_path, monkeypatch):
    Store.create_empty(db_path).close()
    current = latest_schema_version()
    _fake_migrations(tmp_path, monkeypatch, "ALTER TABLE unit ADD COLUMN a TEXT;\nTHIS IS NOT SQL;\n")
    with pytest.raises(sqlite3.OperationalError):
        Store.open(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == current
    assert "a" not in [r[1] for r in conn.execute("PRAGMA table_info(unit)")]


def test_atomic_rolls_back_nested_savepoint(db_path):
    store = Store.create_empty(db_path)
    with store.atomic():
        store.conn.execute("INSERT INTO meta VALUES ('a', '1')")
        with pytest.raises(RuntimeError):
            with store.atomic():
                store.conn.execute("INSERT INTO meta VALUES ('b', '2')")
                raise RuntimeError
    assert store.meta("a") == "1" and store.meta("b") is None


def test_save_copy_uses_backup_api(db_path, tmp_path):
    store = Store.create_empty(db_path)
    store.set_meta("installation_unit", "KANWIL")
    copy = store.save_copy(tmp_path / "salinan.renstra")
    assert Store.open(copy).unit_code == "KANWIL"
    with pytest.raises(FileError):
        store.save_copy(db_path)


def test_audit_log_is_append_only(db_path):
    store = Store.create_empty(db_path)
    store.conn.execute("INSERT INTO audit_log (at, actor, unit_code, table_name, row_id, action, origin) "
                       "VALUES ('t', 'a', 'KANWIL', 'unit', 'x', 'insert', 'local')")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM audit_log")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE audit_log SET actor = 'b'")
