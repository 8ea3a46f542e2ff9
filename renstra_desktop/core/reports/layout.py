"""Page templates of the official reports: paper, fonts, styles, kop, running header and the
footer "Halaman X dari Y".

Pages are laid out once.  :class:`ReportCanvas` keeps every finished page until ``save()``;
only then is the page count known, so the footers, the running headers and the page numbers
of the contents page are drawn in that last step (no second layout pass).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as _canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, Table

from ...paths import resource_path
from ..numbers import format_date

FONT = "LiberationSans"
FONT_BOLD = "LiberationSans-Bold"
FONT_ITALIC = "LiberationSans-Italic"
FONT_BOLD_ITALIC = "LiberationSans-BoldItalic"

A4 = (210 * mm, 297 * mm)
F4 = (215 * mm, 330 * mm)           # folio as used by Indonesian offices
PAPERS = {"a4": A4, "f4": F4}

TTE_FOOTER = ("Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik "
              "yang diterbitkan oleh BSrE")

# Margins about 2 cm (DOMAIN.md: 2-3 cm); the footer's lowest line stays >= 10 mm above the edge.
MARGIN_X = 20 * mm
MARGIN_TOP = 15 * mm                  # the running header's baseline
MARGIN_BOTTOM = 22 * mm               # the frame ends here; footer lines below it
HEADER_GAP = 7 * mm                   # running header above the frame on pages after the first
FOOTER_Y = 15 * mm                    # baseline of "Halaman X dari Y"
TTE_FOOTER_Y = 11 * mm                # baseline of the BSrE line (its descenders stay above 10 mm)

INK = colors.black
HEAD_FILL = colors.HexColor("#D9E2EF")
GROUP_FILL = colors.HexColor("#F1F4F8")
GRID = colors.HexColor("#5A5A5A")


def page_size(paper: str, *, portrait: bool = False) -> tuple[float, float]:
    """Landscape (or portrait) size in points of ``a4`` or ``f4``."""
    width, height = PAPERS[paper]
    return (width, height) if portrait else (height, width)


_fonts_ready = False


def register_fonts() -> None:
    """Register the shipped Liberation Sans family once (embedded as subsets in every PDF)."""
    global _fonts_ready
    if _fonts_ready:
        return
    for name, file in ((FONT, "LiberationSans-Regular.ttf"), (FONT_BOLD, "LiberationSans-Bold.ttf"),
                       (FONT_ITALIC, "LiberationSans-Italic.ttf"),
                       (FONT_BOLD_ITALIC, "LiberationSans-BoldItalic.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                  boldItalic=FONT_BOLD_ITALIC)
    _fonts_ready = True


def _style(name, size=8.5, font=FONT, align=TA_LEFT, leading=None, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.22,
                          alignment=align, textColor=INK, **kw)


STYLES = {
    "cell": _style("cell"),
    "cell_right": _style("cell_right", align=TA_RIGHT),
    "cell_center": _style("cell_center", align=TA_CENTER),
    "cell_bold": _style("cell_bold", font=FONT_BOLD),
    "head": _style("head", font=FONT_BOLD, align=TA_CENTER),
    "small": _style("small", size=7),
    "small_center": _style("small_center", size=7, align=TA_CENTER),
    "body": _style("body", size=10, leading=13),
    "title": _style("title", size=13, font=FONT_BOLD, align=TA_CENTER, leading=16, spaceAfter=2),
    "subtitle": _style("subtitle", size=10, align=TA_CENTER, leading=13, spaceAfter=8),
    "section": _style("section", size=11, font=FONT_BOLD, leading=14, spaceBefore=6, spaceAfter=5),
    "kop1": _style("kop1", size=12, font=FONT_BOLD, align=TA_CENTER, leading=14.5),
    "kop2": _style("kop2", size=13, font=FONT_BOLD, align=TA_CENTER, leading=16),
    "kop3": _style("kop3", size=8.5, align=TA_CENTER, leading=11),
    "sign": _style("sign", size=10, leading=13),
    "sign_name": _style("sign_name", size=10, font=FONT_BOLD, leading=13),
    "cover1": _style("cover1", size=24, font=FONT_BOLD, align=TA_CENTER, leading=30),
    "cover2": _style("cover2", size=16, font=FONT_BOLD, align=TA_CENTER, leading=21),
    "toc": _style("toc", size=11, leading=15),
}


@dataclass
class PageInfo:
    """What the running header and the footer of the report say."""
    title: str
    unit_label: str
    period_label: str
    short_code: str
    generated: _dt.date
    tte: bool = False
    office: str = ""          # the office's name (plan_profile), right of the running header


@dataclass
class BuildState:
    """Shared between the document template, the flowables and the canvas of one build."""
    info: PageInfo
    page_count: int = 0
    no_header_pages: set = field(default_factory=set)        # cover, first pages (kop instead)
    cover_pages: set = field(default_factory=set)            # not numbered, not counted
    section_pages: dict = field(default_factory=dict)        # key -> page number (1-based)
    page_refs: list = field(default_factory=list)            # (page, x, y, key, font size)
    spots: dict = field(default_factory=dict)                # role -> (page_index, x1, y1, x2, y2)
    spot_fields: dict = field(default_factory=dict)          # role -> (field name, description, printed name)
    boxes: dict = field(default_factory=dict)                # "signature_block", "paraf_table" -> box
    tte_marks: list = field(default_factory=list)            # (page_index, x, y)
    progress: object = None

    @property
    def numbered_pages(self) -> int:
        """"Halaman X dari Y" counts the content pages: the cover is not numbered."""
        return self.page_count - len(self.cover_pages)

    def shown_page(self, number: int | None) -> int | None:
        """The number printed for page ``number`` (1-based), None for the cover."""
        if number is None or number in self.cover_pages:
            return None
        return number - sum(1 for p in self.cover_pages if p < number)


class ReportCanvas(_canvas.Canvas):
    """A canvas that holds its pages until save() so each footer can say "dari Y"."""

    def __init__(self, *args, state: BuildState, created: _dt.datetime, **kwargs):
        kwargs["invariant"] = 1
        kwargs["initialFontName"] = FONT       # else every page would name an unembedded Helvetica
        super().__init__(*args, **kwargs)
        self._state = state
        self._pages: list[dict] = []
        self.cell_draws: dict = {}       # tables.CellParagraph: the operators of equal cells, drawn once
        stamp = created.astimezone(_dt.timezone.utc).strftime("D:%Y%m%d%H%M%S+00'00'")
        self.setDateFormatter(lambda *_args: stamp)   # CreationDate from the data, not the clock

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        state = self._state
        state.page_count = len(self._pages)
        form = self.acroForm if state.spots else None     # one form for every page's fields
        refs: dict[int, list] = {}
        for ref in state.page_refs:
            refs.setdefault(ref[0], []).append(ref)
        for number, page in enumerate(self._pages, 1):
            self.__dict__.update(page)
            self._decorate(number)
            for _page, x, y, key, size in refs.get(number, ()):
                self.setFont(FONT, size)
                self.drawRightString(x, y, str(state.shown_page(state.section_pages.get(key)) or ""))
            for role, (index, *box) in state.spots.items():
                if index == number - 1:
                    field_name, description, printed = state.spot_fields.get(role) or _role_field(role)
                    add_signature_field(self, form, field_name, box, description, printed)
            super().showPage()
        super().save()

    def _decorate(self, number: int) -> None:
        state = self._state
        info = state.info
        width, height = self._pagesize
        self.saveState()
        self.setFillColor(INK)
        self.setStrokeColor(GRID)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, FOOTER_Y + 9, width - MARGIN_X, FOOTER_Y + 9)
        self.setFont(FONT, 7.5)
        self.drawString(MARGIN_X, FOOTER_Y,
                        f"Renstra Desktop · {info.title} · dibuat {format_date(info.generated)}"
                        f" · kode {info.short_code}")
        shown = state.shown_page(number)
        if shown is not None:
            self.setFont(FONT_BOLD, 8)
            self.drawRightString(width - MARGIN_X, FOOTER_Y, f"Halaman {shown} dari {state.numbered_pages}")
        if info.tte:
            self.setFont(FONT_ITALIC, 7)
            self.drawCentredString(width / 2, TTE_FOOTER_Y, TTE_FOOTER)
        if number not in self._state.no_header_pages:
            y = height - MARGIN_TOP + 2
            self.setFont(FONT, 7.5)
            left = f"{info.title} · {info.unit_label} · {info.period_label}"
            self.drawString(MARGIN_X, y, left)
            room = width - 2 * MARGIN_X - self.stringWidth(left, FONT, 7.5) - 12
            office = info.office
            if office and self.stringWidth(office, FONT, 7.5) <= room:      # a portrait page may have no room for it
                self.drawRightString(width - MARGIN_X, y, office)
            self.line(MARGIN_X, y - 3, width - MARGIN_X, y - 3)
        self.restoreState()


class ReportDoc(BaseDocTemplate):
    """One frame per page, landscape; reports progress after each top-level flowable."""

    def __init__(self, target, *, paper: str, state: BuildState, title: str, subject: str,
                 keywords: str, total_flowables: int, portrait: bool = False):
        size = page_size(paper, portrait=portrait)
        super().__init__(target, pagesize=size, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                         topMargin=MARGIN_TOP + HEADER_GAP, bottomMargin=MARGIN_BOTTOM,
                         title=title, author=state.info.office.title(), subject=subject, keywords=keywords,
                         creator="Renstra Desktop", invariant=1)
        def frame(top_gap, name):
            return Frame(MARGIN_X, MARGIN_BOTTOM, size[0] - 2 * MARGIN_X,
                         size[1] - MARGIN_BOTTOM - MARGIN_TOP - top_gap, id=name,
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        # the first page carries the kop (or the cover) instead of the running header
        self.addPageTemplates([PageTemplate(id="first", frames=[frame(-4 * mm, "first")], autoNextPageTemplate="page"),
                               PageTemplate(id="page", frames=[frame(HEADER_GAP, "body")])])
        self.state = state
        self._total = max(total_flowables, 1)
        self._done = 0

    def build(self, flowables, **kwargs):
        super().build(flowables, **kwargs)
        if self.state.progress is not None and self._done < self._total:
            self.state.progress(self._total, self._total)   # page breaks are not reported one by one

    def afterFlowable(self, flowable):
        if getattr(flowable, "_top_level", False):
            self._done += 1
            if self.state.progress is not None:
                self.state.progress(self._done, self._total)


class CoverPage(Flowable):
    """Marks the page it lands on as the cover: no running header, no page number, not counted."""
    zero_size = True

    def wrap(self, *_args):
        return 0, 0

    def draw(self):
        number = self.canv.getPageNumber()
        self.canv._state.no_header_pages.add(number)
        self.canv._state.cover_pages.add(number)


class NoHeader(Flowable):
    """Marks the page it lands on as one without the running header (it carries the kop)."""
    zero_size = True

    def wrap(self, *_args):
        return 0, 0

    def draw(self):
        self.canv._state.no_header_pages.add(self.canv.getPageNumber())


class SectionMark(Flowable):
    """Records the page a section starts on, for the contents page."""
    zero_size = True

    def __init__(self, key: str):
        super().__init__()
        self.key = key

    def wrap(self, *_args):
        return 0, 0

    def draw(self):
        self.canv._state.section_pages[self.key] = self.canv.getPageNumber()


class PageRef(Flowable):
    """A right-aligned page number of a section, filled in when the document is saved."""

    def __init__(self, key: str, width: float = 40, size: float = 11):
        super().__init__()
        self.key, self.width, self.size = key, width, size

    def wrap(self, *_args):
        return self.width, self.size * 1.2

    def draw(self):
        x, y = self.canv.absolutePosition(self.width, 0.2 * self.size)
        self.canv._state.page_refs.append((self.canv.getPageNumber(), x, y, self.key, self.size))


class DoubleRule(Flowable):
    """The thick-thin rule under a kop."""

    def wrap(self, avail_width, _h):
        self.width = avail_width
        return avail_width, 6

    def draw(self):
        c = self.canv
        c.setStrokeColor(INK)
        c.setLineWidth(1.6)
        c.line(0, 4.5, self.width, 4.5)
        c.setLineWidth(0.5)
        c.line(0, 1.5, self.width, 1.5)


def plain_table(rows, col_widths, style=()) -> Table:
    """A layout table without grid (charts side by side, heat maps and their legend).  Its cells
    name the shipped font: reportlab's default cell font, Helvetica, would be referenced unembedded."""
    return Table(rows, colWidths=col_widths, hAlign="LEFT",
                 style=[("FONT", (0, 0), (-1, -1), FONT, 8.5), *style])


