"""The Siklus Kinerja tab in the real window (offscreen): the pohon kinerja and manual, a quarter
target refused with the real warning box, the measurement graded against the quarter's target,
the analysis saved, evidence attached through the real file dialog (read in the worker), and a
bold narrative section kept in the file."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox

from conftest_ui import drive_modal
from cycle_scenario import PDF_BYTES, YEAR, province_copy
from renstra_desktop.core.cycle import narrative
from renstra_desktop.core.store import Store
from renstra_desktop.ui import dialogs

REAL_WARN = dialogs.warn
REAL_OPEN = dialogs.choose_evidence_file


@pytest.fixture
def upt_window(qtbot, tmp_path, tmp_path_factory):
    from renstra_desktop.ui.main_window import MainWindow
    prov = province_copy(tmp_path, tmp_path_factory)
    win = MainWindow(Store.open(prov["LPS-LOBAR"]))
    win.controller.actor = "penguji"
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    tab = win.cycle_tab
    tab.year.setValue(YEAR)
    tab.period.setCurrentIndex(tab.period.findData("TW2"))
    win.tabs.setCurrentWidget(tab)
    return win, tab, prov


class _Seen(list):
    """The dialogs driven, and the driver that drives them."""


def _modal_then(qtbot, action, kind):
    """Run ``action(dialog)`` on the next modal dialog of type ``kind`` that opens (the real one);
    the shared driver gives up (and closes what is open) after its timeout, so the test never hangs."""
    seen = _Seen()

    def act(dialog):
        seen.append(type(dialog).__name__)
        action(dialog)
    seen.driver = drive_modal(kind, act)
    return seen


def test_tree_manual_and_measurement(upt_window):
    win, tab, _ = upt_window
    top = tab.tree.topLevelItem(0)
    assert top.text(0).startswith("IKK 17.1") and top.child(0).text(0).startswith("LPS-LOBAR · LPS-LOBAR.1")
    tab.tree.setCurrentItem(top.child(0))
    assert "realisasi / sasaran" in tab.manual.toPlainText()
    rows = {tab.measure_table.item(i, 0).text().split()[1]: i for i in range(tab.measure_table.rowCount())}
    i = rows["19.1"]
    # TW II: target 50, realisation 40 -> 80 % Cukup (against the quarter, not the year)
    assert [tab.measure_table.item(i, j).text() for j in range(1, 5)] == ["50%", "40%", "80%", "Cukup"]


def test_wrong_tw4_is_refused_in_the_real_warning_box(qtbot, upt_window, monkeypatch):
    win, tab, prov = upt_window
    monkeypatch.setattr(dialogs, "warn", REAL_WARN)
    texts = []
    seen = _modal_then(qtbot, lambda d: (texts.append(d.text()), d.accept()), QMessageBox)
    row = next(i for i in range(tab.plan_table.rowCount()) if tab.plan_table.item(i, 0).text().startswith("IKK 17.1"))
    tab.plan_table.item(row, 5).setText("3,0")
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    seen.driver.check()
    assert seen == ["QMessageBox"] and "tidak sama dengan target PK" in texts[0]
    assert tab.plan_table.item(row, 5).text() == "3,2"        # reloaded: nothing was written
    tab.plan_table.item(row, 7).setText("Anggaran dipotong")
    tab.plan_table.item(row, 5).setText("3,0")
    win.controller.wait_idle()
    assert win.controller.conn.execute("SELECT tw4 FROM action_plan WHERE unit_code = 'LPS-LOBAR' AND "
                                       "indicator_code = 'IKK 17.1'").fetchone()[0] == 3.0


def test_analysis_and_evidence_through_the_real_file_dialog(qtbot, upt_window, monkeypatch, tmp_path):
    win, tab, _ = upt_window
    monkeypatch.setattr(dialogs, "choose_evidence_file", REAL_OPEN)
    rows = [tab.measure_table.item(i, 0).text() for i in range(tab.measure_table.rowCount())]
    tab.measure_table.setCurrentCell(next(i for i, t in enumerate(rows) if t.startswith("IKK 19.2")), 0)
    tab.explanation.setPlainText("Survei kepuasan selesai")
    tab.note_button.click()
    win.controller.wait_idle()
    assert win.controller.conn.execute("SELECT explanation FROM measurement_note WHERE indicator_code = 'IKK 19.2' "
                                       "AND period = ?", (f"{YEAR}-TW2",)).fetchone()[0] == "Survei kepuasan selesai"
    tab.measure_table.setCurrentCell(next(i for i, t in enumerate(rows) if t.startswith("IKK 19.2")), 0)
    src = tmp_path / "survei.pdf"
    src.write_bytes(PDF_BYTES)

    def fill(dialog):
        assert isinstance(dialog, QFileDialog)
        # typed into the name field, as a user would: selectFile() races the dialog's directory
        # model, and accept() with an empty field leaves the dialog open
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(src))
        dialog.accept()
    seen = _modal_then(qtbot, fill, QFileDialog)
    filters = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda parent, title, directory, filt: (
        filters.append(filt), _real_get(parent, title, directory, filt))[1])
    tab.attach_button.click()
    qtbot.waitUntil(lambda: "survei.pdf" in tab.evidence_list.text(), timeout=5000)
    seen.driver.check()
    assert seen == ["QFileDialog"] and "*.pdf" in filters[0]


def _real_get(parent, title, directory, filt):
    """QFileDialog's own widget (not the platform's), so the offscreen test can fill it."""
    dialog = QFileDialog(parent, title, directory, filt)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    if dialog.exec():
        return dialog.selectedFiles()[0], ""
    return "", ""


def test_bold_narrative_is_kept(qtbot, upt_window):
    win, tab, _ = upt_window
    tab.section.setCurrentIndex(tab.section.findData("ikhtisar"))
    tab.editor.clear()
    tab.editor.insertPlainText("Biasa ")
    tab._bold()
    tab.editor.insertPlainText("tebal")
    tab.save_section_button.click()
    win.controller.wait_idle()
    stored = narrative.sections(win.controller.conn, "LPS-LOBAR", f"{YEAR}-S1")["ikhtisar"]
    assert stored == "<p>Biasa <b>tebal</b></p>"


@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)])
def test_screenshot(qtbot, upt_window, size, tmp_path):
    win, tab, _ = upt_window
    win.resize(*size)
    qtbot.wait(50)
    out = tmp_path / f"cycle-{size[0]}.png"
    assert win.grab().save(str(out))
