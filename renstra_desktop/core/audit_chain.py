"""The hash chain of the audit trail and the tie of each row to it (issue 9 §4): the one place that
computes them, for writing (:func:`append`), for migrating an older file (:func:`chain_older_trail`)
and for checking (:func:`verify`).

- An entry's ``chain`` is SHA-256 over the previous entry's chain (64 zeros before the first) and
  the entry's canonical encoding: the JSON array of its columns ``ENTRY_COLUMNS`` (row_digest
  included), no spaces, non-ASCII kept, UTF-8.
- A row's digest is SHA-256 over the JSON array of its columns in table order, as SQLite returns
  them.  The latest entry of a row that carries a ``row_digest`` must carry the digest of the row's
  present content; a row gone from its table has its latest digest ``GONE``.

So an entry edited, deleted, inserted or moved with an SQLite tool breaks the chain at that entry,
and a row changed, added or deleted outside the application no longer matches its latest entry.
Someone who recomputes the chain with this program's rules is not caught: the chain finds changes
made outside the application, it is not a signature (docs/audit.md).

Call :func:`append` inside the transaction of the change it records; the chain head is read there.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .schema import TABLES

ENTRY_COLUMNS = ("at", "actor", "unit_code", "table_name", "row_id", "action", "field", "old_value",
                 "new_value", "origin", "row_digest")
GENESIS = "0" * 64
GONE = "-"            # the row_digest of an accepted entry whose row no longer exists



def _other(value):
    """A value JSON has no form for (a BLOB planted with an SQLite tool): its bytes in hex."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": bytes(value).hex()}
    raise TypeError(f"{type(value).__name__} in a row")


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False,
                           default=_other).encode
try:        # the same bytes as _encode, without building an encoder per call (1.7x faster: bench/audit_verify.py)
    from json.encoder import c_make_encoder as _make, encode_basestring as _quote

    _chunks = _make(None, _other, _quote, None, ":", ",", False, False, False)
    _encode = lambda value: "".join(_chunks(value, 0))  # noqa: E731
except (ImportError, TypeError):
    pass
_quote_text = _encode     # a str as JSON (the row id of an entry)
try:
    from json.encoder import encode_basestring as _quote_text   # noqa: F811  (the same, without the wrapping)
except ImportError:
    pass
_sha256 = hashlib.sha256
_INSERT = (f"INSERT INTO audit_log ({', '.join(ENTRY_COLUMNS)}, chain) "
           f"VALUES ({', '.join('?' * (len(ENTRY_COLUMNS) + 1))})")


def row_digest(row: tuple) -> str:
    """The digest of a row's content: every column, in table order, as read from the file."""
    return _sha256(_encode(row).encode()).hexdigest()


def link(previous: str, entry: tuple) -> str:
    """The chain value of ``entry`` (a tuple in ``ENTRY_COLUMNS`` order) after ``previous``."""
    return _sha256((previous + _encode(entry)).encode()).hexdigest()


ANCHOR_KEY = "audit_anchor"     # meta: {table: {row id: digest}} of the rows a file started with


def anchored(conn) -> tuple[str, dict]:
    """The rows a file started with and had no entry for (the embedded plan it was seeded with, or the
    rows an older file held at migration 11): their digests, and the chain's first value, SHA-256 of
    that record (so the record cannot change without breaking the chain)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (ANCHOR_KEY,)).fetchone()
    if row is None:
        return GENESIS, {}
    return _sha256(row[0].encode()).hexdigest(), json.loads(row[0])


def chain_head(conn) -> str:
    row = conn.execute("SELECT chain FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    if row is None:
        return anchored(conn)[0]
    return GENESIS if row[0] is None else row[0]


def anchor_rows(conn, table: str, row_ids) -> None:
    """Record these rows of ``table`` among those the file starts with (a new file's seeded rows);
    only before the trail has entries: the record is the chain's first value."""
    row_ids = list(row_ids)
    if not row_ids:                  # nothing seeded in this table (or, in an older schema, no such table)
        return
    if conn.execute("SELECT 1 FROM audit_log LIMIT 1").fetchone():
        raise RuntimeError("anchor_rows after the audit trail began")
    record = anchored(conn)[1]
    record.setdefault(table, {}).update(current_digests(conn, table, row_ids))
    _set_anchor(conn, record)


def _set_anchor(conn, record: dict) -> None:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 (ANCHOR_KEY, json.dumps(record, separators=(",", ":"), sort_keys=True)))


