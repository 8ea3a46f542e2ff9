"""Plan file commands: init, info, dump, load."""
from __future__ import annotations

import json
import sys

from ..core import plan_json
from .console import is_unicode
from ..core.newplan import create_plan, create_plan_file, current_user, read_source
from ..core.plan_profile import load_profile
from ..core.schema import PLAN_TABLES
from ..core.store import APPLICATION_ID, Store


def register(sub) -> None:
    p = sub.add_parser("init", help="buat berkas rencana baru (bawaan: Renstra NTB; --from buku kerja atau JSON)")
    p.add_argument("file")
    p.add_argument("--unit", default="KANWIL", help="kode satker (bawaan: KANWIL)")
    p.add_argument("--from", dest="source", metavar="PLAN.xlsx|PLAN.json",
                   help="templat rencana yang sudah diisi (export-xlsx --template rencana) atau JSON rencana (dump)")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("info", help="identitas berkas, versi skema, satker, jumlah baris")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_info)

    p = sub.add_parser("dump", help="seluruh rencana sebagai JSON ke stdout")
    p.add_argument("file")
    p.set_defaults(handler=cmd_dump)

    p = sub.add_parser("load", help="muat rencana dari JSON: semua atau tidak sama sekali")
    p.add_argument("file")
    p.add_argument("plan_json", metavar="PLAN.json")
    p.add_argument("--dry-run", action="store_true", help="periksa saja, jangan simpan")
    p.add_argument("--force", action="store_true",
                   help="timpa juga baris yang di berkas lebih baru daripada di JSON (dicatat di jejak audit)")
    p.set_defaults(handler=cmd_load)


def cmd_init(args) -> int:
    if args.source is None:
        store = create_plan_file(args.file, args.unit.upper())
    else:
        plan = read_source(args.source)
        store = create_plan(args.file, plan, args.unit.upper())
    with store:
        profile = load_profile(store.conn)
        print(f"Berkas rencana dibuat: {args.file} (satker {store.unit_code}; {profile.name}, "
              f"Renstra {profile.span_label})")
    return 0


def file_info(store: Store) -> dict:
    return {
        "file": str(store.path),
        "application_id": APPLICATION_ID,
        "schema_version": store.schema_version,
        "app_version": store.meta("app_version"),
        "installation_unit": store.unit_code,
        "units": [{"code": r["code"], "name": r["name"]} for r in
                  store.conn.execute("SELECT code, name FROM unit WHERE deleted = 0 ORDER BY seq")],
        "row_counts": {t: store.count(t) for t in PLAN_TABLES},
        "tombstones": {t: store.count(t, include_deleted=True) - store.count(t) for t in PLAN_TABLES},
    }


def cmd_info(args) -> int:
    with Store.open(args.file, readonly=True) as store:
        info = file_info(store)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=1))
        return 0
    print(f"Berkas        : {info['file']}")
    print(f"Skema         : versi {info['schema_version']} (aplikasi {info['app_version']})")
    print(f"Satker berkas : {info['installation_unit']}")
    print("Satker        : " + ", ".join(u["code"] for u in info["units"]))
    for table, n in info["row_counts"].items():
        print(f"  {table:<20} {n:>6}")
    return 0


def cmd_dump(args) -> int:
    with Store.open(args.file, readonly=True) as store:
        data = plan_json.dump_plan(store)
    if is_unicode(sys.stdout):
        sys.stdout.write(plan_json.dumps(data))
    else:    # a Windows code page: JSON's own \u escapes keep every character
        sys.stdout.write(json.dumps(data, ensure_ascii=True, indent=1) + "\n")
    return 0


def cmd_load(args) -> int:
    data = plan_json.read_json_file(args.plan_json)
    report = plan_json.load_plan(args.file, data, actor=current_user(), dry_run=args.dry_run, force=args.force)
    total = {k: sum(r[k] for r in report.values()) for k in ("inserted", "updated", "unchanged", "older", "forced")}
    prefix = "Uji coba (tidak disimpan)" if args.dry_run else "Dimuat"
    forced = (f" {total['forced']} di antaranya menimpa nilai berkas yang lebih baru (--force, dicatat di jejak "
              "audit).") if total["forced"] else ""
    older = (f" {total['older']} baris JSON lebih lama dan tidak diubah di JSON: nilai berkas yang lebih baru "
             "dipertahankan.") if total["older"] else ""
    print(f"{prefix}: {total['inserted']} baru, {total['updated']} diubah, {total['unchanged']} tetap.{older}{forced}")
    return 0
