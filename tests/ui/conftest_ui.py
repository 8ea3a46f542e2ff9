"""Small helpers shared by the UI tests (imported by name; tests/ is on sys.path)."""
from __future__ import annotations

import sqlite3
from pathlib import Path


def cell_index(model, row: int, key: str):
    return model.index(row, model.column_index(key))


def row_of(model, **match) -> int:
    return next(i for i, r in enumerate(model.rows()) if all(r.get(k) == v for k, v in match.items()))


def read_db(path: Path, sql: str, args=()) -> list[tuple]:
    """Read the file through a second, independent sqlite3 connection."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()