def append(conn, entries) -> None:
    """Append ``entries`` (tuples in ``ENTRY_COLUMNS`` order) to the trail, chained."""
    head = chain_head(conn)
    rows = []
    for entry in entries:
        head = link(head, entry)
        rows.append((*entry, head))
    if rows:
        conn.executemany(_INSERT, rows)


def append_inserted(conn, table: str, row_ids, *, at: str, actor: str, unit_code: str, origin: str) -> None:
    """One entry per row of ``table`` with these ids (just inserted: action insert, or delete for a
    tombstone), each with the row's digest, chained, in one INSERT … SELECT: the rows are read by
    SQLite and handed to Python once each (the merge's path: twice as fast as reading them back and
    inserting the entries from Python)."""
    cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    head = [chain_head(conn)]
    sha, encode, quote = _sha256, _encode, _quote_text
    # the entry's encoding, _encode((at, actor, unit_code, table, id, action, None, None, None, origin, digest)),
    # put together from its constant parts (the same bytes; a test compares them)
    before, after = encode((at, actor, unit_code, table))[:-1] + ",", ",null,null,null," + encode(origin) + ',"'

    def link_row(action, *row):
        digest = sha(encode(row).encode()).hexdigest()
        head[0] = sha((head[0] + before + quote(row[0]) + ',"' + action + '"' + after + digest + '"]').encode()
                      ).hexdigest()
        return digest + head[0]

    action = "CASE deleted WHEN 1 THEN 'delete' ELSE 'insert' END"
    conn.create_function("renstra_audit_link", len(cols) + 1, link_row)
    try:
        conn.execute(
            f"WITH x AS MATERIALIZED (SELECT id, {action} AS action, renstra_audit_link({action}, {', '.join(cols)}) "
            f"AS v FROM {table} WHERE id IN (SELECT value FROM json_each(?))) "
            f"INSERT INTO audit_log ({', '.join(ENTRY_COLUMNS)}, chain) SELECT ?, ?, ?, ?, id, action, NULL, NULL, "
            f"NULL, ?, substr(v, 1, 64), substr(v, 65) FROM x",
            (json.dumps(list(row_ids)), at, actor, unit_code, table, origin))
    finally:
        conn.create_function("renstra_audit_link", len(cols) + 1, None)


