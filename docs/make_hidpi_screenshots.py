"""Make docs/hidpi-*.png: the window, a dialog and the report preview as a 1920 x 1080 laptop shows
them with Windows' display scaling at 125 % and 150 % (QT_SCALE_FACTOR, offscreen).

    python docs/make_hidpi_screenshots.py

Each scale runs in its own process (Qt reads QT_SCALE_FACTOR once, at start).  The window gets the
logical size a maximised window has on that screen (1536 x 864 at 125 %, 1280 x 720 at 150 %, less
nothing: offscreen has no task bar), so the PNGs have the screen's physical pixels.  The plan is the
demo province of docs/make_screenshot.py (DEMO DATA, generated).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))

SCREEN = (1920, 1080)
SCALES = {"125": 1.25, "150": 1.5}


def grab(plan: Path, scale_name: str, settings: Path) -> list[Path]:
    """In a process started with QT_SCALE_FACTOR: window (Indikator, Semua satker), the merge dialog
    and the Laporan tab with a built report; returns the PNGs written."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from renstra_desktop.core.store import Store
    from renstra_desktop.ui import merge_dialog
    from renstra_desktop.ui.app import ensure_application
    from renstra_desktop.ui.main_window import MainWindow

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings))
    app = ensure_application([sys.argv[0]])
    scale = SCALES[scale_name]
    logical = (round(SCREEN[0] / scale), round(SCREEN[1] / scale))
    window = MainWindow(Store.open(plan))
    window.resize(*logical)
    window.show()
    window.set_selected_unit(None)
    tab = window.indicator_tab
    tab.year_combo.setCurrentIndex(tab.year_combo.findData(2026))

    def settle(rounds=8):
        for _ in range(rounds):
            app.processEvents()

    def save(widget, name) -> Path:
        settle()
        out = ROOT / "docs" / f"hidpi-{scale_name}-{name}.png"
        widget.grab().toImage().save(str(out))
        return out

    written = [save(window, "jendela")]

    packages = sorted((plan.parent.parent / "kiriman").glob("*.rpkg"))
    dialog = merge_dialog.open_merge_dialog(window, [p for p in packages if "KANWIL" not in p.name])
    deadline = 200
    while dialog.report is None and deadline:
        settle(1)
        QApplication.instance().thread().msleep(50)
        deadline -= 1
    written.append(save(dialog, "dialog-gabung"))
    dialog.close()

    report_tab = window.report_tab
    window.tabs.setCurrentWidget(report_tab)
    settle()
    report_tab.build()
    deadline = 400
    while not report_tab.page_count() and deadline:
        settle(1)
        QApplication.instance().thread().msleep(50)
        deadline -= 1
    written.append(save(window, "laporan"))
    window.close()
    return written


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--grab":
        for path in grab(Path(sys.argv[2]), sys.argv[3], Path(sys.argv[2]).parent / "settings"):
            print(path.relative_to(ROOT))
        return 0
    from make_screenshot import build_province

    work = Path(tempfile.mkdtemp(prefix="renstra-hidpi-"))
    try:
        plan = build_province(work / "provinsi")
        for name, factor in SCALES.items():
            env = {**os.environ, "QT_SCALE_FACTOR": str(factor), "QT_QPA_PLATFORM": "offscreen"}
            subprocess.run([sys.executable, __file__, "--grab", str(plan), name], env=env, check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
