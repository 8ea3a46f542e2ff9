"""The one row-write primitive: every change to a row of a table declared in :mod:`.schema` goes
through :meth:`RowWriter.write`, whoever makes it (a cell edit, a paste, an insert or delete, a JSON
load, a merged package, a conflict decision, a key pin, a signature block, a period lock).

For a batch of rows of one table it

1. reads the rows they replace (one query) unless the caller already has them;
2. checks every row against the rules of :mod:`.write_rules`: the writer unit owns the row (before
   and after) and may write about its unit; the period it reports on is open (before and after);
   its natural key does not change; and, when the caller says which version a change started from,
   that the file has not moved on since (a newer version is a conflict, never overwritten);
3. sets the version columns: ``bump`` (a change made here: version + 1, base = the version it
   replaced, time, who, origin) or ``carry`` (rows that carry their writer's own versions: a package,
   a restored JSON);
4. writes them with one ``executemany`` per statement (the merge's batch form), a natural key taken
   by another row refused per row;
5. appends the audit trail (one entry per inserted row, one per changed field) and records what
   changed in :class:`Changes`.

Refused rows are returned (``partial=True``: the merge lists them) or raised before anything is
written (``partial=False``: an edit is all or nothing).  Call inside the caller's transaction.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from operator import eq, itemgetter

from .audit import audit_rows, current_digests
from .audit_chain import (BUCKET_BITS, Ahead, append, before_ties, compact_entry, inserted_entry, table_columns,
                          ties, with_ties)
from .errors import PermissionDenied, ValidationError
from .rows import META_COLUMNS, utc_now
from .schema import TABLES
from .write_rules import (EVENT_PERMISSION, EVENT_TABLE, NOT_A_STEP, PeriodStatus, event_refusal, ownership_refusal,
                          unit_definition_refusal)


@dataclass
class Changes:
    """What a write changed: table -> row ids, and each row's version afterwards (the window's undo
    stack checks a step still applies by it).  Views refresh the tables named here.

    An empty set means the whole table (as the window's "everything changed" does): past
    ``MAX_ROWS`` rows of one table (a merge of hundreds of packages) the ids are dropped, so what
    changed never holds a million ids in memory."""
    rows: dict[str, set[str]] = field(default_factory=dict)
    versions: dict[str, dict[str, int]] = field(default_factory=dict)
    MAX_ROWS = 10_000

    def add(self, table: str, row_id: str, version: int | None = None) -> None:
        ids = self.rows.get(table)
        if ids is None:
            ids = self.rows[table] = set()
        elif not ids:
            return                               # already the whole table
        ids.add(row_id)
        if version is not None:
            self.versions.setdefault(table, {})[row_id] = version
        if len(ids) > self.MAX_ROWS:
            self.whole(table)

    def add_many(self, table: str, rows, i_version: int) -> None:
        """:meth:`add` for every row of ``rows`` (tuples with the id first, the version at ``i_version``)."""
        ids = self.rows.get(table)
        if not rows or (ids is not None and not ids):
            return                               # nothing, or already the whole table
        if (len(ids) if ids else 0) + len(rows) > self.MAX_ROWS:
            self.whole(table)
            return
        if ids is None:
            ids = self.rows[table] = set()
        ids.update(r[0] for r in rows)
        self.versions.setdefault(table, {}).update((r[0], r[i_version]) for r in rows)

    def wholes(self) -> "Changes":
        """No change yet, but the tables this holds as a whole: a write recording into it keeps no
        row ids of those (they would be merged into this as the whole table anyway)."""
        return Changes({t: set() for t, ids in self.rows.items() if not ids})

    def whole(self, table: str) -> None:
        """Mark ``table`` as changed as a whole (no row ids kept)."""
        self.rows[table] = set()
        self.versions.pop(table, None)

    def merge(self, other: "Changes") -> "Changes":
        for table, ids in other.rows.items():
            if not ids or (table in self.rows and not self.rows[table]):
                self.whole(table)
                continue
            mine = self.rows.setdefault(table, set())
            mine.update(ids)
            self.versions.setdefault(table, {}).update(other.versions.get(table, {}))
            if len(mine) > self.MAX_ROWS:
                self.whole(table)
        return self

    @property
    def tables(self) -> set[str]:
        return set(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


@dataclass
class Refusal:
    """A row the write did not make, and why (Indonesian)."""
    row_id: str
    kind: str                  # owner | period | key | version | tombstone | taken
    reason: str
    detail: tuple = ()         # period: (period,); version: (based on, in the file)


class RowsRefused(PermissionDenied):
    """``partial=False`` and a row was refused: nothing of the batch was written."""

    def __init__(self, refusals: list[Refusal]):
        super().__init__(refusals[0].reason)
        self.refusals = refusals


class KeyTaken(ValidationError):
    """A row's natural key (or id) is already used by another row; nothing of the batch was written."""


def spec_of(table: str):
    try:
        return TABLES[table]
    except KeyError:
        raise ValidationError(f"Tabel “{table}” tidak dikenal.") from None


class RowWriter:
    """Writes rows as ``unit`` (the installation's unit, or the unit whose verified package is being
    merged), by ``actor``, with ``origin`` recorded on rows it changes ('local', 'import', a package
    digest).  ``restore``: a new file being rebuilt from the plan JSON takes rows as recorded
    (ownership and period checks apply to changes of an existing file, not to its creation).
    ``step``: the writer of a period workflow step (:mod:`.period_workflow`), the only local writer
    of ``period_event`` rows."""

    def __init__(self, store, *, actor: str, unit: str, origin: str = "local", restore: bool = False,
                 step: bool = False):
        self.store, self.conn = store, store.conn
        self.actor, self.unit, self.origin, self.restore, self.step = actor, unit, origin, restore, step
        self.at = utc_now()
        self.changes = Changes()
        self._status: PeriodStatus | None = None
        self._cur = self.conn.cursor()
        self._cur.row_factory = None

    @property
    def status(self) -> PeriodStatus:
        """The periods closed to changes, read once per writer (callers classify with it too)."""
        if self._status is None:
            self._status = PeriodStatus(self.conn)
        return self._status

    def existing(self, table: str, cols, ids) -> dict[str, tuple]:
        """The rows of ``table`` with these ids, as tuples in ``cols`` order (one query)."""
        return {r[0]: r for r in self._cur.execute(
            f"SELECT {', '.join(cols)} FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),))}

    def write(self, table: str, cols, rows: list[tuple], *, old: dict[str, tuple] | None = None,
              versions: str = "bump", keep_origin: bool = False, audit_origin: str | None = None,
              based_on: dict[str, int] | None = None, audit_values: bool = False, edit_tombstones: bool = True,
              partial: bool = False, own_buckets: bool = False, ahead: Ahead | None = None) -> list[Refusal]:
        """Insert or replace ``rows`` (tuples in ``cols`` order, ``id`` first, every column of the table)
        of ``table``.  Rows take this writer's origin unless ``keep_origin`` (a file restored from
        its JSON keeps each row's recorded origin); the audit entries name ``audit_origin`` when given.
        ``own_buckets``: the inserted rows start a bucket of their own unless the last bucket holds
        only a few rows (:func:`first_rowid`), so the buckets their write ties hold few earlier rows
        to read again (a package's rows).  ``ahead``: the short digests of ``rows`` built before the
        write (:class:`.audit_chain.Ahead`), taken when the write inserts exactly those rows, in their
        own buckets, with this origin, their versions carried.
        See the module docstring; returns the refused rows (``partial``) or raises."""
        spec = spec_of(table)
        cols = tuple(cols)
        if not rows:
            return []
        ix = {c: i for i, c in enumerate(cols)}
        if old is None:
            old = self.existing(table, cols, (r[0] for r in rows))
        refusals = [] if self.restore else self._check(spec, ix, rows, old, based_on, edit_tombstones)
        if refusals and not partial:
            raise RowsRefused(refusals)
        refused = {r.row_id for r in refusals}
        origin = None if keep_origin else self.origin
        # carried rows inserted as they are, their origin bound once in the statement (a package's)
        bound = origin if versions == "carry" and origin is not None else None
        inserts, updates = [], []
        for p in rows:
            if p[0] in refused:
                continue
            c = old.get(p[0])
            if c is None:
                inserts.append(p if bound is not None else self._versioned(p, c, ix, versions, origin))
            else:
                updates.append((c, self._versioned(p, c, ix, versions, origin)))
        last = last_rows(self._cur, table, held=own_buckets) if inserts else (None, 0)
        tied_before = before_ties(self.conn, table, [r[0] for _c, r in updates], last=last[0])
        taken, rowids = self._insert(table, cols, inserts, partial, first_rowid(*last) if own_buckets else None, bound)
        refusals += taken
        skip = {r.row_id for r in taken}
        inserted = [r for r in inserts if r[0] not in skip] if skip else inserts
        if updates:
            self._cur.executemany(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in cols[1:])} WHERE id = ?",
                                  [r[1:] + (r[0],) for _, r in updates])
        if ahead is not None and (versions != "carry" or audit_origin not in (None, origin)):
            ahead = None
        self._audit(spec, table, ix, inserted, updates, audit_origin or origin, audit_values, tied_before, rowids,
                    ahead)
        i_rv = ix["row_version"]
        self.changes.add_many(table, inserted, i_rv)
        self.changes.add_many(table, [r for _c, r in updates], i_rv)
        return refusals

    # -- checks --------------------------------------------------------------------------------------
    def _check(self, spec, ix, rows, old, based_on, edit_tombstones) -> list[Refusal]:
        """The refused rows of a batch.  Each rule runs column-wise first (one check per distinct
        owner and unit, none when no period is closed) and looks at single rows only where needed."""
        found: dict[str, Refusal] = {}
        i_owner = ix["owner_unit"]
        i_unit = ix.get("unit_code")
        unit_of = itemgetter(i_unit) if i_unit is not None else (lambda r: None)
        # ownership per distinct (owner, unit) pair: a package of thousands of rows has one
        pairs = {(r[i_owner], unit_of(r)) for r in rows} | {(c[i_owner], unit_of(c)) for c in old.values()}
        denied = {pair: why for pair in pairs if (why := ownership_refusal(spec, self.unit, *pair))}
        if rows and (why := unit_definition_refusal(spec, self.unit, self.conn)):
            denied.update({pair: why for pair in pairs if pair[0] == self.unit and pair not in denied})
        if denied:
            for p in rows:
                c = old.get(p[0])
                for row in (p, c) if c is not None else (p,):
                    why = denied.get((row[i_owner], unit_of(row)))
                    if why:
                        found.setdefault(p[0], Refusal(p[0], "owner", why))
        i_period = ix.get(spec.period_field) if spec.period_field else None
        if i_period is not None and self.status.locks:
            closed_period = self.status.closed_period
            for p in rows:
                if p[0] in found:
                    continue
                c = old.get(p[0])
                closed = closed_period(unit_of(p), p[i_period]) or (
                    c is not None and closed_period(unit_of(c), c[i_period]))
                if closed:
                    unit = unit_of(p) if closed_period(unit_of(p), p[i_period]) else unit_of(c)
                    found[p[0]] = Refusal(p[0], "period", self.status.refusal(unit, closed), (closed,))
        if spec.name == EVENT_TABLE:
            self._check_events(ix, rows, old, unit_of, found)
        if old:
            key_of = itemgetter(*(ix[k] for k in spec.key)) if spec.key else None
            i_rv, i_deleted = ix["row_version"], ix["deleted"]
            content = [ix[f.name] for f in spec.fields] + [i_deleted]
            for p in rows:
                rid = p[0]
                c = old.get(rid)
                if c is None or rid in found:
                    continue
                if key_of is not None and key_of(c) != key_of(p):
                    found[rid] = Refusal(rid, "key", "Kunci baris (satker, indikator, periode/tahun) tidak dapat "
                                                     "diubah; hapus baris lalu tambahkan yang baru.")
                elif not edit_tombstones and c[i_deleted] and p[i_deleted] and any(c[i] != p[i] for i in content):
                    found[rid] = Refusal(rid, "tombstone", "Baris ini sudah dihapus. Pulihkan dulu (Urungkan) sebelum "
                                                           "mengubahnya.")
                elif based_on is not None and rid in based_on and based_on[rid] < c[i_rv]:
                    found[rid] = Refusal(rid, "version", f"Baris ini sudah diubah (versi {c[i_rv]}) sesudah perubahan "
                                                         f"ini dimulai dari versi {based_on[rid]}; tidak ditimpa.",
                                         (based_on[rid], c[i_rv]))
        return list(found.values())

    def _check_events(self, ix, rows, old, unit_of, found: dict) -> None:
        """Workflow events: who may record which (write_rules.event_refusal), and never changed once
        written (an append-only history: a new step is a new row).  Written here, a step comes only
        from the workflow (its state and separation checks); the plan JSON may carry the steps a file
        recorded, each needing its permission (core.roles) like the step itself; a package's steps
        were checked when it was verified."""
        i_event = ix["event"]
        content = [ix[c] for c in TABLES[EVENT_TABLE].columns] + [ix["deleted"]]
        for p in rows:
            if p[0] in found:
                continue
            why = event_refusal(self.unit, unit_of(p), p[i_event])
            if why is None and not self.step and p[0] not in old:
                why = self._step_refusal(p[i_event])
            c = old.get(p[0])
            if why is None and c is not None and any(c[i] != p[i] for i in content):
                why = "Riwayat status periode tidak dapat diubah; setiap langkah dicatat sebagai baris baru."
            if why:
                found[p[0]] = Refusal(p[0], "owner", why)

    def _step_refusal(self, event: str) -> str | None:
        if self.origin == "local":
            return NOT_A_STEP
        if self.origin == "import":
            from .errors import PermissionDenied
            from .roles import require
            try:
                require(self.conn, self.actor, EVENT_PERMISSION.get(event, "approve"))
            except PermissionDenied as exc:
                return exc.message
        return None

    # -- versions ------------------------------------------------------------------------------------
    def _versioned(self, p: tuple, c: tuple | None, ix: dict, versions: str, origin: str | None) -> tuple:
        if versions == "carry":          # the row as it is, but for its origin
            if origin is None:
                return p
            i = ix["origin"]
            return p[:i] + (origin,) + p[i + 1:]
        row = list(p)
        if versions == "bump":
            if c is None:
                row[ix["created_at"]], row[ix["row_version"]], row[ix["base_version"]] = self.at, 1, 0
            else:
                row[ix["created_at"]] = c[ix["created_at"]]
                row[ix["row_version"]], row[ix["base_version"]] = c[ix["row_version"]] + 1, c[ix["row_version"]]
            row[ix["updated_at"]], row[ix["updated_by"]] = self.at, self.actor
        elif versions != "carry":
            raise ValueError(versions)
        if origin is not None:
            row[ix["origin"]] = origin
        return tuple(row)

    # -- writing -------------------------------------------------------------------------------------
    def _insert(self, table: str, cols, rows: list[tuple], partial: bool, start: int | None = None,
                origin: str | None = None) -> tuple[list[Refusal], dict[str, int] | None]:
        """Insert ``rows``; returns the rows refused (their key taken) and, given the rowid to
        ``start`` at (:func:`first_rowid`), the rowid given to each row (id -> rowid; ascending in the
        rows' order: the first row takes ``start``, each next one the rowid after the last, as SQLite
        gives it).  ``origin``: the rows take it instead of their own (bound in the statement)."""
        if not rows:
            return [], None
        n = len(cols)
        values = [f"?{k}" for k in range(1, n + 1)]
        extra = ()
        if origin is not None:
            values[cols.index("origin")], extra = f"?{n + 1}", (origin,)
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(values)})"
        at = f"INSERT INTO {table} (rowid, {', '.join(cols)}) VALUES (?{n + len(extra) + 1}, {', '.join(values)})"
        rowids = None if start is None else {row[0]: k for k, row in enumerate(rows, start)}

        def one(row: tuple, rowid: int | None) -> None:       # given its rowid, or the next one
            if rowid is None:
                self._cur.execute(sql, row + extra)
            else:
                self._cur.execute(at, row + extra + (rowid,))

        try:
            if len(rows) == 1:          # one statement is undone by SQLite itself when it fails
                one(rows[0], start)
            else:
                with self.store.atomic():
                    rest = rows
                    if start is not None:
                        one(rows[0], start)
                        rest = rows[1:]
                    self._cur.executemany(sql, (r + extra for r in rest) if extra else rest)
            return [], rowids
        except sqlite3.IntegrityError:
            spec = TABLES[table]
            if not partial:             # undone above (the savepoint, or the one statement)
                raise KeyTaken(f"{spec.label} dengan kunci yang sama sudah ada.") from None
        # A natural key (or id) already used by another row: find which rows, write the others.
        taken = []
        for k, row in enumerate(rows, start or 0):
            try:
                with self.store.atomic():
                    one(row, None if start is None else k)
            except sqlite3.IntegrityError:
                taken.append(Refusal(row[0], "taken", "Ditolak: bertabrakan dengan baris lain di berkas ini "
                                                      "(kunci yang sama)."))
        return taken, rowids

    def _audit(self, spec, table: str, ix: dict, inserted: list[tuple], updates: list, origin: str | None,
               with_values: bool, tied_before: dict[int, str], rowids: dict[str, int] | None = None,
               ahead: Ahead | None = None) -> None:
        """One entry per inserted row and per changed field (a change of the version columns only:
        one entry without a field), the last entry of each row carrying its content digest read
        back from the file; rows inserted without their values (a package's) one compact entry per
        origin; the last entry the digests of the buckets the rows are in, after and (``tied_before``) before
        the write (:mod:`.audit_chain`).  ``rowids``: the inserted rows were given these rowids
        (:meth:`_insert`), so their texts are read by rowid range and one row of each bucket names the
        bucket to tie; ``ahead``: see :meth:`write`."""
        i_origin = ix["origin"]
        shown = audit_value(spec)
        cols = table_columns(self.conn, table)
        known = None
        who = {"actor": self.actor, "unit_code": self.unit, "at": self.at}
        entries: list[tuple] = []
        if inserted:
            if with_values:
                fields = [(f.name, ix[f.name]) for f in spec.fields]
                entries += audit_rows([(table, r[0], "delete" if r[ix["deleted"]] else "insert", None, None,
                                        json.dumps({n: shown(n, r[i]) for n, i in fields}, ensure_ascii=False))
                                       for r in inserted], origin=origin or inserted[0][i_origin],
                                      digests=current_digests(self.conn, table, [r[0] for r in inserted], cols),
                                      **who)
            else:
                by_origin: dict[str, list[str]] = {}
                for r in inserted:
                    by_origin.setdefault(origin or r[i_origin], []).append(r[0])
                span = (rowids[inserted[0][0]], rowids[inserted[-1][0]]) if rowids and len(by_origin) == 1 else None
                if self._takes(ahead, span, inserted, origin, cols):
                    i_deleted = ix["deleted"]
                    entries.append(compact_entry(table, list(range(span[0], span[1] + 1)),
                                                 [rowids[r[0]] for r in inserted if r[i_deleted]], ahead.short,
                                                 origin=origin, **who))
                    if ahead.bucket is not None and span[0] % (1 << BUCKET_BITS) == 0 and \
                            span[0] >> BUCKET_BITS == span[1] >> BUCKET_BITS:
                        known = {span[0] >> BUCKET_BITS: ahead.bucket}      # a bucket of these rows alone
                else:
                    entries += [inserted_entry(self.conn, table, ids, origin=o, span=span, cols=cols, **who)
                                for o, ids in by_origin.items()]
        changed = [(c, r) for c, r in updates if c != r]
        if changed:
            content = [(f.name, ix[f.name]) for f in spec.fields] + [("deleted", ix["deleted"])]
            by_origin: dict[str, list[tuple]] = {}
            for c, r in changed:
                found = by_origin.setdefault(origin or r[i_origin], [])
                before = len(found)
                for name, i in content:
                    if c[i] != r[i]:
                        found.append((table, r[0], change_action(name, r[i]), name, shown(name, c[i]),
                                      shown(name, r[i])))
                if len(found) == before:       # versions, times or origin only
                    found.append((table, r[0], "update", None, None, None))
            digests = current_digests(self.conn, table, [r[0] for _c, r in changed], cols)
            for o, found in by_origin.items():
                entries += audit_rows(found, origin=o, digests=digests, **who)
        if entries:
            written = [r[0] for _c, r in changed]
            if rowids is None:
                written += [r[0] for r in inserted]
            buckets = () if rowids is None else {rowids[r[0]] >> BUCKET_BITS for r in inserted}
            append(self.conn, with_ties(entries, ties(self.conn, table, written, tied_before, buckets=buckets,
                                                      cols=cols, known=known)))

    @staticmethod
    def _takes(ahead: Ahead | None, span, inserted: list[tuple], origin: str | None, cols) -> bool:
        """Whether the digests built ahead are those of the rows just inserted: the same columns and
        origin, the same rows in the same order, one rowid after another."""
        return (ahead is not None and span is not None and origin == ahead.origin and tuple(cols) == ahead.cols
                and span[1] - span[0] + 1 == len(inserted) == len(ahead.ids)
                and all(map(eq, (r[0] for r in inserted), ahead.ids)))


