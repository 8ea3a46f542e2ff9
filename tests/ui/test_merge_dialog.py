"""Packages in the window: export from Berkas, merge through the dialog (dry run, key confirmation,
apply off the GUI thread), drop on the window, Paket masuk and the conflict decisions."""
import re
import shutil

import pytest
from package_fixtures import UPT, add_realisations, folder_state, make_unit_plan
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from renstra_desktop.core.packages.keys import pins
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store
from renstra_desktop.ui import dialogs
from renstra_desktop.ui import merge_dialog as md
from renstra_desktop.ui.merge_models import MergeReportModel


@pytest.fixture
def upt_package(tmp_path):
    """A LPS-LOBAR plan with three realisations and its first package."""
    store = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    ids = add_realisations(store)
    result = export_package(store, folder=tmp_path / "upt")
    yield store, ids, result
    store.close()


def wait_for_dialog_report(qtbot, dialog, dry_run):
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.dry_run == dry_run, timeout=10000)


def row_count(path, sql, args=()):
    conn = Store.open(path, readonly=True).conn
    try:
        return conn.execute(sql, args).fetchone()[0]
    finally:
        conn.close()


def test_menu_has_export_and_merge(window):
    texts = [a.text().replace("&", "") for a in window.file_menu.actions() if not a.isSeparator()]
    assert texts[-4:] == ["Ekspor Paket…", "Gabungkan Paket…", "Impor dari Excel…", "Keluar"]
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Paket masuk" in titles and window.acceptDrops()


def test_export_from_the_window(qtbot, window, tmp_path, monkeypatch, fake_dialogs):
    suggested = []
    target = tmp_path / "keluar" / "kanwil.rpkg"
    target.parent.mkdir()
    monkeypatch.setattr(dialogs, "choose_package_save", lambda parent, title, path: suggested.append(path) or target)
    window.feature("packages").export_action.trigger()
    qtbot.waitUntil(lambda: target.exists() and bool(fake_dialogs.messages), timeout=10000)
    name = suggested[0].rsplit("/", 1)[-1]
    assert name.startswith("KANWIL_") and name.endswith("_0001.rpkg")
    kind, title, message = fake_dialogs.messages[-1]
    assert kind == "info" and "Sidik jari kunci satker ini" in message and str(target) in message
    assert "Kirim berkas ini ke satker" in message


def test_merge_dialog_dry_run_confirm_key_and_apply(qtbot, window, upt_package, kanwil_path, fake_dialogs):
    store, ids, pkg = upt_package
    before = folder_state(kanwil_path.parent)
    dialog = md.open_merge_dialog(window, [pkg.path])
    qtbot.addWidget(dialog)
    wait_for_dialog_report(qtbot, dialog, True)
    [result] = dialog.report.results
    assert result.status == "would_merge" and result.key_status == "new"
    assert folder_state(kanwil_path.parent) == before            # a dry run writes nothing
    model = dialog.model
    top = model.index(0, 0)
    assert "Lapas Kelas IIA Lombok Barat" in top.data() and model.index(0, 1).data() == str(result.totals()["new"])
    assert "Realisasi" in [model.index(i, 0, top).data() for i in range(model.rowCount(top))]
    dialog.tree.setCurrentIndex(top)
    assert pkg.fingerprint in dialog.detail.text() and "baru, belum dikenal berkas ini" in dialog.detail.text()
    assert re.search(r"dibuat \d{1,2} \w+ 20\d\d pukul \d\d\.\d\d WITA", dialog.detail.text())   # not ISO
    assert dialog.apply_button.isEnabled()

    fake_dialogs.answers.append(True)                             # the fingerprints match by phone
    dialog.apply_button.click()
    wait_for_dialog_report(qtbot, dialog, False)
    assert pkg.fingerprint in fake_dialogs.questions[-1]
    assert dialog.report.results[0].status == "merged" and dialog.applied
    assert [p["fingerprint"] for p in pins(window.controller.conn)] == [pkg.fingerprint]
    assert "dikonfirmasi melalui telepon" in pins(window.controller.conn)[0]["reason"]
    assert row_count(kanwil_path, "SELECT count(*) FROM realisation WHERE owner_unit = ?", (UPT,)) == 3
    assert "Cadangan" in dialog.summary.text()

    view = window.built_tab(window.feature("packages").view_placeholder)
    qtbot.waitUntil(lambda: not view.loading, timeout=10000)      # the lists are read in a worker
    row = next(r for r in view.received.rows if r["unit_code"] == UPT)
    assert row["sequence"] == 1 and row["totals"]["new"] == pkg.total_rows


