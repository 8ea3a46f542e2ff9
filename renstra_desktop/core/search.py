"""Search across the plan: every text a user reads in the window (indicator names, risks, causes,
controls, treatments, success indicators, roadmap items, evidence notes, units, the yearly cycle's
manuals, notes, narratives and risk monitoring) through a SQLite FTS5 index; what is indexed and
where it is shown is declared in :mod:`.search_sources`.

Where the index lives (docs/search.md): in memory, one per process, beside a read-only ATTACH of
the plan file; never in the plan file and never in a file beside it.  The plan's schema is checked
on every open against exactly what the migrations create, so an index made in the plan at run time
would make the file refused; one made by a migration would need triggers writing to FTS5, which
fail under the application's ``trusted_schema = OFF`` (FTS5 is not innocuous in SQLite 3.40), and
would run inside every write (a merge of 530 packages re-indexing 142 040 rows).  Built in memory
it costs 0.5-0.8 s once on the 530-unit file (in SQL, no row passes through Python), nothing on
any write.

How it stays current: before every search ``PRAGMA plan.data_version`` says whether any other
connection committed; if so the audit trail (every write path records the rows it changes, in the
same transaction) names the rows changed since the last search, and only those are indexed again;
rows inserted without an audit entry are caught by the tables' highest rowid.  A file whose audit
trail went backwards (another file under the same name) is indexed again from scratch.

sqlite-utils: its ``Database``, ``create``, ``create_index`` and ``enable_fts`` (the external-content
FTS5 table with its tokenizer, populated) manage the in-memory index.  Not used: enable_fts's
triggers (the same trusted_schema refusal: the FTS5 rows are kept in step here), ``search()`` (it
orders by bm25 rank, 258 ms for a word in 95 400 texts of the 530-unit file against 2 ms in rowid
order, and returns no ``highlight()``), ``insert_all`` for the build (1.64 s for 232 571 texts
against 0.29 s for ``INSERT … SELECT`` from the attached plan).

Threading: a SearchIndex belongs to the thread that made it (its sqlite3 connection).
"""
from __future__ import annotations

import functools
import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from .cycle.narrative import blocks, runs
from .errors import FileBusy, FileError, ValidationError
from .search_sources import BY_TABLE, SOURCES, TABS, Source
from .sqlite_errors import (SQLITE_BUSY, SQLITE_CANTOPEN, SQLITE_CORRUPT, SQLITE_IOERR, SQLITE_LOCKED, SQLITE_NOTADB,
                            database_error_message, primary_code)

LIMIT = 500                   # hits returned at most (the rest: "more", ask for a longer word)
MAX_QUERY_CHARS = 500
TOKENIZE = "unicode61 remove_diacritics 2"      # case and accents ignored: "Sumbawa" finds "sumbawá"
MARK = ("\ue000", "\ue001")   # private-use characters around a match in highlight(); removed from texts
CHUNK_ROWS = 4000             # plan rows per read statement: a writer never waits long for the read lock
REBUILD_SHARE = 0.2           # more changed rows than this share of the plan: index everything again


def plain_text(content) -> str:
    """An LKjIP narrative section (stored HTML subset) as the words a reader sees."""
    if not content:
        return ""
    return "\n".join("".join(text for text, _ in runs(inline)) for _, inline in blocks(str(content)))


