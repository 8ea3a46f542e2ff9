"""Checking a report: the QR digest covers the signatory, a damaged code is not a valid code, and a
signed PDF altered afterwards is refused by verify-pdf and verify-report (issue 7, issue 8)."""
from __future__ import annotations

import logging
import re

import pytest

from renstra_desktop.cli import main
from renstra_desktop.core import queries
from renstra_desktop.core.errors import FileError, ValidationError
from renstra_desktop.core.reports import ReportOptions, build_report
from renstra_desktop.core.reports.qr import parse_payload
from renstra_desktop.core.reports.signature_block import load_signatory, save_signatory
from renstra_desktop.core.reports.verify import payload_from_pdf, verify_payload

logging.getLogger("pyhanko").setLevel(logging.ERROR)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    pki = pytest.importorskip("pki")
    return pki.make_test_pki(tmp_path_factory.mktemp("pki"))


def report(store, path=None, kind="pendanaan"):
    return build_report(store.conn, ReportOptions(kind, unit="KANWIL"), path)


# -- item 7: the digest covers the signatory; a damaged code is not a valid code --------------------
@pytest.mark.parametrize("change", [
    {"nip": "196610181992031002"}, {"name": "AMAK AGUNG GDE KRISNA, S.H."}, {"jabatan": "Plh. Kepala Kantor Wilayah"},
    {"place": "Sumbawa Besar"}])
def test_a_changed_signatory_no_longer_matches(kanwil_store, change):
    sig = load_signatory(kanwil_store.conn, "KANWIL")
    sig.nip = "196610181992031001"
    save_signatory(kanwil_store, sig, actor="penguji")
    printed = report(kanwil_store)
    assert verify_payload(kanwil_store.conn, printed.payload).matches
    for key, value in change.items():
        setattr(sig, key, value)
    save_signatory(kanwil_store, sig, actor="penguji")
    check = verify_payload(kanwil_store.conn, printed.payload)
    assert not check.matches and check.message.startswith("TIDAK COCOK") and "penanda tangan" in check.message


def test_a_fixed_signing_date_is_covered_too(kanwil_store):
    import datetime as dt

    printed = report(kanwil_store)
    sig = load_signatory(kanwil_store.conn, "KANWIL")
    sig.sign_date = dt.date(2026, 1, 5)
    save_signatory(kanwil_store, sig, actor="penguji")
    assert not verify_payload(kanwil_store.conn, printed.payload).matches


def garble(code: str, position: int) -> str:
    char = code[position]
    return code[:position] + ("0" if char != "0" else "1") + code[position + 1:]


def test_a_damaged_code_is_not_a_valid_code(kanwil_store, capsys, kanwil_path):
    code = report(kanwil_store).payload
    damaged = [garble(code, code.index("sha256=") + 7 + 5), code.replace("unit=KANWIL", "unit=LPS-DOMPU"),
               code.replace("period=2025-2029", "period=2025-2028"), code[:-3], code + "0", code[:60]]
    for text in damaged:
        with pytest.raises(ValidationError, match="bukan kode laporan yang sah"):
            parse_payload(text)
    assert main(["verify-report", "--code", damaged[0], "--db", str(kanwil_path)]) == 1
    err = capsys.readouterr().err
    assert "bukan kode laporan yang sah" in err and "perubahan" not in err


def test_a_code_of_the_old_format_says_to_make_the_report_again():
    old = ("RENSTRA-DESKTOP/1;unit=KANWIL;kind=pendanaan;period=2025-2029;opt=;at=2025-12-22T00:00:00Z;sha256="
           + "a" * 64)
    with pytest.raises(ValidationError, match="versi lama"):
        parse_payload(old)


def test_the_verdict_speaks_plain_indonesian(kanwil_store):
    check = verify_payload(kanwil_store.conn, report(kanwil_store).payload)
    assert check.message == ("COCOK: angka dan penanda tangan laporan (Matriks Kinerja dan Pendanaan, Kantor Wilayah, "
                             f"2025-2029) sama dengan berkas rencana. Kode {check.payload.short_code}, dibuat "
                             "22 Desember 2025 pukul 08.00 WITA.")
    assert not re.search(r"\d{4}-\d\d-\d\dT", check.message)


# -- item 12: a signed PDF altered afterwards ------------------------------------------------------
def signed_report(store, keys, folder):
    from renstra_desktop.core.signing.sign import sign_pdf

    printed = report(store, folder / "laporan.pdf")
    sign_pdf(folder / "laporan.pdf", folder / "1.pdf", keys.konseptor_p12, keys.password, "konseptor")
    sign_pdf(folder / "1.pdf", folder / "2.pdf", keys.kepala_p12, keys.password, "kepala")
    return printed, folder / "2.pdf"


