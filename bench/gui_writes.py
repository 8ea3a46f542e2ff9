"""GUI-thread time of the window's writes on the 530-unit file: the small writes on the writer
thread (ui/write_queue.py) beside the old path on the GUI thread and a bare QStandardItemModel edit.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_writes.py [--units 530] [--rounds 3] [--merge]

A copy of the consolidated file of ``bench/national_file.py`` is opened in the real ``MainWindow``
(offscreen, 1280 × 800).  With the 5 ms heartbeat of ``bench/gui_stalls.py`` the longest gap between
two ticks on the GUI thread is measured while each action runs, its result is taken (the writer idle)
and painted; beside it the time of the call itself on the GUI thread (what a typing user waits for):

- **edit**: one target cell typed (``model.setData``); **paste**: 100 cells of the Kanwil's targets in
  one step (``controller.apply``, what Tempel calls); **add** / **remove**: a risk row added and
  tombstoned (``controller.insert`` / ``delete``, what Tambah / Hapus call; the risk tab shown);
  **undo** / **redo**: the last edit (``undo_stack.undo()`` / ``redo()``, what Ctrl+Z / Ctrl+Y call).
- "before": the same service call on the GUI thread's service, then ``plan_changed`` (the old path;
  for undo/redo the step's other half, as the old ServiceCommand ran it).
- "bare": ``setData`` of a QStandardItemModel (2 000 × 10) shown in a QTableView: the floor of any edit.

Goal (issue 9 section 1): no small write holds the GUI thread more than 16 ms.  ``--merge`` also
measures the first package's merge, a conflict decision and a key re-pin (all ``WriteOp`` in a worker)
beside the old path (their GUI work after a worker, or the call on the GUI thread).
Before and after alternate, action by action, in the same process; ratios are after / before.
"""
from __future__ import annotations

import argparse
import itertools
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

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gui_stalls import Heartbeat, settled  # noqa: E402
from merge import UnitRows  # noqa: E402
from national_file import KANWIL_FILE, _enter_unit_rows, _generated_unit_file, national_file  # noqa: E402

from renstra_desktop.core.dataset import read_embedded  # noqa: E402
from renstra_desktop.core.packages import package_format as fmt  # noqa: E402
from renstra_desktop.core.packages.package_export import export_package  # noqa: E402
from renstra_desktop.core.service import PlanService  # noqa: E402
from renstra_desktop.core.store import Store, latest_schema_version  # noqa: E402
from renstra_desktop.ui.controller import each  # noqa: E402

UNIT = "UPT-9999"
EDIT_ROLE = Qt.ItemDataRole.EditRole


