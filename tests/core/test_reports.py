"""Reports read back from the PDF (pdfplumber, pypdf) and checked against the plan file."""
from __future__ import annotations

import hashlib
import io
import re

import pdfplumber
import pytest
from pypdf import PdfReader

from renstra_desktop.core import queries
from renstra_desktop.core.errors import NotFound, ValidationError
from renstra_desktop.core.numbers import format_number
from renstra_desktop.core.reports import ReportOptions, build_report, collect
from renstra_desktop.core.reports.qr import canonical, parse_payload
from renstra_desktop.core.reports.verify import payload_from_pdf, verify_payload


def pages_text(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [p.extract_text() or "" for p in doc.pages]


def stream_text(pdf: bytes) -> str:
    """Text in content-stream order: the lines of one wrapped cell stay together."""
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def build(store, kind, **kw):
    return build_report(store.conn, ReportOptions(kind, unit=kw.pop("unit", "KANWIL"), **kw))


def test_funding_matrix_figures_and_totals(kanwil_store):
    result = build(kanwil_store, "pendanaan")
    text = "\n".join(pages_text(result.pdf))
    assert "4.126,05" in text and "66.422,74" in text
    for line in queries.funding_rows(kanwil_store.conn, "KANWIL"):
        for value in line["allocation"].values():
            assert format_number(value, 2) in text
    totals = queries.funding_totals(kanwil_store.conn, "KANWIL")
    assert format_number(totals["total"], 2) == "70.548,79" and "70.548,79" in text
    # the targets of Tabel 2.2 / Lampiran I in their order on the IKK 17.1 and IKK 19.2 rows
    assert re.search(r"IKK 17\.1 .*3,2 3,4 3,6 3,8 4", text)
    assert re.search(r"3,51 3,52 3,53 3,54 3,55", text)
    assert text.count("100%") >= 5
    assert "KanwilDitjenpas" in squeeze(stream_text(result.pdf))


def test_every_page_but_the_cover_says_halaman_x_dari_y(kanwil_store):
    result = build(kanwil_store, "lampiran", history=True)
    texts = pages_text(result.pdf)
    assert len(texts) == result.page_count > 5
    assert "LAMPIRAN" in texts[0] and "Halaman" not in texts[0]          # the cover is not numbered
    for number, text in enumerate(texts[1:], 1):
        assert f"Halaman {number} dari {result.page_count - 1}" in text


def test_paper_sizes_are_landscape(kanwil_store):
    f4 = PdfReader(io.BytesIO(build(kanwil_store, "roadmap", paper="f4").pdf))
    a4 = PdfReader(io.BytesIO(build(kanwil_store, "roadmap").pdf))
    for page in f4.pages:
        assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == (935.4, 609.4)
    assert (round(float(a4.pages[0].mediabox.width), 1), round(float(a4.pages[0].mediabox.height), 1)) == (841.9, 595.3)


def test_shipped_fonts_are_embedded(kanwil_store):
    reader = PdfReader(io.BytesIO(build(kanwil_store, "pendanaan").pdf))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert any("LiberationSans" in name for name in fonts)
    for name, font in fonts.items():
        assert "LiberationSans" in name, name          # no unembedded standard font
        descriptor = (font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"])
        assert "/FontFile2" in descriptor.get_object()


@pytest.mark.parametrize("kind", ["capaian", "risiko", "pendanaan", "roadmap", "lampiran"])
def test_same_plan_gives_byte_identical_pdf(kanwil_store, tmp_path, kind):
    first = build_report(kanwil_store.conn, ReportOptions(kind, unit="KANWIL"), tmp_path / "a.pdf")
    second = build_report(kanwil_store.conn, ReportOptions(kind, unit="KANWIL"))
    assert first.pdf == second.pdf == (tmp_path / "a.pdf").read_bytes()


def test_qr_payload_carries_the_digest_of_the_figures_and_follows_edits(kanwil_store, kanwil_service, tmp_path):
    result = build_report(kanwil_store.conn, ReportOptions("pendanaan", unit="KANWIL"), tmp_path / "r.pdf")
    payload = parse_payload(result.payload)
    figures = collect(kanwil_store.conn, ReportOptions("pendanaan", unit="KANWIL"))
    assert payload.sha256 == hashlib.sha256(canonical(figures)).hexdigest() == result.digest
    assert (payload.unit, payload.kind, payload.period) == ("KANWIL", "pendanaan", "2025-2029")
    assert payload_from_pdf(tmp_path / "r.pdf") == result.payload     # /Keywords
    assert f"kode {payload.short_code}" in pages_text(result.pdf)[-1]
    assert verify_payload(kanwil_store.conn, result.payload).matches

    line = next(f for f in queries.funding_rows(kanwil_store.conn, "KANWIL") if f["line_code"] == "SK 17")
    kanwil_service.update("funding", line["ids"][2025], {"allocation": "746,72"})
    after = build(kanwil_store, "pendanaan")
    assert after.digest != result.digest
    assert "4.126,06" in "\n".join(pages_text(after.pdf))
    check = verify_payload(kanwil_store.conn, result.payload)
    assert not check.matches and check.changes_since >= 1 and "TIDAK COCOK" in check.message
    assert verify_payload(kanwil_store.conn, after.payload).matches


def test_qr_code_is_drawn_module_for_module(kanwil_store, tmp_path):
    """Render the drawn code and compare every module's centre with the encoder's matrix."""
    import shutil
    import subprocess

    from PIL import Image
    from reportlab.pdfgen import canvas

    from renstra_desktop.core.reports.qr import draw_qr, qr_modules

    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) not installed")
    payload = build(kanwil_store, "roadmap").payload
    pdf = tmp_path / "qr.pdf"
    c = canvas.Canvas(str(pdf), pagesize=(100, 100))
    draw_qr(c, payload, 10, 10, 80)
    c.save()
    subprocess.run(["pdftoppm", "-r", "288", "-gray", "-png", "-singlefile", str(pdf), str(tmp_path / "qr")],
                   check=True)
    image = Image.open(tmp_path / "qr.png").convert("L")
    scale = image.width / 100
    modules = qr_modules(payload)
    n = len(modules)
    cell = 80 / n
    wrong = 0
    for r, row in enumerate(modules):
        for col, dark in enumerate(row):
            px = (10 + (col + 0.5) * cell) * scale
            py = (100 - (10 + 80 - (r + 0.5) * cell)) * scale      # PDF y grows upwards
            wrong += (image.getpixel((int(px), int(py))) < 128) != dark
    assert n >= 25 and wrong == 0


def test_tte_option_prints_the_placeholder_at_the_signature_spot(kanwil_store):
    plain = build(kanwil_store, "pendanaan")
    tte = build(kanwil_store, "pendanaan", tte=True)
    assert "^" not in "".join(pages_text(plain.pdf))
    page, x, y = tte.tte_marks[0]
    with pdfplumber.open(io.BytesIO(tte.pdf)) as doc:
        pg = doc.pages[page]
        marks = [c for c in pg.chars if c["text"] == "^"]
        assert len(marks) == 1
        _p, x1, y1, x2, y2 = tte.spots["kepala"]
        cx, cy = marks[0]["x0"], pg.height - marks[0]["bottom"]
        assert x1 < cx < x2 and y1 < cy < y2
        assert "Dokumen ini telah ditandatangani secara elektronik" in pg.extract_text()


def test_signature_spots_lie_on_the_page_beside_each_other(kanwil_store):
    result = build(kanwil_store, "risiko", paper="f4")
    width, height = result.page_size
    kon, kep = result.spots["konseptor"], result.spots["kepala"]
    assert kon[0] == kep[0] == result.page_count - 1
    for _page, x1, y1, x2, y2 in (kon, kep):
        assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height and x2 - x1 >= 200 and y2 - y1 >= 70
    assert kon[3] < kep[1]


def test_risk_register_prints_every_text_of_the_plan(kanwil_store):
    result = build(kanwil_store, "risiko")
    text = squeeze(stream_text(result.pdf))
    risks = queries.risk_rows(kanwil_store.conn, "KANWIL")
    assert len(risks) == 36
    for r in risks:
        for item in [r["risk"], r["responsible"] or "", *r["treatments"], *r["success_indicators"]]:
            if item and item != "s.d.a.":
                assert squeeze(item) in text, item[:40]
    for header in ("IndikasiRisiko", "IndikasiPerlakuanRisiko", "IndikasiPenanggungJawabRisiko",
                   "IndikatorKeberhasilan", "ProgramPenegakandanPelayananHukum", "ProgramDukunganManajemen",
                   "PembimbinganKemasyarakatan", "PetaRisiko"):
        assert header in text


def test_risk_analysis_column_and_heat_map_when_scores_are_filled(kanwil_store, kanwil_service):
    first, second = queries.risk_rows(kanwil_store.conn, "KANWIL")[:2]
    kanwil_service.update("risk", first["id"], {"inherent_likelihood": "4", "inherent_impact": "5",
                                                "residual_likelihood": "2", "residual_impact": "2"})
    kanwil_service.update("risk", second["id"], {"inherent_likelihood": "5", "inherent_impact": "5"})
    text = squeeze(stream_text(build(kanwil_store, "risiko").pdf))
    assert squeeze("Inheren: K4, D5: besaran 24 (Sangat tinggi)") in text
    assert squeeze("Residual: K2, D2: besaran 7 (Rendah)") in text
    assert "AnalisisRisiko" in text and "PerluRTP" in text


def test_roadmap_prints_every_item_by_aspect_and_year(kanwil_store):
    result = build(kanwil_store, "roadmap")
    text = squeeze(stream_text(result.pdf))
    items = queries.roadmap_rows(kanwil_store.conn, "KANWIL")
    assert len(items) == 90
    for item in items:
        assert squeeze(item["text"]) in text, item["text"]
    first = pages_text(result.pdf)[0]
    assert "SaranadanPrasarana" in squeeze(PdfReader(io.BytesIO(result.pdf)).pages[0].extract_text())
    assert "2025 2026 2027 2028 2029" in first


def test_capaian_year_and_period(kanwil_store, kanwil_service):
    svc = kanwil_service
    svc.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1", "period": "2025", "value": "3,3"})
    svc.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.2", "period": "2026-TW1", "value": "3,0"})
    svc.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.2", "period": "2026-TW2", "value": "3,52"})
    year = "\n".join(pages_text(build(kanwil_store, "capaian", year=2025, history=True).pdf))
    assert re.search(r"IKK 17\.1 .* Indeks 3,2 3,3 103,13% Tercapai", year)
    assert "Tabel 1.2" in year and "Tabel 1.3" in year and "4,61 indeks" in year
    semester_pdf = build(kanwil_store, "capaian", period="2026-S1").pdf
    semester = "\n".join(pages_text(semester_pdf))
    assert "RealisasiSemesterI2026" in squeeze(stream_text(semester_pdf))
    # no Rencana Aksi yet: the semester's figure against the year's target, marked "tahunan"
    assert re.search(r"3,52 \(tahunan\) 3,52 100% Tercapai", semester)   # last value of TW1..TW2
    quarter_pdf = build(kanwil_store, "capaian", period="2026-TW1").pdf
    quarter = "\n".join(pages_text(quarter_pdf))
    assert re.search(r"3,52 \(tahunan\) 3 85,23% Cukup", quarter)
    assert "TargetTriwulanI2026" in squeeze(stream_text(quarter_pdf))


def test_a_quarter_is_graded_against_its_rencana_aksi_target(kanwil_store, kanwil_service):
    """Issue 10: after TW I a unit at 3,0 against a TW I target of 3,0 is on track (100 %), not
    "Cukup" against the year's 3,52; the semester stands on TW II's target (cumulative index)."""
    from renstra_desktop.core.cycle import action_plan, agreement

    svc = kanwil_service
    agreement.draft_agreement(svc, "KANWIL", 2026)
    action_plan.draft_action_plan(svc, "KANWIL", 2026)
    action_plan.set_action_plan(svc, "KANWIL", 2026, "IKK 19.2", {"tw1": "3,0", "tw2": "3,2", "tw3": "3,4"})
    svc.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.2", "period": "2026-TW1", "value": "3,0"})
    svc.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.2", "period": "2026-TW2", "value": "3,36"})
    rows = {r["indicator_code"]: r for r in queries.indicator_rows(kanwil_store.conn, "KANWIL", 2026, "2026-TW1")}
    assert rows["IKK 19.2"]["target_basis"] == "rencana_aksi" and rows["IKK 19.2"]["period_target"] == 3.0
    quarter = "\n".join(pages_text(build(kanwil_store, "capaian", period="2026-TW1").pdf))
    assert re.search(r"IKK 19\.2 .* 3 3 100% Tercapai", quarter)
    semester = "\n".join(pages_text(build(kanwil_store, "capaian", period="2026-S1").pdf))
    assert re.search(r"IKK 19\.2 .* 3,2 3,36 105% Tercapai", semester)          # S1 = TW II's target
    assert "dibandingkan dengan target periode itu dalam Rencana Aksi" in squeeze_spaces(semester)


def test_capaian_of_the_province_lists_units(kanwil_store, kanwil_service):
    kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1", "period": "2025",
                                          "value": "3,3"})
    text = "\n".join(pages_text(build(kanwil_store, "capaian", unit=None).pdf))
    assert "Seluruh Satuan Kerja" in text and "Kantor Wilayah" in text and "rata-rata satker" in text


