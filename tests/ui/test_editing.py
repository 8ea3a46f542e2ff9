"""Editing through the models and the views: values land in the file (read back through a second
sqlite3 connection), bad input is refused with a message and leaves the file's bytes unchanged,
undo/redo, adding and removing rows (tombstones), copy and paste of TSV ranges."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from conftest_ui import cell_index, read_db, row_of
from period_fixtures import record_event

EDIT = Qt.ItemDataRole.EditRole


def target_value(path, indicator="IKK 17.1", year=2026, unit="KANWIL"):
    return read_db(path, "SELECT value FROM indicator_target WHERE unit_code = ? AND indicator_code = ? "
                         "AND year = ?", (unit, indicator, year))[0][0]


# -- a cell edit lands in the file -------------------------------------------------------------------
def test_edit_target_through_the_model(window, kanwil_path):
    model = window.indicator_tab.model
    index = cell_index(model, row_of(model, indicator_code="IKK 17.1"), "target_2026")
    assert model.setData(index, "3,7", EDIT)
    window.controller.wait_idle()
    assert target_value(kanwil_path) == 3.7
    assert index.data() == "3,7"
    assert read_db(kanwil_path, "SELECT actor, field, old_value, new_value FROM audit_log ORDER BY seq DESC "
                                "LIMIT 1") == [("penguji", "value", "3.4", "3.7")]
    # a dot followed by one or two digits is read as a decimal point
    assert model.setData(index, "3.45", EDIT)
    window.controller.wait_idle()
    assert target_value(kanwil_path) == 3.45


def test_edit_funding_with_thousands_grouping(window, kanwil_path):
    window.tabs.setCurrentWidget(window.funding_tab)      # a hidden tab reads its rows when shown
    model = window.funding_tab.model
    row = row_of(model, line_code="IKK 19.1", measure="allocation")
    assert model.setData(cell_index(model, row, "y_2026"), "15.000,5", EDIT)
    window.controller.wait_idle()
    stored = read_db(kanwil_path, "SELECT allocation FROM funding WHERE unit_code = 'KANWIL' "
                                  "AND line_code = 'IKK 19.1' AND year = 2026")[0][0]
    assert stored == 15000.5
    assert cell_index(model, row, "y_2026").data() == "15.000,50"
    assert cell_index(model, row, "total").data() == "66.754,29"   # 66.422,74 - 14.668,95 + 15.000,50


def test_edit_through_the_view_by_typing(window, qtbot, kanwil_path):
    tab = window.indicator_tab
    view, model = tab.view, tab.model
    index = cell_index(model, row_of(model, indicator_code="IKK 19.2"), "target_2027")
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "3,53"
    editor.selectAll()
    QTest.keyClicks(editor, "3,61")
    window.controller.wait_idle()
    QTest.keyClick(editor, Qt.Key.Key_Return)
    window.controller.wait_idle()
    qtbot.waitUntil(lambda: target_value(kanwil_path, "IKK 19.2", 2027) == 3.61)
    assert index.data() == "3,61"


def test_typing_starts_an_edit_like_a_spreadsheet(window, qtbot, kanwil_path):
    tab = window.funding_tab
    window.tabs.setCurrentWidget(tab)
    view, model = tab.view, tab.model
    index = cell_index(model, row_of(model, line_code="SK 17", measure="realised"), "y_2025")
    view.setFocus()
    view.setCurrentIndex(index)
    QTest.keyClicks(view, "7")            # the first key opens the editor with that key
    window.controller.wait_idle()
    editor = view.viewport().findChild(QLineEdit)
    assert editor is not None
    QTest.keyClicks(editor, "00,25")
    window.controller.wait_idle()
    QTest.keyClick(editor, Qt.Key.Key_Return)
    window.controller.wait_idle()
    qtbot.waitUntil(lambda: read_db(kanwil_path, "SELECT realised FROM funding WHERE line_code = 'SK 17' "
                                                 "AND year = 2025")[0][0] == 700.25)


# -- refusals ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, reason", [("abc", "bukan angka"), ("1.234", "ambigu")])
def test_invalid_number_is_refused_and_nothing_written(window, qtbot, kanwil_path, fake_dialogs, text, reason):
    model = window.indicator_tab.model
    index = cell_index(model, row_of(model, indicator_code="IKK 17.1"), "target_2026")
    before = kanwil_path.read_bytes()
    assert model.setData(index, text, EDIT)     # queued: the typed text shows until the writer answers
    assert index.data() == text
    window.controller.wait_idle()
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()))
    assert reason in fake_dialogs.warnings()[0]
    assert kanwil_path.read_bytes() == before
    assert window.controller.undo_stack.count() == 0
    assert index.data() == "3,4"


def test_invalid_input_typed_in_the_view_is_refused(window, qtbot, kanwil_path, fake_dialogs):
    tab = window.risk_tab
    window.tabs.setCurrentWidget(tab)
    view, model = tab.view, tab.model
    index = cell_index(model, 0, "inherent_likelihood")
    model.setData(index, 9, EDIT)          # a score outside 1..5 (e.g. pasted) is refused by the core
    window.controller.wait_idle()
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()))
    assert "1 sampai 5" in fake_dialogs.warnings()[-1]
    before = kanwil_path.read_bytes()
    funding = window.funding_tab
    window.tabs.setCurrentWidget(funding)
    index = cell_index(funding.model, 0, "y_2026")
    funding.view.setCurrentIndex(index)
    funding.view.edit(index)
    editor = funding.view.viewport().findChild(QLineEdit)
    editor.selectAll()
    QTest.keyClicks(editor, "12,3,45")      # ("12.345" is 12 345 in a money column: test_money_typing)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    window.controller.wait_idle()
    qtbot.waitUntil(lambda: len(fake_dialogs.warnings()) == 2)
    assert "bukan angka yang sah" in fake_dialogs.warnings()[-1]
    assert kanwil_path.read_bytes() == before
    assert index.data() == "784,05"


# -- undo / redo ---------------------------------------------------------------------------------------
def test_undo_and_redo_an_edit(window, kanwil_path):
    model = window.indicator_tab.model
    index = cell_index(model, row_of(model, indicator_code="IKK 17.1"), "target_2028")
    assert model.setData(index, "3,9", EDIT)
    window.controller.wait_idle()
    assert target_value(kanwil_path, year=2028) == 3.9
    assert window.undo_action.isEnabled()
    assert "Target 2028" in window.undo_action.text()
    window.undo_action.trigger()
    window.controller.wait_idle()
    assert target_value(kanwil_path, year=2028) == 3.8
    assert index.data() == "3,8"
    window.redo_action.trigger()
    window.controller.wait_idle()
    assert target_value(kanwil_path, year=2028) == 3.9
    assert index.data() == "3,9"
    assert [s.toString() for s in window.undo_action.shortcuts()] == ["Ctrl+Z"]
    assert "Ctrl+Y" in [s.toString() for s in window.redo_action.shortcuts()]


def test_ctrl_z_and_ctrl_y_keys(window, qtbot, kanwil_path):
    window.activateWindow()
    model = window.funding_tab.model
    window.tabs.setCurrentWidget(window.funding_tab)
    index = cell_index(model, row_of(model, line_code="SK 17", measure="allocation"), "y_2027")
    assert model.setData(index, "900", EDIT)
    window.controller.wait_idle()
    view = window.funding_tab.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.controller.wait_idle()
    qtbot.waitUntil(lambda: index.data() == "823,25")
    QTest.keyClick(view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    window.controller.wait_idle()
    qtbot.waitUntil(lambda: index.data() == "900,00")


def test_undo_of_a_list_field_restores_the_list(window, kanwil_path):
    window.tabs.setCurrentWidget(window.risk_tab)
    model = window.risk_tab.model
    index = cell_index(model, 0, "treatments")
    before = read_db(kanwil_path, "SELECT treatments FROM risk WHERE id = ?", (model.row_dict(0)["id"],))[0][0]
    assert model.setData(index, "Satu\nDua", EDIT)
    window.controller.wait_idle()
    assert read_db(kanwil_path, "SELECT treatments FROM risk WHERE id = ?",
                   (model.row_dict(0)["id"],))[0][0] == '["Satu", "Dua"]'
    window.undo_action.trigger()
    window.controller.wait_idle()
    assert read_db(kanwil_path, "SELECT treatments FROM risk WHERE id = ?", (model.row_dict(0)["id"],))[0][0] == before


# -- adding and removing rows --------------------------------------------------------------------------
def test_add_and_remove_a_risk(window, kanwil_path, fake_dialogs):
    tab = window.risk_tab
    window.tabs.setCurrentWidget(tab)
    count = len(tab.model.rows())
    tab.view.setCurrentIndex(cell_index(tab.model, count - 1, "risk"))
    assert tab.add_row()
    window.controller.wait_idle()
    tab.view.closePersistentEditor(tab.view.currentIndex())
    assert len(tab.model.rows()) == count + 1
    new = tab.model.row_dict(tab.view.currentIndex().row())
    assert new["seq"] == count + 1 and new["owner_unit"] == "KANWIL"
    row = read_db(kanwil_path, "SELECT owner_unit, deleted, origin, program_code FROM risk WHERE id = ?", (new["id"],))
    assert row == [("KANWIL", 0, "local", new["program_code"])]

    tab.view.clearSelection()
    tab.view.setCurrentIndex(cell_index(tab.model, tab.view.currentIndex().row(), "risk"))
    assert tab.remove_rows()
    window.controller.wait_idle()
    assert "Hapus 1 baris" in fake_dialogs.questions[-1]
    assert read_db(kanwil_path, "SELECT deleted FROM risk WHERE id = ?", (new["id"],)) == [(1,)]   # tombstone
    assert len(tab.model.rows()) == count
    window.undo_action.trigger()     # undo the removal: restored
    window.controller.wait_idle()
    assert read_db(kanwil_path, "SELECT deleted FROM risk WHERE id = ?", (new["id"],)) == [(0,)]
    assert len(tab.model.rows()) == count + 1
    window.undo_action.trigger()     # undo the insertion: tombstoned again, never hard-deleted
    window.controller.wait_idle()
    assert read_db(kanwil_path, "SELECT deleted FROM risk WHERE id = ?", (new["id"],)) == [(1,)]


def test_remove_needs_confirmation(window, kanwil_path, fake_dialogs):
    tab = window.roadmap_tab
    window.tabs.setCurrentWidget(tab)
    tab.view.setCurrentIndex(cell_index(tab.model, 0, "text"))
    fake_dialogs.answers.append(False)
    before = kanwil_path.read_bytes()
    assert not tab.remove_rows()
    window.controller.wait_idle()
    assert kanwil_path.read_bytes() == before
    assert len(fake_dialogs.questions) == 1


def test_add_a_realisation_period_and_fill_it(window, kanwil_path, fake_dialogs):
    tab = window.indicator_tab
    tab.view.setCurrentIndex(cell_index(tab.model, row_of(tab.model, indicator_code="IKK 19.1"), "indicator_code"))
    assert tab.realisation_model.indicator_code == "IKK 19.1"
    fake_dialogs.texts.append("2026-s1")
    assert tab.add_period()
    window.controller.wait_idle()
    tab.realisation_view.closePersistentEditor(tab.realisation_view.currentIndex())
    rows = tab.realisation_model.rows()
    assert [r["period"] for r in rows] == ["2026-S1"]
    value_index = cell_index(tab.realisation_model, 0, "value")
    evidence_index = cell_index(tab.realisation_model, 0, "evidence")
    assert tab.realisation_model.setData(value_index, "97,5", EDIT)
    window.controller.wait_idle()
    assert tab.realisation_model.setData(evidence_index, "LHE RB semester I", EDIT)
    window.controller.wait_idle()
    assert read_db(kanwil_path, "SELECT period, value, evidence FROM realisation") == [
        ("2026-S1", 97.5, "LHE RB semester I")]
    # the indicator row shows the rolled-up realisation and its capaian at once
    tab.year_combo.setCurrentText("2026")
    row = row_of(tab.model, indicator_code="IKK 19.1")
    assert cell_index(tab.model, row, "actual").data() == "97,5"
    assert cell_index(tab.model, row, "achievement").data() == "97,5 %"
    assert cell_index(tab.model, row, "grade").data() == "Cukup"
    # the next period is suggested; an unknown period is refused and nothing is added
    fake_dialogs.texts.append("2026-S3")
    before = kanwil_path.read_bytes()
    assert tab.add_period()                     # queued; the core refuses it on the writer thread
    window.controller.wait_idle()
    assert "2026-S3" in fake_dialogs.warnings()[-1]
    assert kanwil_path.read_bytes() == before
    assert [r["period"] for r in tab.realisation_model.rows()] == ["2026-S1"]


def test_add_and_remove_a_funding_line(window, kanwil_path, fake_dialogs):
    tab = window.funding_tab
    window.tabs.setCurrentWidget(tab)
    fake_dialogs.items.append(0)        # the first SK/IKK without a line: IKK 17.1
    assert tab.add_row()
    window.controller.wait_idle()
    tab.view.closePersistentEditor(tab.view.currentIndex())
    rows = read_db(kanwil_path, "SELECT year, deleted, executing_unit FROM funding WHERE line_code = 'IKK 17.1' "
                                "ORDER BY year")
    assert rows == [(y, 0, "Kantor Wilayah") for y in range(2025, 2030)]
    row = row_of(tab.model, line_code="IKK 17.1", measure="allocation")
    tab.view.clearSelection()
    tab.view.setCurrentIndex(cell_index(tab.model, row, "line_code"))
    assert tab.remove_rows()
    window.controller.wait_idle()
    assert read_db(kanwil_path, "SELECT count(*) FROM funding WHERE line_code = 'IKK 17.1' AND deleted = 1") == [(5,)]
    assert not any(r["line_code"] == "IKK 17.1" for r in tab.model.rows())


def test_roadmap_status_through_the_combo_delegate(window, qtbot, kanwil_path):
    from PySide6.QtWidgets import QComboBox

    tab = window.roadmap_tab
    window.tabs.setCurrentWidget(tab)
    index = cell_index(tab.model, 0, "status")
    tab.view.setCurrentIndex(index)
    tab.view.edit(index)
    combo = tab.view.viewport().findChild(QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["Rencana", "Berjalan", "Selesai", "Batal"]
    combo.setCurrentIndex(2)
    combo.activated.emit(2)
    row_id = tab.model.row_dict(0)["id"]
    qtbot.waitUntil(lambda: read_db(kanwil_path, "SELECT status FROM roadmap_item WHERE id = ?",
                                    (row_id,)) == [("selesai",)])
    window.controller.wait_idle()
    assert index.data() == "Selesai"


# -- copy and paste --------------------------------------------------------------------------------------
def select(view, top, left, bottom, right):
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    model = view.model()
    view.setCurrentIndex(model.index(top, left))
    view.selectionModel().select(QItemSelection(model.index(top, left), model.index(bottom, right)),
                                 QItemSelectionModel.SelectionFlag.ClearAndSelect)


def test_copy_a_range_as_tsv(window):
    tab = window.indicator_tab
    model = tab.model
    col = model.column_index("target_2025")
    select(tab.view, 0, col, 1, col + 2)
    text = tab.view.copy_selection()
    assert text == "3,2\t3,4\t3,6\n100\t100\t100\n"
    assert QGuiApplication.clipboard().text() == text


def test_paste_a_range_is_one_service_call_and_one_undo_step(window, kanwil_path):
    tab = window.indicator_tab
    model = tab.model
    col = model.column_index("target_2025")
    select(tab.view, 0, col, 0, col)
    QGuiApplication.clipboard().setText("3,3\t3,5\r\n101\t102\r\n")     # as Excel puts it
    assert tab.paste()
    window.controller.wait_idle()
    assert target_value(kanwil_path, "IKK 17.1", 2025) == 3.3
    assert target_value(kanwil_path, "IKK 17.1", 2026) == 3.5
    assert target_value(kanwil_path, "IKK 19.1", 2025) == 101
    assert target_value(kanwil_path, "IKK 19.1", 2026) == 102
    assert window.controller.undo_stack.count() == 1
    window.undo_action.trigger()
    window.controller.wait_idle()
    assert [target_value(kanwil_path, i, y) for i in ("IKK 17.1", "IKK 19.1") for y in (2025, 2026)] == [
        3.2, 3.4, 100, 100]


def test_paste_with_one_bad_cell_writes_nothing(window, qtbot, kanwil_path, fake_dialogs):
    tab = window.indicator_tab
    col = tab.model.column_index("target_2025")
    select(tab.view, 0, col, 0, col)
    before = kanwil_path.read_bytes()
    assert tab.view.paste("3,3\t3,5\n1.234\t102\n")       # queued; the core refuses the whole paste
    window.controller.wait_idle()
    assert window.controller.undo_stack.count() == 0
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()))
    assert "ambigu" in fake_dialogs.warnings()[0]
    assert kanwil_path.read_bytes() == before
    # a range reaching a computed column is refused before anything is tried
    select(tab.view, 0, tab.model.column_index("target_2029"), 0, tab.model.column_index("target_2029"))
    assert not tab.view.paste("4\t99\n")
    window.controller.wait_idle()
    assert "tidak dapat diubah" in fake_dialogs.warnings()[-1]
    assert kanwil_path.read_bytes() == before


def test_paste_multiline_cells_from_a_spreadsheet(window, kanwil_path):
    tab = window.risk_tab
    window.tabs.setCurrentWidget(tab)
    model = tab.model
    select(tab.view, 0, model.column_index("treatments"), 0, model.column_index("treatments"))
    assert tab.view.paste('"Langkah satu\nLangkah dua"\tKepala Seksi\t"A\nB\nC"\n')
    window.controller.wait_idle()
    row_id = model.row_dict(0)["id"]
    assert read_db(kanwil_path, "SELECT treatments, responsible, success_indicators FROM risk WHERE id = ?",
                   (row_id,)) == [('["Langkah satu", "Langkah dua"]', "Kepala Seksi", '["A", "B", "C"]')]
    # copy it back: the multi-line cell is quoted as Excel expects
    select(tab.view, 0, model.column_index("treatments"), 0, model.column_index("responsible"))
    assert tab.view.copy_selection() == '"Langkah satu\nLangkah dua"\tKepala Seksi\n'


def test_one_value_fills_the_selection(window, kanwil_path):
    tab = window.funding_tab
    window.tabs.setCurrentWidget(tab)
    model = tab.model
    row = row_of(model, line_code="SK 17", measure="realised")
    select(tab.view, row, model.column_index("y_2025"), row, model.column_index("y_2029"))
    assert tab.view.paste("10")
    window.controller.wait_idle()
    assert read_db(kanwil_path, "SELECT realised FROM funding WHERE line_code = 'SK 17' ORDER BY year") == [
        (10.0,)] * 5
    assert cell_index(model, row, "total").data() == "50,00"
    assert window.controller.undo_stack.count() == 1


def test_delete_key_clears_the_selected_cells(window, kanwil_path):
    tab = window.funding_tab
    window.tabs.setCurrentWidget(tab)
    model = tab.model
    row = row_of(model, line_code="SK 17", measure="allocation")
    select(tab.view, row, model.column_index("y_2028"), row, model.column_index("y_2029"))
    tab.view.setFocus()
    QTest.keyClick(tab.view, Qt.Key.Key_Delete)
    window.controller.wait_idle()
    assert read_db(kanwil_path, "SELECT year, allocation FROM funding WHERE line_code = 'SK 17' AND year >= 2028 "
                                "ORDER BY year") == [(2028, None), (2029, None)]
    assert cell_index(model, row, "total").data() == "2.354,01"     # 746,71 + 784,05 + 823,25
    window.undo_action.trigger()
    window.controller.wait_idle()
    assert cell_index(model, row, "total").data() == "4.126,05"


def test_kanwil_sets_and_removes_a_units_target_line(window, kanwil_path, fake_dialogs):
    tab = window.indicator_tab
    window.set_selected_unit("LPS-LOBAR")
    # the cells the Kanwil cascades to the unit are there, empty, written by the Kanwil
    assert [r["indicator_code"] for r in tab.model.rows()] == ["IKK 17.1", "IKK 19.1", "IKK 19.2"]
    assert read_db(kanwil_path, "SELECT DISTINCT owner_unit, value FROM indicator_target WHERE unit_code = "
                                "'LPS-LOBAR'") == [("KANWIL", None)]
    row = row_of(tab.model, indicator_code="IKK 19.1")
    assert tab.model.setData(cell_index(tab.model, row, "target_2025"), "90", EDIT)
    window.controller.wait_idle()
    assert target_value(kanwil_path, "IKK 19.1", 2025, "LPS-LOBAR") == 90
    tab.view.setCurrentIndex(cell_index(tab.model, row, "indicator_code"))
    assert tab.remove_rows()
    window.controller.wait_idle()
    assert read_db(kanwil_path, "SELECT count(*) FROM indicator_target WHERE unit_code = 'LPS-LOBAR' "
                                "AND indicator_code = 'IKK 19.1' AND deleted = 1") == [(5,)]
    assert [r["indicator_code"] for r in tab.model.rows()] == ["IKK 17.1", "IKK 19.2"]
    # adding the line again brings the same cells back (same ids), empty
    fake_dialogs.items.append(0)             # the only IKK without a line: IKK 19.1
    tab.view.setFocus()
    assert tab.add_row()
    window.controller.wait_idle()
    assert read_db(kanwil_path, "SELECT count(*), max(deleted) FROM indicator_target WHERE unit_code = "
                                "'LPS-LOBAR' AND indicator_code = 'IKK 19.1'") == [(5, 0)]


def test_a_locked_period_is_read_only(window, kanwil_path, fake_dialogs):
    controller = window.controller
    controller.insert("realisation", [{"unit_code": "KANWIL", "indicator_code": "IKK 17.1", "period": "2025-S1",
                                       "value": "3,1"}], "isi")
    window.controller.wait_idle()                  # the realisation is written before the period is locked
    controller.written(record_event(controller.store, "KANWIL", "2025"))
    tab = window.indicator_tab
    tab.view.setCurrentIndex(cell_index(tab.model, row_of(tab.model, indicator_code="IKK 17.1"), "indicator_code"))
    model = tab.realisation_model
    index = cell_index(model, 0, "value")
    assert model.row_dict(0)["period"] == "2025-S1"
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert "dikunci" in index.data(Qt.ItemDataRole.ToolTipRole)
    before = kanwil_path.read_bytes()
    assert not model.setData(index, "3,3", EDIT)
    window.controller.wait_idle()
    assert kanwil_path.read_bytes() == before


def test_closing_the_window_closes_the_file_and_empties_the_views(window):
    models = [tab.model for tab in window.plan_tabs()]
    for tab in window.plan_tabs():
        window.tabs.setCurrentWidget(tab)
    assert all(m.rowCount() for m in models)
    window.close()
    assert window.controller.store is None
    assert [m.rowCount() for m in models] == [0] * len(models)


def test_views_paint_cells_on_the_base_colour(window):
    """Editable cells are white (read-only ones are tinted by the model), as with Qt's own viewport."""
    from PySide6.QtGui import QPalette

    for tab in window.plan_tabs():
        for view in tab.views():
            assert view.viewport().autoFillBackground()
            assert view.viewport().backgroundRole() == QPalette.ColorRole.Base


def test_multiline_editor_for_lists(window, qtbot, kanwil_path):
    from PySide6.QtWidgets import QPlainTextEdit

    tab = window.risk_tab
    window.tabs.setCurrentWidget(tab)
    index = cell_index(tab.model, 1, "success_indicators")
    tab.view.setCurrentIndex(index)
    tab.view.edit(index)
    editor = tab.view.viewport().findChild(QPlainTextEdit)
    assert editor is not None
    assert editor.toPlainText() == "\n".join(tab.model.row_dict(1)["success_indicators"])
    editor.setPlainText("Data tunggal terpakai\n\nSemua UPT sinkron  ")
    QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    window.controller.wait_idle()
    row_id = tab.model.row_dict(1)["id"]
    qtbot.waitUntil(lambda: read_db(kanwil_path, "SELECT success_indicators FROM risk WHERE id = ?", (row_id,)) == [
        ('["Data tunggal terpakai", "Semua UPT sinkron"]',)])
    assert index.data() == "1. Data tunggal terpakai\n2. Semua UPT sinkron"
