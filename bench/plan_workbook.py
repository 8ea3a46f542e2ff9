"""Reading the rencana template (core/plan_workbook.py) against the floor of the same work: openpyxl
loading the same workbook and reading every cell's value, in the same run, alternated.

    .venv/bin/python bench/plan_workbook.py [--rounds N]

The workbook is the NTB worked example (export-xlsx --template rencana): 12 units, 3 indicators, 36
risks, 90 roadmap items.  Prints the median of each and the ratio.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from renstra_desktop.core.plan_workbook import example_draft, read_plan_workbook, write_template  # noqa: E402


def floor(path: Path) -> int:
    """openpyxl's load and every cell read: what any reader of the workbook must do."""
    book = load_workbook(path, data_only=False)
    return sum(1 for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        path = write_template(Path(tmp) / "contoh.xlsx", example_draft())
        ours, base = [], []
        for _ in range(rounds):
            t = time.perf_counter()
            floor(path)
            base.append(time.perf_counter() - t)
            t = time.perf_counter()
            read_plan_workbook(path)
            ours.append(time.perf_counter() - t)
    b, o = statistics.median(base), statistics.median(ours)
    print(f"openpyxl load + every cell: {b * 1000:.1f} ms (median of {rounds})")
    print(f"read_plan_workbook:         {o * 1000:.1f} ms")
    print(f"ratio: {o / b:.2f}x")


if __name__ == "__main__":
    main()
