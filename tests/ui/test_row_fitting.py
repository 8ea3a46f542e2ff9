"""Row fitting (issue 11): a cell of one short line is not laid out, and every row still gets the
height the delegate's full size hint gives it (wrapped texts, lists line by line, bold cells)."""
from __future__ import annotations

from PySide6.QtWidgets import QStyleOptionViewItem

from conftest_ui import show_tab

from renstra_desktop.ui.table_view import one_short_line


def full_height(view, row: int) -> int:
    """What row_height gave before: the delegate's size hint of every cell."""
    model, delegate = view.model(), view.itemDelegate()
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    height = view.verticalHeader().defaultSectionSize() - 6
    for column in range(model.columnCount()):
        if not view.isColumnHidden(column):
            option.rect.setRect(0, 0, view.columnWidth(column), height)
            height = max(height, delegate.sizeHint(option, model.index(row, column)).height())
    return height + 6


def test_fitting_skips_short_cells_and_gives_every_row_its_full_height(window, qtbot):
    window.resize(1024, 768)
    window.set_selected_unit(None)
    skipped = measured = 0
    for tab in (window.indicator_tab, window.risk_tab, window.roadmap_tab, window.funding_tab):
        show_tab(qtbot, window, tab)
        for view in tab.views():
            model = view.model()
            metrics = view.fontMetrics()
            for row in range(min(model.rowCount(), 120)):
                assert view.row_height(row) == full_height(view, row), (type(model).__name__, row)
                for column in range(model.columnCount()):
                    if one_short_line(model.index(row, column), view.columnWidth(column), metrics):
                        skipped += 1
                    else:
                        measured += 1
    assert skipped > measured > 0          # most cells are short; the long ones are still laid out
