"""Backup copies of a plan: the day's first, those before risky steps, and those asked for.

- **The day's backup** (``harian``): on the first open of each day by the window or a writing
  command, in the backup folder of this installation (:mod:`.backup_settings`: a folder the user
  sees, often copied to a USB stick), rotated: the newest of each of the last N days and, older
  than those, the newest of each of M weeks.
- **Before a risky step** (``gabung`` merge, ``skemaN`` migration, ``muat`` JSON load, ``pulih``
  restore, ``konflik`` conflict decisions, ``rusak`` a damaged file replaced by a restore): beside
  the plan, where a copy can always be written (the plan's folder is writable, or the step could
  not run) even when the USB stick is out; the newest ``backups_kept`` (a plan setting) of each kind.
- **On request** (``manual``): ``renstra-desktop backup FILE [-o DIR]``, never rotated.

Names: ``<plan>.cadangan-<kind>-<YYYYmmdd-HHMMSS>[-n]`` in this computer's local time (sortable; two
backups in the same second get different names).  Every copy is built under a temporary name with
mode 0600 and published without overwriting, never beside a journal that is not its own.

The copy goes through SQLite's backup API (:func:`.store.copy_database`), not ``VACUUM INTO``: both
give a consistent snapshot while the window has the file open (each reads under SQLite's own lock;
a byte copy made in the window's process would even drop that lock, POSIX locks being per process),
but VACUUM INTO rebuilds every table and index: 6.2x a raw byte copy against 2.4x on a 112 MB file,
for a file no smaller (plans delete nothing, so they have no free pages) (bench/backup.py).
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import FileError
from .journal import journal_path

DAILY, MANUAL, LOAD, RESTORE, CONFLICT, DAMAGED, MERGE = "harian", "manual", "muat", "pulih", "konflik", "rusak", \
    "gabung"
INFIX = ".cadangan-"
STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<plan>.+)\.cadangan-(?P<kind>[a-z]+\d*)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?$")

log = logging.getLogger(__name__)


class PlanDamaged(FileError):
    """The copy of the plan failed PRAGMA quick_check: no backup was made."""


_notice: Callable[[str], None] | None = None


@dataclass(frozen=True)
class BackupName:
    """What a backup's name says: the plan's file name, the kind, when it was made (local time)."""
    plan_name: str
    kind: str
    made: _dt.datetime
    n: int


def parse_name(name: str) -> BackupName | None:
    match = _NAME.match(name)
    if not match:
        return None
    try:
        made = _dt.datetime.strptime(match["stamp"], STAMP)
    except ValueError:
        return None
    return BackupName(match["plan"], match["kind"], made, int(match["n"] or 1))


def _name_prefix(plan_path: Path, kind: str) -> str:
    return f"{plan_path.name}{INFIX}{kind}-"


def free_backup_path(plan_path: str | Path, kind: str, folder: str | Path | None = None) -> Path:
    """A name no file (and no journal) has yet, in ``folder`` (default: beside the plan); a
    concurrent writer that takes it first makes the no-clobber publish fail, and the caller asks again."""
    plan_path = Path(plan_path)
    stamp = _dt.datetime.now().strftime(STAMP)
    base = Path(folder or plan_path.parent) / f"{_name_prefix(plan_path, kind)}{stamp}"
    target, n = base, 1
    while target.exists() or journal_path(target).exists():
        n += 1
        target = base.with_name(f"{base.name}-{n}")
    return target


def make_backup(store, kind: str, *, keep: int | None = None, exact: bool = False,
                folder: str | Path | None = None, check: bool = False, pages: int = -1) -> Path:
    """Copy ``store``'s file to a new backup in ``folder`` (default: beside the plan) and keep the
    newest ``keep`` of ``kind``.  Through SQLite's backup API, or byte for byte under a read lock when
    ``exact`` (before a migration).  ``check`` runs PRAGMA quick_check on the copy before it is
    published: a damaged plan gives no backup (FileError) instead of one that would push a sound one
    out of the rotation.  ``pages``: see :func:`.store.copy_database`."""
    from .safe_write import new_file, sweep_stale_temps
    from .store import copy_database

    sweep_stale_temps(store.path, family=True)      # what killed writers of this plan left behind
    if folder is not None:
        sweep_stale_temps(Path(folder) / store.path.name, family=True)
    for _attempt in range(20):
        target = free_backup_path(store.path, kind, folder)
        try:
            if exact:
                _byte_copy(store, target)
            else:
                with new_file(target, replace=False, private=True,
                              hint="Pilih folder cadangan lain atau kosongkan ruang disk.") as tmp:
                    copy_database(store.conn, tmp, store.path, pages)
                    if check:
                        _check_copy(tmp, store.path)
            break
        except FileError:
            if not target.exists():
                raise
    else:   # pragma: no cover - 20 names taken within a second by other processes
        raise FileError(f"Cadangan berkas {store.path.name} tidak dapat dibuat (nama cadangan terus terpakai). "
                        "Coba lagi sebentar lagi.")
    if keep is not None:
        prune_backups(store.path, kind, keep, folder)
    return target


def _check_copy(copy: Path, plan_path: Path) -> None:
    from .integrity import count_problems
    from .store import readonly_uri

    reader = sqlite3.connect(readonly_uri(copy), uri=True)
    try:
        problems = count_problems(reader.execute("PRAGMA quick_check(100)"))
    except sqlite3.DatabaseError:
        problems = 1
    finally:
        reader.close()
    if problems:
        raise PlanDamaged(f"Berkas {plan_path.name} rusak (pemeriksaan integritas menemukan {problems} masalah); "
                        "cadangan tidak dibuat dan cadangan yang ada tidak disentuh. Pulihkan dari cadangan yang "
                        f"utuh: renstra-desktop backup list {plan_path.name}")


def _byte_copy(store, target: Path) -> None:
    from .safe_write import new_file

    with new_file(target, replace=False, private=True) as tmp:
        store.conn.execute("BEGIN")
        try:
            store.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()   # holds SQLite's read lock
            shutil.copyfile(store.path, tmp)
        finally:
            store.conn.execute("COMMIT")


def backups_of(plan_path: str | Path, kind: str, folder: str | Path | None = None) -> list[Path]:
    """The backups of ``kind`` in ``folder`` (default: beside the plan), oldest first."""
    plan_path = Path(plan_path)
    folder = Path(folder or plan_path.parent)
    found = []
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        return []
    for name in names:
        parsed = parse_name(name)
        if parsed and parsed.plan_name == plan_path.name and parsed.kind == kind and (folder / name).is_file():
            found.append(((parsed.made, parsed.n), folder / name))
    return [p for _, p in sorted(found)]


def prune_backups(plan_path: str | Path, kind: str, keep: int, folder: str | Path | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` backups of ``kind`` (at least one is always kept)."""
    old = backups_of(plan_path, kind, folder)[:-max(1, keep)]
    _remove(old)
    return old


