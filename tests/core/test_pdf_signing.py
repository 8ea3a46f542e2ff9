"""PAdES signing with real PKCS#12 files, checked by pyHanko and independently by pdfsig."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/pki.py
from pki import KEPALA_NAME, KEPALA_TITLE, KONSEPTOR_NAME, SPOTS, make_test_pki  # noqa: E402

from renstra_desktop.core.errors import RenstraError, SigningError  # noqa: E402
from renstra_desktop.core.signing.sign import sign_pdf  # noqa: E402
from renstra_desktop.core.signing.stamp import FONT_SIZE, NOT_CERTIFIED, format_signing_time  # noqa: E402
from renstra_desktop.core.signing.verify import verify_pdf  # noqa: E402

WITA = timezone(timedelta(hours=8))
HAVE_PDFSIG = shutil.which("pdfsig") is not None and shutil.which("certutil") is not None
needs_pdfsig = pytest.mark.skipif(not HAVE_PDFSIG, reason="pdfsig/certutil tidak terpasang")
needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext")), reason="poppler-utils tidak ada"
)


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return make_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def now():
    return datetime.now(WITA).replace(second=0, microsecond=0)


@pytest.fixture
def signed_once(pki, tmp_path, now) -> Path:
    out = tmp_path / "konseptor.pdf"
    sign_pdf(pki.unsigned_pdf, out, pki.konseptor_p12, pki.password, "konseptor", now=now)
    return out


@pytest.fixture
def signed_twice(pki, signed_once, tmp_path, now) -> Path:
    out = tmp_path / "kepala.pdf"
    sign_pdf(signed_once, out, pki.kepala_p12, pki.password, "kepala",
             now=now + timedelta(minutes=5))
    return out


@pytest.fixture(scope="session")
def nss_dir(pki, tmp_path_factory) -> str:
    """An NSS database that trusts only the test root, as pdfsig's trust store."""
    if not HAVE_PDFSIG:
        pytest.skip("pdfsig/certutil tidak terpasang")
    folder = tmp_path_factory.mktemp("nss")
    db = f"sql:{folder}"
    subprocess.run(["certutil", "-N", "--empty-password", "-d", db], check=True)
    subprocess.run(["certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", str(pki.root_pem),
                    "-d", db], check=True)
    return db


def pdfsig(nss_dir: str, pdf: Path) -> list[str]:
    """One block of pdfsig output per signature, in file order."""
    run = subprocess.run(["pdfsig", "-nssdir", nss_dir, str(pdf)],
                         capture_output=True, text=True, timeout=60)
    return run.stdout.split("Signature #")[1:]