def make_packages(kanwil: Path, folder: Path, conflicts: int) -> list[Path]:
    """Register UNIT at the Kanwil; its plan, three packages (see the module docstring)."""
    store = Store.open(kanwil)
    PlanService(store, "admin-kanwil").insert("unit", {"code": UNIT, "seq": 9999, "name": "Lapas Uji",
                                                       "unit_type": "lapas"})
    store.close()
    unit = _generated_unit_file(folder / "upt.renstra", UNIT, "Lapas Uji")
    _enter_unit_rows(unit, UnitRows(UNIT, 9999, read_embedded(), fmt.package_schema(latest_schema_version())))
    first = export_package(unit, folder=folder).path
    old = unit.save_copy(folder / "upt-lama.renstra")
    ids = [r[0] for r in unit.conn.execute("SELECT id FROM realisation WHERE unit_code = ? ORDER BY period LIMIT ?",
                                           (UNIT, conflicts))]
    service = PlanService(unit, "admin-upt")
    for row_id in ids:
        service.update("realisation", row_id, {"value": "55"})
    second = export_package(unit, folder=folder).path
    unit.close()
    shutil.copy(old, folder / "upt.renstra")
    restored = Store.open(folder / "upt.renstra")
    service = PlanService(restored, "admin-upt")
    for row_id in ids:
        service.update("realisation", row_id, {"value": "66"})
    third = export_package(restored, folder=folder).path
    restored.close()
    return [first, second, third]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=530)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--merge", action="store_true", help="also merge, a conflict decision, a key re-pin")
    args = parser.parse_args(argv)

    from renstra_desktop.ui import app as app_module
    from renstra_desktop.ui import dialogs
    from renstra_desktop.ui import merge_dialog as md
    from renstra_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="gui-writes-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    app_module.ensure_application()
    for name in ("info", "warn", "error"):            # no modal box may block the run
        setattr(dialogs, name, lambda parent, title, message, k=name: print(f"  [{k}] {message}"))
    dialogs.ask = lambda *a, **k: True
    dialogs.ask_text = lambda *a, **k: "diukur"

    source = national_file(args.units)
    path = tmp / KANWIL_FILE
    shutil.copy(source / KANWIL_FILE, path)
    print(f"file: {args.units} units, {path.stat().st_size / 1e6:.0f} MB; building UPT-9999's packages…", flush=True)
    (tmp / "upt").mkdir()
    first, second, third = make_packages(path, tmp / "upt", conflicts=2 * args.rounds)

    window = MainWindow(Store.open(path))
    window.controller.actor = "bench"
    window.resize(1280, 800)
    window.show()
    hb = Heartbeat()
    hb.measure(lambda: None, lambda: settled(window))
    controller = window.controller
    results: dict[str, dict[str, list[float]]] = {}
    call_ms: dict[str, list[float]] = {}
    counter = itertools.count()

    def record(name, before, after, r):
        sides = (("before", before), ("after", after))
        for side, fn in (sides if r % 2 == 0 else sides[::-1]):       # the order alternates by round
            results.setdefault(name, {}).setdefault(side, []).append(fn())

    # -- edit and paste ---------------------------------------------------------------------------
    model = window.indicator_tab.model
    rows = [i for i, r in enumerate(model.rows()) if r.get("unit_code") in (None, "KANWIL")][:20]
    years = [c for c in ("target_2025", "target_2026", "target_2027", "target_2028", "target_2029")]

    def timed(name, fn):
        started = time.perf_counter()
        fn()
        call_ms.setdefault(name, []).append((time.perf_counter() - started) * 1000)

    def written():
        return controller.writer.idle and settled(window)

    def after(name, fn):
        """The longest stall until the write's result is taken and painted; the call's own time kept."""
        return hb.measure(lambda: timed(name, fn), written)

    def before(fn):
        return hb.measure(fn, lambda: settled(window))

    def edit_after(value):
        index = model.index(rows[0], model.column_index("target_2026"))
        return after("edit", lambda: model.setData(index, value, EDIT_ROLE))

    def edit_before(value):
        edits = model.edits_for(model.index(rows[0], model.column_index("target_2026")), value)
        return before(lambda: old_apply(controller, edits))

    def cells_paste(value):
        # 100 cells: 20 Kanwil indicator rows × 5 target years, as Tempel builds them
        edits = []
        for row in rows:
            for key in years:
                edits += model.edits_for(model.index(row, model.column_index(key)), value)
        return edits

    def paste_after(value):
        edits = cells_paste(value)
        return after("paste 100 cells", lambda: controller.apply(edits, "Tempel 100 sel"))

    def paste_before(value):
        edits = cells_paste(value)
        return before(lambda: old_apply(controller, edits))

    def undo_after():
        edit_after(f"3,{next(counter) % 90 + 10}")
        return after("undo", controller.undo_stack.undo)

    def redo_after():
        return after("redo", controller.undo_stack.redo)

    def undo_before():
        """The old ServiceCommand.undo: the step's other half on the GUI thread's service."""
        index = model.index(rows[0], model.column_index("target_2026"))
        old = model.edits_for(index, index.data(EDIT_ROLE))
        edit_before(f"3,{next(counter) % 90 + 10}")
        return before(lambda: old_apply(controller, old))

    def redo_before():
        index = model.index(rows[0], model.column_index("target_2026"))
        return before(lambda: old_apply(controller, model.edits_for(index, f"3,{next(counter) % 90 + 10}")))

    risk_tab = window.risk_tab

    def risk_values():
        return {"unit_code": "KANWIL", "program_code": "PPH", "area": "Pelayanan",
                "seq": 5000 + next(counter), "risk": "diukur", "treatments": [], "success_indicators": []}

    def add_after():
        window.tabs.setCurrentWidget(risk_tab)
        added = []
        ms = after("add", lambda: controller.insert("risk", [risk_values()], "Tambah risiko", then=added.extend))
        return ms, added

    def add_before():
        window.tabs.setCurrentWidget(risk_tab)
        added = []

        def act():
            row_id, changes = controller.service.insert("risk", risk_values())
            added.append(row_id)
            controller.notify(changes)
        return before(act), added

    def remove_after(ids):
        return after("remove", lambda: controller.delete("risk", ids, "Hapus 1 baris"))

    def remove_before(ids):
        return before(lambda: controller.notify(each(controller.service.delete, controller.service, "risk", ids)))

    # -- merge, conflict, re-pin ------------------------------------------------------------------
    def merge_after(package):
        """Gabungkan in the merge dialog after its dry run (the new key confirmed, as the user would)."""
        dialog = md.MergeDialog(controller, [package], window)
        hb.measure(dialog.dry_run, lambda: dialog.report is not None and dialog.report.dry_run)
        return hb.measure(dialog.apply, lambda: dialog.applied and settled(window))

    def merge_before(package):
        done = {}

        def work():
            store = Store.open(path)
            try:
                done["report"] = PlanService(store, "bench").merge_packages([package], trust_new_keys=True)
            finally:
                store.close()

        def start():
            def finished():
                controller.undo_stack.clear()                  # the old dialog: external_change()
                controller.notify(controller.all_tables())
                done["shown"] = True
            thread = threading.Thread(target=lambda: (work(), done.setdefault("worked", True)))
            thread.start()
            done["thread"] = thread

            def poll():
                if done.get("worked") and not done.get("shown"):
                    finished()
            from PySide6.QtCore import QTimer
            timer = QTimer(window)
            timer.timeout.connect(poll)
            timer.start(5)
            done["timer"] = timer

        ms = hb.measure(start, lambda: done.get("shown") and settled(window))
        done["timer"].stop()
        return ms

    def open_conflicts():
        from renstra_desktop.core.packages.merge_conflicts import open_conflicts as oc
        return oc(controller.conn)

    def view():
        features = window.feature("packages")
        v = features.view or window.built_tab(features.view_placeholder)
        window.tabs.setCurrentWidget(v)
        return v

    def conflict_after():
        v = view()
        hb.measure(v.reload, lambda: not v.loading)
        v.conflict_view.selectRow(0)
        left = len(open_conflicts())
        return hb.measure(lambda: v.resolve_selected("package"),
                          lambda: len(v.conflicts.rows) == left - 1 and not v.loading and settled(window))

    def conflict_before():
        v = view()
        conflict = open_conflicts()[0]

        def act():
            from renstra_desktop.core.packages.merge_conflicts import resolve_conflict
            changes = resolve_conflict(controller.store, conflict["id"], "package", actor="bench")
            controller.undo_stack.clear()                   # the old view: external_change(changes)
            controller.notify(changes)
            from renstra_desktop.ui.package_view import read_lists   # and read its lists on the GUI thread
            v._generation += 1
            v._fill(v._generation, read_lists(controller.conn, controller.unit_code))
        hb.measure(v.reload, lambda: not v.loading)
        return hb.measure(act, lambda: not v.loading and settled(window))

    def repin_fingerprint():
        return controller.conn.execute("SELECT fingerprint FROM unit_key_pin WHERE unit_code = ? AND deleted = 0",
                                       (UNIT,)).fetchone()[0]

    def repin_after():
        fp = repin_fingerprint()
        done = []
        from renstra_desktop.ui.ops import WriteOp
        reason = f"diukur {next(counter)}"      # a change each time: the row is written
        return hb.measure(lambda: WriteOp(controller, lambda s, p: s.pin_key(UNIT, fp, reason=reason),
                                          parent=window).success(done.append).run_in_background(),
                          lambda: bool(done) and settled(window))

    def repin_before():
        fp = repin_fingerprint()

        def act():
            from renstra_desktop.core.packages.keys import pin_key
            pin_key(controller.store, UNIT, fp, actor="bench", reason=f"diukur {next(counter)}")
            controller.undo_stack.clear()                   # the old dialog: external_change()
            controller.notify(controller.all_tables())
        return hb.measure(act, lambda: settled(window))

    bare = bare_table()
    if args.merge:
        print("merging UPT-9999's first package (after) …", flush=True)
        results["merge"] = {"after": [merge_after(first)]}
        # the second and third: before (the old path) then after, so each side merges a package that changes rows
        results["merge"]["before"] = [merge_before(second)]
        results["merge"]["after"].append(merge_after(third))
        print(f"open conflicts: {len(open_conflicts())}", flush=True)
    edit_after("3,39")        # not counted: the first write of the writer's store checks the file first
    call_ms.clear()
    for r in range(args.rounds):
        window.tabs.setCurrentWidget(window.indicator_tab)
        record("edit", lambda: edit_before(f"3,{40 + r}"), lambda: edit_after(f"3,{60 + r}"), r)
        record("paste 100 cells", lambda: paste_before(f"4,{10 + r}"), lambda: paste_after(f"4,{30 + r}"), r)
        record("undo", undo_before, undo_after, r)
        record("redo", redo_before, redo_after, r)
        for side, add, remove in (("before", add_before, remove_before), ("after", add_after, remove_after))[
                ::1 if r % 2 == 0 else -1]:
            ms, ids = add()
            results.setdefault("add", {}).setdefault(side, []).append(ms)
            results.setdefault("remove", {}).setdefault(side, []).append(remove(ids))
        results.setdefault("bare QStandardItemModel edit", {}).setdefault("bare", []).extend(
            hb.measure(lambda: timed("bare", lambda: bare.setData(bare.index(r, 1), f"{r},5")))
            for _ in range(3))
        if args.merge:
            if len(open_conflicts()) >= 2:
                record("conflict decision", conflict_before, conflict_after, r)
            record("key re-pin", repin_before, repin_after, r)
        print(f"round {r + 1} done", flush=True)

    load = os.getloadavg()
    print(f"\nlongest GUI-thread stall (ms), {args.units} units, median of runs; ratio after / before; "
          f"load average {load[0]:.2f} {load[1]:.2f}")
    print(f"{'action':30} {'before':>9} {'after':>9} {'ratio':>7}   runs")
    for name, sides in results.items():
        if "bare" in sides:
            print(f"{name:30} {'':9} {statistics.median(sides['bare']):9.1f} {'':7}   {[round(x) for x in sides['bare']]}")
            continue
        b, a = statistics.median(sides["before"]), statistics.median(sides["after"])
        print(f"{name:30} {b:9.1f} {a:9.1f} {a / b:7.2f}   before {[round(x) for x in sides['before']]} "
              f"after {[round(x) for x in sides['after']]}")
    print(f"idle heartbeat gap: {hb.measure(lambda: None):.1f} ms")
    bare_ms = statistics.median(call_ms.pop("bare"))
    print(f"\nGUI-thread time of the call itself (ms), median [max]; bare QStandardItemModel.setData {bare_ms:.2f} ms")
    for name, times in call_ms.items():
        print(f"{name:30} {statistics.median(times):7.2f} [{max(times):.2f}]  {statistics.median(times) / bare_ms:6.1f}x bare"
              f"   {'OVER 16 ms' if max(times) > 16 else 'under 16 ms'}")
    window.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def bare_table():
    """A QStandardItemModel of 2 000 × 10 shown in a QTableView: the floor of a cell edit."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    model = QStandardItemModel(2000, 10)
    for r in range(2000):
        for c in range(10):
            model.setItem(r, c, QStandardItem(f"{r},{c}"))
    view = QTableView()
    view.setModel(model)
    view.resize(1280, 800)
    view.show()
    bare_table.view = view          # kept alive
    return model


def old_apply(controller, edits):
    """The old controller's write: the service call on the GUI thread, then plan_changed."""
    changes = controller.service.apply(edits)
    controller.remember_versions(changes)      # (as the old controller did: this window's own write)
    controller.notify(changes)


if __name__ == "__main__":
    sys.exit(main())
