"""Support commands: ``problem-report`` writes the ZIP that Bantuan → Kirim laporan masalah writes."""
from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("problem-report",
                       help="buat laporan masalah (ZIP: log, versi, identitas berkas) untuk pengelola aplikasi")
    p.add_argument("-o", "--output", metavar="OUT.zip", help="berkas ZIP (bawaan: di folder ini)")
    p.add_argument("--db", metavar="FILE", help="berkas rencana yang identitasnya disertakan (bawaan: milik instalasi)")
    p.add_argument("--with-data", action="store_true", help="sertakan seluruh isi data rencana (bawaan: tidak)")
    p.set_defaults(handler=cmd_problem_report)


def cmd_problem_report(args) -> int:
    from ..core.newplan import default_plan_path
    from ..core.problem_report import suggested_name, write_problem_report

    plan = Path(args.db) if args.db else default_plan_path()
    target = Path(args.output) if args.output else Path(suggested_name())
    path = write_problem_report(target, plan_path=plan if plan.exists() else None, include_data=args.with_data)
    what = "dengan" if args.with_data else "tanpa"
    print(f"Laporan masalah ditulis: {path} ({what} isi data rencana). Kirim berkas ini kepada pengelola aplikasi.")
    return 0
