"""The Ringkasan tab in the real window (offscreen): the grid's values and colours are the core's
capaian, a click on a cell lands on its row in Indikator, the trend charts draw the stored history,
targets and realisations, the heat maps count the register and a click lists a cell's risks, the
tab follows edits, and it sits first for the Kanwil and after Pendanaan for a UPT."""
from __future__ import annotations

import shutil
from collections import Counter

import pytest
import summary_scenario as scenario
from summary_scenario import built  # noqa: F401  (fixture)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from renstra_desktop.core import queries
from renstra_desktop.core.numbers import format_number
from renstra_desktop.core.service import Edit
from renstra_desktop.core.store import Store
from renstra_desktop.ui.models import GRADE_COLOURS


def open_window(qtbot, path, size=(1366, 768)):
    from renstra_desktop.ui.main_window import MainWindow

    win = MainWindow(Store.open(path))
    win.controller.actor = "penguji"
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    return win


def loaded(qtbot, tab):
    qtbot.waitUntil(lambda: tab.data is not None and not tab.loading and not tab._stale, timeout=15000)
    return tab


@pytest.fixture
def kanwil_window(qtbot, built, tmp_path):
    win = open_window(qtbot, scenario.copy_of(built, tmp_path))
    yield win
    win.close()


def summary_of(qtbot, win, period="2026"):
    win.show_summary()
    tab = win.summary_tab
    tab.set_period(period)
    return loaded(qtbot, tab)


def grid_cells(tab) -> dict:
    model = tab.grid_model
    out = {}
    for r in range(model.rowCount()):
        for c in range(1, model.columnCount() - 1):
            index = model.index(r, c)
            unit, code = model.data(index, Qt.ItemDataRole.UserRole + 20)
            brush = model.data(index, Qt.ItemDataRole.BackgroundRole)
            out[(unit, code)] = (model.data(index), brush.color().name() if brush else None)
    return out


def test_grid_values_and_colours_are_the_cores_capaian(qtbot, kanwil_window):
    tab = summary_of(qtbot, kanwil_window, "2026")
    cells = grid_cells(tab)
    rows = queries.indicator_rows(kanwil_window.controller.conn, None, 2026)
    assert len(cells) == len(rows)
    coloured = 0
    for r in rows:
        text, colour = cells[(r["unit_code"], r["indicator_code"])]
        expected = "–" if r["achievement"] is None else f"{format_number(r['achievement'], 1)} %"
        assert text == expected
        assert colour == (QColor(GRADE_COLOURS[r["grade_role"]]).name() if r["grade_role"] else None)
        coloured += colour is not None
    assert coloured >= 6          # LPS-LOBAR, BPS-MATARAM (3 IKK each) and the Kanwil
    assert cells[("LPS-LOBAR", "IKK 19.1")] == ("70,0 %", QColor(GRADE_COLOURS["poor"]).name())
    assert cells[("LPS-SUMBAWA", "IKK 17.1")] == ("–", None)
    # a quarter: TW II of LPS-LOBAR's IKK 19.1 is 40 against its Rencana Aksi's TW II target of 50
    # (not 40 of the year's 100): 80 %, Cukup
    tab.grain_combo.setCurrentIndex(tab.grain_combo.findData("TW2"))
    loaded(qtbot, tab)
    assert tab.period == "2026-TW2"
    assert grid_cells(tab)[("LPS-LOBAR", "IKK 19.1")] == ("80,0 %", QColor(GRADE_COLOURS["fair"]).name())


def test_a_click_on_a_cell_opens_its_row_in_indikator(qtbot, kanwil_window):
    tab = summary_of(qtbot, kanwil_window, "2025")
    model, view = tab.grid_model, tab.grid_view
    row = next(r for r in range(model.rowCount()) if model.grid["rows"][r]["unit_code"] == "BPS-MATARAM")
    column = 1 + [i["code"] for i in model.grid["indicators"]].index("IKK 19.2")
    index = tab.proxy.mapFromSource(model.index(row, column))
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    indicator = kanwil_window.indicator_tab
    assert kanwil_window.tabs.currentWidget() is indicator
    assert indicator.model.year == 2025
    selected = indicator.selected_row()
    assert (selected["unit_code"], selected["indicator_code"]) == ("BPS-MATARAM", "IKK 19.2")
    assert "IKK 19.2" in indicator.realisation_heading.text()


