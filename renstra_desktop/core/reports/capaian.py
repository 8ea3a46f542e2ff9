"""Laporan Capaian Kinerja: each IKK with target, realisation, capaian, grade and the evidence
(data dukung), grouped by programme and SK, for a year or a period; a bar chart of target against
realisation per year; optionally the unit's own 2020-2024 history (Tabel 1.2-1.7).

Capaian comes from queries.indicator_rows (one rule, achievement.py).  For the whole province a
unit with neither a target nor a realisation for an IKK is left out, and the report says so once.
"""
from __future__ import annotations

from reportlab.platypus import KeepTogether, Paragraph, Spacer

from .. import queries
from ..numbers import format_number
from .base import Context, fmt_percent, fmt_value, period_label, program_label
from .charts import bar_chart
from .history import collect_history, history_story
from .layout import STYLES, escape, plain_table
from .tables import CellParagraph, OfficialTable, para

GRADE_COLORS = {"good": "#2E7D32", "fair": "#8A6D00", "poor": "#C25E00", "bad": "#B3261E"}
_MEASURE_LABEL = {"%": "%", "indeks": "Indeks"}


def collect(conn, options) -> dict:
    period = options.period or str(options.year or options.span[0])
    year = int(period[:4])
    province = options.unit is None
    sub_year = period != str(year)      # a semester or quarter: graded against its Rencana Aksi target
    programs: list[dict] = []
    chart: dict[str, dict] = {}
    left_out: dict[str, int] = {}
    for r in queries.indicator_rows(conn, options.unit, year, period):
        target = r["targets"].get(year)
        series = chart.setdefault(r["indicator_code"], {"t": {}, "a": {}})
        for y in options.span:
            series["t"].setdefault(y, []).append(r["targets"].get(y))
            series["a"].setdefault(y, []).append(r["actuals"][y])
        if province and target is None and r["actual"] is None:
            left_out[r["indicator_code"]] = left_out.get(r["indicator_code"], 0) + 1
            continue
        prog = _find(programs, r["program_code"], lambda: {
            "code": r["program_code"], "name": r["program_name"], "objectives": []})
        obj = _find(prog["objectives"], r["objective_code"], lambda: {
            "code": r["objective_code"], "name": r["objective_name"], "indicators": []})
        ind = _find(obj["indicators"], r["indicator_code"], lambda: {
            "code": r["indicator_code"], "name": r["indicator_name"],
            "measure": _MEASURE_LABEL.get(r["measure"], r["measure"]), "units": []})
        ind["units"].append({
            "unit": r["unit_code"], "unit_name": r["unit_name"],
            "target": _target_cell(r, sub_year), "actual": fmt_value(r["actual"], r["measure"]),
            "achievement": fmt_percent(r["achievement"]), "grade": r["grade"] or "–",
            "role": r["grade_role"] or "",
            "evidence": [_evidence_line(p, text, period) for p, text in r["evidence"]],
        })
    data = {"period": period, "year": year, "programs": programs,
            "charts": [{"code": code, "targets": [_fmt_mean(s["t"][y]) for y in options.span],
                        "actuals": [_fmt_mean(s["a"][y]) for y in options.span]} for code, s in chart.items()],
            "chart_is_mean": province, "left_out": left_out}
    if options.history:
        data["history"] = collect_history(conn, options.unit)
    return data


def _target_cell(row: dict, sub_year: bool) -> str:
    """The target the capaian stands on: the period's Rencana Aksi target, or the year's (marked
    "tahunan") where the unit has no Rencana Aksi for the indicator."""
    if not sub_year:
        return row["target_labels"][row["year"]]
    if row["target_basis"] == "rencana_aksi" or row["period_target"] is None:
        return row["period_target_label"]
    return f"{row['period_target_label']} (tahunan)"


def _evidence_line(period: str, text: str, report_period: str) -> str:
    if period == report_period:
        return text
    label = period_label(period)
    return f"{label.replace(' ' + period[:4], '') if period[:4] == report_period[:4] else label}: {text}"


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


