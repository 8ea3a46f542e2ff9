"""export-xlsx: the plan's tables as an Excel workbook, a template to fill offline (docs/excel.md), or
the blank "rencana" template of a new office's plan."""
from __future__ import annotations

from pathlib import Path

from ..core.errors import ValidationError
from ..core.excel.layouts import TEMPLATE_KINDS
from ..core.store import Store


def register(sub) -> None:
    p = sub.add_parser("export-xlsx", help="ekspor tabel rencana, atau templat isian, ke buku kerja Excel (.xlsx)")
    p.add_argument("file", metavar="FILE", nargs="?")
    p.add_argument("-o", "--output", required=True, metavar="OUT.xlsx")
    p.add_argument("--unit", help="kode satker; SEMUA = seluruh satker (bawaan: satker berkas ini)")
    p.add_argument("--year", type=int, help="tahun capaian, atau tahun realisasi templat (bawaan: tahun ini, "
                                            "di dalam Renstra berkas)")
    p.add_argument("--template", choices=("rencana", *TEMPLATE_KINDS),
                   help="rencana: templat kosong untuk rencana kantor baru (init --from), dengan contoh "
                        "Renstra NTB di OUT-contoh.xlsx; tanpa FILE. realisasi|risiko|roadmap|pendanaan: templat "
                        "isian satu satker (kolom kunci terkunci, daftar pilihan, ID baris tersembunyi)")
    p.set_defaults(handler=cmd_export_xlsx)


def cmd_export_xlsx(args) -> int:
    if args.template == "rencana":
        return _rencana_template(args)
    from ..core.excel.export import export_workbook
    from ..core.excel.template import export_template
    from ..core.plan_profile import current_year, plan_years

    if args.file is None:
        raise ValidationError("Sebutkan berkas rencana (FILE) yang diekspor.")
    with Store.open(args.file, readonly=True) as store:
        years = plan_years(store.conn)
        year = args.year or current_year(store.conn)
        if year not in years:
            raise ValidationError(f"Tahun {year} di luar Renstra {years[0]}–{years[-1]}. "
                                  f"Pilih tahun {years[0]} sampai {years[-1]}.")
        unit = (args.unit or store.unit_code).upper()
        if args.template:
            path = export_template(store.conn, args.output, args.template, None if unit == "SEMUA" else unit, year)
        else:
            path = export_workbook(store.conn, args.output, None if unit == "SEMUA" else unit, year)
    print(f"{'Templat' if args.template else 'Buku kerja'} Excel ditulis: {path}")
    return 0


def example_path(output: str) -> Path:
    """Where the worked NTB example goes beside the blank template: OUT-contoh.xlsx."""
    out = Path(output)
    return out.with_name(f"{out.stem}-contoh{out.suffix or '.xlsx'}")


def _rencana_template(args) -> int:
    from ..core.plan_workbook import example_draft, write_template

    if args.file is not None or args.unit or args.year:
        raise ValidationError("Templat rencana tidak memakai FILE, --unit atau --year: "
                              "renstra-desktop export-xlsx --template rencana -o templat-rencana.xlsx")
    blank = write_template(args.output)
    example = write_template(example_path(args.output), example_draft())
    print(f"Templat rencana ditulis: {blank}")
    print(f"Contoh terisi (Renstra NTB 2025-2029): {example}")
    return 0