def test_unconfirmed_key_leaves_the_package_out(qtbot, window, upt_package, kanwil_path, fake_dialogs):
    _, _, pkg = upt_package
    dialog = md.open_merge_dialog(window, [pkg.path])
    qtbot.addWidget(dialog)
    wait_for_dialog_report(qtbot, dialog, True)
    before = folder_state(kanwil_path.parent)
    fake_dialogs.answers.append(False)
    dialog.apply_button.click()
    assert fake_dialogs.messages[-1][2] == "Tidak ada paket yang dapat digabungkan."
    assert dialog.report.dry_run and folder_state(kanwil_path.parent) == before
    assert pins(window.controller.conn) == []


def test_bad_file_is_shown_as_rejected(qtbot, window, tmp_path, kanwil_path):
    bad = tmp_path / "bukan.rpkg"
    bad.write_text("bukan paket")
    dialog = md.open_merge_dialog(window, [bad])
    qtbot.addWidget(dialog)
    wait_for_dialog_report(qtbot, dialog, True)
    assert dialog.report.results[0].status == "rejected"
    assert "bukan paket Renstra Desktop" in dialog.model.index(0, 7).data()
    assert not dialog.apply_button.isEnabled()


def test_dropping_a_package_on_the_window_opens_the_merge(qtbot, window, upt_package, monkeypatch):
    _, _, pkg = upt_package
    opened = []
    monkeypatch.setattr(md, "open_merge_dialog", lambda win, paths=None: opened.append(paths))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pkg.path)), QUrl.fromLocalFile(str(pkg.path.with_suffix(".txt")))])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    assert opened == [[pkg.path]]


def test_conflicts_are_decided_in_paket_masuk(qtbot, window, upt_package, kanwil_path, tmp_path, qtmodeltester):
    store, ids, pkg = upt_package
    from renstra_desktop.core.packages.merge import merge_packages

    backup = store.save_copy(tmp_path / "lama.renstra")
    PlanService(store, "admin").update("realisation", ids[0], {"value": "5"})
    newer = export_package(store, folder=tmp_path / "upt")
    kanwil = window.controller.store
    merge_packages(kanwil, [pkg.path, newer.path], actor="kanwil", trust_new_keys=True)
    # The unit restores an old file and edits the same row: a conflict at the Kanwil.
    store.close()
    shutil.copy(backup, store.path)
    restored = Store.open(store.path)
    PlanService(restored, "admin").update("realisation", ids[0], {"value": "6"})
    third = export_package(restored, folder=tmp_path / "upt")
    restored.close()
    merge_packages(kanwil, [third.path], actor="kanwil", trust_new_keys=True)
    window.controller.external_change()

    view = window.built_tab(window.feature("packages").view_placeholder)
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: not view.loading, timeout=10000)
    qtmodeltester.check(view.received)
    qtmodeltester.check(view.conflicts)
    assert len(view.conflicts.rows) == 1
    index = view.conflicts.index(0, 4)
    assert view.conflicts.data(index) == "5" and view.conflicts.data(view.conflicts.index(0, 5)) == "6"
    assert "IKK 17.1" in view.conflicts.data(view.conflicts.index(0, 2))
    assert not view.keep_package_button.isEnabled()
    view.conflict_view.selectRow(0)
    assert view.keep_package_button.isEnabled()
    view.keep_package_button.click()
    qtbot.waitUntil(lambda: view.conflicts.rows == [] and not view.loading, timeout=10000)  # off the GUI thread
    assert view.conflicts.rows == [] and "Tidak ada konflik" in view.conflict_label.text()
    assert row_count(kanwil_path, "SELECT value FROM realisation WHERE id = ?", (ids[0],)) == 6.0
    lobar = next(r for r in view.received.rows if r["unit_code"] == UPT)
    assert lobar["sequence"] == 3
    # A hidden tab does not reload on every edit elsewhere; it catches up when shown again.
    window.tabs.setCurrentIndex(0)
    merge_packages(kanwil, [third.path], actor="kanwil")           # nothing new, but a change signal
    window.controller.external_change()
    assert view._stale
    window.tabs.setCurrentWidget(view)
    assert not view._stale


