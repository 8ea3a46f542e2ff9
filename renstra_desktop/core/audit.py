"""The append-only audit trail: who, when, what, old value, new value, origin (DESIGN.md, 6)."""
from __future__ import annotations

import json

from .rows import utc_now


_INSERT = ("INSERT INTO audit_log (at, actor, unit_code, table_name, row_id, action, field, old_value, "
           "new_value, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def write_audit(conn, *, actor: str, unit_code: str, table: str, row_id: str, action: str,
                field: str | None = None, old=None, new=None, origin: str = "local") -> None:
    """Append one entry; call inside the transaction of the change it records."""
    conn.execute(_INSERT, (utc_now(), actor, unit_code, table, row_id, action, field,
                           None if old is None else str(old), None if new is None else str(new), origin))


def write_audit_many(conn, entries, *, actor: str, unit_code: str, origin: str, at: str | None = None) -> None:
    """Append the entries of one change set (a merged package) at one time, like write_audit:
    ``entries`` yields (table, row_id, action, field, old, new)."""
    at = at or utc_now()
    conn.executemany(_INSERT, ((at, actor, unit_code, table, row_id, action, field,
                                None if old is None else str(old), None if new is None else str(new), origin)
                               for table, row_id, action, field, old, new in entries))


def write_audit_inserted(conn, table: str, row_ids: list[str], *, actor: str, unit_code: str, origin: str,
                         at: str | None = None) -> None:
    """One entry per row of ``row_ids`` just inserted into ``table`` (a merged package), in one
    statement: action insert (delete for a tombstone); the values are the row's own."""
    conn.execute(
        f"INSERT INTO audit_log (at, actor, unit_code, table_name, row_id, action, field, old_value, new_value, "
        f"origin) SELECT ?, ?, ?, ?, id, CASE deleted WHEN 1 THEN 'delete' ELSE 'insert' END, NULL, NULL, NULL, ? "
        f"FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
        (at or utc_now(), actor, unit_code, table, origin, json.dumps(row_ids)))


def audit_entries(conn, row_id: str | None = None) -> list[dict]:
    sql, args = "SELECT * FROM audit_log", ()
    if row_id:
        sql, args = sql + " WHERE row_id = ?", (row_id,)
    return [dict(r) for r in conn.execute(sql + " ORDER BY seq", args)]
