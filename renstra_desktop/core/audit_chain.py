"""The hash chain of the audit trail and the tie of the plan rows to it (issue 9 §4): the one place
that computes them, for writing (:func:`append`, :func:`ties`, :func:`inserted_entry`), for migrating
an older file (:func:`chain_older_trail`) and for checking (:func:`verify`).

- An entry's ``chain`` is SHA-256 over the previous entry's chain (64 zeros before the first) and
  the entry's canonical encoding: the JSON array of its columns ``ENTRY_COLUMNS`` (row_digest
  included), no spaces, non-ASCII kept, UTF-8.
- A row's canonical text is SQLite's ``json_array`` of its columns in table order (a BLOB planted
  with a tool as ``'x'`` + its hex), built by SQLite (:func:`canon`); its digest is SHA-256 of it.
- The rows of a table are tied in **buckets** of 256 rowids (rowid >> 8): a bucket's digest is
  SHA-256 of its rows' canonical texts in rowid order, joined by newlines.  Every write records the
  digests of the buckets it touched on the last entry it appends, after the row digest:
  ``row_digest = "<row digest>;<bucket>=<digest>;…"`` (the chain covers them).  ``verify`` compares
  each bucket with its latest digest — SQLite builds the text, Python hashes a few hundred long
  strings — and only for a table where one differs walks its rows one by one to name them.
- A row's own digest: on the last entry of each row's change (an edit, an accept), or, for rows a
  package or a seed inserted, in that insert's one **compact entry** (``row_id = '*'``; new_value
  ``{"baris": n, "rowid": [[first, last], …], "ringkas": <8 hex of each row's digest, rowid order>,
  "dihapus": [rowids inserted as tombstones]}``): it locates a changed row, the buckets find it.

So an entry edited, deleted, inserted or moved with an SQLite tool breaks the chain at that entry,
and a row changed, added or deleted outside the application no longer matches its bucket, then its
own digest.  Someone who recomputes the chain with this program's rules is not caught: the chain
finds changes made outside the application, it is not a signature (docs/audit.md).

Call :func:`append` inside the transaction of the change it records; the chain head is read there.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from .schema import TABLES

ENTRY_COLUMNS = ("at", "actor", "unit_code", "table_name", "row_id", "action", "field", "old_value",
                 "new_value", "origin", "row_digest")
GENESIS = "0" * 64
GONE = "-"            # the row_digest of an accepted entry whose row no longer exists
COMPACT = "*"         # the row_id of the one entry of rows inserted together (a package's, a seed's)
BUCKET_BITS = 8       # 256 rowids a bucket
SHORT = 8             # hex digits of a row's digest kept in a compact entry
ASIDE_MIN_BUCKETS = 64   # verify reads a table this large on a second connection, meanwhile



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


def _sha256(data: bytes):
    """hashlib.sha256, imported on the first digest: hashlib loads OpenSSL's libcrypto (3.7 MB), which
    the window's first paint does not need (docs/national-scale.md, round 4)."""
    global _sha256
    import hashlib
    _sha256 = hashlib.sha256
    return _sha256(data)


_INSERT = (f"INSERT INTO audit_log ({', '.join(ENTRY_COLUMNS)}, chain) "
           f"VALUES ({', '.join('?' * (len(ENTRY_COLUMNS) + 1))})")


def link(previous: str, entry: tuple) -> str:
    """The chain value of ``entry`` (a tuple in ``ENTRY_COLUMNS`` order) after ``previous``."""
    return _sha256((previous + _encode(entry)).encode()).hexdigest()


def _digest(text: str) -> str:
    return _sha256(text.encode()).hexdigest()


# -- a row's canonical text, built by SQLite -----------------------------------------------------
def columns(conn, table: str) -> list[str]:
    """The columns of ``table`` in this file, in table order (read each time: what verify compares)."""
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


_WRITE_COLUMNS: dict[tuple, list[str]] = {}


def _write_columns(conn, table: str) -> list[str]:
    """:func:`columns` for the writes, kept per schema (SQLite's schema counter and the file's
    version): a write reads them several times."""
    key = (table, *conn.execute("SELECT * FROM pragma_schema_version, pragma_user_version").fetchone())
    found = _WRITE_COLUMNS.get(key)
    if found is None:
        found = _WRITE_COLUMNS[key] = columns(conn, table)
    return found