def test_values_are_never_rounded_away():
    from renstra_desktop.ui.package_view import shown

    assert (shown(3.141), shown(3.142), shown(4126.05), shown(None)) == ("3,141", "3,142", "4.126,05", "–")


def test_a_summary_of_hundreds_of_packages_renders(qtbot, window, tmp_path, qtmodeltester):
    """Hundreds of packages with rows listed: built as a model (no per-item calls into the binding)."""
    from collections import Counter

    from renstra_desktop.core.packages.merge_report import STATUSES, MergeReport, PackageResult, RowNote

    results = []
    for n in range(600):
        result = PackageResult(tmp_path / f"UPT-{n:04d}.rpkg", "would_merge", "Akan digabung", f"UPT-{n:04d}", 1,
                               "2026-11-28T08:00:00Z", "d" * 64, "AAAA-" * 7 + "AAAA", "pinned")
        for table in ("realisation", "risk", "roadmap_item", "funding", "indicator_target"):
            result.tables[table] = Counter({s: 0 for s in STATUSES} | {"new": 30})
        result.notes = [RowNote("realisation", f"id-{n}-{i}", "ignored_locked", "Diabaikan: periode terkunci",
                                {"value": (3.1, 4.2)}, f"UPT-{n:04d} · IKK 17.1 · 2026-0{i + 1}") for i in range(3)]
        results.append(result)
    dialog = md.MergeDialog(window.controller, [], window)
    qtbot.addWidget(dialog)
    dialog._show(MergeReport(True, results))
    qtmodeltester.check(dialog.model)
    assert not dialog.tree.isExpanded(dialog.model.index(0, 0))      # folded: 600 packages are listed
    dialog.tree.expandAll()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tree.scrollToBottom()
    dialog.grab()
    leaf = dialog.model.index(0, 0, dialog.model.index(0, 0, dialog.model.index(599, 0)))
    assert leaf.data() == "UPT-0599 · IKK 17.1 · 2026-01"
    assert "di berkas ini <b>3,1</b>, di paket <b>4,2</b>" in leaf.data(MergeReportModel.DETAIL_ROLE)


def test_a_new_key_of_a_known_unit_is_repinned_with_a_reason(qtbot, window, upt_package, fake_dialogs):
    from renstra_desktop.core.packages.keys import pin_key

    _, _, pkg = upt_package
    old = "0123-4567-89AB-CDEF-0123-4567-89AB-CDEF"
    pin_key(window.controller.store, UPT, old, actor="kanwil")
    dialog = md.open_merge_dialog(window, [pkg.path])
    qtbot.addWidget(dialog)
    wait_for_dialog_report(qtbot, dialog, True)
    [result] = dialog.report.results
    assert result.status == "rejected" and result.key_status == "mismatch" and old in result.message
    assert not dialog.apply_button.isEnabled() and not dialog.repin_button.isEnabled()
    dialog.tree.setCurrentIndex(dialog.model.index(0, 0))
    assert dialog.repin_button.isEnabled()
    fake_dialogs.answers.append(True)
    fake_dialogs.texts.append("  ")                      # no reason: nothing pinned
    dialog.repin_button.click()
    assert fake_dialogs.warnings()[-1].startswith("Tanpa alasan")
    assert pins(window.controller.conn)[0]["fingerprint"] == old
    fake_dialogs.answers.append(True)
    fake_dialogs.texts.append("laptop diganti, dikonfirmasi via telepon")
    dialog.repin_button.click()
    qtbot.waitUntil(lambda: dialog.report.results[0].status == "would_merge", timeout=10000)
    [pin] = pins(window.controller.conn)
    assert pin["fingerprint"] == pkg.fingerprint and pin["reason"] == "laptop diganti, dikonfirmasi via telepon"


