"""Excel import (issue 12 section 1): a realisation template filled and imported, against openpyxl
reading the same workbook plainly.

    .venv/bin/python bench/excel.py [--units 530] [--repeat 5] [--cache DIR]

Two plans, in the same run:

- a unit's own plan (``LPS-LOBAR`` made by ``create_plan_file``, its 2026 realisations of twelve
  months entered through the door): its ``realisasi`` template for 2026, every prefilled row filled
  and every existing figure changed;
- the Kanwil's consolidated file of ``bench/national_file.py`` (530 unit installations merged,
  built once into its cache): the Kanwil's own ``realisasi`` template, filled the same way.

For each, alternating runs, the median of ``--repeat`` on a fresh copy of the plan each time (the copy
not timed):

  check    ``import_workbook(dry_run=True)``: open the workbook defensively, check the plan's cells
           (as load does), read and validate every cell, compare with the file, the door's dry run;
  import   ``import_workbook()``: the same, then the backup beside the plan and the write through
           the door (audit trail, versions) in one transaction;
  baseline ``openpyxl.load_workbook(read_only=True)`` and every cell's value of every sheet: the
           least any import must do to read the same workbook.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from national_file import KANWIL_FILE, national_file  # noqa: E402

from renstra_desktop.core.excel.importer import import_workbook  # noqa: E402
from renstra_desktop.core.excel.template import export_template  # noqa: E402
from renstra_desktop.core.service import PlanService  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402

YEAR = 2026


def unit_plan(folder: Path) -> Path:
    from renstra_desktop.core.newplan import create_plan_file

    path = folder / "lobar.renstra"
    store = create_plan_file(path, "LPS-LOBAR")
    service = PlanService(store, "bench")
    for month in range(1, 13):
        for ikk in ("IKK 17.1", "IKK 19.1", "IKK 19.2"):
            service.insert("realisation", {"unit_code": "LPS-LOBAR", "indicator_code": ikk,
                                           "period": f"{YEAR}-{month:02d}", "value": 3 + month / 10,
                                           "evidence": f"Laporan bulan {month}"})
    store.close()
    return path


def filled_template(plan: Path, unit: str, out: Path) -> tuple[Path, int]:
    """The unit's realisasi template with every ready row filled and every figure changed."""
    from openpyxl import load_workbook

    with Store.open(plan, readonly=True) as store:
        export_template(store.conn, out, "realisasi", unit, YEAR)
    book = load_workbook(out)
    sheet = book["Realisasi"]
    header = [c.value for c in sheet[1]]
    value, evidence, code = (header.index(h) + 1 for h in ("Realisasi", "Data dukung", "IKK"))
    rows = 0
    for n in range(2, sheet.max_row + 1):
        if sheet.cell(n, code).value is None:
            continue
        old = sheet.cell(n, value).value
        sheet.cell(n, value).value = round((old or 2.5) + 0.25, 2)
        sheet.cell(n, evidence).value = f"Bukti baris {n}"
        rows += 1
    book.save(out)
    return out, rows


def plain_read(book: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(book, read_only=True)
    cells = sum(1 for sheet in wb.worksheets for row in sheet.iter_rows(values_only=True) for _ in row)
    wb.close()
    return cells


def measure(plan: Path, book: Path, repeat: int, work: Path) -> dict:
    times = {"check": [], "import": [], "baseline": []}
    for i in range(repeat):
        for what in ("check", "import", "baseline"):
            copy = work / f"run-{i}-{what}" / plan.name
            copy.parent.mkdir(parents=True)
            shutil.copy(plan, copy)
            if what == "baseline":
                start = time.perf_counter()
                plain_read(book)
                times[what].append(time.perf_counter() - start)
            else:
                with Store.open(copy) as store:
                    service = PlanService(store, "bench")
                    start = time.perf_counter()
                    report = import_workbook(service, book, dry_run=what == "check")
                    times[what].append(time.perf_counter() - start)
                assert report.planned, "the template changed nothing"
            shutil.rmtree(copy.parent)
    return {k: statistics.median(v) for k, v in times.items()} | {"runs": times}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=530)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cache")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="renstra-bench-excel-"))
    try:
        cases = [("unit LPS-LOBAR", unit_plan(work), "LPS-LOBAR")]
        national = national_file(args.units, args.cache) / KANWIL_FILE
        cases.append((f"Kanwil of the {args.units}-unit file ({national.stat().st_size / 2 ** 20:.0f} MB)",
                      national, "KANWIL"))
        for name, plan, unit in cases:
            book, rows = filled_template(plan, unit, work / f"{unit}.xlsx")
            got = measure(plan, book, args.repeat, work)
            base = got["baseline"]
            print(f"{name}: realisasi template {YEAR}, {rows} rows filled, median of {args.repeat}")
            print(f"  baseline openpyxl plain read  {base * 1000:8.1f} ms")
            for what in ("check", "import"):
                runs = ", ".join(f"{t * 1000:.0f}" for t in got["runs"][what])
                print(f"  {what:<29} {got[what] * 1000:8.1f} ms  {got[what] / base:6.2f}x  (runs {runs} ms)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
