"""Official tables: grid, shaded header rows repeated on every page, Paragraph cells that wrap.

Rows are built as lists of cells; a cell is a plain string (short figures: fast, never wraps)
or text wrapped in :func:`para`.  Group rows (programme, area, unit) span the whole width.
"""
from __future__ import annotations

import bisect
import contextlib
import contextvars
import heapq
import re

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle
from reportlab.platypus.paragraph import cleanBlockQuotedText

from .layout import FONT, FONT_BOLD, GRID, GROUP_FILL, HEAD_FILL, INK, STYLES, escape

SIZE = STYLES["cell"].fontSize          # the body cells' font size, strings and Paragraphs alike
PADDING = 3.5                           # left and right in every cell


_LABELLED = re.compile(r"^\s*(\d+|[a-z])[.)]\s")
# text a Paragraph would print as it is: no markup, no line break, no space it would collapse
_SIMPLE = re.compile(r"[^\s&<>]+(?: [^\s&<>]+)*|")
# Rows move whole to the next page; build.py turns splitting inside a row on (for this thread)
# only when a row is taller than a page, which would otherwise stop the layout.
SPLIT_IN_ROW: contextvars.ContextVar[bool] = contextvars.ContextVar("split_in_row", default=False)


def _parsed(name: str) -> property:
    """An attribute Paragraph's parser sets, parsed when first read."""
    key = "_" + name

    def get(self):
        if key not in self.__dict__:
            self._parse()
        return self.__dict__[key]

    def put(self, value):
        self.__dict__[key] = value
    return property(get, put)


class CellParagraph(Paragraph):
    """A table cell's Paragraph, parsed and broken into lines only when needed.

    A table wraps every cell to measure the rows, again for the remainder after each page split,
    and again to draw it, always at the column's width, and a national report repeats the same
    texts (the units start from the Kanwil's risk areas and roadmap): the lines are broken once
    per (markup, style, width) in a build (:func:`wrap_cache`) and kept on the cell for its own
    later wraps.  The markup is parsed only when the lines are broken or the Paragraph's parts are
    asked for (a split inside a row, ``.text``, ``.frags``).
    """

    _wrapped: tuple | None = None
    _plain: str | None = None

    def __init__(self, markup: str | None, style, bulletText=None, frags=None, **kwargs):
        if frags is not None or bulletText is not None or kwargs:     # a part of a split (Paragraph.split)
            self.markup = None
            super().__init__(markup, style, bulletText, frags, **kwargs)
            return
        self.markup = markup
        self.style = style
        self.bulletText = None
        self.debug = 0
        self.caseSensitive = 1
        self.encoding = "utf8"

    def _parse(self) -> None:
        Paragraph._setup(self, self.markup, self.style, None, None, cleanBlockQuotedText)

    frags = _parsed("frags")
    text = _parsed("text")

    def wrap(self, availWidth, availHeight):
        done = self._wrapped
        if done is None or done[0] != availWidth:
            cache = _WRAPS.get() if self.markup is not None else None
            key = (self.markup, id(self.style), availWidth)
            done = cache.get(key) if cache is not None else None
            if done is None:
                width, height = super().wrap(availWidth, availHeight)
                if getattr(self, "blPara", None) is None or width != availWidth:
                    return width, height
                done = (availWidth, height, self.blPara, self._wrapWidths)
                if cache is not None:
                    cache[key] = done
            self._wrapped = done
        self.width, self.height, self.blPara, self._wrapWidths = done
        return done[0], done[1]

    def draw(self):
        """Equal cells draw the same operators (local to the cell): the first one's are kept on the
        canvas (``ReportCanvas.cell_draws``: its fonts' subsets are that document's) and repeated."""
        canv = self.canv
        cache = getattr(canv, "cell_draws", None)
        if cache is None or self.markup is None:
            return super().draw()
        key = (self.markup, id(self.style), self.width, self.height)
        code = cache.get(key)
        if code is None:
            start = len(canv._code)
            super().draw()
            cache[key] = canv._code[start:]
        else:
            canv._code.extend(code)


_WRAPS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("cell_wraps", default=None)


