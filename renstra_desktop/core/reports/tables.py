"""Official tables: grid, shaded header rows repeated on every page, Paragraph cells that wrap.

Rows are built as lists of cells; a cell is a plain string (short figures: fast, never wraps)
or text wrapped in :func:`para`.  Group rows (programme, area, unit) span the whole width.
"""
from __future__ import annotations

import bisect
import contextvars
import heapq
import re

from reportlab.platypus import Paragraph, Table, TableStyle

from .layout import FONT, FONT_BOLD, GRID, GROUP_FILL, HEAD_FILL, STYLES, escape


_LABELLED = re.compile(r"^\s*(\d+|[a-z])[.)]\s")
# Rows move whole to the next page; build.py turns splitting inside a row on (for this thread)
# only when a row is taller than a page, which would otherwise stop the layout.
SPLIT_IN_ROW: contextvars.ContextVar[bool] = contextvars.ContextVar("split_in_row", default=False)


class CellParagraph(Paragraph):
    """A Paragraph that remembers its last wrap.  A table wraps every cell to measure the rows,
    again for the remainder after each page split, and again to draw it, always at the column's
    width; breaking the lines once per width is enough (wrap does not depend on the height)."""

    _wrapped: tuple[float, float] | None = None

    def wrap(self, availWidth, availHeight):
        if self._wrapped is not None and self._wrapped[0] == availWidth:
            self.width = availWidth
            return availWidth, self._wrapped[1]
        width, height = super().wrap(availWidth, availHeight)
        if getattr(self, "blPara", None) is not None and width == availWidth:
            self._wrapped = (availWidth, height)
        return width, height


def para(text, style: str = "cell") -> Paragraph:
    return CellParagraph(escape(text), STYLES[style])


def bullets(items, style: str = "cell", mark: str = "") -> Paragraph:
    """A list of items in one cell, one per line; ``mark`` (e.g. "•") goes before items that do not
    carry their own numbering ("1.", "a.")."""
    lines = []
    for item in items:
        if item is None or str(item) == "":
            continue
        text = escape(item)
        lines.append(text if not mark or _LABELLED.match(str(item)) else f"{mark}&nbsp;{text}")
    return CellParagraph("<br/>".join(lines), STYLES[style])


def head(text) -> Paragraph:
    return CellParagraph(escape(text), STYLES["head"])


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
        self.sections: list[int] = []    # rows where a unit (level-0 group) starts

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
        """A row across the whole width naming a unit (level 0), programme or area (level 1);
        kept on the page of the row that follows it."""
        r = len(self.rows)
        if level == 0:
            self.sections.append(r)
        self.rows.append([para(text, "cell_bold")] + [""] * (self.ncols - 1))
        self.style += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), GROUP_FILL if level else HEAD_FILL),
                       ("NOSPLIT", (0, r), (-1, r + 1))]
        return self

    def row(self, cells: list, *, bold: bool = False, heading: bool = False) -> "OfficialTable":
        """A body row; ``heading`` (an SK or area row) keeps it with the row that follows."""
        if len(cells) != self.ncols:
            raise ValueError(f"row has {len(cells)} cells, table has {self.ncols}")
        r = len(self.rows)
        self.rows.append(cells)
        if bold:
            self.style.append(("FONT", (0, r), (-1, r), FONT_BOLD, 8.5))
        if heading:
            self.style.append(("NOSPLIT", (0, r), (-1, r + 1)))
        return self

    def note(self, text: str) -> "OfficialTable":
        """A row across the whole width in small print (what was left out, and why)."""
        r = len(self.rows)
        self.rows.append([para(text, "small")] + [""] * (self.ncols - 1))
        self.style.append(("SPAN", (0, r), (-1, r)))
        return self

    def tables(self) -> list[Table]:
        """One Table per unit section, each with the header rows.

        A long table is split page by page, and reportlab measures the whole remainder again at
        every split; tables of one unit each keep that work proportional to the unit, which makes
        the province's report markedly faster.  Body rows before the first unit stay in the first.
        """
        h = self.header_rows
        starts = [r for r in self.sections if r > h] or []
        bounds = [h] + starts + [len(self.rows)]
        if len(bounds) <= 2:
            return [self.table()]
        commands = self._commands_by_section(bounds)
        return [self._table(list(range(a, b)), commands[i]) for i, (a, b) in enumerate(zip(bounds, bounds[1:]))
                if b > a]

    def _commands_by_section(self, bounds: list[int]) -> list[list]:
        """The style commands each sub-table may use, in their order: those on the header rows or
        counted from the end (every sub-table) and those starting in its own rows.  Remapping every
        command for every unit's table made the national report quadratic (12 million remaps)."""
        every: list[int] = []
        own: list[list[int]] = [[] for _ in bounds[1:]]
        for i, (_name, start, stop, *_rest) in enumerate(self.style):
            first = start[1]
            if first < self.header_rows or first < 0 or stop[1] < 0:
                every.append(i)
            else:
                own[bisect.bisect_right(bounds, first) - 1 if first < bounds[-1] else len(own) - 1].append(i)
        return [[self.style[i] for i in heapq.merge(every, mine)] for mine in own]

    def table(self) -> Table:
        return self._table(list(range(self.header_rows, len(self.rows))), self.style)

    def _table(self, body: list[int], commands: list) -> Table:
        h = self.header_rows
        keep = list(range(h)) + body
        new_index = {old: new for new, old in enumerate(keep)}
        rows = [self.rows[r] for r in keep]
        t = Table(rows, colWidths=self.widths, repeatRows=h, splitByRow=1,
                  splitInRow=int(SPLIT_IN_ROW.get()), hAlign="LEFT")
        t._body_table = True          # build.py keeps the signature block with the last of these
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
        style = commands
        if SPLIT_IN_ROW.get():      # a row taller than a page must split inside; keeping rows together cannot hold
            style = [c for c in style if c[0] != "NOSPLIT"]
        t.setStyle(TableStyle(cmds + [c for c in map(lambda c: _remap(c, new_index), style) if c]))
        return t


def _remap(command: tuple, new_index: dict[int, int]):
    """A style command with its (non-negative) row numbers moved to a sub-table, or None when its
    rows are not in that sub-table."""
    name, start, stop, *rest = command
    rows = []
    for col, row in (start, stop):
        if row < 0:
            rows.append((col, row))
        elif row in new_index:
            rows.append((col, new_index[row]))
        else:
            return None
    if name == "NOSPLIT" and rows[1][1] != rows[0][1] + 1:
        return None                 # the row it keeps with is in another sub-table
    return (name, rows[0], rows[1], *rest)
