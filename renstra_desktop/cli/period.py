"""The period workflow from the command line (issue 9 section 2; docs/period-workflow.md):
``period status|submit|return|verify|approve|unlock``.  Each command is a thin wrapper over one
core call (:mod:`renstra_desktop.core.period_workflow`, the PlanService methods)."""
from __future__ import annotations

import json

from ..core.store import Store


def register(sub) -> None:
    p = sub.add_parser("period", help="alur verifikasi periode: ajukan, kembalikan, verifikasi, sahkan, buka kunci")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    a = s.add_parser("status", help="status verifikasi tiap satker dan periode")
    a.add_argument("file", metavar="FILE", help="berkas rencana (.renstra)")
    a.add_argument("--unit", help="hanya satker ini")
    a.add_argument("--period", help="satu periode: setiap satker, atau riwayat dan nilai yang diajukan (dengan --unit)")
    a.add_argument("--json", action="store_true", help="keluaran JSON")
    a.set_defaults(handler=cmd_status)

    a = s.add_parser("submit", help="ajukan periode satker berkas ini ke Kantor Wilayah")
    _common(a, unit_required=False)
    a.add_argument("--note", help="catatan (boleh kosong)")
    a.set_defaults(handler=cmd_step, step="submit")

    a = s.add_parser("return", help="kembalikan periode ke satker (Kanwil; catatan wajib)")
    _common(a)
    a.add_argument("--note", required=True, help="apa yang perlu diperbaiki")
    a.set_defaults(handler=cmd_step, step="return")

    for name, text in (("verify", "verifikasi periode yang diajukan (Kanwil)"),
                       ("approve", "sahkan periode yang diverifikasi (Kepala Kanwil): periode dikunci")):
        a = s.add_parser(name, help=text)
        _common(a)
        a.add_argument("--note", help="catatan (boleh kosong)")
        a.set_defaults(handler=cmd_step, step=name)

    a = s.add_parser("unlock", help="buka kunci periode yang disahkan (Kanwil; alasan wajib)")
    _common(a)
    a.add_argument("--reason", required=True, help="alasan membuka kunci")
    a.set_defaults(handler=cmd_step, step="unlock")


def _common(p, unit_required: bool = True) -> None:
    p.add_argument("file", metavar="FILE", help="berkas rencana (.renstra)")
    p.add_argument("--unit", required=unit_required,
                   help="kode satker" + ("" if unit_required else "; bawaan: satker berkas ini"))
    p.add_argument("--period", required=True, help="periode, mis. 2026, 2026-S1, 2026-TW3, 2026-05")


_DONE = {"submit": "diajukan", "return": "dikembalikan", "verify": "diverifikasi", "approve": "disahkan (dikunci)",
         "unlock": "dibuka kembali"}


def cmd_step(args) -> int:
    from ..core.newplan import current_user
    from ..core.service import PlanService

    with Store.open(args.file) as store:
        service = PlanService(store, actor=current_user())
        unit = (args.unit or store.unit_code).upper()
        calls = {"submit": lambda: service.submit(unit, args.period, note=args.note),
                 "return": lambda: service.return_(unit, args.period, note=args.note),
                 "verify": lambda: service.verify(unit, args.period, note=args.note),
                 "approve": lambda: service.approve(unit, args.period, note=args.note),
                 "unlock": lambda: service.unlock(unit, args.period, reason=args.reason)}
        calls[args.step]()
    print(f"Periode {args.period.strip().upper()} satker {unit} {_DONE[args.step]}.")
    return 0


def cmd_status(args) -> int:
    from ..core import period_workflow as wf
    from ..core.plan_profile import plan_years

    with Store.open(args.file, readonly=True) as store:
        conn = store.conn
        unit = wf.check_unit(conn, args.unit) if args.unit else None
        period = wf.check_period(args.period, plan_years(conn)) if args.period else None
        rows = [r for r in wf.overview(conn, period) if unit is None or r["unit_code"] == unit]
        detail = None
        if unit is not None and period is not None:
            detail = {"history": wf.history(conn, unit, period), "comparison": wf.comparison(conn, unit, period)}
    if args.json:
        print(json.dumps({"rows": rows, **(detail or {})}, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("Belum ada periode yang diajukan.")
    for r in rows:
        since = f"  sejak {r['at']} ({r['waited']}) oleh {r['by']}" if r["at"] else ""
        note = f"  catatan: {r['note']}" if r["note"] else ""
        print(f"{r['unit_code']:<14} {r['period']:<9} {r['label']:<15}{since}{note}")
    if detail:
        print("Riwayat:")
        for e in detail["history"]:
            print(f"  {e['seq']}. {wf.STATUS_LABELS[e['event']]} oleh {e['updated_by']}"
                  f"{': ' + e['note'] if e['note'] else ''}")
        changed = [c for c in detail["comparison"] if c["changed"]]
        print(f"Berubah sejak diajukan: {len(changed)}")
        for c in changed:
            before = c["submitted"]["value"] if c["submitted"] else "–"
            now = c["current"]["value"] if c["current"] else "–"
            print(f"  {c['indicator_code']} {c['period']}: {before} -> {now}")
    return 0