def test_a_click_on_a_unit_the_indikator_tab_does_not_list_switches_its_unit(qtbot, kanwil_window):
    kanwil_window.set_selected_unit("KANWIL")          # Indikator shows only the Kanwil's rows
    tab = summary_of(qtbot, kanwil_window, "2026")
    assert tab.unit_code is None                         # the Ringkasan keeps the province
    assert tab.open_in_indicators("LPS-LOBAR", "IKK 17.1")
    selected = kanwil_window.indicator_tab.selected_row()
    assert (selected["unit_code"], selected["indicator_code"]) == ("LPS-LOBAR", "IKK 17.1")
    assert kanwil_window.selected_unit() == "LPS-LOBAR"


def test_trend_charts_draw_the_stored_history_targets_and_realisations(qtbot, kanwil_window):
    tab = summary_of(qtbot, kanwil_window, "2026-TW3")
    conn = kanwil_window.controller.conn
    tab.scope_combo.setCurrentIndex(tab.scope_combo.findData("LPS-LOBAR"))
    loaded(qtbot, tab)
    charts = {c.trend["code"]: c for c in tab.trend_charts if c.isVisible()}
    assert set(charts) == {"IKK 17.1", "IKK 19.1", "IKK 19.2"}
    for code, chart in charts.items():
        series = chart.series()
        stored_targets = sorted((float(r["year"]), r["value"]) for r in conn.execute(
            "SELECT year, value FROM indicator_target WHERE unit_code = 'LPS-LOBAR' AND indicator_code = ? "
            "AND deleted = 0 AND value IS NOT NULL", (code,)))
        assert series["target"] == stored_targets
        reals = {r["period"]: r["value"] for r in queries.realisation_rows(conn, "LPS-LOBAR", code)}
        assert series["quarter"] == [(2026 + (q - 2.5) / 4, reals[f"2026-TW{q}"]) for q in (1, 2, 3)]
        assert series["actual"] == [(2026.0, reals["2026-TW3"])]       # the year s.d. TW III
        assert series["history_actual"] == []                          # the history is the Kanwil's
    # the province: the history linked to IKK 19.2 is Tabel 1.3's 2024 line, as stored
    tab.scope_combo.setCurrentIndex(tab.scope_combo.findData(None))
    loaded(qtbot, tab)
    chart = next(c for c in tab.trend_charts if c.trend["code"] == "IKK 19.2")
    stored = {r["measure"]: r["value"] for r in queries.performance_history(conn)
              if r["table_ref"] == "1.3" and r["seq"] == 3}
    assert chart.series()["history_target"] == [(2024.0, stored["target"])]
    assert chart.series()["history_actual"] == [(2024.0, stored["realisation"])] == [(2024.0, 3.86)]
    assert "rata-rata" in chart.caption
    chart.grab()        # paints without error


