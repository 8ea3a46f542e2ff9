"""Roadmap (section 3.3): aspect x year, the items of each cell labelled a., b., c. as in the
document; an item whose status is not "rencana" shows it in brackets."""
from __future__ import annotations

from reportlab.platypus import Paragraph, Spacer

from .. import queries
from .base import Context
from .layout import STYLES
from .tables import OfficialTable, bullets, para

STATUS_LABEL = {"berjalan": "berjalan", "selesai": "selesai", "batal": "batal"}


def collect(conn, options) -> dict:
    names = queries.unit_names(conn)
    units: list[dict] = []
    for r in queries.roadmap_rows(conn, options.unit):
        if not (r["text"] or "").strip():
            continue        # empty cells of a new installation
        unit = units[-1] if units and units[-1]["unit"] == r["unit_code"] else None
        if unit is None:
            unit = {"unit": r["unit_code"], "unit_name": names.get(r["unit_code"], r["unit_code"]), "aspects": []}
            units.append(unit)
        aspect = next((a for a in unit["aspects"] if a["name"] == r["aspect"]), None)
        if aspect is None:
            aspect = {"name": r["aspect"], "years": {str(y): [] for y in options.span}}
            unit["aspects"].append(aspect)
        cell = aspect["years"].setdefault(str(r["year"]), [])
        label = chr(ord("a") + len(cell)) if len(cell) < 26 else str(len(cell) + 1)
        status = STATUS_LABEL.get(r["status"])
        cell.append(f"{label}. {r['text']}" + (f" ({status})" if status else ""))
    return {"units": units}


def story(data: dict, ctx: Context) -> list:
    n = len(ctx.options.span)
    t = OfficialTable([0.04, 0.13] + [0.166] * n, ctx.width, center_cols=(0,))
    t.header(["No.", "Aspek"] + [str(y) for y in ctx.options.span])
    if not data["units"]:
        t.row(["", Paragraph("Roadmap belum diisi.", STYLES["cell"])] + [""] * n)
    province = ctx.options.unit is None
    for unit in data["units"]:
        if province:
            t.group(unit["unit_name"])
        for i, aspect in enumerate(unit["aspects"], 1):
            t.row([str(i), para(aspect["name"], "cell_bold")]
                  + [bullets(aspect["years"].get(str(y), [])) for y in ctx.options.span])
    return [*t.tables(), Spacer(0, 3),
            Paragraph("Status butir ditulis dalam kurung bila bukan “rencana” (berjalan, selesai, batal).",
                      STYLES["small"])]
