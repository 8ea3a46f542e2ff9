"""Laporan Kinerja (LKjIP): semester for a UPT (period 2026-S1/S2), annual for the Kanwil (2026).

Built from what the file holds: cover, kata pengantar, ikhtisar eksekutif, BAB I pendahuluan (the
unit's profile), BAB II perencanaan kinerja (Renstra targets, PK), BAB III akuntabilitas kinerja
(per sasaran: target vs realisation, vs earlier years, vs the Renstra's last-year target, vs a national
standard, causes and solutions; the units' figures for the Kanwil; realisasi anggaran), BAB IV
penutup and the PK as lampiran.  Narrative sections come from ``report_narrative`` (edited in
the window); :mod:`.lkjip_docx` writes the same content as a Word document.
"""
from __future__ import annotations

from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer

from .. import queries
from ..cycle import narrative
from ..cycle.agreement import agreement
from ..cycle.grading import graded, realisations
from ..cycle.indicators import final_target, manual
from ..cycle.measurement import measurement
from ..errors import ValidationError
from ..numbers import format_number
from .base import Context, fmt_money, fmt_percent, fmt_value, period_label
from .cycle_parts import graded_cells, kept_with_signature
from .layout import NoHeader, STYLES, escape
from .tables import OfficialTable, para

PORTRAIT = True
OWN_HEADING = True
SECTIONS = narrative.TITLES


def _period(options) -> str:
    period = options.period or str(options.year)
    if not (len(period) == 4 or period[5:] in ("S1", "S2")):
        raise ValidationError(f"LKjIP dibuat per semester (2026-S1, 2026-S2) atau per tahun (2026), bukan {period}.")
    return period


def collect(conn, options) -> dict:
    period = _period(options)
    year, unit = int(period[:4]), options.unit
    pk = agreement(conn, unit, year)
    unit_row = dict(conn.execute("SELECT * FROM unit WHERE code = ?", (unit,)).fetchone())
    manuals = {m["code"]: m for m in manual(conn, unit)}
    rows = measurement(conn, unit, period)
    objectives: list[dict] = []
    for r in rows:
        values = realisations(conn, unit, r["code"])
        earlier = [{"year": str(y), "actual": fmt_value(queries.rollup(values, y, r["rollup"]), r["measure"])}
                   for y in options.span if y < year]
        final = final_target(conn, unit, r["code"])
        vs_final = graded(conn, final, r["cumulative"]["actual"], r["polarity"])
        std = (manuals.get(r["code"]) or {}).get("national_standard")
        obj = next((o for o in objectives if o["name"] == r["objective"]), None)
        if obj is None:
            obj = {"name": r["objective"], "indicators": []}
            objectives.append(obj)
        obj["indicators"].append({
            "code": r["code"], "name": r["name"], "measure": r["measure"],
            "period": graded_cells(r["period_graded"], r["measure"]),
            "year": graded_cells(r["against_year"], r["measure"]),
            "earlier": earlier, "final_target": fmt_value(final, r["measure"]),
            "vs_final": fmt_percent(vs_final["achievement"]),
            "standard": fmt_value(std, r["measure"]) if std is not None else "",
            "explanation": r["explanation"], "obstacles": r["obstacles"], "solutions": r["solutions"],
            "evidence": len(r["evidence"])})
    budget = []
    for line in queries.funding_rows(conn, unit):
        pagu, real = line["allocation"].get(year), line["realised"].get(year)
        budget.append({"line": f"{line['line_code']} {line['line_name']}".strip(), "pagu": fmt_money(pagu),
                       "realised": fmt_money(real),
                       "absorption": fmt_percent(real / pagu * 100 if pagu and real is not None else None)})
    units = []
    if unit_row["unit_type"] == "kanwil" and len(period) == 4:
        for r in queries.indicator_rows(conn, None, year):
            if r["unit_code"] == unit:
                continue
            u = next((x for x in units if x["code"] == r["unit_code"]), None)
            if u is None:
                u = {"code": r["unit_code"], "name": r["unit_name"], "lines": []}
                units.append(u)
            u["lines"].append({"code": r["indicator_code"], "target": fmt_value(r["targets"].get(year), r["measure"]),
                               "actual": fmt_value(r["actual"], r["measure"]), "through": r["actual_through"],
                               "achievement": fmt_percent(r["achievement"]), "grade": r["grade"] or "–"})
    texts = narrative.sections(conn, unit, period)
    return {
        "span": list(options.span), "period": period, "year": year, "semester": len(period) > 4, "unit": unit, "unit_name": unit_row["name"],
        "profile": {"address": unit_row["address"] or "", "staff": "" if unit_row["staff_count"] is None
                    else format_number(unit_row["staff_count"]), "type": unit_row["unit_type"]},
        "narrative": {k: narrative.blocks(texts.get(k, "")) for k in SECTIONS},
        "renstra": [{"code": t["code"], "name": t["name"], "objective": t["objective"],
                     "targets": [fmt_value(_target(conn, unit, t["code"], y), t["measure"]) for y in options.span]}
                    for t in pk["targets"]],
        "pk": [{"objective": t["objective"], "code": t["code"], "name": t["name"],
                "target": fmt_value(t["target"], t["measure"])} for t in pk["targets"]],
        "pk_revision": pk["revision"], "objectives": objectives, "budget": budget, "units": units,
    }


