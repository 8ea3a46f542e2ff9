"""Migration 13's step: the buckets of every plan table tied anew in the column-wise form
(:func:`.audit_chain.bucket_sql`), one 'tie' entry per table appended to the chain.

A bucket is tied anew only when it still matches, in the old form (version 12: SHA-256 of its rows'
``json_array`` texts joined by newlines), the digest the trail recorded last for it.  One that does
not match was changed outside the application before the migration: its tie keeps the old digest
behind ``!`` (which no bucket's digest equals), so ``audit verify`` still walks that table and names
the rows, until an administrator accepts them.  Nothing is rewritten: the trail stays append-only."""
from __future__ import annotations

import json
import sqlite3

from .audit_chain import (EMPTY, TIED, TIES_KEY, _bounds, _digest, _Expected, _follow_ties, all_buckets, anchored,
                          append, bucket_digests, canon, columns)
from .rows import utc_now
from .schema import TABLES

MARK = "!"        # before a tie that did not match at migration: never equal to a digest


def recorded_ties(conn) -> dict[str, dict[int, str]]:
    """table -> bucket -> the digest the trail recorded last (the anchor's, then each entry's)."""
    start = anchored(conn)[1].get(TIES_KEY, {})
    expected = {t: _Expected({int(b): d for b, d in start.get(t, {}).items()}, {}, []) for t in TABLES}
    _follow_ties(conn.execute(TIED), expected)
    return {t: known.ties for t, known in expected.items()}


def _old_form(conn, table: str, buckets) -> dict[int, str]:
    """bucket -> digest of the non-empty buckets of ``table`` as version 12 computed it."""
    cur = conn.cursor()
    cur.row_factory = None
    cols = columns(conn, table)
    for blobs in (False, True):
        sql = f"SELECT count(*), group_concat({canon(cols, blobs=blobs)}, char(10)) FROM {table} " \
              "WHERE rowid BETWEEN ? AND ?"
        try:
            out = {}
            for b in buckets:
                n, text = cur.execute(sql, _bounds(b)).fetchone()
                if n:
                    out[b] = _digest(text)
            return out
        except sqlite3.OperationalError:
            if blobs:
                raise
    return {}


def retie_buckets(conn) -> None:
    """Tie every bucket of every plan table in the new form (see the module docstring)."""
    recorded = recorded_ties(conn)
    at, entries = utc_now(), []
    for table in TABLES:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
            continue
        last = recorded.get(table, {})
        buckets = sorted(set(all_buckets(conn, table)) | set(last))
        if not buckets:
            continue
        old, new = _old_form(conn, table, buckets), bucket_digests(conn, table, buckets)
        ties, kept = "", 0
        for b in buckets:
            now = new[b][0] if b in new else EMPTY
            if last.get(b, EMPTY) in (old.get(b, EMPTY), now):    # (a file migrated from before 12: the new form)
                ties += f";{b}={now}"
            else:
                ties += f";{b}={MARK}{last.get(b, EMPTY)}"
                kept += 1
        value = {"ember": len(buckets), "berbeda": kept} if kept else {"ember": len(buckets)}
        entries.append((at, "migrasi", "", table, "", "tie", None, None, json.dumps(value), "migrasi", ties))
    append(conn, entries)
