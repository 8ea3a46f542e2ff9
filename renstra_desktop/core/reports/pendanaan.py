"""Matriks Kinerja dan Pendanaan (Lampiran I): SK/IKK, targets and allocations of the plan's five years
in juta rupiah, Total Alokasi, Pelaksana; then the budget absorption (pagu, realisasi, % serapan)
per line and year.  An allocation is printed on the row of the SK or IKK it is recorded against
(Tabel 3.3); totals are computed exactly (queries.money_sum).  A line says whose money the figures
are (queries.funding_scope), so the province's total is read right.  For the whole province a
unit with no target and no funding line is left out, and the report says so once."""
from __future__ import annotations

from reportlab.platypus import Paragraph, Spacer

from .. import queries
from .base import Context, fmt_money, fmt_percent, program_label
from .keep import KeepWithFirst
from .layout import STYLES, escape
from .tables import OfficialTable, para


def collect(conn, options) -> dict:
    unit = options.unit
    names = queries.unit_names(conn)
    targets: dict[tuple, dict] = {}
    for r in queries.indicator_rows(conn, unit, options.span[0]):
        if any(v is not None for v in r["targets"].values()):
            targets[(r["unit_code"], r["indicator_code"])] = r["target_labels"]
    lines: dict[tuple, dict] = {(f["unit_code"], f["line_code"]): f for f in queries.funding_rows(conn, unit)}
    inds = queries.indicators(conn)
    activities = {r["code"]: r["activity"] for r in conn.execute("SELECT code, activity FROM program WHERE deleted = 0")}
    order = [u["code"] for u in queries.units(conn) if unit is None or u["code"] == unit]
    rank = {}                                   # SK 17, IKK 17.1, SK 19, IKK 19.1, ...: the matrix's order
    for ind in inds:
        rank.setdefault(ind["objective_code"], len(rank))
        rank.setdefault(ind["code"], len(rank))
    sections, left_out = [], []
    for code in order:
        has = any(k[0] == code for k in targets) or any(k[0] == code for k in lines)
        if not has and unit is None:
            left_out.append(names.get(code, code))
            continue
        used: set = set()
        programs: list[dict] = []
        for ind in inds:
            prog = next((p for p in programs if p["code"] == ind["program_code"]), None)
            if prog is None:
                prog = {"code": ind["program_code"], "name": ind["program_name"],
                        "activity": activities.get(ind["program_code"]) or "", "rows": []}
                programs.append(prog)
            if not any(r["code"] == ind["objective_code"] for r in prog["rows"]):
                prog["rows"].append(_row(options.span, ind["objective_code"], ind["objective_name"], None,
                                         lines.get((code, ind["objective_code"]))))
                used.add(ind["objective_code"])
            prog["rows"].append(_row(options.span, ind["code"], ind["name"], targets.get((code, ind["code"])),
                                     lines.get((code, ind["code"]))))
            used.add(ind["code"])
        extra = [f for (u, c), f in lines.items() if u == code and c not in used]
        if extra:
            programs.append({"code": "", "name": "Lainnya", "activity": "", "rows": [
                _row(options.span, f["line_code"], f["line_name"], None, f) for f in extra]})
        own = sorted((f for (u, _c), f in lines.items() if u == code),
                     key=lambda f: (rank.get(f["line_code"], len(rank)), f["line_code"]))
        sections.append({
            "unit": code, "unit_name": names.get(code, code), "programs": programs,
            "per_year": [fmt_money(queries.money_sum(f["allocation"].get(y) for f in own)) for y in options.span],
            "total": fmt_money(queries.money_sum(f["total_allocation"] for f in own)),
            "absorption": _absorption(own, options.span),
        })
    every = list(lines.values())
    return {
        "sections": sections, "left_out": left_out, "scope": queries.funding_scope(conn, unit),
        "per_year": [fmt_money(queries.money_sum(f["allocation"].get(y) for f in every)) for y in options.span],
        "total": fmt_money(queries.money_sum(f["total_allocation"] for f in every)),
    }


def _row(years, code, name, target_labels, line) -> dict:
    return {
        "code": code, "name": name,
        "targets": [target_labels[y] for y in years] if target_labels else [""] * len(years),
        "alloc": [fmt_money(line["allocation"].get(y)) for y in years] if line else [""] * len(years),
        "total": fmt_money(line["total_allocation"]) if line else "",
        "executing": (line["executing_unit"] or "") if line else "",
    }


