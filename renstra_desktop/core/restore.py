"""Restore a plan from a backup: ``renstra-desktop restore BACKUP FILE`` and Berkas → Pulihkan dari
cadangan.

In this order, so that a refusal writes nothing and a kill -9 at any moment leaves the plan as it
was or as restored, and every earlier backup untouched:

1. the backup is opened read-only (identity, schema version, exact schema) and checked whole
   (PRAGMA integrity_check and text that is not UTF-8);
2. the plan's writer lock is taken (another command waits or is waited for) and no window may have
   the plan open (:mod:`.open_marker`);
3. the current file is identified: a plan of another unit is refused unless ``force``; a file that
   is not a plan at all is refused (a package always, anything else unless ``force``);
4. the current file is backed up beside itself (``pulih``; a file too damaged to open is copied byte
   for byte as ``rusak``, with the journal an interrupted write left, so nothing of it is lost and
   the restored file never sits beside a journal that is not its own);
5. the backup is copied under a temporary name next to the plan (SQLite's backup API), checked with
   PRAGMA quick_check, and published over the plan in one rename.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from . import file_lock, open_marker
from .backups import DAMAGED, RESTORE, PlanDamaged, _check_copy, backup_before_step, free_backup_path
from .errors import FileBusy, FileError
from .journal import journal_path
from .os_errors import SPECIAL_FILE, os_reason
from .safe_write import create_private, new_file, publish, remove_temp, sweep_stale_temps, temp_path
from .store import APPLICATION_ID, PACKAGE_APPLICATION_ID, SQLITE_HEADER, Store, copy_database


@dataclass(frozen=True)
class RestoreResult:
    plan: Path
    backup: Path
    unit_code: str
    previous: Path | None           # the backup of the file as it was (None: there was no file)
    previous_unit: str | None       # its unit, when it could be read


def restore_backup(backup: str | os.PathLike, plan: str | os.PathLike, *, force: bool = False) -> RestoreResult:
    """Replace ``plan`` with ``backup`` (see the module docstring); FileError, one Indonesian line,
    with nothing written when anything is wrong."""
    backup, plan = Path(backup), Path(plan)
    _check_place(plan)
    if plan.exists() and _same_file(backup, plan):
        raise FileError(f"Cadangan dan berkas tujuan sama ({plan.name}); tidak ada yang diubah. Pilih berkas "
                        "cadangan.")
    with Store.open(backup, readonly=True) as source:
        unit = source.unit_code
        report = source.check_integrity()
        if not report.ok:
            raise FileError(f"Tidak dipulihkan: {report.message}")
        with file_lock.plan_lock(plan, "renstra-desktop restore"), open_marker.no_window(plan):
            previous_unit, damaged = _current_unit(plan, force)
            if previous_unit is not None and previous_unit != unit and not force:
                raise FileError(
                    f"Cadangan {backup.name} milik satker {unit}, sedangkan berkas {plan.name} milik satker "
                    f"{previous_unit}; tidak ada yang diubah. Pilih cadangan satker {previous_unit}, atau ulangi "
                    "dengan --force bila berkas itu memang harus diganti.")
            previous = _keep_current(plan, damaged)
            _replace(source, plan)
    return RestoreResult(plan, backup, unit, previous, previous_unit)


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _check_place(plan: Path) -> None:
    """The plan's folder exists and can be written; the plan, if there, is a regular file."""
    folder = plan.parent
    if not folder.is_dir():
        raise FileError(f"Folder {folder} tidak ada; tidak ada yang diubah. Periksa nama foldernya.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FileError(f"Folder {folder} hanya-baca (tidak ada izin menulis); tidak ada yang diubah. Pulihkan ke "
                        "folder yang dapat ditulis.")
    if plan.is_dir():
        raise FileError(f"{plan} adalah folder, bukan berkas rencana; tidak ada yang diubah. Sebutkan berkas "
                        ".renstra yang dipulihkan.")
    if plan.exists() and not _is_regular(plan):
        raise FileError(f"{plan} {SPECIAL_FILE}; tidak ada yang diubah. Sebutkan berkas .renstra yang dipulihkan.")


