"""The editing tabs with many rows (issue 11): rows fitted only as they come into view with their full
text always reachable, a unit switch reading only the tab that shows, every unit's rows read in a
worker, an edit on "Semua satker" reading only its unit again, and sorting and filtering."""
from __future__ import annotations

import threading

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from PySide6.QtTest import QTest

from conftest_ui import cell_index, read_db, row_of, show_tab

TREATMENTS = ["Pelatihan petugas", "Pengawasan melekat", "Evaluasi berkala", "Laporan bulanan"]


def add_risks(controller, n: int) -> None:
    """``n`` more risks of the Kanwil, each with four treatments (four lines in its cell)."""
    with controller.store.atomic():
        for i in range(n):
            controller.service.insert("risk", {"unit_code": "KANWIL", "program_code": "PPH", "area": "Pelayanan",
                                               "seq": 100 + i, "risk": f"Risiko tambahan {i}",
                                               "treatments": TREATMENTS, "success_indicators": []})
    controller.external_change()


def count_reads(monkeypatch, *models) -> list[tuple]:
    """Record (model class, unit, thread name) for every fetch of these models."""
    calls = []
    for model in models:
        original = model.fetch

        def spy(conn, unit_code, original=original, model=model):
            calls.append((type(model).__name__, unit_code, threading.current_thread().name))
            return original(conn, unit_code)
        monkeypatch.setattr(model, "fetch", spy)
    return calls


def test_rows_are_fitted_as_they_come_into_view_and_keep_their_full_text(window, qtbot):
    add_risks(window.controller, 300)
    window.resize(1024, 768)
    tab = show_tab(qtbot, window, window.risk_tab)
    view, model = tab.view, tab.model
    default = view.verticalHeader().defaultSectionSize()
    last = row_of(model, risk="Risiko tambahan 299")
    assert last > 300
    column = model.column_index("treatments")
    # far down, not yet seen: one line high, its whole text in the tooltip
    assert view.rowHeight(last) == default
    tooltip = cell_index(model, last, "treatments").data(Qt.ItemDataRole.ToolTipRole)
    assert all(item in tooltip for item in TREATMENTS)
    assert len(view.sized_rows()) < 60                    # only what the viewport showed was fitted
    # scrolled to: fitted to its four lines, in the table and in the frozen columns beside it
    view.scrollTo(model.index(last, column))
    qtbot.waitUntil(lambda: view.rowHeight(last) >= 4 * view.fontMetrics().lineSpacing())
    assert view.visualRect(model.index(last, column)).bottom() <= view.viewport().height()
    for row in range(view.rowAt(0), view.rowAt(view.viewport().height() - 1) + 1):
        assert view.frozen.overlay.rowHeight(row) == view.rowHeight(row)
    assert len(view.sized_rows()) < 120