def test_heat_maps_count_the_register_and_a_click_lists_the_cells_risks(qtbot, kanwil_window):
    tab = summary_of(qtbot, kanwil_window, "2026")
    register = queries.risk_rows(kanwil_window.controller.conn, None)
    for heat, stage in ((tab.inherent_map, "inherent"), (tab.residual_map, "residual")):
        assert heat.counts == dict(Counter((r[f"{stage}_likelihood"], r[f"{stage}_impact"]) for r in register
                                           if r[f"{stage}_likelihood"] and r[f"{stage}_impact"]))
    assert "tanpa perlakuan: <b>1</b>" in tab.risk_note.text()
    heat = tab.residual_map
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=heat.cell_rect(4, 5).center().toPoint())
    qtbot.waitUntil(lambda: tab.risk_list.count() == 2, timeout=10000)
    assert "K4 × D5: 1 risiko" in tab.risk_list.item(0).text()
    assert scenario.UNTREATED_RISK in tab.risk_list.item(1).text() and "tanpa perlakuan" in tab.risk_list.item(1).text()
    qtbot.mouseClick(tab.inherent_map, Qt.MouseButton.LeftButton, pos=tab.inherent_map.cell_rect(4, 4).center().toPoint())
    qtbot.waitUntil(lambda: tab.risk_list.count() == 3, timeout=10000)
    listed = [tab.risk_list.item(i).text() for i in (1, 2)]
    names = queries.unit_names(kanwil_window.controller.conn)
    assert sorted(t.split(" · ")[0] for t in listed) == sorted(names[u] for u in scenario.UPTS)


def test_budget_bars_and_what_waits(qtbot, kanwil_window):
    tab = summary_of(qtbot, kanwil_window, "2026")
    kanwil = tab.bars.rows[0]
    assert kanwil["label"] == "Kantor Wilayah" and kanwil["realised"] == 7500.25
    assert kanwil["absorption"] == pytest.approx(7500.25 / kanwil["pagu"] * 100)
    assert [r["line"] for r in tab.bars.rows] == [False, True, True]
    heads = [tab.waiting_tree.topLevelItem(i).text(0) for i in range(tab.waiting_tree.topLevelItemCount())]
    assert heads[0].startswith("Periode diajukan, belum diverifikasi: 0")
    assert heads[1].startswith("Paket belum diterima") and heads[2] == "Konflik penggabungan terbuka: 0"


def test_absorption_bars_paint_only_the_rows_in_view(qtbot):
    from PySide6.QtCore import QRect

    from renstra_desktop.ui.summary_charts import AbsorptionBars

    bars = AbsorptionBars()
    qtbot.addWidget(bars)
    units = [{"unit_name": f"UPT {i}", "pagu": 100.0, "realised": float(i % 100), "absorption": float(i % 100),
              "lines": []} for i in range(530)]
    bars.set_budget({"units": units}, with_lines=False)
    assert bars.height() == 530 * bars.ROW
    assert list(bars.painted_rows(QRect(0, 0, 400, 160))) == list(range(0, 8))
    assert list(bars.painted_rows(QRect(0, 22 * 100 + 5, 400, 30))) == [100, 101]


def test_the_tab_follows_an_edit(qtbot, kanwil_window):
    tab = summary_of(qtbot, kanwil_window, "2026")
    ctl = kanwil_window.controller
    row = ctl.conn.execute("SELECT id FROM realisation WHERE unit_code = 'KANWIL' AND indicator_code = 'IKK 17.1' "
                           "AND period = '2026-TW3'").fetchone()
    assert grid_cells(tab)[("KANWIL", "IKK 17.1")][0] == "102,9 %"
    assert ctl.apply([Edit("realisation", row["id"], "value", "1,7")], "Ubah realisasi")
    qtbot.waitUntil(lambda: grid_cells(tab)[("KANWIL", "IKK 17.1")][0] == "50,0 %", timeout=10000)
    assert grid_cells(tab)[("KANWIL", "IKK 17.1")][1] == QColor(GRADE_COLOURS["bad"]).name()


