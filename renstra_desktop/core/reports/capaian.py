"""Laporan Capaian Kinerja: each IKK with target, realisation, capaian and grade, grouped by
programme and SK, for a year or a period; a bar chart of target against realisation per year;
optionally the 2020-2024 history (Tabel 1.2 and 1.3)."""
from __future__ import annotations

from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table

from .. import queries
from ..queries import period_actual
from ..achievement import achievement, grade
from ..numbers import format_number
from ..schema import PLAN_YEARS
from ..settings import load_settings
from .base import Context, fmt_percent, fmt_value, period_label, program_label
from .charts import bar_chart
from .layout import STYLES, escape
from .tables import OfficialTable, bullets, para

GRADE_COLORS = {"good": "#2E7D32", "fair": "#8A6D00", "poor": "#C25E00", "bad": "#B3261E"}
_MEASURE_LABEL = {"%": "%", "indeks": "Indeks"}


def collect(conn, options) -> dict:
    period = options.period or str(options.year or PLAN_YEARS[0])
    year = int(period[:4])
    settings = load_settings(conn)
    rows = queries.indicator_rows(conn, options.unit, year)
    reals: dict[tuple, dict] = {}
    for r in queries.realisation_rows(conn, options.unit):
        reals.setdefault((r["unit_code"], r["indicator_code"]), {})[r["period"]] = r["value"]
    programs: list[dict] = []
    chart: dict[str, dict] = {}
    for r in rows:
        values = reals.get((r["unit_code"], r["indicator_code"]), {})
        actual = period_actual(values, period, r["rollup"]) if period != str(year) else r["actual"]
        cap = achievement(r["targets"].get(year), actual, r["polarity"], cap=settings.achievement_cap) \
            if period != str(year) else r["achievement"]
        g = grade(cap, settings.achievement_bands)
        prog = _find(programs, r["program_code"], lambda: {
            "code": r["program_code"], "name": r["program_name"], "objectives": []})
        obj = _find(prog["objectives"], r["objective_code"], lambda: {
            "code": r["objective_code"], "name": r["objective_name"], "indicators": []})
        ind = _find(obj["indicators"], r["indicator_code"], lambda: {
            "code": r["indicator_code"], "name": r["indicator_name"],
            "measure": _MEASURE_LABEL.get(r["measure"], r["measure"]), "units": []})
        ind["units"].append({
            "unit": r["unit_code"], "unit_name": r["unit_name"],
            "target": fmt_value(r["targets"].get(year), r["measure"]), "actual": fmt_value(actual, r["measure"]),
            "achievement": fmt_percent(cap), "grade": g.name if g else "–", "role": g.role if g else "",
        })
        series = chart.setdefault(r["indicator_code"], {"name": r["indicator_code"], "t": {}, "a": {}})
        for y in PLAN_YEARS:
            series["t"].setdefault(y, []).append(r["targets"].get(y))
            series["a"].setdefault(y, []).append(queries.rollup(values, y, r["rollup"]))
    data = {"period": period, "year": year, "programs": programs,
            "charts": [{"code": code, "targets": [_fmt_mean(s["t"][y]) for y in PLAN_YEARS],
                        "actuals": [_fmt_mean(s["a"][y]) for y in PLAN_YEARS]} for code, s in chart.items()],
            "chart_is_mean": options.unit is None}
    if options.history:
        data["history"] = _history(conn)
    return data


def _find(items: list, code, make):
    for item in items:
        if item["code"] == code:
            return item
    item = make()
    items.append(item)
    return item


def _fmt_mean(values) -> str:
    present = [v for v in values if v is not None]
    return format_number(sum(present) / len(present)) if present else "–"


def _history(conn) -> dict:
    rows = queries.performance_history(conn)
    measure_label = {"target": "Target", "realisation": "Realisasi", "achievement": "Capaian"}
    t12, t13 = {}, {}
    for r in rows:
        shown = r["printed"] if r["value"] is None else format_number(r["value"]) + (
            "%" if r["suffix"] == "%" else (" indeks" if r["suffix"] == "indeks" else ""))
        if r["table_ref"] == "1.2":
            line = t12.setdefault(r["seq"], {"group": r["group_label"] or "", "indicator": r["indicator_name"],
                                             "measures": {}})
            line["measures"].setdefault(measure_label[r["measure"]], {})[str(r["year"])] = shown
        elif r["table_ref"] == "1.3":
            line = t13.setdefault(r["seq"], {"objective": r["objective_name"] or "",
                                             "indicator": r["indicator_name"], "year": str(r["year"])})
            line[r["measure"]] = shown
    years = sorted({str(r["year"]) for r in rows if r["table_ref"] == "1.2"})
    return {"years_1_2": years, "table_1_2": [t12[k] for k in sorted(t12)], "table_1_3": [t13[k] for k in sorted(t13)]}


