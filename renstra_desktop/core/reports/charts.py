"""Vector charts of the reports (reportlab graphics): target against realisation per year, and
the 5 x 5 risk heat map."""
from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Group, Rect, String
from reportlab.lib import colors

from ..numbers import format_number
from .layout import FONT, FONT_BOLD

TARGET_COLOR = colors.HexColor("#9DB3CF")
ACTUAL_COLOR = colors.HexColor("#2F5F8F")
LEVEL_COLORS = {  # public-sector convention: green .. red
    "Sangat rendah": colors.HexColor("#4E9A4E"), "Rendah": colors.HexColor("#9ACD5A"),
    "Sedang": colors.HexColor("#F2D541"), "Tinggi": colors.HexColor("#F29B38"),
    "Sangat tinggi": colors.HexColor("#D9453B"),
}


def embedded_font(drawing: Drawing) -> Drawing:
    """Start the drawing in the shipped font: the renderer's default (Helvetica) would add an
    unembedded font to the PDF."""
    drawing.initialFontName = FONT
    return drawing


def bar_chart(title: str, years: list, targets: list, actuals: list, width: float, height: float = 150) -> Drawing:
    """Grouped bars per year; a missing value draws no bar (never a zero bar)."""
    d = Drawing(width, height)
    d.add(String(width / 2, height - 11, title, fontName=FONT_BOLD, fontSize=8, textAnchor="middle"))
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 34
    chart.width, chart.height = width - 40, height - 62
    chart.data = [[v for v in targets], [v for v in actuals]]
    chart.categoryAxis.categoryNames = [str(y) for y in years]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    present = [v for v in targets + actuals if v is not None]
    top = max(present) if present else 1
    chart.valueAxis.valueMax = top * 1.18 if top else 1
    chart.valueAxis.labelTextFormat = lambda v: format_number(v)
    chart.bars[0].fillColor = TARGET_COLOR
    chart.bars[1].fillColor = ACTUAL_COLOR
    chart.bars.strokeWidth = 0
    chart.barLabelFormat = lambda v: format_number(v)
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 5.5
    chart.barLabels.nudge = 5
    chart.groupSpacing = 6
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 34, 12
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName, legend.fontSize = FONT, 7
    legend.dx = legend.dy = 6
    legend.deltax = 70
    legend.colorNamePairs = [(TARGET_COLOR, "Target"), (ACTUAL_COLOR, "Realisasi")]
    d.add(legend)
    return embedded_font(d)


def heat_map(matrix, levels, counts: dict, title: str, size: float = 200) -> Drawing:
    """Rows kemungkinan 5 (top) .. 1, columns dampak 1 .. 5; each cell coloured by its level and
    showing its besaran and the number of risks (``counts[(k, d)]``)."""
    cell = (size - 36) / 5
    d = Drawing(size + 10, size + 26)
    ox, oy = 34, 22
    d.add(String(ox + 2.5 * cell, size + 14, title, fontName=FONT_BOLD, fontSize=8, textAnchor="middle"))
    for k in range(1, 6):
        for i in range(1, 6):
            m = matrix[k - 1][i - 1]
            name = _level_name(m, levels)
            x, y = ox + (i - 1) * cell, oy + (k - 1) * cell
            d.add(Rect(x, y, cell, cell, fillColor=LEVEL_COLORS.get(name, colors.white),
                       strokeColor=colors.white, strokeWidth=1))
            d.add(String(x + 3, y + cell - 8, str(m), fontName=FONT, fontSize=6))
            n = counts.get((k, i), 0)
            if n:
                d.add(String(x + cell / 2, y + cell / 2 - 5, str(n), fontName=FONT_BOLD, fontSize=13,
                             textAnchor="middle"))
        d.add(String(ox - 6, oy + (k - 0.5) * cell - 3, str(k), fontName=FONT, fontSize=7, textAnchor="end"))
    for i in range(1, 6):
        d.add(String(ox + (i - 0.5) * cell, oy - 9, str(i), fontName=FONT, fontSize=7, textAnchor="middle"))
    d.add(String(ox + 2.5 * cell, oy - 19, "Dampak", fontName=FONT, fontSize=7, textAnchor="middle"))
    label = String(oy + 2.5 * cell, -14, "Kemungkinan", fontName=FONT, fontSize=7, textAnchor="middle")
    turned = Group(label)
    turned.rotate(90)          # (x, y) -> (-y, x): the label runs up the left edge
    d.add(turned)
    return embedded_font(d)


def _level_name(m, levels) -> str:
    for upper, name in levels:
        if m <= upper:
            return name
    return levels[-1][1]
