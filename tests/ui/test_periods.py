"""Periods without typing codes: the real picker (year + kind + which one), a period already there
or approved keeps it open with the reason; a pasted range of periods adds the missing ones after a
confirmation, in one undo step."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from conftest_ui import click_button, drive_modal, read_db
from period_fixtures import record_event
from renstra_desktop.ui.period_picker import PeriodDialog, period_code, split_period


def realisations(path, indicator="IKK 17.1", unit="KANWIL"):
    return read_db(path, "SELECT period, value, evidence FROM realisation WHERE unit_code = ? AND "
                         "indicator_code = ? AND deleted = 0 ORDER BY period", (unit, indicator))


def select_indicator(window, code="IKK 17.1"):
    tab = window.indicator_tab
    tab.view.select_row_of(lambda r: r["indicator_code"] == code and r["unit_code"] == "KANWIL", 1)
    return tab


@pytest.mark.parametrize("code", ["2026", "2026-S2", "2026-TW3", "2026-05", "2029-12"])
def test_codes_and_choices_round_trip(code):
    assert period_code(*split_period(code)) == code


def test_the_real_picker_adds_a_quarter_and_refuses_one_already_there(qtbot, window, kanwil_path, fake_dialogs):
    fake_dialogs.use_real("choose_period")
    tab = select_indicator(window)
    seen = {}

    def pick(dialog):
        seen["suggested"] = dialog.code.text()
        dialog.year.setCurrentIndex(dialog.year.findData(2026))
        dialog.grain.setCurrentIndex(dialog.grain.findData("quarter"))
        dialog.part.setCurrentIndex(dialog.part.findData(3))
        seen["parts"] = [dialog.part.itemText(i) for i in range(dialog.part.count())]
        seen["code"] = dialog.code.text()
        click_button(dialog, "Tambah")

    driver = drive_modal(PeriodDialog, pick)
    qtbot.mouseClick(tab.add_period_button, Qt.MouseButton.LeftButton)
    driver.check()
    window.controller.wait_idle()
    assert seen["parts"] == ["Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV"]
    assert seen["code"] == "2026-TW3"
    assert realisations(kanwil_path) == [("2026-TW3", None, "")]

    def pick_again(dialog):
        dialog.year.setCurrentIndex(dialog.year.findData(2026))
        dialog.grain.setCurrentIndex(dialog.grain.findData("quarter"))
        dialog.part.setCurrentIndex(dialog.part.findData(3))
        click_button(dialog, "Tambah")
        seen["open"], seen["error"] = dialog.isVisible(), dialog.error.text()
        dialog.part.setCurrentIndex(dialog.part.findData(4))
        seen["error_after_change"] = dialog.error.isVisible()
        click_button(dialog, "Batal")

    driver = drive_modal(PeriodDialog, pick_again)
    qtbot.mouseClick(tab.add_period_button, Qt.MouseButton.LeftButton)
    driver.check()
    assert seen["open"] and "2026-TW3 sudah ada" in seen["error"] and not seen["error_after_change"]
    assert realisations(kanwil_path) == [("2026-TW3", None, "")]


def test_the_picker_refuses_an_approved_year(window):
    tab = select_indicator(window)
    window.controller.written(record_event(window.controller.store, "KANWIL", "2025", actor="penguji"))
    refusal = tab.period_refusal("2025-S1")
    assert refusal.startswith("Periode 2025 satker KANWIL sudah disahkan dan dikunci oleh penguji pada ")
    assert "Minta Kantor Wilayah membuka kuncinya" in refusal
    assert tab.period_refusal("2026-S1") is None


def paste(view, text, row=0, column=0):
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    queued = view.paste(text)
    view.model().controller.wait_idle()       # the paste is written on the window's writer thread
    return queued


def test_a_pasted_range_adds_missing_periods_after_a_confirmation(qtbot, window, kanwil_path, fake_dialogs):
    tab = select_indicator(window)
    fake_dialogs.texts.append("2026-TW1")
    assert tab.add_period()
    window.controller.wait_idle()
    view = tab.realisation_view
    copied = "2026-TW1\tTriwulan\t3,1\tLaporan TW I\n2026-TW2\tTriwulan\t3,25\tLaporan TW II\n" \
             "2026-S1\tSemester\t3,3\tLaporan semester"
    fake_dialogs.answers.append(True)
    assert paste(view, copied)
    assert "2026-TW2, 2026-S1 belum ada" in fake_dialogs.questions[-1]
    assert realisations(kanwil_path) == [("2026-S1", 3.3, "Laporan semester"), ("2026-TW1", 3.1, "Laporan TW I"),
                                         ("2026-TW2", 3.25, "Laporan TW II")]
    window.controller.undo_stack.undo()                      # one step takes the whole paste back
    window.controller.wait_idle()
    assert realisations(kanwil_path) == [("2026-TW1", None, "")]
    window.controller.undo_stack.redo()
    window.controller.wait_idle()
    assert len(realisations(kanwil_path)) == 3

    # from Excel: period, value, evidence; "No" to the question: nothing written
    fake_dialogs.answers.append(False)
    before = kanwil_path.read_bytes()
    assert not paste(view, "2026-TW3\t3,4\tLaporan TW III")
    assert kanwil_path.read_bytes() == before


def test_a_bad_value_in_a_pasted_range_writes_nothing(qtbot, window, kanwil_path, fake_dialogs):
    tab = select_indicator(window)
    fake_dialogs.texts.append("2026-TW1")
    tab.add_period()
    window.controller.wait_idle()
    before = realisations(kanwil_path)
    fake_dialogs.answers.append(True)
    paste(tab.realisation_view, "2026-TW1\t3,1\tok\n2026-TW2\t1.234\tambigu")
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()))
    assert "ambigu" in fake_dialogs.warnings()[-1] and realisations(kanwil_path) == before