def current_digests(conn, table: str, ids) -> dict[str, str]:
    """id -> digest of the rows of ``table`` with these ids, as the file holds them now (one query)."""
    cur = conn.cursor()
    cur.row_factory = None
    return {r[0]: row_digest(r) for r in cur.execute(
        f"SELECT * FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))}


# -- checking ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One disagreement: ``kind`` chain | missing | unchained | tail | changed | added | deleted."""
    kind: str
    table: str
    row_id: str
    unit: str
    seq: int | None
    detail: str
    label: str = ""       # the row as people name it (IKK 17.1 · 2026), when the row is there

    def line(self) -> str:
        """One Indonesian line naming what disagrees."""
        label = TABLES[self.table].label if self.table in TABLES else self.table
        if self.label:
            label = f"{label} {self.label}"
        if self.kind in ("chain", "missing", "unchained", "tail"):
            where = f"riwayat entri #{self.seq}"
            if self.table:
                where += f" ({label}, baris {self.row_id}, satker {self.unit})"
            return f"{where}: {self.detail}"
        return f"{label}, baris {self.row_id}, satker {self.unit}: {self.detail}"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "table": self.table, "row_id": self.row_id, "unit": self.unit,
                "seq": self.seq, "label": self.label, "detail": self.detail, "line": self.line()}


@dataclass
class Verdict:
    findings: list
    entries: int
    rows: int

    @property
    def ok(self) -> bool:
        return not self.findings


_KIND_TEXT = {
    "unchained": "tanpa hash rantai: ditambahkan di luar aplikasi",
    "missing": "entri sebelumnya (#{gap}) hilang: dihapus di luar aplikasi",
    "chain": "isi atau urutannya tidak cocok dengan rantai hash: diubah, disisipkan atau dipindah di luar aplikasi",
    "tail": "entri #{first}–#{last} di akhir riwayat hilang: dihapus di luar aplikasi",
    "added": "baris ada di berkas tetapi tidak ada di riwayat: ditambahkan di luar aplikasi",
    "deleted": "baris tercatat di riwayat ({where}) tetapi tidak ada di berkas: dihapus di luar aplikasi",
}


def verify(conn) -> Verdict:
    """Walk the trail in order (the chain) and every row of every plan table (the tie); name each
    disagreement.  Reads only; one pass over the trail and one over each table."""
    cur = conn.cursor()
    cur.row_factory = None
    findings: list[Finding] = []
    last: dict[str, dict[str, tuple]] = {t: {} for t in TABLES}   # table -> row id -> (digest, seq, unit)
    previous, start = anchored(conn)
    for table, digests in start.items():
        if table in last:
            last[table] = {row_id: (digest, 0, "") for row_id, digest in digests.items()}
    accepted: set[int] = set()
    expected_seq, entries = 1, 0
    sha, encode = _sha256, _encode
    for row in cur.execute(f"SELECT seq, {', '.join(ENTRY_COLUMNS)}, chain FROM audit_log ORDER BY seq"):
        seq, stored = row[0], row[12]
        entries += 1
        if stored is None or seq != expected_seq or sha((previous + encode(row[1:12])).encode()).hexdigest() != stored:
            findings.append(_broken(row, expected_seq))
        if stored is not None:
            previous = stored
        expected_seq = seq + 1
        if row[11] is not None:
            tied = last.get(row[4])
            if tied is not None:
                tied[row[5]] = (row[11], seq, row[3])
        elif row[6] == "accept":
            accepted.update(_accepted_entries(row[8]))
    findings = [f for f in findings if f.seq not in accepted]
    top = cur.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    if top and top[0] >= expected_seq and top[0] not in accepted:
        findings.append(Finding("tail", "", "", "", top[0],
                                _KIND_TEXT["tail"].format(first=expected_seq, last=top[0])))
    rows = 0
    changed: list[tuple] = []
    for table in TABLES:
        cols = [r[1] for r in cur.execute(f"PRAGMA table_info({table})")]
        i_unit = cols.index("unit_code") if "unit_code" in cols else cols.index("owner_unit")
        tied = last[table]
        pop = tied.pop
        for r in cur.execute(f"SELECT * FROM {table}"):
            rows += 1
            found = pop(r[0], None)
            if found is None:
                findings.append(Finding("added", table, r[0], r[i_unit] or "", None, _KIND_TEXT["added"],
                                        row_label(table, dict(zip(cols, r)))))
            elif found[0] != sha(encode(r).encode()).hexdigest():
                changed.append((table, cols, r, found, r[i_unit] or ""))
        for row_id, (digest, seq, unit) in tied.items():
            if digest != GONE:
                where = f"entri #{seq}" if seq else "saat berkas dibuat"
                findings.append(Finding("deleted", table, row_id, unit, seq or None,
                                        _KIND_TEXT["deleted"].format(where=where)))
    findings += [Finding("changed", table, r[0], unit, found[1], detail, row_label(table, dict(zip(cols, r))))
                 for (table, cols, r, found, unit), detail in zip(changed, _explain(conn, changed))]
    return Verdict(findings, entries, rows)


def _broken(row: tuple, expected_seq: int) -> Finding:
    """The finding of an entry (a row of ``seq, ENTRY_COLUMNS…, chain``) that breaks the chain."""
    seq, unit, table, row_id, stored = row[0], row[3], row[4], row[5], row[12]
    if stored is None:
        return Finding("unchained", table, row_id, unit, seq, _KIND_TEXT["unchained"])
    if seq != expected_seq:
        gap = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}–{seq - 1}"
        return Finding("missing", table, row_id, unit, seq, _KIND_TEXT["missing"].format(gap=gap))
    return Finding("chain", table, row_id, unit, seq, _KIND_TEXT["chain"])


def _accepted_entries(text: str | None) -> list:
    """The entry numbers an 'accept' entry names (its old_value: {"alasan": …, "entries": [...]})."""
    try:
        found = json.loads(text or "{}").get("entries", [])
        return [n for n in found if isinstance(n, int)]
    except (ValueError, AttributeError):
        return []


def row_label(table: str, values: dict) -> str:
    from .packages.merge_report import row_label as label
    return label(table, values)


