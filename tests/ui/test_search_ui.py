"""Cari di rencana in the real window (offscreen): Ctrl+F, typing, the hit list, Enter showing the
cell (switching tab and unit), F3, Esc, the Siklus Kinerja pages, what each window may list, and the
index built on its own thread."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from conftest_ui import open_window
from cycle_scenario import YEAR, province_copy
from search_scenario import enrich
from renstra_desktop.core.service import Edit
from renstra_desktop.core.store import Store
from renstra_desktop.ui.main_window import ALL_UNITS
from renstra_desktop.ui.search_panel import HitModel


@pytest.fixture
def province(tmp_path, tmp_path_factory):
    prov = province_copy(tmp_path, tmp_path_factory)
    prov["ids"] = enrich(prov)
    return prov


def _window(qtbot, path, size=(1366, 768)):
    return open_window(qtbot, path, size, active=True)


def _type_search(qtbot, win, text: str, *, expect_hits: bool = True):
    """Ctrl+F, then type ``text`` key by key, and wait for the answer."""
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = win.feature("search").panel
    assert panel.isVisible() and QApplication.focusWidget() is panel.field
    qtbot.keyClicks(panel.field, text)
    if expect_hits:
        qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10_000)
    else:
        qtbot.waitUntil(lambda: "Tidak ada hasil" in panel.status.text(), timeout=10_000)
    return panel


def _assert_cell_in_view(qtbot, view) -> None:
    """The selected cell is on screen once the tab has laid out its rows (not just current)."""
    qtbot.wait(30)
    rect = view.visualRect(view.currentIndex())
    assert view.viewport().rect().contains(rect.topLeft()), (rect, view.viewport().rect())
    overlay = getattr(getattr(view, "frozen", None), "overlay", None)
    if overlay is not None and overlay.isVisible():     # the frozen columns show the same row beside it
        assert overlay.rowAt(rect.center().y()) == view.currentIndex().row()


def _hit_row(panel, **match) -> int:
    return next(i for i, h in enumerate(panel.model.rows) if all(getattr(h, k) == v for k, v in match.items()))


def _select_with_keys(qtbot, panel, row: int) -> None:
    """Down from the field into the list, then Down to ``row``."""
    qtbot.keyClick(panel.field, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is panel.view
    for _ in range(row - panel.view.currentIndex().row()):
        qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    assert panel.view.currentIndex().row() == row


def test_keyboard_only_ctrl_f_type_down_enter_shows_the_cell(qtbot, province):
    win = _window(qtbot, province["kanwil"])
    assert win.feature("search").panel is None                     # nothing built at start-up
    panel = _type_search(qtbot, win, "apel pagi")
    assert "1 hasil" in panel.status.text()
    hit = panel.model.rows[0]
    assert (hit.tab_label, hit.unit_code, hit.column_label) == ("Risiko", "LPS-LOBAR", "Pengendalian yang ada")
    _select_with_keys(qtbot, panel, 0)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert win.tabs.currentWidget() is win.risk_tab
    assert win.selected_unit() == "LPS-LOBAR"           # the Kanwil's window switched to the hit's unit
    view = win.risk_tab.view
    row = win.risk_tab.model.row_dict(view.currentIndex().row())
    assert row["id"] == province["ids"]["risk"]
    assert QApplication.focusWidget() is view
    _assert_cell_in_view(qtbot, view)
    assert "1 dari 1" in panel.status.text()


def test_enter_in_the_field_shows_the_first_hit_of_another_unit_in_its_realisations(qtbot, province):
    win = _window(qtbot, province["kanwil"])
    panel = _type_search(qtbot, win, "notulen evaluasi")
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    tab = win.indicator_tab
    assert win.tabs.currentWidget() is tab and win.selected_unit() == "LPS-LOBAR"
    line = tab.model.row_dict(tab.view.currentIndex().row())
    assert (line["unit_code"], line["indicator_code"]) == ("LPS-LOBAR", "IKK 17.1")
    index = tab.realisation_view.currentIndex()
    assert tab.realisation_model.row_dict(index.row())["id"] == province["ids"]["realisation"]
    assert index.column() == tab.realisation_model.column_index("evidence")
    assert QApplication.focusWidget() is tab.realisation_view
    _assert_cell_in_view(qtbot, tab.realisation_view)


def test_a_row_far_down_a_tab_just_shown_is_scrolled_into_view(qtbot, kanwil_path):
    win = _window(qtbot, kanwil_path, (1024, 768))
    panel = _type_search(qtbot, win, "jaringan kriminal terorganisir")
    assert panel.open_hit(0)
    view = win.risk_tab.view
    assert win.risk_tab.model.row_dict(view.currentIndex().row())["seq"] == 28
    _assert_cell_in_view(qtbot, view)


def test_semua_satker_stays_selected_and_the_units_row_is_chosen(qtbot, province):
    win = _window(qtbot, province["kanwil"])
    win.set_selected_unit(ALL_UNITS)
    panel = _type_search(qtbot, win, "Patroli terjadwal")
    row = _hit_row(panel, unit_code="BPS-MATARAM", table="risk_action")
    panel.open_hit(row)
    assert win.selected_unit() is ALL_UNITS
    risk = win.risk_tab.model.row_dict(win.risk_tab.view.currentIndex().row())
    assert risk["unit_code"] == "BPS-MATARAM" and risk["risk"].startswith("Gangguan keamanan")


def test_f3_and_shift_f3_walk_the_hits_and_esc_closes(qtbot, province):
    win = _window(qtbot, province["kanwil"])
    panel = _type_search(qtbot, win, "gangguan")
    total = panel.model.rowCount()
    assert total >= 3
    qtbot.keyClick(win, Qt.Key.Key_F3)
    assert panel.view.currentIndex().row() == 1 % total
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F3)
    assert panel.view.currentIndex().row() == 2 % total
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert panel.view.currentIndex().row() == 1 % total
    assert panel.status.text().startswith(f"2 dari {total}")
    panel.field.setFocus()
    qtbot.keyClick(panel.field, Qt.Key.Key_Escape)
    assert not panel.isVisible()
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.isVisible() and panel.field.selectedText() == "gangguan"     # typing replaces the words


def test_cycle_pages_of_the_upt_are_opened_at_the_text(qtbot, province):
    win = _window(qtbot, province["LPS-LOBAR"])
    tab = win.cycle_tab
    panel = _type_search(qtbot, win, "asesor terbatas")
    assert [h.table for h in panel.model.rows] == ["measurement_note"]
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    assert win.tabs.currentWidget() is tab and tab.pages.currentIndex() == 1
    assert (tab.year.value(), tab.period.currentData()) == (YEAR, "TW2")
    assert tab.measure_table.item(tab.measure_table.currentRow(), 0).text().startswith("IKK 17.1 ")
    assert QApplication.focusWidget() is tab.obstacles
    assert tab.obstacles.textCursor().selectedText() == "asesor terbatas"

    panel.field.setText("Puji syukur")
    qtbot.waitUntil(lambda: panel.model.rows and panel.model.rows[0].table == "report_narrative", timeout=5000)
    assert panel.open_hit(0)
    assert tab.pages.currentIndex() == 2 and tab.section.currentData() == "kata_pengantar"
    assert tab.editor.textCursor().selectedText() == "Puji syukur"

    panel.field.setText("pembinaan kemandirian")
    qtbot.waitUntil(lambda: panel.model.rows and panel.model.rows[0].table == "unit_indicator", timeout=5000)
    assert panel.open_hit(0)
    assert tab.tree.currentItem().data(0, Qt.ItemDataRole.UserRole) == ("LPS-LOBAR", "LPS-LOBAR.1")

    panel.field.setText("Kasubag TU")
    qtbot.waitUntil(lambda: panel.model.rows and panel.model.rows[0].table == "action_plan", timeout=5000)
    assert panel.open_hit(0)
    assert tab.pages.currentIndex() == 0 and tab.plan_table.currentColumn() == 6


def test_a_upt_window_lists_only_its_own_unit(qtbot, province):
    win = _window(qtbot, province["LPS-LOBAR"])
    # the Kanwil's own risks came with the Kanwil package: in the file, not shown in this window
    panel = _type_search(qtbot, win, "Penilaian risiko dan kebutuhan", expect_hits=False)
    assert panel.model.rowCount() == 0
    assert not panel.only_shown.isVisible()
    panel.field.setText("gangguan keamanan blok")
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=5000)
    assert {h.unit_code for h in panel.model.rows} == {"LPS-LOBAR"}


def test_the_kanwil_can_search_the_shown_unit_only(qtbot, province):
    win = _window(qtbot, province["kanwil"])
    panel = _type_search(qtbot, win, "gangguan keamanan blok")
    assert {h.unit_code for h in panel.model.rows} == {"LPS-LOBAR", "BPS-MATARAM"}
    win.set_selected_unit("BPS-MATARAM")
    panel.only_shown.setChecked(True)
    qtbot.waitUntil(lambda: {h.unit_code for h in panel.model.rows} == {"BPS-MATARAM"}, timeout=5000)
    # a UPT's measurement notes are on no page of the Kanwil's window
    panel.field.setText("asesmen tertunda")
    qtbot.waitUntil(lambda: "Tidak ada hasil" in panel.status.text(), timeout=5000)


def test_hits_follow_an_edit_made_in_the_window(qtbot, province):
    win = _window(qtbot, province["kanwil"])
    panel = _type_search(qtbot, win, "aula serbaguna", expect_hits=False)
    row = win.controller.conn.execute("SELECT id FROM roadmap_item WHERE text LIKE 'Renovasi ruang kerja divisi%'"
                                      ).fetchone()["id"]
    assert win.controller.apply([Edit("roadmap_item", row, "text", "Rehabilitasi aula serbaguna")], "Ubah")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    assert panel.model.rows[0].row_id == row
    win.controller.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0, timeout=5000)


def test_the_index_is_built_and_searched_off_the_gui_thread(qtbot, province, monkeypatch):
    from renstra_desktop.core import search
    threads = []
    original = search.SearchIndex.search

    def spy(self, *args, **kwargs):
        threads.append(threading.current_thread())
        return original(self, *args, **kwargs)
    monkeypatch.setattr(search.SearchIndex, "search", spy)
    win = _window(qtbot, province["kanwil"])
    _type_search(qtbot, win, "patroli")
    assert threads and all(t is not threading.main_thread() for t in threads)


def test_a_refused_search_is_one_line_in_the_panel(qtbot, province):
    win = _window(qtbot, province["kanwil"])
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = win.feature("search").panel
    panel.field.setText("-- ..")
    qtbot.waitUntil(lambda: "kosong" in panel.status.text(), timeout=5000)
    assert panel.model.rowCount() == 0 and "\n" not in panel.status.text()


def test_another_file_opened_is_searched_afresh(qtbot, province):
    win = _window(qtbot, province["kanwil"])
    panel = _type_search(qtbot, win, "Gangguan keamanan blok")
    assert {h.unit_code for h in panel.model.rows} == {"LPS-LOBAR", "BPS-MATARAM"}
    assert win.open_path(province["BPS-MATARAM"])
    qtbot.waitUntil(lambda: {h.unit_code for h in panel.model.rows} == {"BPS-MATARAM"}, timeout=5000)


def test_hit_model_passes_the_model_tester(qtmodeltester, province):
    from renstra_desktop.core.search import search_plan
    with Store.open(province["kanwil"], readonly=True) as store:
        result = search_plan(store, "patroli")
    model = HitModel()
    model.set_rows(result.hits)
    qtmodeltester.check(model)
    assert model.rowCount() == len(result.hits) > 0


@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)])
def test_panel_screenshots(qtbot, province, tmp_path, size):
    win = _window(qtbot, province["kanwil"], size)
    panel = _type_search(qtbot, win, "patroli")
    panel.open_hit(0)
    qtbot.wait(50)
    image = win.grab()
    path = tmp_path / f"search-{size[0]}.png"
    assert image.save(str(path))
    assert panel.geometry().bottom() <= win.height() and panel.view.viewport().height() > 60
    header = panel.view.horizontalHeader()
    assert header.sectionViewportPosition(4) + 120 < panel.view.viewport().width()    # room for the text


def test_an_sk_is_shown_in_its_funding_line_or_its_first_ikk(qtbot, province):
    win = _window(qtbot, province["LPS-LOBAR"])
    panel = _type_search(qtbot, win, "Terwujudnya Pengendalian")          # SK 17: a funding line of LPS-LOBAR
    assert panel.open_hit(_hit_row(panel, table="objective"))
    assert win.tabs.currentWidget() is win.funding_tab
    view = win.funding_tab.view
    line = win.funding_tab.model.row_dict(view.currentIndex().row())
    assert (line["line_code"], line["unit_code"], line["measure"]) == ("SK 17", "LPS-LOBAR", "allocation")
    assert view.currentIndex().column() == win.funding_tab.model.column_index("line_name")
    panel.field.setText("reformasi birokrasi")                          # SK 19: no funding line, its first IKK
    qtbot.waitUntil(lambda: any(h.table == "objective" and h.row_label == "SK 19" for h in panel.model.rows),
                    timeout=5000)
    assert panel.open_hit(_hit_row(panel, table="objective"))
    assert win.tabs.currentWidget() is win.indicator_tab
    line = win.indicator_tab.model.row_dict(win.indicator_tab.view.currentIndex().row())
    assert (line["objective_code"], line["unit_code"]) == ("SK 19", "LPS-LOBAR")
