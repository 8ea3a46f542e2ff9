"""Ringkasan Kinerja: the Ringkasan tab as one landscape page (issue 14).

Three columns under the usual kop and title: the unit × IKK capaian grid (coloured by band) and what
waits; a trend chart per IKK; the inherent and residual heat maps with the risks above appetite and
untreated, and the budget absorption bars.  The signature block sits under them, and the whole block
is shrunk to fit the page (never split from the figures).  Every figure comes from
:mod:`renstra_desktop.core.summary`, the module the tab reads; this module only formats and draws.
"""
from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.platypus import KeepInFrame, Paragraph, Spacer, Table, TableStyle

from .. import summary
from ..localtime import local_date
from ..numbers import format_number
from .base import Context, data_time, period_label
from .capaian import GRADE_COLORS
from .charts import ACTUAL_COLOR, TARGET_COLOR, embedded_font, heat_map
from .layout import FONT, FONT_BOLD, GRID, HEAD_FILL, STYLES, escape

MAX_GRID_ROWS = 16          # units on the page; more: those with the lowest capaian
MAX_BUDGET_ROWS = 8
QUARTER_COLOR = colors.HexColor("#D9822B")
HISTORY_COLOR = colors.HexColor("#8C8C8C")


def _pct(value, places: int = 1) -> str:
    return "–" if value is None else f"{format_number(value, places)}%"


def collect(conn, options) -> dict:
    period = options.report_period
    year = int(period[:4])
    unit = options.unit
    # "this quarter" of a report is the quarter of the plan's latest change: the same plan gives the
    # same figures (verify-report recomputes them), whenever it is checked
    data = summary.summary(conn, unit, period, today=local_date(data_time(conn)))
    grid = data["grid"]
    codes = [i["code"] for i in grid["indicators"]]
    rows = grid["rows"]
    shown = rows
    if len(rows) > MAX_GRID_ROWS:
        def lowest(row):
            caps = [c["achievement"] for c in row["cells"].values() if c["achievement"] is not None]
            return (0, min(caps)) if caps else (1, 0.0)
        shown = sorted(rows, key=lowest)[:MAX_GRID_ROWS]
    labels = data["status_labels"]
    grid_rows = [{"unit": r["unit_name"], "status": labels.get(r["status"]) or "–",
                  "cells": [{"text": _pct((r["cells"].get(c) or {}).get("achievement")),
                             "role": (r["cells"].get(c) or {}).get("grade_role") or ""} for c in codes]}
                 for r in shown]
    trends = [{"code": t["code"], "measure": t["measure"],
               "caption": f"{t['code']} · " + ("satker ini" if unit else f"rata-rata {t['units']} satker"),
               "history": [[p["year"], p.get("target"), p.get("actual")] for p in t["history"]],
               "targets": [[y, v] for y, v in sorted(t["targets"].items()) if v is not None],
               "actuals": [[y, v] for y, v in sorted(t["actuals"].items()) if v is not None],
               "quarters": [[p, v] for p, v in t["quarters"]]} for t in data["trends"]]
    risks = data["risks"]
    budget = data["budget"]
    if unit is None:
        entries = [{"label": u["unit_name"], "pagu": u["pagu"], "realised": u["realised"], "pct": u["absorption"]}
                   for u in budget["units"]]
    else:
        entries = [{"label": f"{line['line_code']} {line['line_name']}".strip(), "pagu": line["pagu"],
                    "realised": line["realised"], "pct": line["absorption"]}
                   for u in budget["units"] for line in u["lines"]]
    budget_note = ""
    if len(entries) > MAX_BUDGET_ROWS:
        budget_note = f"{MAX_BUDGET_ROWS} dari {len(entries)} dengan serapan terendah"
        entries = sorted(entries, key=lambda e: (e["pct"] is not None, e["pct"] or 0.0))[:MAX_BUDGET_ROWS]
    waiting = data["waiting"]
    return {
        "period": period, "year": year, "indicators": codes,
        "grid": {"rows": grid_rows, "total": len(rows),
                 "note": (f"{len(shown)} dari {len(rows)} satker dengan capaian terendah; daftar lengkap di "
                          "Laporan Capaian Kinerja.") if len(shown) < len(rows) else ""},
        "trends": trends,
        "risks": {"inherent": sorted([k, d, n] for (k, d), n in risks["inherent"].items()),
                  "residual": sorted([k, d, n] for (k, d), n in risks["residual"].items()),
                  "matrix": [list(r) for r in risks["matrix"]], "levels": [list(x) for x in risks["levels"]],
                  "total": risks["total"], "unscored": risks["unscored"], "appetite": risks["appetite"],
                  "above": risks["above_appetite"], "untreated": risks["untreated"]},
        "budget": {"rows": [{"label": e["label"], "pagu": format_number(e["pagu"], 2),
                             "realised": format_number(e["realised"], 2), "pct": _pct(e["pct"]),
                             "share": round(min((e["realised"] or 0) / e["pagu"], 1.0), 4) if e["pagu"] else 0.0}
                            for e in entries],
                   "total": f"{format_number(budget['realised'], 2)} / {format_number(budget['pagu'], 2)} "
                            f"({_pct(budget['absorption'])})", "note": budget_note},
        "waiting": {"submitted": len(waiting["submitted"]), "receives": waiting["receives_packages"],
                    "missing": len(waiting["packages_missing"]), "quarter": period_label(waiting["quarter"]),
                    "conflicts": sum(c["open"] for c in waiting["conflicts"])},
    }


