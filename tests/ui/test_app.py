"""Start-up, the Berkas menu and remembered settings."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction

from conftest_ui import show_tab
from renstra_desktop.core import queries
from renstra_desktop.core.store import Store
from renstra_desktop.ui import app as app_module
from renstra_desktop.ui.main_window import ALL_UNITS, GEOMETRY_KEY, MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_first_run_asks_the_unit_and_creates_the_plan(qtbot, fake_dialogs):
    target = app_module.default_plan_path()
    assert not target.exists()
    fake_dialogs.units.append("LPS-SUMBAWA")
    window = app_module.prepare_window(None)
    qtbot.addWidget(window)
    assert target.exists()
    assert window.controller.path == target
    assert window.controller.unit_code == "LPS-SUMBAWA"
    assert window.unit_combo.currentData() == "LPS-SUMBAWA"
    store = Store.open(target, readonly=True)
    try:
        assert store.unit_code == "LPS-SUMBAWA"
        assert store.count("indicator_target") == 15          # the Kanwil's structure, values empty
    finally:
        store.close()


def test_first_run_for_the_kanwil_loads_the_whole_plan(qtbot, fake_dialogs):
    fake_dialogs.units.append("KANWIL")
    window = app_module.prepare_window(None)
    qtbot.addWidget(window)
    assert queries.funding_totals(window.controller.conn, "KANWIL")["total"] == 70548.79
    assert window.unit_combo.itemText(0) == "Semua satker"


def test_first_run_cancelled_creates_nothing(qtbot, fake_dialogs):
    fake_dialogs.units.append(None)
    assert app_module.prepare_window(None) is None
    assert not app_module.default_plan_path().exists()


def test_second_run_opens_the_existing_plan(qtbot, fake_dialogs):
    fake_dialogs.units.append("RTN-BIMA")
    first = app_module.prepare_window(None)
    first.close()
    second = app_module.prepare_window(None)     # no question this time
    qtbot.addWidget(second)
    assert second.controller.unit_code == "RTN-BIMA"


def test_bad_db_file_shows_the_message_and_lets_the_user_choose(qtbot, tmp_path, kanwil_path, fake_dialogs):
    bad = tmp_path / "bukan.renstra"
    bad.write_bytes(b"ini bukan basis data" * 10)
    before = bad.read_bytes()
    fake_dialogs.open_paths.append(kanwil_path)
    window = app_module.prepare_window(bad)
    qtbot.addWidget(window)
    assert "bukan berkas Renstra Desktop" in fake_dialogs.warnings()[0]
    assert bad.read_bytes() == before
    assert window.controller.path == kanwil_path


def test_bad_db_file_and_no_other_choice(qtbot, tmp_path, fake_dialogs):
    empty = tmp_path / "kosong.renstra"
    empty.write_bytes(b"")
    fake_dialogs.open_paths.append(None)
    assert app_module.prepare_window(empty) is None
    assert "kosong" in fake_dialogs.warnings()[0]
    assert empty.read_bytes() == b""


def test_buka_a_bad_file_keeps_the_open_plan(window, tmp_path, kanwil_path, fake_dialogs):
    bad = tmp_path / "terpotong.renstra"
    bad.write_bytes(kanwil_path.read_bytes()[:5000])
    before = bad.read_bytes()
    fake_dialogs.open_paths += [bad, None]
    assert not window.open_file_dialog()
    assert "terpotong atau rusak" in fake_dialogs.warnings()[0]
    assert bad.read_bytes() == before
    assert window.controller.path == kanwil_path
    assert window.indicator_tab.model.rows()        # the open plan still works


def test_buka_another_plan(window, qtbot, tmp_path, fake_dialogs):
    from renstra_desktop.core.newplan import create_plan_file

    other = tmp_path / "bima.renstra"
    create_plan_file(other, "RTN-BIMA").close()
    fake_dialogs.open_paths.append(other)
    assert window.open_file_dialog()
    assert window.controller.unit_code == "RTN-BIMA"
    assert window.unit_combo.count() == 1
    assert {r["unit_code"] for r in show_tab(qtbot, window, window.risk_tab).model.rows()} == {"RTN-BIMA"}
    assert str(other.resolve()) == window.recent_files()[0]
    assert "bima.renstra" in window.file_label.text()


def test_simpan_sebagai_writes_a_copy_store_open_accepts(window, tmp_path, kanwil_path, fake_dialogs):
    model = window.indicator_tab.model
    model.setData(model.index(0, model.column_index("target_2027")), "3,65")
    window.controller.wait_idle()
    copy = tmp_path / "salinan.renstra"
    fake_dialogs.save_paths.append(copy)
    assert window.save_as()
    store = Store.open(copy)
    try:
        assert store.unit_code == "KANWIL"
        assert store.conn.execute("SELECT value FROM indicator_target WHERE indicator_code = 'IKK 17.1' "
                                  "AND year = 2027").fetchone()[0] == 3.65
    finally:
        store.close()
    assert window.controller.path == kanwil_path            # work continues in the open file
    assert str(copy.resolve()) in window.recent_files()
    key = kanwil_path.with_name(kanwil_path.name + ".kunci")
    assert copy.with_name(copy.name + ".kunci").read_bytes() == key.read_bytes()   # the copy signs as this unit
    # the open file itself cannot be the target
    fake_dialogs.save_paths.append(kanwil_path)
    assert not window.save_as()
    assert "tidak boleh menimpa" in fake_dialogs.warnings()[0]


def test_recent_files_menu(window, tmp_path, kanwil_path):
    window.remember_recent(kanwil_path)
    window._fill_recent_menu()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert texts[0].endswith(str(kanwil_path.resolve()))


def test_geometry_is_remembered(qtbot, kanwil_path):
    first = MainWindow(Store.open(kanwil_path))
    qtbot.addWidget(first)
    first.resize(700, 520)   # inside the offscreen screen (800 x 600)
    first.show()
    first.close()
    assert QSettings().value(GEOMETRY_KEY) is not None
    assert QSettings().organizationName() == "RenstraDesktop"
    second = MainWindow(Store.open(kanwil_path))
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (700, 520)


def test_menus_and_extension_points(window):
    file_texts = [a.text().replace("&", "") for a in window.file_menu.actions() if not a.isSeparator()]
    assert file_texts == ["Rencana baru…", "Buka…", "Berkas terakhir", "Simpan Sebagai…", "Pulihkan dari cadangan…",
                          "Ekspor Paket…", "Gabungkan Paket…", "Impor dari Excel…", "Keluar"]
    edit_texts = [a.text().replace("&", "") for a in window.edit_menu.actions() if not a.isSeparator()]
    assert edit_texts[2:] == ["Salin", "Tempel", "Tambah baris", "Hapus baris", "Cari di rencana…",
                              "Hasil pencarian berikutnya", "Hasil pencarian sebelumnya"]
    assert edit_texts[0].startswith("Urungkan") and edit_texts[1].startswith("Ulangi")
    from PySide6.QtWidgets import QLabel

    export = QAction("Ekspor Paket…", window)
    window.add_file_actions([export])
    file_actions = [a for a in window.file_menu.actions() if not a.isSeparator()]
    assert file_actions[-2] is export and file_actions[-1] is window.exit_action
    reports = window.add_menu("Laporan")
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["Berkas", "Sunting", "Laporan", "Pengaturan", "Bantuan"]
    assert reports.title() == "Laporan"
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles[:5] == ["Ringkasan", "Indikator", "Risiko", "Roadmap", "Pendanaan"]   # Ringkasan first: the Kanwil
    # a lazy tab is built when first shown, in its place
    built = []
    window.add_lazy_tab(lambda: built.append(1) or QLabel("malas"), "Malas")
    assert built == []
    window.tabs.setCurrentIndex(len(titles))
    assert built == [1] and isinstance(window.tabs.currentWidget(), QLabel)
    assert window.tabs.tabText(len(titles)) == "Malas"
    titles.append("Malas")
    index = window.add_tab(QLabel("tambahan"), "Tambahan")
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == titles + ["Tambahan"]
    window.tabs.setCurrentIndex(index)
    assert window.current_plan_tab() is None
    before = window.controller.undo_stack.count()
    window.add_row_action.trigger()      # not a plan tab: the edit actions do nothing
    window.controller.wait_idle()
    window.paste_action.trigger()
    window.controller.wait_idle()
    assert window.controller.undo_stack.count() == before
    seen = []
    window.plan_changed.connect(seen.append)
    window.controller.external_change()
    assert seen and "funding" in seen[0].tables


def test_status_bar_shows_file_and_unit(window, kanwil_path):
    assert str(kanwil_path) in window.file_label.text()
    assert "Ditampilkan: Kantor Wilayah" in window.unit_label.text()
    window.set_selected_unit(ALL_UNITS)
    assert "Semua satker" in window.unit_label.text()
    window.set_selected_unit("RTN-PRAYA")
    assert "Rutan Kelas IIB Praya" in window.unit_label.text()


def test_the_app_starts_and_paints_from_the_command_line(kanwil_path, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", app_module.BENCH_ENV: "1",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "renstra_desktop", "--db", str(kanwil_path)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "RENSTRA_FIRST_PAINT" in done.stdout