# -- layout ----------------------------------------------------------------------------------
def story(data: dict, ctx: Context) -> list:
    province = ctx.options.unit is None
    label = period_label(data["period"])
    t = OfficialTable([0.06, 0.32, 0.06, 0.09, 0.095, 0.08, 0.085, 0.21], ctx.width,
                      number_cols=(3, 4, 5), center_cols=(2,))
    t.header(["No", "Sasaran Kegiatan / Indikator Kinerja Kegiatan" + (" / Satuan Kerja" if province else ""),
              "Satuan", f"Target {label}", f"Realisasi {label}", "Capaian", "Predikat", "Data dukung"])
    t.numbering_row()
    for prog in data["programs"]:
        t.group(program_label(prog), level=1)
        for obj in prog["objectives"]:
            t.row([obj["code"], para(obj["name"], "cell_bold"), "", "", "", "", "", ""], bold=True, heading=True)
            for ind in obj["indicators"]:
                if province:
                    t.row([ind["code"], para(ind["name"]), ind["measure"], "", "", "", "", ""], heading=True)
                for u in ind["units"]:
                    first = [""] if province else [ind["code"]]
                    name = para(u["unit_name"]) if province else para(ind["name"])
                    t.row(first + [name, "" if province else ind["measure"], u["target"], u["actual"],
                                   u["achievement"], _grade_cell(u), para("\n".join(u["evidence"]), "small")])
    if not data["programs"]:
        t.row(["", para("Belum ada indikator dengan target atau realisasi."), *[""] * 6])
    notes = ["Capaian = realisasi ÷ target × 100% (indikator yang makin kecil makin baik: (2 × target − realisasi) ÷ "
             "target × 100%); target rentang (mis. 80–90): di atas rentang dibandingkan dengan batas atas, di bawahnya "
             "dengan batas bawah, di dalam rentang 100%. “–” berarti target atau realisasi belum diisi."]
    if data["period"] != str(data["year"]):
        notes.append(f"Realisasi {label} dibandingkan dengan target periode itu dalam Rencana Aksi; satker yang belum "
                     f"memiliki Rencana Aksi untuk suatu indikator dibandingkan dengan target tahun {data['year']} "
                     "(ditandai “tahunan”).")
    if data["left_out"]:
        counts = "; ".join(f"{code}: {n} satker" for code, n in data["left_out"].items())
        notes.append(f"Satker yang belum memiliki target {data['year']} maupun realisasi {label} untuk suatu "
                     f"indikator tidak dicantumkan ({counts}).")
    out = [*t.tables(), Spacer(0, 3), *[Paragraph(escape(n), STYLES["small"]) for n in notes], Spacer(0, 8)]
    out += _charts(data, ctx)
    if "history" in data:
        out += history_story(data["history"], ctx)
    return out


def _grade_cell(u) -> CellParagraph:
    color = GRADE_COLORS.get(u["role"])
    text = escape(u["grade"])
    return CellParagraph(f'<font color="{color}"><b>{text}</b></font>' if color else text, STYLES["cell_center"])


def _charts(data, ctx) -> list:
    heading = Paragraph("Grafik target dan realisasi per tahun", STYLES["section"])
    drawn = [c for c in data["charts"] if any(v != "–" for v in c["actuals"])]
    if not drawn:      # a chart without realisations would be empty axes
        return [KeepTogether([heading, Paragraph("Belum ada data realisasi.", STYLES["cell"])])]
    per_row = 3
    width = ctx.width / per_row - 6
    drawings = []
    for c in drawn:
        suffix = " (rata-rata satker)" if data["chart_is_mean"] else ""
        drawings.append(bar_chart(f"{c['code']}: target dan realisasi per tahun{suffix}", list(ctx.options.span),
                                  [_num(v) for v in c["targets"]], [_num(v) for v in c["actuals"]], width))
    rows = [drawings[i:i + per_row] for i in range(0, len(drawings), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    out = [heading, plain_table(rows, [ctx.width / per_row] * per_row)]
    missing = [c["code"] for c in data["charts"] if c not in drawn]
    if missing:
        out.append(Paragraph(escape(f"Belum ada data realisasi untuk {', '.join(missing)}."), STYLES["small"]))
    return [KeepTogether(out)]


def _num(text: str):
    if text in ("–", ""):
        return None
    return float(text.replace(".", "").replace(",", "."))
