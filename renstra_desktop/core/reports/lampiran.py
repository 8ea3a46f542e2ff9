"""Lampiran Renstra: cover, contents, then the tables of the Renstra's annexes for one unit (or the
whole province): capaian kinerja (with the history of the five years before the plan when asked), register risiko, matriks
kinerja dan pendanaan and roadmap, each starting on a new page.  It holds the Renstra's tables, not
its chapters, and says so on its cover.  The cover is not numbered; the contents page's numbers are
filled in when the document is saved (layout.PageRef), so the pages are laid out only once."""
from __future__ import annotations

from dataclasses import replace

from reportlab.platypus import PageBreak, Paragraph, Spacer, Table

from . import capaian, pendanaan, risiko, roadmap
from ..dataset import KANWIL
from .base import Context, period_label
from .layout import FONT, STYLES, CoverPage, PageRef, SectionMark, escape, kop

SECTIONS = (
    ("capaian", capaian, "Capaian Kinerja"),
    ("risiko", risiko, "Register Risiko (Lampiran II)"),
    ("pendanaan", pendanaan, "Matriks Kinerja dan Pendanaan (Lampiran I)"),
    ("roadmap", roadmap, "Roadmap"),
)


def collect(conn, options) -> dict:
    sub = replace(options, kind="capaian")
    return {key: mod.collect(conn, sub) for key, mod, _title in SECTIONS}


def _cover(ctx: Context, data: dict) -> list:
    period = period_label(data["capaian"]["period"])
    return [CoverPage()] + kop(ctx.profile, None, None)[1:] + [
        Spacer(0, 34),
        Paragraph("LAMPIRAN", STYLES["cover2"]),
        Spacer(0, 6),
        Paragraph("RENCANA STRATEGIS", STYLES["cover1"]),
        Spacer(0, 10),
        *[Paragraph(escape(line), STYLES["cover2"]) for line in _cover_lines(ctx)],
        Spacer(0, 14),
        Paragraph(f"{ctx.options.span[0]} - {ctx.options.span[-1]}", STYLES["cover1"]),
        Spacer(0, 26),
        Paragraph(escape(f"Tabel capaian kinerja {period}, register risiko, matriks kinerja dan pendanaan, "
                         "serta roadmap. Bab-bab Renstra ada pada dokumen Renstra sendiri."), STYLES["subtitle"]),
    ]


def _cover_lines(ctx: Context) -> list[str]:
    province = ctx.profile.province.upper()
    if ctx.options.unit is None:
        return ["SATUAN KERJA JAJARAN", "KANTOR WILAYAH DIREKTORAT JENDERAL PEMASYARAKATAN", province]
    if ctx.options.unit == KANWIL:
        return ["KANTOR WILAYAH", "DIREKTORAT JENDERAL PEMASYARAKATAN", province]
    return [ctx.unit_label.upper(), province]


def _title(key: str, title: str, ctx: Context) -> str:
    """A section's title; the roadmap's names the plan's span ("Roadmap 2025-2029")."""
    return f"{title} {ctx.options.plan_period}" if key == "roadmap" else title


def _contents(ctx: Context) -> list:
    rows = [[Paragraph(f"{i}.", STYLES["toc"]), Paragraph(_title(key, title, ctx), STYLES["toc"]), PageRef(key, 40, 11)]
            for i, (key, _mod, title) in enumerate(SECTIONS, 1)]
    table = Table(rows, colWidths=[30, ctx.width - 130, 50], hAlign="LEFT",
                  style=[("FONT", (0, 0), (-1, -1), FONT, 11), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                         ("LINEBELOW", (1, 0), (1, -1), 0.3, "#999999"),
                         ("BOTTOMPADDING", (0, 0), (-1, -1), 6), ("TOPPADDING", (0, 0), (-1, -1), 6)])
    return [Paragraph("DAFTAR ISI", STYLES["title"]), Spacer(0, 12),
            Paragraph("Bagian", STYLES["cell_bold"]), Spacer(0, 4), table]


def story(data: dict, ctx: Context) -> list:
    out = _cover(ctx, data) + [PageBreak()] + _contents(ctx)
    for i, (key, mod, title) in enumerate(SECTIONS, 1):
        title = _title(key, title, ctx)
        out += [PageBreak(), SectionMark(key), Paragraph(f"{i}. {title.upper()}", STYLES["title"]),
                Paragraph(escape(f"{ctx.unit_label} · "
                                 f"{period_label(data['capaian']['period']) if key == 'capaian' else ctx.options.plan_period}"),
                          STYLES["subtitle"])]
        out += mod.story(data[key], ctx)
    return out


__all__ = ["collect", "story"]
