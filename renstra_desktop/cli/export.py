"""export-xlsx: the plan's tables as an Excel workbook."""
from __future__ import annotations

from ..core.schema import PLAN_YEARS, current_plan_year
from ..core.store import Store


def register(sub) -> None:
    p = sub.add_parser("export-xlsx", help="ekspor tabel rencana ke buku kerja Excel (.xlsx)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="OUT.xlsx")
    p.add_argument("--unit", help="kode satker; SEMUA = seluruh satker (bawaan: satker berkas ini)")
    p.add_argument("--year", type=int, default=current_plan_year(), choices=PLAN_YEARS,
                   help="tahun capaian (bawaan: tahun ini, dalam 2025-2029)")
    p.set_defaults(handler=cmd_export_xlsx)


def cmd_export_xlsx(args) -> int:
    from ..core.excel_export import export_workbook

    with Store.open(args.file, readonly=True) as store:
        unit = (args.unit or store.unit_code).upper()
        path = export_workbook(store.conn, args.output, None if unit == "SEMUA" else unit, args.year)
    print(f"Buku kerja Excel ditulis: {path}")
    return 0