def tamper(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert len(old) == len(new) and data.count(old) >= 1
    path.write_bytes(data.replace(old, new, 1))


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# --- formatting and module boundaries -------------------------------------------------------


def test_core_module_imports_no_qt():
    code = ("import sys, renstra_desktop.core.signing.sign, renstra_desktop.core.signing.verify; "
            "sys.exit(1 if 'PySide6' in sys.modules else 0)")
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


@pytest.mark.parametrize("hours, expected", [
    (8, "22 Desember 2025 pukul 10.15 WITA"),
    (7, "22 Desember 2025 pukul 10.15 WIB"),
    (9, "22 Desember 2025 pukul 10.15 WIT"),
    (2, "22 Desember 2025 pukul 16.15 WITA"),      # a time written elsewhere is shown in the office zone
])
def test_signing_time_is_indonesian(hours, expected):
    moment = datetime(2025, 12, 22, 10, 15, tzinfo=timezone(timedelta(hours=hours)))
    assert format_signing_time(moment) == expected


# --- valid signatures ------------------------------------------------------------------------


def test_two_signatures_in_order_are_intact_and_trusted(pki, signed_once, signed_twice, now):
    report = verify_pdf(signed_twice, [pki.root_pem])
    first, second = report["signatures"]
    assert (first["role"], first["signer"]) == ("Konseptor", KONSEPTOR_NAME)
    assert (second["role"], second["signer"]) == ("Kepala", KEPALA_NAME)
    assert first["coverage"] == "later_changes_harmless"
    assert first["changes"] == [{"revision": 3, "allowed": True,
                                 "what": "tanda tangan Kepala pada tempat yang disiapkan"}]
    assert second["coverage"] == "entire_file" and second["changes"] == []
    assert all(s["intact"] and s["trusted"] and s["ok"] for s in report["signatures"])
    assert report["all_ok"] is True
    assert datetime.fromisoformat(first["signing_time"]) == now
    assert datetime.fromisoformat(second["signing_time"]) == now + timedelta(minutes=5)
    # the second signature is an incremental update: the first signed file is a prefix
    assert signed_twice.read_bytes().startswith(signed_once.read_bytes())


@needs_pdfsig
def test_pdfsig_finds_both_signatures_valid_and_trusted(nss_dir, signed_twice):
    blocks = pdfsig(nss_dir, signed_twice)
    assert len(blocks) == 2
    assert "Sig_Konseptor" in blocks[0] and "Sig_Kepala" in blocks[1]
    for block in blocks:
        assert "Signature Validation: Signature is Valid." in block
        assert "Certificate Validation: Certificate is Trusted." in block
        assert "ETSI.CAdES.detached" in block
    assert "Total document signed" in blocks[1]


def test_signing_in_place_keeps_one_file(pki, signed_once):
    sign_pdf(signed_once, signed_once, pki.kepala_p12, pki.password, "kepala")
    assert verify_pdf(signed_once, [pki.root_pem])["all_ok"] is True
    assert files_in(signed_once.parent) == {signed_once.name}


def test_without_the_root_nothing_is_trusted(signed_twice):
    report = verify_pdf(signed_twice)
    assert all(s["intact"] and not s["trusted"] for s in report["signatures"])
    assert report["all_ok"] is False


def test_signer_from_another_ca_is_intact_but_untrusted(pki, tmp_path):
    out = tmp_path / "luar.pdf"
    sign_pdf(pki.unsigned_pdf, out, pki.untrusted_p12, pki.password, "konseptor")
    (sig,) = verify_pdf(out, [pki.root_der])["signatures"]
    assert sig["intact"] and not sig["trusted"] and not sig["ok"]


def test_unsigned_pdf_is_not_all_ok(pki):
    report = verify_pdf(pki.unsigned_pdf, [pki.root_pem])
    assert report == {"path": str(pki.unsigned_pdf), "signatures": [], "all_ok": False}


# --- tampering -------------------------------------------------------------------------------


def test_changed_byte_is_detected_by_pyhanko(pki, signed_twice):
    tamper(signed_twice, b"98,50 %", b"99,50 %")  # inside page 1's content stream
    report = verify_pdf(signed_twice, [pki.root_pem])
    assert [s["intact"] for s in report["signatures"]] == [False, False]
    assert report["all_ok"] is False
    assert "berubah" in report["signatures"][0]["problem"]


@needs_pdfsig
def test_changed_byte_is_detected_by_pdfsig(nss_dir, signed_twice):
    tamper(signed_twice, b"98,50 %", b"99,50 %")
    blocks = pdfsig(nss_dir, signed_twice)
    assert len(blocks) == 2
    assert not any("Signature is Valid." in block for block in blocks)


def test_content_added_after_signing_is_reported_altered(pki, signed_once, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with signed_once.open("rb") as handle:
        writer = IncrementalPdfFileWriter(handle)
        stream = generic.StreamObject(stream_data=b"0 0 1 rg 72 400 200 100 re f")
        writer.add_stream_to_page(0, writer.add_object(stream))
        edited = tmp_path / "diubah.pdf"
        with edited.open("wb") as out:
            writer.write(out)
    (sig,) = verify_pdf(edited, [pki.root_pem])["signatures"]
    assert sig["intact"] is True  # its own revision is untouched...
    assert sig["coverage"] == "altered"  # ...but the page was drawn on afterwards
    assert sig["ok"] is False


# --- refusals: a clear message and no file --------------------------------------------------


def _refusal_cases(pki):
    return {
        "wrong password": dict(password=b"salah"),
        "not pkcs12": dict(p12=pki.unsigned_pdf),
        "expired": dict(p12=pki.expired_p12),
        "not yet valid": dict(p12=pki.not_yet_valid_p12),
        "no signing key usage": dict(p12=pki.key_encipherment_p12),
        "input not a pdf": dict(source=pki.root_pem),
        "unknown role": dict(role="sekretaris"),
    }


@pytest.mark.parametrize("case, words", [
    ("wrong password", "Kata sandi"),
    ("not pkcs12", "bukan sertifikat PKCS#12"),
    ("expired", "kedaluwarsa"),
    ("not yet valid", "baru berlaku"),
    ("no signing key usage", "tidak boleh dipakai untuk tanda tangan"),
    ("input not a pdf", "bukan PDF"),
    ("unknown role", "tidak dikenal"),
])
def test_refusals_write_no_file(pki, tmp_path, case, words):
    args = dict(source=pki.unsigned_pdf, p12=pki.konseptor_p12, password=pki.password,
                role="konseptor") | _refusal_cases(pki)[case]
    out_dir = tmp_path / "keluaran"
    out_dir.mkdir()
    with pytest.raises(SigningError, match=words) as raised:
        sign_pdf(args["source"], out_dir / "hasil.pdf", args["p12"], args["password"],
                 args["role"])
    assert isinstance(raised.value, RenstraError)
    assert files_in(out_dir) == set()


def test_same_role_twice_is_refused_and_leaves_output_untouched(pki, signed_once):
    before = signed_once.read_bytes()
    with pytest.raises(SigningError, match="sudah ditandatangani sebagai Konseptor"):
        sign_pdf(signed_once, signed_once, pki.konseptor_p12, pki.password, "konseptor")
    assert signed_once.read_bytes() == before
    assert files_in(signed_once.parent) == {signed_once.name}


def test_konseptor_after_kepala_is_refused(pki, tmp_path):
    approved = tmp_path / "kepala.pdf"
    sign_pdf(pki.unsigned_pdf, approved, pki.kepala_p12, pki.password, "kepala")
    with pytest.raises(SigningError, match="sudah disetujui Kepala"):
        sign_pdf(approved, tmp_path / "lagi.pdf", pki.konseptor_p12, pki.password, "konseptor")
    assert files_in(tmp_path) == {"kepala.pdf"}


def test_box_outside_the_page_is_refused(pki, tmp_path):
    plain = _plain_pdf(tmp_path)
    with pytest.raises(SigningError, match="di luar halaman"):
        sign_pdf(plain, tmp_path / "x.pdf", pki.konseptor_p12, pki.password,
                 "konseptor", field_box=(0, 500, 100, 800, 160))
    with pytest.raises(SigningError, match="halaman 5"):
        sign_pdf(plain, tmp_path / "x.pdf", pki.konseptor_p12, pki.password,
                 "konseptor", field_box=(4, 50, 100, 250, 160))
    assert files_in(tmp_path) == {plain.name}


def test_verify_refuses_a_non_pdf(pki):
    with pytest.raises(SigningError, match="bukan PDF"):
        verify_pdf(pki.konseptor_p12)


# --- placement -------------------------------------------------------------------------------


def widget_rects(pdf: Path) -> dict[str, tuple[int, list[float]]]:
    from pypdf import PdfReader

    found = {}
    for number, page in enumerate(PdfReader(pdf).pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            name = annot.get("/T") or annot.get("/Parent", {}).get("/T")
            found[str(name)] = (number, [round(float(v), 1) for v in annot["/Rect"]])
    return found


def test_stamps_go_in_the_prepared_spots(signed_twice):
    rects = widget_rects(signed_twice)
    for name, box in SPOTS.items():
        assert rects[name] == (1, [float(v) for v in box])


def test_prepared_spot_wins_over_a_box(pki, tmp_path):
    out = tmp_path / "1.pdf"
    sign_pdf(pki.unsigned_pdf, out, pki.konseptor_p12, pki.password, "konseptor", field_box=(0, 10, 10, 200, 60))
    assert widget_rects(out)["Sig_Konseptor"] == (1, [float(v) for v in SPOTS["Sig_Konseptor"]])


def _plain_pdf(tmp_path) -> Path:
    from reportlab.pdfgen import canvas

    path = tmp_path / "polos.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(72, 740, "tanpa tempat tanda tangan")
    c.save()
    return path


def test_a_pdf_without_spots_needs_a_box_and_a_signature_in_a_new_box_is_reported(pki, tmp_path):
    plain = _plain_pdf(tmp_path)
    with pytest.raises(SigningError, match="tidak memiliki tempat tanda tangan Konseptor"):
        sign_pdf(plain, tmp_path / "x.pdf", pki.konseptor_p12, pki.password, "konseptor")
    assert not (tmp_path / "x.pdf").exists()
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    sign_pdf(plain, first, pki.konseptor_p12, pki.password, "konseptor", field_box=(0, 320, 500, 540, 580))
    assert widget_rects(first)["Sig_Konseptor"] == (0, [320, 500, 540, 580])
    sign_pdf(first, second, pki.kepala_p12, pki.password, "kepala", field_box=(0, 320, 300, 540, 380))
    first_sig = verify_pdf(second, [pki.root_pem])["signatures"][0]
    assert not first_sig["ok"] and not first_sig["changes"][0]["allowed"]
    assert "kotak baru yang tidak disiapkan" in first_sig["changes"][0]["what"]


# --- what a reader sees ----------------------------------------------------------------------


@needs_poppler
def test_stamp_text_is_extractable(signed_twice, now):
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(signed_twice), "-"],
                          capture_output=True, text=True, check=True).stdout
    for line in ["Disiapkan oleh:", KONSEPTOR_NAME, "Disetujui oleh:", KEPALA_NAME,
                 KEPALA_TITLE, format_signing_time(now), NOT_CERTIFIED]:
        assert line in text


def _text_width_points(text: str) -> float:
    from fontTools.ttLib import TTFont

    from renstra_desktop.paths import resource_path

    font = TTFont(str(resource_path("fonts", "LiberationSans-Regular.ttf")))
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    units = sum(hmtx[cmap[ord(ch)]][0] for ch in text)
    return units / font["head"].unitsPerEm * FONT_SIZE


@needs_poppler
def test_stamp_renders_at_the_right_size(signed_once, tmp_path):
    """The ink of the widest line matches the font's own metrics (units per em 2048)."""
    from PIL import Image

    page, (x1, y1, x2, y2) = widget_rects(signed_once)["Sig_Konseptor"]
    scale = 2  # 144 dpi: 2 px per point
    subprocess.run(["pdftoppm", "-r", "144", "-gray", "-png", "-f", str(page + 1),
                    "-l", str(page + 1), "-singlefile", str(signed_once), str(tmp_path / "p")],
                   check=True)
    image = Image.open(tmp_path / "p.png").convert("L")
    height = image.height
    inner = (int(x1 * scale) + 6, int(height - y2 * scale) + 6,
             int(x2 * scale) - 6, int(height - y1 * scale) - 6)  # inside the border
    box = image.crop(inner)
    dark = [(x, y) for y in range(box.height) for x in range(box.width)
            if box.getpixel((x, y)) < 128]
    assert len(dark) > 500, "the stamp area is blank"
    ink_width = (max(x for x, _ in dark) - min(x for x, _ in dark)) / scale
    when = format_signing_time(datetime.now(WITA))        # the date's digits vary; a day's width is close
    expected = max(_text_width_points(line) for line in
                   ["Disiapkan oleh:", KONSEPTOR_NAME, "Analis Perencanaan Ahli Muda", when, NOT_CERTIFIED])
    assert ink_width == pytest.approx(expected, rel=0.1)


def test_appearance_font_widths_are_in_thousandths_of_an_em(signed_once):
    """PDF /W widths are 1/1000 em: Liberation Sans 'a' is 1139/2048 em, so 556."""
    from pypdf import PdfReader

    def fonts(xobject, seen):
        resources = xobject.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            yield font.get_object()
        for child in (resources.get("/XObject") or {}).values():
            if child.idnum not in seen:
                seen.add(child.idnum)
                yield from fonts(child.get_object(), seen)

    page = PdfReader(signed_once).pages[-1]
    widget = next(a.get_object() for a in page["/Annots"])
    (font,) = [f for f in fonts(widget["/AP"]["/N"].get_object(), set())
               if f["/Subtype"] == "/Type0"]
    descendant = font["/DescendantFonts"][0].get_object()
    widths = [w for item in descendant["/W"] if isinstance(item, list) for w in item]
    assert 556 in widths
    assert max(widths) <= 1100  # raw 2048-unit widths would reach ~1900
    assert 600 < descendant["/FontDescriptor"]["/Ascent"] < 1000


# --- command line ----------------------------------------------------------------------------


def _cli(argv):
    from renstra_desktop.cli import main

    return main(argv)


def test_cli_signs_twice_and_verifies(pki, tmp_path, capsys):
    password_file = tmp_path / "sandi.txt"
    password_file.write_bytes(pki.password + b"\n")
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    assert _cli(["sign-pdf", str(pki.unsigned_pdf), "--p12", str(pki.konseptor_p12),
                 "--as", "konseptor", "-o", str(first), "--password-file", str(password_file)]) == 0
    assert _cli(["sign-pdf", str(first), "--p12", str(pki.kepala_p12), "--as", "kepala",
                 "-o", str(second), "--password-file", str(password_file),
                 "--jabatan", "Plt. Kepala Kantor Wilayah"]) == 0
    capsys.readouterr()

    assert _cli(["verify-pdf", str(second), "--trust", str(pki.root_pem), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["all_ok"] is True and len(report["signatures"]) == 2

    assert _cli(["verify-pdf", str(second), "--trust", str(pki.root_pem)]) == 0
    out = capsys.readouterr().out
    assert "Semua tanda tangan utuh dan tepercaya." in out and KEPALA_NAME in out
    assert "Sig_" not in out and "tidak tersertifikasi" in out

    assert _cli(["verify-pdf", str(second)]) == 1
    assert "--trust" in capsys.readouterr().out


def test_cli_prompts_for_the_password(pki, tmp_path, monkeypatch, capsys):
    prompts = []
    monkeypatch.setattr("getpass.getpass",
                        lambda prompt: prompts.append(prompt) or pki.password.decode())
    out = tmp_path / "1.pdf"
    assert _cli(["sign-pdf", str(pki.unsigned_pdf), "--p12", str(pki.konseptor_p12),
                 "--as", "konseptor", "-o", str(out)]) == 0
    assert prompts and out.exists()


def test_cli_refusal_is_one_indonesian_line_and_no_file(pki, tmp_path, capsys):
    password_file = tmp_path / "sandi.txt"
    password_file.write_bytes(b"keliru\n")
    out = tmp_path / "hasil.pdf"
    assert _cli(["sign-pdf", str(pki.unsigned_pdf), "--p12", str(pki.kepala_p12), "--as",
                 "kepala", "-o", str(out), "--password-file", str(password_file)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("renstra-desktop: Kata sandi sertifikat") and "\n" not in err
    assert not out.exists()


def test_cli_reports_a_tampered_file(pki, signed_twice, capsys):
    tamper(signed_twice, b"98,50 %", b"99,50 %")
    assert _cli(["verify-pdf", str(signed_twice), "--trust", str(pki.root_pem)]) == 1
    out = capsys.readouterr().out
    assert "utuh: TIDAK" in out and "Tidak semua tanda tangan sah" in out


def test_cli_roles_match_the_core():
    from renstra_desktop.cli import signing
    from renstra_desktop.core.signing.sign import ROLES

    assert signing.ROLES == tuple(ROLES)


def test_signing_parses_the_pdf_once_and_still_checks_it(pki, signed_once, tmp_path, now, monkeypatch):
    """The order, certificate and field checks read the incremental writer's own reader (issue 11:
    a second parse of a 4 042-page PDF cost ~110 ms); they still refuse as before."""
    from pyhanko.pdf_utils import reader as pdf_reader

    parses = []
    original = pdf_reader.PdfFileReader.__init__

    def counting(self, *args, **kwargs):
        parses.append(1)
        original(self, *args, **kwargs)
    monkeypatch.setattr(pdf_reader.PdfFileReader, "__init__", counting)
    out = tmp_path / "kepala.pdf"
    sign_pdf(signed_once, out, pki.kepala_p12, pki.password, "kepala", now=now + timedelta(minutes=5))
    assert len(parses) == 1
    monkeypatch.setattr(pdf_reader.PdfFileReader, "__init__", original)
    report = verify_pdf(out, [pki.root_pem])
    assert report["all_ok"] is True and len(report["signatures"]) == 2
    with pytest.raises(SigningError, match="sudah ditandatangani sebagai"):
        sign_pdf(out, tmp_path / "again.pdf", pki.kepala_p12, pki.password, "kepala", now=now)
    assert not (tmp_path / "again.pdf").exists()
