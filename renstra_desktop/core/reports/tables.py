"""Official tables: grid, shaded header rows repeated on every page, Paragraph cells that wrap.

Rows are built as lists of cells; a cell is a plain string (short figures: fast, never wraps)
or text wrapped in :func:`para`.  Group rows (programme, area, unit) span the whole width.
"""
from __future__ import annotations

import contextvars
import re

from reportlab.platypus import Paragraph, Table, TableStyle

from .layout import FONT, FONT_BOLD, GRID, GROUP_FILL, HEAD_FILL, STYLES, escape


_LABELLED = re.compile(r"^\s*(\d+|[a-z])[.)]\s")
# Rows move whole to the next page; build.py turns splitting inside a row on (for this thread)
# only when a row is taller than a page, which would otherwise stop the layout.
SPLIT_IN_ROW: contextvars.ContextVar[bool] = contextvars.ContextVar("split_in_row", default=False)


def para(text, style: str = "cell") -> Paragraph:
    return Paragraph(escape(text), STYLES[style])


def bullets(items, style: str = "cell", mark: str = "") -> Paragraph:
    """A list of items in one cell, one per line; ``mark`` (e.g. "•") goes before items that do not
    carry their own numbering ("1.", "a.")."""
    lines = []
    for item in items:
        if item is None or str(item) == "":
            continue
        text = escape(item)
        lines.append(text if not mark or _LABELLED.match(str(item)) else f"{mark}&nbsp;{text}")
    return Paragraph("<br/>".join(lines), STYLES[style])


def head(text) -> Paragraph:
    return Paragraph(escape(text), STYLES["head"])


class OfficialTable:
    """Collects header rows, group rows and body rows, then makes one splittable Table."""

    def __init__(self, fractions: list[float], width: float, *, number_cols=(), center_cols=()):
        total = sum(fractions)
        self.widths = [width * f / total for f in fractions]
        self.ncols = len(fractions)
        self.rows: list[list] = []
        self.header_rows = 0
        self.style: list = []
        self.number_cols = number_cols
        self.center_cols = center_cols

    def header(self, *rows, spans=()) -> "OfficialTable":
        """Header rows (repeated on every page); spans are TableStyle SPAN commands."""
        for row in rows:
            self.rows.append([head(c) if isinstance(c, str) and c else c for c in row])
        self.header_rows += len(rows)
        self.style += [("SPAN", a, b) for a, b in spans]
        return self

    def numbering_row(self) -> "OfficialTable":
        """The "(1) (2) (3) ..." row under the header of the official tables."""
        self.rows.append([f"({i})" for i in range(1, self.ncols + 1)])
        self.header_rows += 1
        r = len(self.rows) - 1
        self.style += [("FONT", (0, r), (-1, r), FONT, 7), ("ALIGN", (0, r), (-1, r), "CENTER")]
        return self

    def group(self, text: str, *, level: int = 0) -> "OfficialTable":
        """A row across the whole width naming a unit (level 0), programme or area (level 1)."""
        r = len(self.rows)
        self.rows.append([para(text, "cell_bold")] + [""] * (self.ncols - 1))
        self.style += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), GROUP_FILL if level else HEAD_FILL)]
        return self

    def row(self, cells: list, *, bold: bool = False) -> "OfficialTable":
        if len(cells) != self.ncols:
            raise ValueError(f"row has {len(cells)} cells, table has {self.ncols}")
        r = len(self.rows)
        self.rows.append(cells)
        if bold:
            self.style.append(("FONT", (0, r), (-1, r), FONT_BOLD, 8.5))
        return self

    def table(self) -> Table:
        t = Table(self.rows, colWidths=self.widths, repeatRows=self.header_rows, splitByRow=1,
                  splitInRow=int(SPLIT_IN_ROW.get()), hAlign="LEFT")
        h = self.header_rows
        cmds = [
            ("FONT", (0, 0), (-1, -1), FONT, 8.5),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 3.5), ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
        ]
        if h:
            cmds += [("BACKGROUND", (0, 0), (-1, h - 1), HEAD_FILL), ("VALIGN", (0, 0), (-1, h - 1), "MIDDLE")]
        for c in self.number_cols:
            cmds.append(("ALIGN", (c, h), (c, -1), "RIGHT"))
        for c in self.center_cols:
            cmds.append(("ALIGN", (c, h), (c, -1), "CENTER"))
        t.setStyle(TableStyle(cmds + self.style))
        return t
