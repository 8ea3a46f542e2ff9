"""Plain Indonesian in the window: no ISO timestamps, no "disematkan"/"Sig_…"/"basis data SQLite",
unit names where a unit is meant; times in the office zone, a setting the Kanwil chooses in
Pengaturan → Zona waktu (the real choice dialog)."""
from __future__ import annotations

import re

import pytest
from package_fixtures import add_realisations, make_unit_plan
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QInputDialog, QLabel

from conftest_ui import drive_modal
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.settings import load_settings
from renstra_desktop.ui import merge_dialog as md

FORBIDDEN = [re.compile(p) for p in (r"\d{4}-\d\d-\d\dT\d\d", r"(?i)disemat", r"(?i)sematkan", r"Sig_",
                                     r"(?i)basis data", r"SQLite", r"\bLPS-[A-Z]+\b", r"\bKANWIL\b")]


def texts_of(widget) -> list[str]:
    """What a user can read: labels, buttons, combo items, table cells and their tooltips."""
    out = [w.text() for w in widget.findChildren(QLabel)] + [w.text() for w in widget.findChildren(QAbstractButton)]
    out += [w.toolTip() for w in widget.findChildren(QAbstractButton)]
    for combo in widget.findChildren(QComboBox):
        out += [combo.itemText(i) for i in range(combo.count())]
    for view in widget.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or model.metaObject().className().startswith("Q"):
            continue             # Qt's own (combo popups, header internals): checked where they are shown
        stack = [view.rootIndex()]
        for c in range(columns(model, view.rootIndex())):
            out.append(str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
        while stack:
            parent = stack.pop()
            for r in range(min(model.rowCount(parent), 200)):
                for c in range(columns(model, parent)):
                    index = model.index(r, c, parent)
                    out += [str(index.data() or ""), str(index.data(Qt.ItemDataRole.ToolTipRole) or "")]
                stack.append(model.index(r, 0, parent))
    return out


def columns(model, parent) -> int:
    try:
        return model.columnCount(parent)
    except TypeError:      # a QAbstractListModel: one column (its columnCount is private in C++)
        return 1


def offending(texts) -> list[str]:
    return sorted({t for t in texts for p in FORBIDDEN if p.search(t)})


@pytest.fixture
def merged_window(qtbot, window, tmp_path, fake_dialogs):
    store = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    add_realisations(store)
    package = export_package(store, folder=tmp_path / "upt")
    store.close()
    dialog = md.open_merge_dialog(window, [package.path])
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.apply_button.isEnabled(), timeout=20000)
    dialog.apply()
    qtbot.waitUntil(lambda: dialog.applied, timeout=20000)
    return window, dialog


def test_nothing_technical_in_the_window_after_a_merge(qtbot, merged_window):
    window, dialog = merged_window
    dialog.tree.expandAll()
    shown = texts_of(dialog)
    for unit in ("first", None):
        if unit is None:
            window.set_selected_unit(None)
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            tab = window.tabs.currentWidget()      # Paket masuk reads its lists in a worker
            qtbot.waitUntil(lambda: not getattr(tab, "loading", False), timeout=10000)
            shown += texts_of(tab)
    # file names keep their codes; a tooltip may name the code as the code
    shown = [t for t in shown if ".rpkg" not in t and ".renstra" not in t and not t.startswith("Kode satker: ")]
    assert offending(shown) == []
    assert any(re.search(r"\d{1,2} \w+ 20\d\d pukul \d\d\.\d\d WITA", t) for t in shown)   # Paket masuk times


def test_the_kanwil_chooses_the_time_zone_in_the_real_dialog(qtbot, merged_window, kanwil_path, fake_dialogs):
    window, _dialog = merged_window
    fake_dialogs.use_real("choose_item")
    seen = {}

    def choose_wib(dialog):
        combo = dialog.findChild(QComboBox)
        seen["items"] = [combo.itemText(i) for i in range(combo.count())]
        seen["current"] = combo.currentText()
        combo.setCurrentIndex(0)
        dialog.accept()

    driver = drive_modal(QInputDialog, choose_wib)
    window.feature("settings").time_zone_action.trigger()
    window.controller.wait_idle()
    driver.check()
    assert seen["current"].startswith("WITA") and seen["items"][0].startswith("WIB")
    assert load_settings(window.controller.conn).time_zone == "WIB"
    window.tabs.setCurrentWidget(window.built_tab(window.feature("packages").view_placeholder))
    qtbot.waitUntil(lambda: not window.feature("packages").view.loading, timeout=10000)
    times = [t for t in texts_of(window.feature("packages").view) if "pukul" in t]
    assert times and all(t.endswith("WIB") for t in times)
    window.controller.undo_stack.undo()
    window.controller.wait_idle()
    assert load_settings(window.controller.conn).time_zone == "WITA"


def test_a_upt_is_told_who_sets_the_time_zone(qtbot, tmp_path, fake_dialogs):
    from renstra_desktop.ui.main_window import MainWindow

    win = MainWindow(make_unit_plan(tmp_path / "lobar.renstra"))
    qtbot.addWidget(win)
    assert not win.feature("settings").time_zone_action.trigger() and "ditetapkan Kantor Wilayah" in fake_dialogs.messages[-1][2]