# -- layout ----------------------------------------------------------------------------------
def story(data: dict, ctx: Context) -> list:
    province = ctx.options.unit is None
    label = period_label(data["period"])
    t = OfficialTable([0.07, 0.42, 0.07, 0.1, 0.1, 0.1, 0.11], ctx.width, number_cols=(3, 4, 5), center_cols=(2,))
    t.header(["No", "Sasaran Kegiatan / Indikator Kinerja Kegiatan" + (" / Satuan Kerja" if province else ""),
              "Satuan", f"Target {data['year']}", f"Realisasi {label}", "Capaian", "Predikat"])
    t.numbering_row()
    for prog in data["programs"]:
        t.group(program_label(prog), level=1)
        for obj in prog["objectives"]:
            t.row([obj["code"], para(obj["name"], "cell_bold"), "", "", "", "", ""], bold=True)
            for ind in obj["indicators"]:
                if province:
                    t.row([ind["code"], para(ind["name"]), ind["measure"], "", "", "", ""])
                for u in ind["units"]:
                    first = [""] if province else [ind["code"]]
                    name = para(u["unit_name"]) if province else para(ind["name"])
                    t.row(first + [name, "" if province else ind["measure"], u["target"], u["actual"],
                                   u["achievement"], _grade_cell(u)])
    out = [*t.tables(), Spacer(0, 3), Paragraph(
        "Capaian = realisasi ÷ target × 100% (indikator yang makin kecil makin baik: (2 × target − realisasi) ÷ "
        "target × 100%); “–” berarti target atau realisasi belum diisi.", STYLES["small"]), Spacer(0, 8)]
    out += _charts(data, ctx)
    if "history" in data:
        out += _history_story(data["history"], ctx)
    return out


def _grade_cell(u) -> Paragraph:
    color = GRADE_COLORS.get(u["role"])
    text = escape(u["grade"])
    return Paragraph(f'<font color="{color}"><b>{text}</b></font>' if color else text, STYLES["cell_center"])


def _charts(data, ctx) -> list:
    if not data["charts"]:
        return []
    per_row = 3
    width = ctx.width / per_row - 6
    drawings = []
    for c in data["charts"]:
        suffix = " (rata-rata satker)" if data["chart_is_mean"] else ""
        drawings.append(bar_chart(f"{c['code']}: target dan realisasi per tahun{suffix}", list(PLAN_YEARS),
                                  [_num(v) for v in c["targets"]], [_num(v) for v in c["actuals"]], width))
    rows = [drawings[i:i + per_row] for i in range(0, len(drawings), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    grid = Table(rows, colWidths=[ctx.width / per_row] * per_row, hAlign="LEFT")
    return [CondPageBreak(170), Paragraph("Grafik target dan realisasi per tahun", STYLES["section"]), grid]


def _num(text: str):
    if text in ("–", ""):
        return None
    return float(text.replace(".", "").replace(",", "."))


def _history_story(h, ctx) -> list:
    out = [CondPageBreak(120), Paragraph("Capaian Kinerja 2020-2023 (Tabel 1.2)", STYLES["section"])]
    years = h["years_1_2"]
    t = OfficialTable([0.06, 0.5, 0.1] + [0.085] * len(years), ctx.width)
    t.header(["No", "Indikator Kinerja Program", ""] + years)
    previous = None
    for line in h["table_1_2"]:
        measures = list(line["measures"])
        group = line["group"] if line["group"] != previous else ""
        previous = line["group"]
        # one row per indicator (target, realisation, capaian stacked) so a page never separates them
        t.row([group, para(line["indicator"]), bullets(measures)]
              + [bullets([line["measures"][m].get(y, "") for m in measures], "cell_right") for y in years])
    out.append(t.table())
    out += [Spacer(0, 8), KeepTogether([Paragraph("Capaian Kinerja 2024 (Tabel 1.3)", STYLES["section"])])]
    t = OfficialTable([0.3, 0.4, 0.1, 0.1, 0.1], ctx.width, number_cols=(2, 3, 4))
    t.header(["Sasaran Kegiatan", "Indikator Kinerja Kegiatan", "Target", "Realisasi", "Capaian"])
    for line in h["table_1_3"]:
        t.row([para(line["objective"]), para(line["indicator"]), line.get("target", ""),
               line.get("realisation", ""), line.get("achievement", "")])
    out.append(t.table())
    return out
