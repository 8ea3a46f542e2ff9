"""``audit verify``'s buckets built in a second **process** beside the caller (issue 9 §4): the caller
checks the chain and then builds buckets from the last one down, the other process builds them from
the first one up, until they meet.

Why a process and not a thread: Debian's SQLite is built without lookaside memory, so every small
allocation of two connections in one process takes one global mutex, and the two threads also
share one GIL: the caller's chain and the other connection's buckets slowed each other down.  A
process has its own allocator and its own GIL (docs/national-scale.md, round 6).

The other process imports only the standard library (it runs this file as a script, ``python -I -S``,
or the frozen build's executable with :data:`ARG`).  It reads in its own read transaction, begun
while the caller holds its own (rollback-journal mode: no write can land in between, so both see
the same file; it also reports the trail's head, which the caller compares with its own).  It is
only a helper: when it cannot start, cannot read the file at once, sees another head, or dies, the
caller builds what it did not; the verdict never waits on it.

Protocol, lines of text on its standard input and output (no JSON: importing ``json`` costs the
other process 8 ms of its start, ``re`` and ``enum`` with it):

- in: the read-only URI of the file, the bucket bits, then one line per plan table
  ``<table> TAB <buckets> TAB <query>``: its jobs are buckets 0 to ``buckets - 1``, tables in that order;
- out: the trail's head as the file holds it, ``<seq> <chain>`` (``-`` for an empty trail), or
  ``busy`` when the file cannot be read at once (a write in progress), then one line per job in
  order: ``<i> <sha256 hex> <rows>``, ``<i> - 0`` for an empty bucket, ``<i> ?`` for a job SQLite
  refused (a BLOB planted with a tool: the caller's slow form takes it).
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import sys

ARG = "--audit-buckets"     # the frozen build's entry script runs :func:`main` when given it
FLUSH_EVERY = 8             # lines written at once: fewer wake-ups of the reading thread (each takes the GIL)


def main(source=None, out=None) -> int:
    """The other process: read the work, build each bucket's digest in order, print them as they
    come.  Ends quietly when the caller stops listening (it has what it needs, or it died)."""
    source = source or (sys.stdin.buffer if sys.stdin else os.fdopen(0, "rb"))
    out = out or (sys.stdout.buffer if sys.stdout else os.fdopen(1, "wb"))
    uri, bits, *tables = source.read().decode().splitlines()
    try:
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=0)
            conn.execute("BEGIN")
            head = conn.execute("SELECT seq, chain FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        except sqlite3.Error:
            out.write(b"busy\n")
            out.flush()
            return 1
        out.write(b"-\n" if head is None else b"%d %s\n" % (head[0], str(head[1]).encode()))
        out.flush()
        _build(conn, int(bits), tables, out)
        out.flush()
    except BrokenPipeError:     # what is still buffered goes nowhere (not a failed flush at exit)
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
    return 0


def _build(conn, bits: int, tables: list[str], out) -> None:
    sha, i = hashlib.sha256, 0
    for line in tables:
        _table, buckets, query = line.split("\t")
        for b in range(int(buckets)):
            try:
                n, text = conn.execute(query, (b << bits, ((b + 1) << bits) - 1)).fetchone()
            except sqlite3.Error:
                out.write(b"%d ?\n" % i)
            else:
                out.write(b"%d %s %d\n" % (i, sha(text).hexdigest().encode() if n else b"-", n))
            i += 1
            if not i % FLUSH_EVERY:
                out.flush()


def command() -> list[str]:
    """How to start the other process: this file under the same interpreter, isolated and without
    site-packages (it needs neither), or the frozen executable itself."""
    if getattr(sys, "frozen", False):
        return [sys.executable, ARG]
    return [sys.executable, "-I", "-S", os.path.abspath(__file__)]


class Aside:
    """The other process seen from the caller: ``done`` (job -> (digest, rows), or None for a job it
    could not build) and ``front``, the last job of the unbroken run from the first one it has
    built; both updated by a thread reading its output.  ``buckets``: table -> (its number of
    buckets, its query), in the order of the jobs."""

    def __init__(self, uri: str, bits: int, buckets: dict, head):
        import threading

        from .helper_process import spawn

        self.done: dict[int, tuple | None] = {}
        self.front = -1
        self.head = b"-" if head is None else b"%d %s" % (head[0], str(head[1]).encode())
        self.proc = spawn(command())
        self.reader = threading.Thread(target=self._read, name="audit-buckets", daemon=True)
        self.reader.start()
        work = [uri, str(bits)] + [f"{table}\t{n}\t{query}" for table, (n, query) in buckets.items()]
        try:
            self.proc.stdin.write("\n".join(work).encode() + b"\n")
            self.proc.stdin.close()
        except OSError:             # it died at once: the caller builds everything
            pass

    def _read(self) -> None:
        lines = iter(self.proc.stdout.readline, b"")
        try:
            if next(lines, b"").rstrip(b"\n") != self.head:
                return              # busy, or another file state than the caller's: not used
            for line in lines:
                i, digest, *rows = line.split()
                i = int(i)
                if i != self.front + 1:
                    return
                self.done[i] = None if digest == b"?" else (None if digest == b"-" else digest.decode(), int(rows[0]))
                self.front = i
        except (ValueError, IndexError):
            return                  # not this protocol: what it printed so far stands, nothing more

    def close(self) -> None:
        """Stop it (it may still be building what the caller already has) and wait for the reader."""
        from .helper_process import stop

        stop(self.proc, self.reader)


def start(uri: str, bits: int, buckets: dict, head) -> Aside | None:
    """The other process started on ``buckets`` (see :class:`Aside`), or None when it cannot be (no
    interpreter to run)."""
    try:
        return Aside(uri, bits, buckets, head)
    except OSError:
        return None


if __name__ == "__main__":
    sys.exit(main())
