"""audit: the tamper-evident history (issue 9 §4).

    renstra-desktop audit verify FILE [--json]          0: everything agrees; 1: each disagreement named
    renstra-desktop audit log FILE [--row ID] [--json]  the trail (times in the office's zone)
    renstra-desktop audit accept FILE --reason TEXT     an administrator accepts what verify found
"""
from __future__ import annotations

import json
import sys

from ..core.store import Store
from .console import is_unicode


def register(sub) -> None:
    p = sub.add_parser("audit", help="riwayat perubahan: periksa rantai hash, tampilkan, terima perubahan luar")
    verbs = p.add_subparsers(dest="verb", metavar="PERINTAH", required=True)
    v = verbs.add_parser("verify", help="periksa apakah berkas atau riwayatnya diubah di luar aplikasi")
    v.add_argument("file", metavar="FILE")
    v.add_argument("--json", action="store_true", help="hasil sebagai JSON")
    v.set_defaults(handler=cmd_verify)
    lg = verbs.add_parser("log", help="tampilkan riwayat perubahan (semua, atau satu baris)")
    lg.add_argument("file", metavar="FILE")
    lg.add_argument("--row", metavar="ID", help="hanya riwayat baris dengan id ini")
    lg.add_argument("--json", action="store_true", help="hasil sebagai JSON")
    lg.set_defaults(handler=cmd_log)
    a = verbs.add_parser("accept", help="(admin) terima perubahan di luar aplikasi yang ditemukan verify, "
                                        "dengan alasan")
    a.add_argument("file", metavar="FILE")
    a.add_argument("--reason", required=True, metavar="TEXT", help="alasan, misalnya nomor berita acara")
    a.set_defaults(handler=cmd_accept)


def _write_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=not is_unicode(sys.stdout), indent=1) + "\n")


def cmd_verify(args) -> int:
    from ..core.audit_chain import verify

    with Store.open(args.file, readonly=True) as store:
        verdict = verify(store.conn)
    if args.json:
        _write_json({"file": str(args.file), "ok": verdict.ok, "entries": verdict.entries, "rows": verdict.rows,
                     "findings": [f.as_dict() for f in verdict.findings]})
    elif verdict.ok:
        print(f"Riwayat utuh: {verdict.entries} entri berantai, {verdict.rows} baris cocok dengan riwayatnya.")
    else:
        print(f"{len(verdict.findings)} perubahan di luar aplikasi ditemukan:")
        for f in verdict.findings:
            print("  " + f.line())
        print("Pulihkan dari cadangan (renstra-desktop restore) atau minta admin menerimanya "
              "(renstra-desktop audit accept FILE --reason …).")
    return 0 if verdict.ok else 1


def cmd_log(args) -> int:
    from ..core.audit import audit_entries
    from ..core.localtime import format_datetime, zone_of

    with Store.open(args.file, readonly=True) as store:
        zone = zone_of(store.conn)
        keys = ("seq", "at", "actor", "unit_code", "table_name", "row_id", "action", "field", "old_value",
                "new_value", "origin")
        rows = [{k: e[k] for k in keys} for e in audit_entries(store.conn, args.row)]   # a row's: its compact insert too
    for r in rows:
        r["when"] = format_datetime(r["at"], zone)
    if args.json:
        _write_json({"file": str(args.file), "entries": rows})
        return 0
    for r in rows:
        what = r["action"] + (f" {r['field']}" if r["field"] else "")
        change = ""
        if r["field"]:
            change = f": {_short(r['old_value'])} → {_short(r['new_value'])}"
        elif r["row_id"] == "*" and r["new_value"]:        # a package's rows in one compact entry
            change = f": {json.loads(r['new_value']).get('baris', '?')} baris"
        print(f"#{r['seq']} {r['when']} {r['actor']} ({r['unit_code']}) {r['table_name']} {r['row_id']} {what}"
              f"{change} [asal: {r['origin']}]")
    if not rows:
        print("Tidak ada entri riwayat" + (f" untuk baris {args.row}." if args.row else "."))
    return 0


def _short(value) -> str:
    if value is None:
        return "(kosong)"
    return value if len(value) <= 60 else value[:57] + "…"


def cmd_accept(args) -> int:
    from ..core.audit import accept_outside_changes
    from ..core.newplan import current_user

    with Store.open(args.file) as store:
        accepted = accept_outside_changes(store, actor=current_user(), reason=args.reason)
    if accepted:
        print(f"{accepted} perubahan di luar aplikasi diterima dan dicatat di riwayat dengan alasannya.")
    else:
        print("Tidak ada perubahan di luar aplikasi; tidak ada yang perlu diterima.")
    return 0
