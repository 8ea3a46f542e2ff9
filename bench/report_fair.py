"""The fair baseline of the Renstra lengkap: the same document laid out with plain reportlab.

``fair_build(figures, span, unit_label, payload_text)`` takes the report's collected figures
(``reports.collect``) and lays out what a reader of our PDF sees, written the way a reportlab user
would write it, as fast as that honestly goes:

- the same pages: A4 landscape, the same margins and frame, a running header and the footer
  "Halaman X dari Y" (reportlab's usual recipe: a canvas that keeps the pages until it is saved,
  then draws the page totals; one layout pass, as ours), the embedded Liberation Sans;
- the cover (the kop's lines, titles) and the contents page, its page numbers filled in at save;
- per section the title and subtitle and the same tables: the same columns and widths, the same
  header rows (spans, shading, the numbering row), group rows across the width kept with the row
  below (``NOSPLIT``), SK/IKK and area rows kept with the next, the same cells (evidence, causes,
  controls, treatments as bullet lines, analysis, grades in colour, subtotal and total rows), the
  notes under them; one ``Table`` per unit, as reportlab's documentation advises for long tables
  (a single long table is measured again at every page split);
- the charts and heat maps as the same ``Drawing`` objects (``reports.charts``), the budget
  absorption table, and the signature block (place and date, jabatan, a space for the signature,
  name, NIP, the same QR code drawn as one path) kept whole with a plain ``KeepTogether``.

It runs with full garbage collections held off, as ours does (``core.gc_pause``): without that the
same build measured 15 % slower, which is the collector's policy, not the layout.

What it leaves out, and why it is slightly lighter than ours for that: no signature form fields,
no record of the signature spots, no check that the block never stands alone on a page (ours moves
the last rows with it), no retry for a row taller than a page, no progress callback, and every
wrapping cell is a plain ``Paragraph`` (parsed, broken into lines and drawn word by word — what
reportlab gives; the line breaks of equal cells are not shared, a short text is not drawn as a
plain string: those are the optimisations ours is measured for).
"""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas as _canvas
from reportlab.platypus import (
    BaseDocTemplate, Flowable, Frame, KeepTogether, PageBreak, PageTemplate, Paragraph, Spacer, Table, TableStyle,
)

from renstra_desktop.core.gc_pause import full_collections_paused
from renstra_desktop.core.reports.base import period_label, program_label
from renstra_desktop.core.reports.charts import bar_chart, heat_map
from renstra_desktop.core.reports.layout import (
    FONT, FONT_BOLD, FOOTER_Y, GRID, GROUP_FILL, HEAD_FILL, HEADER_GAP, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X,
    STYLES,
)
from renstra_desktop.core.reports.qr import draw_qr

PAGE = landscape(A4)
WIDTH = PAGE[0] - 2 * MARGIN_X
GRADE_COLORS = {"good": "#2E7D32", "fair": "#8A6D00", "poor": "#C25E00", "bad": "#B3261E"}


