"""Merge conflicts waiting for a decision, the decision itself, and the last package merged from
each unit ("Paket masuk")."""
from __future__ import annotations

import json

from ..audit import write_audit
from ..backups import CONFLICT, backup_before_step
from ..errors import ValidationError
from .merge_apply import row_json
from ..row_writer import Changes
from .merge_report import STATUSES, row_label
from ..rows import utc_now
from ..schema import TABLES
from ..store import Store


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


def resolve_conflict(store: Store, conflict_id: int, keep: str, *, actor: str) -> Changes:
    """Decide a conflict through the door (:meth:`.service.PlanService.resolve_conflict`)."""
    from ..service import PlanService
    return PlanService(store, actor).resolve_conflict(conflict_id, keep)


def decide(service, conflict_id: int, keep: str) -> Changes:
    """Keep the ``package`` value or the ``consolidated`` one; the choice goes to merge_conflict and
    the audit trail.  Keeping the package's row writes it through the row-write primitive as the
    package's unit (ownership and the period status checked again: a period locked since refuses).
    Refused when the row changed since the conflict was recorded."""
    if keep not in ("package", "consolidated"):
        raise ValidationError("Pilihan harus “package” (nilai paket) atau “consolidated” (nilai berkas ini).")
    store, conn = service.store, service.store.conn
    if conn.execute("SELECT 1 FROM merge_conflict WHERE id = ? AND status = 'open'", (conflict_id,)).fetchone():
        backup_before_step(store, CONFLICT, series_minutes=10)   # one backup before a series of decisions
    with store.atomic():
        row = conn.execute("SELECT * FROM merge_conflict WHERE id = ?", (conflict_id,)).fetchone()
        if row is None or row["status"] != "open":
            raise ValidationError(f"Konflik {conflict_id} tidak ada atau sudah diputuskan.")
        table, rid = row["table_name"], row["row_id"]
        current = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (rid,)).fetchone()
        if current is None or row_json(current.keys(), tuple(current)) != row["consolidated"]:
            raise ValidationError("Baris ini sudah berubah sejak konflik dicatat. Gabungkan ulang paketnya untuk "
                                  "melihat keadaan terbaru.")
        writer = service.writer(unit=row["unit_code"], origin=row["package_digest"])
        if keep == "package":
            incoming = json.loads(row["incoming"])
            cols = tuple(current.keys())
            writer.write(table, cols, [tuple(incoming[c] if c != "origin" else row["package_digest"] for c in cols)],
                         old={rid: tuple(current)}, versions="carry")
        else:
            write_audit(conn, actor=service.actor, unit_code=row["unit_code"], table=table, row_id=rid,
                        action="update", field="konflik", old=row["incoming"], new="nilai berkas ini dipertahankan",
                        origin=row["package_digest"])
        conn.execute("UPDATE merge_conflict SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?",
                     ("kept_package" if keep == "package" else "kept_consolidated", utc_now(), service.actor,
                      conflict_id))
    return writer.changes


# -- what came in -------------------------------------------------------------------------------
def received_packages(conn) -> list[dict]:
    """The last package merged from each unit: date, sequence, key, counts ("Paket masuk"), and
    ``out_of_order``: its sequence was not above every earlier one of the same unit and key."""
    out = []
    for r in conn.execute(
            "SELECT b.*, u.name AS unit_name, EXISTS (SELECT 1 FROM package_batch e WHERE e.unit_code = b.unit_code "
            "AND e.key_fingerprint = b.key_fingerprint AND e.seq < b.seq AND e.sequence >= b.sequence) AS out_of_order "
            "FROM package_batch b LEFT JOIN unit u ON u.code = b.unit_code "
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


def last_merged_sequences(conn) -> dict[str, int]:
    """unit -> the highest sequence merged from it, signed by its currently pinned key (what this
    file's own package tells each unit, so a unit that lost its export counter resumes above it)."""
    return dict(conn.execute(
        "SELECT b.unit_code, max(b.sequence) FROM package_batch b JOIN unit_key_pin p ON p.unit_code = b.unit_code "
        "AND p.fingerprint = b.key_fingerprint AND p.deleted = 0 GROUP BY b.unit_code"))
