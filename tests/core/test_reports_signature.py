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
    # a row written through the door: inserted with its values, then an audit entry per changed field
    row_id = kanwil_store.conn.execute("SELECT id FROM report_signatory WHERE unit_code = 'KANWIL'").fetchone()[0]
    save_signatory(kanwil_store, Signatory("KANWIL", place="Mataram", jabatan="Kepala Kantor Wilayah",
                                           name="I Made Contoh", nip="196610181992031001"), actor="penguji")
    entries = audit_entries(kanwil_store.conn, row_id)
    assert entries[0]["action"] == "insert" and "196610181992031001" in entries[0]["new_value"]
    assert {"on_behalf", "jabatan", "paraf", "sign_date"} <= {e["field"] for e in entries[1:]}


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


# -- issue 7: the signature spots are part of every report; signing as its users need it -------------
from datetime import datetime, timezone  # noqa: E402

from renstra_desktop.core.errors import SigningError  # noqa: E402


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    pki = pytest.importorskip("pki")
    return pki.make_test_pki(tmp_path_factory.mktemp("pki"))


def widgets(path) -> dict:
    """Signature widget rectangles read back: field name -> (page index, [x1, y1, x2, y2])."""
    found = {}
    for number, page in enumerate(PdfReader(path).pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                found[str(annot["/T"])] = (number, [float(v) for v in annot["/Rect"]])
    return found


def inside(rect, box) -> bool:
    x1, y1, x2, y2 = rect
    return box[1] - 0.5 <= x1 < x2 <= box[3] + 0.5 and box[2] - 0.5 <= y1 < y2 <= box[4] + 0.5


def sign_cli(source, out, p12, password_file, role) -> int:
    from renstra_desktop.cli import main

    return main(["sign-pdf", str(source), "--p12", str(p12), "--as", role, "-o", str(out),
                 "--password-file", str(password_file)])


@pytest.fixture
def password_file(keys, tmp_path):
    path = tmp_path / "sandi.txt"
    path.write_bytes(keys.password + b"\n")
    return path


def with_paraf(store, konseptor="Baiq Nurul Hidayati, S.E."):
    sig = load_signatory(store.conn, "KANWIL")
    sig.paraf_enabled = True
    sig.paraf = [{"role": "Konseptor", "name": konseptor, "jabatan": "Analis Perencanaan"},
                 {"role": "Pemeriksa", "name": "Lalu Uji", "jabatan": "Kepala Subbagian"}]
    save_signatory(store, sig, actor="penguji")


@pytest.mark.parametrize("paraf", [False, True])
@pytest.mark.parametrize("kind", ["pendanaan", "risiko"])
def test_both_stamps_land_in_the_spots_every_report_prepares(kanwil_store, keys, password_file, tmp_path, capsys,
                                                             paraf, kind):
    """No option: sign-pdf finds the kepala's spot between jabatan and name, the konseptor's in the
    paraf cell (or beside the block without a paraf table)."""
    from renstra_desktop.core.signing.verify import verify_pdf

    if paraf:
        with_paraf(kanwil_store)
    report = tmp_path / "laporan.pdf"
    result = build_report(kanwil_store.conn, ReportOptions(kind, unit="KANWIL", paper="f4"), report)
    assert sign_cli(report, tmp_path / "1.pdf", keys.konseptor_p12, password_file, "konseptor") == 0
    assert sign_cli(tmp_path / "1.pdf", tmp_path / "2.pdf", keys.kepala_p12, password_file, "kepala") == 0
    found = widgets(tmp_path / "2.pdf")
    block = result.boxes["signature_block"]
    page, kepala = found["Sig_Kepala"]
    assert page == block[0] and inside(kepala, block)
    # between the jabatan above and the name and NIP below
    text_lines = [w for w in pdfplumber_words(tmp_path / "2.pdf", page)]
    jabatan = next(w for w in text_lines if w["text"] == "Wilayah" and w["x0"] >= block[1] - 1)
    name = next(w for w in text_lines if w["text"] == "AMAK")
    height = float(PdfReader(tmp_path / "2.pdf").pages[page].mediabox.height)
    assert height - jabatan["bottom"] >= kepala[3] - 1 and height - name["top"] <= kepala[1] + 1
    page, konseptor = found["Paraf_Konseptor" if paraf else "Sig_Konseptor"]
    if paraf:
        assert "Sig_Konseptor" not in found and inside(konseptor, result.boxes["paraf_table"])
        assert konseptor[2] == pytest.approx(result.boxes["paraf_table"][3], abs=0.5)    # the Paraf column
    else:
        assert konseptor[2] < block[1] and block[2] <= konseptor[1] and konseptor[3] <= block[4]
    report_ok = verify_pdf(tmp_path / "2.pdf", [keys.root_pem])
    assert report_ok["all_ok"], report_ok


def pdfplumber_words(path, page):
    import pdfplumber

    with pdfplumber.open(path) as doc:
        return doc.pages[page].extract_words()


def test_stamps_show_the_office_time(kanwil_store, kanwil_service, keys, tmp_path):
    """15.18 UTC on 29 November is 23.18 WITA the same day (and 22.18 WIB with the WIB setting)."""
    import subprocess
    import shutil as _shutil

    from renstra_desktop.core.signing.sign import sign_pdf
    from renstra_desktop.core.signing.verify import verify_pdf

    if not _shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    moment = datetime(2026, 11, 29, 15, 18, tzinfo=timezone.utc)
    build_report(kanwil_store.conn, ReportOptions("roadmap", unit="KANWIL"), tmp_path / "r.pdf")
    sign_pdf(tmp_path / "r.pdf", tmp_path / "s.pdf", keys.kepala_p12, keys.password, "kepala", now=moment)
    text = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True).stdout
    assert "29 November 2026 pukul 23.18 WITA" in text and "TTE tidak tersertifikasi" in text
    (sig,) = verify_pdf(tmp_path / "s.pdf", [keys.root_pem])["signatures"]
    assert datetime.fromisoformat(sig["signing_time"]).utcoffset().total_seconds() == 8 * 3600

    kanwil_service.insert("setting", {"key": "time_zone", "value": "\"WIB\""})
    build_report(kanwil_store.conn, ReportOptions("roadmap", unit="KANWIL"), tmp_path / "wib.pdf")
    sign_pdf(tmp_path / "wib.pdf", tmp_path / "wib-s.pdf", keys.kepala_p12, keys.password, "kepala", now=moment)
    text = subprocess.run(["pdftotext", str(tmp_path / "wib-s.pdf"), "-"], capture_output=True, text=True).stdout
    assert "29 November 2026 pukul 22.18 WIB" in text