def _target(conn, unit, code, year):
    from ..cycle.indicators import renstra_target
    return renstra_target(conn, unit, code, year)


def title(data) -> str:
    if data["semester"]:
        return f"LAPORAN KINERJA {period_label(data['period']).upper()}"
    return f"LAPORAN KINERJA INSTANSI PEMERINTAH TAHUN {data['year']}"


def chapters(data: dict) -> list[tuple]:
    """The document as a list of parts both renderers walk: ('h1', text), ('h2', text),
    ('narrative', key), ('p', text), ('table', {'widths', 'header', 'rows', 'numbers'})."""
    parts: list[tuple] = [("h1", "KATA PENGANTAR"), ("narrative", "kata_pengantar"),
                          ("h1", "IKHTISAR EKSEKUTIF"), ("narrative", "ikhtisar")]
    summary = [[f"{i['code']} {i['name']}", i["period"]["target"], i["period"]["actual"], i["period"]["achievement"],
                i["period"]["grade"]] for o in data["objectives"] for i in o["indicators"]]
    parts.append(("table", {"widths": [0.5, 0.12, 0.12, 0.13, 0.13], "numbers": (1, 2, 3),
                            "header": ["Indikator", "Target", "Realisasi", "Capaian", "Predikat"], "rows": summary}))
    p = data["profile"]
    parts += [("h1", "BAB I PENDAHULUAN"),
              ("p", f"{data['unit_name']} beralamat di {p['address'] or '–'}, dengan jumlah pegawai {p['staff'] or '–'} "
                    "orang."), ("narrative", "pendahuluan"),
              ("h1", "BAB II PERENCANAAN KINERJA"), ("h2", f"A. Rencana Strategis {data['span'][0]}-{data['span'][-1]}"),
              ("table", {"widths": [0.45] + [0.11] * 5, "numbers": (1, 2, 3, 4, 5),
                         "header": ["Indikator"] + [str(y) for y in data["span"]],
                         "rows": [[f"{r['code']} {r['name']}", *r["targets"]] for r in data["renstra"]]}),
              ("h2", "B. Perjanjian Kinerja" + (" (Perubahan)" if data["pk_revision"] else "")),
              ("table", {"widths": [0.35, 0.5, 0.15], "numbers": (2,), "header": ["Sasaran", "Indikator", "Target"],
                         "rows": [[r["objective"], f"{r['code']} {r['name']}", r["target"]] for r in data["pk"]]}),
              ("narrative", "perencanaan"),
              ("h1", "BAB III AKUNTABILITAS KINERJA"), ("h2", "A. Capaian Kinerja")]
    label = period_label(data["period"])
    for n, obj in enumerate(data["objectives"], 1):
        parts.append(("h2", f"Sasaran {n}: {obj['name']}"))
        for i in obj["indicators"]:
            years = [e["year"] for e in i["earlier"]]
            parts.append(("table", {
                "widths": [0.3, 0.1, 0.1, 0.1] + [0.08] * len(years) + [0.1, 0.1],
                "numbers": tuple(range(1, 6 + len(years))),
                "header": ["Indikator", f"Target {label}", f"Realisasi {label}", "Capaian",
                           *[f"Realisasi {y}" for y in years], f"Target {data['span'][-1]}", f"Capaian thd {data['span'][-1]}"],
                "rows": [[f"{i['code']} {i['name']}", i["period"]["target"], i["period"]["actual"],
                          i["period"]["achievement"], *[e["actual"] for e in i["earlier"]], i["final_target"],
                          i["vs_final"]]]}))
            if i["standard"]:
                parts.append(("p", f"Standar nasional {i['code']}: {i['standard']}."))
            for head, key in (("Penjelasan", "explanation"), ("Kendala", "obstacles"),
                              ("Solusi / rencana tindak lanjut", "solutions")):
                if i[key]:
                    parts.append(("p", f"{head}: {i[key]}"))
    parts.append(("narrative", "analisis"))
    if data["units"]:
        parts.append(("h2", "B. Capaian Kinerja Satuan Kerja"))
        for u in data["units"]:
            parts.append(("table", {"widths": [0.3, 0.14, 0.2, 0.16, 0.2], "numbers": (1, 2, 3), "group": u["name"],
                                    "header": ["IKK", "Target", "Realisasi", "Capaian", "Predikat"],
                                    "rows": [[l["code"], l["target"], f"{l['actual']} {l['through']}".strip(),
                                              l["achievement"], l["grade"]] for l in u["lines"]]}))
    parts += [("h2", ("C." if data["units"] else "B.") + " Realisasi Anggaran"),
              ("table", {"widths": [0.46, 0.18, 0.18, 0.18], "numbers": (1, 2, 3),
                         "header": ["Sasaran / IKK", "Pagu (juta Rp)", "Realisasi (juta Rp)", "% Serapan"],
                         "rows": [[b["line"], b["pagu"], b["realised"], b["absorption"]] for b in data["budget"]]}),
              ("narrative", "anggaran"),
              ("h1", "BAB IV PENUTUP"), ("narrative", "penutup"),
              ("h1", "LAMPIRAN: PERJANJIAN KINERJA"),
              ("table", {"widths": [0.35, 0.5, 0.15], "numbers": (2,), "header": ["Sasaran", "Indikator", "Target"],
                         "rows": [[r["objective"], f"{r['code']} {r['name']}", r["target"]] for r in data["pk"]]})]
    return parts


