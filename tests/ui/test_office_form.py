"""Pengaturan → Identitas kantor: the real form from the real menu entry, saved off the GUI thread;
a refusal shows its line and opens the form again with what was typed; a unit is told who sets it."""
from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from conftest_ui import click_button, drive_modal
from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.plan_profile import load_profile
from renstra_desktop.core.store import Store
from renstra_desktop.ui import dialogs
from renstra_desktop.ui.form_dialog import FormDialog
from renstra_desktop.ui.main_window import MainWindow


def test_the_real_form_from_the_menu_saves_the_office(qtbot, window, fake_dialogs):
    fake_dialogs.use_real("ask_form")
    seen = {}

    def fill(dialog):
        edits = {e.accessibleName(): e for e in dialog.findChildren(QLineEdit)}
        seen["name"] = edits["Nama kantor"].text()
        seen["ministry"] = dialog.findChildren(QPlainTextEdit)[0].toPlainText()
        edits["Nama kantor"].setText("KANTOR WILAYAH UJI")
        edits["Tempat penandatanganan"].setText("Bima")
        click_button(dialog, "Simpan")

    driver = drive_modal(FormDialog, fill)
    window.feature("settings").office_action.trigger()
    driver.check()
    assert seen == {"name": "KANTOR WILAYAH DITJEN PEMASYARAKATAN NUSA TENGGARA BARAT",
                    "ministry": "KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN\nREPUBLIK INDONESIA"}
    qtbot.waitUntil(lambda: window.controller.profile.name == "KANTOR WILAYAH UJI", timeout=15000)
    assert load_profile(window.controller.conn).place == "Bima"
    assert "Identitas kantor disimpan" in window.statusBar().currentMessage()


def test_a_refusal_reopens_the_form_with_what_was_typed(qtbot, window, fake_dialogs, monkeypatch):
    asked = []
    answers = [{"ministry": "KEMENTERIAN UJI", "name": "", "address": "Jl. Uji 1", "province": "Uji",
                "place": "Bima", "head_title": "Kepala", "head_name": ""}, None]
    monkeypatch.setattr(dialogs, "ask_form", lambda parent, title, fields, **kw: asked.append(
        {f.key: f.value for f in fields}) or answers.pop(0))
    window.feature("settings").office_action.trigger()
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=15000)
    assert fake_dialogs.warnings() == ["Identitas kantor: Nama kantor wajib diisi."]
    assert asked[1]["ministry"] == "KEMENTERIAN UJI" and asked[1]["address"] == "Jl. Uji 1"
    assert load_profile(window.controller.conn).address == "Jalan Majapahit 44 Kota Mataram"


def test_a_unit_is_told_who_sets_it(qtbot, tmp_path, fake_dialogs):
    path = tmp_path / "lobar.renstra"
    create_plan_file(path, "LPS-LOBAR").close()
    win = MainWindow(Store.open(path))
    qtbot.addWidget(win)
    win.feature("settings").office_action.trigger()
    [(kind, title, message)] = fake_dialogs.messages
    assert kind == "info" and title == "Identitas kantor"
    assert message.startswith("KANTOR WILAYAH DITJEN PEMASYARAKATAN NUSA TENGGARA BARAT, Jalan Majapahit 44")
    assert "ditetapkan Kantor Wilayah" in message
