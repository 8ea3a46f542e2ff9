"""The pictures of docs/period-workflow.md: the Status verifikasi tab of a Kanwil file in which units
have submitted, been returned, submitted again, been verified and approved, grabbed from the real
window (offscreen) at 1366 × 768 (docs/status-verifikasi.png) and 1024 × 768.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_status_pictures.py
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build_plan(folder: Path) -> Path:
    """A Kanwil file holding five units' realisations of 2026-TW1 and their steps, written as the
    merge writes a unit's rows (the unit as writer) and as the Kanwil's people take theirs."""
    from renstra_desktop.core.newplan import create_plan_file
    from renstra_desktop.core.service import PlanService

    path = folder / "kanwil.renstra"
    store = create_plan_file(path, "KANWIL")
    units = {"LPS-LOBAR": ("diajukan",), "RTN-PRAYA": ("diajukan", "dikembalikan", "diajukan"),
             "LPS-SUMBAWA": ("diajukan", "diverifikasi"), "LPS-DOMPU": ("diajukan", "diverifikasi", "disahkan"),
             "BPS-MATARAM": ("diajukan", "dikembalikan")}
    codes = {r[0] for r in store.conn.execute("SELECT code FROM unit")}
    for n, (unit, steps) in enumerate(units.items()):
        if unit not in codes:
            continue
        as_unit = PlanService(store, f"operator-{unit.lower()}", unit_code=unit)
        ids = []
        for m in (1, 2, 3):
            rid, _ = as_unit.insert("realisation", {"unit_code": unit, "indicator_code": "IKK 17.1",
                                                   "period": f"2026-{m:02d}", "value": 3 + n / 10 + m / 20,
                                                   "evidence": f"Laporan bulan {m}"})
            ids.append(rid)
        for i, step in enumerate(steps):
            if step == "diajukan":
                if i:
                    as_unit.update("realisation", ids[2], {"value": 3.9})
                as_unit.submit(unit, "2026-TW1", note="Data TW I lengkap" if not i else "Sudah diperbaiki")
            elif step == "dikembalikan":
                PlanService(store, "verifikator").return_(unit, "2026-TW1", note="Lampirkan laporan Maret")
            elif step == "diverifikasi":
                PlanService(store, "verifikator").verify(unit, "2026-TW1")
            else:
                PlanService(store, "kepala kanwil").approve(unit, "2026-TW1", note="Sah")
    store.close()
    return path


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="renstra-gambar-") as folder:
        os.environ["HOME"] = folder
        os.environ["XDG_CONFIG_HOME"] = f"{folder}/config"
        os.environ["XDG_DATA_HOME"] = f"{folder}/share"
        path = build_plan(Path(folder))
        from PySide6.QtWidgets import QApplication

        from renstra_desktop.core.store import Store
        from renstra_desktop.ui.app import ensure_application
        from renstra_desktop.ui.main_window import MainWindow

        app = ensure_application()
        for size, name in (((1366, 768), "status-verifikasi.png"), ((1024, 768), "status-verifikasi-1024.png")):
            win = MainWindow(Store.open(path))
            win.resize(*size)
            win.show()
            view = win.built_tab(win.feature("period_workflow").placeholder)
            win.tabs.setCurrentWidget(view)
            view.waiting.setChecked(False)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and (view._load_task is not None or not view.model.rows):
                app.processEvents()
            row = next(i for i, r in enumerate(view.model.rows) if r["unit_code"] == "RTN-PRAYA")
            view.table.selectRow(row)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not view.values_model.rows:
                app.processEvents()
            for _ in range(20):
                app.processEvents()
            win.grab().save(str(HERE / name))
            print(HERE / name)
            win.close()
            win.controller.close()
        QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
