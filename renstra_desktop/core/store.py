"""The plan file: one SQLite database, opened defensively, migrated after a backup copy.

Opening checks cheaply what can be checked without reading the whole file (header, size, identity,
the exact schema), after judging any journal an interrupted write left; the integrity scan runs
before the first write and on demand.  A file held by another process is waited for and then
called busy, never damaged.

Threading: a Store (and its connection) belongs to the thread that opened it; a worker
thread opens its own Store on the same path.  Every change runs inside ``atomic()``.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from ..paths import migrations_dir
from . import file_lock, journal
from .errors import FileBusy, FileError
from .integrity import IntegrityReport, check_before_write, full_check
from .safe_write import create_private, new_file
from .sqlite_errors import SQLITE_BUSY, SQLITE_LOCKED, primary_code
from .sqlite_setup import configure as _configure_sqlite

_TRANSACTIONS = itertools.count(1)      # the Stores' write transactions, numbered

_configure_sqlite()      # before this process's first connection (sqlite_setup: SQLite's memory count off)

APPLICATION_ID = 0x52534444  # "RSDD": Renstra Desktop document
PACKAGE_APPLICATION_ID = 0x5253504B  # "RSPK": a unit package (package_format.py, which imports this module)
SQLITE_HEADER = b"SQLite format 3\x00"
FILE_SUFFIX = ".renstra"
BUSY_TIMEOUT_MS = 5000      # a statement waits this long for another process's lock


def migrations() -> list[tuple[int, Path]]:
    """Numbered migrations ``NNNN_name.sql`` in order (the folder listed again only when it changed:
    a merge asks once per package)."""
    folder = migrations_dir()
    key = (folder, folder.stat().st_mtime_ns)
    found = _MIGRATIONS.get(key)
    if found is None:
        found = []
        for path in folder.glob("*.sql"):
            match = re.match(r"^(\d{4})_", path.name)
            if match:
                found.append((int(match.group(1)), path))
        found = _MIGRATIONS[key] = sorted(found)
    return list(found)


_MIGRATIONS: dict[tuple, list] = {}


def latest_schema_version() -> int:
    return migrations()[-1][0]


def hold_writer_lock_while_open(purpose: str | None) -> None:
    """From now on in this process, every read-write Store holds the plan's writer lock until it is
    closed (the command line: one command is one writer, so two commands never interleave their
    read-modify-write).  The window does not call this: its open file must not lock others out."""
    global _writer_purpose
    _writer_purpose = purpose


_writer_purpose: str | None = None


class Store:
    """One open plan file.  Use :meth:`open` for an existing file, :meth:`create_empty` for a new one."""

    def __init__(self, path: Path, conn: sqlite3.Connection, readonly: bool):
        self.path = path
        self.conn = conn
        self.readonly = readonly
        self._depth = 0
        self._write_checked = False     # the integrity check before the first write has run
        self._release_lock = None
        self.recovered = False          # an interrupted write was rolled back at open
        self.write_wait = file_lock.wait_seconds()   # how long a write waits for another process

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike, *, readonly: bool = False) -> "Store":
        """Open an existing plan file; migrate it (after a backup copy) if its schema is older.

        Cheap checks only (header, size, identity, exact schema); the integrity scan runs before
        the first write (:meth:`atomic`) or on demand (:meth:`check_integrity`)."""
        from .plan_open import check_file, open_checked    # plan_open imports this module

        path = Path(path)
        check_file(path)
        release = None
        if not readonly:
            if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
                raise FileError(
                    f"Berkas {path.name} hanya-baca (tidak ada izin menulis di berkas atau foldernya). "
                    "Salin berkas ke folder Dokumen Anda lalu buka salinannya."
                )
            if _writer_purpose is not None:
                release = file_lock.acquire(path, _writer_purpose)
        try:
            conn, version, recovered = open_checked(path, readonly)
            if readonly and version < latest_schema_version():
                conn = _migrated_copy(conn, version)          # readers see one schema, the current
            store = cls(path, conn, readonly=readonly)
            store._release_lock, store.recovered = release, recovered
            if not readonly and version < latest_schema_version():
                store._migrate(version)
            if release is not None:         # a writing command: the day's first backup (core/backups.py)
                from .backups import daily_backup_on_open
                daily_backup_on_open(store)
        except BaseException:
            if release is not None:
                release()
            raise
        return store

    @classmethod
    def create_empty(cls, path: str | os.PathLike) -> "Store":
        """A new file (mode 0600) with the current schema and nothing in it.  Refuses to overwrite."""
        path = Path(path)
        try:
            create_private(path)
        except FileExistsError:
            raise FileError(f"Berkas {path.name} sudah ada. Pilih nama lain agar berkas itu tidak tertimpa.") from None
        store = cls(path, connect(str(path)), readonly=False)
        store._write_checked = True
        store.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        store._apply_migrations(0)
        return store

    def _migrate(self, current: int) -> None:
        from .backups import make_backup

        make_backup(self, f"skema{current}", exact=True)
        self._apply_migrations(current)

    def _apply_migrations(self, current: int) -> None:
        with self.atomic():
            for number, script in migrations():
                if number > current:
                    _run_migration(self.conn, number, script)

    # -- transactions --------------------------------------------------------------------------
    @contextlib.contextmanager
    def atomic(self):
        """A transaction (outermost) or a savepoint (nested); rolled back on any exception.

        The outermost one waits for another process's write (notice, then FileBusy after
        ``write_wait`` seconds) and, the first time in this Store, checks the file's integrity
        before anything is written."""
        name = f"sp{self._depth}"
        if self._depth == 0:
            self._begin()
            self.conn.txn = next(_TRANSACTIONS)      # audit_chain.TiedConnection
        else:
            self.conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            if self._depth == 1 and not self._write_checked:
                self._check_before_first_write()
            yield self.conn
        except BaseException:
            self._depth -= 1
            self.conn.tie_kept = None                # what it kept may have been rolled back
            if self._depth == 0:
                self.conn.txn = None
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
            raise
        self._depth -= 1
        if self._depth == 0:
            self.conn.txn = None
        self.conn.execute("COMMIT" if self._depth == 0 else f"RELEASE {name}")

    def _begin(self) -> None:
        self.conn.execute("PRAGMA busy_timeout = 250")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if primary_code(exc) not in (SQLITE_BUSY, SQLITE_LOCKED):
                raise
            file_lock.notify_wait(f"Berkas {self.path.name} sedang dipakai oleh {file_lock.who_holds(self.path)}, "
                                  "menunggu…")
            self.conn.execute(f"PRAGMA busy_timeout = {int(self.write_wait * 1000)}")
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if primary_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED):
                    raise FileBusy(file_lock.busy_message(self.path, self.write_wait)) from None
                raise
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _check_before_first_write(self) -> None:
        """A damaged file is refused before anything is written (:func:`.integrity.check_before_write`)."""
        if not self.readonly:
            check_before_write(self.conn, self.path)
        self._write_checked = True

    def check_integrity(self) -> IntegrityReport:
        """The full check (integrity scan, text that is not UTF-8), on demand or in a background worker
        with its own Store: the result in one Indonesian line.  Reads only."""
        return full_check(self.conn, self.path)

    @contextlib.contextmanager
    def writer_session(self, purpose: str):
        """Hold the plan's writer lock for a multi-step write (waits for another writer, then FileBusy)."""
        with file_lock.plan_lock(self.path, purpose, wait=self.write_wait):
            yield self

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

    def save_copy(self, target: str | os.PathLike, *, replace: bool = True) -> Path:
        """A consistent copy (mode 0600) through SQLite's online backup API (Simpan Sebagai, backups),
        built under a unique temporary name.  ``replace=False`` never overwrites an existing file."""
        target = Path(target)
        if target.exists() and target.resolve() == self.path.resolve():
            raise FileError("Salinan tidak boleh menimpa berkas yang sedang dibuka. Pilih nama lain.")
        if journal.journal_path(target).exists():
            raise FileError(f"Di folder itu ada {target.name}-journal milik berkas lain; salinan tidak ditaruh di "
                            "sampingnya. Pilih nama lain atau pindahkan berkas jurnal itu.")
        with new_file(target, replace=replace, private=True) as tmp:
            copy_database(self.conn, tmp, self.path)
        return target

    def count(self, table: str, *, include_deleted: bool = False) -> int:
        where = "" if include_deleted or table in ("meta", "audit_log") else " WHERE deleted = 0"
        return self.conn.execute(f"SELECT count(*) FROM {table}{where}").fetchone()[0]

    def close(self) -> None:
        self.conn.close()
        if self._release_lock is not None:
            self._release_lock, release = None, self._release_lock
            release()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def copy_database(conn: sqlite3.Connection, tmp: Path, source: Path, pages: int = -1) -> None:
    """Copy the database of ``conn`` (the plan ``source``) into the new file ``tmp`` through SQLite's
    online backup API: a consistent snapshot under SQLite's own read lock.  ``tmp`` is an unpublished
    temporary file, so it needs no journal and one fsync at the end (2.4x a raw byte copy instead of
    4.3x: bench/backup.py).  A writer of another process is waited for (FileBusy after the wait);
    Python's own loop would wait for ever, and a transaction of ``conn`` itself would never end.
    ``pages`` > 0 copies in steps that each hold the read lock only that long (the window's day's
    backup: an edit waits for one step, not the whole copy; a write between steps restarts the copy)."""
    if conn.in_transaction:
        raise RuntimeError("copy_database inside a transaction of the same connection")
    waited = {}

    def progress(status: int, remaining: int, total: int) -> None:
        if status not in (SQLITE_BUSY, SQLITE_LOCKED):
            waited.pop("since", None)           # a step went through: only an unbroken wait counts
            return
        now = time.monotonic()
        if "since" not in waited:
            waited["since"] = now
            if not waited.get("told"):
                waited["told"] = True
                file_lock.notify_wait(f"Berkas {source.name} sedang dipakai oleh {file_lock.who_holds(source)}, "
                                      "menunggu…")
        elif now - waited["since"] > file_lock.wait_seconds():
            raise FileBusy(file_lock.busy_message(source, now - waited["since"]))

    dest = sqlite3.connect(str(tmp), isolation_level=None)
    try:
        dest.execute("PRAGMA journal_mode = OFF")
        dest.execute("PRAGMA synchronous = OFF")
        conn.backup(dest, pages=pages, progress=progress, sleep=0.05)
    finally:
        dest.close()
    fd = os.open(tmp, os.O_RDWR)      # Windows' fsync needs a handle open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def readonly_uri(path: str | os.PathLike) -> str:
    """The URI that opens ``path`` read-only (quoted: a name may hold ? or #)."""
    return f"file:{quote(Path(path).resolve().as_posix(), safe='/:')}?mode=ro"


