"""Matriks Kinerja dan Pendanaan (Lampiran I): SK/IKK, targets 2025-2029, allocations 2025-2029
in juta rupiah, Total Alokasi, Pelaksana.  An allocation is printed on the row of the SK or IKK
it is recorded against (Tabel 3.3); totals are computed exactly (queries.money_sum)."""
from __future__ import annotations

from reportlab.platypus import Paragraph, Spacer

from .. import queries
from ..schema import PLAN_YEARS
from .base import Context, fmt_money, fmt_value, program_label
from .layout import STYLES
from .tables import OfficialTable, para


def collect(conn, options) -> dict:
    unit = options.unit
    names = queries.unit_names(conn)
    targets: dict[tuple, dict] = {}
    measures = {}
    for r in queries.indicator_rows(conn, unit, PLAN_YEARS[0]):
        targets[(r["unit_code"], r["indicator_code"])] = r["targets"]
        measures[r["indicator_code"]] = r["measure"]
    lines: dict[tuple, dict] = {(f["unit_code"], f["line_code"]): f for f in queries.funding_rows(conn, unit)}
    inds = queries.indicators(conn)
    activities = {r["code"]: r["activity"] for r in conn.execute("SELECT code, activity FROM program WHERE deleted = 0")}
    order = [u["code"] for u in queries.units(conn) if unit is None or u["code"] == unit]
    sections = []
    for code in order:
        has = any(k[0] == code for k in targets) or any(k[0] == code for k in lines)
        if not has and unit is None:
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
                prog["rows"].append(_row(ind["objective_code"], ind["objective_name"], None, None,
                                         lines.get((code, ind["objective_code"]))))
                used.add(ind["objective_code"])
            prog["rows"].append(_row(ind["code"], ind["name"], targets.get((code, ind["code"])),
                                     measures.get(ind["code"], ind["measure"]), lines.get((code, ind["code"]))))
            used.add(ind["code"])
        extra = [f for (u, c), f in lines.items() if u == code and c not in used]
        if extra:
            programs.append({"code": "", "name": "Lainnya", "activity": "", "rows": [
                _row(f["line_code"], f["line_name"], None, None, f) for f in extra]})
        own = [f for (u, _c), f in lines.items() if u == code]
        sections.append({
            "unit": code, "unit_name": names.get(code, code), "programs": programs,
            "per_year": [fmt_money(queries.money_sum(f["allocation"].get(y) for f in own)) for y in PLAN_YEARS],
            "total": fmt_money(queries.money_sum(f["total_allocation"] for f in own)),
        })
    every = list(lines.values())
    return {
        "sections": sections,
        "per_year": [fmt_money(queries.money_sum(f["allocation"].get(y) for f in every)) for y in PLAN_YEARS],
        "total": fmt_money(queries.money_sum(f["total_allocation"] for f in every)),
    }


def _row(code, name, targets, measure, line) -> dict:
    return {
        "code": code, "name": name,
        "targets": [fmt_value(targets.get(y), measure) for y in PLAN_YEARS] if targets else [""] * len(PLAN_YEARS),
        "alloc": [fmt_money(line["allocation"].get(y)) for y in PLAN_YEARS] if line else [""] * len(PLAN_YEARS),
        "total": fmt_money(line["total_allocation"]) if line else "",
        "executing": (line["executing_unit"] or "") if line else "",
    }


def story(data: dict, ctx: Context) -> list:
    n = len(PLAN_YEARS)
    years = [str(y) for y in PLAN_YEARS]
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
                t.row([r["code"], para(r["name"]), *r["targets"], *r["alloc"], r["total"],
                       para(r["executing"])], bold=r["code"].startswith("SK"))
        if province:
            t.row(["", para(f"Jumlah {sec['unit_name']}", "cell_bold"), *[""] * n, *sec["per_year"],
                   sec["total"], ""], bold=True)
    label = "Jumlah seluruh satker" if province else "Jumlah"
    t.row(["", para(label, "cell_bold"), *[""] * n, *data["per_year"], data["total"], ""], bold=True)
    return [*t.tables(), Spacer(0, 4),
            Paragraph("Alokasi dalam juta rupiah; Total Alokasi dan Jumlah dihitung dari angka per tahun.",
                      STYLES["small"])]
