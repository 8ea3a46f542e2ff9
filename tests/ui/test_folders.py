"""Where files go: dialogs open in the user's Documents (or the folder last used for that kind of
file), never the hidden data folder; "Buka folder" after an export (the real message box, the real
QDesktopServices); a signed PDF is saved at once or its loss is asked about."""
from __future__ import annotations

from pathlib import Path

import pytest
from package_fixtures import make_unit_plan
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from conftest_ui import click_button, drive_modal
from renstra_desktop.ui import dialogs, folders


@pytest.fixture
def documents(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    assert folders.documents_dir() == home / "Documents"
    return home / "Documents"


class UrlRecorder(QObject):
    """Receives the file URLs QDesktopServices.openUrl would hand to the file manager."""

    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def record(self, url):
        self.urls.append(url)


@pytest.fixture
def file_manager():
    recorder = UrlRecorder()
    QDesktopServices.setUrlHandler("file", recorder, "record")
    yield recorder
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def upt_window(qtbot, tmp_path):
    from renstra_desktop.ui.main_window import MainWindow

    data = tmp_path / "data" / "lobar.renstra"       # the hidden data folder
    data.parent.mkdir()
    win = MainWindow(make_unit_plan(data))
    win.controller.actor = "admin-upt"
    qtbot.addWidget(win)
    win.show()
    return win


def test_export_opens_in_documents_and_offers_to_open_the_folder(qtbot, upt_window, documents, file_manager,
                                                                 fake_dialogs, monkeypatch):
    fake_dialogs.use_real("offer_open_folder")
    suggested = []
    usb = documents / "flashdisk"
    usb.mkdir()
    monkeypatch.setattr(dialogs, "choose_package_save",
                        lambda parent, title, path: suggested.append(Path(path)) or usb / Path(path).name)
    seen = {}

    def read_and_open(box):
        seen["text"] = box.text()
        click_button(box, "Buka folder")

    driver = drive_modal(QMessageBox, read_and_open, timeout_ms=20000)
    upt_window.feature("packages").export_action.trigger()
    qtbot.waitUntil(lambda: driver.done, timeout=20000)
    driver.check()
    assert suggested[0].parent == documents and suggested[0].name.startswith("LPS-LOBAR_")
    assert [u.toLocalFile() for u in file_manager.urls] == [str(usb)]
    assert str(usb) in seen["text"] and "Kantor Wilayah" in seen["text"]

    # the next export starts where the last one went
    driver = drive_modal(QMessageBox, lambda box: click_button(box, "Tutup"), timeout_ms=20000)
    upt_window.feature("packages").export_action.trigger()
    qtbot.waitUntil(lambda: driver.done, timeout=20000)
    driver.check()
    assert suggested[1].parent == usb and len(file_manager.urls) == 1


def test_merge_and_plan_dialogs_open_in_documents_then_the_last_folder(window, documents, monkeypatch, tmp_path,
                                                                      fake_dialogs):
    asked = []
    inbox = documents / "paket-masuk"
    inbox.mkdir()
    monkeypatch.setattr(dialogs, "choose_package_files", lambda parent, title, directory: asked.append(directory) or [])
    window.feature("packages").merge_action.trigger()
    assert asked == [str(documents)]
    folders.remember_folder(folders.PACKAGES_IN, inbox / "LPS-LOBAR_1.rpkg")
    window.feature("packages").merge_action.trigger()
    assert asked[-1] == str(inbox)

    monkeypatch.setattr(dialogs, "choose_save_file", lambda parent, title, directory, **k: asked.append(directory))
    window.save_as()
    assert asked[-1] == str(documents)
    assert ".local" not in "".join(asked) and str(window.controller.path.parent) not in asked


def test_report_save_remembers_its_folder(qtbot, window, documents, monkeypatch, tmp_path):
    tab = window.report_tab
    tab.kind.setCurrentIndex(tab.kind.findData("roadmap"))
    tab.build()
    qtbot.waitUntil(lambda: tab.pdf is not None, timeout=20000)
    asked = []
    archive = tmp_path / "arsip"
    archive.mkdir()
    monkeypatch.setattr(dialogs, "choose_pdf_save", lambda parent, title, suggested: asked.append(Path(suggested))
                        or archive / Path(suggested).name)
    tab.save()
    qtbot.waitUntil(lambda: tab.status.text().startswith("Disimpan"), timeout=20000)
    tab.save()
    assert asked[0] == documents / tab.suggested_name() and asked[1] == archive / tab.suggested_name()
    assert (archive / tab.suggested_name()).read_bytes() == tab.pdf


def test_the_real_pdf_save_dialog_starts_in_the_remembered_folder(qtbot, window, tmp_path, fake_dialogs):
    from PySide6.QtWidgets import QFileDialog, QLineEdit

    fake_dialogs.use_real("choose_pdf_save")
    seen = {}

    def read(dialog):
        seen["dir"] = dialog.directory().absolutePath()
        seen["name"] = dialog.findChild(QLineEdit, "fileNameEdit").text()
        dialog.reject()

    driver = drive_modal(QFileDialog, read)
    assert dialogs.choose_pdf_save(window, "Simpan laporan", tmp_path / "capaian-KANWIL-2026.pdf") is None
    driver.check()
    assert seen == {"dir": str(tmp_path), "name": "capaian-KANWIL-2026.pdf"}


def test_a_signature_not_yet_saved_is_not_thrown_away_silently(qtbot, window, fake_dialogs):
    tab = window.report_tab
    tab.build()
    qtbot.waitUntil(lambda: tab.pdf is not None, timeout=20000)
    signed = tab.pdf + b"%signed"
    tab.pdf, tab.signed_roles, tab.unsaved_signature = signed, ["kepala"], True
    fake_dialogs.answers.append(False)               # "Lanjutkan tanpa menyimpan?" -> Tidak
    tab.build()
    assert "belum disimpan" in fake_dialogs.questions[-1] and tab.pdf == signed and tab.build_button.isEnabled()
