"""Berkas → Rencana baru…: the real QWizard driven from a timer, as a user meets it: a filled
template of another office, the embedded NTB plan for a UPT, and a bad workbook refused."""
from __future__ import annotations

from conftest_ui import click_button, drive_modal, read_db

from renstra_desktop.ui.new_plan_wizard import NewPlanWizard
from tests.second_office import OFFICE, make_workbook


def _drive(qtbot, kind_id: int, source, target, unit=None, seen=None):
    def action(wizard: NewPlanWizard):
        page = wizard.source_page
        page.choices.button(kind_id).setChecked(True)
        page.source.setText(str(source or ""))
        page.target.setText(str(target))
        click_button(wizard, "Lanjut >")
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15_000)
        if seen is not None:
            seen.append(wizard.summary_page.summary.text())
            seen.append([wizard.summary_page.unit.itemData(i) for i in range(wizard.summary_page.unit.count())])
        if unit:
            wizard.summary_page.unit.setCurrentIndex(wizard.summary_page.unit.findData(unit))
        click_button(wizard, "Selesai")
        qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=15_000)
    return drive_modal(NewPlanWizard, action)


def test_a_second_office_from_its_template(window, qtbot, tmp_path, fake_dialogs):
    book = make_workbook(tmp_path)
    target = tmp_path / "sulteng.renstra"
    seen: list = []
    driver = _drive(qtbot, 1, book, target, seen=seen)
    window.new_action.trigger()
    driver.check()
    assert OFFICE in seen[0] and "2030–2034" in seen[0] and "IKK 2.2" in seen[0] and "LPS-PALU" in seen[0]
    assert seen[1] == ["KANWIL", "LPS-PALU", "RTN-DONGGALA", "BPS-PALU"]
    assert window.controller.path == target and window.controller.plan_years == tuple(range(2030, 2035))
    tab = window.indicator_tab
    assert [tab.year_combo.itemData(i) for i in range(tab.year_combo.count())] == list(range(2030, 2035))
    columns = [c.key for c in tab.model.columns()]
    assert "target_2034" in columns and "target_2025" not in columns
    assert not fake_dialogs.warnings()


def test_the_embedded_plan_for_a_upt_and_no_overwrite(window, qtbot, tmp_path, fake_dialogs):
    target = tmp_path / "dompu.renstra"
    driver = _drive(qtbot, 0, None, target, unit="LPS-DOMPU")
    window.new_action.trigger()
    driver.check()
    assert window.controller.path == target and window.controller.unit_code == "LPS-DOMPU"
    assert read_db(target, "SELECT value FROM meta WHERE key = 'installation_unit'") == [("LPS-DOMPU",)]
    before = target.read_bytes()

    def refused(wizard: NewPlanWizard):
        wizard.source_page.target.setText(str(target))
        click_button(wizard, "Lanjut >")
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15_000)
        click_button(wizard, "Selesai")
        qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()), timeout=15_000)
        assert wizard.isVisible() and wizard.currentPage() is wizard.summary_page    # stays: nothing made
        wizard.reject()
    driver = drive_modal(NewPlanWizard, refused)
    assert not window.new_plan()
    driver.check()
    assert "sudah ada" in fake_dialogs.warnings()[0] and target.read_bytes() == before


def test_a_bad_workbook_is_listed_and_nothing_made(window, qtbot, tmp_path, fake_dialogs):
    book = make_workbook(tmp_path, name="salah.xlsx", kantor={"Tahun pertama Renstra": 2030, "Tahun terakhir Renstra": 2036})
    target = tmp_path / "baru.renstra"

    def action(wizard: NewPlanWizard):
        wizard.source_page.choices.button(1).setChecked(True)
        wizard.source_page.source.setText(str(book))
        wizard.source_page.target.setText(str(target))
        click_button(wizard, "Lanjut >")
        qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()), timeout=15_000)
        assert wizard.currentPage() is wizard.source_page
        wizard.reject()
    driver = drive_modal(NewPlanWizard, action)
    assert not window.new_plan()
    driver.check()
    message = fake_dialogs.warnings()[0]
    assert "Lembar Kantor, baris 10, kolom B (Tahun pertama Renstra)" in message and "2030 dan 2034" in message
    assert not target.exists()
