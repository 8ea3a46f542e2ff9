"""The backups of a plan as a user chooses among them: when, which kind, how big, which unit, how many
rows, and why one cannot be restored.  Read through read-only opens; nothing is written.

They are found in this installation's backup folder (the day's and manual backups) and beside the plan
(the risky steps' backups, and those left by earlier versions), newest first.
"""
from __future__ import annotations

import datetime as _dt
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .backups import BackupName, parse_name
from .errors import FileError
from .localtime import format_datetime
from .schema import PLAN_TABLES

KIND_LABELS = {
    "harian": "harian", "manual": "manual", "gabung": "sebelum penggabungan paket",
    "muat": "sebelum memuat JSON", "pulih": "sebelum pemulihan", "konflik": "sebelum keputusan konflik",
    "rusak": "berkas rusak yang diganti",
}


def format_size(size: int) -> str:
    """'0,6 MB', '112,6 MB', '12 kB' (Indonesian decimal comma)."""
    from .numbers import format_number

    if size < 100_000:
        return f"{format_number(size / 1000, 0)} kB"
    return f"{format_number(size / 1_000_000, 1)} MB"


def kind_label(kind: str) -> str:
    if kind.startswith("skema") and kind[5:].isdigit():
        return f"sebelum pembaruan skema {kind[5:]}"
    return KIND_LABELS.get(kind, kind)


@dataclass
class BackupInfo:
    """One backup; ``problem`` (one Indonesian line) says why it cannot be restored, else None."""
    path: Path
    kind: str
    made: _dt.datetime                  # this computer's local time, from the name
    size: int
    unit_code: str | None = None
    unit_name: str | None = None
    schema_version: int | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    problem: str | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())

    def as_json(self, zone=None) -> dict:
        return {"path": str(self.path), "kind": self.kind, "kind_label": kind_label(self.kind),
                "made": self.made.isoformat(timespec="seconds"), "made_shown": format_datetime(self.made, zone),
                "size": self.size, "unit_code": self.unit_code, "unit_name": self.unit_name,
                "schema_version": self.schema_version, "row_counts": self.row_counts, "problem": self.problem}


def find_backups(plan_path: str | os.PathLike, folder: str | os.PathLike | None = None) -> list[tuple[Path, BackupName]]:
    """Every backup of the plan in ``folder`` and beside the plan, newest first (names only, no reads)."""
    plan_path = Path(plan_path)
    folders = [Path(folder)] if folder is not None else []
    if not any(_same_folder(f, plan_path.parent) for f in folders):
        folders.append(plan_path.parent)
    found = []
    for where in folders:
        try:
            names = os.listdir(where)
        except OSError:
            continue
        for name in names:
            parsed = parse_name(name)
            if parsed is not None and parsed.plan_name == plan_path.name and (where / name).is_file():
                found.append((where / name, parsed, _mtime(where / name)))
    found.sort(key=lambda item: (item[1].made, item[1].n, item[2]), reverse=True)   # names tie within a second
    return [(path, parsed) for path, parsed, _ in found]


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def inspect_backup(path: str | os.PathLike, parsed: BackupName | None = None) -> BackupInfo:
    """What a backup holds, through a read-only open (identity and exact schema, no integrity scan)."""
    from .sqlite_errors import database_error_message
    from .store import Store

    path = Path(path)
    parsed = parsed or parse_name(path.name)
    try:
        size = path.stat().st_size
        made = parsed.made if parsed else _dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        size, made = 0, _dt.datetime.fromtimestamp(0)
    info = BackupInfo(path, parsed.kind if parsed else "", made, size)
    try:
        with Store.open(path, readonly=True) as store:
            conn = store.conn
            info.schema_version = store.schema_version
            info.unit_code = store.unit_code
            row = conn.execute("SELECT name FROM unit WHERE code = ?", (info.unit_code,)).fetchone()
            info.unit_name = row[0] if row else None
            present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            info.row_counts = {t: store.count(t) for t in PLAN_TABLES if t in present}
    except FileError as exc:
        info.problem = exc.message
    except sqlite3.Error as exc:
        info.problem = database_error_message(exc, path)
    return info


def list_backups(plan_path: str | os.PathLike, folder: str | os.PathLike | None = None,
                 progress: Callable[[int, str], None] | None = None) -> list[BackupInfo]:
    """:func:`find_backups`, each inspected; ``progress(percent, text)`` after each one."""
    found = find_backups(plan_path, folder)
    infos = []
    for i, (path, parsed) in enumerate(found, 1):
        infos.append(inspect_backup(path, parsed))
        if progress is not None:
            progress(100 * i // len(found), path.name)
    return infos