def test_lampiran_contents_page_numbers_point_at_the_sections(kanwil_store):
    result = build(kanwil_store, "lampiran")
    texts = pages_text(result.pdf)
    assert "RENCANA STRATEGIS" in texts[0] and "DAFTAR ISI" in texts[1]
    for title, heading in (("Capaian Kinerja", "1. CAPAIAN KINERJA"), ("Register Risiko", "2. REGISTER RISIKO"),
                           ("Matriks Kinerja dan Pendanaan", "3. MATRIKS KINERJA DAN PENDANAAN"),
                           ("Roadmap 2025-2029", "4. ROADMAP 2025-2029")):
        number = int(re.search(re.escape(title) + r".*?(\d+)\s*$", texts[1], re.M).group(1))
        assert heading in texts[number] and f"Halaman {number} dari" in texts[number]   # the cover is page 0


def test_text_longer_than_a_page_is_printed_whole(kanwil_store, kanwil_service):
    first = queries.risk_rows(kanwil_store.conn, "KANWIL")[0]
    kanwil_service.update("risk", first["id"], {"risk": "Uraian sangat panjang. " * 400})
    text = "".join(pages_text(build(kanwil_store, "risiko").pdf))
    assert text.count("panjang.") == 400


def test_bad_requests_are_refused_and_nothing_is_written(kanwil_store, tmp_path):
    out = tmp_path / "x.pdf"
    with pytest.raises(NotFound, match="Satker"):
        build_report(kanwil_store.conn, ReportOptions("capaian", unit="LAPAS-X"), out)
    with pytest.raises(ValidationError, match="Periode"):
        build_report(kanwil_store.conn, ReportOptions("capaian", unit="KANWIL", period="2026-S3"), out)
    with pytest.raises(ValidationError, match="di luar Renstra"):
        build_report(kanwil_store.conn, ReportOptions("capaian", unit="KANWIL", year=2031), out)
    with pytest.raises(ValidationError, match="Jenis laporan"):
        build_report(kanwil_store.conn, ReportOptions("neraca", unit="KANWIL"), out)
    assert not out.exists() and list(tmp_path.iterdir()) == [tmp_path / "kanwil.renstra"]


def test_progress_is_reported_up_to_the_end(kanwil_store):
    seen = []
    build_report(kanwil_store.conn, ReportOptions("lampiran", unit="KANWIL"), progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1] and [d for d, _t in seen] == sorted(d for d, _t in seen)


def squeeze_spaces(text: str) -> str:
    return " ".join(text.split())
