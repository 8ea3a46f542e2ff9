"""Register Risiko in the layout of Lampiran II: No, Indikasi Risiko, Indikasi Perlakuan Risiko,
Indikasi Penanggung Jawab Risiko, Indikator Keberhasilan, grouped by unit, programme and area;
a risk's cause (penyebab) and existing control (pengendalian yang ada) under the risk, when filled;
an "Analisis" column (kemungkinan, dampak, besaran, level) when any risk has them; a 5 x 5 heat
map.  A penanggung jawab equal to the one above is printed "s.d.a." (the document merges those
cells; a merged cell cannot split across pages)."""
from __future__ import annotations

from reportlab.platypus import KeepTogether, Paragraph, Spacer

from .. import queries
from ..schema import RISK_AREAS
from ..settings import load_settings
from .base import Context
from .charts import heat_map
from .layout import STYLES, escape, plain_table
from .tables import CellParagraph, OfficialTable, bullets, para

PROGRAM_NAMES = {"PPH": "Program Penegakan dan Pelayanan Hukum", "DUKMAN": "Program Dukungan Manajemen"}
SAME_AS_ABOVE = "s.d.a."


def _analysis(r, stage) -> str:
    k, d, m, lvl = (r[f"{stage}_likelihood"], r[f"{stage}_impact"], r[f"{stage}_magnitude"], r[f"{stage}_level"])
    if k is None or d is None:
        return ""
    # besaran is looked up in the 5 × 5 matrix, not multiplied: "K4 × D5 = 24" read as wrong arithmetic
    return f"K{k}, D{d}: besaran {m} ({lvl})"


def collect(conn, options) -> dict:
    settings = load_settings(conn)
    names = queries.unit_names(conn)
    program_names = {r["code"]: r["name"] for r in conn.execute("SELECT code, name FROM program WHERE deleted = 0")}
    units: list[dict] = []
    inherent: dict = {}
    residual: dict = {}
    for r in queries.risk_rows(conn, options.unit):
        if not (r["risk"] or r["treatments"] or r["success_indicators"]):
            continue        # an empty area row of a new installation: nothing to print
        unit = units[-1] if units and units[-1]["unit"] == r["unit_code"] else None
        if unit is None:
            unit = {"unit": r["unit_code"], "unit_name": names.get(r["unit_code"], r["unit_code"]), "programs": []}
            units.append(unit)
        prog = unit["programs"][-1] if unit["programs"] and unit["programs"][-1]["code"] == r["program_code"] else None
        if prog is None:
            name = program_names.get(r["program_code"], r["program_code"])
            prog = {"code": r["program_code"], "name": PROGRAM_NAMES.get(r["program_code"], name), "areas": []}
            unit["programs"].append(prog)
        area = prog["areas"][-1] if prog["areas"] and prog["areas"][-1]["name"] == r["area"] else None
        if area is None:
            area = {"no": str(len(prog["areas"]) + 1), "name": r["area"], "risks": []}
            prog["areas"].append(area)
        area["risks"].append({
            "risk": r["risk"], "cause": (r["cause"] or "").strip(), "control": (r["current_control"] or "").strip(),
            "treatments": list(r["treatments"]), "responsible": r["responsible"] or "",
            "success": list(r["success_indicators"]), "inherent": _analysis(r, "inherent"),
            "residual": _analysis(r, "residual"), "rtp": bool(r["needs_action_plan"]),
        })
        for stage, counts in (("inherent", inherent), ("residual", residual)):
            k, d = r[f"{stage}_likelihood"], r[f"{stage}_impact"]
            if k is not None and d is not None:
                counts[f"{k},{d}"] = counts.get(f"{k},{d}", 0) + 1
    analysed = any(x["inherent"] or x["residual"] for u in units for p in u["programs"] for a in p["areas"]
                   for x in a["risks"])
    return {"units": units, "analysed": analysed, "inherent_counts": inherent, "residual_counts": residual,
            "matrix": [list(row) for row in settings.risk_matrix], "levels": [list(x) for x in settings.risk_levels],
            "appetite": settings.risk_appetite, "area_order": {k: list(v) for k, v in RISK_AREAS.items()}}


