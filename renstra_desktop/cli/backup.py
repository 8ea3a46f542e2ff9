"""backup, backup list, restore: copies of a plan and their return (core/backups.py, core/restore.py)."""
from __future__ import annotations

import json
from pathlib import Path

from ..core.backup_list import format_size, kind_label, list_backups
from ..core.backup_settings import backup_folder, check_folder, is_default_folder
from ..core.backups import MANUAL, make_backup
from ..core.errors import FileError, RenstraError
from ..core.localtime import format_datetime, office_zone, zone_of
from ..core.numbers import format_number
from ..core.restore import restore_backup
from ..core.store import Store

LIST = "list"


def register(sub) -> None:
    p = sub.add_parser("backup", help="buat cadangan berkas rencana; 'backup list FILE' mendaftar cadangannya",
                       description="renstra-desktop backup FILE [-o DIR]: cadangan sekarang, di folder cadangan "
                                   "instalasi ini atau di DIR.  renstra-desktop backup list FILE [--json]: cadangan "
                                   "berkas itu (folder cadangan dan di samping berkas), terbaru dahulu.")
    p.add_argument("file", metavar="FILE|list")
    p.add_argument("listed", nargs="?", metavar="FILE", help="(backup list) berkas rencana yang cadangannya didaftar")
    p.add_argument("-o", "--output", metavar="DIR", help="folder cadangan (bawaan: Pengaturan → Cadangan)")
    p.add_argument("--json", action="store_true", help="(backup list) keluaran JSON")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="pulihkan berkas rencana dari cadangan (keadaan sekarang dicadangkan dulu)")
    p.add_argument("backup", metavar="BACKUP")
    p.add_argument("file")
    p.add_argument("--force", action="store_true",
                   help="pulihkan juga cadangan satker lain, atau ganti berkas yang tidak dikenali sebagai rencana")
    p.set_defaults(handler=cmd_restore)


def _folder(args) -> Path:
    if args.output:
        return Path(args.output)
    folder = backup_folder()
    if is_default_folder(folder):
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def cmd_backup(args) -> int:
    if args.file == LIST and args.listed:
        return cmd_list(args)
    if args.listed:
        raise FileError(f"Argumen tidak dikenal: {args.listed}. Pemakaian: renstra-desktop backup FILE [-o DIR] atau "
                        "renstra-desktop backup list FILE.")
    if args.json:
        raise FileError("--json hanya untuk: renstra-desktop backup list FILE --json")
    with Store.open(args.file, readonly=True) as store:
        folder = check_folder(_folder(args))
        path = make_backup(store, MANUAL, folder=folder, check=True)
        unit = store.unit_code
    print(f"Cadangan dibuat: {path} ({format_size(path.stat().st_size)}, satker {unit})")
    return 0


def _plan_zone_and_unit(plan: Path):
    """The plan's office zone and unit, or the default zone and None when it cannot be opened."""
    try:
        with Store.open(plan, readonly=True) as store:
            return zone_of(store.conn), store.unit_code
    except RenstraError:
        return office_zone(), None


def cmd_list(args) -> int:
    plan = Path(args.listed)
    if plan.is_dir():
        raise FileError(f"{plan} adalah folder. Sebutkan berkas rencana (.renstra) yang cadangannya didaftar.")
    folder = Path(args.output) if args.output else backup_folder()
    zone, unit = _plan_zone_and_unit(plan)
    infos = list_backups(plan, folder)
    if args.json:
        print(json.dumps({"plan": str(plan), "folder": str(folder), "plan_unit": unit,
                          "backups": [i.as_json(zone) for i in infos]}, ensure_ascii=False, indent=1))
        return 0
    if not infos:
        print(f"Belum ada cadangan {plan.name} di {folder} atau di samping berkasnya.")
        return 0
    print(f"Cadangan {plan.name} (terbaru dahulu; folder cadangan: {folder}):")
    for info in infos:
        rows = f"{format_number(info.total_rows, 0)} baris" if info.row_counts else "-"
        other = " (satker lain)" if unit and info.unit_code and info.unit_code != unit else ""
        print(f"  {format_datetime(info.made, zone):<34} {kind_label(info.kind):<28} {format_size(info.size):>9}  "
              f"{(info.unit_code or '-') + other:<22} {rows:>13}")
        print(f"      {info.path}")
        if info.problem:
            print(f"      tidak dapat dipulihkan: {info.problem}")
    return 0


def cmd_restore(args) -> int:
    result = restore_backup(args.backup, args.file, force=args.force)
    print(f"Berkas {result.plan} dipulihkan dari {result.backup.name} (satker {result.unit_code}).")
    if result.previous is not None:
        print(f"Keadaan sebelumnya disimpan: {result.previous}")
    return 0