def test_a_package_out_of_order_with_data_is_a_red_row(qtbot, window, upt_package, tmp_path, kanwil_path):
    """issue 8: a lost export counter no longer hides new data; the window shows the package in red
    in the merge summary and in Paket masuk."""
    from renstra_desktop.core.packages.keys import sequence_path
    from renstra_desktop.core.packages.merge import merge_packages

    store, ids, pkg = upt_package
    second = export_package(store, folder=tmp_path / "upt")
    merge_packages(window.controller.store, [pkg.path, second.path], actor="kanwil", trust_new_keys=True)
    window.controller.external_change()
    sequence_path(store.path).unlink()                      # the unit's export counter is lost
    add_realisations(store, months=[9])
    (tmp_path / "upt2").mkdir()
    lost = export_package(store, folder=tmp_path / "upt2")
    assert lost.manifest["sequence"] == 1

    dialog = md.open_merge_dialog(window, [lost.path])
    qtbot.addWidget(dialog)
    wait_for_dialog_report(qtbot, dialog, True)
    [result] = dialog.report.results
    assert result.status == "would_merge" and result.needs_attention
    red = dialog.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert red is not None and red.color().name() == "#8b0000"
    assert "TIDAK BERURUTAN" in dialog.model.index(0, 7).data()
    dialog.apply_button.click()
    wait_for_dialog_report(qtbot, dialog, False)
    assert dialog.report.results[0].status == "merged"
    assert row_count(kanwil_path, "SELECT count(*) FROM realisation WHERE owner_unit = ? AND period = '2026-09'",
                     (UPT,)) == 1

    view = window.built_tab(window.feature("packages").view_placeholder)
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: not view.loading, timeout=10000)
    row = next(i for i, r in enumerate(view.received.rows) if r["unit_code"] == UPT)
    brush = view.received.index(row, 1).data(Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color().name() == "#8b0000"
    assert "TIDAK BERURUTAN" in view.received.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)


def test_a_key_already_pinned_for_another_unit_is_confirmed_with_a_warning(qtbot, window, upt_package,
                                                                            fake_dialogs):
    from renstra_desktop.core.packages.keys import pin_key

    _, _, pkg = upt_package
    pin_key(window.controller.store, "LPS-SUMBAWA", pkg.fingerprint, actor="kanwil")
    dialog = md.open_merge_dialog(window, [pkg.path])
    qtbot.addWidget(dialog)
    wait_for_dialog_report(qtbot, dialog, True)
    [result] = dialog.report.results
    assert result.status == "would_merge" and result.key_shared_with == ["LPS-SUMBAWA"]
    fake_dialogs.answers.append(True)
    dialog.apply_button.click()
    wait_for_dialog_report(qtbot, dialog, False)
    assert fake_dialogs.questions[-1].startswith("PERHATIAN: kunci ini sudah tercatat untuk Lapas Kelas IIA Sumbawa Besar")
    assert dialog.report.results[0].status == "merged"
    assert {p["unit_code"]: p["fingerprint"] for p in pins(window.controller.conn)} == {
        "LPS-SUMBAWA": pkg.fingerprint, UPT: pkg.fingerprint}