def connect(target: str, uri: bool = False) -> sqlite3.Connection:
    """A connection as every plan is used: rows by name, foreign keys on, untrusted schema off."""
    from .audit_chain import TiedConnection

    conn = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=True, factory=TiedConnection)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def _migrated_copy(source: sqlite3.Connection, version: int) -> sqlite3.Connection:
    """A read-only view of an older file in the current schema: the file copied into memory (SQLite's
    backup API) and the newer migrations run on that copy.  The file itself is not touched."""
    conn = connect(":memory:")
    try:
        try:
            source.backup(conn)
        finally:
            source.close()
        conn.execute("BEGIN")
        for number, script in migrations():
            if number > version:
                _run_migration(conn, number, script)
        conn.execute("COMMIT")
        conn.execute("PRAGMA query_only = ON")
    except BaseException:
        conn.close()
        raise
    return conn


# Migrations with a step SQL cannot do (SQLite has no SHA-256): number -> (module of this package,
# function taking the connection), run right after that number's script, in the same transaction.
MIGRATION_STEPS = {11: ("audit_chain", "chain_older_trail"), 12: ("audit_chain", "chain_older_trail"),
                   13: ("audit_retie", "retie_buckets")}


def _run_migration(conn: sqlite3.Connection, number: int, script: Path) -> None:
    """Run migration ``number``: its script, then its Python step if it has one."""
    import importlib

    _execute_script(conn, script.read_text(encoding="utf-8"))
    step = MIGRATION_STEPS.get(number)
    if step is not None:
        getattr(importlib.import_module(f"{__package__}.{step[0]}"), step[1])(conn)
    conn.execute(f"PRAGMA user_version = {number}")
    conn.tie_kept = conn.columns_kept = None    # it may rewrite the trail, change a table (audit_chain.TiedConnection)


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
