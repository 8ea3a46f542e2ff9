"""Writing a plan sheet with openpyxl: header, rows, number formats, widths, frozen header, filter,
the hidden id column, and the Petunjuk sheet.  Shared by the export for people and the templates."""
from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .layouts import GUIDE_TITLE, TOTAL_LABEL, SheetLayout

HEADER_FILL = PatternFill("solid", start_color="DDE5F0")
TOTAL_FILL = PatternFill("solid", start_color="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")


def letters(layout: SheetLayout) -> dict[str, str]:
    """Header -> Excel column letter of ``layout``'s sheet."""
    return {c.header: get_column_letter(i) for i, c in enumerate(layout.columns, start=1)}


def add_sheet(book, layout: SheetLayout, rows: list[dict], *, totals: dict | None = None):
    """A sheet of ``layout`` holding ``rows`` (header -> value or formula), then a totals row
    (header -> formula, first column "Jumlah") when given.  The filter covers the data rows."""
    sheet = book.create_sheet(layout.title)
    sheet.append([c.header for c in layout.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append([row.get(c.header) for c in layout.columns])
    last = len(rows) + 1
    if totals is not None:
        sheet.append([TOTAL_LABEL] + [totals.get(c.header) for c in layout.columns[1:]])
        for cell in sheet[last + 1]:
            cell.font = Font(bold=True)
            cell.fill = TOTAL_FILL
    for index, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.role in ("id", "version"):
            sheet.column_dimensions[letter].hidden = True
        for (cell,) in sheet.iter_rows(min_row=2, max_row=sheet.max_row, min_col=index, max_col=index):
            if column.fmt:
                cell.number_format = column.fmt
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = WRAP
    sheet.freeze_panes = "C2" if layout.columns[1].field == "unit_code" else "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(layout.columns))}{max(last, 2)}"
    sheet.row_dimensions[1].height = 30
    sheet.page_setup.orientation = "landscape"          # printed: the columns across, the header repeated
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.print_title_rows = "1:1"
    return sheet


def add_guide(book, title: str, lines: list[str]) -> None:
    """The Petunjuk sheet: a title and one paragraph per line, first in the workbook."""
    sheet = book.create_sheet(GUIDE_TITLE, 0)
    sheet.column_dimensions["A"].width = 90
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in lines:
        sheet.append([line])
        cell = sheet.cell(sheet.max_row, 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if line.endswith(":") or line.isupper():
            cell.font = Font(bold=True)
            sheet.row_dimensions[cell.row].height = 24
        else:        # neither Excel nor LibreOffice grows a row for wrapped text written by openpyxl
            sheet.row_dimensions[cell.row].height = 15 * (len(line) // 80 + 1) + 3
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