def _explain(conn, changed: list[tuple]) -> list[str]:
    """For each changed row, which columns differ from what the trail recorded last ("kolom value:
    tercatat 80, di berkas 95"), read in one pass over the trail."""
    if not changed:
        return []
    recorded: dict[str, dict[str, str | None]] = {r[0]: {} for _t, _c, r, _f, _u in changed}
    for row_id, action, field, new in conn.execute(
            "SELECT row_id, action, field, new_value FROM audit_log WHERE row_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY seq", (json.dumps(list(recorded)),)):
        state = recorded[row_id]
        if field is not None and action in ("update", "delete", "restore"):
            state[field] = new
        elif action in ("insert", "delete") and new and new.startswith("{"):
            try:
                state.update({k: None if v is None else str(v) for k, v in json.loads(new).items()})
            except ValueError:
                pass
    out = []
    for table, cols, r, (_digest, seq, _unit), _u in changed:
        state = recorded[r[0]]
        diffs = [f"{name}: tercatat {_shown(state[name])}, di berkas {_shown(r[i])}"
                 for i, name in enumerate(cols) if name in state and _text(state[name]) != _text(r[i])]
        if diffs:
            out.append(f"isi berubah di luar aplikasi ({'; '.join(diffs)}; entri terakhir #{seq})")
        else:
            out.append(f"isi tidak cocok dengan entri terakhirnya #{seq}: diubah di luar aplikasi" if seq else
                       "isi tidak cocok dengan isinya saat berkas dibuat: diubah di luar aplikasi")
    return out


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text[:-2] if text.endswith(".0") and text[:-2].lstrip("-").isdigit() else text


def _shown(value) -> str:
    text = _text(value)
    if text is None:
        return "(kosong)"
    return text if len(text) <= 40 else text[:37] + "…"


# -- migration and acceptance ------------------------------------------------------------------
def chain_older_trail(conn) -> None:
    """Migration 11's Python step: tie each row's present content to its last entry (a row without
    one joins the rows the file starts with, :func:`anchored`) and chain the entries an older file
    already has, in order.  What was changed outside the application before the migration cannot be
    found afterwards."""
    cur = conn.cursor()
    cur.row_factory = None
    last_seq: dict[tuple, int] = {}
    for seq, table, row_id in cur.execute("SELECT seq, table_name, row_id FROM audit_log ORDER BY seq"):
        last_seq[(table, row_id)] = seq
    digests: dict[int, str] = {}
    record: dict[str, dict] = {}
    for table in TABLES:
        if not cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
            continue
        for r in cur.execute(f"SELECT * FROM {table}").fetchall():
            seq = last_seq.get((table, r[0]))
            if seq is None:
                record.setdefault(table, {})[r[0]] = row_digest(r)
            else:
                digests[seq] = row_digest(r)
    if record:
        _set_anchor(conn, record)
    else:
        conn.execute("DELETE FROM meta WHERE key = ?", (ANCHOR_KEY,))
    previous, updates = anchored(conn)[0], []
    for row in cur.execute(f"SELECT seq, {', '.join(ENTRY_COLUMNS[:-1])} FROM audit_log ORDER BY seq").fetchall():
        entry = (*row[1:], digests.get(row[0]))
        previous = link(previous, entry)
        updates.append((entry[-1], previous, row[0]))
    guard = cur.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_log_no_update'"
                        ).fetchone()[0]
    conn.execute("DROP TRIGGER audit_log_no_update")        # put back, the same, right after
    conn.executemany("UPDATE audit_log SET row_digest = ?, chain = ? WHERE seq = ?", updates)
    conn.execute(guard)


def accept(conn, verdict: Verdict, *, actor: str, reason: str, at: str) -> int:
    """Record that ``actor`` accepted every finding of ``verdict`` (an administrator's decision,
    with a reason): each changed or added row's present content is tied by an 'accept' entry, a
    deleted row is recorded as gone, and the broken links of the chain are named in one entry so
    that they are not reported again.  Returns the number of entries appended."""
    entries, broken = [], []
    reason_json = lambda extra=None: json.dumps({"alasan": reason, **(extra or {})}, ensure_ascii=False)  # noqa: E731
    by_table: dict[str, list[Finding]] = {}
    for f in verdict.findings:
        if f.kind in ("changed", "added", "deleted"):
            by_table.setdefault(f.table, []).append(f)
        else:
            broken.append(f.seq)
    for table, found in by_table.items():
        now = current_digests(conn, table, [f.row_id for f in found])
        for f in found:
            entries.append((at, actor, f.unit, table, f.row_id, "accept", None, reason_json({"temuan": f.detail}),
                            None, "diterima", now.get(f.row_id, GONE)))
    if broken:
        entries.append((at, actor, "", "audit_log", "", "accept", None, reason_json({"entries": broken}),
                        None, "diterima", None))
    append(conn, entries)
    return len(entries)
