"""Printing a 2-page report against saving the same PDF, in the real window (offscreen).

    .venv/bin/python bench/print.py [--repeat 7]

Opens the main window on a fresh Kanwil plan, builds Laporan Capaian Kinerja (2 pages, A4
landscape) in the Laporan tab, then alternates, after one warm-up of each:

- **save**: Simpan PDF… (file dialog answered by this script), from the call to the status line
  "Disimpan" (the write runs in the worker, as for a user);
- **print**: Cetak… with "Print to File (PDF)" chosen in the print dialog (the dialog's choices
  are set on the QPrinter by this script), from the call to the status line "Dicetak": the route
  a user's print-to-PDF takes (ui/printing.py writes the report PDF itself);
- **raster** (for reference, not the goal): the same printer forced through the pixel route that
  Windows printers take (pdfium at the printer's resolution capped at 300 dpi, painted in the
  worker), and the old way (all pages rendered at 4x on the GUI thread, then painted: what
  Cetak did before), with their file sizes.

A 5 ms timer on the GUI thread records the longest gap between its ticks during each print: the
longest freeze a user could see.  Goals (issue 7): print <= 2x save; no gap over 100 ms.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from responsiveness import Heartbeat, wait  # noqa: E402  (the same heartbeat as the merge bench)
from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402
from PySide6.QtPrintSupport import QPrinter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="renstra-bench-print-"))
    try:
        app = QApplication([])
        from renstra_desktop.core.newplan import create_plan_file
        from renstra_desktop.core.store import Store
        from renstra_desktop.ui import dialogs, printing
        from renstra_desktop.ui.app import ensure_application
        from renstra_desktop.ui.main_window import MainWindow
        from renstra_desktop.ui.pdf_pages import iter_pages

        ensure_application()
        create_plan_file(folder / "kanwil.renstra", "KANWIL").close()
        dialogs.info = dialogs.warn = lambda *a, **k: None
        window = MainWindow(Store.open(folder / "kanwil.renstra"))
        window.resize(1280, 800)
        window.show()
        tab = window.report_tab
        window.tabs.setCurrentWidget(tab)
        tab.kind.setCurrentIndex(tab.kind.findData("capaian"))
        tab.build()
        wait(app, lambda: tab.pdf is not None and tab.build_button.isEnabled())
        pdf = tab.pdf
        beat = Heartbeat()

        def save(i):
            target = folder / f"simpan-{i}.pdf"
            dialogs.choose_pdf_save = lambda *a, **k: target
            started = time.perf_counter()
            tab.save()
            wait(app, lambda: tab.status.text() == f"Disimpan: {target}")
            return time.perf_counter() - started, target

        def print_pdf(i, route=None):
            target = folder / f"cetak-{i}.pdf"
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printing.prepare_printer(printer, tab.page_size(), "Capaian", target)   # as before the dialog
            if route:
                real = printing.request_from
                printing.request_from = lambda p, n, t: printing.PrintRequest(route, list(range(n)))
            tab.status.setText("")
            beat.start()
            started = time.perf_counter()
            tab.print_with(printer)
            wait(app, lambda: tab.status.text().startswith("Dicetak"))
            elapsed = time.perf_counter() - started
            tail = time.perf_counter() - beat.last       # the stretch after the last tick counts too
            gap, _ticks = beat.stop()
            gap = max(gap, tail)
            if route:
                printing.request_from = real
            return elapsed, gap, target

        def old_way(i):
            """Cetak before issue 7: every page rendered at 4x and painted, all on the GUI thread."""
            target = folder / f"lama-{i}.pdf"
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFileName(str(target))
            printing.prepare_printer(printer, tab.page_size(), "Capaian", target)
            started = time.perf_counter()
            images = list(iter_pages(pdf, 4.0))
            painter = QPainter(printer)
            for n, image in enumerate(images):
                if n:
                    printer.newPage()
                rect = painter.viewport()
                scaled = image.size().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRectF(rect.x(), rect.y(), scaled.width(), scaled.height()), image)
            painter.end()
            return time.perf_counter() - started, target

        save(-1)
        print_pdf(-1)
        saves, prints, gaps = [], [], []
        for i in range(args.repeat):
            seconds, _ = save(i)
            saves.append(seconds)
            seconds, gap, target = print_pdf(i)
            prints.append(seconds)
            gaps.append(gap)
            assert target.read_bytes() == pdf
        raster_s, raster_gap, raster_file = print_pdf(99, route="raster")
        old_s, old_file = old_way(99)

        save_med, print_med = statistics.median(saves), statistics.median(prints)
        print(f"report: Laporan Capaian Kinerja, {tab.page_count()} pages, {len(pdf):,} bytes; "
              f"median of {args.repeat}, alternated, after one warm-up")
        print(f"save  (Simpan PDF, worker)          : {save_med * 1000:7.1f} ms  "
              f"(runs {min(saves) * 1000:.1f}-{max(saves) * 1000:.1f})")
        print(f"print (Cetak, print to file, worker): {print_med * 1000:7.1f} ms  "
              f"(runs {min(prints) * 1000:.1f}-{max(prints) * 1000:.1f})")
        print(f"ratio print / save                  : {print_med / save_med:5.2f}x  (goal <= 2x)")
        print(f"longest GUI gap during a print      : {max(gaps) * 1000:7.1f} ms  (goal <= 100 ms)")
        print(f"raster route (Windows printers, 300 dpi, worker): {raster_s * 1000:7.1f} ms, "
              f"{raster_file.stat().st_size:,} bytes, longest GUI gap {raster_gap * 1000:.1f} ms")
        print(f"old Cetak (4x raster, all on the GUI thread)    : {old_s * 1000:7.1f} ms, "
              f"{old_file.stat().st_size:,} bytes (the GUI thread blocked the whole time)")
        ok = print_med <= 2 * save_med and max(gaps) <= 0.1
        print(f"goals: {'met' if ok else 'NOT met'}")
        window.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