def _header(plan: Path) -> bytes:
    try:
        with plan.open("rb") as fh:
            return fh.read(100)
    except OSError as exc:
        raise FileError(f"Berkas {plan.name} tidak dapat dibaca ({os_reason(exc)}); tidak ada yang diubah.") from None


def _current_unit(plan: Path, force: bool) -> tuple[str | None, bool]:
    """(the current file's unit or None, whether it is too damaged to open).  No SQLite connection of
    this process is open on the plan when this returns (a byte copy may follow)."""
    if not plan.exists():
        return None, False
    try:
        with Store.open(plan, readonly=True) as current:
            return current.unit_code, False
    except FileBusy:
        raise
    except FileError as exc:
        reason = exc.message
    header = _header(plan)
    app_id = int.from_bytes(header[68:72], "big") if len(header) >= 72 else None
    if header.startswith(SQLITE_HEADER) and app_id == PACKAGE_APPLICATION_ID:
        raise FileError(f"Berkas {plan.name} adalah paket satker, bukan berkas rencana; tidak diganti dan tidak ada "
                        "yang diubah. Sebutkan berkas .renstra yang dipulihkan.")
    if not (header.startswith(SQLITE_HEADER) and app_id == APPLICATION_ID) and not force:
        raise FileError(f"Berkas {plan.name} tidak dikenali sebagai berkas rencana ({reason.rstrip('.')}); tidak diganti "
                        "dan tidak ada yang diubah. Bila itu berkas rencana yang rusak total, ulangi dengan --force "
                        "(berkas itu disalin dulu sebagai cadangan).")
    return _unit_of_damaged(plan), True


def _unit_of_damaged(plan: Path) -> str | None:
    """The unit recorded in a file the open checks refuse, read as it is (no journal, no lock), if it can be."""
    from .store import readonly_uri

    try:
        conn = sqlite3.connect(readonly_uri(plan) + "&immutable=1", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'installation_unit'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row and isinstance(row[0], str) else None


def _keep_current(plan: Path, damaged: bool) -> Path | None:
    """The backup of the current file beside it (see the module docstring, step 4)."""
    if not plan.exists():
        return None
    if not damaged:
        with Store.open(plan, readonly=True) as current:
            return backup_before_step(current, RESTORE)
    sweep_stale_temps(plan, family=True)
    target = free_backup_path(plan, DAMAGED)
    with new_file(target, replace=False, private=True) as tmp:
        shutil.copyfile(plan, tmp)
    if journal_path(plan).exists():
        try:
            os.rename(journal_path(plan), journal_path(target))
        except OSError as exc:
            raise FileError(f"{journal_path(plan).name} tidak dapat dipindahkan ({os_reason(exc)}); berkas tidak "
                            f"diganti (salinannya: {target.name}).") from None
    return target


def _replace(source: Store, plan: Path) -> None:
    """Copy ``source`` next to ``plan``, check the copy, publish it over ``plan`` in one rename."""
    tmp = temp_path(plan)
    try:
        create_private(tmp)
        copy_database(source.conn, tmp, source.path)
        _check_copy(tmp, source.path)
        publish(tmp, plan, replace=True)
    except PlanDamaged:
        remove_temp(tmp)
        raise FileError(f"Salinan cadangan {source.path.name} di samping {plan.name} tidak utuh (kesalahan media?); "
                        f"{plan.name} tidak diganti. Periksa disknya lalu ulangi.") from None
    except OSError as exc:
        remove_temp(tmp)
        raise FileError(f"Berkas {plan.name} tidak dapat ditulis ({os_reason(exc)}); tidak diganti. Kosongkan ruang "
                        "disk atau periksa medianya, lalu ulangi.") from None
    except BaseException:
        remove_temp(tmp)
        raise
