"""The window's side of the tamper-evident history (issue 9 §4): the red banner after open, and
"Riwayat…" on a cell driving the real dialog."""
import sqlite3

from conftest_ui import cell_index, click_button, drive_modal, open_window, row_of, show_tab

from PySide6.QtCore import Qt

from renstra_desktop.core.rows import stable_id
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store

EDIT = Qt.ItemDataRole.EditRole
TARGET = stable_id("indicator_target", "KANWIL", "IKK 17.1", 2026)


def _edit_outside(path, value=4.75):
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE indicator_target SET value = ? WHERE id = ?", (value, TARGET))
    conn.close()


def test_a_file_changed_outside_shows_the_red_banner_naming_the_row(qtbot, kanwil_path):
    with Store.open(kanwil_path) as store:
        PlanService(store, "penguji").update("indicator_target", TARGET, {"value": "3,9"})
    _edit_outside(kanwil_path)
    window = open_window(qtbot, kanwil_path)
    banner = window.feature("tamper").banner
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=15000)
    text = banner.label.text()
    assert "diubah di luar aplikasi (1 temuan)" in banner.title.text()
    assert "Target KANWIL · IKK 17.1 · 2026" in text and "value: tercatat 3.9, di berkas 4.75" in text
    assert banner.geometry().top() < window.tabs.geometry().top() + window.centralWidget().geometry().top() + 5


def test_a_change_outside_written_over_in_the_application_is_still_in_the_banner(qtbot, kanwil_path):
    with Store.open(kanwil_path) as store:
        PlanService(store, "penguji").update("indicator_target", TARGET, {"value": "3,9"})
    _edit_outside(kanwil_path)
    with Store.open(kanwil_path) as store:        # the same row edited in the application afterwards
        PlanService(store, "penguji").update("indicator_target", TARGET, {"value": "4"})
    window = open_window(qtbot, kanwil_path)
    banner = window.feature("tamper").banner
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=15000)
    assert "Target, baris urutan simpan #0–#255: isinya diubah di luar aplikasi sebelum entri #2" in banner.label.text()


def test_a_clean_file_shows_no_banner(qtbot, kanwil_path):
    window = open_window(qtbot, kanwil_path)
    qtbot.waitUntil(lambda: window.feature("tamper").banner.findings == [] and not window.feature("tamper").banner.isVisible(),
                    timeout=5000)
    qtbot.wait(300)
    assert not window.feature("tamper").banner.isVisible()


def test_riwayat_on_a_cell_shows_who_changed_it_from_what_to_what(qtbot, kanwil_path):
    from PySide6.QtWidgets import QDialog

    from renstra_desktop.ui.history_dialog import HistoryDialog

    window = open_window(qtbot, kanwil_path)
    tab = window.indicator_tab
    show_tab(qtbot, window, tab)
    model = tab.model
    row = row_of(model, indicator_code="IKK 17.1")
    index = cell_index(model, row, "target_2026")
    assert model.setData(index, "3,95", EDIT)
    window.controller.wait_idle()
    qtbot.waitUntil(lambda: _value(kanwil_path) == 3.95, timeout=10000)
    seen = {}

    def read(dialog: QDialog) -> None:
        table = dialog.table
        seen["rows"] = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
        seen["title"] = dialog.windowTitle()
        click_button(dialog, "Tutup")

    view = tab.view
    view.scrollTo(index)
    driver = drive_modal(HistoryDialog, read)
    view.customContextMenuRequested.emit(view.visualRect(index).center())
    action = next(a for a in view.history_menu.actions() if a.objectName() == "history_action")
    assert action.isEnabled()
    action.trigger()
    window.controller.wait_idle()
    view.history_menu.close()
    qtbot.waitUntil(lambda: driver.done, timeout=15000)
    driver.check()
    rows = seen["rows"]
    assert rows[0][2] == "Isi awal berkas" and rows[0][6] == "rencana bawaan"
    assert rows[-1][1:7] == ["penguji", "Diubah", "Target", "3.4", "3.95", "komputer ini"]
    assert "WITA" in rows[-1][0]
    assert "IKK 17.1" in seen["title"]


def _value(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT value FROM indicator_target WHERE id = ?", (TARGET,)).fetchone()[0]
    finally:
        conn.close()