def esc(text) -> str:
    return ("" if text is None else str(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace("\n", "<br/>")


class Cell(Paragraph):
    """A Paragraph that keeps its last line breaks: a table wraps every cell again after each page
    split, at the same width (without this one long table is quadratic in its rows; ours does the
    same, so the baseline is not made slow by it)."""

    _last = None

    def wrap(self, availWidth, availHeight):
        if self._last is not None and self._last[0] == availWidth:
            self.width, self.height, self.blPara = self._last
            return availWidth, self.height
        size = super().wrap(availWidth, availHeight)
        self._last = (availWidth, self.height, self.blPara)
        return size


def p(text, style="cell") -> Paragraph:
    return Cell(esc(text), STYLES[style])


def lines(items, style="cell", mark="") -> Paragraph:
    return Cell("<br/>".join(f"{mark}&nbsp;{esc(i)}" if mark else esc(i) for i in items if i), STYLES[style])


class Table_:
    """Rows and style commands of one official table; ``unit()`` starts the next unit's Table."""

    def __init__(self, fractions, header: list[list], spans=(), numbering=True, right=(), center=()):
        self.widths = [WIDTH * f / sum(fractions) for f in fractions]
        self.n = len(fractions)
        self.head = [[Cell(esc(c), STYLES["head"]) if c else "" for c in row] for row in header]
        self.head_cmds = [("SPAN", a, b) for a, b in spans]
        if numbering:
            self.head.append([f"({i})" for i in range(1, self.n + 1)])
            r = len(self.head) - 1
            self.head_cmds += [("FONT", (0, r), (-1, r), FONT, 7), ("ALIGN", (0, r), (-1, r), "CENTER")]
        h = len(self.head)
        self.base = [("FONT", (0, 0), (-1, -1), FONT, 8.5), ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                     ("VALIGN", (0, 0), (-1, -1), "TOP"),
                     ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                     ("LEFTPADDING", (0, 0), (-1, -1), 3.5), ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
                     ("BACKGROUND", (0, 0), (-1, h - 1), HEAD_FILL), ("VALIGN", (0, 0), (-1, h - 1), "MIDDLE")]
        self.base += [("ALIGN", (c, h), (c, -1), "RIGHT") for c in right]
        self.base += [("ALIGN", (c, h), (c, -1), "CENTER") for c in center]
        self.done: list[Table] = []
        self.rows: list = []
        self.cmds: list = []

    def unit(self) -> None:
        if self.rows:
            self.done.append(self._table())
        self.rows, self.cmds = [], []

    def group(self, text, level=0) -> None:
        r = len(self.head) + len(self.rows)
        self.rows.append([p(text, "cell_bold")] + [""] * (self.n - 1))
        self.cmds += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), GROUP_FILL if level else HEAD_FILL),
                      ("NOSPLIT", (0, r), (-1, r + 1))]

    def row(self, cells, bold=False, keep=False) -> None:
        r = len(self.head) + len(self.rows)
        self.rows.append(cells)
        if bold:
            self.cmds.append(("FONT", (0, r), (-1, r), FONT_BOLD, 8.5))
        if keep:
            self.cmds.append(("NOSPLIT", (0, r), (-1, r + 1)))

    def tables(self) -> list[Table]:
        self.unit()
        return self.done

    def _table(self) -> Table:
        last = len(self.head) + len(self.rows) - 1
        cmds = [c for c in self.cmds if c[0] != "NOSPLIT" or c[2][1] <= last]
        t = Table(self.head + self.rows, colWidths=self.widths, repeatRows=len(self.head), hAlign="LEFT")
        t.setStyle(TableStyle(self.base + self.head_cmds + cmds))
        return t


def capaian(d: dict, span) -> list:
    label = period_label(d["period"])
    t = Table_([0.06, 0.32, 0.06, 0.09, 0.095, 0.08, 0.085, 0.21],
               [["No", "Sasaran Kegiatan / Indikator Kinerja Kegiatan / Satuan Kerja", "Satuan", f"Target {label}",
                 f"Realisasi {label}", "Capaian", "Predikat", "Data dukung"]], right=(3, 4, 5), center=(2,))
    for prog in d["programs"]:
        t.group(program_label(prog), level=1)
        for obj in prog["objectives"]:
            t.row([obj["code"], p(obj["name"], "cell_bold"), "", "", "", "", "", ""], bold=True, keep=True)
            for ind in obj["indicators"]:
                t.row([ind["code"], p(ind["name"]), ind["measure"], "", "", "", "", ""], keep=True)
                for u in ind["units"]:
                    color = GRADE_COLORS.get(u["role"])
                    grade = Cell(f'<font color="{color}"><b>{esc(u["grade"])}</b></font>' if color
                                      else esc(u["grade"]), STYLES["cell_center"])
                    t.row(["", p(u["unit_name"]), "", u["target"], u["actual"], u["achievement"], grade,
                           p("\n".join(u["evidence"]), "small")])
    out = [*t.tables(), Spacer(0, 3), p("Capaian = realisasi ÷ target × 100% ... (catatan yang sama)", "small"),
           Spacer(0, 8)]
    drawn = [c for c in d["charts"] if any(v != "–" for v in c["actuals"])]
    width = WIDTH / 3 - 6
    num = lambda v: None if v in ("–", "") else float(v.replace(".", "").replace(",", "."))   # noqa: E731
    charts = [bar_chart(f"{c['code']}: target dan realisasi per tahun (rata-rata satker)", list(span),
                        [num(v) for v in c["targets"]], [num(v) for v in c["actuals"]], width) for c in drawn]
    rows = [charts[i:i + 3] for i in range(0, len(charts), 3)] or [[""]]
    rows[-1] += [""] * (3 - len(rows[-1]))
    grid = Table(rows, colWidths=[WIDTH / 3] * 3, hAlign="LEFT", style=[("FONT", (0, 0), (-1, -1), FONT, 8.5)])
    return out + [KeepTogether([p("Grafik target dan realisasi per tahun", "section"), grid])]


