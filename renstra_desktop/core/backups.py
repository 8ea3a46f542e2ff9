"""Backup copies of a plan before risky steps (a merge, a migration): unique names, mode 0600,
never beside a journal that is not theirs, and rotated so that only the newest few are kept.

Names: ``<plan>.cadangan-<kind>-<YYYYmmdd-HHMMSS>[-n]`` (sortable; two backups in the same second
get different names).  ``keep`` comes from the plan setting ``backups_kept``.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import re
import shutil
from pathlib import Path

from .journal import journal_path


def _name_prefix(plan_path: Path, kind: str) -> str:
    return f"{plan_path.name}.cadangan-{kind}-"


def free_backup_path(plan_path: str | Path, kind: str) -> Path:
    """A name no file (and no journal) has yet; a concurrent writer that takes it first makes the
    no-clobber publish fail, and the caller asks again."""
    plan_path = Path(plan_path)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = plan_path.with_name(f"{_name_prefix(plan_path, kind)}{stamp}")
    target, n = base, 1
    while target.exists() or journal_path(target).exists():
        n += 1
        target = base.with_name(f"{base.name}-{n}")
    return target


def make_backup(store, kind: str, *, keep: int | None = None, exact: bool = False) -> Path:
    """Copy ``store``'s file to a new backup and prune old ones of ``kind``.  The copy goes through
    SQLite's backup API, or byte for byte under a read lock when ``exact`` (before a migration)."""
    from .errors import FileError
    from .safe_write import sweep_stale_temps

    sweep_stale_temps(store.path, family=True)      # what killed writers of this plan left behind
    for _attempt in range(20):
        target = free_backup_path(store.path, kind)
        try:
            if exact:
                _byte_copy(store, target)
            else:
                store.save_copy(target, replace=False)
            break
        except FileError:
            if not target.exists():
                raise
    else:   # pragma: no cover - 20 names taken within a second by other processes
        raise FileError(f"Cadangan berkas {store.path.name} tidak dapat dibuat (nama cadangan terus terpakai). "
                        "Coba lagi sebentar lagi.")
    if keep is not None:
        prune_backups(store.path, kind, keep)
    return target


def _byte_copy(store, target: Path) -> None:
    from .safe_write import new_file

    with new_file(target, replace=False, private=True) as tmp:
        store.conn.execute("BEGIN")
        try:
            store.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()   # holds SQLite's read lock
            shutil.copyfile(store.path, tmp)
        finally:
            store.conn.execute("COMMIT")


def backups_of(plan_path: str | Path, kind: str) -> list[Path]:
    """The backups of ``kind``, oldest first."""
    plan_path = Path(plan_path)
    pattern = re.compile(re.escape(_name_prefix(plan_path, kind)) + r"(\d{8}-\d{6})(?:-(\d+))?$")
    found = []
    for path in plan_path.parent.iterdir():
        match = pattern.match(path.name)
        if match and path.is_file():
            found.append(((match.group(1), int(match.group(2) or 1)), path))
    return [p for _, p in sorted(found)]


def prune_backups(plan_path: str | Path, kind: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups of ``kind`` (at least one is always kept)."""
    old = backups_of(plan_path, kind)[:-max(1, keep)]
    for path in old:
        with contextlib.suppress(OSError):
            path.unlink()
    return old
