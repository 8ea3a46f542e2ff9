"""The plan file: one SQLite database, opened defensively, migrated after a backup copy.

Threading: a Store (and its connection) belongs to the thread that opened it; a worker
thread opens its own Store on the same path.  Every change runs inside ``atomic()``.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import os
import re
import shutil
import sqlite3
from pathlib import Path

from ..paths import migrations_dir
from .errors import FileError

APPLICATION_ID = 0x52534444  # "RSDD": Renstra Desktop document
PACKAGE_APPLICATION_ID = 0x5253504B  # "RSPK": a unit package (package_format.py, which imports this module)
SQLITE_HEADER = b"SQLite format 3\x00"
FILE_SUFFIX = ".renstra"


def migrations() -> list[tuple[int, Path]]:
    """Numbered migrations ``NNNN_name.sql`` in order."""
    found = []
    for path in migrations_dir().glob("*.sql"):
        match = re.match(r"^(\d{4})_", path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def latest_schema_version() -> int:
    return migrations()[-1][0]


def _check_header(path: Path) -> None:
    """Refuse, without writing, anything that is not a complete SQLite file."""
    if not path.exists():
        raise FileError(f"Berkas {path} tidak ditemukan. Periksa nama dan foldernya.")
    if path.is_dir():
        raise FileError(f"{path} adalah folder, bukan berkas rencana. Pilih berkas .renstra di dalamnya.")
    size = path.stat().st_size
    if size == 0:
        raise FileError(f"Berkas {path.name} kosong (0 bita). Pilih berkas rencana yang lain atau buat baru.")
    with path.open("rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise FileError(
            f"Berkas {path.name} bukan berkas Renstra Desktop (bukan basis data SQLite). "
            "Pilih berkas .renstra yang dibuat aplikasi ini."
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    if page_size < 512 or (page_count and size < page_size * page_count) or size % page_size:
        raise FileError(
            f"Berkas {path.name} terpotong atau rusak (ukuran {size} bita tidak utuh). "
            "Gunakan salinan cadangan atau kirim ulang berkasnya."
        )


def _recover_hot_journal(path: Path) -> None:
    """A write interrupted by a crash or power cut leaves ``<file>-journal``; a read-only connection
    cannot roll it back and would report the file as damaged.  A read-write open lets SQLite restore
    the last committed state (its own recovery) before the file is inspected."""
    journal = path.with_name(path.name + "-journal")
    if journal.exists() and journal.stat().st_size > 0 and os.access(path, os.W_OK):
        conn = sqlite3.connect(str(path), timeout=5)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError:
            pass  # inspect_file reports what is wrong
        finally:
            conn.close()


def inspect_file(path: str | os.PathLike) -> dict:
    """Read a file's identity read-only: application id, schema version, integrity.  Writes nothing,
    except SQLite's rollback of a journal left by an interrupted write."""
    path = Path(path)
    _check_header(path)
    _recover_hot_journal(path)
    uri = f"file:{path.resolve().as_posix()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        # sqlite's own text ("database disk image is malformed") tells a user nothing more
        raise FileError(
            f"Berkas {path.name} rusak dan tidak dapat dibaca. Gunakan salinan cadangan "
            "(berkas .cadangan-… di folder yang sama) atau minta salinan berkasnya lagi."
        ) from None
    if app_id == PACKAGE_APPLICATION_ID:
        raise FileError(
            f"Berkas {path.name} adalah paket satker, bukan berkas rencana. Buka berkas rencana (.renstra), "
            "lalu gabungkan paket ini ke dalamnya."
        )
    if app_id != APPLICATION_ID:
        raise FileError(
            f"Berkas {path.name} adalah basis data SQLite, tetapi bukan berkas Renstra Desktop. "
            "Pilih berkas .renstra yang dibuat aplikasi ini."
        )
    if check != "ok":
        raise FileError(f"Berkas {path.name} rusak (pemeriksaan integritas: {check}). Gunakan salinan cadangan.")
    latest = latest_schema_version()
    if version > latest:
        raise FileError(
            f"Berkas {path.name} dibuat oleh versi Renstra Desktop yang lebih baru (skema {version}, "
            f"aplikasi ini mengenal sampai {latest}). Perbarui aplikasi untuk membukanya."
        )
    return {"application_id": app_id, "schema_version": version, "integrity": check}