_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def fts_query(text: str) -> str:
    """The user's words as an FTS5 query: each word (or "quoted phrase") must occur, as the start
    of a word, case and accents ignored; "17.1" and "LPS-LOBAR" are phrases of their parts.
    Nothing the user types is FTS5 syntax (AND, OR, NEAR, *, ^, column filters are plain words)."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise ValidationError(f"Kata yang dicari terlalu panjang (lebih dari {MAX_QUERY_CHARS} karakter). "
                              "Persingkat kata kuncinya.")
    terms = []
    for match in _TERM.finditer(text):
        term = match.group(1) if match.group(1) is not None else match.group(2)
        if any(ch.isalnum() for ch in term):
            terms.append('"' + term.replace('"', '""') + '"*')
    if not terms:
        raise ValidationError("Kata yang dicari kosong. Ketik paling sedikit satu huruf atau angka.")
    return " ".join(terms[:32])


@dataclass(frozen=True)
class Hit:
    """One text that matched: where it is (tab, unit, row, column) and the text with its matches."""
    table: str
    row_id: str
    column: str
    unit_code: str | None
    unit_name: str | None
    tab: str
    tab_label: str
    row_label: str
    column_label: str
    text: str
    spans: tuple[tuple[int, int], ...]          # [start, end) of each match in ``text``
    place: dict = field(compare=False, hash=False)   # what the window selects (tab, page, keys)
    sort_key: tuple = field(compare=False, hash=False, repr=False)

    def snippet(self, width: int = 140) -> tuple[str, tuple[tuple[int, int], ...]]:
        """The text on one line (list items and paragraphs separated by " · ") around the first
        match, at most ``width`` characters, with "…" where it was cut; spans moved to match."""
        def moved(i: int) -> int:
            return i + 2 * self.text.count("\n", 0, i)
        text = self.text.replace("\n", " · ")
        spans = tuple((moved(a), moved(b)) for a, b in self.spans)
        if len(text) <= width:
            return text, spans
        first = spans[0][0] if spans else 0
        start = max(0, min(first - width // 3, len(text) - width))
        end = start + width
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(text) else ""
        shift = len(prefix) - start
        return prefix + text[start:end] + suffix, tuple(
            (max(a, start) + shift, min(b, end) + shift) for a, b in spans if b > start and a < end)

    def as_dict(self) -> dict:
        return {"tab": self.tab, "tab_label": self.tab_label, "unit_code": self.unit_code,
                "unit_name": self.unit_name, "table": self.table, "row_id": self.row_id, "row_label": self.row_label,
                "column": self.column, "column_label": self.column_label, "text": self.text,
                "matches": [list(s) for s in self.spans], "place": self.place}


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    more: bool               # more texts matched than ``limit``: only the first were looked at
    limit: int

    def as_dict(self) -> dict:
        return {"query": self.query, "count": len(self.hits), "more": self.more, "limit": self.limit,
                "hits": [h.as_dict() for h in self.hits]}


def _marked(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """highlight() output -> the text and the spans of its matches."""
    out, spans, start = [], [], None
    for ch in text:
        if ch == MARK[0]:
            start = len(out)
        elif ch == MARK[1]:
            if start is not None:
                spans.append((start, len(out)))
            start = None
        else:
            out.append(ch)
    return "".join(out), tuple(spans)


def _text_expr(source: Source, column: str) -> str:
    value = f"t.{column}"
    kind = source.kind(column)
    if kind == "list":      # an ordered JSON list: one item a line (a damaged list is kept as it is)
        value = (f"(SELECT group_concat(value, char(10)) FROM json_each(CASE WHEN json_valid({value}) "
                 f"AND json_type({value}) = 'array' THEN {value} ELSE json_array({value}) END))")
    elif kind == "html":
        value = f"search_plain_text({value})"
    return f"CAST({value} AS TEXT)"


def clean_text(text):
    """A text as highlight() can mark it: without the marking characters, NUL as a space (FTS5
    would cut the text there)."""
    if text is None:
        return None
    return str(text).replace("\x00", " ").replace(MARK[0], "").replace(MARK[1], "")


def _cleaned(value: str) -> str:
    """SQL: ``value`` through clean_text() only when it holds a character that needs it (rare)."""
    return (f"CASE WHEN instr({value}, char(57344)) OR instr({value}, char(57345)) OR instr({value}, char(0)) "
            f"THEN search_clean_text({value}) ELSE {value} END")


def _insert_sql(source: Source, where: str) -> str:
    """One read of the plan rows selected by ``where`` (over ``t``), one doc per non-empty text."""
    texts = ", ".join(f"{_text_expr(source, c)} AS c{i}" for i, c in enumerate(source.columns))
    parts = " UNION ALL ".join(
        f"SELECT '{source.table}', id, unit, {int(source.own_only)}, '{c}', {_cleaned(f'c{i}')} "
        f"FROM src WHERE c{i} <> ''" for i, c in enumerate(source.columns))
    return (f"WITH src AS MATERIALIZED (SELECT t.id AS id, {source.unit} AS unit, {texts} "
            f"FROM plan.{source.table} t WHERE t.deleted = 0 AND {where}) "
            f"INSERT INTO doc (tbl, id, unit, own_only, col, text) {parts}")


def _plan_read(method):
    """SQLite's refusals while reading the plan (held by a writer, a damaged page, a read error, text
    that is not UTF-8) as one Indonesian line (sqlite_errors); nothing is ever written to the plan."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            code = primary_code(exc)
            if code in (SQLITE_BUSY, SQLITE_LOCKED):
                raise FileBusy(database_error_message(exc, self.path)) from None
            if code in (SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_IOERR, SQLITE_CANTOPEN) or (
                    code is None and "decode" in str(exc)):
                raise FileError(database_error_message(exc, self.path)) from None
            raise
    return wrapper


