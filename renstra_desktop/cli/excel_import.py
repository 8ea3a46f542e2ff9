"""import-xlsx: read a workbook made by export-xlsx, a template or a plain table with the same headers
back into the plan, all or nothing, through the write door (docs/excel.md)."""
from __future__ import annotations

import json
import sys

from ..core.store import Store
from .console import is_unicode


def register(sub) -> None:
    p = sub.add_parser("import-xlsx", help="impor buku kerja Excel (hasil export-xlsx atau templat) ke rencana")
    p.add_argument("file", metavar="FILE")
    p.add_argument("book", metavar="BOOK.xlsx")
    p.add_argument("--dry-run", action="store_true", help="periksa dan tampilkan apa yang akan ditambah dan diubah, "
                                                          "tanpa menyimpan")
    p.add_argument("--json", action="store_true", help="hasil (atau daftar masalah) sebagai JSON")
    p.set_defaults(handler=cmd_import_xlsx)


def cmd_import_xlsx(args) -> int:
    from ..core.excel.importer import import_workbook
    from ..core.excel.workbook_reader import WorkbookProblems
    from ..core.newplan import current_user
    from ..core.service import PlanService

    with Store.open(args.file) as store:
        try:
            report = import_workbook(PlanService(store, current_user()), args.book, dry_run=args.dry_run)
        except WorkbookProblems as exc:
            if not args.json:
                raise
            _print_json({"ok": False, "problems": [
                {"sheet": p.sheet, "row": p.row, "column": p.column_letter, "message": p.message}
                for p in exc.problems]})
            return 1
    if args.json:
        _print_json({"ok": True, **report.as_json()})
    else:
        print("\n".join(report.lines()))
    return 0


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=not is_unicode(sys.stdout), indent=1, default=str) + "\n")
