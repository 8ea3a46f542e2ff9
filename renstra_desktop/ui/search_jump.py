"""Showing a search hit in the window: switch the unit selector and the tab, select the row and
the cell (or the tree item, the quarter, the narrative section) and put the keyboard focus there.

The places come from :mod:`renstra_desktop.core.search_sources` (``Hit.place``); each tab is driven
through what it already offers: ``PlanTableView.select_row_of`` on the editing tabs, the Siklus
Kinerja tab's year, period and section selectors, its tree and its tables.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor

# a searched column -> the model column that shows it (cause and control are not columns of the tab)
_SHOWN_AS = {
    "indikator": {"code": "indicator_code", "name": "indicator_name"},
    "pendanaan": {"code": "line_code", "name": "line_name"},
    "risiko": {"cause": "risk", "current_control": "risk", "action": "risk", "schedule": "risk",
               "output": "risk", "note": "risk", "description": "risk", "impact": "risk", "response": "risk"},
}


def reveal(window, hit) -> bool:
    """Show ``hit`` (a core.search.Hit) in ``window``; False when the window cannot show it."""
    place = hit.place
    unit = place.get("unit_code") or hit.unit_code
    if place["tab"] == "satker":
        return _show_unit(window, unit)
    if unit and window.selected_unit() is not None and window.selected_unit() != unit:
        if not _show_unit(window, unit):
            return False
    if place["tab"] == "siklus":
        return _reveal_cycle(window, hit)
    tab = {"indikator": window.indicator_tab, "risiko": window.risk_tab, "roadmap": window.roadmap_tab,
           "pendanaan": window.funding_tab}[place["tab"]]
    window.tabs.setCurrentWidget(tab)
    if place["tab"] == "indikator":
        return _reveal_indicator(window, tab, hit)
    if place["tab"] == "pendanaan":
        unit = unit or window.selected_unit() or window.controller.unit_code
        if _select(tab.view, _preferring(tab.model, unit, lambda r: r.get("line_code") == place["line_code"]
                                         and r.get("measure") == "allocation"), _column(tab.model, hit)):
            return True
        if hit.table != "objective":
            return False
        tab = window.indicator_tab          # an SK without a funding line here: its first IKK
        window.tabs.setCurrentWidget(tab)
        return _select(tab.view, _preferring(tab.model, unit, lambda r: r.get("objective_code") == place["line_code"]),
                       tab.model.column_index("indicator_name"))
    return _select(tab.view, lambda r: r.get("id") == place["id"], _column(tab.model, hit))


def _show_unit(window, unit: str | None) -> bool:
    index = window.unit_combo.findData(unit)
    if index < 0:
        return False
    window.unit_combo.setCurrentIndex(index)
    window.unit_combo.setFocus(Qt.FocusReason.OtherFocusReason)
    return True


def _column(model, hit) -> int:
    key = _SHOWN_AS.get(hit.place["tab"], {}).get(hit.column, hit.column)
    try:
        return model.column_index(key)
    except StopIteration:
        return 0


def _preferring(model, unit: str | None, predicate):
    """A predicate choosing the row of ``unit`` when the view lists several units' rows."""
    rows = [r for r in model.rows() if predicate(r)]
    chosen = next((r for r in rows if r.get("unit_code") == unit), rows[0] if rows else None)
    return lambda r: r is chosen


def _select(view, predicate, column: int) -> bool:
    if not view.select_row_of(predicate, column):
        return False
    view.setFocus(Qt.FocusReason.OtherFocusReason)
    # a tab just shown lays out its fitted rows a moment later (PlanTableView): scroll again then
    QTimer.singleShot(0, view, lambda: _scroll_again(view))
    return True


def _scroll_again(view) -> None:
    view.doItemsLayout()
    view.scrollTo(view.currentIndex())
    frozen = getattr(view, "frozen", None)      # the identifying columns' overlay follows (frozen_columns)
    if frozen is not None and frozen.overlay.isVisible():
        frozen.sync_rows()
        frozen.overlay.doItemsLayout()
        frozen.overlay.verticalScrollBar().setValue(view.verticalScrollBar().value())