class SearchIndex:
    """The FTS5 index of one plan file, in memory.  Build it with :meth:`open`; :meth:`search`
    brings it up to date first.  Reads the plan through a read-only ATTACH (the caller has opened
    and checked the file with :class:`Store`)."""

    @_plan_read
    def __init__(self, plan_path: str | Path):
        self.path = Path(plan_path)
        conn = sqlite3.connect(":memory:", uri=True, isolation_level=None, check_same_thread=True)
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.create_function("search_plain_text", 1, plain_text, deterministic=True)
        conn.create_function("search_clean_text", 1, clean_text, deterministic=True)
        try:
            conn.execute("ATTACH DATABASE ? AS plan", (self.path.resolve().as_uri() + "?mode=ro",))
        except BaseException:
            conn.close()
            raise
        self.conn = conn
        self.db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
        self.sources: tuple[Source, ...] = ()
        self.rows = 0                       # plan rows looked at by the last full build
        self._seq = 0                       # audit entries covered
        self._max_rowid: dict[str, int] = {}
        self._data_version: int | None = None
        self._ready = False                 # False until a build finished

    @classmethod
    def open(cls, plan_path: str | Path, progress=None) -> "SearchIndex":
        index = cls(plan_path)
        try:
            index.build(progress)
        except BaseException:
            index.close()
            raise
        return index

    def close(self) -> None:
        self.conn.close()

    # -- building ----------------------------------------------------------------------------------
    @_plan_read
    def build(self, progress=None) -> None:
        """Index every searchable text of the plan (again).  ``progress(percent, text)`` is called
        between tables and may raise to stop."""
        present = {r[0] for r in self.conn.execute("SELECT name FROM plan.sqlite_master WHERE type = 'table'")}
        self.sources = tuple(s for s in SOURCES if s.table in present)
        self._data_version = self._plan_data_version()
        self._seq = self._audit_top()
        doc = self.db["doc"]
        if doc.exists():
            doc.disable_fts()
            doc.drop()
        doc.create({"tbl": str, "id": str, "unit": str, "own_only": int, "col": str, "text": str})
        sizes = {s.table: self._plan_scalar(f"SELECT max(rowid) FROM plan.{s.table}") or 0 for s in self.sources}
        total = sum(sizes.values()) or 1
        done = 0
        self._ready = False
        for source in self.sources:      # each statement its own transaction: the plan's read lock is short
            if progress is not None:
                progress(int(90 * done / total), source.table)
            top = sizes[source.table]
            for start in range(0, top + 1, CHUNK_ROWS):
                self._insert(source, "t.rowid BETWEEN ? AND ?", (start, min(start + CHUNK_ROWS - 1, top)))
            self._max_rowid[source.table] = top
            done += top
        if progress is not None:
            progress(90, "fts")
        doc.create_index(["tbl", "id"])       # after the rows: 5x faster than kept up while inserting
        doc.enable_fts(["text"], tokenize=TOKENIZE)
        self.rows = done
        self._ready = True
        self._catch_up()

    def _insert(self, source: Source, where: str, args: tuple) -> None:
        self.conn.execute(_insert_sql(source, where), args)

    # -- keeping current -------------------------------------------------------------------------
    @_plan_read
    def refresh(self) -> int:
        """Index again what changed in the plan since the last call: the number of plan rows looked
        at (0 when nothing was committed; the whole plan when it was indexed again)."""
        if not self._ready:
            self.build()
            return self.rows
        version = self._plan_data_version()
        if version == self._data_version:
            return 0
        self._data_version = version
        try:
            return self._catch_up()
        except BaseException:
            self._data_version = None       # half done: look again next time
            raise

    def _catch_up(self) -> int:
        top = self._audit_top()
        if top < self._seq:                 # not the file that was indexed
            self.build()
            return self.rows
        conn = self.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS changed (tbl TEXT, id TEXT, PRIMARY KEY (tbl, id)) WITHOUT ROWID")
        conn.execute("DELETE FROM temp.changed")
        names = json.dumps([s.table for s in self.sources])
        conn.execute("INSERT OR IGNORE INTO temp.changed SELECT table_name, row_id FROM plan.audit_log "
                     "WHERE seq > ? AND seq <= ? AND table_name IN (SELECT value FROM json_each(?))",
                     (self._seq, top, names))
        for source in self.sources:         # rows written without an audit entry
            highest = self._plan_scalar(f"SELECT max(rowid) FROM plan.{source.table}") or 0
            if highest > self._max_rowid.get(source.table, 0):
                conn.execute(f"INSERT OR IGNORE INTO temp.changed SELECT '{source.table}', id FROM plan.{source.table} "
                             "WHERE rowid > ?", (self._max_rowid.get(source.table, 0),))
                self._max_rowid[source.table] = highest
        count = conn.execute("SELECT count(*) FROM temp.changed").fetchone()[0]
        if count > REBUILD_SHARE * max(self.rows, 1):
            self.build()
            return self.rows
        if count:     # doc_fts is kept in step here: triggers on doc would need trusted_schema = ON
            conn.execute("INSERT INTO doc_fts (doc_fts, rowid, text) SELECT 'delete', rowid, text FROM doc "
                         "WHERE (tbl, id) IN (SELECT tbl, id FROM temp.changed)")
            conn.execute("DELETE FROM doc WHERE (tbl, id) IN (SELECT tbl, id FROM temp.changed)")
            before = conn.execute("SELECT coalesce(max(rowid), 0) FROM doc").fetchone()[0]
            for source in self.sources:
                self._insert(source, "t.id IN (SELECT id FROM temp.changed WHERE tbl = ?)", (source.table,))
            conn.execute("INSERT INTO doc_fts (rowid, text) SELECT rowid, text FROM doc WHERE rowid > ?", (before,))
        self._seq = top
        return count

    def _plan_data_version(self) -> int:
        return self.conn.execute("PRAGMA plan.data_version").fetchone()[0]

    def _audit_top(self) -> int:
        return self._plan_scalar("SELECT max(seq) FROM plan.audit_log") or 0

    def _plan_scalar(self, sql: str):
        return self.conn.execute(sql).fetchone()[0]

    # -- searching ---------------------------------------------------------------------------------
    @_plan_read
    def search(self, text: str, *, units=None, cycle_unit: str | None = None, limit: int = LIMIT) -> SearchResult:
        """The texts containing every word of ``text`` (as word starts), in the window's order.

        ``units``: only rows of these units (and reference rows, which belong to no unit); None for
        every unit.  ``cycle_unit``: the unit whose Siklus Kinerja pages the window shows (PK, Rencana
        Aksi, pengukuran, narasi show only the installation's own unit); None for no such limit."""
        query = fts_query(text)
        limit = max(1, int(limit))
        self.refresh()
        where, args = "", {"q": query, "n": limit + 1, "a": MARK[0], "b": MARK[1]}
        if units is not None:
            where += " AND (d.unit IS NULL OR d.unit IN (SELECT value FROM json_each(:units)))"
            args["units"] = json.dumps(sorted(units))
        if cycle_unit is not None:
            where += " AND (d.own_only = 0 OR d.unit = :own)"
            args["own"] = cycle_unit
        rows = self.conn.execute(
            "SELECT d.tbl, d.id, d.unit, d.col, highlight(doc_fts, 0, :a, :b) FROM doc_fts CROSS JOIN doc d "
            f"ON d.rowid = doc_fts.rowid WHERE doc_fts MATCH :q{where} ORDER BY doc_fts.rowid LIMIT :n", args).fetchall()
        more = len(rows) > limit
        return SearchResult(text.strip(), tuple(self._hits(rows[:limit])), more, limit)

    def _hits(self, rows) -> list[Hit]:
        by_table: dict[str, list] = {}
        for row in rows:
            by_table.setdefault(row[0], []).append(row)
        names = dict(self.conn.execute("SELECT code, name FROM plan.unit WHERE deleted = 0"))
        hits, seen = [], set()
        for table, matched in by_table.items():
            source = BY_TABLE[table]
            info = {r[0]: r[1:] for r in self.conn.execute(
                f"SELECT t.id, {source.label}, {source.place}, {source.sort}, COALESCE(us.seq, 0) "
                f"FROM plan.{table} t{source.joins} LEFT JOIN plan.unit us ON us.code = {source.unit} "
                "WHERE t.id IN (SELECT value FROM json_each(?))", (json.dumps([m[1] for m in matched]),))}
            tab_rank, tab_label = TABS[source.tab]
            for _, row_id, unit, column, marked in matched:
                if row_id not in info:
                    continue                 # gone since the index was read (a concurrent write)
                label, place, sort, unit_seq = info[row_id]
                text, spans = _marked(marked)
                key = (unit, place, column, text)
                if key in seen:              # the same cell in several rows (funding years)
                    continue
                seen.add(key)
                hits.append(Hit(
                    table=table, row_id=row_id, column=column, unit_code=unit,
                    unit_name=names.get(unit, unit) if unit else None, tab=source.tab, tab_label=tab_label,
                    row_label=label or "", column_label=source.column_label(column), text=text, spans=spans,
                    place={**json.loads(place), "column": column},
                    sort_key=(tab_rank, unit_seq, SOURCES.index(source), sort or "", source.columns.index(column))))
        hits.sort(key=lambda h: h.sort_key)
        return hits


def search_plan(store, text: str, *, units=None, cycle_unit: str | None = None, limit: int = LIMIT) -> SearchResult:
    """One search of an open plan (the command line): builds an index, searches, closes it."""
    index = SearchIndex.open(store.path)
    try:
        return index.search(text, units=units, cycle_unit=cycle_unit, limit=limit)
    finally:
        index.close()
