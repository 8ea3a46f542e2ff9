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
import os
import re
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..paths import migrations_dir
from . import file_lock, journal
from .errors import FileBusy, FileError
from .os_errors import os_reason
from .plan_schema_check import read_master, schema_problem
from .safe_write import create_private, new_file
from .sqlite_errors import (SQLITE_BUSY, SQLITE_CORRUPT, SQLITE_LOCKED, SQLITE_NOTADB, SQLITE_READONLY_ROLLBACK,
                            damaged_message, database_error_message, primary_code)

APPLICATION_ID = 0x52534444  # "RSDD": Renstra Desktop document
PACKAGE_APPLICATION_ID = 0x5253504B  # "RSPK": a unit package (package_format.py, which imports this module)
SQLITE_HEADER = b"SQLite format 3\x00"
FILE_SUFFIX = ".renstra"
BUSY_TIMEOUT_MS = 5000      # a statement waits this long for another process's lock


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


def _check_file(path: Path) -> None:
    """Refuse, by reading its first 100 bytes and nothing else, what cannot be a plan file."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise FileError(f"Berkas {path} tidak ditemukan. Periksa nama dan foldernya.") from None
    except OSError as exc:
        raise FileError(f"Berkas {path} tidak dapat dibaca ({os_reason(exc)}). Periksa nama dan izinnya.") from None
    if stat.S_ISDIR(st.st_mode):
        raise FileError(f"{path} adalah folder, bukan berkas rencana. Pilih berkas .renstra di dalamnya.")
    if not stat.S_ISREG(st.st_mode):      # a pipe or a device: opening it could block or never end
        raise FileError(f"{path} bukan berkas biasa (perangkat atau pipa). Pilih berkas .renstra yang dibuat "
                        "aplikasi ini.")
    if st.st_size == 0:
        raise FileError(f"Berkas {path.name} kosong (0 bita). Pilih berkas rencana yang lain atau buat baru.")
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise FileError(f"Berkas {path.name} tidak dapat dibaca ({os_reason(exc)}). Periksa izinnya.") from None
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise FileError(
            f"Berkas {path.name} bukan berkas Renstra Desktop (bukan basis data SQLite). "
            "Pilih berkas .renstra yang dibuat aplikasi ini."
        )
    page_size = _page_size(header)
    if page_size < 512 or page_size & (page_size - 1):
        raise FileError(damaged_message(path, " (kepala berkasnya tidak sah)"))
    if header[18:20] != b"\x01\x01":
        raise FileError(
            f"Berkas {path.name} memakai mode jurnal WAL yang tidak dipakai aplikasi ini (berkas diubah di luar "
            "aplikasi); tidak ada yang diubah. Gunakan salinan cadangan atau minta berkasnya lagi.")


def _page_size(header: bytes) -> int:
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def _check_size(path: Path) -> None:
    """A file shorter than its header says (cut off in a copy or a download).  Run after SQLite has
    rolled back an interrupted write: that may shrink or grow the file."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        header = fh.read(100)
    page_size = _page_size(header)
    page_count = int.from_bytes(header[28:32], "big")
    count_valid = header[92:96] == header[24:28]
    if size % page_size or (count_valid and page_count and size < page_size * page_count):
        raise FileError(
            f"Berkas {path.name} terpotong atau rusak (ukuran {size} bita tidak utuh); tidak ada yang diubah. "
            "Gunakan salinan cadangan atau kirim ulang berkasnya."
        )


def _identity(conn: sqlite3.Connection, path: Path) -> tuple[int, int, frozenset]:
    """Application id, schema version and sqlite_master of an open file, read in one snapshot; the
    size is checked once SQLite holds its lock (after any rollback of an interrupted write).  A file
    busy in another process is waited for (with a notice), then refused as busy, never as damaged."""
    conn.execute("BEGIN")
    try:
        app_id = _first_read(conn, path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        _check_size(path)
        return app_id, version, read_master(conn)
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def _first_read(conn: sqlite3.Connection, path: Path) -> int:
    conn.execute("PRAGMA busy_timeout = 250")
    try:
        return conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if primary_code(exc) not in (SQLITE_BUSY, SQLITE_LOCKED):
            raise
    file_lock.notify_wait(f"Berkas {path.name} sedang dipakai oleh {file_lock.who_holds(path)}, menunggu…")
    wait = file_lock.wait_seconds()
    conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
    try:
        return conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if primary_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED):
            raise FileBusy(file_lock.busy_message(path, wait)) from None
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _read_identity(conn: sqlite3.Connection) -> tuple[int, int, frozenset]:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    return app_id, version, read_master(conn)


def _check_identity(path: Path, app_id: int, version: int, master: frozenset, conn: sqlite3.Connection) -> None:
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
    latest = latest_schema_version()
    if version > latest:
        raise FileError(
            f"Berkas {path.name} dibuat oleh versi Renstra Desktop yang lebih baru (skema {version}, "
            f"aplikasi ini mengenal sampai {latest}). Perbarui aplikasi untuk membukanya."
        )
    problem = "tidak menyebut versi skemanya" if version < 1 else schema_problem(conn, version, master)
    if problem:
        raise FileError(
            f"Berkas {path.name} tidak sesuai skema Renstra Desktop versi {version}: {problem}. Berkas ini diubah "
            "di luar aplikasi dan tidak dibuka; tidak ada yang diubah. Gunakan salinan cadangan atau minta "
            "berkasnya lagi."
        )


