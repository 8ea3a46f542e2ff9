"""The hash chain of the audit trail and the tie of the plan rows to it (issue 9 §4): the one place
that computes them, for writing (:func:`append`, :func:`ties`, :func:`inserted_entry`), for migrating
an older file (:func:`chain_older_trail`) and for checking (:func:`verify`).

- An entry's ``chain`` is SHA-256 over the previous entry's chain (64 zeros before the first) and
  the entry's canonical encoding: the JSON array of its columns ``ENTRY_COLUMNS`` (row_digest
  included), no spaces, non-ASCII kept, UTF-8.
- A row's canonical text is SQLite's ``json_array`` of its columns in table order (a BLOB planted
  with a tool as ``'x'`` + its hex), built by SQLite (:func:`canon`); its digest is SHA-256 of it.
- The rows of a table are tied in **buckets** of 256 rowids (rowid >> 8): a bucket's digest is
  SHA-256 of its text built by SQLite column-wise, each column's values in rowid order as one JSON
  array (``json_group_array``), the arrays in table order (:func:`bucket_sql`; schema 13, see
  :mod:`.audit_retie` for the migration from the row-wise form of 12).  Every write records the
  digests of the buckets it touched on the last entry it appends, after the row digest:
  ``row_digest = "<row digest>;<bucket>=<digest>;…"`` (the chain covers them).  ``verify`` compares
  each bucket with its latest digest — SQLite builds the text, in this process and in a second one
  at once (:mod:`.audit_aside`), Python hashes a few hundred long strings — and only for a table
  where one differs walks its rows one by one to name them.
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
from dataclasses import dataclass, field as _field

from .schema import TABLES

ENTRY_COLUMNS = ("at", "actor", "unit_code", "table_name", "row_id", "action", "field", "old_value",
                 "new_value", "origin", "row_digest")
GENESIS = "0" * 64
GONE = "-"            # the row_digest of an accepted entry whose row no longer exists
COMPACT = "*"         # the row_id of the one entry of rows inserted together (a package's, a seed's)
BUCKET_BITS = 8       # 256 rowids a bucket
SHORT = 8             # hex digits of a row's digest kept in a compact entry
ASIDE_MIN_BUCKETS = 256  # verify builds a file's buckets in a second process too from this many (65 536 rows)



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


def table_columns(conn, table: str) -> list[str]:
    """:func:`columns` for the writes, kept per schema (SQLite's schema counter and the file's
    version) and, within a Store's transaction, per transaction (:class:`TiedConnection`): a write
    reads them several times."""
    txn = getattr(conn, "txn", None)
    held = conn.columns_kept if txn is not None else None
    if held is not None and held[0] == txn and table in held[1]:
        return held[1][table]
    key = (table, *conn.execute("SELECT * FROM pragma_schema_version, pragma_user_version").fetchone())
    found = _WRITE_COLUMNS.get(key)
    if found is None:
        found = _WRITE_COLUMNS[key] = columns(conn, table)
    if txn is not None:
        if held is None or held[0] != txn:
            held = conn.columns_kept = (txn, {})
        held[1][table] = found
    return found


def canon(cols, *, blobs: bool = True) -> str:
    """The SQL expression of a row's canonical text.  ``blobs=False``: the faster form, the same text
    for every row without a BLOB (SQLite refuses a BLOB in JSON: the caller falls back)."""
    if not blobs:
        return f"json_array({', '.join(cols)})"
    return "json_array(" + ", ".join(f"iif(typeof({c}) = 'blob', 'x''' || hex({c}), {c})" for c in cols) + ")"


def _texts(conn, table: str, ids, first: str = "id", span: tuple[int, int] | None = None,
           cols: list[str] | None = None) -> list[tuple]:
    """(rowid, ``first``, canonical text) of the rows of ``table`` with these ids (or, with ``span``,
    of every row with a rowid from ``span[0]`` to ``span[1]``), in rowid order (the fast form of the
    text first, the form that takes a BLOB when SQLite refuses it).  ``cols``: the table's columns
    (:func:`table_columns`), when the caller has them already."""
    cur = conn.cursor()
    cur.row_factory = None
    cols = cols or table_columns(conn, table)
    if span is None:
        where, args = "id IN (SELECT value FROM json_each(?)) ORDER BY rowid", (json.dumps(list(ids)),)
    else:
        where, args = "rowid BETWEEN ? AND ?", span
    for blobs in (False, True):
        try:
            return cur.execute(f"SELECT rowid, {first}, {canon(cols, blobs=blobs)} FROM {table} WHERE {where}",
                               args).fetchall()
        except sqlite3.OperationalError:
            if blobs:
                raise
    return []


def current_digests(conn, table: str, ids, cols: list[str] | None = None) -> dict[str, str]:
    """id -> digest of the rows of ``table`` with these ids, as the file holds them now (one query)."""
    return {row_id: _digest(text) for _rowid, row_id, text in _texts(conn, table, ids, cols=cols)}


def bucket_sql(table: str, cols, *, blobs: bool) -> str:
    """The query of one bucket of ``table`` (bound to its first and last rowid): the number of its
    rows and its canonical text as bytes, each column's values as one JSON array in rowid order
    (``json_group_array``: NULL and types kept), the arrays one after another in table order.
    Column-wise, SQLite appends to one buffer per column instead of building a string per row: no
    allocation per row, which is also what lets two connections build buckets on two cores at once
    (strings built per row contend on SQLite's allocator: docs/national-scale.md, round 5).
    ``blobs=False``: the faster form, the same text for every bucket without a BLOB (SQLite refuses
    a BLOB in JSON)."""
    if blobs:
        cols = [f"iif(typeof({c}) = 'blob', 'x''' || hex({c}), {c})" for c in cols]
    arrays = " || ".join(f"json_group_array({c})" for c in cols)
    return f"SELECT count(*), CAST({arrays} AS BLOB) FROM {table} WHERE rowid BETWEEN ? AND ?"


def _bounds(b: int) -> tuple[int, int]:
    return b << BUCKET_BITS, ((b + 1) << BUCKET_BITS) - 1


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
        buckets = all_buckets(conn, table)
    sql = bucket_sql(table, cols or columns(conn, table), blobs=blobs)
    out = {}
    for b in buckets:
        n, text = cur.execute(sql, _bounds(b)).fetchone()
        if n:
            out[b] = (_sha256(text).hexdigest(), n)
    return out


def all_buckets(conn, table: str) -> range:
    """Every bucket ``table`` can have a row in (up to its largest rowid)."""
    top = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
    return range(0, (top >> BUCKET_BITS) + 1) if top is not None else range(0)


def _touched(conn, table: str, ids) -> set[int]:
    """The buckets of the rows of ``table`` with these ids (those in the file)."""
    cur = conn.cursor()
    cur.row_factory = None
    return {r[0] for r in cur.execute(
        f"SELECT DISTINCT rowid >> {BUCKET_BITS} FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(ids)),))}


def before_ties(conn, table: str, ids, *, last: int | None = None) -> dict[int, str]:
    """bucket -> digest, before a write, of the buckets of ``table`` it may change: those of these
    rows already in the file and, when it inserts rows after the table's largest rowid ``last``, the
    bucket of that one (where new rows go).  :func:`ties` records
    them beside the digests after the write, so that ``verify`` finds a bucket changed outside the
    application between two writes (the later write would otherwise tie it as it found it).  A
    bucket this connection tied at its last write, with nothing written since, is taken from then."""
    ids = list(ids)
    touched = _touched(conn, table, ids) if ids else set()
    if last is not None:
        touched.add(last >> BUCKET_BITS)
    if not touched:
        return {}
    known = _kept_ties(conn)
    found = {b: known[(table, b)] for b in touched if (table, b) in known}
    rest = sorted(touched - found.keys())
    if rest:
        got = bucket_digests(conn, table, rest, cols=table_columns(conn, table))
        found.update({b: got[b][0] if b in got else EMPTY for b in rest})
    return found


def ties(conn, table: str, ids, before: dict[int, str] | None = None, *, buckets=(),
         cols: list[str] | None = None, known: dict[int, str] | None = None) -> str:
    """The suffix of a write's last row_digest: ``;bucket=digest`` for every bucket of ``table`` that
    holds one of these rows (as they are now; a bucket left empty: the digest of no text), written
    ``;bucket=before>after`` for a bucket :func:`before_ties` read before the write.  ``buckets``:
    buckets known to hold rows of the write already (rows given their rowids), tied besides those
    of ``ids``; ``known``: the digests of some of them, built before the write (:class:`Ahead`).
    Call it right before :func:`append` of the write's entries."""
    ids = list(ids)
    known = known or {}
    touched = sorted(set(buckets) | (_touched(conn, table, ids) if ids else set()))
    rest = [b for b in touched if b not in known]
    found = bucket_digests(conn, table, rest, cols=cols or table_columns(conn, table)) if rest else {}
    after = {b: known[b] if b in known else found[b][0] if b in found else EMPTY for b in touched}
    if isinstance(conn, TiedConnection):
        conn.tie_pending = {(table, b): d for b, d in after.items()}
    before = before or {}
    return "".join(f";{b}={before[b]}>{d}" if b in before else f";{b}={d}" for b, d in after.items())


class TiedConnection(sqlite3.Connection):
    """The connection a Store opens on a plan file: it keeps the bucket digests its last writes tied,
    valid while the trail's last entry is still the one those writes appended and no other
    connection has committed since (PRAGMA data_version).  A merge's next package then takes the
    digest of the bucket its previous package ended in from here, without building it again.

    Within one of its Store's transactions (``txn``, set by :meth:`.store.Store.atomic` from BEGIN to
    COMMIT or ROLLBACK) nobody else can write, and the Store forgets what it kept when it rolls back:
    what its own appends kept there is taken without asking SQLite again."""
    tie_pending: dict | None = None      # what ties() computed, for the append that follows
    tie_kept: tuple | None = None        # (last entry (seq, chain), data_version, {(table, bucket): digest}, txn)
    txn: int | None = None               # the Store's transaction under way, or None
    columns_kept: tuple | None = None    # (txn, {table: columns}): table_columns within a transaction


def _kept(conn) -> tuple | None:
    """What the connection kept, when it stands (asked of SQLite at most once a transaction)."""
    kept = getattr(conn, "tie_kept", None)
    if kept is None:
        return None
    txn = getattr(conn, "txn", None)
    if txn is not None and kept[3] == txn:
        return kept
    if kept[:2] != _trail_state(conn):
        return None
    conn.tie_kept = (*kept[:3], txn)
    return conn.tie_kept


def _kept_ties(conn) -> dict:
    kept = _kept(conn)
    return {} if kept is None else kept[2]


def _keep_ties(conn, last_before, version: int, last: tuple | None) -> None:
    """``append`` wrote entries after the trail's entry ``last_before`` (the file at ``version``, PRAGMA
    data_version); its last one is ``last`` (seq, chain), or None when not known: keep the digests its
    write tied (none: nothing kept, whatever the write was)."""
    if not isinstance(conn, TiedConnection):
        return
    pending, conn.tie_pending = conn.tie_pending, None
    if pending is None:
        conn.tie_kept = None
        return
    if last is None:
        last, version = _trail_state(conn)
    kept = conn.tie_kept
    digests = kept[2] if kept is not None and kept[0] == last_before and kept[1] == version else {}
    digests.update(pending)
    conn.tie_kept = (last, version, digests, conn.txn)


def _last_entry(conn) -> tuple | None:
    """(seq, chain) of the trail's last entry, None before the first."""
    row = conn.execute("SELECT seq, chain FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else tuple(row)


def _trail_state(conn) -> tuple[tuple | None, int]:
    """(:func:`_last_entry`, PRAGMA data_version), in one statement."""
    version, seq, chain = conn.execute(
        "SELECT v.data_version, a.seq, a.chain FROM pragma_data_version AS v "
        "LEFT JOIN (SELECT seq, chain FROM audit_log ORDER BY seq DESC LIMIT 1) AS a").fetchone()
    return (None if seq is None else (seq, chain)), version


EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"   # _digest(""): no hashlib at import


def inserted_entry(conn, table: str, row_ids, *, at: str, actor: str, unit_code: str, origin: str,
                   span: tuple[int, int] | None = None, cols: list[str] | None = None) -> tuple:
    """The one compact entry of rows just inserted into ``table`` (a package's, a seed's): their
    rowids, a short digest of each, which were tombstones; the values are the rows' own.  ``span``:
    the rows are every row from that first to that last rowid (a package's rows in buckets of their
    own), read by rowid instead of by id."""
    found = _texts(conn, table, row_ids, "deleted", span, cols)
    return compact_entry(table, [r for r, _d, _t in found], [r for r, gone, _t in found if gone],
                         short_digests(t for _r, _d, t in found), at=at, actor=actor, unit_code=unit_code,
                         origin=origin)


def short_digests(texts) -> str:
    """The short digest of each canonical text, one after another, as a compact entry keeps them."""
    return "".join([_sha256(t.encode()).hexdigest()[:SHORT] for t in texts])


def compact_entry(table: str, rowids: list[int], deleted: list[int], short: str, *, at: str, actor: str,
                  unit_code: str, origin: str) -> tuple:
    """The compact entry of rows inserted together: their ``rowids`` (ascending), those of them that
    were tombstones, and the short digest of each row, one after another."""
    ranges: list[list[int]] = []
    if rowids and rowids[-1] - rowids[0] == len(rowids) - 1:
        ranges = [[rowids[0], rowids[-1]]]              # every rowid from the first to the last
    else:
        for rowid in rowids:
            if ranges and ranges[-1][1] == rowid - 1:
                ranges[-1][1] = rowid
            else:
                ranges.append([rowid, rowid])
    value = {"baris": len(rowids), "rowid": ranges, "ringkas": short}
    if deleted:
        value["dihapus"] = deleted
    return (at, actor, unit_code, table, COMPACT, "insert", None, None, json.dumps(value, separators=(",", ":")),
            origin, None)


@dataclass(frozen=True)
class Ahead:
    """The short digests of rows about to be inserted, built before the write from another database
    that holds the same values (a package's own, on the merge's helper thread while the previous
    package commits, or in its other process; SQLite builds the texts there).  ``cols``: the columns
    the texts were built over; ``origin``: the value the rows' origin column will hold; ``ids``: the
    rows' ids in id order, the order they are inserted in; ``short``: their short digests one after
    another, as a compact entry records them; ``bucket``: the digest of a bucket holding exactly these
    rows (:func:`bucket_sql`), or None.  The same SQL forms (:func:`canon`, :func:`bucket_sql`) over
    the same values give the same texts as the file will."""
    cols: tuple
    origin: str
    ids: list
    short: str
    bucket: str | None = None


def written_text_sql(cols) -> str:
    """The SQL expression of a row's canonical text (:func:`canon`, the fast form) with its origin
    bound as the one parameter: the text the row will have once written with that origin."""
    return canon(_origin_bound(cols), blobs=False)


def written_bucket_sql(table: str, cols) -> str:
    """The query of a bucket's text (:func:`bucket_sql`, the fast form) holding exactly the rows of
    ``table``, in id order, with their origin bound as the one parameter."""
    arrays = " || ".join(f"json_group_array({c})" for c in _origin_bound(cols))
    return f"SELECT count(*), CAST({arrays} AS BLOB) FROM (SELECT * FROM {table} ORDER BY id)"


def _origin_bound(cols) -> list[str]:
    return ["?" if c == "origin" else c for c in cols]


def ahead_from(cols, origin: str, rows: list[tuple], texts: list[str], bucket: bytes | None = None) -> Ahead:
    """:class:`Ahead` of ``rows`` (id first, in id order) from their texts (:func:`written_text_sql`
    bound to ``origin``) and, when they fit in one bucket, its text (:func:`written_bucket_sql`)."""
    return Ahead(tuple(cols), origin, [r[0] for r in rows], short_digests(texts),
                 _sha256(bucket).hexdigest() if bucket is not None and len(rows) <= 1 << BUCKET_BITS else None)


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


def chain_head(conn, last: tuple | None | bool = False) -> str:
    """The chain value the next entry links to (``last``: the trail's last (seq, chain), read already)."""
    row = _last_entry(conn) if last is False else last
    if row is None:
        return anchored(conn)[0]
    return GENESIS if row[1] is None else row[1]


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
    kept = _kept(conn) if isinstance(conn, TiedConnection) else None
    last, version = kept[:2] if kept is not None else _trail_state(conn)
    head = chain_head(conn, last)
    rows = []
    for entry in entries:
        head = link(head, entry)
        rows.append((*entry, head))
    if rows:
        conn.executemany(_INSERT, rows)
    # the entries just written are the last ones (their seq follows the last one's, unless the trail
    # was tampered with: then the digests kept here are not found valid, and are built again)
    _keep_ties(conn, last, version, (last[0] + len(rows), head) if last is not None and rows else None)


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
    """One disagreement: ``kind`` chain | missing | unchained | tail | changed | added | deleted | bucket."""
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
        if self.kind == "bucket":
            return f"{label}, baris urutan simpan {self.row_id}: {self.detail}"
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
    "bucket": "isinya diubah di luar aplikasi sebelum entri #{seq} (baris yang diubah sudah ditimpa perubahan "
              "sesudahnya)",
    "added": "baris ada di berkas tetapi tidak ada di riwayat: ditambahkan di luar aplikasi",
    "deleted": "baris tercatat di riwayat ({where}) tetapi tidak ada di berkas: dihapus di luar aplikasi",
    "merged_deleted": "baris dari paket {origin}… (entri #{seq}, urutan simpan {rowid}) tidak ada di berkas: "
                      "dihapus di luar aplikasi",
}


@dataclass
class _Expected:
    """What the trail says of one table: its buckets' latest digests, each row's latest own digest
    (id -> (digest, seq, unit)) and its compact insert entries ((seq, unit, new_value, origin)), both
    read only when the table is walked, and the buckets a write found other than the trail had left
    them (bucket -> that entry's seq)."""
    ties: dict
    rows: dict
    compact: list
    broken: dict = _field(default_factory=dict)


def verify(conn) -> Verdict:
    """Follow the trail in order (the chain, the buckets' latest digests), then compare every bucket
    of every plan table with its latest digest; a table with a bucket that differs is walked row by
    row to name the rows.  Reads only, in one read transaction of the caller's connection when it
    is not in one already (held while a second process reads: a write of the application cannot
    land between what the two see, in the rollback-journal mode plans use)."""
    own_read = not conn.in_transaction
    if own_read:
        conn.execute("BEGIN")
        conn.execute("SELECT 1 FROM audit_log LIMIT 1").fetchall()      # the shared lock, from here
    try:
        return _verify(conn, aside=own_read)
    finally:
        if own_read:
            conn.execute("COMMIT")


def _fresh(start: dict) -> dict:
    return {t: _Expected({int(b): d for b, d in start.get(TIES_KEY, {}).get(t, {}).items()},
                         {row_id: (digest, 0, "") for row_id, digest in start.get(t, {}).items()}, [])
            for t in TABLES}


def _verify(conn, *, aside: bool) -> Verdict:
    previous, start = anchored(conn)
    work = _Buckets(conn, aside)             # a second process builds buckets meanwhile
    try:
        return _checked(conn, work, previous, start)
    finally:
        work.close()                        # (already, unless something raised on the way)


def _checked(conn, work: "_Buckets", previous: str, start: dict) -> Verdict:
    cur = conn.cursor()
    cur.row_factory = None
    findings: list[Finding] = []
    expected = _fresh(start)
    intact = _chain_intact(conn, previous)
    if intact is not None:                  # every link holds: only the buckets' ties to follow
        entries, tied = intact
        accepted, expected_seq = set(), entries + 1
        _follow_ties(tied, expected)
    else:                                   # something broke: walk it entry by entry to name it
        entries, expected_seq, accepted = _walk_trail(cur, previous, expected, findings)
    findings = [f for f in findings if f.seq not in accepted]
    top = cur.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    if top and top[0] >= expected_seq and not accepted:
        accepted = _all_accepted(cur)
    if top and top[0] >= expected_seq and top[0] not in accepted:
        findings.append(Finding("tail", "", "", "", top[0],
                                _KIND_TEXT["tail"].format(first=expected_seq, last=top[0])))
    rows = 0
    changed: list[tuple] = []
    buckets = work.result()
    for table in TABLES:
        known = expected[table]
        current = buckets[table]
        if current is not None and not known.broken and all(
                current.get(b, (EMPTY, 0))[0] == known.ties.get(b, EMPTY) for b in current.keys() | known.ties.keys()):
            rows += sum(n for _d, n in current.values())
            continue
        named = len(findings) + len(changed)
        rows += _walk(conn, table, known, findings, changed)
        if len(findings) + len(changed) == named:       # the row changed outside was written over since
            findings += [Finding("bucket", table, "#{}–#{}".format(*_bounds(b)), "", seq,
                                 _KIND_TEXT["bucket"].format(seq=seq)) for b, seq in sorted(known.broken.items())]
    findings += [Finding("changed", table, r[0], unit, found[1], detail, row_label(table, dict(zip(cols, r))))
                 for (table, cols, r, found, unit), detail in zip(changed, _explain(conn, changed))]
    return Verdict(findings, entries, rows)


_LINKS = (f"SELECT a.seq, CAST(ifnull(p.chain, CASE WHEN a.seq = 1 THEN ? END) || "
          f"json_array({', '.join('a.' + c for c in ENTRY_COLUMNS)}) AS BLOB), a.chain, a.table_name, "
          f"CASE WHEN instr(a.row_digest, ';') THEN a.row_digest END "
          f"FROM audit_log a LEFT JOIN audit_log p ON p.seq = a.seq - 1 ORDER BY a.seq")
TIED = "SELECT seq, table_name, row_digest FROM audit_log WHERE instr(row_digest, ';') ORDER BY seq"


def _chain_intact(conn, head: str) -> tuple[int, list] | None:
    """(the number of entries, (seq, table_name, row_digest) of each entry that ties buckets) when
    every entry links to the one before it and none is missing, else None (the walk entry by entry
    names what broke).  SQLite builds each entry's text after the previous chain value (one join);
    Python only hashes, row by row as SQLite gives them (no list of every entry kept).  None too
    when SQLite refuses the text (a BLOB planted in an entry: no JSON for it)."""
    cur = conn.cursor()
    cur.row_factory = None
    sha, tied, expected = _sha256, [], 1
    try:
        for seq, text, chain, table, row_digest in cur.execute(_LINKS, (head,)):
            if seq != expected or text is None or sha(text).hexdigest() != chain:
                return None                 # numbers from 1 without a gap, each link holding
            if row_digest is not None:
                tied.append((seq, table, row_digest))
            expected += 1
    except sqlite3.OperationalError:
        return None
    return expected - 1, tied


def _follow_ties(rows, expected: dict, findings: list | None = None, accepted: set | None = None) -> None:
    """The buckets' latest digests from the entries that tie some, in order (``rows``: (seq,
    table_name, row_digest), e.g. of :data:`TIED`); a write that found a bucket other than the trail
    left it marks that bucket broken (unless a link of the chain broke before it and is not
    accepted: that link says it)."""
    for seq, table, row_digest in rows:
        known = expected.get(table)
        if known is None:
            continue
        ties, broken = known.ties, known.broken
        for part in row_digest[row_digest.index(";") + 1:].split(";"):
            b, _, digest = part.partition("=")
            if not b.isdigit():             # not as the application writes it (the chain says so)
                continue
            b = int(b)
            then, sep, now = digest.partition(">")
            if not sep:                     # tied as found (an accept, a migration): a new start
                broken.pop(b, None)
                ties[b] = then
                continue
            if then != ties.get(b, EMPTY) and (not findings or all(f.seq in accepted for f in findings)):
                broken.setdefault(b, seq)
            ties[b] = now


def _walk_trail(cur, previous: str, expected: dict, findings: list) -> tuple[int, int, set]:
    """The trail entry by entry (a link broke somewhere): each entry that breaks the chain named, the
    chain continued from its stored value; the buckets' ties followed.  Returns (entries, the next
    entry number expected, the entries accepted as broken)."""
    accepted: set[int] = set()
    expected_seq, entries = 1, 0
    for row in _trail(cur):
        seq, stored = row[0], row[8]
        entries += 1
        if stored is None or seq != expected_seq or _sha256(previous.encode() + row[1]).hexdigest() != stored:
            findings.append(_broken(row, expected_seq))
        if stored is not None:
            previous = stored
        expected_seq = seq + 1
        if row[7] is not None:                  # an entry that ties buckets
            _follow_ties([(seq, row[3], row[7])], expected, findings, accepted)
        elif row[6] is not None:                # an accept of broken links
            accepted.update(_accepted_entries(row[6]))
    return entries, expected_seq, accepted


def _all_accepted(cur) -> set[int]:
    """Every entry number an accept of broken links names."""
    found: set[int] = set()
    for (text,) in cur.execute("SELECT old_value FROM audit_log WHERE action = 'accept' AND row_digest IS NULL"):
        found.update(_accepted_entries(text))
    return found


class _Buckets:
    """Every bucket of every plan table, built by the caller's connection and, for a file on disk
    (``aside``: the caller holds a read transaction, so no write can land meanwhile in the
    rollback-journal mode plans use) of at least ``ASIDE_MIN_BUCKETS`` buckets, by a second process
    started first (:mod:`.audit_aside`): it builds from the first bucket up while the caller checks
    the chain, then the caller builds from the last one down until they meet (two cores, two
    allocators).  What the other process did not build, the caller does.  A table SQLite refuses in
    the fast form (a BLOB planted with a tool) is None: the slow walk names the row."""

    def __init__(self, conn, aside: bool):
        self.conn = conn
        _sha256(b"")                # hashlib itself from here on (not the importing stand-in)
        self.sql = {t: bucket_sql(t, columns(conn, t), blobs=False) for t in TABLES}
        counts = {t: len(all_buckets(conn, t)) for t in TABLES}
        self.jobs = [(t, b) for t in TABLES for b in range(counts[t])]
        self.found: dict[str, dict] = {t: {} for t in TABLES}
        self.refused: set[str] = set()
        self.other = None
        listed = conn.execute("PRAGMA database_list").fetchall()
        path = listed[0][2] if listed else ""
        if aside and path and len(self.jobs) >= ASIDE_MIN_BUCKETS and \
                conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            from . import audit_aside
            from .store import readonly_uri
            self.other = audit_aside.start(readonly_uri(path), BUCKET_BITS,
                                           {t: (counts[t], self.sql[t]) for t in TABLES}, _last_entry(conn))

    def _build(self, cur, first: int, last: int, other=None) -> int:
        """Build jobs ``last`` down to ``first`` on ``cur`` (one loop, no call per bucket: measured
        faster), stopping at the other process's front; returns the last job not built."""
        jobs, sqls, found, refused, sha = self.jobs, self.sql, self.found, self.refused, _sha256
        i = last
        while i >= first and (other is None or i > other.front):
            table, b = jobs[i]
            i -= 1
            if table in refused:
                continue
            try:
                n, text = cur.execute(sqls[table], _bounds(b)).fetchone()
            except sqlite3.OperationalError:
                refused.add(table)
                continue
            if n:
                found[table][b] = (sha(text).hexdigest(), n)
        return i

    def result(self) -> dict:
        """table -> {bucket: (digest, rows)}, or None for a table refused in the fast form."""
        cur = self.conn.cursor()
        cur.row_factory = None
        other = self.other
        i = self._build(cur, 0, len(self.jobs) - 1, other)
        if other is not None:
            self.close()
            for j in range(i + 1):
                done = other.done.get(j)
                if done is None:
                    self._build(cur, j, j)
                elif done[1]:
                    self.found[self.jobs[j][0]][self.jobs[j][1]] = done
        return {t: None if t in self.refused else self.found[t] for t in TABLES}

    def close(self) -> None:
        """Stop the other process, if it still runs (what it reported so far stays in its ``done``)."""
        if self.other is not None:
            other, self.other = self.other, None
            other.close()


def _walk(conn, table: str, known: _Expected, findings: list, changed: list) -> int:
    """Every row of ``table`` against its latest own digest (an entry of the row, its compact insert,
    the anchor): the rows changed, added or deleted outside.  Returns the number of rows."""
    cur = conn.cursor()
    cur.row_factory = None
    cols = columns(conn, table)
    i_unit = cols.index("unit_code") if "unit_code" in cols else cols.index("owner_unit")
    _recorded_rows(conn, table, known)
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


_TRAIL = ("SELECT seq, {text}, unit_code, table_name, row_id, action, "
          "CASE WHEN action = 'accept' AND row_digest IS NULL THEN old_value END, "
          "CASE WHEN instr(row_digest, ';') THEN row_digest END, chain FROM audit_log ORDER BY seq")


def _trail(cur) -> list[tuple]:
    """The trail in order as (seq, canonical text as UTF-8, unit_code, table_name, row_id, action, old_value of an
    accept of broken links, row_digest of an entry that ties buckets, chain): SQLite builds each
    entry's text — ``json_array`` gives the bytes :func:`link` hashes, for text and NULL — or, when an
    entry holds a BLOB planted with a tool (SQLite refuses it in JSON), Python does (:data:`_encode`)."""
    try:
        return cur.execute(_TRAIL.format(text=f"CAST(json_array({', '.join(ENTRY_COLUMNS)}) AS BLOB)")).fetchall()
    except sqlite3.OperationalError:
        pass
    return [(r[0], _encode(r[1:12]).encode(), r[3], r[4], r[5], r[6],
             r[8] if r[6] == "accept" and r[11] is None else None,
             r[11] if isinstance(r[11], str) and ";" in r[11] else None, r[12])
            for r in cur.execute(f"SELECT seq, {', '.join(ENTRY_COLUMNS)}, chain FROM audit_log ORDER BY seq")]


def _recorded_rows(conn, table: str, known: "_Expected") -> None:
    """Each row's latest own digest and the compact insert entries of ``table``, from the trail: read
    only for a table that is walked."""
    for seq, unit, row_id, action, new_value, origin, row_digest in conn.execute(
            "SELECT seq, unit_code, row_id, action, CASE WHEN row_id = '*' THEN new_value END, "
            "CASE WHEN row_id = '*' THEN origin END, row_digest FROM audit_log WHERE table_name = ? ORDER BY seq",
            (table,)):
        own = row_digest.partition(";")[0] if isinstance(row_digest, str) else None
        if own:
            known.rows[row_id] = (own, seq, unit)
        if row_id == COMPACT and action == "insert":
            known.compact.append((seq, unit, new_value, origin))


def _broken(row: tuple, expected_seq: int) -> Finding:
    """The finding of an entry (a row of :func:`_trail`) that breaks the chain."""
    seq, unit, table, row_id, stored = row[0], row[2], row[3], row[4], row[8]
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
    deleted row is recorded as gone, a bucket changed and written over since gets an entry without a
    row, the buckets of those tables are tied again as they are (which starts their ties anew), and the broken links
    of the chain are named in one entry so that they are not reported again.  Returns the number of
    entries appended."""
    entries, broken = [], []
    reason_json = lambda extra=None: json.dumps({"alasan": reason, **(extra or {})}, ensure_ascii=False)  # noqa: E731
    by_table: dict[str, list[Finding]] = {}
    for f in verdict.findings:
        if f.kind in ("changed", "added", "deleted", "bucket"):
            by_table.setdefault(f.table, []).append(f)
        else:
            broken.append(f.seq)
    for table, found in by_table.items():
        rows = [f for f in found if f.kind != "bucket"]
        now = current_digests(conn, table, [f.row_id for f in rows])
        accepted = [(at, actor, "", table, "", "accept", None, reason_json({"temuan": f.line()}), None, "diterima", "")
                    for f in found if f.kind == "bucket"]
        accepted += [(at, actor, f.unit, table, f.row_id, "accept", None, reason_json({"temuan": f.detail}),
                      None, "diterima", now.get(f.row_id, GONE)) for f in rows]
        tied = "".join(f";{b}={d}" for b, (d, _n) in bucket_digests(conn, table).items())
        entries += with_ties(accepted, tied)
    if broken:
        entries.append((at, actor, "", "audit_log", "", "accept", None, reason_json({"entries": broken}),
                        None, "diterima", None))
    append(conn, entries)
    return len(entries)
