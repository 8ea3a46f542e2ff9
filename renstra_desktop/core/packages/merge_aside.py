"""A large merge's packages opened and verified in a second **process** beside the merge (issue 11).

The merge writes one package while the next one is opened and verified (signature, integrity,
digest, owners), its rows breaking the value rules found and the audit digests of its rows built.
For a few packages a helper thread does that during each COMMIT (:mod:`.merge`).  For a batch of
``FROM_PACKAGES`` or more it is done here, in another process: its own GIL and its own SQLite
allocator, so it never slows the merging thread down (a thread beside it, holding the GIL for
4 ms a package, cost the national merge 0.65-0.9 s of 6.4 s: docs/national-scale.md, round 8).

The other process runs this file's :func:`main` (the frozen build's executable with :data:`ARG`).
It is only a helper: what it sends is what :meth:`.package.PackageReader.state` gives, and the
merge takes a package from it as verified.  A package it declines (one it finds damaged or
refuses: the merge opens that one itself and reports why; one too large to send; an older schema)
and every package after it dies or talks nonsense, the merge opens and verifies itself.

Protocol, ``marshal`` frames (8-byte little-endian length, then the bytes; ``marshal`` builds only
plain values, never an object of a class):

- in, one frame: ``(years, [path, …], [digest, …])``, the plan's span as the file holds it when the
  merge starts (:meth:`.package.PackageReader.check_values`), the packages in the order they are
  merged, and the digests of the packages the file has merged already;
- out, one frame per package in that order: its :meth:`~.package.PackageReader.state` (only opened,
  not verified, for a package merged already: the merge skips it), or None.

Its output waits in the pipe until the merge reads it: the other process is at most one package
ahead, and the memory of both stays bounded by a package or two.
"""
from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path

ARG = "--merge-prepare"     # the frozen build's entry script runs :func:`main` when given it
FROM_PACKAGES = 24          # batches of fewer packages use the merge's helper thread (no start-up to pay)
OWN_FIRST = 8               # the first packages of a batch go the helper thread's way while this one starts
MAX_FRAME = 256 * 1024 * 1024   # a package sent is at most 64 MB of file, its tables under CHUNK_ROWS rows
_LENGTH = 8
_ROWS = 6                   # where PackageReader.state() has the tables' rows


def main(source=None, out=None) -> int:
    """The other process: read the work, then open, verify and send each package in order.  Ends
    quietly when the merge stops listening (it is done, or it died)."""
    from .package import PackageReader

    source = source or (sys.stdin.buffer if sys.stdin else os.fdopen(0, "rb"))
    out = out or (sys.stdout.buffer if sys.stdout else os.fdopen(1, "wb"))
    years, paths, merged = marshal.loads(_read_frame(source) or b"")
    merged = set(merged)
    try:
        for path in paths:
            frame = marshal.dumps(_prepared(PackageReader, path, years, merged))
            out.write(len(frame).to_bytes(_LENGTH, "little") + frame)
            out.flush()
    except BrokenPipeError:     # what is still buffered goes nowhere (not a failed flush at exit)
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
    return 0


def _prepared(reader_class, path: str, years: tuple, merged: set):
    """What the merge needs of one package, verified as :func:`.merge._prepare` does, or None."""
    try:
        with reader_class.open(path) as reader:
            if reader.package_digest in merged:
                return reader.state()           # opened only: the merge skips it
            if not reader.fits_in_memory():
                return None
            reader.verify(texts=True).check_values(years)
            reader.digest_ahead()
            return _shared(reader.state())
    except Exception:           # declined: the merge opens it itself, and says what is wrong with it
        return None


def _shared(state: tuple | None) -> tuple | None:
    """``state`` with each text value held once however many rows repeat it (the unit, the times,
    the origin): ``marshal`` then writes it once and the merge builds it once (a unit's package:
    70 KiB sent and 0.15 ms to read back, shared 42 KiB and 0.08 ms)."""
    if state is None:
        return None
    seen: dict = {}
    once = seen.setdefault
    tables = {t: [tuple([once(v, v) if v.__class__ is str else v for v in row]) for row in rows]
              for t, rows in state[_ROWS].items()}
    return (*state[:_ROWS], tables, *state[_ROWS + 1:])


def _read_frame(stream) -> bytes | None:
    """One frame's bytes; None at the end of the stream or for what is not a frame."""
    head = stream.read(_LENGTH)
    if len(head) != _LENGTH:
        return None
    n = int.from_bytes(head, "little")
    if n > MAX_FRAME:
        return None
    data = stream.read(n)
    return data if len(data) == n else None


def command() -> list[str]:
    """How to start the other process: this package's :func:`main` under the same interpreter,
    isolated (no user site, no environment variables), or the frozen executable itself."""
    if getattr(sys, "frozen", False):
        return [sys.executable, ARG]
    root = str(Path(__file__).resolve().parents[3])
    return [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {root!r}); "
                                        "from renstra_desktop.core.packages.merge_aside import main; sys.exit(main())"]


class Aside:
    """The other process seen from the merge: :meth:`take` the next package's reader, verified."""

    def __init__(self, paths: list[Path], years: tuple, merged: list[str]):
        from ..helper_process import spawn

        self.proc = spawn(command())
        self.paths = paths
        self.sent = 0               # frames read so far
        self.alive = True
        work = marshal.dumps((tuple(years), [str(p) for p in paths], merged))
        try:
            self.proc.stdin.write(len(work).to_bytes(_LENGTH, "little") + work)
            self.proc.stdin.close()
        except OSError:             # it died at once: the merge verifies everything itself
            self.alive = False

    def take(self, k: int):
        """The verified reader of the ``k``-th package of the list (asked for in order), or None: the
        merge opens and verifies that one itself."""
        from .package import PackageReader

        while self.alive and self.sent <= k:
            try:
                frame = _read_frame(self.proc.stdout)
                state = None if frame is None else marshal.loads(frame)
            except (OSError, ValueError, EOFError, TypeError):
                frame = None
            if frame is None:
                self.alive = False          # it died, or wrote what is not a frame: nothing more from it
                return None
            self.sent += 1
            if self.sent == k + 1 and state is not None:
                try:
                    return PackageReader.from_state(self.paths[k], state)
                except (ValueError, TypeError, KeyError):
                    self.alive = False
                    return None
        return None

    def close(self) -> None:
        """Stop it (it may still be verifying packages the merge no longer needs) and wait for it."""
        from ..helper_process import stop

        stop(self.proc)


def worth_it(packages: int) -> bool:
    """Whether a batch of this many packages is verified here: ``FROM_PACKAGES`` or more, and a second
    core to do it on (on one core the helper thread, which works only while a COMMIT waits, is better)."""
    return packages >= FROM_PACKAGES and (os.cpu_count() or 1) > 1


def start(conn, paths: list[Path]) -> Aside | None:
    """The other process started on ``paths`` to be merged into the file of ``conn``, or None when
    it cannot start (no interpreter to run)."""
    from ..plan_profile import plan_years

    merged = [r[0] for r in conn.execute("SELECT package_digest FROM package_batch")]
    try:
        return Aside(paths, plan_years(conn), merged)
    except OSError:
        return None
