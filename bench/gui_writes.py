"""Longest GUI-thread stall of the window's writes on the 530-unit file, before and after ui/ops.py.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_writes.py [--units 530] [--rounds 3]

A copy of the consolidated file of ``bench/national_file.py`` is opened in the real ``MainWindow``
(offscreen, 1280 × 800).  A new unit ``UPT-9999`` is registered by the Kanwil, fills its plan
(``bench/merge.py``'s rows for one unit, about 2 300) and exports three packages: the first, one with
an edit, and one made from a copy restored from before that edit with other edits, so the Kanwil
gets ``2 × rounds`` open conflicts.  With the 5 ms heartbeat of ``bench/gui_stalls.py`` the longest gap
between two ticks on the GUI thread is measured while each action runs and its result is painted:

- **edit**: one target cell typed (``model.setData``); **paste**: 100 cells of the Kanwil's targets
  and funding in one step (``controller.apply``, what Tempel calls).  Both stay on the GUI thread
  through ``WriteOp.run_now`` (the module docstring of ui/ops.py says why); "before" is the same call
  as the old controller made it (service call, then ``plan_changed``), and the time of the call itself
  is printed: the bar for staying on the GUI thread is 16 ms.
- **merge**: the first package, through the merge dialog (``WriteOp`` in a worker, views from the
  merge's Changes).  Before: the same merge in a worker, then what the old dialog did afterwards:
  ``undo_stack.clear()`` and ``plan_changed`` for every table.
- **conflict**: one decision in Paket masuk (``WriteOp`` in a worker, the lists read again by a
  ``ReadOp``).  Before: ``resolve_conflict`` on the GUI thread's store, then ``external_change`` as the
  old view called it (undo cleared, the tables named reloaded) and the lists read on the GUI thread.
- **re-pin**: a unit's key pinned again (Terima kunci baru satker).  Before: ``pin_key`` on the GUI
  thread, then every table reloaded (the old dialog's ``external_change()``).

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
from renstra_desktop.core.service import Edit, PlanService  # noqa: E402
from renstra_desktop.core.store import Store, latest_schema_version  # noqa: E402

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
    call_ms: list[float] = []

    def record(name, before, after, r):
        sides = (("before", before), ("after", after))
        for side, fn in (sides if r % 2 == 0 else sides[::-1]):       # the order alternates by round
            results.setdefault(name, {}).setdefault(side, []).append(fn())

    # -- edit and paste ---------------------------------------------------------------------------
    model = window.indicator_tab.model
    rows = [i for i, r in enumerate(model.rows()) if r.get("unit_code") in (None, "KANWIL")][:20]
    years = [c for c in ("target_2025", "target_2026", "target_2027", "target_2028", "target_2029")]

    def timed(fn):
        import time
        started = time.perf_counter()
        fn()
        call_ms.append((time.perf_counter() - started) * 1000)

    def edit_after(value):
        index = model.index(rows[0], model.column_index("target_2026"))
        return hb.measure(lambda: timed(lambda: model.setData(index, value, EDIT_ROLE)))

    def edit_before(value):
        edits = model.edits_for(model.index(rows[0], model.column_index("target_2026")), value)
        return hb.measure(lambda: old_apply(controller, edits))

    def cells_paste(value):
        # 100 cells: 20 Kanwil indicator rows × 5 target years, as Tempel builds them
        edits = []
        for row in rows:
            for key in years:
                edits += model.edits_for(model.index(row, model.column_index(key)), value)
        return edits

    def paste_after(value):
        edits = cells_paste(value)
        return hb.measure(lambda: timed(lambda: controller.apply(edits, "Tempel 100 sel")))

    def paste_before(value):
        edits = cells_paste(value)
        return hb.measure(lambda: old_apply(controller, edits))

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

    counter = itertools.count()

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

    print("merging UPT-9999's first package (after) …", flush=True)
    results["merge"] = {"after": [merge_after(first)]}
    # the second and third: before (the old path) then after, so each side merges a package that changes rows
    results["merge"]["before"] = [merge_before(second)]
    results["merge"]["after"].append(merge_after(third))
    print(f"open conflicts: {len(open_conflicts())}", flush=True)
    edit_after("3,39")        # not counted: the first write of the window's store checks the file first
    call_ms.clear()
    for r in range(args.rounds):
        record("edit", lambda: edit_before(f"3,{40 + r}"), lambda: edit_after(f"3,{60 + r}"), r)
        record("paste 100 cells", lambda: paste_before(f"4,{10 + r}"), lambda: paste_after(f"4,{30 + r}"), r)
        if len(open_conflicts()) >= 2:
            record("conflict decision", conflict_before, conflict_after, r)
        record("key re-pin", repin_before, repin_after, r)
        print(f"round {r + 1} done", flush=True)

    print(f"\nlongest GUI-thread stall (ms), {args.units} units, median of runs; ratio after / before")
    print(f"{'action':22} {'before':>9} {'after':>9} {'ratio':>7}   runs")
    for name, sides in results.items():
        b, a = statistics.median(sides["before"]), statistics.median(sides["after"])
        print(f"{name:22} {b:9.1f} {a:9.1f} {a / b:7.2f}   before {[round(x) for x in sides['before']]} "
              f"after {[round(x) for x in sides['after']]}")
    print(f"idle heartbeat gap: {hb.measure(lambda: None):.1f} ms")
    print(f"WriteOp.run_now call itself (edit and paste, ms): {[round(x, 1) for x in call_ms]}")
    window.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def old_apply(controller, edits):
    """The old controller's write: the service call on the GUI thread, then plan_changed."""
    changes = controller.service.apply(edits)
    controller.notify(changes)


if __name__ == "__main__":
    sys.exit(main())
