"""The Laporan tab: build off the GUI thread, preview, save, print to a PDF printer, sign with a
PKCS#12 (dialogs patched), and check a report; pytest-qt, offscreen."""
from __future__ import annotations

import pytest
from pypdf import PdfReader

from renstra_desktop.ui import dialogs


def saved(qtbot, tab, target):
    """Simpan PDF… with the file dialog answered; waits for the background write."""
    import pytest as _pytest
    with _pytest.MonkeyPatch.context() as mp:
        mp.setattr(dialogs, "choose_pdf_save", lambda *a, **k: target)
        tab.save()
    qtbot.waitUntil(lambda: tab.status.text() == f"Disimpan: {target}", timeout=20000)
    return target


def built(qtbot, tab, **choices):
    for combo, data in choices.items():
        widget = getattr(tab, combo)
        widget.setCurrentIndex(widget.findData(data))
    tab.build()
    qtbot.waitUntil(lambda: tab.pdf is not None and tab.build_button.isEnabled(), timeout=20000)
    return tab


def test_tab_is_in_the_window_and_builds_off_the_gui_thread(qtbot, window, monkeypatch, tmp_path):
    tab = window.report_tab
    assert window.tabs.indexOf(tab) >= 0 and window.tabs.tabText(window.tabs.indexOf(tab)) == "Laporan"
    assert not tab.save_button.isEnabled()
    built(qtbot, tab, kind="pendanaan", paper="f4")
    assert tab.page_count() == tab.result.page_count >= 1
    page = tab.preview.page_image(0)
    assert page.width() > page.height()                          # landscape preview
    assert "kode" in tab.status.text()
    window.tabs.setCurrentWidget(tab)
    shot = tmp_path / "laporan.png"
    window.grab().save(str(shot))
    assert shot.stat().st_size > 0

    target = saved(qtbot, tab, tmp_path / "matriks.pdf")
    reader = PdfReader(target)
    assert round(float(reader.pages[0].mediabox.width), 1) == 935.4
    assert "4.126,05" in reader.pages[0].extract_text()


def test_unit_choice_lists_every_unit_and_the_province_for_the_kanwil(window):
    tab = window.report_tab
    codes = [tab.unit.itemData(i) for i in range(tab.unit.count())]
    assert codes[0] == "KANWIL" and "" in codes and "LPS-DOMPU" in codes
    tab.kind.setCurrentIndex(tab.kind.findData("roadmap"))
    assert not tab.period.isEnabled()
    tab.kind.setCurrentIndex(tab.kind.findData("capaian"))
    assert tab.period.isEnabled()
    tab.period.setCurrentIndex(tab.period.findData("S1"))
    tab.year.setValue(2026)
    assert tab.options().period == "2026-S1"


def test_print_to_a_pdf_printer(qtbot, window, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    tab = built(qtbot, window.report_tab, kind="roadmap")
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "cetak.pdf"))
    tab.print_with(printer)
    qtbot.waitUntil(lambda: tab.status.text().startswith("Dicetak"), timeout=20000)
    assert len(PdfReader(tmp_path / "cetak.pdf").pages) == tab.page_count()


