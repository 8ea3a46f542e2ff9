"""A UPT installation sees only its own unit and cannot change rows another unit writes; the
Kanwil sees every unit, and merged UPT rows are read-only there."""
from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from conftest_ui import cell_index, read_db, row_of, show_tab
from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.service import Edit
from renstra_desktop.core.store import Store
from renstra_desktop.ui.main_window import ALL_UNITS, MainWindow

EDIT = Qt.ItemDataRole.EditRole
UPT = "LPS-LOBAR"


@pytest.fixture
def upt_path(tmp_path):
    path = tmp_path / "lobar.renstra"
    create_plan_file(path, UPT).close()
    # The Kanwil set this UPT's IKK 17.1 targets; they arrive with the Kanwil's package (targets
    # cascade from the Kanwil: the rows are written by the Kanwil although they are the UPT's).
    conn = sqlite3.connect(path)
    conn.execute("UPDATE indicator_target SET value = 3.1 "
                 "WHERE unit_code = ? AND indicator_code = 'IKK 17.1'", (UPT,))
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def upt_window(qtbot, upt_path):
    win = MainWindow(Store.open(upt_path))
    qtbot.addWidget(win)
    win.show()
    return win


def test_upt_sees_only_its_own_unit(upt_window, qtbot):
    combo = upt_window.unit_combo
    assert combo.count() == 1 and combo.currentData() == UPT and not combo.isEnabled()
    assert "Lapas Kelas IIA Lombok Barat" in upt_window.unit_label.text()
    for tab in upt_window.plan_tabs():
        model = show_tab(qtbot, upt_window, tab).model
        assert model.rows(), type(model).__name__
        assert {r["unit_code"] for r in model.rows() if r["unit_code"] != "__total__"} == {UPT}
        assert "unit_code" not in [c.key for c in model.columns()]


def test_upt_cannot_edit_rows_the_kanwil_writes(upt_window, upt_path, qtbot, fake_dialogs):
    model = upt_window.indicator_tab.model
    kanwil_row = row_of(model, indicator_code="IKK 17.1")
    own_row = row_of(model, indicator_code="IKK 19.1")
    locked = cell_index(model, kanwil_row, "target_2026")
    assert not model.flags(locked) & Qt.ItemFlag.ItemIsEditable
    assert "Milik Kantor Wilayah" in locked.data(Qt.ItemDataRole.ToolTipRole)     # the name, not the code
    assert locked.data(Qt.ItemDataRole.BackgroundRole) is not None
    before = upt_path.read_bytes()
    assert not model.setData(locked, "9", EDIT)
    assert upt_path.read_bytes() == before
    # even if a caller goes around the flags, the service refuses and the message is shown
    row_id = model.row_dict(kanwil_row)["target_ids"][2026]
    assert upt_window.controller.apply([Edit("indicator_target", row_id, "value", "9")], "coba")   # queued
    upt_window.controller.wait_idle()
    assert upt_window.controller.undo_stack.count() == 0          # the refused write's step left the stack
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()))
    assert "KANWIL" in fake_dialogs.warnings()[0]
    assert upt_path.read_bytes() == before
    # every target of the unit is the Kanwil's, filled or not
    own = cell_index(model, own_row, "target_2026")
    assert not model.flags(own) & Qt.ItemFlag.ItemIsEditable


def test_upt_new_rows_belong_to_the_upt(upt_window, upt_path):
    tab = upt_window.risk_tab
    assert tab.add_row()
    upt_window.controller.wait_idle()
    tab.view.closePersistentEditor(tab.view.currentIndex())
    assert read_db(upt_path, "SELECT unit_code, owner_unit FROM risk WHERE origin = 'local'") == [(UPT, UPT)]


def test_kanwil_sees_every_unit_and_merged_rows_are_read_only(window, qtbot, kanwil_path, fake_dialogs):
    window.controller.store.conn.execute(
        "INSERT INTO risk (id, owner_unit, created_at, updated_at, updated_by, origin, unit_code, program_code, "
        "area, seq, risk) VALUES ('00000000-0000-4000-8000-000000000001', ?, 'x', 'x', 'x', 'paket', ?, 'PPH', "
        "'Pelayanan', 1, 'Risiko dari paket UPT')", (UPT, UPT))
    window.controller.external_change()
    assert window.unit_combo.currentData() == "KANWIL"        # its own plan first
    window.set_selected_unit(ALL_UNITS)
    assert [window.unit_combo.itemText(i) for i in range(3)] == [
        "Semua satker", "Kantor Wilayah", "Lapas Kelas IIA Lombok Barat"]
    assert window.unit_combo.count() == 13
    tab = show_tab(qtbot, window, window.risk_tab)
    model = tab.model
    row = row_of(model, unit_code=UPT)
    assert cell_index(model, row, "unit_code").data() == "Lapas Kelas IIA Lombok Barat"
    assert not model.flags(cell_index(model, row, "risk")) & Qt.ItemFlag.ItemIsEditable
    tab.view.setCurrentIndex(cell_index(model, row, "risk"))
    before = kanwil_path.read_bytes()
    assert not tab.remove_rows()
    window.controller.wait_idle()
    assert "milik Lapas Kelas IIA Lombok Barat" in fake_dialogs.warnings()[0] and UPT not in fake_dialogs.warnings()[0]
    assert kanwil_path.read_bytes() == before
    # filtering on one unit
    window.set_selected_unit(UPT)
    assert [r["unit_code"] for r in model.rows()] == [UPT]
    assert "unit_code" not in [c.key for c in model.columns()]
    window.set_selected_unit("KANWIL")
    assert {r["unit_code"] for r in model.rows()} == {"KANWIL"}


def test_upt_adding_a_target_line_is_explained_not_attempted(upt_window, upt_path, fake_dialogs):
    tab = upt_window.indicator_tab
    tab.view.setFocus()
    before = upt_path.read_bytes()
    assert not tab.add_target_line()
    assert "ditetapkan Kantor Wilayah" in fake_dialogs.messages[-1][2]
    assert upt_path.read_bytes() == before
