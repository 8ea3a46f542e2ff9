"""Berkas → Impor dari Excel… in the real window: Qt's own file dialog, the dry-run summary in the real
preview dialog, *Impor* clicked, the work off the GUI thread, the plan changed and the views told; a
bad workbook shows every problem with its sheet, row and column and writes nothing."""
import threading

from conftest_ui import click_button, drive_modal, read_db
from PySide6.QtWidgets import QFileDialog, QLineEdit

from renstra_desktop.core.excel import importer
from renstra_desktop.core.excel.export import export_workbook
from renstra_desktop.core.store import Store
from renstra_desktop.ui.excel_import_dialog import ImportPreview, ImportProblems


def _workbook(kanwil_path, tmp_path, changes):
    from openpyxl import load_workbook

    with Store.open(kanwil_path, readonly=True) as store:
        path = export_workbook(store.conn, tmp_path / "kanwil.xlsx", "KANWIL", 2026)
    book = load_workbook(path)
    for (sheet, cell), value in changes.items():
        book[sheet][cell] = value
    book.save(path)
    return path


def _pick_file(path, monkeypatch):
    """Qt's own file dialog widget (the platform's cannot be driven offscreen), the name typed in."""
    def get(parent, title, directory, filt):
        dialog = QFileDialog(parent, title, directory, filt)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        return (dialog.selectedFiles()[0], "") if dialog.exec() else ("", "")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", get)

    def action(dialog):
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(path))
        dialog.accept()
    return drive_modal(QFileDialog, action)


def test_import_from_the_menu_with_the_real_dialogs(window, qtbot, kanwil_path, tmp_path, fake_dialogs, monkeypatch):
    book = _workbook(kanwil_path, tmp_path, {("Risiko", "H2"): "Validasi bulanan"})
    threads = []
    real = importer.import_workbook
    monkeypatch.setattr(importer, "import_workbook",
                        lambda *a, **k: threads.append(threading.current_thread()) or real(*a, **k))
    fake_dialogs.use_real("choose_workbook")
    changed = []
    window.controller.plan_changed.connect(changed.append)
    shown = []
    picker = _pick_file(book, monkeypatch)
    preview = drive_modal(ImportPreview, lambda d: (shown.append((d.heading.text(), d.text.toPlainText())),
                                                    click_button(d, "Impor")))
    window.feature("excel_import").action.trigger()
    qtbot.waitUntil(lambda: bool(fake_dialogs.messages), timeout=30000)
    picker.check()
    preview.check()
    assert len(threads) == 2 and threading.main_thread() not in threads      # dry run and import, both in a worker
    heading, text = shown[0]
    assert "1 baris akan diubah" in heading and "Uji coba" in heading
    assert "~ Risiko baris 2: KANWIL PPH 1: Pengendalian yang ada: kosong → “Validasi bulanan”" in text
    assert "1 baris diubah" in fake_dialogs.messages[-1][2]
    assert read_db(kanwil_path, "SELECT count(*) FROM risk WHERE current_control = 'Validasi bulanan'") == [(1,)]
    assert changed and "risk" in changed[-1].tables


def test_a_bad_workbook_lists_every_problem_and_writes_nothing(window, qtbot, kanwil_path, tmp_path, fake_dialogs,
                                                               monkeypatch):
    book = _workbook(kanwil_path, tmp_path, {("Risiko", "H2"): "Baru", ("Risiko", "L2"): "tinggi",
                                             ("Pendanaan", "E2"): "3.2.1"})
    before = kanwil_path.read_bytes()
    fake_dialogs.use_real("choose_workbook")
    shown = []
    picker = _pick_file(book, monkeypatch)
    problems = drive_modal(ImportProblems, lambda d: (shown.append((d.heading.text(), d.text.toPlainText())),
                                                      click_button(d, "Tutup")))
    window.feature("excel_import").action.trigger()
    qtbot.waitUntil(lambda: problems.done and not problems._driven.isVisible(), timeout=30000)
    picker.check()
    problems.check()
    heading, text = shown[0]
    assert heading.startswith("2 masalah di buku kerja kanwil.xlsx")
    assert text.splitlines() == [
        "Lembar “Risiko”, baris 2, kolom L: “tinggi” bukan angka yang sah. Contoh penulisan: 3,2 atau 3.193,72.",
        "Lembar “Pendanaan”, baris 2, kolom E: “3.2.1” bukan angka yang sah. Contoh penulisan: 3,2 atau 3.193,72."]
    assert kanwil_path.read_bytes() == before
