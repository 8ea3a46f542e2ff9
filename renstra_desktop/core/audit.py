"""The append-only audit trail: who, when, what, old value, new value, origin (DESIGN.md, 6).

Every entry is appended through :func:`.audit_chain.append`, which chains it to the one before; an
entry that ends a row's change carries the digest of the row's content after it, and the last entry
of a write the digests of the buckets of rows it touched (the ties ``audit verify`` checks)."""
from __future__ import annotations


from .audit_chain import COMPACT, ENTRY_COLUMNS, append, compact_deleted, compact_rows, current_digests
from .rows import utc_now

def _text(value):
    return None if value is None else str(value)


def write_audit(conn, *, actor: str, unit_code: str, table: str, row_id: str, action: str,
                field: str | None = None, old=None, new=None, origin: str = "local",
                row_digest: str | None = None) -> None:
    """Append one entry; call inside the transaction of the change it records."""
    append(conn, [(utc_now(), actor, unit_code, table, row_id, action, field, _text(old), _text(new), origin,
                   row_digest)])


def audit_rows(entries, *, actor: str, unit_code: str, origin: str, at: str | None = None,
               digests: dict[str, str] | None = None) -> list[tuple]:
    """The entries of one change set at one time, in ``ENTRY_COLUMNS`` order: ``entries`` yields
    (table, row_id, action, field, old, new); ``digests`` (row id -> content digest after the change)
    goes on the last entry of each row."""
    at = at or utc_now()
    rows = [(at, actor, unit_code, table, row_id, action, field, _text(old), _text(new), origin, None)
            for table, row_id, action, field, old, new in entries]
    if digests:
        seen = set()
        for i in range(len(rows) - 1, -1, -1):
            row_id = rows[i][4]
            if row_id not in seen:
                seen.add(row_id)
                rows[i] = (*rows[i][:-1], digests.get(row_id))
    return rows


def audit_entries(conn, row_id: str | None = None) -> list[dict]:
    """The trail (all of it, or the entries of one row, its compact insert included), oldest first."""
    if row_id:
        return entries_of_row(conn, row_id)
    return [dict(r) for r in conn.execute("SELECT * FROM audit_log ORDER BY seq")]


def entries_of_row(conn, row_id: str, table: str | None = None) -> list[dict]:
    """The entries of one row, oldest first: its own, and the compact entry of the package (or seed)
    that inserted it, shown as that row's insert (or delete, for a tombstone)."""
    out = [dict(r) for r in conn.execute("SELECT * FROM audit_log WHERE row_id = ? ORDER BY seq", (row_id,))]
    table = table or table_of_row(conn, row_id)
    found = conn.execute(f"SELECT rowid FROM {table} WHERE id = ?", (row_id,)).fetchone() if table else None
    if found is not None:
        for r in conn.execute("SELECT * FROM audit_log WHERE table_name = ? AND row_id = ? AND action = 'insert' "
                              "ORDER BY seq", (table, COMPACT)):
            if any(rowid == found[0] for rowid, _short in compact_rows(r["new_value"])):
                out.append({**dict(r), "row_id": row_id, "new_value": None,
                            "action": "delete" if found[0] in compact_deleted(r["new_value"]) else "insert"})
        out.sort(key=lambda d: d["seq"])
    return out


__all__ = ["ENTRY_COLUMNS", "audit_entries", "audit_rows", "current_digests", "entries_of_row", "write_audit"]


def table_of_row(conn, row_id: str) -> str | None:
    """The plan table holding the row ``row_id`` (ids are unique across tables), or None."""
    from .schema import TABLES

    for table in TABLES:
        if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone():
            return table
    row = conn.execute("SELECT table_name FROM audit_log WHERE row_id = ? LIMIT 1", (row_id,)).fetchone()
    return row[0] if row else None


def row_history(conn, row_id: str, table: str | None = None) -> list[dict]:
    """The entries of one row, oldest first, for people ("Riwayat"): who, when (office time), what
    from what to what, and from where (a package digest, an import, this computer).  A row the file
    started with (the embedded plan) begins with an entry saying so."""
    from .audit_chain import anchored
    from .localtime import format_datetime, zone_of

    table = table or table_of_row(conn, row_id)
    if table is None:
        return []
    zone = zone_of(conn)
    out = []
    if row_id in anchored(conn)[1].get(table, {}):
        row = conn.execute(f"SELECT created_at, updated_by, origin FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if row is not None:
            from .newplan import SEED_TIME
            out.append({"seq": 0, "at": row[0], "actor": "—", "unit_code": "", "action": "anchor", "field": None,
                        "old_value": None, "new_value": None,
                        "origin": "seed" if row[0] == SEED_TIME else "migrasi"})   # seeded, or found at a migration
    keys = ("seq", "at", "actor", "unit_code", "action", "field", "old_value", "new_value", "origin")
    out += [{k: e[k] for k in keys} for e in entries_of_row(conn, row_id, table) if e["table_name"] == table]
    from .schema import TABLES

    labels = TABLES[table].field_map if table in TABLES else {}
    for d in out:
        d["when"] = format_datetime(d["at"], zone)
        field = labels.get(d["field"])
        d["field_label"] = (field.label or field.name) if field else ("Dihapus" if d["field"] == "deleted"
                                                                      else d["field"] or "")
    return out


def accept_outside_changes(store, *, actor: str, reason: str) -> int:
    """An administrator accepts what ``audit verify`` found (one 'accept' entry per row, one for the
    broken links of the chain), with a reason; the file verifies again afterwards.  Returns the
    number of findings accepted (0: nothing to accept)."""
    from .audit_chain import accept, verify
    from .errors import ValidationError
    from .roles import require

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Alasan wajib diisi: tulis mengapa perubahan di luar aplikasi diterima "
                              "(misalnya nomor berita acara).")
    with store.atomic():
        require(store.conn, actor, "admin")
        verdict = verify(store.conn)
        if verdict.ok:
            return 0
        accept(store.conn, verdict, actor=actor, reason=reason, at=utc_now())
    return len(verdict.findings)
