"""The rollback journal next to a plan (``<plan>-journal``): does it belong to that file?

SQLite replays a hot journal into whatever database has the matching name; a journal copied from
another plan, or left next to a backup restored under the plan's name, would write another file's
pages into this one.  SQLite records nothing that ties a journal to its database, so two tests:
the journal must fit the file (header magic, the file's page size, page numbers within the size it
records, and the journaled first page carrying this file's identity and a change counter one step
behind, or equal to, the file's), and rolling it back in a scratch copy must leave a file that
passes the open checks.  Only then is it replayed in place, and only by a writing open.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
_MAX_RECORDS_SCANNED = 100_000


def journal_path(db_path: str | os.PathLike) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + "-journal")


@dataclass(frozen=True)
class JournalHeader:
    records: int
    initial_pages: int
    sector_size: int
    page_size: int


def read_header(data: bytes) -> JournalHeader | None:
    if len(data) < 28 or data[:8] != JOURNAL_MAGIC:
        return None
    records, _nonce, pages, sector, page = (int.from_bytes(data[i:i + 4], "big") for i in range(8, 28, 4))
    return JournalHeader(records, pages, sector, page)


def _db_header(db_path: Path) -> bytes:
    with open(db_path, "rb") as fh:
        return fh.read(100)


def misfit_reason(db_path: str | os.PathLike) -> str | None:
    """Why the journal next to ``db_path`` cannot be this file's (Indonesian), or None if it fits."""
    db_path = Path(db_path)
    jpath = journal_path(db_path)
    with open(jpath, "rb") as fh:
        head = fh.read(65536)
        size = os.fstat(fh.fileno()).st_size
    header = read_header(head)
    if header is None:
        return "isinya bukan jurnal SQLite"
    db = _db_header(db_path)
    db_page = int.from_bytes(db[16:18], "big")
    db_page = 65536 if db_page == 1 else db_page
    if header.page_size != db_page:
        return f"ukuran halamannya {header.page_size} bita, sedangkan berkas ini {db_page} bita"
    if header.sector_size < 512 or header.sector_size > 65536 or header.sector_size & (header.sector_size - 1):
        return "kepala jurnalnya tidak sah"
    record = 4 + header.page_size + 4
    count = header.records if header.records != 0xFFFFFFFF else (size - header.sector_size) // record
    count = min(count, (size - header.sector_size) // record, _MAX_RECORDS_SCANNED)
    with open(jpath, "rb") as fh:
        for i in range(max(count, 0)):
            fh.seek(header.sector_size + i * record)
            number = int.from_bytes(fh.read(4), "big")
            if number < 1 or number > header.initial_pages:
                return (f"jurnal menyimpan halaman {number}, padahal berkasnya saat penulisan dimulai "
                        f"{header.initial_pages} halaman")
            if number == 1:
                page_one = fh.read(100)
                if page_one[68:72] != db[68:72]:
                    return "jurnal itu berasal dari berkas lain, identitas aplikasinya berbeda"
                journaled = int.from_bytes(page_one[24:28], "big")
                current = int.from_bytes(db[24:28], "big")
                if current not in (journaled, (journaled + 1) & 0xFFFFFFFF):
                    return (f"jurnal itu berasal dari berkas lain, penghitung perubahannya {journaled} "
                            f"sedangkan berkas ini {current}")
    return None


def trial_rollback(db_path: str | os.PathLike, check: Callable[[sqlite3.Connection, Path], None]) -> None:
    """Replay the journal into a scratch copy of the file and run ``check`` on the result (it raises
    when the result is not a sound plan).  The file and its journal are only read."""
    db_path = Path(db_path)
    with tempfile.TemporaryDirectory(prefix="renstra-pulih-") as folder:
        copy = Path(folder) / db_path.name
        shutil.copyfile(db_path, copy)
        shutil.copyfile(journal_path(db_path), journal_path(copy))
        conn = sqlite3.connect(copy, isolation_level=None)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()    # SQLite rolls back here
            check(conn, copy)
        finally:
            conn.close()


def recover_in_place(db_path: str | os.PathLike, timeout: float) -> None:
    """Let SQLite roll the journal back into the file (a read-write connection does it on first read)."""
    conn = sqlite3.connect(db_path, timeout=timeout, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def still_there(db_path: str | os.PathLike) -> bool:
    with contextlib.suppress(OSError):
        return journal_path(db_path).stat().st_size > 0
    return False
