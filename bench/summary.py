"""The Ringkasan tab at national scale: first show and redraw, and the longest GUI-thread stall.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/summary.py [--units 530] [--rounds 3] [--keep DIR]

The file: the Kanwil's embedded plan into which bench/merge.py's ``--units`` generated unit
packages are merged by ``merge_packages`` (each unit: monthly realisations 2025-2029 of 3 IKK, 18
scored risks, funding lines with realised spending), plus the Kanwil's cascaded targets for every
unit (3 IKK × 5 years, written as seed rows).  Generated test data, not official figures.  With
``--keep DIR`` the file is kept and reused.

In one process, with a 5 ms heartbeat ``QTimer`` on the GUI thread (the longest gap between two
ticks is the longest freeze a user could see), alternating round by round:

- **bare**: a ``QMainWindow`` with a ``QTabWidget`` holding one ``QTableView`` over a plain
  ``QAbstractTableModel``; the same figures read the same way (``core.summary.summary()`` on a plain
  Python thread with its own connection), then the grid's text put in the model and painted; the
  redraws read what the tab reads again (it keeps the parts that do not depend on what changed): the
  grid of the next period, every part of one unit, and for the province again only what waits.  It is the least a window must do to
  show the same figures without freezing (no charts, heat maps, bars or list);
- **ours**: the real ``MainWindow`` on the file; first show = ``show_summary()`` (the tab is built,
  its figures read by ``core.summary`` in a worker on its own connection, the result laid out and
  painted); redraw = another period chosen in the tab (TW III → TW II), then one unit and back to
  the province.

Also printed: ``core.summary.summary()`` alone on the GUI-less main thread (what the worker does).
Ratios are ours / bare.  DESIGN.md's bar: no stall over 100 ms.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import merge as merge_bench  # noqa: E402  (bench/merge.py: the generated unit packages)
from responsiveness import Heartbeat, wait  # noqa: E402  (the 5 ms GUI-thread heartbeat)
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QTabWidget  # noqa: E402

from renstra_desktop.core import summary  # noqa: E402
from renstra_desktop.core.packages.merge import merge_packages  # noqa: E402
from renstra_desktop.core.newplan import insert_seed_rows  # noqa: E402
from renstra_desktop.core.numbers import format_number  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402

FILE = "nasional.renstra"
SIZE = (1366, 768)
ONE_UNIT = [""]          # the unit shown on its own: the middle one of the generated units


def build_file(folder: Path, units: int) -> Path:
    target = folder / f"{FILE}-{units}"
    if target.exists():
        return target
    work = folder / "bangun"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.perf_counter()
    template, _province, nationwide, _rows, rows = merge_bench.build(work, units)
    store = Store.open(template)
    merge_packages(store, nationwide, actor="bench", trust_new_keys=True)
    targets = [dict(r) for r in store.conn.execute(
        "SELECT indicator_code, year, value FROM indicator_target WHERE unit_code = 'KANWIL' AND deleted = 0")]
    codes = [r[0] for r in store.conn.execute("SELECT code FROM unit WHERE deleted = 0 AND code LIKE 'UPT-%'")]
    with store.atomic():
        insert_seed_rows(store, "indicator_target", [
            {"unit_code": code, "indicator_code": t["indicator_code"], "year": t["year"],
             "value": 80.0 if t["indicator_code"] == "IKK 19.1" else t["value"]}
            for code in codes for t in targets])
    store.close()
    os.replace(template, target)
    shutil.rmtree(work, ignore_errors=True)
    print(f"built {target.name}: {units} unit packages, {rows} rows, in {time.perf_counter() - started:.0f} s")
    return target


def settle(app, done, limit=120.0, after=0.1):
    """Run the event loop until ``done()``; returns that moment, then keeps it running ``after`` s."""
    wait(app, done, limit)
    finished = time.perf_counter()
    tail = time.perf_counter() + after
    while time.perf_counter() < tail:
        app.processEvents()
        time.sleep(0.001)
    return finished


class GridModel(QAbstractTableModel):
    def __init__(self, text):
        super().__init__()
        self.text = text

    def rowCount(self, parent=QModelIndex()):
        return len(self.text)

    def columnCount(self, parent=QModelIndex()):
        return len(self.text[0]) if self.text else 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return self.text[index.row()][index.column()] if role == Qt.ItemDataRole.DisplayRole else None

    def reset(self, text):
        self.beginResetModel()
        self.text = text
        self.endResetModel()


def grid_text(grid: dict) -> list[list[str]]:
    codes = [i["code"] for i in grid["indicators"]]
    return [[r["unit_name"], *["–" if r["cells"][c]["achievement"] is None else
                               f"{format_number(r['cells'][c]['achievement'], 1)} %" for c in codes if c in r["cells"]],
             "–"] for r in grid["rows"]]


def in_thread(path: Path, period: str, unit=None, parts=summary.PARTS) -> dict:
    """core.summary.summary() on a plain Python thread with its own connection (the bare way)."""
    box = {}

    def work():
        store = Store.open(path, readonly=True)
        try:
            box["data"] = summary.summary(store.conn, unit, period, parts=parts)
        finally:
            store.close()
    thread = threading.Thread(target=work)
    thread.start()
    box["thread"] = thread
    return box


def run_bare(app, beat, path: Path) -> dict:
    """The same figures read the same way (a thread, its own connection), shown as plain text in a
    QTableView: the least a window must do to show the grid."""
    beat.start()
    started = time.perf_counter()
    window = QMainWindow()
    tabs = QTabWidget()
    view = QTableView()
    model = GridModel([])
    view.setModel(model)
    tabs.addTab(view, "Ringkasan")
    window.setCentralWidget(tabs)
    window.resize(*SIZE)
    window.show()
    box = in_thread(path, "2026-TW3")
    settle(app, lambda: "data" in box, after=0)
    model.reset(grid_text(box["data"]["grid"]))
    view.viewport().repaint()
    first = (settle(app, lambda: True) - started, beat.stop()[0])
    out = {"first": first}
    grids = {}
    # the parts the tab reads again (it keeps the others): a new period, a unit, back to the province
    for name, period, unit, parts in (("redraw", "2026-TW2", None, ("grid", "waiting")),
                                      ("one unit", "2026-TW2", ONE_UNIT[0], summary.PARTS),
                                      ("province", "2026-TW2", None, ("waiting",))):
        beat.start()
        started = time.perf_counter()
        box = in_thread(path, period, unit, parts)
        settle(app, lambda: "data" in box, after=0)
        grid = box["data"].get("grid") or grids[(unit, period)]
        grids[(unit, period)] = grid
        model.reset(grid_text(grid))
        view.viewport().repaint()
        out[name] = (settle(app, lambda: True) - started, beat.stop()[0])
    window.close()
    window.deleteLater()
    return out


def run_ours(app, beat, path: Path) -> dict:
    from renstra_desktop.ui.main_window import MainWindow

    window = MainWindow(Store.open(path))
    window.resize(*SIZE)
    window.show()
    settle(app, lambda: True, after=0.2)
    beat.start()
    started = time.perf_counter()
    window.show_summary()
    tab = window.summary_tab
    tab.set_period("2026-TW3")
    first = (settle(app, lambda: tab.data is not None and not tab.loading and not tab._stale) - started, beat.stop()[0])
    out = {"first": first}
    for name, change in (("redraw", lambda: tab.set_period("2026-TW2")),
                         ("one unit", lambda: tab.scope_combo.setCurrentIndex(tab.scope_combo.findData(ONE_UNIT[0]))),
                         ("province", lambda: tab.scope_combo.setCurrentIndex(tab.scope_combo.findData(None)))):
        beat.start()
        started = time.perf_counter()
        before = tab.data
        change()
        out[name] = (settle(app, lambda: tab.data is not before and not tab.loading and not tab._stale) - started,
                     beat.stop()[0])
    rows = len(tab.data["grid"]["rows"])
    window.close()
    window.deleteLater()
    settle(app, lambda: True, after=0.3)
    out["rows"] = rows
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=530)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="keep (and reuse) the national file in DIR")
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="renstra-bench-ringkasan-"))
    folder.mkdir(parents=True, exist_ok=True)
    settings = Path(tempfile.mkdtemp(prefix="renstra-bench-settings-"))
    try:
        path = build_file(folder, args.units)
        store = Store.open(path, readonly=True)
        generated = [r[0] for r in store.conn.execute("SELECT code FROM unit WHERE code LIKE 'UPT-%' ORDER BY code")]
        ONE_UNIT[0] = generated[len(generated) // 2]
        core_times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            summary.summary(store.conn, None, "2026-TW3")
            core_times.append(time.perf_counter() - started)
        store.close()
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings))
        app = QApplication([])
        from renstra_desktop.ui.app import ensure_application
        ensure_application()
        beat = Heartbeat()
        bare, ours = [], []
        run_bare(app, beat, path)                        # warm-up of both
        run_ours(app, beat, path)
        for _ in range(args.rounds):
            bare.append(run_bare(app, beat, path))
            ours.append(run_ours(app, beat, path))
        print(f"{ours[0]['rows']} units in the grid; core.summary.summary() alone: "
              f"median {statistics.median(core_times) * 1000:.0f} ms (runs {', '.join(f'{t * 1000:.0f}' for t in core_times)})")
        print(f"{'action':10s} {'ours: time':>12s} {'longest stall':>14s}   {'bare: time':>10s} {'longest stall':>14s}   ratio (time)")
        worst = 0.0
        for name in ("first", "redraw", "one unit", "province"):
            o_t = statistics.median(r[name][0] for r in ours)
            o_g = max(r[name][1] for r in ours)
            worst = max(worst, o_g)
            b_t = statistics.median(r[name][0] for r in bare)
            b_g = max(r[name][1] for r in bare)
            print(f"{name:10s} {o_t * 1000:10.0f} ms {o_g * 1000:11.1f} ms   {b_t * 1000:8.0f} ms {b_g * 1000:11.1f} ms"
                  f"   {o_t / b_t:5.2f}x")
        print(f"goal: no GUI stall over 100 ms -> longest {worst * 1000:.1f} ms: {'met' if worst <= 0.1 else 'NOT met'}")
    finally:
        shutil.rmtree(settings, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