def canon(cols, *, blobs: bool = True) -> str:
    """The SQL expression of a row's canonical text.  ``blobs=False``: the faster form, the same text
    for every row without a BLOB (SQLite refuses a BLOB in JSON: the caller falls back)."""
    if not blobs:
        return f"json_array({', '.join(cols)})"
    return "json_array(" + ", ".join(f"iif(typeof({c}) = 'blob', 'x''' || hex({c}), {c})" for c in cols) + ")"


def _texts(conn, table: str, ids, first: str = "id") -> list[tuple]:
    """(rowid, ``first``, canonical text) of the rows of ``table`` with these ids, in rowid order
    (the fast form of the text first, the form that takes a BLOB when SQLite refuses it)."""
    cur = conn.cursor()
    cur.row_factory = None
    cols, ids = _write_columns(conn, table), json.dumps(list(ids))
    for blobs in (False, True):
        try:
            return cur.execute(f"SELECT rowid, {first}, {canon(cols, blobs=blobs)} FROM {table} "
                               f"WHERE id IN (SELECT value FROM json_each(?)) ORDER BY rowid", (ids,)).fetchall()
        except sqlite3.OperationalError:
            if blobs:
                raise
    return []


def current_digests(conn, table: str, ids) -> dict[str, str]:
    """id -> digest of the rows of ``table`` with these ids, as the file holds them now (one query)."""
    return {row_id: _digest(text) for _rowid, row_id, text in _texts(conn, table, ids)}


def bucket_digests(conn, table: str, buckets=None, *, blobs: bool | None = None,
                   cols: list[str] | None = None) -> dict[int, tuple[str, int]]:
    """bucket -> (digest, rows) of the non-empty buckets of ``table`` (all, or these).  ``blobs``:
    None, the fast form first and, when SQLite refuses a BLOB, the form that takes it; False: the
    fast form only (raises sqlite3.OperationalError on a BLOB)."""
    if blobs is None:
        try:
            return bucket_digests(conn, table, buckets, blobs=False, cols=cols)
        except sqlite3.OperationalError:
            blobs = True
    cur = conn.cursor()
    cur.row_factory = None
    if buckets is None:
        top = cur.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
        buckets = range(0, (top >> BUCKET_BITS) + 1) if top is not None else ()
    text = canon(cols or columns(conn, table), blobs=blobs)
    sql = f"SELECT count(*), group_concat({text}, char(10)) FROM {table} WHERE rowid BETWEEN ? AND ?"
    out = {}
    for b in buckets:
        n, text = cur.execute(sql, (b << BUCKET_BITS, ((b + 1) << BUCKET_BITS) - 1)).fetchone()
        if n:
            out[b] = (_digest(text), n)
    return out


