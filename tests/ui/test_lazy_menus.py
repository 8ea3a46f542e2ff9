"""Start-up (issue 11): building the window imports no dialog module of the menu entries it installs
(merge, problem report, search, backups) and keeps no module source in linecache; each dialog is
imported when its menu entry is first used, and the entries still open it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest_ui import drive_modal
from PySide6.QtWidgets import QApplication

LAZY = ("renstra_desktop.ui.merge_dialog", "renstra_desktop.ui.problem_report", "renstra_desktop.ui.search_panel",
        "renstra_desktop.ui.search_thread", "renstra_desktop.ui.search_jump", "renstra_desktop.ui.restore_dialog",
        "renstra_desktop.ui.backup_settings_dialog")

CHILD = """
import json, linecache, sys
import renstra_desktop.ui.app              # as the application starts: PySide's import scan replaced first
from PySide6.QtWidgets import QApplication
app = QApplication([])
from renstra_desktop.core.store import Store
from renstra_desktop.ui.main_window import MainWindow
window = MainWindow(Store.open(sys.argv[1]))
window.show()
for _ in range(5):
    app.processEvents()
menus = [a.text() for m in (window.file_menu, window.edit_menu, window.help_menu) for a in m.actions()]
print(json.dumps({"modules": sorted(m for m in sys.modules if m.startswith("renstra_desktop.ui.")), "menus": menus,
                  "linecache": sorted(linecache.cache)}))
window.controller.close()
"""


def test_building_the_window_imports_no_dialog_of_its_menus(kanwil_path, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(kanwil_path)], env=env, capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "renstra_desktop.ui.main_window" in seen["modules"]
    assert not set(LAZY) & set(seen["modules"])
    assert seen["linecache"] == []                # no module's source kept by PySide's import scan
    for text in ("&Gabungkan Paket…", "Pulih&kan dari cadangan…", "&Cari di rencana…", "Kirim &laporan masalah…"):
        assert text in seen["menus"]


def menu_action(window, text: str):
    """The action whose text is ``text`` in one of the window's menus (as a user finds it)."""
    for menu_action_ in window.menuBar().actions():
        for action in menu_action_.menu().actions():
            if action.text() == text:
                return action
    raise AssertionError(f"no menu entry {text!r}")


def test_each_lazy_menu_entry_opens_its_dialog(qtbot, window, tmp_path, monkeypatch):
    from renstra_desktop.ui import dialogs

    menu_action(window, "&Cari di rencana…").trigger()               # Sunting → Cari di rencana
    panel = window.feature("search").panel
    assert panel is not None and panel.isVisible()

    from renstra_desktop.ui.problem_report import ProblemReportDialog
    seen = []
    driver = drive_modal(ProblemReportDialog, lambda d: (seen.append(d), d.reject()))
    menu_action(window, "Kirim &laporan masalah…").trigger()          # Bantuan → Kirim laporan masalah
    driver.check()
    assert seen

    menu_action(window, "Pulih&kan dari cadangan…").trigger()         # Berkas → Pulihkan dari cadangan
    from renstra_desktop.ui.restore_dialog import RestoreDialog
    restore = [d for d in window.findChildren(RestoreDialog) if d.isVisible()]
    assert restore
    restore[0].reject()

    bad = tmp_path / "bukan.rpkg"
    bad.write_text("bukan paket")
    monkeypatch.setattr(dialogs, "choose_package_files", lambda *a, **k: [bad])
    menu_action(window, "&Gabungkan Paket…").trigger()                # Berkas → Gabungkan Paket
    from renstra_desktop.ui.merge_dialog import MergeDialog
    merge = [d for d in window.findChildren(MergeDialog) if d.isVisible()]
    assert merge and merge[0].paths() == [bad]
    qtbot.waitUntil(lambda: merge[0].report is not None, timeout=20000)
    merge[0].reject()
    QApplication.processEvents()