def _absorption(lines: list[dict], span: tuple) -> list[dict]:
    """Pagu, realisasi and % serapan per line and year, for the years with realised spending (the
    allocations of the other years stand in the matrix above)."""
    out = []
    for f in lines:
        years = [y for y in span if f["realised"].get(y) is not None]
        if not years:
            continue
        out.append({"code": f["line_code"], "name": f["line_name"], "years": [
            {"year": str(y), "allocation": fmt_money(f["allocation"].get(y)),
             "realised": fmt_money(f["realised"].get(y)),
             "absorption": fmt_percent(f["absorption"][y])}
            for y in years]})
    return out


def story(data: dict, ctx: Context) -> list:
    n = len(ctx.options.span)
    years = [str(y) for y in ctx.options.span]
    t = OfficialTable([0.065, 0.235] + [0.048] * n + [0.058] * n + [0.068, 0.09], ctx.width,
                      number_cols=range(2, 2 + 2 * n + 1), center_cols=())
    t.header(["SK / IKK", "Sasaran Kegiatan / Indikator Kinerja Kegiatan", "Target"] + [""] * (n - 1)
             + ["Alokasi (dalam juta rupiah)"] + [""] * (n - 1) + ["Total Alokasi", "Pelaksana"],
             ["", ""] + years + years + ["", ""],
             spans=[((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (1 + n, 0)), ((2 + n, 0), (1 + 2 * n, 0)),
                    ((2 + 2 * n, 0), (2 + 2 * n, 1)), ((3 + 2 * n, 0), (3 + 2 * n, 1))])
    t.numbering_row()
    province = len(data["sections"]) != 1 or ctx.options.unit is None
    for sec in data["sections"]:
        if province:
            t.group(sec["unit_name"])
        for prog in sec["programs"]:
            t.group(program_label(prog), level=1)
            for r in prog["rows"]:
                sk = r["code"].startswith("SK")
                t.row([r["code"], para(r["name"]), *r["targets"], *r["alloc"], r["total"],
                       para(r["executing"])], bold=sk, heading=sk)
        if province:
            t.row(["", para(f"Jumlah {sec['unit_name']}", "cell_bold"), *[""] * n, *sec["per_year"],
                   sec["total"], ""], bold=True)
    label = "Jumlah seluruh satker" if province else "Jumlah"
    t.row(["", para(label, "cell_bold"), *[""] * n, *data["per_year"], data["total"], ""], bold=True)
    notes = ["Alokasi dalam juta rupiah; Total Alokasi dan Jumlah dihitung dari angka per tahun. " + data["scope"]]
    if data["left_out"]:
        notes.append(f"{len(data['left_out'])} satker tanpa target maupun alokasi tidak dicantumkan.")
    out = [*t.tables(), Spacer(0, 4), *[Paragraph(escape(n_), STYLES["small"]) for n_ in notes]]
    return out + _absorption_story(data, ctx, province)


def _absorption_story(data, ctx, province) -> list:
    heading = [Paragraph("Realisasi Anggaran (pagu, realisasi, % serapan)", STYLES["section"])]
    rows = [(sec, line) for sec in data["sections"] for line in sec["absorption"]]
    if not rows:
        return [Spacer(0, 8), *heading, Paragraph("Belum ada realisasi anggaran yang dicatat.", STYLES["cell"])]
    t = OfficialTable([0.09, 0.43, 0.08, 0.14, 0.14, 0.12], ctx.width, number_cols=(3, 4, 5), center_cols=(2,))
    t.header(["SK / IKK", "Uraian", "Tahun", "Pagu (juta rupiah)", "Realisasi (juta rupiah)", "% Serapan"])
    previous = None
    for sec, line in rows:
        if province and sec["unit"] != previous:
            t.group(sec["unit_name"])
            previous = sec["unit"]
        for i, y in enumerate(line["years"]):
            t.row([line["code"] if i == 0 else "", para(line["name"]) if i == 0 else "", y["year"],
                   y["allocation"], y["realised"], y["absorption"]])
    # a table per unit, as the matrix above: one table of every unit's rows was measured again at
    # every page split (5 830 rows at 530 units: most of the national report's time)
    first, *rest = t.tables()
    return [Spacer(0, 8), KeepWithFirst(heading, first), *rest]