def risiko(d: dict) -> list:
    t = Table_([0.045, 0.18, 0.23, 0.15, 0.25, 0.145],
               [["No.", "Indikasi Risiko", "Indikasi Perlakuan Risiko", "Indikasi Penanggung Jawab Risiko",
                 "Indikator Keberhasilan", "Analisis Risiko (Kemungkinan × Dampak)"]], center=(0,))
    for unit in d["units"]:
        t.unit()
        t.group(unit["unit_name"])
        for prog in unit["programs"]:
            t.group(prog["name"], level=1)
            for area in prog["areas"]:
                t.row([area["no"], p(area["name"], "cell_bold"), "", "", "", ""], keep=True)
                previous = None
                for x in area["risks"]:
                    owner = x["responsible"]
                    shown = "s.d.a." if owner and owner == previous else owner
                    previous = owner
                    risk = "<br/>".join([esc(x["risk"])] + ([f"<i>Penyebab:</i> {esc(x['cause'])}"] if x["cause"] else [])
                                        + ([f"<i>Pengendalian yang ada:</i> {esc(x['control'])}"] if x["control"] else []))
                    analysis = [f"Inheren: {x['inherent']}" if x["inherent"] else "",
                                f"Residual: {x['residual']}" if x["residual"] else "", "Perlu RTP" if x["rtp"] else ""]
                    t.row(["", Cell(risk, STYLES["cell"]), lines(x["treatments"], mark="•"), p(shown),
                           lines(x["success"], mark="•"), lines(analysis, "small")])
    counts = [{tuple(int(v) for v in k.split(",")): n for k, n in d[key].items()}
              for key in ("inherent_counts", "residual_counts")]
    maps = [heat_map(d["matrix"], d["levels"], counts[0], "Risiko inheren", 170),
            heat_map(d["matrix"], d["levels"], counts[1], "Risiko residual", 170)]
    legend = p("Angka kecil: besaran risiko (tabel kemungkinan × dampak); angka besar: jumlah risiko pada sel itu. "
               "Level: ... Risiko dengan besaran di atas selera risiko memerlukan RTP.")
    grid = Table([[maps[0], maps[1], legend]], colWidths=[200, 200, WIDTH - 400], hAlign="LEFT",
                 style=[("FONT", (0, 0), (-1, -1), FONT, 8.5), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    return [*t.tables(), Spacer(0, 10), KeepTogether([p("Peta Risiko (matriks 5 × 5)", "section"), grid])]


def pendanaan(d: dict, span) -> list:
    n = len(span)
    years = [str(y) for y in span]
    t = Table_([0.065, 0.235] + [0.048] * n + [0.058] * n + [0.068, 0.09],
               [["SK / IKK", "Sasaran Kegiatan / Indikator Kinerja Kegiatan", "Target"] + [""] * (n - 1)
                + ["Alokasi (dalam juta rupiah)"] + [""] * (n - 1) + ["Total Alokasi", "Pelaksana"],
                ["", ""] + years + years + ["", ""]],
               spans=[((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (1 + n, 0)), ((2 + n, 0), (1 + 2 * n, 0)),
                      ((2 + 2 * n, 0), (2 + 2 * n, 1)), ((3 + 2 * n, 0), (3 + 2 * n, 1))], right=range(2, 3 + 2 * n))
    for sec in d["sections"]:
        t.unit()
        t.group(sec["unit_name"])
        for prog in sec["programs"]:
            t.group(program_label(prog), level=1)
            for r in prog["rows"]:
                sk = r["code"].startswith("SK")
                t.row([r["code"], p(r["name"]), *r["targets"], *r["alloc"], r["total"], p(r["executing"])],
                      bold=sk, keep=sk)
        t.row(["", p(f"Jumlah {sec['unit_name']}", "cell_bold"), *[""] * n, *sec["per_year"], sec["total"], ""],
              bold=True)
    t.row(["", p("Jumlah seluruh satker", "cell_bold"), *[""] * n, *d["per_year"], d["total"], ""], bold=True)
    out = [*t.tables(), Spacer(0, 4), p("Alokasi dalam juta rupiah; ... " + d["scope"], "small"), Spacer(0, 8)]
    a = Table_([0.09, 0.43, 0.08, 0.14, 0.14, 0.12], [["SK / IKK", "Uraian", "Tahun", "Pagu (juta rupiah)",
               "Realisasi (juta rupiah)", "% Serapan"]], numbering=False, right=(3, 4, 5), center=(2,))
    for sec in d["sections"]:
        if not sec["absorption"]:
            continue
        a.unit()
        a.group(sec["unit_name"])
        for line in sec["absorption"]:
            for i, y in enumerate(line["years"]):
                a.row([line["code"] if i == 0 else "", p(line["name"]) if i == 0 else "", y["year"],
                       y["allocation"], y["realised"], y["absorption"]])
    absorption = a.tables()
    if absorption:
        heading = p("Realisasi Anggaran (pagu, realisasi, % serapan)", "section")
        out += [heading, *absorption]
    return out


def roadmap(d: dict, span) -> list:
    t = Table_([0.04, 0.13] + [0.166] * len(span), [["No.", "Aspek"] + [str(y) for y in span]], numbering=False,
               center=(0,))
    for unit in d["units"]:
        t.unit()
        t.group(unit["unit_name"])
        for i, aspect in enumerate(unit["aspects"], 1):
            t.row([str(i), p(aspect["name"], "cell_bold")] + [lines(aspect["years"].get(str(y), [])) for y in span])
    return [*t.tables(), Spacer(0, 3), p("Status butir ditulis dalam kurung bila bukan “rencana”.", "small")]


class QR(Flowable):
    """The report's QR code, the same path (``qr.draw_qr``), and its two lines of text."""

    def __init__(self, text: str, size: float = 74):
        super().__init__()
        self.text, self.size = text, size

    def wrap(self, *_a):
        return self.size, self.size + 16

    def draw(self):
        draw_qr(self.canv, self.text, 0, 16, self.size)
        self.canv.setFont(FONT, 6.5)
        self.canv.drawCentredString(self.size / 2, 9, "Pindai untuk memeriksa")
        self.canv.drawCentredString(self.size / 2, 1, "kode")


def signature(sig: dict, payload_text: str) -> Flowable:
    block = [p(sig["place_date"], "sign"), p(sig["jabatan"] or "Kepala", "sign"), Spacer(0, 72),
             Paragraph(f"<u>{esc(sig['name'])}</u>", STYLES["sign_name"]), p(f"NIP {sig['nip'] or '.' * 40}", "sign")]
    return Table([["", QR(payload_text), block]], colWidths=[WIDTH - 270 - 100, 100, 270], hAlign="LEFT",
                 style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER")])


class Mark(Flowable):
    """Records the page a section starts on (for the contents page, filled in at save)."""

    def __init__(self, pages: dict, key: str):
        super().__init__()
        self.pages, self.key = pages, key

    def wrap(self, *_a):
        return 0, 0

    def draw(self):
        self.pages[self.key] = self.canv.getPageNumber()


class Ref(Flowable):
    """A section's page number on the contents page, drawn when the document is saved."""

    def __init__(self, refs: list, key: str):
        super().__init__()
        self.refs, self.key = refs, key

    def wrap(self, *_a):
        return 40, 13

    def draw(self):
        x, y = self.canv.absolutePosition(40, 2)
        self.refs.append((self.canv.getPageNumber(), x, y, self.key))


def numbered_canvas(title: str, header: str, pages: dict, refs: list):
    class NumberedCanvas(_canvas.Canvas):
        """reportlab's "page X of Y" recipe: keep each page's state, draw the totals at save."""

        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self._saved = []

        def showPage(self):
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved) - 1            # the cover is not counted
            for number, state in enumerate(self._saved, 1):
                self.__dict__.update(state)
                if number > 1:
                    self.setFont(FONT, 7.5)
                    self.line(MARGIN_X, FOOTER_Y + 9, PAGE[0] - MARGIN_X, FOOTER_Y + 9)
                    self.drawString(MARGIN_X, FOOTER_Y, title)
                    self.setFont(FONT_BOLD, 8)
                    self.drawRightString(PAGE[0] - MARGIN_X, FOOTER_Y, f"Halaman {number - 1} dari {total}")
                    y = PAGE[1] - MARGIN_TOP + 2
                    self.setFont(FONT, 7.5)
                    self.drawString(MARGIN_X, y, header)
                    self.line(MARGIN_X, y - 3, PAGE[0] - MARGIN_X, y - 3)
                for page, x, y, key in refs:
                    if page == number:
                        self.setFont(FONT, 11)
                        self.drawRightString(x, y, str(pages.get(key, 1) - 1))
                super().showPage()
            super().save()
    return NumberedCanvas


def fair_build(figures: dict, span, unit_label: str, payload_text: str) -> tuple[bytes, int]:
    """The Renstra lengkap's content with plain reportlab; the PDF and its page count.  Full garbage
    collections wait until it is done, as in ours (``core.gc_pause``: a generation-2 collection over
    a build's objects costs reportlab as much as it costs us)."""
    with full_collections_paused():
        return _build(figures, span, unit_label, payload_text)


def _build(figures: dict, span, unit_label: str, payload_text: str) -> tuple[bytes, int]:
    f = figures["figures"]
    pages: dict = {}
    refs: list = []
    period = period_label(f["capaian"]["period"])
    story = [p("KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN REPUBLIK INDONESIA", "kop1"),
             p("KANTOR WILAYAH DIREKTORAT JENDERAL PEMASYARAKATAN", "kop2"), Spacer(0, 40),
             p("LAMPIRAN", "cover2"), p("RENCANA STRATEGIS", "cover1"), Spacer(0, 10),
             p("SATUAN KERJA JAJARAN", "cover2"), p(f"{span[0]} - {span[-1]}", "cover1"), Spacer(0, 26),
             p(f"Tabel capaian kinerja {period}, register risiko, matriks kinerja dan pendanaan, serta roadmap.",
               "subtitle"), PageBreak(), p("DAFTAR ISI", "title"), Spacer(0, 12)]
    sections = [("capaian", "Capaian Kinerja"), ("risiko", "Register Risiko (Lampiran II)"),
                ("pendanaan", "Matriks Kinerja dan Pendanaan (Lampiran I)"), ("roadmap", "Roadmap")]
    story.append(Table([[p(f"{i}.", "toc"), p(t, "toc"), Ref(refs, k)] for i, (k, t) in enumerate(sections, 1)],
                       colWidths=[30, WIDTH - 130, 50], hAlign="LEFT",
                       style=[("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LINEBELOW", (1, 0), (1, -1), 0.3, "#999999")]))
    parts = {"capaian": capaian(f["capaian"], span), "risiko": risiko(f["risiko"]),
             "pendanaan": pendanaan(f["pendanaan"], span), "roadmap": roadmap(f["roadmap"], span)}
    for i, (key, title) in enumerate(sections, 1):
        story += [PageBreak(), Mark(pages, key), p(f"{i}. {title.upper()}", "title"), p(unit_label, "subtitle")]
        story += parts[key]
    story.append(KeepTogether([Spacer(0, 8), signature(figures["signatory"], payload_text)]))
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=PAGE, invariant=1)
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, WIDTH, PAGE[1] - MARGIN_BOTTOM - MARGIN_TOP - HEADER_GAP,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)      # ours: no padding
    doc.addPageTemplates([PageTemplate(frames=[frame])])
    maker = numbered_canvas("Renstra Desktop · Lampiran Renstra", f"Lampiran Renstra · {unit_label}", pages, refs)
    holder = []

    def canvasmaker(*a, **kw):
        kw["initialFontName"] = FONT
        holder.append(maker(*a, **kw))
        return holder[-1]
    doc.build(story, canvasmaker=canvasmaker)
    return buffer.getvalue(), len(holder[-1]._saved)


__all__ = ["fair_build"]
