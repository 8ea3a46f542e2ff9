"""Longest GUI-thread stall of each everyday action: the real window against a bare PySide6 table.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_stalls.py [--units 530] [--rounds 3]

Opens the real ``MainWindow`` (offscreen, 1280 × 800, settings in a temporary folder) on the
consolidated file of ``bench/national_file.py`` and, with a 5 ms heartbeat ``QTimer`` on the GUI
thread, records the longest gap between two ticks while each action runs and its result is painted
(the action is started from the event loop; the loop runs until the action's result is there and
150 ms more).  Actions, driven through the window's public objects as tests/ui do: open (window
built and first paint), switch unit, "Semua satker", back to one unit, first show of each tab,
"Semua satker" while Roadmap shows, scroll (page by page, then to the end), sort, filter, edit a
cell, undo, build and preview a report (the selected unit's Renstra lengkap, Laporan tab), print it
(to a PDF file, and by the pixel route a Windows printer takes, as the Cetak button after its dialog).

Baseline, in the same process, alternating with the app action by action: a bare ``QMainWindow``
with a ``QTabWidget`` of ``QTableView``s over a plain ``QAbstractTableModel`` holding the same text
(taken from the app's view right after its action: the same rows, columns, column widths and word
wrap; rows keep the default height).  Its action is the least a window must do to show the same
thing: open = build and paint the window; unit switch = reset the model to the new text; first
show of a tab = a new tab with a new view, made current; scroll = the same scroll-bar steps; sort /
filter = a ``QSortFilterProxyModel``; edit / undo = ``setData`` of one cell; report = build the same
report with the core and render the pages on screen with pdfium in a Python thread, then place those
two pages; print = render and paint the same pages into a ``QPrinter`` in a Python thread.
Ratios are app / bare; the heartbeat's own jitter is the "idle" line.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from PySide6.QtCore import QAbstractTableModel, QEvent, QEventLoop, QModelIndex, QObject, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtCore import QRectF, QSortFilterProxyModel  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QTabWidget  # noqa: E402

from national_file import FULL_REPORT, KANWIL_FILE, national_file  # noqa: E402
from national_report import GcPauses  # noqa: E402

HEARTBEAT_MS = 5
SETTLE_S = 0.15
SIZE = (1280, 800)


# -- the instrument -------------------------------------------------------------------------------
class Heartbeat(QObject):
    """A 5 ms timer on the GUI thread; the longest gap between ticks is the longest stall."""

    def __init__(self):
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.longest = 0.0
        self.gc = GcPauses()          # full collections: the longest one during the last measure()
        self.longest_gc = 0.0
        self.timer.start(HEARTBEAT_MS)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def measure(self, action, done=lambda: True, timeout: float = 600.0) -> float:
        """Run ``action`` from the event loop; wait until ``done()`` and SETTLE_S more; longest gap (ms)."""
        loop = QEventLoop()
        state = {"done_at": None}
        started = time.perf_counter()

        def begin():
            self.last, self.longest = time.perf_counter(), 0.0
            state["gc_from"] = len(self.gc.full)
            action()

        def poll():
            now = time.perf_counter()
            if state["done_at"] is None and done():
                state["done_at"] = now
            if (state["done_at"] is not None and now - state["done_at"] >= SETTLE_S) or now - started > timeout:
                loop.quit()

        QTimer.singleShot(0, begin)
        poller = QTimer()
        poller.timeout.connect(poll)
        poller.start(10)
        loop.exec()
        poller.stop()
        self._tick()
        if state["done_at"] is None:
            raise RuntimeError("action did not finish in time")
        self.longest_gc = max(self.gc.full[state.get("gc_from", len(self.gc.full)):], default=0.0) * 1000
        return self.longest * 1000


class Painted(QObject):
    """Set when ``widget`` receives its first paint event after ``arm()``."""

    def __init__(self):
        super().__init__()
        self.seen = False

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.seen = True
        return False


# -- the bare baseline ----------------------------------------------------------------------------
class BareModel(QAbstractTableModel):
    def __init__(self, grid: list[list[str]], headers: list[str]):
        super().__init__()
        self.grid, self.headers = grid, headers

    def set_grid(self, grid, headers) -> None:
        self.beginResetModel()
        self.grid, self.headers = grid, headers
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.grid)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.grid[index.row()][index.column()]
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def flags(self, index):
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        self.grid[index.row()][index.column()] = value
        self.dataChanged.emit(index, index)
        return True


class BareWindow(QMainWindow):
    def __init__(self, snap: dict):
        super().__init__()
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        self.resize(*SIZE)
        self.view = self.add_view(snap)

    def add_view(self, snap: dict) -> QTableView:
        view = QTableView()
        view.setWordWrap(True)
        view.verticalHeader().setVisible(False)
        view.setModel(BareModel(snap["grid"], snap["headers"]))
        for i, w in enumerate(snap["widths"]):
            view.setColumnWidth(i, w)
        self.tabs.addTab(view, snap["title"])
        return view


def snapshot(window) -> dict:
    """The text the app's current table shows (rows x columns), headers and column widths."""
    tab = window.tabs.currentWidget()
    view = tab.view
    model = view.model()
    rows, cols = model.rowCount(), model.columnCount()
    grid = [[model.index(r, c).data() or "" for c in range(cols)] for r in range(rows)]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) or "" for c in range(cols)]
    return dict(grid=grid, headers=headers, widths=[view.columnWidth(c) for c in range(cols)],
                title=window.tabs.tabText(window.tabs.currentIndex()))


