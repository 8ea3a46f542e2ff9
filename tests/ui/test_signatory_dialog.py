"""Penanda tangan laporan: the real form opened from the Laporan tab's button, filled as a user
would; a wrong NIP keeps it open with the reason and writes nothing; the saved block is printed."""
from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from conftest_ui import click_button, drive_modal, read_db
from renstra_desktop.ui.signatory_dialog import SignatoryDialog


def stored(path, unit="KANWIL"):
    return read_db(path, "SELECT place, sign_date, on_behalf, jabatan, name, nip, paraf_enabled, paraf "
                         "FROM report_signatory WHERE unit_code = ?", (unit,))


def type_in(edit, text):
    edit.selectAll()
    QTest.keyClicks(edit, text)


def test_the_form_refuses_a_wrong_nip_then_stores_and_prints_the_block(qtbot, window, kanwil_path):
    tab = window.report_tab
    window.tabs.setCurrentWidget(tab)
    tab.kind.setCurrentIndex(tab.kind.findData("pendanaan"))
    tab.build()
    qtbot.waitUntil(lambda: tab.pdf is not None, timeout=20000)
    seen = {}

    def fill(dialog):
        seen["unit"] = dialog.unit.currentData()
        type_in(dialog.place, "Mataram")
        type_in(dialog.date, "22 Desember 2025")
        type_in(dialog.on_behalf, "Kepala Kantor Wilayah")
        type_in(dialog.jabatan, "Kepala Bagian Tata Usaha dan Umum")
        type_in(dialog.name, "I Made Contoh")
        type_in(dialog.nip, "19661318 199203 1 001")       # month 13
        dialog.paraf_enabled.setChecked(True)
        dialog.paraf.item(0, 1).setText("Baiq Penyusun")
        dialog.paraf.item(0, 2).setText("Analis Perencanaan")
        click_button(dialog, "Simpan")
        qtbot.waitUntil(lambda: not dialog.saving, timeout=10000)    # stored off the GUI thread (ops.WriteOp)
        seen["open_after_bad_nip"] = dialog.isVisible()
        seen["error"] = dialog.error.text()
        seen["focus"] = dialog.focusWidget() is dialog.nip
        seen["stored_after_bad_nip"] = stored(kanwil_path)
        seen["preview"] = dialog.preview.text()
        type_in(dialog.nip, "19661018 199203 1 001")
        click_button(dialog, "Simpan")

    driver = drive_modal(SignatoryDialog, fill)
    qtbot.mouseClick(tab.signatory_button, Qt.MouseButton.LeftButton)
    driver.check()
    assert seen["unit"] == "KANWIL" and seen["open_after_bad_nip"] and seen["focus"]
    assert "tanggal lahir" in seen["error"] and "\n" not in seen["error"]
    assert seen["stored_after_bad_nip"] == []
    assert seen["preview"].splitlines()[:3] == ["Mataram, 22 Desember 2025", "a.n. Kepala Kantor Wilayah,",
                                                "Kepala Bagian Tata Usaha dan Umum"]
    row = stored(kanwil_path)[0]
    assert row[:7] == ("Mataram", "2025-12-22", "Kepala Kantor Wilayah", "Kepala Bagian Tata Usaha dan Umum",
                       "I Made Contoh", "196610181992031001", 1)
    assert '"Baiq Penyusun"' in row[7]
    # the report is made again with the block
    qtbot.waitUntil(lambda: tab.pdf is not None and tab.build_button.isEnabled(), timeout=20000)
    text = PdfReader(io.BytesIO(tab.pdf)).pages[-1].extract_text()
    assert "Mataram, 22 Desember 2025" in text and "NIP 19661018 199203 1 001" in text
    assert "I Made Contoh" in text and "Baiq Penyusun" in text


def test_a_upt_edits_only_its_own_block_from_the_settings_menu(qtbot, tmp_path):
    from package_fixtures import make_unit_plan

    from renstra_desktop.ui.main_window import MainWindow

    win = MainWindow(make_unit_plan(tmp_path / "lobar.renstra"))
    qtbot.addWidget(win)
    seen = {}

    def read(dialog):
        seen["units"] = [dialog.unit.itemData(i) for i in range(dialog.unit.count())]
        seen["jabatan"] = dialog.jabatan.text()
        click_button(dialog, "Batal")

    driver = drive_modal(SignatoryDialog, read)
    win.feature("settings").signatory_action.trigger()
    driver.check()
    assert seen["units"] == ["LPS-LOBAR"] and seen["jabatan"].startswith("Kepala Lapas")
    assert read_db(tmp_path / "lobar.renstra", "SELECT count(*) FROM report_signatory") == [(0,)]
