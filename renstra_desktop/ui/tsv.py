"""Tab-separated cell ranges as spreadsheets put them on the clipboard (Excel, LibreOffice).

Cells holding a tab, a line break or a quote are quoted ("...", quotes doubled), as Excel does,
so multi-line cells (a risk's treatments) survive a copy and paste.  Qt-free.
"""
from __future__ import annotations

import csv
import io


def format_tsv(grid: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", quotechar='"', lineterminator="\n",
                        quoting=csv.QUOTE_MINIMAL)
    for row in grid:
        writer.writerow(["" if cell is None else str(cell) for cell in row])
    return buffer.getvalue()


def parse_tsv(text: str) -> list[list[str]]:
    """Rows of cells; a trailing line break (spreadsheets add one) makes no extra row."""
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quotechar='"'))
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]