def test_export_with_a_protected_key_asks_the_passphrase_in_the_real_dialog(qtbot, window, tmp_path, monkeypatch,
                                                                            fake_dialogs):
    """The real QInputDialog (password echo) is filled by a timer; a wrong passphrase is asked again."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    from conftest_ui import drive_modal
    from renstra_desktop.core.packages.keys import installation_key, protect_key

    plan = window.controller.path
    fp = installation_key(plan).fingerprint
    protect_key(plan, "passphrase", secret=b"sandi kanwil ntb")
    target = tmp_path / "keluar" / "kanwil.rpkg"
    target.parent.mkdir()
    monkeypatch.setattr(dialogs, "choose_package_save", lambda parent, title, path: target)
    fake_dialogs.use_real("ask_password")
    labels = []

    def typed(text):
        def answer(box):
            labels.append(box.labelText())
            assert box.textEchoMode() == QLineEdit.EchoMode.Password
            box.setTextValue(text)
            box.accept()
        return answer

    first = drive_modal(QInputDialog, typed("salah sekali"))
    window.feature("packages").export_action.trigger()
    qtbot.waitUntil(lambda: first.done, timeout=20000)
    second = drive_modal(QInputDialog, typed("sandi kanwil ntb"))
    qtbot.waitUntil(lambda: target.exists() and bool(fake_dialogs.messages), timeout=20000)
    for driver in (first, second):
        assert driver.error is None, driver.error
    assert "dilindungi kata sandi" in labels[0] and "Kata sandi salah" in labels[1]
    assert fp in fake_dialogs.messages[-1][2]


def test_new_keys_are_confirmed_in_one_list_in_the_real_dialog(qtbot, window, upt_package, tmp_path, kanwil_path,
                                                               fake_dialogs):
    """Two units' first packages: one list with both fingerprints, nothing ticked in advance; the unit
    ticked is merged and its key pinned, the other's package is left out and its key not pinned."""
    from conftest_ui import click_button, drive_modal

    from renstra_desktop.ui.key_confirm_dialog import KeyConfirmDialog

    _, _, lobar = upt_package
    other = make_unit_plan(tmp_path / "sumbawa" / "sumbawa.renstra", "LPS-SUMBAWA")
    add_realisations(other)
    sumbawa = export_package(other, folder=tmp_path / "sumbawa")
    other.close()
    fake_dialogs.use_real("confirm_keys")
    dialog = md.open_merge_dialog(window, [lobar.path, sumbawa.path])
    qtbot.addWidget(dialog)
    wait_for_dialog_report(qtbot, dialog, True)
    seen = {}

    def tick_lobar(box):
        table = box.table
        seen["rows"] = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
        seen["ticked before"] = box.confirmed()
        row = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == lobar.fingerprint)
        table.item(row, 0).setCheckState(Qt.CheckState.Checked)
        seen["count"] = box.count.text()
        click_button(box, "Gabungkan yang dicentang")

    driver = drive_modal(KeyConfirmDialog, tick_lobar)
    dialog.apply_button.click()
    qtbot.waitUntil(lambda: driver.done, timeout=15000)
    driver.check()
    wait_for_dialog_report(qtbot, dialog, False)
    assert sorted(r[1] for r in seen["rows"]) == sorted([lobar.fingerprint, sumbawa.fingerprint])
    assert {r[0] for r in seen["rows"]} == {"Lapas Kelas IIA Lombok Barat", "Lapas Kelas IIA Sumbawa Besar"}
    assert seen["ticked before"] == [] and seen["count"] == "1 dari 2 kunci dicentang."
    assert [(r.unit, r.status) for r in dialog.report.results] == [(UPT, "merged")]
    assert [p["fingerprint"] for p in pins(window.controller.conn)] == [lobar.fingerprint]
    assert row_count(kanwil_path, "SELECT count(*) FROM realisation WHERE owner_unit = 'LPS-SUMBAWA'") == 0


def test_cancelling_the_key_list_merges_nothing(qtbot, window, upt_package, kanwil_path, fake_dialogs):
    from conftest_ui import click_button, drive_modal

    from renstra_desktop.ui.key_confirm_dialog import KeyConfirmDialog

    _, _, pkg = upt_package
    fake_dialogs.use_real("confirm_keys")
    dialog = md.open_merge_dialog(window, [pkg.path])
    qtbot.addWidget(dialog)
    wait_for_dialog_report(qtbot, dialog, True)
    before = folder_state(kanwil_path.parent)
    driver = drive_modal(KeyConfirmDialog, lambda box: click_button(box, "Batal"))
    dialog.apply_button.click()
    qtbot.waitUntil(lambda: driver.done, timeout=15000)
    driver.check()
    assert dialog.report.dry_run and folder_state(kanwil_path.parent) == before and pins(window.controller.conn) == []
