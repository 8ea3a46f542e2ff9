"""The cycle's documents for the NTB plan and two UPTs with their own indicators, on A4 and F4,
read back from the PDF (pdfplumber) and the Word document (python-docx); the PK signed by both
parties verified by pyHanko and poppler's pdfsig; the DOCX converted by LibreOffice keeps every table."""
from __future__ import annotations

import shutil
import subprocess

import pdfplumber
import pytest
from docx import Document

from cycle_scenario import YEAR, province_copy
from pki import make_test_pki
from renstra_desktop.core.errors import ValidationError
from renstra_desktop.core.reports import ReportOptions, build_report
from renstra_desktop.core.reports.lkjip_docx import build_docx
from renstra_desktop.core.store import Store


@pytest.fixture(scope="module")
def prov(tmp_path_factory):
    return province_copy(tmp_path_factory.mktemp("reports"), tmp_path_factory)


def _text(pdf_path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [" ".join((page.extract_text() or "").split()) for page in pdf.pages]


def _build(path, kind, unit, tmp_path, *, period=None, paper="a4"):
    out = tmp_path / f"{kind}-{unit}-{period or YEAR}-{paper}.pdf"
    with Store.open(path, readonly=True) as store:
        result = build_report(store.conn, ReportOptions(kind, unit=unit, year=YEAR if not period else None,
                                                        period=period, paper=paper), out)
    return out, result


CASES = [  # kind, file, unit, period, figures that must be printed
    ("pk", "LPS-LOBAR", "LPS-LOBAR", None, ["PERJANJIAN KINERJA TAHUN 2026", "PIHAK PERTAMA", "PIHAK KEDUA",
                                             "Kepala LPS-LOBAR", "NIP 19700101 199503 1 002", "3,2", "80%",
                                             "LPS-LOBAR.1", "Program dan Anggaran"]),
    ("rencana-aksi", "BPS-MATARAM", "BPS-MATARAM", None, ["BPS-MATARAM.1", "per triwulan", "400", "100",
                                                          "TW I: Sosialisasi IKK 17.1", "Kasubag TU"]),
    ("pengukuran", "LPS-LOBAR", "LPS-LOBAR", "2026-TW2", ["Triwulan II 2026", "50% / 40%", "80%", "Cukup",
                                                          "notulen-tw2.pdf", "Petugas asesor terbatas"]),
    ("manual-ikk", "BPS-MATARAM", "BPS-MATARAM", None, ["Definisi indikator Jumlah litmas", "Jumlah per triwulan",
                                                        "Laporan bulanan", "Mendukung IKK Kanwil IKK 17.1"]),
    ("pemantauan-risiko", "LPS-LOBAR", "LPS-LOBAR", "2026-TW2", ["Patroli terjadwal", "Berjalan",
                                                                 "K2, D3: besaran 11", "(Sedang)", "Turun setelah patroli",
                                                                 "Perkelahian antar", "Dua orang luka ringan", "Akhir Triwulan II 2026"]),
    ("lkjip", "LPS-LOBAR", "LPS-LOBAR", "2026-S1", ["LAPORAN KINERJA SEMESTER I 2026", "BAB III AKUNTABILITAS",
                                                    "Puji syukur kami panjatkan", "sesuai rencana", "Target 2029",
                                                    "Petugas asesor terbatas"]),
    ("lkjip", "kanwil", "KANWIL", None, ["LAPORAN KINERJA INSTANSI PEMERINTAH TAHUN 2026",
                                          "Capaian Kinerja Satuan Kerja", "Lapas Kelas IIA Lombok Barat",
                                          "Bapas Kelas I Mataram", "Rutan Kelas IIB Raba Bima", "2,9 s.d. TW III"]),
]


@pytest.mark.parametrize("paper", ["a4", "f4"])
@pytest.mark.parametrize("kind,file,unit,period,expected", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_document_builds_and_prints_its_figures(prov, tmp_path, kind, file, unit, period, expected, paper):
    out, result = _build(prov[file], kind, unit, tmp_path, period=period, paper=paper)
    pages = _text(out)
    text = " ".join(pages)
    for figure in expected:
        assert figure in text, figure
    with pdfplumber.open(out) as pdf:
        width, height = pdf.pages[0].width, pdf.pages[0].height
    long_side = {"a4": 841.89, "f4": 935.43}[paper]
    assert round(max(width, height), 1) == round(long_side, 1)
    # the signature block is never alone on its page: the page of the kepala spot carries other text
    page = result.spots["kepala"][0]
    signer_lines = {"PIHAK KEDUA", "PIHAK PERTAMA", "NIP", "Pindai", "kode", "Halaman"}
    others = [w for w in pages[page].split() if not any(w.startswith(s) for s in signer_lines)]
    assert len(others) > 40, pages[page]


def test_pengukuran_grades_the_quarter_against_its_target(prov, tmp_path):
    out, _ = _build(prov["LPS-LOBAR"], "pengukuran", "LPS-LOBAR", tmp_path, period="2026-TW2")
    with pdfplumber.open(out) as pdf:
        table = pdf.pages[0].extract_tables()[0]
    row = next(r for r in table if r[1] and r[1].startswith("IKK 19.1"))
    assert row[3] == "50% / 40%" and row[6] == "80%" and row[7] == "Cukup"     # not 40 % "Sangat kurang"


def test_cycle_report_needs_one_unit(prov, tmp_path):
    with Store.open(prov["kanwil"], readonly=True) as store, pytest.raises(ValidationError, match="per satker"):
        build_report(store.conn, ReportOptions("pk", unit=None, year=YEAR))


def test_pk_signed_by_both_parties_verifies(prov, tmp_path):
    from renstra_desktop.core.signing.sign import sign_pdf
    from renstra_desktop.core.signing.verify import verify_pdf
    pki = make_test_pki(tmp_path / "pki")
    out, result = _build(prov["LPS-LOBAR"], "pk", "LPS-LOBAR", tmp_path)
    first, second = tmp_path / "pk-1.pdf", tmp_path / "pk-2.pdf"
    sign_pdf(out, first, pki.konseptor_p12, pki.password, "konseptor", field_box=result.spots["konseptor"])
    sign_pdf(first, second, pki.kepala_p12, pki.password, "kepala", field_box=result.spots["kepala"])
    report = verify_pdf(second, [pki.root_pem])
    assert len(report["signatures"]) == 2 and report["all_ok"] is True
    # pihak pertama signs on the right, pihak kedua on the left, both on the statement page
    assert result.spots["konseptor"][0] == result.spots["kepala"][0] == 0
    assert result.spots["kepala"][1] < result.spots["konseptor"][1]
    if not (shutil.which("pdfsig") and shutil.which("certutil")):
        pytest.fail("pdfsig/certutil tidak terpasang (packaging/bootstrap.sh memasangnya)")
    db = f"sql:{tmp_path / 'nss'}"
    (tmp_path / "nss").mkdir()
    subprocess.run(["certutil", "-N", "--empty-password", "-d", db], check=True)
    subprocess.run(["certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", str(pki.root_pem), "-d", db], check=True)
    run = subprocess.run(["pdfsig", "-nssdir", db, str(second)], capture_output=True, text=True, timeout=60)
    blocks = run.stdout.split("Signature #")[1:]
    assert len(blocks) == 2
    for block in blocks:
        assert "Signature Validation: Signature is Valid." in block
        assert "Certificate Validation: Certificate is Trusted." in block


def _docx_tables(path) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(path).tables]


@pytest.mark.parametrize("paper", ["a4", "f4"])
def test_lkjip_docx_holds_the_figures_and_survives_libreoffice(prov, tmp_path, paper):
    out = tmp_path / f"lkjip-{paper}.docx"
    with Store.open(prov["LPS-LOBAR"], readonly=True) as store:
        build_docx(store.conn, ReportOptions("lkjip", unit="LPS-LOBAR", period="2026-S1", paper=paper), out)
    doc = Document(out)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "LAPORAN KINERJA SEMESTER I 2026" in text and "Puji syukur kami panjatkan." in text
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "sesuai rencana" in bold
    tables = _docx_tables(out)
    cells = {c for t in tables for row in t for c in row}
    assert {"IKK 17.1 Indeks Pengendalian Mutu Penyelenggaraan Pemasyarakatan di Wilayah", "2,8", "2,6",
            "92,86%", "80%"} <= cells
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) tidak terpasang; packaging/bootstrap.sh memasang libreoffice-writer-nogui")
    run = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                          "--convert-to", "pdf", "--outdir", str(tmp_path / "lo"), str(out)],
                         capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "lo" / f"lkjip-{paper}.pdf"
    assert pdf.exists(), run.stderr
    with pdfplumber.open(pdf) as doc_pdf:
        found = [t for page in doc_pdf.pages for t in page.extract_tables()]
        words = " ".join(" ".join((p.extract_text() or "").split()) for p in doc_pdf.pages)
    # every Word table arrives: its header row and each data row's figures are in the PDF's tables
    pdf_rows = {tuple(" ".join((c or "").split()) for c in row) for t in found for row in t}
    for table in tables:
        header = tuple(" ".join(c.split()) for c in table[0])
        assert header in pdf_rows, header
    assert len(found) >= len(tables)
    assert "92,86%" in words and "Sasaran 1:" in words