def test_one_certificate_cannot_sign_as_both_roles(kanwil_store, keys, tmp_path):
    from renstra_desktop.core.signing.sign import sign_pdf

    build_report(kanwil_store.conn, ReportOptions("roadmap", unit="KANWIL"), tmp_path / "r.pdf")
    sign_pdf(tmp_path / "r.pdf", tmp_path / "1.pdf", keys.kepala_p12, keys.password, "konseptor")
    with pytest.raises(SigningError, match="sudah dipakai untuk tanda tangan Konseptor"):
        sign_pdf(tmp_path / "1.pdf", tmp_path / "2.pdf", keys.kepala_p12, keys.password, "kepala")
    assert not (tmp_path / "2.pdf").exists()


def test_kepala_waits_for_the_konseptor_paraf(kanwil_store, keys, tmp_path):
    from renstra_desktop.core.signing.sign import sign_pdf

    build_report(kanwil_store.conn, ReportOptions("roadmap", unit="KANWIL"), tmp_path / "tanpa.pdf")
    sign_pdf(tmp_path / "tanpa.pdf", tmp_path / "tanpa-s.pdf", keys.kepala_p12, keys.password, "kepala")  # no paraf
    with_paraf(kanwil_store)
    build_report(kanwil_store.conn, ReportOptions("roadmap", unit="KANWIL"), tmp_path / "paraf.pdf")
    with pytest.raises(SigningError, match="Konseptor belum memarafnya"):
        sign_pdf(tmp_path / "paraf.pdf", tmp_path / "x.pdf", keys.kepala_p12, keys.password, "kepala")
    assert not (tmp_path / "x.pdf").exists()
    sign_pdf(tmp_path / "paraf.pdf", tmp_path / "1.pdf", keys.konseptor_p12, keys.password, "konseptor")
    sign_pdf(tmp_path / "1.pdf", tmp_path / "2.pdf", keys.kepala_p12, keys.password, "kepala")


def test_a_name_other_than_the_printed_one_is_signed_with_a_warning(kanwil_store, keys, password_file, tmp_path,
                                                                    capsys):
    from pki import KEPALA_NAME

    from renstra_desktop.core.signing.sign import sign_pdf

    build_report(kanwil_store.conn, ReportOptions("roadmap", unit="KANWIL"), tmp_path / "r.pdf")
    assert sign_cli(tmp_path / "r.pdf", tmp_path / "s.pdf", keys.kepala_p12, password_file, "kepala") == 0
    err = capsys.readouterr().err
    assert f"Peringatan: Nama pada sertifikat ({KEPALA_NAME}) berbeda dengan nama yang tercetak untuk Kepala " \
           "(AMAK AGUNG GDE KRISNA)" in err and (tmp_path / "s.pdf").exists()
    sig = load_signatory(kanwil_store.conn, "KANWIL")
    sig.name = "I MADE SUARDANA"          # the same person, printed without titles
    save_signatory(kanwil_store, sig, actor="penguji")
    build_report(kanwil_store.conn, ReportOptions("roadmap", unit="KANWIL"), tmp_path / "r2.pdf")
    assert sign_pdf(tmp_path / "r2.pdf", tmp_path / "s2.pdf", keys.kepala_p12, keys.password, "kepala").warnings == []
