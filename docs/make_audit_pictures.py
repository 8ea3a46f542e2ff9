"""The pictures of docs/audit.md: the red banner (1366x768 and 1024x768) and the Riwayat dialog.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_audit_pictures.py

A temporary copy of the embedded Kanwil plan, one target edited in the application, then the same
target and a realisation changed with the sqlite3 module (generated demo values, not official)."""
from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))


def main() -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from renstra_desktop.core.audit import row_history
    from renstra_desktop.core.newplan import create_plan_file
    from renstra_desktop.core.rows import stable_id
    from renstra_desktop.core.service import PlanService
    from renstra_desktop.core.store import Store
    from renstra_desktop.ui.history_dialog import HistoryDialog
    from renstra_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="renstra-audit-"))
    os.environ.setdefault("RENSTRA_DESKTOP_BACKUP_DIR", str(folder / "cadangan"))
    path = folder / "kanwil.renstra"
    target = stable_id("indicator_target", "KANWIL", "IKK 17.1", 2026)
    with create_plan_file(path) as store:
        service = PlanService(store, "operator.kanwil")
        service.update("indicator_target", target, {"value": "3,6"})
        service.update("indicator_target", target, {"value": "3,8"})
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE indicator_target SET value = 4.9 WHERE id = ?", (target,))
        conn.execute("UPDATE indicator_target SET value = 99 WHERE id = ?",
                     (stable_id("indicator_target", "KANWIL", "IKK 19.1", 2027),))
    conn.close()

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    for size, name in (((1366, 768), "audit-banner-1366.png"), ((1024, 768), "audit-banner-1024.png")):
        window = MainWindow(Store.open(path))
        window.resize(*size)
        window.show()
        for _ in range(100):
            wait(50)
            if window.feature("tamper").banner.isVisible():
                break
        wait(200)
        window.grab().save(str(DOCS / name))
        window.close()
        if window.controller.store is not None:
            window.controller.store.close()
    with Store.open(path, readonly=True) as store:
        entries = row_history(store.conn, target)
    dialog = HistoryDialog(None, "IKK 17.1 · Target 2026", entries)
    dialog.show()
    wait(200)
    dialog.grab().save(str(DOCS / "audit-riwayat.png"))
    print("docs/audit-banner-1366.png, docs/audit-banner-1024.png, docs/audit-riwayat.png")


if __name__ == "__main__":
    main()
