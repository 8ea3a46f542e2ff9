"""The window's write and read door (ui/ops.py, issue 9 section 1) and what issue 8 asks of the window:
writes run off the GUI thread and refresh the views and the undo stack from their Changes, an undo step
a merge or another process made stale is dropped with a message, a busy file offers "Coba lagi" and
keeps what was typed, another process's change is noticed, SQLite's errors are never shown in English.
The real window, real files, a real second process."""
from __future__ import annotations

import ast
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from package_fixtures import UPT, add_realisations, make_unit_plan
from PySide6.QtCore import Qt

from conftest_ui import cell_index, read_db, row_of
from renstra_desktop.core.errors import FileBusy
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.service import WRITERS, Changes, PlanService
from renstra_desktop.core.store import Store
from renstra_desktop.ui import dialogs, ops
from renstra_desktop.ui import merge_dialog as md

EDIT = Qt.ItemDataRole.EditRole
UI = Path(ops.__file__).parent
PACKAGE = UI.parent


def target(path, year=2026, indicator="IKK 17.1"):
    return read_db(path, "SELECT id, value, row_version FROM indicator_target WHERE unit_code = 'KANWIL' AND "
                         "indicator_code = ? AND year = ?", (indicator, year))[0]


def edit_target(window, text, year=2026, indicator="IKK 17.1"):
    model = window.indicator_tab.model
    index = cell_index(model, row_of(model, indicator_code=indicator), f"target_{year}")
    assert model.setData(index, text, EDIT)
    window.controller.wait_idle()          # written on the window's writer thread
    return index


def record_threads(monkeypatch, name):
    """Wrap PlanService.<name> to record the thread each call runs on."""
    seen = []
    original = getattr(PlanService, name)

    def wrapped(self, *args, **kwargs):
        seen.append(threading.current_thread() is threading.main_thread())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PlanService, name, wrapped)
    return seen


# -- a merge off the GUI thread; the undo step it made stale is dropped ----------------------------------
@pytest.fixture
def upt_window(qtbot, tmp_path, kanwil_path):
    """A UPT's window on its plan with three 2026 realisations, and the Kanwil's package."""
    upt = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    ids = add_realisations(upt)
    upt.close()
    kanwil = Store.open(kanwil_path)
    (tmp_path / "kanwil").mkdir()
    package = export_package(kanwil, folder=tmp_path / "kanwil").path
    kanwil.close()
    from conftest_ui import open_window
    window = open_window(qtbot, tmp_path / "upt" / "lobar.renstra")
    return window, ids, package


def test_a_merge_runs_off_the_gui_thread_and_a_closed_period_drops_the_undo_step(
        qtbot, upt_window, monkeypatch, fake_dialogs):
    window, ids, package = upt_window
    controller = window.controller
    assert controller.apply([ops_edit(ids[0], "3,9")], "Ubah realisasi")
    window.controller.wait_idle()
    assert controller.undo_stack.count() == 1 and window.undo_action.isEnabled()
    merged_on_gui = record_threads(monkeypatch, "merge_packages")
    pinned_on_gui = record_threads(monkeypatch, "pin_key")
    seen = []
    controller.plan_changed.connect(seen.append)

    dialog = md.open_merge_dialog(window, [package])
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.dry_run, timeout=20000)
    dialog.apply()                       # the Kanwil's new key confirmed (FakeDialogs answers yes)
    qtbot.waitUntil(lambda: dialog.applied, timeout=20000)

    assert merged_on_gui == [False, False]          # the dry run and the merge
    assert pinned_on_gui and not any(pinned_on_gui)     # the confirmed key
    merged = [c for c in seen if c and not {"realisation"} & c.tables]
    assert merged and all(ids for c in merged for ids in c.rows.values())   # the rows named, not "everything"
    assert controller.undo_stack.count() == 1       # the Kanwil's package did not touch the unit's row
    # the unit submits 2026 (through the door, off the GUI thread): the period is closed, the step goes
    done = []
    ops.WriteOp(controller, lambda service, progress: service.submit(UPT, "2026"), parent=window).success(
        done.append).run_in_background()
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    assert controller.undo_stack.count() == 0 and not window.undo_action.isEnabled()
    assert "langkah urungkan dihapus" in window.statusBar().currentMessage()
    assert "dikunci" in window.statusBar().currentMessage()
    assert read_db(controller.path, "SELECT value FROM realisation WHERE id = ?", (ids[0],)) == [(3.9,)]


