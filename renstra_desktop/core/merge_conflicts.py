"""Merge conflicts waiting for a decision, the decision itself, and the last package merged from
each unit ("Paket masuk")."""
from __future__ import annotations

import json

from .audit import write_audit
from .backups import CONFLICT, backup_before_step
from .errors import ValidationError
from .merge_apply import change_action, row_json
from .merge_report import STATUSES, row_label
from .rows import utc_now
from .schema import TABLES
from .store import Store


def open_conflicts(conn) -> list[dict]:
    """Conflicts waiting for a decision, both sides decoded, with the fields that differ and a label."""
    rows = []
    for r in conn.execute("SELECT * FROM merge_conflict WHERE status = 'open' ORDER BY id"):
        d = dict(r)
        d["consolidated"] = json.loads(d["consolidated"])
        d["incoming"] = json.loads(d["incoming"])
        spec = TABLES[d["table_name"]]
        d["fields"] = {c: (d["consolidated"].get(c), d["incoming"].get(c))
                       for c in spec.columns + ("deleted",) if d["consolidated"].get(c) != d["incoming"].get(c)}
        d["label"] = row_label(d["table_name"], d["incoming"])
        rows.append(d)
    return rows


def resolve_conflict(store: Store, conflict_id: int, keep: str, *, actor: str) -> None:
    """Keep the ``package`` value or the ``consolidated`` one; the choice goes to merge_conflict
    and the audit trail.  Refused when the row changed since the conflict was recorded."""
    if keep not in ("package", "consolidated"):
        raise ValidationError("Pilihan harus “package” (nilai paket) atau “consolidated” (nilai berkas ini).")
    conn = store.conn
    if conn.execute("SELECT 1 FROM merge_conflict WHERE id = ? AND status = 'open'", (conflict_id,)).fetchone():
        backup_before_step(store, CONFLICT, series_minutes=10)   # one backup before a series of decisions
    with store.atomic():
        row = conn.execute("SELECT * FROM merge_conflict WHERE id = ?", (conflict_id,)).fetchone()
        if row is None or row["status"] != "open":
            raise ValidationError(f"Konflik {conflict_id} tidak ada atau sudah diputuskan.")
        table, rid = row["table_name"], row["row_id"]
        old, new = json.loads(row["consolidated"]), json.loads(row["incoming"])
        current = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (rid,)).fetchone()
        if current is None or row_json(current.keys(), tuple(current)) != row["consolidated"]:
            raise ValidationError("Baris ini sudah berubah sejak konflik dicatat. Gabungkan ulang paketnya untuk "
                                  "melihat keadaan terbaru.")
        spec = TABLES[table]
        if keep == "package":
            new["origin"] = row["package_digest"]
            cols = [c for c in current.keys() if c != "id"]
            conn.execute(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                         (*[new[c] for c in cols], rid))
            for c in spec.columns + ("deleted",):
                if old[c] != new[c]:
                    write_audit(conn, actor=actor, unit_code=row["unit_code"], table=table, row_id=rid,
                                action=change_action(c, new[c]), field=c, old=old[c], new=new[c],
                                origin=row["package_digest"])
        else:
            write_audit(conn, actor=actor, unit_code=row["unit_code"], table=table, row_id=rid, action="update",
                        field="konflik", old=row["incoming"], new="nilai berkas ini dipertahankan",
                        origin=row["package_digest"])
        conn.execute("UPDATE merge_conflict SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?",
                     ("kept_package" if keep == "package" else "kept_consolidated", utc_now(), actor, conflict_id))


# -- what came in -------------------------------------------------------------------------------
def received_packages(conn) -> list[dict]:
    """The last package merged from each unit: date, sequence, key, counts ("Paket masuk")."""
    out = []
    for r in conn.execute(
            "SELECT b.*, u.name AS unit_name FROM package_batch b LEFT JOIN unit u ON u.code = b.unit_code "
            "WHERE b.seq = (SELECT max(seq) FROM package_batch c WHERE c.unit_code = b.unit_code) "
            "ORDER BY u.seq, b.unit_code"):
        d = dict(r)
        counts = json.loads(d.pop("counts"))
        d["totals"] = {s: sum(c.get(s, 0) for c in counts.values()) for s in STATUSES}
        d["open_conflicts"] = conn.execute(
            "SELECT count(*) FROM merge_conflict WHERE unit_code = ? AND status = 'open'", (d["unit_code"],)
        ).fetchone()[0]
        out.append(d)
    return out
