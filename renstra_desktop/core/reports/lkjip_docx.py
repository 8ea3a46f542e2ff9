"""The LKjIP as an editable Word document (python-docx), from the same figures and chapters as the
PDF (:mod:`.lkjip`), because units finish the LKjIP in Word.  Tables are real Word tables; the
narrative keeps its bold, italic, underline and lists; the signature block closes the document."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Mm, Pt

from ..cycle import narrative
from ..numbers import format_nip
from .base import ReportOptions
from .build import collect, payload_for, write_pdf
from ..plan_profile import load_profile
from .layout import PAPERS
from .lkjip import SECTIONS, chapters, title
from .signature_block import load_signatory


def build_docx(conn, options: ReportOptions, target=None) -> bytes:
    """The Word document's bytes; written atomically to ``target`` when given."""
    options = options.checked(conn)
    figures = collect(conn, options)
    data = figures["figures"]
    payload = payload_for(conn, options, figures)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = (Mm(v / 72 * 25.4) for v in PAPERS[options.paper])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(25))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Liberation Sans", Pt(11)

    profile = load_profile(conn)
    for text in (*profile.ministry, profile.name):
        _centered(doc, text, 12, bold=True)
    for _ in range(4):
        doc.add_paragraph()
    _centered(doc, title(data), 20, bold=True)
    _centered(doc, data["unit_name"].upper(), 14, bold=True)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    first = True
    for kind, value in chapters(data):
        if kind == "h1":
            if not first and value.startswith(("BAB", "LAMPIRAN")):
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            doc.add_heading(value, level=1)
            first = False
        elif kind == "h2":
            doc.add_heading(value, level=2)
        elif kind == "p":
            doc.add_paragraph(value)
        elif kind == "narrative":
            blocks = data["narrative"][value]
            if not blocks:
                doc.add_paragraph().add_run(f"(Bagian {SECTIONS[value]} belum diisi.)").italic = True
            for bkind, inline in blocks:
                para = doc.add_paragraph(style="List Bullet" if bkind == "li" else None)
                for text, marks in narrative.runs(inline):
                    if text == "\n":
                        para.add_run().add_break()
                        continue
                    run = para.add_run(text)
                    run.bold, run.italic, run.underline = "b" in marks, "i" in marks, "u" in marks or None
        elif kind == "table":
            _table(doc, value)
    _signature(doc, conn, options, data)
    footer = section.footer.paragraphs[0]
    footer.text = f"Renstra Desktop · {title(data)} · kode {payload.short_code}"
    footer.runs[0].font.size = Pt(8)
    buffer = io.BytesIO()
    doc.save(buffer)
    body = buffer.getvalue()
    if target is not None:
        write_pdf(target, body)          # the same atomic write (name kept: it writes any bytes)
    return body


def _centered(doc, text, size, bold=False):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold, run.font.size = bold, Pt(size)


def _table(doc, spec: dict) -> None:
    rows = spec["rows"] or [["–"] + [""] * (len(spec["header"]) - 1)]
    extra = 1 if spec.get("group") else 0
    table = doc.add_table(rows=1 + extra + len(rows), cols=len(spec["header"]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin
    for j, w in enumerate(spec["widths"]):
        for cell in table.columns[j].cells:
            cell.width = int(total * w / sum(spec["widths"]))
    for j, text in enumerate(spec["header"]):
        cell = table.rows[0].cells[j]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(9)
    if extra:
        merged = table.rows[1].cells[0].merge(table.rows[1].cells[-1])
        merged.text = ""
        merged.paragraphs[0].add_run(spec["group"]).bold = True
    for i, row in enumerate(rows, 1 + extra):
        for j, text in enumerate(row):
            cell = table.rows[i].cells[j]
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(text))
            run.font.size = Pt(9)
            if j in spec["numbers"]:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()


def _signature(doc, conn, options, data) -> None:
    from .base import data_time
    sig = load_signatory(conn, options.unit)
    day = (options.generated_at or data_time(conn)).date()
    doc.add_paragraph(f"Demikian {title(data).title()} {data['unit_name']} ini disusun.")
    for text in (sig.place_date(day), *( [f"a.n. {sig.on_behalf},"] if sig.on_behalf else []), sig.jabatan or "Kepala"):
        p = doc.add_paragraph(text)
        p.paragraph_format.left_indent = Mm(90)
        p.paragraph_format.keep_with_next = True
    for _ in range(3):
        p = doc.add_paragraph()
        p.paragraph_format.keep_with_next = True
    p = doc.add_paragraph()
    p.paragraph_format.left_indent = Mm(90)
    p.paragraph_format.keep_with_next = True
    run = p.add_run(sig.name or "(" + "." * 40 + ")")
    run.bold, run.underline = True, bool(sig.name)
    p = doc.add_paragraph(f"NIP {format_nip(sig.nip)}" if sig.nip else "NIP " + "." * 36)
    p.paragraph_format.left_indent = Mm(90)


__all__ = ["build_docx"]
