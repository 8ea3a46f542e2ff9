"""Manual Indikator Kinerja: per indicator the unit reports on its definition, formula, data
source, person responsible, polarity, how periods aggregate and its unit of measure; a unit's own
indicators name the Kanwil IKK they support."""
from __future__ import annotations

from ..cycle.indicators import manual
from ..numbers import format_number
from .base import Context
from .cycle_parts import kept_with_signature
from .tables import OfficialTable, para


def collect(conn, options) -> dict:
    rows = manual(conn, options.unit)
    return {"indicators": [{
        "code": r["code"], "name": r["name"], "objective": r["objective"], "parent": r["parent_code"] or "",
        "definition": r["definition"] or "", "formula": r["formula"] or "", "data_source": r["data_source"] or "",
        "responsible": r["responsible"] or "", "polarity": r["polarity_label"], "rollup": r["rollup_label"],
        "measure": r["measure"],
        "standard": "" if r["national_standard"] is None else format_number(r["national_standard"])} for r in rows]}


def story(data: dict, ctx: Context) -> list:
    out = []
    for ind in data["indicators"]:
        t = OfficialTable([0.22, 0.78], ctx.width)
        t.group(f"{ind['code']} {ind['name']}")
        for label, key in (("Sasaran", "objective"), ("Mendukung IKK Kanwil", "parent"), ("Definisi", "definition"),
                           ("Formula", "formula"), ("Sumber data", "data_source"), ("Penanggung jawab", "responsible"),
                           ("Polaritas", "polarity"), ("Rekap periode", "rollup"), ("Satuan", "measure"),
                           ("Standar nasional", "standard")):
            if key == "parent" and not ind[key]:
                continue
            t.row([label, para(ind[key] or "–")])
        out += [t.table()]
        from reportlab.platypus import Spacer
        out.append(Spacer(0, 8))
    return out


def signature(data, ctx, area, payload, created, story) -> list:
    return kept_with_signature("Manual indikator kinerja ini menjadi acuan pengukuran dan pelaporan kinerja.", area, story)