def test_sign_with_pkcs12_asks_password_and_keeps_it_nowhere(qtbot, window, monkeypatch, tmp_path, fake_dialogs):
    pki = pytest.importorskip("pki")
    pytest.importorskip("renstra_desktop.core.signing.sign")
    keys = pki.make_test_pki(tmp_path / "pki")
    tab = built(qtbot, window.report_tab, kind="pendanaan")
    before = tab.pdf
    asked = []
    monkeypatch.setattr(dialogs, "choose_p12", lambda *a, **k: keys.kepala_p12)
    monkeypatch.setattr(dialogs, "ask_password", lambda *a, **k: asked.append(1) or keys.password)
    fake_dialogs.items.append(1)                      # Kepala
    target = tmp_path / "ttd.pdf"
    offered = []
    monkeypatch.setattr(dialogs, "choose_pdf_save", lambda parent, title, suggested: offered.append(suggested) or target)
    tab.sign()                                        # answered: "Simpan PDF sekarang?" -> Ya
    qtbot.waitUntil(lambda: tab.status.text() == f"Disimpan: {target}", timeout=20000)
    assert tab.signed_roles == ["kepala"] and not tab.unsaved_signature
    assert "Simpan PDF sekarang?" in fake_dialogs.questions[-1]
    assert offered[0].name == "pendanaan-KANWIL-2026-ttd.pdf".replace("2026", tab.options().report_period)
    assert asked == [1] and tab.pdf != before and tab.pdf.startswith(before)   # incremental update
    assert target.read_bytes() == tab.pdf
    from renstra_desktop.core.signing.verify import verify_pdf
    assert verify_pdf(target, [keys.root_pem])["all_ok"]
    assert keys.password.decode() not in repr(vars(tab))

    # a wrong password: a clear message, the preview keeps the signed PDF
    signed = tab.pdf
    monkeypatch.setattr(dialogs, "ask_password", lambda *a, **k: b"salah")
    fake_dialogs.items.append(0)
    tab.sign()
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()), timeout=20000)
    assert tab.pdf == signed and tab.signed_roles == ["kepala"]


def test_verify_dialog_with_code_and_pdf(qtbot, window, monkeypatch, tmp_path, fake_dialogs):
    tab = built(qtbot, window.report_tab, kind="pendanaan")
    fake_dialogs.items.append(0)
    fake_dialogs.texts.append(tab.result.payload)
    tab.verify()
    assert fake_dialogs.messages[-1][0] == "info" and "COCOK" in fake_dialogs.messages[-1][2]

    (tmp_path / "r.pdf").write_bytes(tab.pdf)
    monkeypatch.setattr(dialogs, "choose_pdf_open", lambda *a, **k: tmp_path / "r.pdf")
    fake_dialogs.items.append(1)
    tab.verify()
    assert "COCOK" in fake_dialogs.messages[-1][2]

    fake_dialogs.items.append(0)
    fake_dialogs.texts.append("sembarang teks")
    tab.verify()
    assert fake_dialogs.messages[-1][0] == "warn" and "bukan kode laporan" in fake_dialogs.messages[-1][2]


def test_build_failure_is_shown_in_indonesian(qtbot, window, fake_dialogs):
    tab = window.report_tab
    tab.kind.setCurrentIndex(tab.kind.findData("capaian"))
    tab.unit.addItem("Tidak ada", "ENTAH")
    tab.unit.setCurrentIndex(tab.unit.count() - 1)
    tab.build()
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()), timeout=20000)
    assert "ENTAH" in fake_dialogs.warnings()[-1] and tab.pdf is None and tab.build_button.isEnabled()


def test_with_accounts_only_the_head_signs_as_kepala(qtbot, window, monkeypatch, fake_dialogs):
    """Accounts on: an operator may sign as konseptor (who prepared the report), not as kepala
    (core.roles.require_signing); the refusal comes before any certificate is asked."""
    from renstra_desktop.core.service import PlanService

    store = window.controller.store
    PlanService(store, "penguji").save_account("admin", create=True, password="admin-rahasia")
    PlanService(store, "admin").save_account("ani", create=True, password="ani-rahasia1", roles=["operator"])
    window.controller.actor = "ani"
    tab = built(qtbot, window.report_tab, kind="pendanaan")
    asked = []
    monkeypatch.setattr(dialogs, "choose_p12", lambda *a, **k: asked.append("p12"))
    fake_dialogs.items.append(1)                      # Kepala
    tab.sign()
    assert asked == [] and tab.signed_roles == []
    assert "tidak berhak menandatangani laporan" in fake_dialogs.warnings()[-1] and "pimpinan" in fake_dialogs.warnings()[-1]
    fake_dialogs.items.append(0)                      # Konseptor: asked for the certificate (then cancelled)
    tab.sign()
    assert asked == ["p12"]