def ops_edit(row_id, value):
    from renstra_desktop.core.service import Edit
    return Edit("realisation", row_id, "value", value)


def test_a_step_whose_row_the_merge_changed_is_dropped_but_not_newer_ones(qtbot, window, kanwil_path):
    """``touches``: the Changes of another write name the row of a step: that step and the older ones
    go (undo is linear), the newer ones on other rows stay and still undo."""
    controller = window.controller
    edit_target(window, "3,91", 2026)
    edit_target(window, "3,92", 2027)
    edit_target(window, "3,93", 2028)
    row_2027 = target(kanwil_path, 2027)[0]
    assert controller.undo_stack.count() == 3
    # a write of this window through ops.py that changed the 2027 row (a conflict decision would)
    done = []
    ops.WriteOp(controller, lambda service, progress: service.update("indicator_target", row_2027, {"value": "3,9"}),
                parent=window).success(done.append).run_in_background()
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    assert controller.undo_stack.count() == 1
    assert "2 langkah urungkan dihapus" in window.statusBar().currentMessage()
    window.undo_action.trigger()             # the 2028 edit still undoes
    window.controller.wait_idle()
    assert target(kanwil_path, 2028)[1] != 3.93 and target(kanwil_path, 2027)[1] == 3.9


# -- a busy file: "Coba lagi" with what was typed -------------------------------------------------------
def test_a_busy_file_offers_coba_lagi_and_keeps_the_typed_value(qtbot, window, kanwil_path, monkeypatch):
    from renstra_desktop.core import file_lock
    monkeypatch.setenv(file_lock.WAIT_ENV, "1")    # the writer thread waits 1 s for the other program
    holder = sqlite3.connect(kanwil_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")              # another program holds the write lock
    threads = record_threads(monkeypatch, "apply")
    asked = []

    def ask(parent, title, question):
        asked.append((question, index.data()))
        holder.execute("ROLLBACK")                 # the other program is done
        holder.close()
        return True

    monkeypatch.setattr(dialogs, "ask", ask)
    model = window.indicator_tab.model
    index = cell_index(model, row_of(model, indicator_code="IKK 17.1"), "target_2026")
    before = target(kanwil_path)[1]
    assert model.setData(index, "3,8", EDIT)        # queued: the file is held, the typed value shows
    assert index.data() == "3,8" and target(kanwil_path)[1] == before
    qtbot.waitUntil(lambda: target(kanwil_path)[1] == 3.8, timeout=15000)
    window.controller.wait_idle()
    (question, shown), = asked
    assert "sedang dipakai" in question and "Coba lagi" in question
    assert shown == "3,8"                             # still shown while the user is asked
    assert threads == [False, False]                  # the try and the retry: on the writer thread
    assert index.data() == "3,8"
    assert window.controller.undo_stack.count() == 1
    window.undo_action.trigger()
    window.controller.wait_idle()
    assert target(kanwil_path)[1] == before


def test_busy_file_error_from_a_worker_is_indonesian(qtbot, window, fake_dialogs):
    """worker._on_failed goes through the one error path: a raw sqlite3 error reads in Indonesian."""
    from renstra_desktop.ui.worker import run_in_background

    def work(store, progress):
        exc = sqlite3.OperationalError("database is locked")
        exc.sqlite_errorcode = 5           # as SQLite sets it (SQLITE_BUSY)
        raise exc

    run_in_background(window, "Uji", work, lambda r: None, store_path=window.controller.path, show_dialog=False)
    qtbot.waitUntil(lambda: bool(fake_dialogs.messages), timeout=10000)
    (kind, _, message), = fake_dialogs.messages
    assert kind == "warn" and "locked" not in message and "dipakai" in message and "\n" not in message


def test_failure_message_never_english():
    exc = sqlite3.DatabaseError("database disk image is malformed")
    exc.sqlite_errorcode = 11
    assert "rusak" in ops.failure_message(exc, "/x/rencana.renstra")
    assert "malformed" not in ops.failure_message(exc, "/x/rencana.renstra")
    assert ops.is_busy(FileBusy("dipakai")) and not ops.is_busy(ValueError())


# -- another process changes the file ---------------------------------------------------------------------
def other_process_sets(path, row_id, value):
    code = ("import sys; from renstra_desktop.core.store import Store; from renstra_desktop.core.service import "
            "PlanService; s = Store.open(sys.argv[1]); PlanService(s, 'cli').update('indicator_target', sys.argv[2], "
            "{'value': sys.argv[3]}); s.close()")
    subprocess.run([sys.executable, "-c", code, str(path), row_id, value], check=True, timeout=60)


def test_a_change_by_another_process_reloads_the_rows_and_drops_the_undo_step(qtbot, window, kanwil_path):
    controller = window.controller
    index = edit_target(window, "3,5")
    row_id = target(kanwil_path)[0]
    assert controller.undo_stack.count() == 1
    other_process_sets(kanwil_path, row_id, "4,25")
    # noticed by the poll (PRAGMA data_version), without any action in the window
    qtbot.waitUntil(lambda: index.data() == "4,25", timeout=10000)
    assert controller.undo_stack.count() == 0 and not window.undo_action.isEnabled()
    assert window.statusBar().currentMessage() == ("Berkas diubah oleh proses lain; tampilan dimuat ulang, 1 langkah "
                                                   "urungkan dihapus.")
    assert target(kanwil_path)[1] == 4.25


def test_ctrl_z_before_the_poll_does_not_overwrite_the_other_process(qtbot, window, kanwil_path, monkeypatch):
    controller = window.controller
    controller._poll.stop()                           # the user is faster than the poll
    monkeypatch.setattr(controller, "check_outside", lambda: False)
    edit_target(window, "3,5")
    row_id = target(kanwil_path)[0]
    other_process_sets(kanwil_path, row_id, "4,25")
    window.undo_action.trigger()
    window.controller.wait_idle()
    assert target(kanwil_path)[1] == 4.25             # the other process's value stays
    assert controller.undo_stack.count() == 0
    assert "diubah di luar aplikasi" in window.statusBar().currentMessage()


def test_own_background_writes_are_not_taken_for_outside_changes(qtbot, window, kanwil_path):
    controller = window.controller
    edit_target(window, "3,5", 2027)
    row_id = target(kanwil_path, 2026)[0]
    done = []
    ops.WriteOp(controller, lambda service, progress: service.update("indicator_target", row_id, {"value": "3,3"}),
                parent=window).success(done.append).run_in_background()
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    assert not controller.check_outside()
    assert controller.undo_stack.count() == 1


def test_a_write_whose_window_closed_is_taken_for_an_outside_change(qtbot, window, kanwil_path):
    """The dialog that started a write is gone before the worker reports back: the controller does
    not wait for it forever; the poll finds the commit and the views reload."""
    from PySide6.QtWidgets import QDialog

    controller = window.controller
    row_id = target(kanwil_path, 2026)[0]
    started = threading.Event()
    release = threading.Event()

    def slow(service, progress):
        started.set()
        release.wait(10)
        return service.update("indicator_target", row_id, {"value": "3,33"})

    dialog = QDialog(window)
    ops.WriteOp(controller, slow, parent=dialog).run_in_background()
    qtbot.waitUntil(started.is_set, timeout=5000)
    assert not controller.check_outside()             # this window's own write is running
    dialog.deleteLater()
    qtbot.waitUntil(lambda: controller._writes_running == 0, timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: target(kanwil_path, 2026)[1] == 3.33, timeout=10000)
    qtbot.waitUntil(lambda: "proses lain" in window.statusBar().currentMessage(), timeout=10000)


# -- read door -----------------------------------------------------------------------------------------------
def test_read_op_runs_off_the_gui_thread_on_a_readonly_store(qtbot, window):
    seen = []

    def read(store, progress):
        seen.append((threading.current_thread() is threading.main_thread(), store.readonly))
        return store.count("indicator_target")

    got = []
    ops.ReadOp(window.controller, read, got.append, parent=window).run_in_background()
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    assert seen == [(False, True)] and got[0] > 0


# -- enumerations ------------------------------------------------------------------------------------------
DOOR = {"ops.py", "controller.py", "commands.py"}
CORE_WRAPPERS = {"pin_key", "merge_packages", "resolve_conflict", "save_signatory", "load_plan", "apply_plan"}


def _params(node) -> set[str]:
    a = node.args
    return {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}


def test_no_ui_module_writes_except_through_ops():
    """A PlanService write in ui/ is a call on the service ops.py hands to the op (a parameter of the
    enclosing function or lambda), never on controller.service, a PlanService made here or a core
    wrapper function that opens the door itself."""
    found = []
    for path in sorted(UI.glob("*.py")):
        if path.name in DOOR:
            continue
        found += [f"{path.name}: {line}" for line in writes_outside_ops(path.read_text(encoding="utf-8"))]
    assert found == []


def writes_outside_ops(source: str) -> list[str]:
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and "core" in node.module:
            found += [f"imports {a.name}" for a in node.names if a.name in CORE_WRAPPERS]
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITERS):
            continue
        receiver = ast.unparse(node.func.value)
        if "service" not in receiver.lower():
            continue
        handed_in, up = False, parents.get(node)
        while up is not None:              # a parameter of an enclosing function or lambda (a closure)
            if isinstance(up, (ast.FunctionDef, ast.Lambda)) and receiver in _params(up):
                handed_in = True
            up = parents.get(up)
        if not handed_in:
            found.append(f"{node.lineno}: {receiver}.{node.func.attr}")
    return found


