"""Signature block: stored per unit (migration 0003), printed, and its spots used by core.signing."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from renstra_desktop.core.audit import audit_entries
from renstra_desktop.core.errors import ValidationError
from renstra_desktop.core.reports import ReportOptions, build_report
from renstra_desktop.core.reports.signature_block import (
    Signatory, load_signatory, parse_date_text, save_signatory,
)


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_defaults_come_from_the_embedded_document(kanwil_store):
    sig = load_signatory(kanwil_store.conn, "KANWIL")
    assert (sig.place, sig.jabatan, sig.name) == ("Mataram", "Kepala Kantor Wilayah", "AMAK AGUNG GDE KRISNA")
    upt = load_signatory(kanwil_store.conn, "LPS-DOMPU")
    assert upt.jabatan == "Kepala Lapas Kelas IIB Dompu" and upt.name == ""


def test_stored_block_is_printed_with_nip_groups_and_paraf(kanwil_store):
    save_signatory(kanwil_store, Signatory(
        "KANWIL", place="Mataram", sign_date=dt.date(2025, 12, 22), on_behalf="Kepala Kantor Wilayah",
        jabatan="Kepala Bagian Tata Usaha dan Umum", name="I Made Contoh", nip="196610181992031001",
        paraf_enabled=True, paraf=[{"role": "Konseptor", "name": "Baiq Uji", "jabatan": "Analis"},
                                   {"role": "Pemeriksa", "name": "Lalu Uji", "jabatan": "Kepala Subbagian"}]),
        actor="penguji")
    sig = load_signatory(kanwil_store.conn, "KANWIL")
    assert sig.nip == "196610181992031001" and sig.paraf_enabled
    text = text_of(build_report(kanwil_store.conn, ReportOptions("roadmap", unit="KANWIL")).pdf)
    assert "Mataram, 22 Desember 2025" in text
    assert "a.n. Kepala Kantor Wilayah," in text and "Kepala Bagian Tata Usaha dan Umum" in text
    assert "NIP 19661018 199203 1 001" in text and "I Made Contoh" in text
    for word in ("Pemroses", "Konseptor", "Pemeriksa", "Baiq Uji", "Paraf"):
        assert word in text
    fields = {e["field"] for e in audit_entries(kanwil_store.conn, "KANWIL") if e["table_name"] == "report_signatory"}
    assert {"nip", "name", "paraf", "sign_date"} <= fields


@pytest.mark.parametrize("nip", ["123", "19661018 199203 1 00X", "1966101819920310011"])
def test_bad_nip_is_refused_and_nothing_stored(kanwil_store, nip):
    with pytest.raises(ValidationError, match="NIP"):
        save_signatory(kanwil_store, Signatory("KANWIL", nip=nip), actor="penguji")
    assert kanwil_store.conn.execute("SELECT count(*) FROM report_signatory").fetchone()[0] == 0


def test_dates_in_indonesian_and_iso():
    assert parse_date_text("22 Desember 2025") == parse_date_text("2025-12-22") == dt.date(2025, 12, 22)
    assert parse_date_text("22/12/2025") == dt.date(2025, 12, 22) and parse_date_text("") is None
    with pytest.raises(ValidationError, match="Tanggal"):
        parse_date_text("31 Juni 2025")


def test_unknown_unit_is_refused(kanwil_store):
    with pytest.raises(ValidationError, match="tidak dikenal"):
        save_signatory(kanwil_store, Signatory("LAPAS-X", name="Siapa"), actor="penguji")


def test_stamps_land_in_the_exported_signature_spots(kanwil_store, tmp_path):
    pki = pytest.importorskip("pki")
    signing = pytest.importorskip("renstra_desktop.core.signing.sign")
    verify = pytest.importorskip("renstra_desktop.core.signing.verify")
    keys = pki.make_test_pki(tmp_path / "pki")
    result = build_report(kanwil_store.conn, ReportOptions("pendanaan", unit="KANWIL", paper="f4"), tmp_path / "r.pdf")
    signing.sign_pdf(tmp_path / "r.pdf", tmp_path / "s1.pdf", keys.konseptor_p12, keys.password, "konseptor",
                     field_box=result.spots["konseptor"])
    signing.sign_pdf(tmp_path / "s1.pdf", tmp_path / "s2.pdf", keys.kepala_p12, keys.password, "kepala",
                     field_box=result.spots["kepala"])
    assert verify.verify_pdf(tmp_path / "s2.pdf", [keys.root_pem])["all_ok"]
    reader = PdfReader(tmp_path / "s2.pdf")
    page = reader.pages[result.spots["kepala"][0]]
    rects = {str(a.get_object()["/T"]): [round(float(v), 1) for v in a.get_object()["/Rect"]]
             for a in page.get("/Annots", []) if a.get_object().get("/FT") == "/Sig"}
    for role, name in (("kepala", "Sig_Kepala"), ("konseptor", "Sig_Konseptor")):
        assert rects[name] == [round(v, 1) for v in result.spots[role][1:]]
    # the report's identity survives signing
    from renstra_desktop.core.reports.verify import payload_from_pdf
    assert payload_from_pdf(tmp_path / "s2.pdf") == result.payload
    assert re.search(r"Halaman 1 dari \d", reader.pages[0].extract_text())
