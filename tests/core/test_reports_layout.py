"""How the reports are laid out, read back from the PDF as a reader would: the signature block never
alone on its page, headings and group rows kept with what follows, margins and footer inside the
printable area, every font embedded, the cover not numbered, no empty charts, and no pages of "–"
for units without figures (issue 7)."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import pdfplumber
import pytest

from renstra_desktop.core.reports import ReportOptions, build_report
from renstra_desktop.core.reports.layout import HEADER_GAP, MARGIN_TOP, register_fonts
from renstra_desktop.core.store import Store

MM = 72 / 25.4
KINDS = ("capaian", "risiko", "pendanaan", "roadmap", "lampiran")
HEADINGS = re.compile(r"^(Grafik target dan realisasi per tahun|Peta Risiko.*|Realisasi Anggaran.*|Capaian Kinerja \d.*"
                      r"|Target dan Realisasi PNBP.*|Realisasi Anggaran Berdasarkan.*|Capaian Kinerja Anggaran.*"
                      r"|Hibah \(Tabel 1\.7\).*|Riwayat 2020-2024)$")


@pytest.fixture(scope="module")
def province(_kanwil_template, tmp_path_factory):
    from report_province import fill

    path = tmp_path_factory.mktemp("provinsi") / "provinsi.renstra"
    shutil.copy(_kanwil_template, path)
    fill(path)
    store = Store.open(path, readonly=True)
    yield store
    store.close()


def words_above_signature(pdf: bytes, result) -> list[str]:
    """Words on the signature block's page between the running header and the block's first line."""
    page_index, _x1, _y1, _x2, y2 = result.spots["kepala"]
    # the block's top: recorded by the layout, else (older builds) place, date and jabatan above the spot
    top = result.boxes["signature_block"][4] if getattr(result, "boxes", None) else y2 + 45
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[page_index]
        block_top = page.height - top
        return [w["text"] for w in page.extract_words()
                if w["top"] > MARGIN_TOP + HEADER_GAP - 4 and w["bottom"] < block_top]


@pytest.mark.parametrize("unit", ["KANWIL", None, "LPS-DOMPU", "LPS-SUMBAWA"])
@pytest.mark.parametrize("paper", ["a4", "f4"])
@pytest.mark.parametrize("kind", KINDS)
def test_signature_block_is_never_alone_on_its_page(province, kind, paper, unit):
    result = build_report(province.conn, ReportOptions(kind, unit=unit, year=2026, paper=paper, history=True))
    above = words_above_signature(result.pdf, result)
    assert len(above) >= 3, f"{kind} {paper} {unit}: the signature block stands alone on page " \
                            f"{result.spots['kepala'][0] + 1} of {result.page_count}"


@pytest.mark.parametrize("extra_rows", range(0, 40, 3))
def test_the_last_rows_move_with_the_block_whatever_the_table_length(kanwil_store, kanwil_service, extra_rows):
    """Roadmap tables of growing length: wherever the page ends, the block keeps rows above it."""
    for n in range(extra_rows):
        kanwil_service.insert("roadmap_item", {"unit_code": "KANWIL", "aspect": f"Aspek uji {n:02d}", "year": 2026,
                                               "seq": 1, "text": "Butir uji", "status": "rencana"})
    result = build_report(kanwil_store.conn, ReportOptions("roadmap", unit="KANWIL"))
    assert len(words_above_signature(result.pdf, result)) >= 3


def test_group_and_heading_rows_are_kept_with_the_next_row():
    """Split the table at every height: the part left on a page never ends with a programme, unit,
    SK or area row (its rows would start the next page without it)."""
    from renstra_desktop.core.reports.tables import OfficialTable, para

    register_fonts()
    t = OfficialTable([0.2, 0.8], 700)
    t.header(["Kode", "Uraian"])
    headings = set()
    for g in range(6):
        t.group(f"GRUP {g}", level=g % 2)
        t.row([f"SK {g}", para(f"Sasaran {g}")], bold=True, heading=True)
        headings |= {f"GRUP {g}", f"SK {g}"}
        for r in range(4):
            t.row([f"IKK {g}.{r}", para("Indikator dengan uraian yang agak panjang " * (r + 1))])
    table = t.table()
    table.wrap(700, 10_000)
    splits = 0
    for height in range(30, 600, 4):
        parts = table.split(700, height)
        if not parts:
            continue
        splits += 1
        last = parts[0]._cellvalues[-1][0]
        text = last if isinstance(last, str) else last.text
        assert text not in headings, f"at {height} pt the page ends with {text}"
    assert splits > 50


def test_a_heading_never_ends_a_page(province):
    result = build_report(province.conn, ReportOptions("capaian", unit="KANWIL", year=2026, history=True))
    with pdfplumber.open(io.BytesIO(result.pdf)) as doc:
        for number, page in enumerate(doc.pages[:-1], 1):
            lines = [line for line in (page.extract_text() or "").splitlines() if line.strip()]
            content = [line for line in lines[:-1] if not line.startswith("Renstra Desktop")]
            assert not HEADINGS.match(content[-1].strip()), f"page {number} ends with heading {content[-1]!r}"


@pytest.mark.parametrize("paper", ["a4", "f4"])
def test_margins_and_footer_lie_well_inside_the_page(province, paper):
    result = build_report(province.conn, ReportOptions("lampiran", unit=None, year=2026, paper=paper, tte=True,
                                                       history=True))
    with pdfplumber.open(io.BytesIO(result.pdf)) as doc:
        for page in doc.pages:
            chars = page.chars
            assert min(page.height - c["bottom"] for c in chars) >= 10 * MM      # the BSrE line too
            assert min(c["x0"] for c in chars) >= 19.5 * MM                       # about 2 cm
            assert max(c["x1"] for c in chars) <= page.width - 19.5 * MM
            for rect in page.rects + page.lines:          # table grids fit between the margins
                assert rect["x0"] >= 19.5 * MM and rect["x1"] <= page.width - 19.5 * MM


def test_tte_footer_is_printed_on_every_page(kanwil_store):
    result = build_report(kanwil_store.conn, ReportOptions("risiko", unit="KANWIL", tte=True))
    with pdfplumber.open(io.BytesIO(result.pdf)) as doc:
        for page in doc.pages:
            assert "Dokumen ini telah ditandatangani secara elektronik" in page.extract_text()


@pytest.mark.parametrize("kind", KINDS)
def test_every_font_is_embedded(province, tmp_path, kind):
    """Charts and heat maps included (they referenced an unembedded Helvetica before)."""
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) not installed")
    path = tmp_path / f"{kind}.pdf"
    build_report(province.conn, ReportOptions(kind, unit=None, year=2026), path)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert "LiberationSans" in name and emb == "yes", row


def test_a_chart_without_realisations_is_not_drawn(kanwil_store):
    result = build_report(kanwil_store.conn, ReportOptions("capaian", unit="KANWIL", year=2026))
    text = "\n".join(p.extract_text() for p in pdfplumber.open(io.BytesIO(result.pdf)).pages)
    assert "Belum ada data realisasi." in text
    assert "target dan realisasi per tahun" not in text.replace("Grafik target dan realisasi per tahun", "")


def test_a_chart_is_drawn_where_there_are_realisations(province):
    result = build_report(province.conn, ReportOptions("capaian", unit="LPS-DOMPU", year=2026))
    text = "\n".join(p.extract_text() for p in pdfplumber.open(io.BytesIO(result.pdf)).pages)
    assert "IKK 17.1: target dan realisasi per tahun" in text and "Belum ada data realisasi" not in text


def test_semua_satker_leaves_out_units_without_figures_and_says_so_once(province):
    capaian = build_report(province.conn, ReportOptions("capaian", unit=None, year=2026))
    text = "\n".join(p.extract_text() for p in pdfplumber.open(io.BytesIO(capaian.pdf)).pages)
    assert "Lapas Kelas IIB Dompu" in text and "Rutan Kelas IIB Raba Bima" in text
    for empty in ("Lapas Kelas IIA Sumbawa Besar", "Bapas Kelas I Mataram", "Rutan Kelas IIB Praya"):
        assert empty not in text
    assert text.count("tidak dicantumkan") == 1 and "IKK 17.1: 8 satker" in text
    funding = build_report(province.conn, ReportOptions("pendanaan", unit=None))
    text = "\n".join(p.extract_text() for p in pdfplumber.open(io.BytesIO(funding.pdf)).pages)
    assert "Lapas Kelas IIA Sumbawa Besar" not in text and "8 satker tanpa target maupun alokasi" in text


def test_lampiran_is_titled_as_what_it_holds(kanwil_store):
    from renstra_desktop.core.reports import KINDS as REGISTRY, TITLES

    assert "lampiran" in REGISTRY and "renstra" not in REGISTRY and TITLES["lampiran"] == "Lampiran Renstra"
    old_name = build_report(kanwil_store.conn, ReportOptions("renstra", unit="KANWIL"))
    new_name = build_report(kanwil_store.conn, ReportOptions("lampiran", unit="KANWIL"))
    assert old_name.pdf == new_name.pdf and "kind=lampiran" in new_name.payload
    with pdfplumber.open(io.BytesIO(new_name.pdf)) as doc:
        cover = doc.pages[0].extract_text()
        assert "LAMPIRAN" in cover and "RENCANA STRATEGIS" in cover and "Bab-bab Renstra" in cover
        assert doc.metadata["Title"].startswith("Lampiran Renstra 2025-2029")


@pytest.mark.parametrize("paraf", [False, True])
def test_the_signature_area_fits_a_portrait_page(tmp_path_factory, paraf):
    """The yearly cycle's portrait documents (LKjIP) use the same block: spots, QR code and paraf
    table stay inside the margins and never overlap."""
    from cycle_scenario import YEAR, province

    from renstra_desktop.core.reports.signature_block import load_signatory, save_signatory

    folder = tmp_path_factory.mktemp("siklus")
    path = province(folder)["upts"]["LPS-LOBAR"]["path"]
    store = Store.open(path)
    if paraf:
        sig = load_signatory(store.conn, "LPS-LOBAR")
        sig.paraf_enabled = True
        sig.paraf = [{"role": "Konseptor", "name": "Baiq Uji", "jabatan": "Analis"},
                     {"role": "Pemeriksa", "name": "Lalu Uji", "jabatan": "Kasubsi"}]
        save_signatory(store, sig, actor="penguji")
    result = build_report(store.conn, ReportOptions("lkjip", unit="LPS-LOBAR", year=YEAR, period=f"{YEAR}-S1"))
    store.close()
    width = result.page_size[0]
    assert width < result.page_size[1]                                 # portrait
    boxes = [result.spots["kepala"][1:], result.spots["konseptor"][1:], result.boxes["signature_block"][1:]]
    if paraf:
        boxes.append(result.boxes["paraf_table"][1:])
    for x1, _y1, x2, _y2 in boxes:
        assert 19.5 * MM <= x1 < x2 <= width - 19.5 * MM
    kepala, konseptor = result.spots["kepala"][1:], result.spots["konseptor"][1:]
    assert konseptor[2] <= kepala[0] or konseptor[3] <= kepala[1]      # side by side, or the paraf below