def change_the_plan(store):
    from renstra_desktop.core.service import PlanService

    line = next(f for f in queries.funding_rows(store.conn, "KANWIL") if f["line_code"] == "IKK 19.1")
    PlanService(store, "penguji").update("funding", line["ids"][2029], {"allocation": "16.985,16"})


def rewrite_keywords_pyhanko(source, target, keywords: str):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with open(source, "rb") as handle:
        writer = IncrementalPdfFileWriter(handle)
        info = writer.trailer["/Info"].get_object()
        info["/Keywords"] = generic.TextStringObject(keywords)
        writer.mark_update(writer.trailer.raw_get("/Info"))
        with open(target, "wb") as out:
            writer.write(out)


def rewrite_keywords_pypdf(source, target, keywords: str):
    from pypdf import PdfWriter

    writer = PdfWriter(str(source), incremental=True)
    writer.add_metadata({"/Keywords": keywords})
    with open(target, "wb") as out:
        writer.write(out)


@pytest.mark.parametrize("attack", [rewrite_keywords_pyhanko, rewrite_keywords_pypdf])
def test_a_rewritten_report_code_after_signing_is_refused_by_both_commands(kanwil_store, kanwil_path, keys, tmp_path,
                                                                           capsys, attack):
    printed, signed = signed_report(kanwil_store, keys, tmp_path)
    assert main(["verify-pdf", str(signed), "--trust", str(keys.root_pem)]) == 0
    assert main(["verify-report", str(signed), "--db", str(kanwil_path)]) == 0
    capsys.readouterr()
    change_the_plan(kanwil_store)               # the signed pages now show stale figures...
    fresh = report(kanwil_store)                # ...and this code matches the changed plan
    assert verify_payload(kanwil_store.conn, fresh.payload).matches
    altered = tmp_path / "diubah.pdf"
    attack(signed, altered, fresh.payload)
    assert altered.read_bytes().startswith(signed.read_bytes())          # an incremental update

    assert main(["verify-pdf", str(altered), "--trust", str(keys.root_pem)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"sesudahnya: metadata dokumen diubah: Keywords \(kode laporan\).* \(TIDAK diizinkan\)", out)
    assert "Semua tanda tangan utuh dan tepercaya" not in out and "jangan pakai" in out
    assert main(["verify-report", str(altered), "--db", str(kanwil_path)]) == 1
    assert "diubah setelah ditandatangani" in capsys.readouterr().err
    with pytest.raises(FileError):
        payload_from_pdf(altered)
    # the code that was signed is still read from the signed revision and its QR code
    assert payload_from_pdf(signed) == printed.payload
    assert not verify_payload(kanwil_store.conn, printed.payload).matches


def test_an_unsigned_pdf_whose_metadata_disagrees_with_its_qr_code_is_refused(kanwil_store, tmp_path):
    printed = report(kanwil_store, tmp_path / "laporan.pdf")
    other = report(kanwil_store, kind="roadmap")
    rewrite_keywords_pypdf(tmp_path / "laporan.pdf", tmp_path / "diubah.pdf", other.payload)
    with pytest.raises(FileError, match="berbeda dengan kode QR yang tercetak"):
        payload_from_pdf(tmp_path / "diubah.pdf")
    assert payload_from_pdf(tmp_path / "laporan.pdf") == printed.payload


def test_the_code_is_read_from_the_qr_drawn_on_the_page(kanwil_store, tmp_path):
    """A copy that lost its metadata (re-saved by another program) still carries the printed code."""
    from pypdf import PdfReader, PdfWriter

    printed = report(kanwil_store, tmp_path / "laporan.pdf")
    writer = PdfWriter()
    for page in PdfReader(tmp_path / "laporan.pdf").pages:
        writer.add_page(page)
    writer.add_metadata({"/Producer": "penyunting lain"})
    with open(tmp_path / "salinan.pdf", "wb") as out:
        writer.write(out)
    assert "/Keywords" not in PdfReader(tmp_path / "salinan.pdf").metadata
    assert payload_from_pdf(tmp_path / "salinan.pdf") == printed.payload


def test_a_later_page_drawing_is_refused(kanwil_store, keys, tmp_path, capsys):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _printed, signed = signed_report(kanwil_store, keys, tmp_path)
    with open(signed, "rb") as handle:
        writer = IncrementalPdfFileWriter(handle)
        stream = generic.StreamObject(stream_data=b"1 1 1 rg 300 300 200 40 re f")
        writer.add_stream_to_page(0, writer.add_object(stream))
        with open(tmp_path / "dicoret.pdf", "wb") as out:
            writer.write(out)
    assert main(["verify-pdf", str(tmp_path / "dicoret.pdf"), "--trust", str(keys.root_pem)]) == 1
    out = capsys.readouterr().out
    assert out.count("(TIDAK diizinkan)") == 2 and "tanda tangan Kepala pada tempat yang disiapkan (diizinkan)" in out