def story(data: dict, ctx: Context) -> list:
    analysed = data["analysed"]
    fr = [0.05, 0.2, 0.26, 0.19, 0.3] if not analysed else [0.045, 0.18, 0.23, 0.15, 0.25, 0.145]
    t = OfficialTable(fr, ctx.width, center_cols=(0,))
    heads = ["No.", "Indikasi Risiko", "Indikasi Perlakuan Risiko", "Indikasi Penanggung Jawab Risiko",
             "Indikator Keberhasilan"] + (["Analisis Risiko (Kemungkinan × Dampak)"] if analysed else [])
    t.header(heads)
    t.numbering_row()
    ncols = len(heads)
    if not data["units"]:
        t.row([""] + [para("Register risiko belum diisi.")] + [""] * (ncols - 2))
    for unit in data["units"]:
        t.group(unit["unit_name"])
        for prog in unit["programs"]:
            t.group(prog["name"], level=1)
            for area in prog["areas"]:
                t.row([area["no"], para(area["name"], "cell_bold")] + [""] * (ncols - 2), heading=True)
                previous = None
                for x in area["risks"]:
                    owner = x["responsible"]
                    shown = SAME_AS_ABOVE if owner and owner == previous else owner
                    previous = owner
                    cells = ["", _risk_cell(x), bullets(x["treatments"], mark="•"), para(shown),
                             bullets(x["success"], mark="•")]
                    if analysed:
                        lines = []
                        if x["inherent"]:
                            lines.append(f"Inheren: {x['inherent']}")
                        if x["residual"]:
                            lines.append(f"Residual: {x['residual']}")
                        if x["rtp"]:
                            lines.append("Perlu RTP")
                        cells.append(bullets(lines, "small"))
                    t.row(cells)
    out = [*t.tables(), Spacer(0, 10)]
    counts_in = {tuple(int(v) for v in k.split(",")): n for k, n in data["inherent_counts"].items()}
    counts_re = {tuple(int(v) for v in k.split(",")): n for k, n in data["residual_counts"].items()}
    maps = [heat_map(data["matrix"], data["levels"], counts_in, "Risiko inheren", 170),
            heat_map(data["matrix"], data["levels"], counts_re, "Risiko residual", 170)]
    legend = Paragraph(
        "Angka kecil: besaran risiko (tabel kemungkinan × dampak); angka besar: jumlah risiko pada sel itu. "
        f"Level: {_levels_text(data['levels'])}. "
        f"Risiko dengan besaran di atas selera risiko ({data['appetite']}) memerlukan RTP."
        + ("" if data["analysed"] else " Belum ada risiko yang dinilai kemungkinan dan dampaknya."),
        STYLES["cell"])
    out.append(KeepTogether([Paragraph("Peta Risiko (matriks 5 × 5)", STYLES["section"]),
                             plain_table([[maps[0], maps[1], legend]], [200, 200, ctx.width - 400],
                                         [("VALIGN", (0, 0), (-1, -1), "MIDDLE")])]))
    return out


def _risk_cell(x) -> CellParagraph:
    """The risk, then its cause and existing control (when filled) labelled in italics."""
    parts = [escape(x["risk"])]
    if x["cause"]:
        parts.append(f"<i>Penyebab:</i> {escape(x['cause'])}")
    if x["control"]:
        parts.append(f"<i>Pengendalian yang ada:</i> {escape(x['control'])}")
    return CellParagraph("<br/>".join(parts), STYLES["cell"])


def _levels_text(levels) -> str:
    parts, low = [], 1
    for upper, name in levels:
        parts.append(f"{low}-{upper} {name}")
        low = upper + 1
    return ", ".join(parts)
