"""The cheap ways the report tables are drawn (issue 11) change nothing a reader sees: a cell that
fits one line drawn as a plain string renders as its Paragraph did, and equal cells broken into
lines and drawn once per build give the same PDF, byte for byte."""
from __future__ import annotations

import contextlib
import subprocess

import pytest
from PIL import Image, ImageChops
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from renstra_desktop.core.reports import ReportOptions, build, build_report, layout, tables
from renstra_desktop.core.reports.layout import STYLES, register_fonts
from renstra_desktop.core.reports.tables import CellParagraph, OfficialTable, para
from renstra_desktop.core.store import Store


@pytest.fixture(scope="module")
def province(_kanwil_template, tmp_path_factory):
    """Every unit of the province filled (tests/report_province.py): a 50-page Renstra lengkap."""
    from report_province import fill, province_copy

    store = Store.open(fill(province_copy(_kanwil_template, tmp_path_factory.mktemp("provinsi-sel"))), readonly=True)
    yield store
    store.close()


def render(pdf: bytes, folder) -> list[Image.Image]:
    folder.mkdir()
    (folder / "r.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(folder / "r.pdf"), str(folder / "p")], check=True)
    return [Image.open(p).convert("L") for p in sorted(folder.glob("p-*.png"))]


def test_cells_drawn_as_strings_render_as_their_paragraphs(province, monkeypatch, tmp_path):
    options = ReportOptions("lampiran", unit=None, year=2026)
    plain = []
    made = OfficialTable._plain_cells

    def counted(self, cells, font):
        out = made(self, cells, font)
        plain.extend(c for a, c in zip(cells, out) if a is not c)
        return out
    monkeypatch.setattr(OfficialTable, "_plain_cells", counted)
    fast = build_report(province.conn, options)
    assert len(plain) > 50                     # the province's unit names, codes and short texts
    monkeypatch.setattr(OfficialTable, "_plain_cells", lambda self, cells, font: list(cells))
    paragraphs = build_report(province.conn, options)
    assert fast.page_count == paragraphs.page_count
    assert fast.pdf != paragraphs.pdf          # drawn differently ...
    for number, (a, b) in enumerate(zip(render(fast.pdf, tmp_path / "a"), render(paragraphs.pdf, tmp_path / "b")), 1):
        assert ImageChops.difference(a, b).getbbox() is None, f"page {number} looks different"   # ... seen alike


def test_equal_cells_are_broken_and_drawn_once_and_the_pdf_is_the_same(province, monkeypatch):
    options = ReportOptions("lampiran", unit=None, year=2026)
    breaks = []
    break_lines = Paragraph.breakLines

    def counted(self, widths):
        if isinstance(self, CellParagraph) and self.markup is not None:
            breaks.append((self.markup, id(self.style), tuple(widths)))
        return break_lines(self, widths)
    monkeypatch.setattr(Paragraph, "breakLines", counted)
    shared = build_report(province.conn, options)
    shared_breaks, breaks[:] = list(breaks), []
    monkeypatch.setattr(build, "wrap_cache", contextlib.nullcontext)
    made = layout.ReportCanvas.__init__

    def without_draw_cache(self, *args, **kwargs):
        made(self, *args, **kwargs)
        self.cell_draws = None
    monkeypatch.setattr(layout.ReportCanvas, "__init__", without_draw_cache)
    alone = build_report(province.conn, options)
    assert shared.pdf == alone.pdf
    assert len(shared_breaks) == len(set(shared_breaks)), "a cell's text was broken into lines twice at one width"
    assert len(breaks) > 2 * len(shared_breaks)       # without the cache: each cell by itself


@pytest.mark.parametrize("text, style, bold, col, plain", [
    ("Lapas Kelas IIA Mataram", "cell", False, 1, True),
    ("Lapas Kelas IIA Mataram", "cell", True, 1, False),         # a bold row prints strings bold
    ("Jumlah", "cell_bold", True, 1, True),
    ("Jumlah", "cell_bold", False, 1, False),
    ("Lapas  Kelas", "cell", False, 1, False),                   # a Paragraph collapses the double space
    ("A & B", "cell", False, 1, False),
    ("baris\nkedua", "cell", False, 1, False),
    ("80,5", "cell", False, 2, False),                           # a right-aligned column
    ("Perlu", "small", False, 1, False),
    ("", "cell", False, 1, False),
    ("Persentase pelaksanaan rencana aksi reformasi birokrasi di lingkup kewilayahan " * 2, "cell", False, 1, False),
])
def test_a_cell_is_a_plain_string_only_where_its_paragraph_is_one_line_alike(text, style, bold, col, plain):
    register_fonts()
    t = OfficialTable([0.1, 0.3, 0.1], 600, number_cols=(2,))
    t.row(["x", para(text, style), para(text, style)], bold=bold)
    cell = t.rows[-1][col]
    assert isinstance(cell, str) is plain
    if plain:
        p = Paragraph(text, STYLES[style])
        p.wrap(t.widths[col] - 2 * tables.PADDING, 1000)
        assert len(p.blPara.lines) == 1


def test_the_widest_text_on_one_line_is_plain_and_one_letter_more_is_a_paragraph():
    register_fonts()
    t = OfficialTable([1.0, 1.0], 240)
    room = 120 - 2 * tables.PADDING
    words = "kata " * 40
    prefixes = [words[:n].strip() for n in range(1, len(words))]
    fits = max((s for s in prefixes if stringWidth(s, layout.FONT, 8.5) <= room), key=len)
    longer = words[:len(fits) + 2].strip()
    for text in (fits, longer):
        t.row([para(text), para("sel lain yang panjang " * 10)])
    assert t.rows[0][0] == fits
    assert len(Paragraph(fits, STYLES["cell"]).breakLines([room]).lines) == 1
    assert isinstance(t.rows[1][0], CellParagraph)


def test_a_row_of_short_cells_keeps_its_height():
    """A string's line is 1.2 × the size, a Paragraph's 1.22 ×: a row whose every cell would be a
    string keeps one Paragraph so the row is as high as before."""
    register_fonts()
    t = OfficialTable([0.5, 0.5], 400)
    t.header(["A", "B"])
    t.row([para("satu"), para("dua")])
    t.row(["satu", "dua"])
    assert sum(isinstance(c, str) for c in t.rows[1]) == 1
    table = t.table()
    table.wrap(400, 1000)
    assert table._rowHeights[1] == pytest.approx(STYLES["cell"].leading + 5.5)
    assert table._rowHeights[2] == pytest.approx(8.5 * 1.2 + 5.5)


def test_a_cell_split_inside_its_row_keeps_its_text():
    register_fonts()
    cell = para("kalimat panjang " * 60)
    cell.wrap(100, 1000)
    lines = len(cell.blPara.lines)
    first, rest = cell.split(100, 60)
    assert isinstance(first, CellParagraph) and first.markup is None
    first.wrap(100, 1000)
    rest.wrap(100, 1000)
    assert len(first.blPara.lines) + len(rest.blPara.lines) == lines
    assert [w for line in first.blPara.lines + rest.blPara.lines for w in line[1]] == ("kalimat panjang " * 60).split()


def test_the_sparse_no_split_map_splits_where_reportlab_s_own_does(monkeypatch):
    """tables._Table keeps only the cells of no-split ranges: every split of a table with group and
    heading rows (kept with the next row) falls where reportlab's Table puts it."""
    from reportlab.platypus import Table

    register_fonts()
    t = OfficialTable([0.2, 0.8], 600)
    t.header(["Kode", "Uraian"])
    for g in range(8):
        t.group(f"Grup {g}", level=g % 2)
        t.row([f"SK {g}", para(f"Sasaran {g}")], bold=True, heading=True)
        for r in range(5):
            t.row([f"IKK {g}.{r}", para("uraian yang cukup panjang untuk dua baris " * (r % 3 + 1))])
    sparse = tables._Table
    ours = t.table()
    monkeypatch.setattr(tables, "_Table", Table)
    plain = t.table()
    assert type(plain) is Table and type(ours) is sparse
    ours.wrap(600, 10_000)
    plain.wrap(600, 10_000)
    assert ours._nosplitCmds and len(ours._nosplitRanges) < len(plain._nosplitRanges)
    for height in range(20, 700, 7):
        mine, theirs = ours.split(600, height), plain.split(600, height)
        assert [len(p._cellvalues) for p in mine] == [len(p._cellvalues) for p in theirs], height


def test_two_builds_at_once_share_nothing(province):
    """The caches belong to a build (its thread's context) and to its document (its canvas): two
    reports built at the same time in two threads are byte for byte what each is built alone."""
    import threading

    from renstra_desktop.core.store import Store as _Store

    kinds = [ReportOptions("lampiran", unit=None, year=2026), ReportOptions("risiko", unit="LPS-DOMPU", year=2026)]
    alone = [build_report(province.conn, o).pdf for o in kinds]
    path = province.conn.execute("PRAGMA database_list").fetchone()[2]
    results = [None, None]

    def run(i):
        store = _Store.open(path, readonly=True)
        try:
            results[i] = build_report(store.conn, kinds[i]).pdf
        finally:
            store.close()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == alone
