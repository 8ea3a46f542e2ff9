"""Number cells a plan would refuse, found with SQL (issue 8): a plan changed with another SQLite
tool may hold text in a number column or a value such as 1e308.  Every writer of the application
refuses them (core/schema.py Field bounds); what reads a plan to print or send it (reports, the
Excel workbook, a unit's package) and the full check find them here and say which cell, instead of
failing half-way with a traceback or passing them on.

One query per table: the cells whose type or value is outside the column's bounds, at most a few
per column (the message names the first).  No Python loop over rows: on the 530-unit file the scan
reads each number column once inside SQLite.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .errors import FileError
from .schema import PLAN_TABLES, TABLES

NUMBER_KINDS = ("number", "int", "score", "year")
PER_COLUMN = 3


def invalid_numbers(conn: sqlite3.Connection, tables=None) -> list[tuple[str, str, str, object]]:
    """(table, row id, column, value) of number cells outside their type or bounds, live rows only."""
    found = []
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in tables or PLAN_TABLES:
        if table not in present:
            continue
        fields = [f for f in TABLES[table].fields if f.kind in NUMBER_KINDS]
        if not fields:
            continue
        parts = []
        for f in fields:
            low, high = f.limits
            types = "('integer')" if f.kind != "number" else "('integer', 'real')"
            parts.append(f"SELECT id, '{f.name}', \"{f.name}\" FROM \"{table}\" WHERE deleted = 0 AND "
                         f"\"{f.name}\" IS NOT NULL AND (typeof(\"{f.name}\") NOT IN {types} OR "
                         f"\"{f.name}\" < {low!r} OR \"{f.name}\" > {high!r}) LIMIT {PER_COLUMN}")
        sql = " UNION ALL ".join(f"SELECT * FROM ({p})" for p in parts)
        found.extend((table, *row) for row in conn.execute(sql))
    return found


def refuse_invalid_numbers(conn: sqlite3.Connection, doing: str, tables=None) -> None:
    """Raise FileError (one Indonesian line) when the plan holds a number cell it would refuse;
    ``doing``: what cannot be done ("laporan tidak dibuat")."""
    found = invalid_numbers(conn, tables)
    if found:
        file = conn.execute("PRAGMA database_list").fetchone()[2] or "rencana"
        raise FileError(describe(found, Path(file), doing))


def describe(found, path, doing: str) -> str:
    table, row_id, column, value = found[0]
    label = TABLES[table].field_map[column].label or column
    more = f" dan {len(found) - 1} sel lain" if len(found) > 1 else ""
    shown = repr(value) if not isinstance(value, str) else f"“{value[:40]}”"
    return (f"Berkas {Path(path).name} berisi nilai yang tidak sah: {TABLES[table].label}, kolom "
            f"“{label}” baris {row_id}: {shown}{more}. Berkas ini diubah di luar aplikasi; {doing}. Pulihkan "
            "dari cadangan (Berkas → Pulihkan dari cadangan, atau renstra-desktop restore) atau minta berkasnya lagi.")
