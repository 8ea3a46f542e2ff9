"""The Status verifikasi tab (issue 9 section 2) as users meet it: a UPT -> Kanwil -> UPT round trip
through real windows, real buttons and the real note dialog, with real signed packages between the
files (each office opens its own file): submit, return with a note, edit, submit again, verify,
approve; the UPT's window then refuses an edit of that period."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest_ui import click_button, drive_modal, open_window, read_db
from package_fixtures import UPT, add_realisations, make_unit_plan, sha
from PySide6.QtCore import Qt

from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.store import Store
from renstra_desktop.ui.period_models import PeriodStatusModel, SubmittedValuesModel
from renstra_desktop.ui.period_status_view import PeriodStatusView
from renstra_desktop.ui.period_step_dialog import PeriodStepDialog

PERIOD = "2026-TW1"


def status_in_file(path, unit=UPT, period=PERIOD):
    rows = read_db(path, "SELECT event FROM period_event WHERE unit_code = ? AND period = ? ORDER BY seq DESC "
                         "LIMIT 1", (unit, period))
    return rows[0][0] if rows else "draft"


def status_view(qtbot, window, *, period=PERIOD, waiting=None) -> PeriodStatusView:
    view = window.built_tab(window.feature("period_workflow").placeholder)
    window.tabs.setCurrentWidget(view)
    if waiting is not None:
        view.waiting.setChecked(waiting)
    view.year.setCurrentIndex(view.year.findData(int(period[:4])))
    view.part.setCurrentIndex(view.part.findData(period[5:]))
    qtbot.waitUntil(lambda: view._load_task is None and any(r["period"] == period for r in view.model.rows),
                    timeout=10_000)
    return view


def choose(qtbot, view, unit=UPT, period=PERIOD) -> dict:
    row = next(i for i, r in enumerate(view.model.rows) if (r["unit_code"], r["period"]) == (unit, period))
    view.table.selectRow(row)
    qtbot.waitUntil(lambda: view.history.text() != "", timeout=10_000)
    return view.model.rows[row]


def take_step(qtbot, view, path, step: str, note: str, expected: str, seen: dict | None = None):
    """Click the step's button, type ``note`` in the real dialog, confirm; wait for the file."""
    def fill(dialog: PeriodStepDialog):
        if seen is not None:
            seen["ok_enabled_empty"] = dialog.ok_button.isEnabled()
            seen["title"] = dialog.windowTitle()
        dialog.note_edit.setPlainText(note)
        assert dialog.ok_button.isEnabled()
        dialog.ok_button.click()

    driver = drive_modal(PeriodStepDialog, fill)
    qtbot.mouseClick(view.buttons[step], Qt.MouseButton.LeftButton)
    driver.check()
    qtbot.waitUntil(lambda: status_in_file(path) == expected, timeout=10_000)
    # the view reloads from what changed: its row shows the new status before the next click
    qtbot.waitUntil(lambda: view._load_task is None and (view.current_row() is None or
                                                         view.current_row()["status"] == expected), timeout=10_000)


def enabled_steps(view) -> set[str]:
    return {s for s, b in view.buttons.items() if b.isEnabled()}


def carry(source: Path, target: Path, actor: str):
    """A package of ``source`` merged into ``target`` (the files are closed in between, as two offices)."""
    with Store.open(source) as store:
        pkg = export_package(store, folder=source.parent)
    with Store.open(target) as store:
        [result] = merge_packages(store, [pkg.path], actor=actor, trust_new_keys=True).results
    assert result.status == "merged", result.message