def _remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def backup_before_step(store, kind: str, *, series_minutes: float = 0) -> Path | None:
    """The backup before a risky step, beside the plan, the newest ``backups_kept`` of ``kind`` kept.
    With ``series_minutes``, a backup of ``kind`` made less than that long ago stands for the whole
    series (conflicts decided one after another): none is made, None is returned."""
    from .settings import load_settings

    if series_minutes:
        latest = backups_of(store.path, kind)
        made = parse_name(latest[-1].name).made if latest else None
        if made is not None and _dt.timedelta(0) <= _dt.datetime.now() - made < _dt.timedelta(minutes=series_minutes):
            return None
    return make_backup(store, kind, keep=load_settings(store.conn).backups_kept)


# -- the day's backup ---------------------------------------------------------------------------
def daily_due(plan_path: str | Path, folder: str | Path, today: _dt.date | None = None) -> bool:
    """No day's backup of this plan made today (this computer's date) in ``folder``."""
    today = today or _dt.date.today()
    return not any(parse_name(p.name).made.date() == today for p in backups_of(plan_path, DAILY, folder))


def daily_kept(made: list[_dt.datetime], daily: int, weekly: int) -> set[_dt.datetime]:
    """Which of the day's backups made at ``made`` are kept: the newest of each of the ``daily`` most
    recent days, then the newest of each of ``weekly`` earlier ISO weeks (weeks without a day kept)."""
    newest_first = sorted(made, reverse=True)
    kept, days = set(), set()
    for moment in newest_first:
        if len(days) < daily and moment.date() not in days:
            days.add(moment.date())
            kept.add(moment)
    weeks = {d.isocalendar()[:2] for d in days}
    first_weeks = len(weeks)
    for moment in newest_first:
        week = moment.isocalendar()[:2]
        if len(weeks) - first_weeks == weekly:
            break
        if week not in weeks and moment.date() < min(days):
            weeks.add(week)
            kept.add(moment)
    return kept


def rotate_daily(plan_path: str | Path, folder: str | Path, daily: int, weekly: int) -> list[Path]:
    """Delete the day's backups of this plan in ``folder`` that :func:`daily_kept` does not keep."""
    found = {}
    for path in backups_of(plan_path, DAILY, folder):
        parsed = parse_name(path.name)
        found.setdefault(parsed.made, []).append(path)       # two in one second: the newest stands
    kept = daily_kept(list(found), daily, weekly)
    old = [p for moment, paths in found.items() for p in (paths if moment not in kept else paths[:-1])]
    _remove(old)
    return old


def make_daily_backup(store, settings=None, *, today: _dt.date | None = None, pages: int = -1) -> Path | None:
    """The day's backup of ``store``'s plan if none was made today (None otherwise), then the rotation.
    FileError when the folder is missing or read-only or the plan is damaged; nothing is written then."""
    from .backup_settings import backup_folder, check_folder, is_default_folder, load_backup_settings

    settings = settings if settings is not None else load_backup_settings()
    folder = backup_folder(settings)
    if not daily_due(store.path, folder, today):
        return None
    if is_default_folder(folder):                     # the user's Documents: made on first use
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
    check_folder(folder)                              # a chosen folder (a USB stick) is never created
    made = make_backup(store, DAILY, folder=folder, check=True, pages=pages)
    rotate_daily(store.path, folder, settings.daily, settings.weekly)
    log.info("day's backup of %s: %s", store.path, made)
    return made


def set_notice(notice: Callable[[str], None] | None) -> None:
    """Where a failed day's backup is told (the command line: stderr; default: the log only)."""
    global _notice
    _notice = notice


def daily_backup_on_open(store) -> Path | None:
    """The day's backup for a writing command (Store.open calls it); never stops the command.  A folder
    that cannot be written is told through the notice; a damaged plan only in the log (the command's
    own check before writing says it is damaged, in one line)."""
    try:
        return make_daily_backup(store)
    except FileError as exc:
        log.info("no day's backup of %s: %s", store.path, exc)
        if _notice is not None and not isinstance(exc, PlanDamaged):
            _notice(f"Cadangan harian tidak dibuat: {exc.message}")
    except (OSError, sqlite3.Error) as exc:
        log.info("no day's backup of %s: %r", store.path, exc)
    return None