class Store:
    """One open plan file.  Use :meth:`open` for an existing file, :meth:`create_empty` for a new one."""

    def __init__(self, path: Path, conn: sqlite3.Connection, readonly: bool):
        self.path = path
        self.conn = conn
        self.readonly = readonly
        self._depth = 0

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike, *, readonly: bool = False) -> "Store":
        """Open an existing plan file; migrate it (after a backup copy) if its schema is older."""
        path = Path(path)
        info = inspect_file(path)
        if readonly:
            conn = _connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True)
            return cls(path, conn, readonly=True)
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise FileError(
                f"Berkas {path.name} hanya-baca (tidak ada izin menulis di berkas atau foldernya). "
                "Salin berkas ke folder Dokumen Anda lalu buka salinannya."
            )
        store = cls(path, _connect(str(path)), readonly=False)
        if info["schema_version"] < latest_schema_version():
            store._migrate(info["schema_version"])
        return store

    @classmethod
    def create_empty(cls, path: str | os.PathLike) -> "Store":
        """A new file with the current schema and nothing in it.  Refuses to overwrite."""
        path = Path(path)
        if path.exists():
            raise FileError(f"Berkas {path.name} sudah ada. Pilih nama lain agar berkas itu tidak tertimpa.")
        store = cls(path, _connect(str(path)), readonly=False)
        store.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        store._apply_migrations(0)
        return store

    def _migrate(self, current: int) -> None:
        self.conn.close()
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.cadangan-skema{current}-{stamp}")
        shutil.copy2(self.path, backup)
        self.conn = _connect(str(self.path))
        self._apply_migrations(current)

    def _apply_migrations(self, current: int) -> None:
        with self.atomic():
            for number, script in migrations():
                if number > current:
                    _execute_script(self.conn, script.read_text(encoding="utf-8"))
                    self.conn.execute(f"PRAGMA user_version = {number}")

    # -- transactions --------------------------------------------------------------------------
    @contextlib.contextmanager
    def atomic(self):
        """A transaction (outermost) or a savepoint (nested); rolled back on any exception."""
        name = f"sp{self._depth}"
        self.conn.execute("BEGIN IMMEDIATE" if self._depth == 0 else f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self.conn
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
            raise
        self._depth -= 1
        self.conn.execute("COMMIT" if self._depth == 0 else f"RELEASE {name}")

    # -- metadata ------------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.atomic():
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    @property
    def unit_code(self) -> str:
        """The unit this installation's file belongs to."""
        return self.meta("installation_unit") or "KANWIL"

    def save_copy(self, target: str | os.PathLike) -> Path:
        """A consistent copy through SQLite's online backup API (Simpan Sebagai)."""
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise FileError("Salinan tidak boleh menimpa berkas yang sedang dibuka. Pilih nama lain.")
        tmp = target.with_name(target.name + ".tmp")
        tmp.unlink(missing_ok=True)
        dest = sqlite3.connect(str(tmp))
        try:
            self.conn.backup(dest)
        finally:
            dest.close()
        os.replace(tmp, target)
        return target

    def count(self, table: str, *, include_deleted: bool = False) -> int:
        where = "" if include_deleted or table in ("meta", "audit_log") else " WHERE deleted = 0"
        return self.conn.execute(f"SELECT count(*) FROM {table}{where}").fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=True)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def _execute_script(conn: sqlite3.Connection, script: str) -> None:
    """Run a migration statement by statement (executescript would COMMIT our transaction)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                conn.execute(buffer)
            buffer = ""
    if buffer.strip():
        conn.execute(buffer)