def test_the_scan_finds_a_write_on_the_gui_thread():
    assert writes_outside_ops("def f(self):\n    self.controller.service.resolve_conflict(1, 'package')\n") == \
        ["2: self.controller.service.resolve_conflict"]
    assert writes_outside_ops("def f(self):\n    PlanService(s, 'a').pin_key('X', 'fp')\n") == \
        ["2: PlanService(s, 'a').pin_key"]
    assert writes_outside_ops("from x.core.packages.keys import pin_key\n") == ["imports pin_key"]
    assert writes_outside_ops("def f(self):\n    def work(service, p):\n        def g():\n"
                              "            return service.merge_packages([])\n") == []


def _window_attribute_assignments(tree) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AnnAssign, ast.AugAssign)) else []
        for t in targets:
            for sub in ast.walk(t):
                if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and \
                        sub.value.id in ("window", "win", "main_window"):
                    lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" and \
                node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in ("window", "win", "main_window"):
            lines.append(node.lineno)
    return lines


def test_no_module_sets_attributes_on_the_main_window():
    """Features keep their state in their own object (MainWindow.add_feature / feature)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "main_window.py":
            continue
        found += [f"{path.relative_to(PACKAGE)}:{n}"
                  for n in _window_attribute_assignments(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == []


def test_the_attribute_scan_finds_one():
    assert _window_attribute_assignments(ast.parse("def f(window):\n    window.x = 1\n    setattr(window, 'y', 2)\n")) \
        == [2, 3]


def test_changes_of():
    c = Changes()
    assert ops.changes_of(c) is c
    assert ops.changes_of(type("R", (), {"changes": c})()) is c
    assert ops.changes_of(3) is None


# -- the writer thread: small writes off the GUI thread, in order (issue 9 section 1) ----------------------
def test_cell_edits_paste_add_remove_and_undo_never_write_on_the_gui_thread(qtbot, window, kanwil_path, monkeypatch):
    controller = window.controller
    applied = record_threads(monkeypatch, "apply")
    inserted = record_threads(monkeypatch, "insert")
    deleted = record_threads(monkeypatch, "delete")
    edit_target(window, "3,51")                                  # a cell edit
    ids = []
    assert controller.insert("risk", [{"unit_code": "KANWIL", "program_code": "PPH", "area": "Pelayanan", "seq": 99,
                                       "risk": "uji", "treatments": [], "success_indicators": []}], "Tambah",
                             then=ids.extend)
    controller.wait_idle()
    assert controller.delete("risk", ids, "Hapus")
    controller.wait_idle()
    for _ in range(3):
        window.undo_action.trigger()                             # the delete, the insert, the edit
    controller.wait_idle()
    assert read_db(kanwil_path, "SELECT deleted FROM risk WHERE id = ?", (ids[0],)) == [(1,)]   # insert undone
    window.redo_action.trigger()                                 # the edit, then the insert
    window.redo_action.trigger()
    controller.wait_idle()
    assert applied and inserted and deleted
    assert not any(applied + inserted + deleted)                 # every call on the writer thread
    assert read_db(kanwil_path, "SELECT deleted FROM risk WHERE id = ?", (ids[0],)) == [(0,)]   # insert redone
    assert target(kanwil_path)[1] == 3.51


def test_two_quick_edits_then_undo_apply_in_order(qtbot, window, kanwil_path):
    """No waiting between the keystrokes: the undo step of each edit is on the stack at once, and the
    writer runs the edits and the undo in the order asked."""
    controller = window.controller
    model = window.indicator_tab.model
    index = cell_index(model, row_of(model, indicator_code="IKK 17.1"), "target_2026")
    before = target(kanwil_path)[1]
    assert model.setData(index, "3,71", EDIT)
    assert model.setData(index, "3,72", EDIT)
    assert index.data() == "3,72"                                # the last typed value, before any write ended
    assert controller.undo_stack.count() == 2
    window.undo_action.trigger()                                 # Ctrl+Z at once: takes back "3,72"
    controller.wait_idle()
    assert target(kanwil_path)[1] == 3.71 and index.data() == "3,71"
    window.undo_action.trigger()
    window.undo_action.trigger()                                 # nothing more to undo: ignored
    window.redo_action.trigger()
    controller.wait_idle()
    assert target(kanwil_path)[1] == 3.71
    window.undo_action.trigger()
    controller.wait_idle()
    assert target(kanwil_path)[1] == before and index.data() == "3,4"
    assert controller.undo_stack.index() == 0 and controller.undo_stack.count() == 2


def test_a_refused_write_restores_the_old_value_and_leaves_no_step(qtbot, window, kanwil_path, fake_dialogs):
    """The typed value shows, then the refusal's one line, the old value, and the earlier steps stay
    where they were (an approved period: test_period_status_view, test_ownership)."""
    controller = window.controller
    edit_target(window, "3,61", 2027)                            # an earlier step, kept
    model = window.indicator_tab.model
    index = cell_index(model, row_of(model, indicator_code="IKK 17.1"), "target_2026")
    assert model.setData(index, "abc", EDIT)                     # malformed: refused by the core
    assert index.data() == "abc" and controller.undo_stack.count() == 2
    controller.wait_idle()
    assert index.data() == "3,4" and controller.undo_stack.count() == 1
    (kind, _, message), = fake_dialogs.messages
    assert "bukan angka" in message and "\n" not in message and "Traceback" not in message
    window.undo_action.trigger()                                 # the earlier step still undoes
    controller.wait_idle()
    assert target(kanwil_path, 2027)[1] != 3.61


def test_closing_the_window_waits_for_the_queued_writes(qtbot, window, kanwil_path):
    model = window.indicator_tab.model
    for year, text in ((2025, "3,11"), (2026, "3,12"), (2027, "3,13"), (2028, "3,14")):
        assert model.setData(cell_index(model, row_of(model, indicator_code="IKK 17.1"), f"target_{year}"), text, EDIT)
    window.close()                                               # no wait_idle(): close() waits itself
    assert window.controller.store is None
    assert [target(kanwil_path, y)[1] for y in (2025, 2026, 2027, 2028)] == [3.11, 3.12, 3.13, 3.14]


def test_queued_writes_are_not_taken_for_outside_changes(qtbot, window, kanwil_path):
    controller = window.controller
    model = window.indicator_tab.model
    seen = []
    controller.notice.connect(seen.append)
    for text in ("3,21", "3,22", "3,23"):
        model.setData(cell_index(model, row_of(model, indicator_code="IKK 17.1"), "target_2026"), text, EDIT)
        assert not controller.check_outside()                    # a write of this window is under way
    controller.wait_idle()
    assert not controller.check_outside()
    assert controller.undo_stack.count() == 3 and not [s for s in seen if "proses lain" in s]
