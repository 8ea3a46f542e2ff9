"""Pictures of the Ringkasan (issue 14): the tab for the Kanwil on the province and for a UPT on
itself (1366 × 768, and the Kanwil's also at 1024 × 768), and page 1 of the ringkasan report.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_ringkasan_pictures.py

The plan is the test scenario of tests/summary_scenario.py: two UPTs that ran their year to TW III
and sent their packages, plus the Kanwil's own entries (demo figures, not official ones).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import summary_scenario  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from renstra_desktop.core.reports import ReportOptions, build_report  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402

DOCS = ROOT / "docs"


def wait(app, done, limit=30.0):
    end = time.time() + limit
    while not done() and time.time() < end:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(30):
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="ringkasan-gambar-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "settings"))
    built = summary_scenario.build(folder)
    app = QApplication([])
    from renstra_desktop.ui.app import ensure_application
    from renstra_desktop.ui.main_window import MainWindow
    ensure_application()
    shots = ((built["kanwil"], (1366, 768), "ringkasan-provinsi.png", (4, 4)),
             (built["kanwil"], (1024, 768), "ringkasan-provinsi-1024.png", None),
             (built["upts"]["LPS-LOBAR"]["path"], (1366, 768), "ringkasan-upt.png", (4, 4)))
    for path, size, name, cell in shots:
        window = MainWindow(Store.open(path))
        window.resize(*size)
        window.show()
        window.show_summary()
        tab = window.summary_tab
        tab.set_period("2026-TW3")
        wait(app, lambda: tab.data is not None and not tab.loading and not tab._stale)
        if cell:
            tab.inherent_map.cellClicked.emit(*cell)
            tab.inherent_map.selected = cell
            wait(app, lambda: tab.risk_list.count() > 1, 5)
        window.grab().save(str(DOCS / name))
        print("wrote", DOCS / name)
        window.close()
    with Store.open(built["kanwil"], readonly=True) as store:
        build_report(store.conn, ReportOptions("ringkasan", unit=None, period="2026-TW3"), folder / "r.pdf")
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(folder / "r.pdf"),
                    str(DOCS / "ringkasan-laporan")], check=True)
    print("wrote", DOCS / "ringkasan-laporan.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