def _role_field(role_key: str) -> tuple[str, str, str]:
    """A spot recorded without its field (a report drawing its own block): the role's own field."""
    from ..signing.roles import ROLES

    role = ROLES[role_key]
    return role.field_name, f"Tanda tangan {role.label}", ""


def add_signature_field(canv, form, field_name: str, box, description: str, printed_name: str) -> None:
    """An empty signature field (the spot a signer's stamp goes) on the canvas's current page.

    Written when the page is finally emitted (ReportCanvas.save), so /P names the right page.
    ``printed_name`` is the name printed under the spot: signing compares the certificate with it.
    """
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString

    x1, y1, x2, y2 = box
    appearance = form.makeStream(round(x2 - x1, 2), round(y2 - y1, 2), "")   # empty until signed
    field = PDFDictionary({
        "FT": PDFName("Sig"), "T": PDFString(field_name), "TU": PDFString(description),
        "Type": PDFName("Annot"), "Subtype": PDFName("Widget"), "F": 4,          # printable
        "Rect": PDFArray([round(v, 2) for v in box]), "P": canv._doc.thisPageRef(),
        "AP": PDFDictionary({"N": form.getRef(appearance)}),
        "RenstraNama": PDFString(printed_name),
    })
    canv._addAnnotation(field)
    form.fields.append(form.getRef(field))


def kop(profile, unit_name: str | None, address: str | None) -> list:
    """Letterhead: the plan's ministry lines and office (plan_profile.PlanProfile), and (for a UPT)
    the unit, its address, a double rule."""
    parts = [NoHeader(), *[Paragraph(escape(line), STYLES["kop1"]) for line in profile.ministry],
             Paragraph(escape(profile.name), STYLES["kop2"])]
    if unit_name:
        parts.append(Paragraph(escape(unit_name.upper()), STYLES["kop1"]))
    if address:
        parts.append(Paragraph(escape(address.strip().rstrip(",")), STYLES["kop3"]))
    return parts + [Spacer(0, 2), DoubleRule(), Spacer(0, 6)]


def escape(text) -> str:
    """Text for a Paragraph: &, < and > escaped, line breaks kept."""
    s = "" if text is None else str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("\n", "<br/>")