# -- the app ----------------------------------------------------------------------------------------
def open_window(path: Path):
    from renstra_desktop.core.store import Store
    from renstra_desktop.ui.main_window import MainWindow

    holder = {}

    def action():
        window = MainWindow(Store.open(path))
        window.resize(*SIZE)
        painted = Painted()
        window.installEventFilter(painted)
        holder.update(window=window, painted=painted)
        window.show()

    return holder, action, lambda: holder.get("painted") is not None and holder["painted"].seen


def settled(window) -> bool:
    """The current tab's tables have their rows (every unit's are read in a worker)."""
    tab = window.tabs.currentWidget()
    views = tab.views() if hasattr(tab, "views") else []
    return not any(getattr(v.model(), "loading", False) for v in views)


def tab_index(window, title: str) -> int:
    return next(i for i in range(window.tabs.count()) if window.tabs.tabText(i) == title)


def report_done(tab, before) -> bool:
    """Built, placed, and the pages in view drawn (the preview draws them as they come into view)."""
    if not (tab.pdf is not None and tab.result is not before and tab.build_button.isEnabled()):
        return False
    preview = tab.preview
    return not hasattr(preview, "visible_pages") or all(i in preview.cached_pages() for i in preview.visible_pages())


def bare_report(path: Path, options, hb: Heartbeat, window: BareWindow) -> float:
    """Build the same report with the core in a Python thread, render the two pages on screen, place them."""
    from PySide6.QtGui import QImage, QPixmap
    from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

    from renstra_desktop.core.reports import build_report
    from renstra_desktop.core.store import Store

    out = {}

    def work():
        import pypdfium2 as pdfium
        with Store.open(path, readonly=True) as store:
            pdf = build_report(store.conn, options).pdf
        doc = pdfium.PdfDocument(pdf)
        images = []
        for i in range(min(2, len(doc))):
            bitmap = doc[i].render(scale=1.0, rev_byteorder=True)
            images.append(QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                                 QImage.Format.Format_RGB888).copy())
        doc.close()
        out["images"] = images

    def start():
        out["thread"] = threading.Thread(target=work)
        out["thread"].start()

    def done():
        if "images" not in out or "placed" in out:
            return "placed" in out
        page = QWidget()
        layout = QVBoxLayout(page)
        for image in out["images"]:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            layout.addWidget(label)
        scroll = QScrollArea()
        scroll.setWidget(page)
        window.tabs.setCurrentIndex(window.tabs.addTab(scroll, "Laporan"))
        out["placed"] = True
        return False

    stall = hb.measure(start, done)
    out["thread"].join()
    return stall


