"""The Siklus Kinerja tab's Pemantauan Risiko page and the manual form (issue 10 §1, §6), in the
real window: an RTP activity added through the real form dialog, its status chosen, the residual
at the quarter's end, a risk event; the manual of an indicator edited through the form."""
from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QPlainTextEdit

from conftest_ui import click_button, drive_modal
from cycle_scenario import YEAR
from renstra_desktop.ui import dialogs
from renstra_desktop.ui.form_dialog import FormDialog
from test_cycle_tab import upt_window  # noqa: F401 (fixture)

REAL_FORM = dialogs.ask_form


def _page(tab):
    tab.pages.setCurrentWidget(tab.risk_page)
    return tab.risk_page


def _first_risk(page):
    page.tree.setCurrentItem(page.tree.topLevelItem(0))
    return page.tree.topLevelItem(0).data(0, 256)[1]


def test_an_rtp_activity_through_the_real_form_then_its_status_and_the_residual(qtbot, upt_window, monkeypatch):
    win, tab, _ = upt_window
    page = _page(tab)
    assert page.quarter() == f"{YEAR}-TW2" and page.tree.topLevelItemCount() > 0
    risk_id = _first_risk(page)
    monkeypatch.setattr(dialogs, "ask_form", REAL_FORM)

    def fill(dialog):
        assert isinstance(dialog, FormDialog)
        dialog.findChildren(QPlainTextEdit)[0].setPlainText("Patroli gabungan mingguan")
        click_button(dialog, "Simpan")
    driver = drive_modal(FormDialog, fill)
    page.action_button.click()
    driver.check()
    win.controller.wait_idle()
    conn = win.controller.conn
    action = conn.execute("SELECT id, action FROM risk_action WHERE risk_id = ? AND deleted = 0 ORDER BY seq DESC",
                          (risk_id,)).fetchone()
    assert action["action"] == "Patroli gabungan mingguan"
    top = page.tree.topLevelItem(0)
    child = next(top.child(i) for i in range(top.childCount()) if top.child(i).data(0, 256)[:2] == ("action", action["id"]))
    assert child.text(3) == "Belum dimulai"
    child.setText(3, "selesai")          # what the status list's delegate writes
    win.controller.wait_idle()
    assert conn.execute("SELECT status FROM risk_action_status WHERE action_id = ? AND period = ?",
                        (action["id"], f"{YEAR}-TW2")).fetchone()[0] == "selesai"
    _first_risk(page)
    page.likelihood.setValue(2)
    page.impact.setValue(3)
    page.residual_button.click()
    win.controller.wait_idle()
    row = conn.execute("SELECT residual_likelihood, residual_impact FROM risk_quarter WHERE risk_id = ? AND period = ?",
                       (risk_id, f"{YEAR}-TW2")).fetchone()
    assert tuple(row) == (2, 3)
    assert "K2 D3" in page.tree.topLevelItem(0).text(3)


def test_a_risk_event_lands_in_the_quarter_of_its_date(qtbot, upt_window, fake_dialogs):
    win, tab, _ = upt_window
    page = _page(tab)
    risk_id = _first_risk(page)
    fake_dialogs.forms.append({"event_date": f"{YEAR}-05-14", "description": "Percobaan pelarian",
                               "impact": "Satu petugas luka", "response": "Siaga satu"})
    page.event_button.click()
    win.controller.wait_idle()
    row = win.controller.conn.execute("SELECT period, description FROM risk_event WHERE risk_id = ? AND description = ?",
                                      (risk_id, "Percobaan pelarian")).fetchone()
    assert tuple(row) == (f"{YEAR}-TW2", "Percobaan pelarian")
    top = page.tree.topLevelItem(0)
    assert any("Percobaan pelarian" in top.child(i).text(0) for i in range(top.childCount()))


def test_a_refused_event_is_said_and_nothing_written(qtbot, upt_window, fake_dialogs):
    win, tab, _ = upt_window
    page = _page(tab)
    _first_risk(page)
    before = win.controller.conn.execute("SELECT count(*) FROM risk_event").fetchone()[0]
    fake_dialogs.forms.append({"event_date": "1999-01-01", "description": "Di luar rencana", "impact": "", "response": ""})
    page.event_button.click()
    win.controller.wait_idle()
    assert fake_dialogs.messages and "triwulan" in fake_dialogs.messages[-1][2].lower()
    assert win.controller.conn.execute("SELECT count(*) FROM risk_event").fetchone()[0] == before


def test_the_manual_form_saves_an_indicators_manual(qtbot, upt_window, fake_dialogs):
    win, tab, _ = upt_window
    top = tab.tree.topLevelItem(0)
    tab.tree.setCurrentItem(top.child(0))
    assert tab.manual_button.isEnabled()
    fake_dialogs.forms.append({"definition": "Persentase warga binaan yang mengikuti program",
                               "formula": "peserta / total x 100", "data_source": "SDP", "responsible": "Kasi Binadik",
                               "national_standard": ""})
    tab.manual_button.click()
    win.controller.wait_idle()
    assert "Kasi Binadik" in [r[0] for r in win.controller.conn.execute("SELECT responsible FROM indicator_manual")]
    tab.tree.setCurrentItem(tab.tree.topLevelItem(0).child(0))
    assert "Kasi Binadik" in tab.manual.toPlainText()


def test_the_date_field_of_the_form_reads_as_iso(qtbot):
    from renstra_desktop.ui.form_dialog import FormField
    dialog = FormDialog(None, "Uji", [FormField("d", "Tanggal", "date", "2027-03-09")])
    qtbot.addWidget(dialog)
    assert dialog.findChild(QDateEdit).date() == QDate(2027, 3, 9) and dialog.values() == {"d": "2027-03-09"}