def test_the_frozen_columns_follow_the_table_and_the_wheel_over_them_scrolls_it(window, qtbot):
    add_risks(window.controller, 300)
    window.resize(1024, 768)
    tab = show_tab(qtbot, window, window.risk_tab)
    view, overlay = tab.view, tab.view.frozen.overlay
    qtbot.waitUntil(overlay.isVisible)
    bar = view.verticalScrollBar()
    # the wheel over the identifying columns scrolls the table; the overlay shows the same rows
    pos = QPoint(10, overlay.viewport().height() // 2)
    for _ in range(5):
        QTest.mouseMove(overlay.viewport(), pos)
        event = QWheelEvent(QPointF(pos), QPointF(overlay.viewport().mapToGlobal(pos)), QPoint(), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(overlay.viewport(), event)
    assert bar.value() > 0
    assert overlay.verticalScrollBar().value() == bar.value()
    # the overlay never pulls the table: its own bar moved elsewhere leaves the table where it is
    value = bar.value()
    overlay.verticalScrollBar().setValue(0)
    assert bar.value() == value
    # every row the table fitted is as high in the overlay (also rows fitted while a reset laid it out)
    bar.setValue(bar.maximum())
    qtbot.wait(20)
    window.controller.external_change()          # the model resets: rows fitted again as they show
    qtbot.wait(20)
    for row in range(tab.model.rowCount()):
        assert overlay.rowHeight(row) == view.rowHeight(row), row


def test_a_unit_switch_reads_only_the_tab_that_shows(window, qtbot, monkeypatch):
    tabs = [window.indicator_tab, window.risk_tab, window.roadmap_tab, window.funding_tab]
    calls = count_reads(monkeypatch, *(t.model for t in tabs))
    window.set_selected_unit("LPS-LOBAR")
    assert [c[:2] for c in calls] == [("IndicatorModel", "LPS-LOBAR")]
    window.set_selected_unit("KANWIL")
    assert [c[:2] for c in calls[1:]] == [("IndicatorModel", "KANWIL")]
    # a hidden tab reads once, when it is shown, for the unit shown then
    del calls[:]
    show_tab(qtbot, window, window.roadmap_tab)
    assert [c[:2] for c in calls] == [("RoadmapModel", "KANWIL")]
    assert {r["unit_code"] for r in window.roadmap_tab.model.rows()} == {"KANWIL"}
    show_tab(qtbot, window, window.indicator_tab)
    assert len(calls) == 1                               # nothing changed meanwhile: nothing read
    # an edit re-reads the tables it touched, in the tab that shows; the hidden ones when shown
    del calls[:]
    model = window.indicator_tab.model
    assert model.setData(cell_index(model, row_of(model, indicator_code="IKK 17.1"), "target_2027"), "3,65")
    window.controller.wait_idle()
    assert [c[0] for c in calls] == ["IndicatorModel"]


def test_every_units_rows_are_read_in_a_worker(window, qtbot, monkeypatch):
    tab = window.indicator_tab
    calls = count_reads(monkeypatch, tab.model)
    window.set_selected_unit(None)
    assert tab.model.loading and tab.model.rowCount() == 0        # the window goes on meanwhile
    assert "unit_code" in [c.key for c in tab.model.columns()]
    qtbot.waitUntil(lambda: not tab.model.loading, timeout=10_000)
    assert calls == [("IndicatorModel", None, calls[0][2])] and calls[0][2] != threading.current_thread().name
    assert len({r["unit_code"] for r in tab.model.rows()}) > 1


def test_an_edit_on_every_unit_reads_only_its_unit_again(window, qtbot, monkeypatch, kanwil_path):
    tab = show_tab(qtbot, window, window.roadmap_tab)
    window.set_selected_unit(None)
    qtbot.waitUntil(lambda: not tab.model.loading, timeout=10_000)
    model = tab.model
    count = model.rowCount()
    calls = count_reads(monkeypatch, model)
    row = row_of(model, unit_code="KANWIL")
    index = cell_index(model, row, "text")
    assert model.setData(index, "Kegiatan yang diubah", Qt.ItemDataRole.EditRole)
    window.controller.wait_idle()
    assert index.data() == "Kegiatan yang diubah" and not model.loading        # at once
    assert [c[:2] for c in calls] == [("RoadmapModel", "KANWIL")]
    assert model.rowCount() == count
    window.undo_action.trigger()
    window.controller.wait_idle()
    assert index.data() != "Kegiatan yang diubah"
    assert read_db(kanwil_path, "SELECT text FROM roadmap_item WHERE id = ?", (model.row_dict(row)["id"],))[0][0] \
        == index.data()
    assert [c[:2] for c in calls] == [("RoadmapModel", "KANWIL")] * 2


def click_header(view, column: int) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_a_header_click_sorts_and_the_filter_box_filters(window, qtbot, qtmodeltester):
    tab = show_tab(qtbot, window, window.roadmap_tab)
    view, model = tab.view, tab.model
    plan_order = [r["id"] for r in model.rows()]
    year = model.column_index("year")
    click_header(view, year)
    years = [r["year"] for r in model.rows()]
    assert years == sorted(years) and [r["id"] for r in model.rows()] != plan_order
    click_header(view, year)
    assert [r["year"] for r in model.rows()] == sorted(years, reverse=True)
    assert view.horizontalHeader().sortIndicatorSection() == year
    click_header(view, year)                             # a third click: the plan's order again
    assert [r["id"] for r in model.rows()] == plan_order
    qtmodeltester.check(model)

    QTest.keyClicks(tab.filter_edit, "Sarana")
    window.controller.wait_idle()
    qtbot.waitUntil(lambda: model.filter_text() == "sarana")
    shown = model.rows()
    assert 0 < len(shown) < len(plan_order)
    assert all("sarana" in (r["aspect"] + " " + r["text"]).lower() for r in shown)
    tab.filter_edit.setText("tidak ada yang seperti ini")
    qtbot.waitUntil(lambda: model.rowCount() == 0)
    assert "Saring" in view.empty_text()
    tab.filter_edit.clear()
    qtbot.waitUntil(lambda: model.rowCount() == len(plan_order))
    assert [r["id"] for r in model.rows()] == plan_order


def test_the_funding_totals_stay_last_when_sorted(window, qtbot):
    tab = show_tab(qtbot, window, window.funding_tab)
    model = tab.model
    tab.view.sortByColumn(model.column_index("y_2025"), Qt.SortOrder.DescendingOrder)
    rows = model.rows()
    assert [r["measure"] for r in rows[-2:]] == ["allocation", "realised"]
    assert all(r["unit_code"] == "__total__" for r in rows[-2:])
    totals = [r["values"][2025] for r in rows[:-2] if r["values"].get(2025) is not None]
    assert totals == sorted(totals, reverse=True)
    # a realised row under its own allocation row leaves the name to it; sorted apart, it says its line
    apart = 0
    for i, r in enumerate(rows[:-2]):
        if r["measure"] == "realised":
            under_its_allocation = i and (rows[i - 1]["measure"], rows[i - 1]["line_code"]) == ("allocation",
                                                                                                r["line_code"])
            apart += not under_its_allocation
            assert bool(cell_index(model, i, "line_name").data()) == (not under_its_allocation)
    assert apart
