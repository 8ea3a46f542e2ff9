"""Opening a plan file defensively: cheap checks only, after judging an interrupted write.

Read the first 100 bytes (a plan at all? a pipe? WAL?), then through a read-only connection the
identity (application id, schema version, the exact schema) and the size — after SQLite holds its
lock, so a hot journal is seen first.  A hot journal is judged (:mod:`.journal`): one that is not the
file's own is never replayed, a read-only open never replays one, a writing open lets SQLite roll it
back and checks again.  A file busy in another process is waited for, with a notice, then refused
as busy, never as damaged.  The integrity scan is not run here (:mod:`.integrity`).
"""
from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from . import file_lock, journal
from .errors import FileBusy, FileError
from .integrity import count_problems
from .os_errors import SPECIAL_FILE, os_reason
from .plan_schema_check import read_master, schema_problem
from .sqlite_errors import (SQLITE_BUSY, SQLITE_CORRUPT, SQLITE_LOCKED, SQLITE_NOTADB, SQLITE_READONLY_ROLLBACK,
                            damaged_message, database_error_message, primary_code)
from .store import (APPLICATION_ID, BUSY_TIMEOUT_MS, PACKAGE_APPLICATION_ID, SQLITE_HEADER, connect,
                    latest_schema_version, readonly_uri)


def check_file(path: Path) -> None:
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
        raise FileError(f"{path} {SPECIAL_FILE}. Pilih berkas .renstra yang dibuat aplikasi ini.")
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


def open_checked(path: Path, readonly: bool) -> tuple[sqlite3.Connection, int, bool]:
    """Open ``path`` after the cheap checks (header, size, identity, schema; no integrity scan).

    An interrupted write (a hot journal) is first judged: a journal that is not this file's is never
    replayed; a read-only open never replays one; a writing open lets SQLite roll it back, then
    checks.  Returns the connection (read-only or read-write), the schema version and whether a
    journal was rolled back."""
    recovered = False
    while True:
        conn = connect(readonly_uri(path), uri=True)
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
    return connect(str(path)), version, recovered


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
            f"Di samping berkas {name} ada {name}-journal yang bukan miliknya: {reason}. Jurnal itu tidak "
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
