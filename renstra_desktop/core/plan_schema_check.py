"""A plan file's schema, checked on every open as strictly as a package's.

The expected schema of version N is what migrations 1..N create, built once per process in memory;
the file's ``sqlite_master`` must hold exactly those tables (same columns and constraints: the same
SQL text), indexes and triggers — no view, no trigger of anyone else (a trigger planted in a plan
runs during a merge with the merging user's rights).  SQLite's own statistics tables (ANALYZE) are
tolerated: they change no data.  Cost: one read of ``sqlite_master`` and a set comparison.
"""
from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass

_TOLERATED = ("sqlite_stat1", "sqlite_stat4")


@dataclass(frozen=True)
class ExpectedSchema:
    master: frozenset            # {(type, name, tbl_name, sql)}
    columns: dict                # table -> tuple of column names


def expected_schema(version: int) -> ExpectedSchema:
    """What migrations 1..``version`` create (built once per process for each set of scripts)."""
    from .store import migrations      # store.py calls this module on every open

    return _build(tuple(script for number, script in migrations() if number <= version))


@functools.lru_cache(maxsize=None)
def _build(scripts: tuple) -> ExpectedSchema:
    conn = sqlite3.connect(":memory:")
    try:
        for script in scripts:
            conn.executescript(script.read_text(encoding="utf-8"))
        master = frozenset(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
        columns = {name: tuple(r[1] for r in conn.execute(f'PRAGMA table_info("{name}")'))
                   for kind, name, _t, _s in master if kind == "table"}
    finally:
        conn.close()
    return ExpectedSchema(master, columns)


def read_master(conn: sqlite3.Connection) -> frozenset:
    cur = conn.cursor()
    cur.row_factory = None
    return frozenset(tuple(r) for r in cur.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
                     if r[1] not in _TOLERATED)


_KIND_WORDS = {"table": "tabel", "index": "indeks", "trigger": "pemicu (trigger)", "view": "view"}


def schema_problem(conn: sqlite3.Connection, version: int, master: frozenset | None = None) -> str | None:
    """What differs from the schema of ``version`` (one Indonesian phrase), or None."""
    expected = expected_schema(version)
    actual = read_master(conn) if master is None else master
    if actual == expected.master:
        return None
    if not any(kind == "table" for kind, *_ in actual):
        return "tidak berisi satu tabel pun"
    by_name = {(kind, name): (tbl, sql) for kind, name, tbl, sql in actual}
    want = {(kind, name): (tbl, sql) for kind, name, tbl, sql in expected.master}
    problems = []
    for kind, name in sorted(set(by_name) - set(want)):
        tbl = by_name[(kind, name)][0]
        where = f" pada tabel {tbl}" if kind in ("trigger", "index") else ""
        problems.append(f"ada {_KIND_WORDS.get(kind, kind)} asing “{name}”{where}")
    for kind, name in sorted(set(want) - set(by_name)):
        problems.append(f"{_KIND_WORDS.get(kind, kind)} “{name}” tidak ada")
    for kind, name in sorted(set(want) & set(by_name)):
        if by_name[(kind, name)] != want[(kind, name)]:
            problems.append(_difference(conn, kind, name, expected))
    return "; ".join(problems[:3]) + (f"; dan {len(problems) - 3} perbedaan lain" if len(problems) > 3 else "")


def _difference(conn, kind: str, name: str, expected: ExpectedSchema) -> str:
    if kind != "table":
        return f"definisi {_KIND_WORDS.get(kind, kind)} “{name}” berbeda"
    try:
        have = tuple(r[1] for r in conn.execute(f'PRAGMA table_info("{name}")'))
    except sqlite3.DatabaseError:
        have = ()
    want = expected.columns[name]
    missing = [c for c in want if c not in have]
    extra = [c for c in have if c not in want]
    if missing or extra:
        parts = ([f"kolom hilang: {', '.join(missing)}"] if missing else []) + \
                ([f"kolom tambahan: {', '.join(extra)}"] if extra else [])
        return f"tabel {name} berbeda ({'; '.join(parts)})"
    return f"definisi tabel {name} berbeda (jenis kolom atau batasannya diubah)"
