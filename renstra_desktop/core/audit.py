"""The append-only audit trail: who, when, what, old value, new value, origin (DESIGN.md, 6)."""
from __future__ import annotations

from .rows import utc_now


def write_audit(conn, *, actor: str, unit_code: str, table: str, row_id: str, action: str,
                field: str | None = None, old=None, new=None, origin: str = "local") -> None:
    """Append one entry; call inside the transaction of the change it records."""
    conn.execute(
        "INSERT INTO audit_log (at, actor, unit_code, table_name, row_id, action, field, old_value, "
        "new_value, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (utc_now(), actor, unit_code, table, row_id, action, field,
         None if old is None else str(old), None if new is None else str(new), origin))


def audit_entries(conn, row_id: str | None = None) -> list[dict]:
    sql, args = "SELECT * FROM audit_log", ()
    if row_id:
        sql, args = sql + " WHERE row_id = ?", (row_id,)
    return [dict(r) for r in conn.execute(sql + " ORDER BY seq", args)]
