"""The append-only audit trail: who, when, what, old value, new value, origin (DESIGN.md, 6).

Every entry is appended through :func:`.audit_chain.append`, which chains it to the one before; an
entry that ends a row's change carries the digest of the row's content after it (the tie that
``audit verify`` checks)."""
from __future__ import annotations


from .audit_chain import ENTRY_COLUMNS, append, append_inserted, current_digests
from .rows import utc_now

def _text(value):
    return None if value is None else str(value)


def write_audit(conn, *, actor: str, unit_code: str, table: str, row_id: str, action: str,
                field: str | None = None, old=None, new=None, origin: str = "local",
                row_digest: str | None = None) -> None:
    """Append one entry; call inside the transaction of the change it records."""
    append(conn, [(utc_now(), actor, unit_code, table, row_id, action, field, _text(old), _text(new), origin,
                   row_digest)])


def write_audit_many(conn, entries, *, actor: str, unit_code: str, origin: str, at: str | None = None,
                     digests: dict[str, str] | None = None) -> None:
    """Append the entries of one change set at one time, like write_audit: ``entries`` yields
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
    append(conn, rows)


def write_audit_inserted(conn, table: str, row_ids: list[str], *, actor: str, unit_code: str, origin: str,
                         at: str | None = None) -> None:
    """One entry per row of ``row_ids`` just inserted into ``table`` (a merged package), in one
    statement: action insert (delete for a tombstone), the row's digest; the values are the row's own."""
    append_inserted(conn, table, row_ids, at=at or utc_now(), actor=actor, unit_code=unit_code, origin=origin)


def audit_entries(conn, row_id: str | None = None) -> list[dict]:
    sql, args = "SELECT * FROM audit_log", ()
    if row_id:
        sql, args = sql + " WHERE row_id = ?", (row_id,)
    return [dict(r) for r in conn.execute(sql + " ORDER BY seq", args)]


__all__ = ["ENTRY_COLUMNS", "audit_entries", "current_digests", "write_audit", "write_audit_inserted",
           "write_audit_many"]


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
                        "origin": "seed" if row[0] == SEED_TIME else "migrasi"})   # seeded, or found at migration 11
    out += [dict(r) for r in conn.execute(
        "SELECT seq, at, actor, unit_code, action, field, old_value, new_value, origin FROM audit_log "
        "WHERE table_name = ? AND row_id = ? ORDER BY seq", (table, row_id))]
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
