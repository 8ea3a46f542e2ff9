"""Laporan → Periksa tanda tangan PDF: the same verification and words as `verify-pdf`, with the
user's trusted root remembered after the first check (dialogs patched)."""
from __future__ import annotations

import pytest

from renstra_desktop.core.signing.sign import sign_pdf
from renstra_desktop.ui import dialogs

pki = pytest.importorskip("pki")


@pytest.fixture
def signed(tmp_path):
    keys = pki.make_test_pki(tmp_path / "pki")
    first = tmp_path / "satu.pdf"
    sign_pdf(keys.unsigned_pdf, first, keys.konseptor_p12, keys.password, "konseptor")
    both = tmp_path / "dua.pdf"
    sign_pdf(first, both, keys.kepala_p12, keys.password, "kepala")
    return keys, both


def test_check_a_signed_pdf_and_remember_the_root(window, fake_dialogs, monkeypatch, signed):
    keys, pdf = signed
    tab = window.report_tab
    monkeypatch.setattr(dialogs, "choose_pdf_open", lambda *a, **k: pdf)
    monkeypatch.setattr(dialogs, "choose_certificate", lambda *a, **k: keys.root_pem)
    tab.check_signatures()
    kind, _, message = fake_dialogs.messages[-1]
    assert kind == "info" and "Semua tanda tangan utuh dan tepercaya." in message
    assert "1. Konseptor:" in message and "2. Kepala:" in message and "Sig_" not in message   # roles, not field names
    # the root is remembered: no question the second time
    monkeypatch.setattr(dialogs, "choose_certificate",
                        lambda *a, **k: pytest.fail("the trusted root should be remembered"))
    tab.check_signatures()
    assert fake_dialogs.messages[-1][0] == "info"


def test_an_altered_pdf_is_reported(window, fake_dialogs, monkeypatch, signed, tmp_path):
    keys, pdf = signed
    data = bytearray(pdf.read_bytes())
    at = data.index(b"stream\n") + 20          # inside the first content stream, under the signatures
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    altered = tmp_path / "diubah.pdf"
    altered.write_bytes(bytes(data))
    monkeypatch.setattr(dialogs, "choose_pdf_open", lambda *a, **k: altered)
    monkeypatch.setattr(dialogs, "choose_certificate", lambda *a, **k: keys.root_pem)
    tab = window.report_tab
    tab.check_signatures()
    kind, _, message = fake_dialogs.messages[-1]
    assert kind == "warn" and "utuh: TIDAK" in message and "jangan pakai" in message


def test_an_unsigned_pdf_says_what_to_do(window, fake_dialogs, monkeypatch, signed):
    keys, _ = signed
    monkeypatch.setattr(dialogs, "choose_pdf_open", lambda *a, **k: keys.unsigned_pdf)
    monkeypatch.setattr(dialogs, "choose_certificate", lambda *a, **k: None)
    window.report_tab.check_signatures()
    kind, _, message = fake_dialogs.messages[-1]
    assert kind == "warn" and "belum ditandatangani" in message and "Tandatangani" in message