def test_round_trip_through_the_window(qtbot, tmp_path, kanwil_path, fake_dialogs):
    upt_path = tmp_path / "upt" / "lobar.renstra"
    store = make_unit_plan(upt_path)
    add_realisations(store)                       # 2026-01..03, each with data dukung
    store.close()

    # UPT: Ajukan
    win = open_window(qtbot, upt_path)
    win.controller.actor = "operator"
    view = status_view(qtbot, win)
    row = choose(qtbot, view)
    assert row["status"] == "draft" and enabled_steps(view) == {"submit"}
    seen = {}
    take_step(qtbot, view, upt_path, "submit", "TW I lengkap", "diajukan", seen)
    assert seen == {"ok_enabled_empty": True, "title": "Ajukan periode"}
    qtbot.waitUntil(lambda: view.model.rows and view.model.rows[0]["status"] == "diajukan", timeout=10_000)
    assert enabled_steps(view) == set()
    win.close()
    carry(upt_path, kanwil_path, "admin-kanwil")

    # Kanwil: what waits for it; Kembalikan with a note (required: OK stays off while it is empty)
    win = open_window(qtbot, kanwil_path)
    win.controller.actor = "verifikator"
    view = status_view(qtbot, win, waiting=True)
    assert [(r["unit_code"], r["status"]) for r in view.model.rows] == [(UPT, "diajukan")]
    choose(qtbot, view)
    assert enabled_steps(view) == {"return", "verify"}
    assert "TW I lengkap" in view.history.text() and "operator" in view.history.text()
    assert view.values_model.rowCount() == 3
    seen = {}
    take_step(qtbot, view, kanwil_path, "return", "Lampirkan laporan TW I", "dikembalikan", seen)
    assert seen == {"ok_enabled_empty": False, "title": "Kembalikan periode"}
    win.close()
    carry(kanwil_path, upt_path, "operator")

    # UPT: sees the note, edits, submits again
    win = open_window(qtbot, upt_path)
    win.controller.actor = "operator"
    view = status_view(qtbot, win)
    row = choose(qtbot, view)
    assert row["status"] == "dikembalikan" and row["note"] == "Lampirkan laporan TW I"
    [rid] = [r[0] for r in read_db(upt_path, "SELECT id FROM realisation WHERE period = '2026-03'")]
    from renstra_desktop.core.service import Edit
    assert win.controller.apply([Edit("realisation", rid, "value", "3,9")], "ubah")
    take_step(qtbot, view, upt_path, "submit", "", "diajukan")
    win.close()
    carry(upt_path, kanwil_path, "admin-kanwil")

    # Kanwil: the resubmission beside the first; Verifikasi (verifikator), Sahkan (kepala)
    win = open_window(qtbot, kanwil_path)
    win.controller.actor = "verifikator"
    view = status_view(qtbot, win, waiting=True)
    choose(qtbot, view)
    changed = [r for r in view.values_model.rows if r["changed_since_previous"]]
    assert [(r["period"], r["previous"]["value"], r["submitted"]["value"]) for r in changed] == [("2026-03", 3.3, 3.9)]
    take_step(qtbot, view, kanwil_path, "verify", "", "diverifikasi")
    win.controller.actor = "operator"            # the one who entered the values may not approve
    take_step(qtbot, view, kanwil_path, "approve", "", "diverifikasi")   # refused: status unchanged
    qtbot.waitUntil(lambda: any("pemisahan tugas" in m for m in fake_dialogs.warnings()), timeout=10_000)
    win.controller.actor = "kepala"
    take_step(qtbot, view, kanwil_path, "approve", "Sah", "disahkan")
    qtbot.waitUntil(lambda: view.model.rows == [] or view.model.rows[0]["status"] == "disahkan", timeout=10_000)
    win.close()
    carry(kanwil_path, upt_path, "operator")

    # UPT: the period is approved; the realisation cells are read-only, saying by whom and whom to ask
    win = open_window(qtbot, upt_path)
    win.controller.actor = "operator"
    view = status_view(qtbot, win)
    row = choose(qtbot, view)
    assert row["status"] == "disahkan" and row["by"] == "kepala" and enabled_steps(view) == set()
    tab = win.indicator_tab
    win.tabs.setCurrentWidget(tab)
    tab.view.select_row_of(lambda r: r["indicator_code"] == "IKK 17.1" and r["unit_code"] == UPT, 1)
    model = tab.realisation_model
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=10_000)
    index = model.index(0, model.column_index("value"))
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    status = model.index(0, model.column_index("status")).data()
    assert status == "Disahkan (2026-TW1)"       # the status beside the realisation
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "disahkan dan dikunci oleh kepala" in tip and "Minta Kantor Wilayah" in tip
    before = sha(upt_path)
    assert win.controller.apply([Edit("realisation", rid, "value", "5")], "ubah")     # queued, then refused
    win.controller.wait_idle()
    assert win.controller.undo_stack.count() == 0
    qtbot.waitUntil(lambda: any("disahkan dan dikunci" in m for m in fake_dialogs.warnings()), timeout=5000)
    assert sha(upt_path) == before
    win.close()


def test_the_note_dialog_cancelled_writes_nothing(qtbot, tmp_path, kanwil_path):
    store = make_unit_plan(tmp_path / "lobar.renstra")
    add_realisations(store)
    store.close()
    carry(tmp_path / "lobar.renstra", kanwil_path, "admin")   # nothing submitted yet
    win = open_window(qtbot, tmp_path / "lobar.renstra")
    view = status_view(qtbot, win)
    choose(qtbot, view)
    before = sha(tmp_path / "lobar.renstra")
    driver = drive_modal(PeriodStepDialog, lambda d: click_button(d, "Batal"))
    qtbot.mouseClick(view.buttons["submit"], Qt.MouseButton.LeftButton)
    driver.check()
    assert sha(tmp_path / "lobar.renstra") == before and status_in_file(tmp_path / "lobar.renstra") == "draft"
    win.close()


@pytest.mark.parametrize("model_cls", [PeriodStatusModel, SubmittedValuesModel])
def test_qtmodeltester(qtmodeltester, model_cls):
    model = model_cls()
    if model_cls is PeriodStatusModel:
        model.set_rows([{"unit_code": UPT, "unit_name": "Lapas Lombok Barat", "period": PERIOD, "status": "diajukan",
                         "label": "Diajukan", "by": "operator", "at": "1 Maret 2026 pukul 10.00 WITA",
                         "waited": "3 hari", "note": ""}])
    else:
        v = {"value": 3.1, "evidence": "ok", "evidence_files": []}
        model.set_rows([{"indicator_code": "IKK 17.1", "period": "2026-01", "submitted": v, "previous": None,
                         "current": v, "changed": False, "changed_since_previous": False}])
    qtmodeltester.check(model)