def test_first_tab_for_the_kanwil_after_pendanaan_for_a_unit(qtbot, built, tmp_path):
    kanwil = open_window(qtbot, scenario.copy_of(built, tmp_path))
    titles = [kanwil.tabs.tabText(i) for i in range(kanwil.tabs.count())]
    assert titles[:5] == ["Ringkasan", "Indikator", "Risiko", "Roadmap", "Pendanaan"]
    assert kanwil.tabs.currentWidget() is kanwil.indicator_tab         # nothing built before the first paint
    kanwil.show_summary_after_paint()                                  # what the app does after show()
    assert kanwil.tabs.currentWidget() is kanwil.indicator_tab
    kanwil.update()
    qtbot.waitUntil(lambda: kanwil.tabs.currentWidget() is kanwil.summary_tab, timeout=5000)
    assert kanwil.current_plan_tab() is None                          # Sunting does nothing here
    kanwil.add_row_action.trigger()
    assert kanwil.summary_tab.scope_combo.isEnabled() and kanwil.summary_tab.scope_combo.currentData() is None
    kanwil.close()
    path = tmp_path / "lobar.renstra"
    shutil.copy(built["upts"]["LPS-LOBAR"]["path"], path)
    upt = open_window(qtbot, path)
    titles = [upt.tabs.tabText(i) for i in range(upt.tabs.count())]
    assert titles[:5] == ["Indikator", "Risiko", "Roadmap", "Pendanaan", "Ringkasan"]
    tab = summary_of(qtbot, upt, "2026-TW3")
    assert not tab.scope_combo.isEnabled() and tab.unit_code == "LPS-LOBAR"
    assert [r["unit_code"] for r in tab.grid_model.grid["rows"]] == ["LPS-LOBAR"]
    heads = [tab.waiting_tree.topLevelItem(i).text(0) for i in range(tab.waiting_tree.topLevelItemCount())]
    assert not any(h.startswith("Paket belum diterima") for h in heads)     # a UPT receives no packages
    upt.close()


def test_screenshots_at_1366_and_1024(qtbot, built, tmp_path):
    for size in ((1366, 768), (1024, 768)):
        win = open_window(qtbot, scenario.copy_of(built, tmp_path), size)
        tab = summary_of(qtbot, win, "2026-TW3")
        image = win.grab()
        assert image.width() == size[0] * image.devicePixelRatio() or image.width() >= size[0] - 2
        assert tab.grid_view.columnViewportPosition(tab.grid_model.columnCount() - 1) < tab.grid_view.viewport().width()
        image.save(str(tmp_path / f"ringkasan-{size[0]}.png"))
        win.close()


def test_a_new_period_reads_only_the_grid_again(qtbot, kanwil_window, monkeypatch):
    from renstra_desktop.core import summary as core_summary

    tab = summary_of(qtbot, kanwil_window, "2026-TW3")
    asked = []
    real = core_summary.summary
    monkeypatch.setattr(core_summary, "summary", lambda conn, unit, period, today=None, parts=core_summary.PARTS:
                        asked.append((unit, period, tuple(parts))) or real(conn, unit, period, today, parts))
    tab.set_period("2026-TW2")
    loaded(qtbot, tab)
    tab.set_period("2026-TW3")
    loaded(qtbot, tab)
    assert asked == [(None, "2026-TW2", ("grid", "waiting")), (None, "2026-TW3", ("waiting",))]
    assert grid_cells(tab)[("LPS-LOBAR", "IKK 19.1")][0] == "93,3 %"       # 70 against the Rencana Aksi TW III target of 75


def test_the_laporan_tab_builds_the_ringkasan_from_the_registry(qtbot, kanwil_window):
    tab = kanwil_window.report_tab
    kanwil_window.tabs.setCurrentWidget(tab)
    tab.kind.setCurrentIndex(tab.kind.findData("ringkasan"))
    assert tab.kind.currentText() == "Ringkasan Kinerja" and tab.period.isEnabled() and tab.year.isEnabled()
    tab.unit.setCurrentIndex(tab.unit.findData(""))           # Semua satker (gabungan)
    tab.year.setValue(2026)
    tab.period.setCurrentIndex(tab.period.findData("TW3"))
    qtbot.mouseClick(tab.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.pdf is not None and tab.build_button.isEnabled(), timeout=30000)
    page = tab.preview.page_image(0)
    assert tab.result.page_count == 1 and page.width() > page.height()
    assert "kind=ringkasan;period=2026-TW3" in tab.result.payload and "unit=SEMUA" in tab.result.payload
