"""Sorting (issue 11): a column's sort values are made once per load (in a worker for a big table)
and a sort is one list.sort of row numbers; ties keep the plan's order, empty cells go last both
ways, a replaced row has only its own values made again, and the sort survives a reload."""
from __future__ import annotations

from PySide6.QtCore import Qt

from conftest_ui import show_tab

from renstra_desktop.ui.row_set import RowSet


def rows_of(*values):
    return [{"id": i, "v": v} for i, v in enumerate(values)]


class Values:
    """sort_values for RowSet.arrange that counts the rows it was asked for."""

    def __init__(self):
        self.asked = 0

    def __call__(self, rows, key):
        self.asked += len(rows)
        return [None if r[key] in (None, "") else (r[key].casefold() if isinstance(r[key], str) else r[key])
                for r in rows]


def arranged_ids(row_set, values, kept_last=None):
    return [r["id"] for r in row_set.arrange(values, lambda r: str(r["v"]), kept_last)]


def test_ties_keep_the_plan_order_and_empty_cells_go_last_both_ways():
    s = RowSet()
    s.load(rows_of("b", "", "a", "B", None, "a", "c"))
    values = Values()
    s.sort = ("v", False)
    assert arranged_ids(s, values) == [2, 5, 0, 3, 6, 1, 4]     # a a b B c, then the empty ones in plan order
    s.sort = ("v", True)
    assert arranged_ids(s, values) == [6, 0, 3, 2, 5, 1, 4]     # c b B a a: ties still in plan order
    assert values.asked == 7                                     # the column's values made once
    s.needle = "a"
    assert arranged_ids(s, values) == [2, 5]
    s.needle, s.sort = "", None
    assert arranged_ids(s, values) == [0, 1, 2, 3, 4, 5, 6]


def test_numbers_sort_as_numbers_and_a_total_stays_last():
    s = RowSet()
    s.load(rows_of(10, 9, None, 100, 9.5, 1000))
    s.sort = ("v", False)
    assert arranged_ids(s, Values(), kept_last=lambda r: r["v"] == 1000) == [1, 4, 0, 3, 2, 5]


def test_a_replaced_row_has_only_its_values_made_again():
    s = RowSet()
    s.load(rows_of("c", "a", "b"))
    values = Values()
    s.sort = ("v", False)
    assert arranged_ids(s, values) == [1, 2, 0]
    rows = list(s.loaded)
    rows[1] = {"id": 1, "v": "z"}
    s.update(rows)
    assert not s.has_keys("v")
    assert arranged_ids(s, values) == [2, 0, 1]
    assert values.asked == 3 + 1
    assert s.has_keys("v")


def test_values_made_for_rows_replaced_meanwhile_are_not_kept():
    s = RowSet()
    old = rows_of("b", "a")
    s.load(old)
    s.load(rows_of("x", "y"))
    assert not s.set_keys("v", old, ["b", "a"])
    assert s.set_keys("v", s.loaded, ["x", "y"]) and s.has_keys("v")


def test_a_big_table_sorts_in_a_worker_and_stays_sorted_after_a_reload(window, qtbot):
    window.set_selected_unit(None)                      # every unit: read in a worker
    tab = show_tab(qtbot, window, window.roadmap_tab)
    view, model = tab.view, tab.model
    model.sort_in_worker_from = 1                       # the national file's path on the test's plan
    plan_order = [r["id"] for r in model.rows()]
    year = model.column_index("year")
    view.sortByColumn(year, Qt.SortOrder.DescendingOrder)
    assert view.horizontalHeader().sortIndicatorSection() == year       # shown at once
    qtbot.waitUntil(lambda: model.sorting == 0, timeout=10_000)
    labels = [model.cell_text(r, model.column(year)).casefold() for r in model.rows()]
    assert labels == sorted(labels, reverse=True) and len(set(labels)) > 1
    same = [r["id"] for r in model.rows() if r["year"] == model.rows()[0]["year"]]
    assert same == [i for i in plan_order if i in set(same)]               # ties in the plan's order

    window.controller.external_change()                 # every row read again (in a worker)
    qtbot.waitUntil(lambda: not model.loading and model.sorting == 0, timeout=10_000)
    assert [model.cell_text(r, model.column(year)).casefold() for r in model.rows()] == labels
    assert view.horizontalHeader().sortIndicatorSection() == year
    assert view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    window.set_selected_unit("KANWIL")                  # another scope and back: still sorted
    show_tab(qtbot, window, window.roadmap_tab)
    window.set_selected_unit(None)
    show_tab(qtbot, window, window.roadmap_tab)
    shown = [model.cell_text(r, model.column(year)).casefold() for r in model.rows()]
    assert shown == sorted(shown, reverse=True)
    assert view.horizontalHeader().sortIndicatorSection() == year


def test_rows_replaced_while_a_sort_waits_for_its_values_are_shown_sorted(window, qtbot):
    window.set_selected_unit(None)
    tab = show_tab(qtbot, window, window.roadmap_tab)
    view, model = tab.view, tab.model
    model.sort_in_worker_from = 1
    year = model.column_index("year")
    view.sortByColumn(year, Qt.SortOrder.AscendingOrder)       # values made in a worker …
    window.controller.external_change()                         # … while every row is read again
    qtbot.waitUntil(lambda: not model.loading and model.sorting == 0, timeout=10_000)
    years = [r["year"] for r in model.rows()]
    assert years == sorted(years) and model.rowCount() == model.loaded_count()
    view.sortByColumn(year, Qt.SortOrder.DescendingOrder)
    window.controller.close()                                    # the file closes before the values come
    qtbot.waitUntil(lambda: model.sorting == 0, timeout=10_000)
    assert model.rowCount() == 0
