"""Typing amounts in Pendanaan (juta rupiah): "2.500" is two thousand five hundred there, typed in
the real cell editor; "1.234" stays ambiguous where a value is not money (a target)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from conftest_ui import cell_index, read_db, row_of


def type_into(view, index, text):
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.viewport().findChild(QLineEdit)
    editor.selectAll()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)


def test_a_dot_and_three_digits_is_thousands_in_pendanaan(window, qtbot, kanwil_path, fake_dialogs):
    tab = window.funding_tab
    window.tabs.setCurrentWidget(tab)
    row = row_of(tab.model, line_code="IKK 19.1", measure="allocation")
    index = cell_index(tab.model, row, "y_2027")
    type_into(tab.view, index, "2.500")
    qtbot.waitUntil(lambda: index.data() == "2.500,00")
    assert fake_dialogs.warnings() == []
    stored = read_db(kanwil_path, "SELECT allocation FROM funding WHERE unit_code = 'KANWIL' AND line_code = "
                                  "'IKK 19.1' AND year = 2027")
    assert stored == [(2500.0,)]


def test_a_dot_and_three_digits_stays_ambiguous_in_a_target(window, qtbot, kanwil_path, fake_dialogs):
    tab = window.indicator_tab
    index = cell_index(tab.model, row_of(tab.model, indicator_code="IKK 19.1"), "target_2027")
    before = kanwil_path.read_bytes()
    type_into(tab.view, index, "1.234")
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()))
    assert "ambigu" in fake_dialogs.warnings()[-1] and kanwil_path.read_bytes() == before