def _open_checked(path: Path, readonly: bool) -> tuple[sqlite3.Connection, int, bool]:
    """Open ``path`` after the cheap checks (header, size, identity, schema; no integrity scan).

    An interrupted write (a hot journal) is first judged: a journal that is not this file's is never
    replayed; a read-only open never replays one; a writing open lets SQLite roll it back, then
    checks.  Returns the connection (read-only or read-write), the schema version and whether a
    journal was rolled back."""
    recovered = False
    while True:
        conn = _connect(f"file:{quote(path.resolve().as_posix(), safe='/:')}?mode=ro", uri=True)
        try:
            app_id, version, master = _identity(conn, path)
            _check_identity(path, app_id, version, master, conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            if exc.sqlite_errorcode == SQLITE_READONLY_ROLLBACK and not recovered:
                _replay_journal(path, readonly)
                recovered = True
                continue
            if primary_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB):
                _check_size(path)        # the more precise word when the file was cut off
                raise FileError(damaged_message(path, " dan tidak dapat dibaca")) from None
            raise FileError(database_error_message(exc, path)) from None
        except BaseException:
            conn.close()
            raise
        break
    if readonly:
        return conn, version, recovered
    conn.close()
    return _connect(str(path)), version, recovered


def _replay_journal(path: Path, readonly: bool) -> None:
    name = path.name
    reason = journal.misfit_reason(path)
    if reason is None:
        try:
            journal.trial_rollback(path, lambda conn, copy: _check_recovered(conn, copy))
        except (FileError, sqlite3.DatabaseError, OSError):
            reason = "memulihkan berkas dengan jurnal itu menghasilkan berkas yang tidak utuh"
    if reason is not None:
        raise FileError(
            f"Di samping berkas {name} ada {name}-journal yang bukan miliknya ({reason}); jurnal itu tidak "
            f"dipakai dan tidak ada yang diubah. Pindahkan {name}-journal ke folder lain, lalu buka berkasnya lagi.")
    if readonly:
        raise FileError(
            f"Penyimpanan terakhir ke berkas {name} terputus ({name}-journal menyimpan keadaan sebelumnya) dan "
            "belum dipulihkan; perintah baca tidak memulihkannya, tidak ada yang diubah. Pulihkan dengan membuka "
            f"berkas itu di aplikasi atau dengan: renstra-desktop check {name}")
    journal.recover_in_place(path, file_lock.wait_seconds())


def _check_recovered(conn: sqlite3.Connection, copy: Path) -> None:
    _check_size(copy)
    _check_identity(copy, *_read_identity(conn), conn)
    if count_problems(conn.execute("PRAGMA integrity_check(100)")):   # rare (after a crash): the full check
        raise FileError("integrity_check")


def count_problems(rows) -> int:
    """How many problems PRAGMA integrity_check / quick_check reported (0 for "ok")."""
    found = 0
    for (text,) in rows:
        if text == "ok":
            return 0
        found += sum(1 for line in str(text).splitlines() if line.strip() and not line.startswith("*** in database"))
    return found


def _stamp(path: Path) -> tuple | None:
    """What identifies a file's content cheaply: inode, size, mtime and SQLite's change counter."""
    try:
        st = path.stat()
        with path.open("rb") as fh:
            counter = fh.read(28)[24:28]
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, counter


_checked: dict[str, tuple] = {}          # resolved path -> stamp of its last clean integrity check


@dataclass(frozen=True)
class IntegrityReport:
    """The result of :meth:`Store.check_integrity`: ``message`` is one Indonesian line."""
    ok: bool
    problems: int
    message: str
    checked_at: str


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
        path = Path(path)
        _check_file(path)
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
            conn, version, recovered = _open_checked(path, readonly)
            store = cls(path, conn, readonly=readonly)
            store._release_lock, store.recovered = release, recovered
            if not readonly and version < latest_schema_version():
                store._migrate(version)
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
        store = cls(path, _connect(str(path)), readonly=False)
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
                    _execute_script(self.conn, script.read_text(encoding="utf-8"))
                    self.conn.execute(f"PRAGMA user_version = {number}")

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
        else:
            self.conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            if self._depth == 1 and not self._write_checked:
                self._check_before_first_write()
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
        """A damaged file is refused before anything is written (PRAGMA quick_check, skipped when a
        check in this process already passed on the unchanged file)."""
        key = os.path.realpath(self.path)
        if self.readonly or (_checked.get(key) is not None and _checked.get(key) == _stamp(self.path)):
            self._write_checked = True
            return
        problems = count_problems(self.conn.execute("PRAGMA quick_check(100)"))
        if problems:
            raise FileError(damaged_message(self.path, f" (pemeriksaan integritas menemukan {problems} masalah)"))
        self._write_checked = True
        _checked[key] = _stamp(self.path)

    def check_integrity(self) -> IntegrityReport:
        """The full check (PRAGMA integrity_check), on demand or in a background worker with its own
        Store: its result in one Indonesian line.  Reads only."""
        from .localtime import format_datetime
        from .rows import utc_now

        started = utc_now()
        try:
            problems = count_problems(self.conn.execute("PRAGMA integrity_check(1000)"))
        except sqlite3.DatabaseError:
            problems = 1
        when = format_datetime(started)
        if problems:
            more = "lebih dari 1000" if problems >= 1000 else str(problems)
            return IntegrityReport(False, problems, damaged_message(
                self.path, f" (pemeriksaan menyeluruh {when} menemukan {more} masalah)"), started)
        _checked[os.path.realpath(self.path)] = _stamp(self.path)
        return IntegrityReport(True, 0, f"Berkas {self.path.name} utuh: pemeriksaan menyeluruh {when} tidak "
                                        "menemukan masalah.", started)

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
            dest = sqlite3.connect(str(tmp))
            try:
                self.conn.backup(dest)
            finally:
                dest.close()
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


def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=True)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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