# -- layout ------------------------------------------------------------------------------------------
def _head(text: str) -> Paragraph:
    return Paragraph(escape(text), STYLES["cell_bold"])


def _grid_table(data: dict, width: float) -> Table:
    codes = data["indicators"]
    unit_w, status_w = width * 0.42, width * 0.15
    cell_w = (width - unit_w - status_w) / max(1, len(codes))
    rows = [["Satker", *codes, "Status"]]
    style = [("FONT", (0, 0), (-1, 0), FONT_BOLD, 6.5), ("FONT", (0, 1), (-1, -1), FONT, 6.5),
             ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
             ("ALIGN", (1, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
             ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5)]
    for i, row in enumerate(data["grid"]["rows"], 1):
        rows.append([Paragraph(escape(row["unit"]), _SMALL), *[c["text"] for c in row["cells"]], row["status"]])
        for j, cell in enumerate(row["cells"], 1):
            color = GRADE_COLORS.get(cell["role"])
            if color:
                fill = colors.linearlyInterpolatedColor(colors.white, colors.HexColor(color), 0, 1, 0.22)
                style += [("BACKGROUND", (j, i), (j, i), fill), ("TEXTCOLOR", (j, i), (j, i), colors.HexColor(color)),
                          ("FONT", (j, i), (j, i), FONT_BOLD, 6.5)]
    table = Table(rows, colWidths=[unit_w, *[cell_w] * len(codes), status_w], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


_SMALL = STYLES["small"].clone("ringkasan_small", fontSize=6.5, leading=7.6)
_NOTE = STYLES["small"].clone("ringkasan_note", fontSize=6.5, leading=8)


def chart_years(data: dict, span: tuple) -> tuple[int, int]:
    """The trend charts' axis: the five years before the plan too when any trend has history."""
    return (span[0] - 5 if any(t["history"] for t in data["trends"]) else span[0], span[-1])


def trend_chart(trend: dict, width: float, height: float, span: tuple, axis: tuple[int, int]) -> Drawing:
    """History of the years before the plan (grey), targets (light, hollow), yearly realisations
    (dark) and recorded quarters (orange) on one axis ``axis`` (first, last year); a missing value
    draws nothing."""
    first = axis[0]
    d = Drawing(width, height)
    d.add(String(2, height - 8, trend["caption"], fontName=FONT_BOLD, fontSize=7))
    left, bottom, right, top = 22, 12, width - 4, height - 13
    values = [v for _y, t, a in trend["history"] for v in (t, a) if v is not None]
    values += [v for _y, v in trend["targets"] + trend["actuals"] + trend["quarters"]]
    peak = max(values) if values else 1.0
    ceiling = next((m * 10 ** e for e in range(-2, 8) for m in (1, 2, 2.5, 5) if m * 10 ** e >= peak), peak) or 1.0
    step = (right - left) / (axis[1] - first + 1)

    def x_of(x: float) -> float:
        return left + (x - first + 0.5) * step

    def y_of(v: float) -> float:
        return bottom + max(0.0, min(v / ceiling, 1.05)) * (top - bottom)

    for i in range(3):
        v = ceiling * i / 2
        d.add(Line(left, y_of(v), right, y_of(v), strokeColor=colors.HexColor("#E3E6EA"), strokeWidth=0.4))
        d.add(String(left - 2, y_of(v) - 2, format_number(v), fontName=FONT, fontSize=5, textAnchor="end"))
    for y in range(first, axis[1] + 1):
        d.add(String(x_of(y), 3, f"'{y % 100:02d}", fontName=FONT, fontSize=5, textAnchor="middle"))
    if first < span[0]:
        d.add(Line(x_of(span[0] - 0.5), bottom, x_of(span[0] - 0.5), top, strokeColor=colors.grey, strokeWidth=0.4,
                   strokeDashArray=[1, 1.5]))

    def series(points, color, *, dashed=False, hollow=False, radius=1.6):
        pts = [(x_of(x), y_of(v)) for x, v in points]
        if len(pts) > 1:
            d.add(PolyLine([c for p in pts for c in p], strokeColor=color, strokeWidth=1,
                           strokeDashArray=[2, 1.5] if dashed else None))
        for x, y in pts:
            d.add(Circle(x, y, radius, fillColor=colors.white if hollow else color, strokeColor=color,
                         strokeWidth=0.7))

    series([(y, t) for y, t, _a in trend["history"] if t is not None], HISTORY_COLOR, dashed=True, hollow=True)
    series([(y, a) for y, _t, a in trend["history"] if a is not None], HISTORY_COLOR)
    series(trend["targets"], TARGET_COLOR, dashed=True, hollow=True)
    series(trend["actuals"], ACTUAL_COLOR)
    for p, v in trend["quarters"]:
        d.add(Circle(x_of(int(p[:4]) + (int(p[-1]) - 2.5) / 4), y_of(v), 1.2, fillColor=QUARTER_COLOR,
                     strokeColor=QUARTER_COLOR, strokeWidth=0))
    if not trend["history"] and first < span[0]:
        d.add(String(x_of(first + 2), (bottom + top) / 2, "riwayat tidak ada", fontName=FONT, fontSize=5,
                     textAnchor="middle", fillColor=colors.grey))
    return embedded_font(d)


def _legend(width: float, span: tuple, axis: tuple[int, int]) -> Drawing:
    d = Drawing(width, 9)
    x = 2
    history = [(HISTORY_COLOR, f"Riwayat {axis[0]}–{span[0] - 1}", False, False)] if axis[0] < span[0] else []
    for color, label, dashed, hollow in ((TARGET_COLOR, "Target", True, True), (ACTUAL_COLOR, "Realisasi", False, False),
                                         (QUARTER_COLOR, "Triwulan", None, False), *history):
        if dashed is not None:
            d.add(Line(x, 4, x + 10, 4, strokeColor=color, strokeWidth=1, strokeDashArray=[2, 1.5] if dashed else None))
        d.add(Circle(x + 5, 4, 1.4, fillColor=colors.white if hollow else color, strokeColor=color, strokeWidth=0.6))
        d.add(String(x + 13, 2, label, fontName=FONT, fontSize=5.5))
        x += 16 + len(label) * 3.0
    return embedded_font(d)


def budget_bars(rows: list[dict], width: float) -> Drawing:
    """One bar per row: the pagu is the track, the realisasi fills its share."""
    row_h = 11
    d = Drawing(width, max(row_h, row_h * len(rows)))
    label_w, text_w = width * 0.34, width * 0.36
    track_w = width - label_w - text_w - 6
    for i, r in enumerate(rows):
        y = d.height - (i + 1) * row_h
        label = r["label"] if len(r["label"]) <= 30 else r["label"][:29] + "…"
        d.add(String(0, y + 3, label, fontName=FONT, fontSize=5.8))
        d.add(Rect(label_w, y + 2, track_w, row_h - 4, fillColor=colors.HexColor("#DFE6EF"), strokeWidth=0))
        if r["share"]:
            d.add(Rect(label_w, y + 2, track_w * r["share"], row_h - 4, fillColor=ACTUAL_COLOR, strokeWidth=0))
        d.add(String(label_w + track_w + 4, y + 3, f"{r['realised']} / {r['pagu']} · {r['pct']}", fontName=FONT,
                     fontSize=5.8))
    return embedded_font(d)


def _columns(data: dict, ctx: Context) -> Table:
    width = ctx.width
    wa, wb, wc = width * 0.33, width * 0.27, width * 0.40
    pad = 6
    grid = data["grid"]
    wait = data["waiting"]
    lines = [f"Periode diajukan, belum diverifikasi: {wait['submitted']}"]
    if wait["receives"]:
        lines.append(f"Satker yang paketnya belum diterima {wait['quarter']}: {wait['missing']}")
    lines.append(f"Konflik penggabungan terbuka: {wait['conflicts']}")
    col_a = [_head(f"Capaian per satker · {period_label(data['period'])}"), Spacer(0, 2),
             _grid_table(data, wa - pad)]
    if grid["note"]:
        col_a.append(Paragraph(escape(grid["note"]), _NOTE))
    col_a += [Paragraph("Capaian = realisasi ÷ target × 100%; “–”: target atau realisasi belum ada.", _NOTE),
              Spacer(0, 5), _head("Yang menunggu"), *[Paragraph(escape(t), _NOTE) for t in lines]]
    chart_h = 74
    col_b = [_head("Tren per IKK"), Spacer(0, 2)]
    axis = chart_years(data, ctx.options.span)
    col_b += [trend_chart(t, wb - pad, chart_h, ctx.options.span, axis) for t in data["trends"]]
    col_b.append(_legend(wb - pad, ctx.options.span, axis))
    r = data["risks"]
    matrix = [tuple(x) for x in r["matrix"]]
    levels = [tuple(x) for x in r["levels"]]
    size = min(140.0, (wc - pad) / 2 - 12)
    maps = Table([[heat_map(matrix, levels, {(k, d): n for k, d, n in r["inherent"]}, "Inheren", size),
                   heat_map(matrix, levels, {(k, d): n for k, d, n in r["residual"]}, "Residual", size)]],
                 colWidths=[(wc - pad) / 2] * 2, hAlign="LEFT")
    maps.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    b = data["budget"]
    col_c = [_head("Peta risiko (jumlah risiko per sel)"), maps,
             Paragraph(escape(f"{r['total']} risiko terdaftar ({r['unscored']} belum dinilai). Di atas selera risiko "
                              f"({r['appetite']}): {r['above']}; tanpa perlakuan: {r['untreated']}."), _NOTE),
             Spacer(0, 4), _head(f"Serapan anggaran {data['year']} (juta rupiah)"),
             Paragraph(escape(f"Realisasi / pagu seluruhnya: {b['total']}"
                              + (f"; {b['note']}" if b["note"] else "")), _NOTE), Spacer(0, 2)]
    col_c.append(budget_bars(b["rows"], wc - pad) if b["rows"] else Paragraph("Belum ada pagu tahun ini.", _NOTE))
    table = Table([[col_a, col_b, col_c]], colWidths=[wa, wb, wc], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), pad), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    return table


def story(data: dict, ctx: Context) -> list:
    """Nothing on its own: :func:`signature` lays the page out with the signature block inside."""
    return []


def signature(data: dict, ctx: Context, area, payload, created, story: list) -> list:
    """The three columns and the signature block as one block shrunk to fit what is left of the page."""
    return [KeepInFrame(0, 0, [_columns(data, ctx), Spacer(0, 6), area], mode="shrink")]
