"""Multi-line cells (treatments, success indicators): the editor says how to finish, and Tab or
Ctrl+Enter saves what was typed (Enter only starts a new item), through real key presses."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from conftest_ui import cell_index, read_db
from renstra_desktop.ui.delegates import ListEditor


def open_editor(qtbot, window, row=0, key="treatments"):
    tab = window.risk_tab
    window.tabs.setCurrentWidget(tab)
    index = cell_index(tab.model, row, key)
    tab.view.setCurrentIndex(index)
    tab.view.edit(index)
    editor = tab.view.viewport().findChild(ListEditor)
    qtbot.waitUntil(lambda: editor.isVisible())
    editor.setFocus()
    return tab, index, editor


def treatments(path, risk_id):
    return json.loads(read_db(path, "SELECT treatments FROM risk WHERE id = ?", (risk_id,))[0][0])


@pytest.mark.parametrize("finish", ["tab", "ctrl+enter"])
def test_the_editor_says_how_to_save_and_saves_on_it(qtbot, window, kanwil_path, finish):
    tab, index, editor = open_editor(qtbot, window)
    assert editor.hint.isVisible() and "Tab atau Ctrl+Enter: simpan" in editor.hint.text()
    assert editor.hint.geometry().bottom() <= editor.rect().bottom()
    risk_id = tab.model.row_dict(index.row())["id"]
    editor.selectAll()
    QTest.keyClicks(editor, "Patroli malam")
    QTest.keyClick(editor, Qt.Key.Key_Return)             # a new item, not the end
    QTest.keyClicks(editor, "Pemeriksaan kamar")
    assert treatments(kanwil_path, risk_id) != ["Patroli malam", "Pemeriksaan kamar"]
    if finish == "tab":
        QTest.keyClick(editor, Qt.Key.Key_Tab)
    else:
        QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: treatments(kanwil_path, risk_id) == ["Patroli malam", "Pemeriksaan kamar"])
    from PySide6.QtWidgets import QLabel
    assert any("Tab atau Ctrl+Enter: simpan" in label.text() for label in tab.findChildren(QLabel))