def ties(conn, table: str, ids) -> str:
    """The suffix of a write's last row_digest: ``;bucket=digest`` for every bucket of ``table`` that
    holds one of these rows (as they are now; a bucket left empty: the digest of no text)."""
    cur = conn.cursor()
    cur.row_factory = None
    touched = sorted({r[0] for r in cur.execute(
        f"SELECT DISTINCT rowid >> {BUCKET_BITS} FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(ids)),))})
    found = bucket_digests(conn, table, touched, cols=_write_columns(conn, table))
    return "".join(f";{b}={found[b][0] if b in found else EMPTY}" for b in touched)


EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"   # _digest(""): no hashlib at import


def _split(row_digest: str | None) -> tuple[str | None, dict[int, str]]:
    """A row_digest as written: the row's own digest (or None) and the buckets it ties."""
    if not row_digest or ";" not in row_digest:
        return row_digest or None, {}
    own, *parts = row_digest.split(";")
    found = {}
    for part in parts:
        b, _, digest = part.partition("=")
        if b.isdigit():
            found[int(b)] = digest
    return own or None, found


def inserted_entry(conn, table: str, row_ids, *, at: str, actor: str, unit_code: str, origin: str) -> tuple:
    """The one compact entry of rows just inserted into ``table`` (a package's, a seed's): their
    rowids, a short digest of each, which were tombstones; the values are the rows' own."""
    found = _texts(conn, table, row_ids, "deleted")
    ranges: list[list[int]] = []
    for rowid, _deleted, _text in found:
        if ranges and ranges[-1][1] == rowid - 1:
            ranges[-1][1] = rowid
        else:
            ranges.append([rowid, rowid])
    deleted = [rowid for rowid, gone, _text in found if gone]
    value = {"baris": len(found), "rowid": ranges, "ringkas": "".join(_digest(t)[:SHORT] for _r, _i, t in found)}
    if deleted:
        value["dihapus"] = deleted
    return (at, actor, unit_code, table, COMPACT, "insert", None, None, json.dumps(value, separators=(",", ":")),
            origin, None)


def compact_rows(new_value: str) -> list[tuple[int, str]]:
    """(rowid, short digest) of the rows a compact entry records, in rowid order."""
    try:
        value = json.loads(new_value)
        rowids = [r for first, last in value["rowid"] for r in range(first, last + 1)]
        short = value["ringkas"]
        return [(r, short[i * SHORT:(i + 1) * SHORT]) for i, r in enumerate(rowids)]
    except (ValueError, KeyError, TypeError):
        return []


def compact_deleted(new_value: str) -> set[int]:
    try:
        return set(json.loads(new_value).get("dihapus", []))
    except (ValueError, AttributeError):
        return set()


ANCHOR_KEY = "audit_anchor"     # meta: {table: {row id: digest}, "$ties": {table: {bucket: digest}}}
TIES_KEY = "$ties"


def anchored(conn) -> tuple[str, dict]:
    """The rows a file started with and had no entry for (the embedded plan it was seeded with, or the
    rows an older file held at migration): their digests and, under ``$ties``, the digests of the
    buckets then; and the chain's first value, SHA-256 of that record (so the record cannot change
    without breaking the chain)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (ANCHOR_KEY,)).fetchone()
    if row is None:
        return GENESIS, {}
    return _digest(row[0]), json.loads(row[0])


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
    record.setdefault(TIES_KEY, {})[table] = {str(b): d for b, (d, _n) in bucket_digests(conn, table).items()}
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


def with_ties(entries: list[tuple], suffix: str) -> list[tuple]:
    """``entries`` with the buckets ``suffix`` (:func:`ties`) recorded on the last one."""
    if entries and suffix:
        last = entries[-1]
        entries = [*entries[:-1], (*last[:-1], (last[-1] or "") + suffix)]
    return entries


def append_inserted(conn, table: str, row_ids, *, at: str, actor: str, unit_code: str, origin: str) -> None:
    """The compact entry of rows just inserted into ``table`` (:func:`inserted_entry`), with their
    buckets tied: for rows added outside a write of the door (a seed into a file in use)."""
    row_ids = list(row_ids)
    if row_ids:
        entry = inserted_entry(conn, table, row_ids, at=at, actor=actor, unit_code=unit_code, origin=origin)
        append(conn, with_ties([entry], ties(conn, table, row_ids)))


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
    "merged_deleted": "baris dari paket {origin}… (entri #{seq}, urutan simpan {rowid}) tidak ada di berkas: "
                      "dihapus di luar aplikasi",
}


@dataclass
class _Expected:
    """What the trail says of one table: its buckets' latest digests, each row's latest own digest
    (id -> (digest, seq, unit)) and its compact insert entries ((seq, unit, new_value))."""
    ties: dict
    rows: dict
    compact: list


def verify(conn) -> Verdict:
    """Walk the trail in order (the chain), then compare every bucket of every plan table with its
    latest digest; a table with a bucket that differs is walked row by row to name the rows.  Reads only."""
    cur = conn.cursor()
    cur.row_factory = None
    aside = _Aside.start(conn)       # the largest table's buckets on a second connection, meanwhile
    findings: list[Finding] = []
    previous, start = anchored(conn)
    expected = {t: _Expected({int(b): d for b, d in start.get(TIES_KEY, {}).get(t, {}).items()},
                             {row_id: (digest, 0, "") for row_id, digest in start.get(t, {}).items()}, [])
                for t in TABLES}
    accepted: set[int] = set()
    expected_seq, entries = 1, 0
    _sha256(b"")                    # hashlib itself from here on (not the importing stand-in)
    sha, encode = _sha256, _encode
    for row in cur.execute(f"SELECT seq, {', '.join(ENTRY_COLUMNS)}, chain FROM audit_log ORDER BY seq"):
        seq, stored = row[0], row[12]
        entries += 1
        if stored is None or seq != expected_seq or sha((previous + encode(row[1:12])).encode()).hexdigest() != stored:
            findings.append(_broken(row, expected_seq))
        if stored is not None:
            previous = stored
        expected_seq = seq + 1
        known = expected.get(row[4])
        if row[11] is not None:
            if known is not None:
                own, tied = _split(row[11])
                if tied:
                    known.ties.update(tied)
                if own is not None:
                    known.rows[row[5]] = (own, seq, row[3])
        elif row[6] == "accept":
            accepted.update(_accepted_entries(row[8]))
        if row[5] == COMPACT and known is not None and row[6] == "insert":
            known.compact.append((seq, row[3], row[9], row[10]))
    findings = [f for f in findings if f.seq not in accepted]
    top = cur.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    if top and top[0] >= expected_seq and top[0] not in accepted:
        findings.append(Finding("tail", "", "", "", top[0],
                                _KIND_TEXT["tail"].format(first=expected_seq, last=top[0])))
    rows = 0
    changed: list[tuple] = []
    buckets = aside.result() if aside is not None else {}
    for table in TABLES:
        known = expected[table]
        current = buckets[table] if table in buckets else _fast_buckets(conn, table)
        if current is not None and all(current.get(b, (EMPTY, 0))[0] == known.ties.get(b, EMPTY)
                                       for b in current.keys() | known.ties.keys()):
            rows += sum(n for _d, n in current.values())
            continue
        rows += _walk(conn, table, known, findings, changed)
    findings += [Finding("changed", table, r[0], unit, found[1], detail, row_label(table, dict(zip(cols, r))))
                 for (table, cols, r, found, unit), detail in zip(changed, _explain(conn, changed))]
    return Verdict(findings, entries, rows)


def _fast_buckets(conn, table: str) -> dict | None:
    """The buckets of ``table`` in the fast form; None when SQLite refuses it (a BLOB planted with a
    tool: the slow walk names the row)."""
    try:
        return bucket_digests(conn, table, blobs=False)
    except sqlite3.OperationalError:
        return None


class _Aside:
    """The buckets of the largest plan table, read on a second read-only connection in a thread while
    the caller walks the trail and the other tables (SQLite and SHA-256 of long strings run without
    the GIL: two cores).  Only for a file on disk outside a transaction; otherwise nothing aside."""

    def __init__(self, path: str, table: str):
        import threading

        self.table, self.found, self.error = table, None, None
        self.thread = threading.Thread(target=self._run, args=(path,), name="audit-verify", daemon=True)
        self.thread.start()

    @classmethod
    def start(cls, conn) -> "_Aside | None":
        listed = conn.execute("PRAGMA database_list").fetchall()
        path = listed[0][2] if listed else ""
        if not path or conn.in_transaction:
            return None
        sizes = {t: conn.execute(f"SELECT max(rowid) FROM {t}").fetchone()[0] or 0 for t in TABLES}
        table = max(sizes, key=sizes.get)
        return cls(path, table) if sizes[table] >> BUCKET_BITS >= ASIDE_MIN_BUCKETS else None

    def _run(self, path: str) -> None:
        from .store import readonly_uri

        try:
            conn = sqlite3.connect(readonly_uri(path), uri=True)
            try:
                self.found = _fast_buckets(conn, self.table)
            finally:
                conn.close()
        except sqlite3.Error as exc:      # the file busy or gone meanwhile: the caller reads it itself
            self.error = exc

    def result(self) -> dict:
        self.thread.join()
        return {} if self.error is not None else {self.table: self.found}


def _walk(conn, table: str, known: _Expected, findings: list, changed: list) -> int:
    """Every row of ``table`` against its latest own digest (an entry of the row, its compact insert,
    the anchor): the rows changed, added or deleted outside.  Returns the number of rows."""
    cur = conn.cursor()
    cur.row_factory = None
    cols = columns(conn, table)
    i_unit = cols.index("unit_code") if "unit_code" in cols else cols.index("owner_unit")
    by_id = dict(known.rows)
    by_rowid: dict[int, tuple] = {}
    origins: dict[int, str] = {}          # seq of a compact entry -> its package
    for seq, unit, new_value, origin in known.compact:
        origins[seq] = origin
        for rowid, short in compact_rows(new_value):
            by_rowid[rowid] = (short, seq, unit)
    rows = 0
    for r in cur.execute(f"SELECT rowid, {canon(cols)}, * FROM {table}").fetchall():
        rowid, text, r = r[0], r[1], r[2:]
        rows += 1
        own, batch = by_id.pop(r[0], None), by_rowid.pop(rowid, None)
        found = own if batch is None or (own is not None and own[1] > batch[1]) else batch
        if found is None:
            findings.append(Finding("added", table, r[0], r[i_unit] or "", None, _KIND_TEXT["added"],
                                    row_label(table, dict(zip(cols, r)))))
        elif not _digest(text).startswith(found[0]):
            changed.append((table, cols, r, found, r[i_unit] or ""))
    for row_id, (digest, seq, unit) in by_id.items():
        if digest != GONE and not row_id.startswith("#"):
            where = f"entri #{seq}" if seq else "saat berkas dibuat"
            findings.append(Finding("deleted", table, row_id, unit, seq or None,
                                    _KIND_TEXT["deleted"].format(where=where)))
    for rowid, (_short, seq, unit) in by_rowid.items():
        gone = by_id.get(f"#{rowid}")
        if gone is None or gone[1] < seq:
            findings.append(Finding("deleted", table, f"#{rowid}", unit, seq, _KIND_TEXT["merged_deleted"].format(
                origin=(origins.get(seq) or "")[:12], seq=seq, rowid=rowid)))
    return rows


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
    """Migrations 11 and 12's Python step: tie each row's present content to its last entry (a row
    without one joins the rows the file starts with, :func:`anchored`), record every bucket's digest
    in the anchor and chain the entries the file already has, in order.  What was changed outside the
    application before the migration cannot be found afterwards."""
    cur = conn.cursor()
    cur.row_factory = None
    last_seq: dict[tuple, int] = {}
    for seq, table, row_id in cur.execute("SELECT seq, table_name, row_id FROM audit_log ORDER BY seq"):
        last_seq[(table, row_id)] = seq
    digests: dict[int, str] = {}
    record: dict[str, dict] = {}
    buckets: dict[str, dict] = {}
    for table in TABLES:
        if not cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
            continue
        for _rowid, row_id, text in cur.execute(
                f"SELECT rowid, id, {canon(columns(conn, table))} FROM {table}").fetchall():
            seq = last_seq.get((table, row_id))
            if seq is None:
                record.setdefault(table, {})[row_id] = _digest(text)
            else:
                digests[seq] = _digest(text)
        found = bucket_digests(conn, table)
        if found:
            buckets[table] = {str(b): d for b, (d, _n) in found.items()}
    if buckets:
        record[TIES_KEY] = buckets
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
    deleted row is recorded as gone, the buckets of those tables are tied again, and the broken links
    of the chain are named in one entry so that they are not reported again.  Returns the number of
    entries appended."""
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
        accepted = [(at, actor, f.unit, table, f.row_id, "accept", None, reason_json({"temuan": f.detail}),
                     None, "diterima", now.get(f.row_id, GONE)) for f in found]
        tied = "".join(f";{b}={d}" for b, (d, _n) in bucket_digests(conn, table).items())
        entries += with_ties(accepted, tied)
    if broken:
        entries.append((at, actor, "", "audit_log", "", "accept", None, reason_json({"entries": broken}),
                        None, "diterima", None))
    append(conn, entries)
    return len(entries)