def _reveal_indicator(window, tab, hit) -> bool:
    place = hit.place
    unit = place.get("unit_code") or window.selected_unit() or window.controller.unit_code
    line = _preferring(tab.model, unit, lambda r: r.get("indicator_code") == place["indicator_code"])
    if hit.table != "realisation":
        return _select(tab.view, line, _column(tab.model, hit))
    if not tab.view.select_row_of(line, tab.model.column_index("indicator_code")):
        return False                     # selecting the IKK line lists its realisations below
    return _select(tab.realisation_view, lambda r: r.get("id") == place["id"],
                   tab.realisation_model.column_index("evidence"))


def _reveal_cycle(window, hit) -> bool:
    tab = window.cycle_tab
    window.tabs.setCurrentWidget(tab)
    place = hit.place
    page = place.get("page")
    if page == "pohon":
        return _reveal_tree_item(tab, place)
    period = str(place.get("period") or place.get("year"))
    tab.year.setValue(int(period[:4]))
    if page == "narasi":
        tab.pages.setCurrentIndex(2)
        if not window.controller.is_kanwil:      # a UPT's LKjIP is per semester: TW I/II or TW III/IV
            tab.period.setCurrentIndex(tab.period.findData(period[5:] or "S1"))
        tab.section.setCurrentIndex(tab.section.findData(place["section"]))
        return _find_in(tab.editor, hit)
    if page == "pk":
        tab.pages.setCurrentIndex(0)
        code = place.get("indicator_code")
        if code is None:
            tab.pk_status.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        column = {"responsible": 6, "tw4_reason": 7}.get(hit.column, 0)
        if hit.column.startswith("activities_tw"):
            column = int(hit.column[-1]) + 1                 # the quarter's column (TW I ... TW IV)
        return _select_cell(tab.plan_table, lambda item: item.data(Qt.ItemDataRole.UserRole) == code, column)
    tab.pages.setCurrentIndex(1)
    index = tab.period.findData(period[5:])
    if index >= 0:
        tab.period.setCurrentIndex(index)
    code = place["indicator_code"]
    if not _select_cell(tab.measure_table, lambda item: item.text().startswith(code + " "), 0):
        return False
    editor = {"explanation": tab.explanation, "obstacles": tab.obstacles, "solutions": tab.solutions}.get(hit.column)
    if editor is None:                                          # an evidence file: listed under the table
        return True
    return _find_in(editor, hit)


def _reveal_tree_item(tab, place) -> bool:
    wanted = {(place.get("unit_code"), place["code"]), (None, place["code"])}
    found = None
    for i in range(tab.tree.topLevelItemCount()):
        top = tab.tree.topLevelItem(i)
        for item in [top] + [top.child(j) for j in range(top.childCount())]:
            key = item.data(0, Qt.ItemDataRole.UserRole)
            if key == (place.get("unit_code"), place["code"]):
                found = item
                break
            if found is None and tuple(key) in wanted:
                found = item
    if found is None:
        return False
    tab.tree.setCurrentItem(found)
    tab.tree.scrollToItem(found)
    tab.tree.setFocus(Qt.FocusReason.OtherFocusReason)
    return True


def _select_cell(table, predicate, column: int) -> bool:
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        if item is not None and predicate(item):
            table.setCurrentCell(row, column)
            table.scrollToItem(table.item(row, column) or item)
            table.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
    return False


def _find_in(editor, hit) -> bool:
    """Focus a text editor with the first match selected."""
    editor.setFocus(Qt.FocusReason.OtherFocusReason)
    if not hit.spans:
        return True
    a, b = hit.spans[0]
    for start, end in hit.spans[1:]:     # the words matched together on the same line
        if end - a > 80 or "\n" in hit.text[a:end]:
            break
        b = end
    editor.moveCursor(QTextCursor.MoveOperation.Start)
    editor.find(hit.text[a:b])           # case-insensitive, as the search
    return True