def bare_print(pdf: bytes, resolution_scale: float, hb: Heartbeat, target: Path) -> float:
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtPrintSupport import QPrinter

    out = {}

    def work():
        import pypdfium2 as pdfium
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        doc = pdfium.PdfDocument(pdf)
        painter = QPainter(printer)
        for i in range(len(doc)):
            if i:
                printer.newPage()
            bitmap = doc[i].render(scale=resolution_scale, rev_byteorder=True, may_draw_forms=True)
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
            area = painter.viewport()
            scale = min(area.width() / image.width(), area.height() / image.height())
            for top in range(0, image.height(), 128):    # strips: one drawImage holds the GIL
                rows = min(128, image.height() - top)
                painter.drawImage(QRectF(0, top * scale, image.width() * scale, rows * scale), image,
                                  QRectF(0, top, image.width(), rows))
        painter.end()
        doc.close()
        out["done"] = True

    thread = threading.Thread(target=work)
    stall = hb.measure(thread.start, lambda: "done" in out)
    thread.join()
    return stall


def one_round(path: Path, units: list[str], hb: Heartbeat, results: dict, folder: Path) -> None:
    """One fresh window and one bare window through every action, each app action followed by the
    bare one (the bare window shows the text the app's action produced)."""
    from PySide6.QtPrintSupport import QPrinter

    from renstra_desktop.core.reports.base import ReportOptions

    def record(name, app_fn, bare_fn=None):
        for who, fn in (("app", app_fn), ("bare", bare_fn)):
            value = fn() if fn else None
            if value is not None:
                results.setdefault(name, {}).setdefault(who, []).append(value)
                if who == "app":
                    results[name].setdefault("gc", []).append(hb.longest_gc)

    holder, action, done = open_window(path)
    stall = hb.measure(action, done)
    w = holder["window"]
    w.tabs.setCurrentIndex(tab_index(w, "Indikator"))    # the Kanwil's window may open on another tab
    QApplication.processEvents()
    snap = snapshot(w)
    painted, bare = Painted(), {}

    def bare_open():
        bw = BareWindow(snap)
        bw.installEventFilter(painted)
        bare["w"] = bw
        bw.show()
    record("open (window built, first paint)", lambda: stall, lambda: hb.measure(bare_open, lambda: painted.seen))
    b = bare["w"]
    indicator, unit_a, unit_b = tab_index(w, "Indikator"), units[len(units) // 2], units[-1]

    def show_same(view_model_action, app_action, done=lambda: settled(w)):
        """App action (until its rows are there), then the bare window shows the same text through
        ``view_model_action(snap)``."""
        out = {}

        def app_fn():
            stall = hb.measure(app_action, done)
            out.update(snapshot(w))
            return stall
        return app_fn, lambda: view_model_action(out)

    def reset_current(snap):
        model = b.tabs.currentWidget().model()
        return hb.measure(lambda: model.set_grid(snap["grid"], snap["headers"]))

    def sync_bare():
        deadline = time.perf_counter() + 600
        while not settled(w) and time.perf_counter() < deadline:
            QApplication.processEvents()
            time.sleep(0.005)
        s = snapshot(w)
        b.tabs.currentWidget().model().set_grid(s["grid"], s["headers"])

    record("switch unit", *show_same(reset_current, lambda: w.set_selected_unit(unit_a)))
    record("Semua satker", *show_same(reset_current, lambda: w.set_selected_unit(None)))
    record("back to one unit", *show_same(reset_current, lambda: w.set_selected_unit(unit_b)))
    w.set_selected_unit(None)
    sync_bare()
    for title in ("Risiko", "Roadmap", "Pendanaan"):
        def first_show(snap):
            return hb.measure(lambda: b.tabs.setCurrentIndex(b.tabs.indexOf(b.add_view(snap))))
        record(f"first show of {title} (Semua satker)",
               *show_same(first_show, lambda t=title: w.tabs.setCurrentIndex(tab_index(w, t))))
    w.tabs.setCurrentIndex(tab_index(w, "Roadmap"))
    b.tabs.setCurrentIndex(b.tabs.count() - 2)      # the bare Roadmap view
    w.set_selected_unit(unit_a)
    sync_bare()
    record("Semua satker while Roadmap shows", *show_same(reset_current, lambda: w.set_selected_unit(None)))

    def scroll(view):
        """20 page steps down, then to the end; the longest of them."""
        stalls = []
        bar = view.verticalScrollBar()
        for _ in range(20):
            stalls.append(hb.measure(lambda: bar.triggerAction(bar.SliderAction.SliderPageStepAdd)))
        stalls.append(hb.measure(lambda: bar.setValue(bar.maximum())))
        bar.setValue(0)
        return max(stalls)
    record("scroll (Roadmap, Semua satker)", lambda: scroll(w.tabs.currentWidget().view),
           lambda: scroll(b.tabs.currentWidget()))

    # sort and filter: the app's own if its view offers them (None: not offered).  Bare: the fastest
    # honest way, sort/filter the rows in Python and reset the model; and, for reference, a
    # QSortFilterProxyModel over the same Python model (it calls data() per comparison).
    def app_sort():
        view = w.tabs.currentWidget().view
        if not view.isSortingEnabled():
            return None
        # until the rows are sorted: a big table makes a column's sort values in a worker first
        return hb.measure(lambda: view.sortByColumn(2, Qt.SortOrder.DescendingOrder),
                          lambda: not getattr(view.model(), "sorting", 0))

    def bare_python(fn):
        model = b.tabs.currentWidget().model()
        grid, headers = model.grid, model.headers
        stall = hb.measure(lambda: model.set_grid(fn(grid), headers))
        model.set_grid(grid, headers)
        return stall

    def bare_proxy(fn):
        view = b.tabs.currentWidget()
        source = view.model()
        proxy = QSortFilterProxyModel()
        proxy.setSourceModel(source)
        view.setModel(proxy)
        stall = hb.measure(lambda: fn(proxy))
        view.setModel(source)
        return stall
    record("sort (Roadmap, Semua satker)", app_sort,
           lambda: bare_python(lambda g: sorted(g, key=lambda r: r[2], reverse=True)))
    record("  bare sort through QSortFilterProxyModel", lambda: None,
           lambda: bare_proxy(lambda p: p.sort(2, Qt.SortOrder.DescendingOrder)))

    def app_filter():
        tab = w.tabs.currentWidget()
        edit = getattr(tab, "filter_edit", None)
        if edit is None:
            return None
        return hb.measure(lambda: edit.setText("selesai"), lambda: tab.view.model().filter_text() == "selesai")
    record("filter (Roadmap, Semua satker)", app_filter,
           lambda: bare_python(lambda g: [r for r in g if any("selesai" in c.lower() for c in r)]))
    record("  bare filter through QSortFilterProxyModel", lambda: None,
           lambda: bare_proxy(lambda p: (p.setFilterKeyColumn(-1),
                                         p.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive),
                                         p.setFilterFixedString("selesai"))))

    # edit a cell and undo: a target the Kanwil writes, Indikator tab, one unit shown
    w.tabs.setCurrentIndex(indicator)
    b.tabs.setCurrentIndex(0)
    w.set_selected_unit(unit_a)
    sync_bare()
    model = w.indicator_tab.model
    col = model.column_index("target_2027")
    index = model.index(0, col)
    old = index.data(Qt.ItemDataRole.EditRole)
    bare_model = b.view.model()
    record("edit a cell (target, one unit)", lambda: hb.measure(lambda: model.setData(index, "91,25")),
           lambda: hb.measure(lambda: bare_model.setData(bare_model.index(0, col), "91,25")))
    record("undo", lambda: hb.measure(w.controller.undo_stack.undo),
           lambda: hb.measure(lambda: bare_model.setData(bare_model.index(0, col), old)))

    # Laporan: first show, the shown unit's Renstra lengkap built and previewed, then printed
    record("first show of Laporan", lambda: hb.measure(lambda: w.tabs.setCurrentIndex(tab_index(w, "Laporan"))))
    tab = w.report_tab
    tab.kind.setCurrentIndex(tab.kind.findData(FULL_REPORT))
    tab.unit.setCurrentIndex(tab.unit.findData(unit_a))
    options = ReportOptions(FULL_REPORT, unit=unit_a, year=tab.year.value())

    def app_report():
        before = tab.result
        return hb.measure(tab.build, lambda: report_done(tab, before))
    record("build and preview a report (one unit's Renstra lengkap)", app_report,
           lambda: bare_report(path, options, hb, b))

    # print: "Print to File (PDF)" through the tab's print_with (what Cetak runs after its dialog), and
    # the pixel route a Windows printer takes (the same request forced to "raster", run as print_with
    # runs it); bare: write the bytes / render and paint the same pages at the same dpi in a thread
    from renstra_desktop.ui.printing import raster_dpi, request_from, run_print
    from renstra_desktop.ui.worker import run_in_background

    def pdf_printer(name):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(folder / name))
        return printer

    def app_print_file():
        return hb.measure(lambda: tab.print_with(pdf_printer("app-print.pdf")), lambda: tab._printer is None)

    def bare_write():
        pdf, out = tab.pdf, {}
        thread = threading.Thread(target=lambda: ((folder / "bare-print.pdf").write_bytes(pdf), out.update(done=1)))
        stall = hb.measure(thread.start, lambda: "done" in out)
        thread.join()
        return stall
    record("print to file (PDF)", app_print_file, bare_write)

    def app_print_raster():
        printer, out = pdf_printer("app-raster.pdf"), {}
        request = request_from(printer, tab.page_count(), tab.kind.currentText())
        request.route = "raster"

        def start():
            out["task"] = run_in_background(tab, "Mencetak", lambda _s, progress: run_print(
                request, tab.pdf, printer, progress), lambda _r: out.update(done=1))
        return hb.measure(start, lambda: "done" in out)
    dpi = raster_dpi(pdf_printer("x.pdf"))
    record("print, pixel route (as on Windows)", app_print_raster,
           lambda: bare_print(tab.pdf, dpi / 72.0, hb, folder / "bare-raster.pdf"))

    w.controller.close()
    w.close()
    w.deleteLater()
    b.close()
    b.deleteLater()
    QApplication.processEvents()