@contextlib.contextmanager
def wrap_cache():
    """Share the line breaks of equal cells (same markup, style and width) within a build."""
    token = _WRAPS.set({})
    try:
        yield
    finally:
        _WRAPS.reset(token)


def para(text, style: str = "cell") -> Paragraph:
    s = "" if text is None else str(text)
    cell = CellParagraph(escape(s), STYLES[style])
    if _SIMPLE.fullmatch(s):
        cell._plain = s               # drawn as a plain string where it fits one line (OfficialTable.row)
    return cell


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


class _Table(Table):
    """reportlab's Table whose map of no-split ranges holds only the cells inside a range.

    reportlab fills that map with an entry for every cell before marking the ranges, on every wrap
    and split of every part of a table; only the entries of cells inside a range are ever read
    (``_getRowImpossible`` over ``_rowNoSplitCells``).  For a long table (the province's capaian:
    every unit's rows, 8 000 at 531 units) refilling it for the rest of the table at each page
    made the build grow faster than the units (10 of 100 s under cProfile at 531 units)."""

    def _calcNoSplitRanges(self):
        self._nosplitRanges = ranges = {}
        self._colNoSplitCells = cols = []
        self._rowNoSplitCells = rows = []
        for _cmd, (x0, y0), (x1, y1) in self._nosplitCmds:
            x0, x1 = sorted((x0 + self._ncols if x0 < 0 else x0, x1 + self._ncols if x1 < 0 else x1))
            y0, y1 = sorted((y0 + self._nrows if y0 < 0 else y0, y1 + self._nrows if y1 < 0 else y1))
            if x0 == x1 and y0 == y1:
                continue
            cells = [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
            if x0 != x1:
                cols.extend(cells)
            if y0 != y1:
                rows.extend(cells)
            ranges.update(dict.fromkeys(cells))
            ranges[x0, y0] = (x0, y0, x1, y1)


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
        self.rows.append(self._plain_cells(cells, FONT_BOLD if bold else FONT))
        if bold:
            self.style.append(("FONT", (0, r), (-1, r), FONT_BOLD, SIZE))
        if heading:
            self.style.append(("NOSPLIT", (0, r), (-1, r + 1)))
        return self

    def _plain_cells(self, cells: list, font: str) -> list:
        """Cells that fit one line as plain strings, which the table draws exactly where the
        Paragraph draws its line (the first baseline is the cell's top padding plus the font size
        in both) and which cost a width sum where a Paragraph is parsed, broken into lines and
        drawn word by word.  A row keeps one such Paragraph when nothing else in it is one: a
        string's line is 1.2 × its size high, a Paragraph's 1.22 ×, and the row keeps its height."""
        out = [self._plain(c, i, font) if isinstance(c, CellParagraph) and c._plain else c
               for i, c in enumerate(cells)]
        changed = [i for i, (a, b) in enumerate(zip(cells, out)) if a is not b]
        if changed and all(isinstance(c, str) or (isinstance(c, CellParagraph) and not c.markup) for c in out):
            out[changed[0]] = cells[changed[0]]
        return out

    def _plain(self, cell: CellParagraph, col: int, font: str):
        """``cell``'s text when it is simple, fits one line at the column's width and is in the
        row's font and size and the column's alignment; else ``cell``."""
        style = cell.style
        if (style.fontName != font or style.fontSize != SIZE or style.alignment != self._align(col)
                or style.textColor != INK):
            return cell
        return cell._plain if stringWidth(cell._plain, font, SIZE) <= self.widths[col] - 2 * PADDING else cell

    def _align(self, col: int) -> int:
        return TA_RIGHT if col in self.number_cols else TA_CENTER if col in self.center_cols else TA_LEFT

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
        t = _Table(rows, colWidths=self.widths, repeatRows=h, splitByRow=1,
                  splitInRow=int(SPLIT_IN_ROW.get()), hAlign="LEFT")
        t._body_table = True          # build.py keeps the signature block with the last of these
        cmds = [
            ("FONT", (0, 0), (-1, -1), FONT, SIZE),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
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
