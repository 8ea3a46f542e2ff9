"""Make docs/search-1366.png and docs/search-1024.png: Cari di rencana in the window.

    python docs/make_search_pictures.py

A fresh Kanwil plan from the embedded NTB Renstra (the document's own texts, nothing generated) in a
temporary folder, the window offscreen at 1366 x 768 and 1024 x 768 (the units' laptop screens),
Ctrl+F, "pembinaan" typed, the hit in the risk register's Indikasi Risiko shown (Enter), grabbed.
Settings go to the temporary folder too.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from renstra_desktop.core.newplan import create_plan_file  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402

QUERY = "pembinaan"


def picture(app, plan: Path, size: tuple[int, int], output: Path) -> None:
    from renstra_desktop.ui.main_window import MainWindow

    window = MainWindow(Store.open(plan))
    window.resize(*size)
    window.show()
    window.feature("search").find_action.trigger()
    panel = window.feature("search").panel
    panel.field.setText(QUERY)
    end = time.perf_counter() + 30
    while not panel.model.hits and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)
    row = next(i for i, h in enumerate(panel.model.hits) if h.table == "risk" and h.column == "risk"
               and "jaringan" in h.text)
    panel.open_hit(row)
    for _ in range(30):
        app.processEvents()
        time.sleep(0.01)
    window.grab().save(str(output))
    window.close()
    print(f"{output} ({size[0]} x {size[1]}): {panel.status.text()}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="renstra-search-pictures-") as folder:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(Path(folder) / "settings"))
        app = QApplication([])
        from renstra_desktop.ui.app import ensure_application
        ensure_application()
        plan = Path(folder) / "kanwil.renstra"
        create_plan_file(plan, "KANWIL").close()
        for size in ((1366, 768), (1024, 768)):
            picture(app, plan, size, ROOT / "docs" / f"search-{size[0]}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