SHARE_UP_TO = 64     # rows inserted together go on in the last bucket while it holds at most these


def last_rows(cur, table: str, *, held: bool = True) -> tuple[int | None, int]:
    """The largest rowid of ``table`` (None when it is empty) and, with ``held``, how many rows its
    bucket holds (:mod:`.audit_chain`): one statement."""
    if not held:
        return cur.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0], 0
    return tuple(cur.execute(
        f"SELECT top, (SELECT count(*) FROM {table} WHERE rowid BETWEEN (top >> {BUCKET_BITS}) << {BUCKET_BITS} "
        f"AND top) FROM (SELECT max(rowid) AS top FROM {table})").fetchone())


def first_rowid(top: int | None, held: int) -> int:
    """The rowid rows inserted together start at, after the table's largest rowid ``top`` whose bucket
    holds ``held`` rows (:func:`last_rows`): the start of the next bucket, or right after ``top`` while
    its bucket holds at most ``SHARE_UP_TO`` rows.  So the buckets the write ties hold at most that
    many rows it did not write (their digests read them all again), and a file of packages of a few
    rows each does not become a bucket a package (``audit verify`` reads every bucket)."""
    if top is None:
        return 1
    return top + 1 if held <= SHARE_UP_TO else ((top >> BUCKET_BITS) + 1) << BUCKET_BITS


def audit_value(spec):
    """How the audit trail keeps a value: a file's content (a ``base64`` field) by its SHA-256, not
    a second copy, and a password hash (a ``secret`` field) by its SHA-256, not the hash itself;
    everything else as it is."""
    files = {f.name for f in spec.fields if f.kind in ("base64", "secret")}
    if not files:
        return lambda name, value: value
    import hashlib          # here, not at start-up: it loads libcrypto (3.4 MB) the first paint needs not
    return lambda name, value: (f"sha256:{hashlib.sha256(value.encode('ascii')).hexdigest()}"
                                if name in files and value is not None else value)


def change_action(field: str, new) -> str:
    """The audit action of a field change: the tombstone flag records a delete or a restore."""
    return ("delete" if new else "restore") if field == "deleted" else "update"


def columns_of(conn, table: str) -> tuple[str, ...]:
    """The columns of a plan table in this file, in table order (META_COLUMNS first)."""
    cols = tuple(table_columns(conn, table))
    assert cols[:len(META_COLUMNS)] == META_COLUMNS, (table, cols)
    return cols
