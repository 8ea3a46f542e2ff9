"""Make the pictures of the Panduan (docs/panduan/*.png) and the window screenshots at the screen
sizes units have (docs/screenshot-1366x768.png, docs/screenshot-1024x768.png).

    python docs/panduan/make_pictures.py

Everything is grabbed from the real window, offscreen, on the demo province of docs/make_screenshot.py
(a Kanwil file and two UPT files built through the core; DEMO DATA: the unit targets, realisations and
the two risks below are generated for the pictures, not figures of any unit).  The dialogs are the
real ones, opened the way a user opens them and grabbed while they show.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))

import make_screenshot  # noqa: E402  (the demo province)
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from renstra_desktop.core import queries  # noqa: E402
from renstra_desktop.core.service import PlanService  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402

GUIDE_SIZE = (1024, 768)
SCREENS = ((1366, 768), (1024, 768))
YEAR = 2026

DEMO_RISKS = [   # DEMO DATA for the Risiko picture (generated), written into the unit's empty area rows
    {"area": "Pengamanan",
     "risk": "Data demo: gangguan keamanan saat kunjungan", "cause": "Kunjungan padat pada hari tertentu",
     "treatments": ["Penjadwalan kunjungan", "Pemeriksaan barang bawaan berlapis"],
     "responsible": "Kepala KPLP", "success_indicators": ["Tidak ada barang terlarang masuk"],
     "inherent_likelihood": 3, "inherent_impact": 4, "residual_likelihood": 2, "residual_impact": 3},
    {"area": "BMN",
     "risk": "Data demo: pencatatan BMN terlambat", "cause": "Petugas BMN merangkap tugas",
     "treatments": ["Rekonsiliasi BMN tiap triwulan"], "responsible": "Kepala Subbagian Umum",
     "success_indicators": ["Laporan BMN tepat waktu"],
     "inherent_likelihood": 3, "inherent_impact": 2, "residual_likelihood": 2, "residual_impact": 2},
]


def pump(app, seconds: float = 0.05) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def wait(app, done, limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while not done():
        app.processEvents()
        time.sleep(0.005)
        if time.monotonic() > end:
            raise TimeoutError
    pump(app)


def save(widget, name: str) -> Path:
    path = HERE / name
    widget.grab().save(str(path))
    print(f"{path.relative_to(ROOT)}: {widget.width()}x{widget.height()}")
    return path


def window_on(plan: Path, size):
    from renstra_desktop.ui.main_window import MainWindow

    window = MainWindow(Store.open(plan))
    window.controller.actor = "demo"
    window.resize(*size)
    window.show()
    return window


def grab_modal(app, kind, name: str, finish) -> None:
    """When a modal dialog of ``kind`` shows: grab it, then ``finish(dialog)``."""
    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            timer.stop()
            pump(app, 0.2)
            save(dialog, name)
            finish(dialog)
    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(50)
    grab_modal.timers.append(timer)


grab_modal.timers = []


def main() -> int:
    work = Path(tempfile.gettempdir()) / "renstra-demo"      # the status bar shows the path: keep it tidy
    try:
        work.mkdir()
    except FileExistsError:
        work = Path(tempfile.mkdtemp(prefix="renstra-demo-"))
    try:
        kanwil = make_screenshot.build_province(work / "provinsi")
        lobar = work / "provinsi" / "lps-lobar" / "rencana.renstra"
        with Store.open(lobar) as store:
            service = PlanService(store, actor="demo-lps-lobar")
            rows = {r["area"]: r["id"] for r in queries.risk_rows(store.conn, "LPS-LOBAR")}
            for risk in DEMO_RISKS:
                service.update("risk", rows[risk["area"]], {k: v for k, v in risk.items() if k != "area"})
        app = QApplication([sys.argv[0]])
        from PySide6.QtCore import QSettings
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
        from renstra_desktop.ui import dialogs
        from renstra_desktop.ui.app import ensure_application
        from renstra_desktop.ui.delegates import ListEditor
        from renstra_desktop.ui.merge_dialog import export_package_from, open_merge_dialog
        from renstra_desktop.ui.period_picker import PeriodDialog
        from renstra_desktop.ui.signatory_dialog import SignatoryDialog
        ensure_application()

        # the window at the screen sizes units have (maximised there): the Kanwil, Semua satker
        for size in SCREENS:
            window = window_on(kanwil, size)
            window.set_selected_unit(None)
            window.indicator_tab.year_combo.setCurrentIndex(window.indicator_tab.year_combo.findData(YEAR))
            pump(app, 0.3)
            window.grab().save(str(ROOT / "docs" / f"screenshot-{size[0]}x{size[1]}.png"))
            print(f"docs/screenshot-{size[0]}x{size[1]}.png")
            window.close()

        # 1. realisations (a UPT): the Indikator tab and the period picker
        window = window_on(lobar, GUIDE_SIZE)
        tab = window.indicator_tab
        tab.year_combo.setCurrentIndex(tab.year_combo.findData(YEAR))
        tab.view.select_row_of(lambda r: r["indicator_code"] == "IKK 19.1", 1)
        pump(app, 0.3)
        save(window, "realisasi.png")
        grab_modal(app, PeriodDialog, "pilih-periode.png", lambda d: d.reject())
        tab.add_period()

        # 2. the risk register, a multi-line cell being edited
        window.tabs.setCurrentWidget(window.risk_tab)
        view, model = window.risk_tab.view, window.risk_tab.model
        demo = next(i for i, r in enumerate(model.rows()) if (r["risk"] or "").startswith("Data demo"))
        index = model.index(demo, model.column_index("treatments"))
        view.setCurrentIndex(index)
        view.edit(index)
        pump(app, 0.3)
        editor = view.viewport().findChild(ListEditor)
        editor.moveCursor(editor.textCursor().MoveOperation.End)
        save(window, "risiko.png")
        view.closeEditor(editor, view.itemDelegate().EndEditHint.RevertModelCache)

        # 3a. a UPT sends its package: Berkas -> Ekspor Paket, then "Buka folder"
        outbox = work / "Dokumen"
        outbox.mkdir()
        dialogs.choose_package_save = lambda parent, title, suggested: outbox / Path(suggested).name
        grab_modal(app, QMessageBox, "ekspor-paket.png", lambda box: box.reject())
        task = export_package_from(window)
        wait(app, lambda: not grab_modal.timers[-1].isActive())
        package = next(outbox.glob("*.rpkg"))
        window.close()
        del task

        # 3b. the Kanwil merges it: the dry run of Gabungkan Paket
        window = window_on(kanwil, GUIDE_SIZE)
        dialog = open_merge_dialog(window, [package])
        wait(app, lambda: dialog.report is not None and dialog.apply_button.isEnabled())
        dialog.tree.expandToDepth(0)
        dialog.tree.setCurrentIndex(dialog.model.index(0, 0))
        pump(app, 0.3)
        save(dialog, "gabung-paket.png")
        dialog.reject()

        # 4. reports: the signature block form, then the Laporan tab with a report built
        grab_modal(app, SignatoryDialog, "penanda-tangan.png", lambda d: d.reject())
        window.report_tab.edit_signatory()
        report = window.report_tab
        window.tabs.setCurrentWidget(report)
        report.unit.setCurrentIndex(report.unit.findData("LPS-LOBAR"))
        report.kind.setCurrentIndex(report.kind.findData("capaian"))
        report.year.setValue(YEAR)
        report.build()
        wait(app, lambda: report.pdf is not None and report.build_button.isEnabled())
        pump(app, 0.3)
        save(window, "laporan.png")
        window.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