def story(data: dict, ctx: Context) -> list:
    out = [NoHeader(), Spacer(0, 120), Paragraph(escape(title(data)), STYLES["cover1"]), Spacer(0, 24),
           Paragraph(escape(data["unit_name"].upper()), STYLES["cover2"]),
           Paragraph(escape(ctx.profile.name), STYLES["cover2"]), PageBreak()]
    for kind, value in chapters(data):
        if kind == "h1":
            if value != "KATA PENGANTAR":
                out.append(PageBreak() if value.startswith(("BAB", "LAMPIRAN")) else CondPageBreak(150))
            out.append(Paragraph(escape(value), STYLES["title"]))
        elif kind == "h2":
            out += [CondPageBreak(90), Paragraph(escape(value), STYLES["section"])]
        elif kind == "p":
            out.append(Paragraph(escape(value), STYLES["body"]))
        elif kind == "narrative":
            blocks = data["narrative"][value]
            if not blocks:
                out.append(Paragraph(f"<i>(Bagian {escape(SECTIONS[value])} belum diisi.)</i>", STYLES["body"]))
            for bkind, inline in blocks:
                out.append(Paragraph(("•&nbsp;" if bkind == "li" else "") + inline, STYLES["body"]))
        elif kind == "table":
            t = OfficialTable(value["widths"], ctx.width, number_cols=value["numbers"])
            t.header(value["header"])
            if value.get("group"):
                t.group(value["group"])
            for row in value["rows"] or [["–"] + [""] * (len(value["widths"]) - 1)]:
                t.row([c if j in value["numbers"] else para(c) for j, c in enumerate(row)])
            out += [t.table(), Spacer(0, 6)]
    return out


def signature(data, ctx, area, payload, created, story) -> list:
    return kept_with_signature(f"Demikian {title(data).title()} {data['unit_name']} ini disusun.", area, story)