def run(units: int, rounds: int, cache) -> None:
    from renstra_desktop.core.queries import units as unit_list
    from renstra_desktop.core.store import Store
    from renstra_desktop.ui import dialogs

    folder = national_file(units, cache)
    path = folder / KANWIL_FILE
    with tempfile.TemporaryDirectory(prefix="renstra-stalls-") as tmp:
        work = Path(tmp) / KANWIL_FILE
        import shutil
        shutil.copy(path, work)            # edits and undo land in a copy
        with Store.open(work, readonly=True) as store:
            codes = [u["code"] for u in unit_list(store.conn) if u["code"] != "KANWIL"]
        for kind in ("info", "warn", "error"):
            setattr(dialogs, kind, lambda parent, title, message, k=kind: print(f"  [{k}] {title}: {message}"))
        hb = Heartbeat()
        results: dict = {}
        idle = [hb.measure(lambda: None, lambda: True) for _ in range(5)]
        for r in range(rounds):
            one_round(work, codes, hb, results, Path(tmp))
            print(f"  round {r + 1}/{rounds} done", flush=True)
    print(f"\n{units} units ({len(codes)} in the unit directory besides the Kanwil), {rounds} rounds, "
          f"median of the rounds; heartbeat {HEARTBEAT_MS} ms, idle longest gap {statistics.median(idle):.1f} ms")
    print(f"{'action':<58}{'app ms':>10}{'bare ms':>10}{'ratio':>8}{'full GC':>9}   app runs "
          "(full GC: the longest generation-2 collection during the app action, ms)")
    for name, values in results.items():
        app = statistics.median(values["app"]) if values.get("app") else None
        bare = statistics.median([v for v in values.get("bare", []) if v is not None] or [0]) or None
        ratio = f"{app / bare:.1f}x" if app and bare else "–"
        app_s = f"{app:.1f}" if app is not None else "n/a"
        bare_s = f"{bare:.1f}" if bare else "–"
        runs = ", ".join(f"{v:.0f}" for v in values.get("app", []))
        full_gc = f"{max(values['gc']):.0f}" if values.get("gc") else "–"
        print(f"{name:<58}{app_s:>10}{bare_s:>10}{ratio:>8}{full_gc:>9}   {runs}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=530)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cache", metavar="DIR")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("RenstraDesktopBench")
    app.setApplicationName("gui_stalls")
    with tempfile.TemporaryDirectory(prefix="renstra-settings-") as settings:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
        run(args.units, args.rounds, args.cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
