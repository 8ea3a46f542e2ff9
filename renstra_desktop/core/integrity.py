"""How sound a plan file is, beyond what opening checks: SQLite's integrity scans and text that is
not UTF-8 (written outside the application), in one Indonesian line.

Opening a plan checks only what is cheap (issue 11: PRAGMA quick_check cost 70 ms at 87 MB on
every open).  :func:`check_before_write` runs quick_check once before a Store's first write, so a
damaged file is still refused before anything is written; :func:`full_check` is the on-demand or
background check.  A check that passed is remembered for the unchanged file (inode, size, mtime,
SQLite's change counter), so a background check spares the first edit its scan.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .errors import FileError
from .sqlite_errors import damaged_message

_checked: dict[str, tuple] = {}          # resolved path -> stamp of its last clean check


@dataclass(frozen=True)
class IntegrityReport:
    """The result of :func:`full_check`: ``message`` is one Indonesian line."""
    ok: bool
    problems: int
    message: str
    checked_at: str


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


def _remember(path: Path) -> None:
    _checked[os.path.realpath(path)] = _stamp(path)


def check_before_write(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse (FileError, one line) a file PRAGMA quick_check finds damaged, unless a check in this
    process already passed on the unchanged file."""
    remembered = _checked.get(os.path.realpath(path))
    if remembered is not None and remembered == _stamp(path):
        return
    # on a read-only connection: SQLite 3.40 runs quick_check about twice as fast there (bench/store_open.py)
    from .store import readonly_uri

    reader = sqlite3.connect(readonly_uri(path), uri=True)
    try:
        problems = count_problems(reader.execute("PRAGMA quick_check(100)"))
    finally:
        reader.close()
    if problems:
        raise FileError(damaged_message(path, f" (pemeriksaan integritas menemukan {problems} masalah)"))
    _remember(path)


def invalid_text(conn: sqlite3.Connection) -> list[str]:
    """``table.column`` of every column holding text that is not UTF-8 (reads every text cell)."""
    found = []
    tables = {t: [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')] for (t,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()}
    cur = conn.cursor()
    cur.row_factory = None
    previous = conn.text_factory
    conn.text_factory = bytes          # names are read above: from here on text arrives as bytes
    try:
        for table, columns in tables.items():
            picks = ", ".join(f"CASE WHEN typeof(\"{c}\") = 'text' THEN \"{c}\" END" for c in columns)
            bad = set()
            for row in cur.execute(f'SELECT {picks} FROM "{table}"'):
                try:
                    b"\n".join(v for v in row if v is not None).decode("utf-8")
                except UnicodeDecodeError:
                    bad.update(c for c, v in zip(columns, row) if v is not None and not _utf8(v))
            found.extend(f"{table}.{c}" for c in columns if c in bad)
    finally:
        conn.text_factory = previous
    return found


def _utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def full_check(conn: sqlite3.Connection, path: Path) -> IntegrityReport:
    """PRAGMA integrity_check and a scan of every text cell; reads only."""
    from .localtime import format_datetime
    from .rows import utc_now

    started = utc_now()
    when = format_datetime(started)
    try:
        problems = count_problems(conn.execute("PRAGMA integrity_check(1000)"))
        bad_text = [] if problems else invalid_text(conn)
    except sqlite3.DatabaseError:
        problems, bad_text = 1, []
    if problems:
        more = "lebih dari 1000" if problems >= 1000 else str(problems)
        return IntegrityReport(False, problems, damaged_message(
            path, f" (pemeriksaan menyeluruh {when} menemukan {more} masalah)"), started)
    if bad_text:
        return IntegrityReport(False, len(bad_text), damaged_message(
            path, f" (pemeriksaan menyeluruh {when}: teks yang bukan UTF-8 sah di {', '.join(bad_text[:3])})"),
            started)
    from .value_check import describe, invalid_numbers
    bad_numbers = invalid_numbers(conn)
    if bad_numbers:
        return IntegrityReport(False, len(bad_numbers), describe(bad_numbers, path, "angkanya tidak dapat dipakai"),
                               started)
    _remember(path)
    return IntegrityReport(True, 0, f"Berkas {path.name} utuh: pemeriksaan menyeluruh {when} tidak menemukan "
                                    "masalah.", started)
