"""What a user sees when switching the window to "Semua satker" and opening the Laporan tab."""
from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel



def test_columns_keep_their_widths_when_the_satker_column_appears(window, qtbot):
    view = window.indicator_tab.view
    header, model = view.horizontalHeader(), view.model()

    def widths():
        return {c.key: (header.sectionSize(i), header.sectionResizeMode(i)) for i, c in enumerate(model.columns())}

    alone = widths()
    window.set_selected_unit(None)                       # Semua satker: a Satker column comes first
    every = widths()
    assert model.columns()[0].key == "unit_code"
    assert every["indicator_code"] == alone["indicator_code"] == (72, QHeaderView.ResizeMode.Interactive)
    assert every["indicator_name"][0] > 260                # the long name, not the code, takes the space
    window.set_selected_unit("KANWIL")
    qtbot.waitUntil(lambda: widths() == alone)           # after the scroll bar of the long list has gone


def test_report_tab_opens_on_the_window_unit_and_this_year(window):
    window.set_selected_unit(None)
    window.tabs.setCurrentWidget(window.report_tab)
    tab = window.report_tab
    assert tab.unit.currentData() == "" and tab.unit.currentText() == "Semua satker (gabungan)"
    assert tab.year.value() == window.controller.current_year()
    hints = [w.text() for w in tab.preview.findChildren(QLabel) if w.text()]
    assert any("Buat laporan" in text for text in hints)


def test_a_unit_chosen_in_the_report_tab_stays(window):
    tab = window.report_tab
    window.tabs.setCurrentWidget(tab)
    tab.unit.setCurrentIndex(tab.unit.findData("RTN-BIMA"))
    tab.unit.activated.emit(tab.unit.currentIndex())     # as a user's pick
    window.tabs.setCurrentWidget(window.indicator_tab)
    window.set_selected_unit(None)
    window.tabs.setCurrentWidget(tab)
    assert tab.unit.currentData() == "RTN-BIMA"
