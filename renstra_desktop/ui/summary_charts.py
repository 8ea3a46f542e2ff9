"""The Ringkasan's charts, drawn with QPainter (docs/ringkasan.md says why no chart library):
a trend per indicator, the 5 × 5 risk heat map, and absorption bars that paint only the rows in
view.  Each widget takes figures already computed by core.summary and keeps what it draws in
``series()`` / ``counts`` so tests can compare it with the plan."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..core.numbers import format_number
from .models import LEVEL_COLOURS

TARGET = QColor("#7f97b8")
ACTUAL = QColor("#1f4e79")
QUARTER = QColor("#d9822b")
HISTORY = QColor("#8c8c8c")
GRID_LINE = QColor("#e3e6ea")
TEXT = QColor("#333333")
MUTED = QColor("#6b6b6b")


def _fmt(value, measure: str | None = None) -> str:
    if value is None:
        return "–"
    return f"{format_number(value)}{' %' if measure == '%' else ''}"


def _nice_top(value: float) -> float:
    """A round axis maximum above ``value`` (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    exp = 10 ** len(str(int(value))) / 10 if value >= 1 else 1.0
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * exp >= value:
            return step * exp
    return 10 * exp


class TrendChart(QWidget):
    """History of the five years before the plan (grey), the plan's targets (dashed), the years' realisations (solid) and
    the recorded quarters (orange dots) of one indicator."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.trend: dict | None = None
        self.caption = ""
        self.setMinimumSize(170, 170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(300, 190)

    def set_trend(self, trend: dict, caption: str) -> None:
        self.trend, self.caption = trend, caption
        self.setToolTip(self._tooltip())
        self.update()

    def series(self) -> dict[str, list[tuple[float, float]]]:
        """What is drawn, as (x, value): x is the year, a quarter sits inside its year (2026.625)."""
        t = self.trend or {}
        out = {"history_target": [], "history_actual": [], "target": [], "actual": [], "quarter": []}
        for p in t.get("history", []):
            if p.get("target") is not None:
                out["history_target"].append((float(p["year"]), p["target"]))
            if p.get("actual") is not None:
                out["history_actual"].append((float(p["year"]), p["actual"]))
        out["target"] = [(float(y), v) for y, v in sorted((t.get("targets") or {}).items()) if v is not None]
        out["actual"] = [(float(y), v) for y, v in sorted((t.get("actuals") or {}).items()) if v is not None]
        out["quarter"] = [(int(p[:4]) + (int(p[-1]) - 2.5) / 4, v) for p, v in t.get("quarters", [])]
        return out

    def _tooltip(self) -> str:
        t = self.trend or {}
        m = t.get("measure")
        lines = [f"{t.get('code', '')} {t.get('name', '')}", self.caption]
        for p in t.get("history", []):
            lines.append(self.tr("{year}: target {t}, realisasi {a} ({line})").format(
                year=p["year"], t=_fmt(p.get("target"), m), a=_fmt(p.get("actual"), m), line=p["line"]))
        for y, v in sorted((t.get("targets") or {}).items()):
            lines.append(self.tr("{year}: target {t}, realisasi {a}").format(
                year=y, t=_fmt(v, m), a=_fmt((t.get("actuals") or {}).get(y), m)))
        for p, v in t.get("quarters", []):
            lines.append(f"{p}: {_fmt(v, m)}")
        return "\n".join(lines)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        t = self.trend
        bold = QFont(self.font())
        bold.setBold(True)
        p.setFont(bold)
        p.setPen(TEXT)
        title = p.fontMetrics().elidedText(f"{t['code']} · {self.caption}" if t else "", Qt.TextElideMode.ElideRight,
                                           self.width() - 12)
        p.drawText(QRectF(6, 2, self.width() - 12, 16), Qt.AlignmentFlag.AlignLeft, title)
        p.setFont(self.font())
        if not t:
            return
        s = self.series()
        values = [v for points in s.values() for _x, v in points]
        top = _nice_top(max(values) if values else 1.0)
        plot = QRectF(40, 22, self.width() - 50, self.height() - 58)
        plan = sorted(t["targets"])            # the plan's years, after the five years of history
        years = list(t["history_years"]) + plan
        step = plot.width() / len(years)

        def x_of(x: float) -> float:
            return plot.left() + (x - years[0] + 0.5) * step

        def y_of(v: float) -> float:
            return plot.bottom() - max(0.0, min(v / top, 1.05)) * plot.height()

        small = QFont(self.font())
        small.setPointSizeF(max(6.5, self.font().pointSizeF() - 1.5))
        p.setFont(small)
        for i in range(5):
            v = top * i / 4
            y = y_of(v)
            p.setPen(GRID_LINE)
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(MUTED)
            p.drawText(QRectF(0, y - 7, plot.left() - 4, 14), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       format_number(v))
        every = 1 if step >= p.fontMetrics().horizontalAdvance("'00") + 6 else 2
        for y in years[::every]:
            p.drawText(QRectF(x_of(y) - step / 2, plot.bottom() + 2, step, 14), Qt.AlignmentFlag.AlignCenter,
                       f"'{y % 100:02d}")
        split = x_of(plan[0] - 0.5)
        p.setPen(QPen(MUTED, 1, Qt.PenStyle.DotLine))
        p.drawLine(QPointF(split, plot.top()), QPointF(split, plot.bottom()))
        self._line(p, [(x_of(x), y_of(v)) for x, v in s["history_target"]], HISTORY, dashed=True, hollow=True)
        self._line(p, [(x_of(x), y_of(v)) for x, v in s["history_actual"]], HISTORY)
        self._line(p, [(x_of(x), y_of(v)) for x, v in s["target"]], TARGET, dashed=True, hollow=True)
        self._line(p, [(x_of(x), y_of(v)) for x, v in s["actual"]], ACTUAL)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QUARTER)
        for x, v in s["quarter"]:
            p.drawEllipse(QPointF(x_of(x), y_of(v)), 2.6, 2.6)
        if not t.get("history"):
            p.setPen(MUTED)
            p.drawText(QRectF(plot.left(), plot.top(), split - plot.left(), plot.height()),
                       Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.tr("riwayat\ntidak ada"))
        legend_y = self.height() - 16
        x = 8.0
        p.setFont(small)
        for colour, label, dashed in ((TARGET, self.tr("Target"), True), (ACTUAL, self.tr("Realisasi"), False),
                                      (QUARTER, self.tr("Triwulan"), None), (HISTORY, self.tr("Riwayat"), False)):
            if dashed is None:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(colour)
                p.drawEllipse(QPointF(x + 7, legend_y + 6), 2.6, 2.6)
            else:
                p.setPen(QPen(colour, 2, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine))
                p.drawLine(QPointF(x, legend_y + 6), QPointF(x + 14, legend_y + 6))
            p.setPen(TEXT)
            width = p.fontMetrics().horizontalAdvance(label)
            p.drawText(QPointF(x + 18, legend_y + 10), label)
            x += width + 24

    @staticmethod
    def _line(p: QPainter, points, colour: QColor, *, dashed: bool = False, hollow: bool = False) -> None:
        if not points:
            return
        pen = QPen(colour, 2, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
        if len(points) > 1:
            path = QPainterPath(QPointF(*points[0]))
            for pt in points[1:]:
                path.lineTo(QPointF(*pt))
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
        p.setPen(QPen(colour, 1.5))
        p.setBrush(QColor("white") if hollow else colour)
        for pt in points:
            p.drawEllipse(QPointF(*pt), 3.2, 3.2)


class HeatMap(QWidget):
    """Kemungkinan 5 (top) .. 1 by dampak 1 .. 5; each cell coloured by its level and showing its
    count; a click on a cell emits ``cellClicked(likelihood, impact)``."""

    cellClicked = Signal(int, int)

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.counts: dict[tuple[int, int], int] = {}
        self.matrix = None
        self.levels = None
        self.selected: tuple[int, int] | None = None
        self.setMinimumSize(150, 160)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        return QSize(200, 200)

    def set_counts(self, counts: dict, matrix, levels) -> None:
        self.counts, self.matrix, self.levels = dict(counts), matrix, levels
        self.selected = None
        self.update()

    def _geometry(self) -> tuple[float, float, float]:
        cell = min((self.width() - 40) / 5, (self.height() - 46) / 5)
        return 34.0, 18.0, cell

    def cell_rect(self, likelihood: int, impact: int) -> QRectF:
        ox, oy, cell = self._geometry()
        return QRectF(ox + (impact - 1) * cell, oy + (5 - likelihood) * cell, cell, cell)

    def cell_at(self, pos) -> tuple[int, int] | None:
        for k in range(1, 6):
            for d in range(1, 6):
                if self.cell_rect(k, d).contains(QPointF(pos)):
                    return k, d
        return None

    def mousePressEvent(self, event) -> None:
        hit = self.cell_at(event.position())
        if hit is not None:
            self.selected = hit
            self.update()
            self.cellClicked.emit(*hit)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().window())
        bold = QFont(self.font())
        bold.setBold(True)
        p.setFont(bold)
        p.setPen(TEXT)
        ox, oy, cell = self._geometry()
        p.drawText(QRectF(ox, 0, 5 * cell, 16), Qt.AlignmentFlag.AlignCenter, self.title)
        if self.matrix is None:
            return
        names = [name for _upper, name in self.levels]
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, self.font().pointSizeF() - 2))
        for k in range(1, 6):
            for d in range(1, 6):
                r = self.cell_rect(k, d)
                m = self.matrix[k - 1][d - 1]
                name = next((n for upper, n in self.levels if m <= upper), names[-1])
                p.fillRect(r, QColor(LEVEL_COLOURS[min(names.index(name), len(LEVEL_COLOURS) - 1)]))
                p.setPen(QPen(QColor("white"), 1))
                p.drawRect(r)
                p.setFont(small)
                p.setPen(MUTED)
                p.drawText(r.adjusted(2, 0, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, str(m))
                n = self.counts.get((k, d), 0)
                if n:
                    p.setFont(bold)
                    p.setPen(TEXT)
                    p.drawText(r, Qt.AlignmentFlag.AlignCenter, str(n))
                if self.selected == (k, d):
                    p.setPen(QPen(QColor("#1f4e79"), 2.5))
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawRect(r.adjusted(1, 1, -1, -1))
        p.setFont(small)
        p.setPen(MUTED)
        for i in range(1, 6):
            p.drawText(QRectF(ox + (i - 1) * cell, oy + 5 * cell + 1, cell, 12), Qt.AlignmentFlag.AlignCenter, str(i))
            p.drawText(QRectF(ox - 14, self.cell_rect(i, 1).top(), 12, cell), Qt.AlignmentFlag.AlignCenter, str(i))
        p.drawText(QRectF(ox, oy + 5 * cell + 13, 5 * cell, 12), Qt.AlignmentFlag.AlignCenter, self.tr("Dampak →"))
        p.save()
        p.translate(10, oy + 5 * cell)
        p.rotate(-90)
        p.drawText(QRectF(0, -6, 5 * cell, 12), Qt.AlignmentFlag.AlignCenter, self.tr("Kemungkinan →"))
        p.restore()


class AbsorptionBars(QWidget):
    """One bar per unit (and per line under it): the pagu is the whole track, the realisasi fills
    its share; the text gives both in juta rupiah and the % serapan.  Paints only the rows inside
    the exposed rectangle, so 530 units scroll as cheaply as 12."""

    ROW = 22
    LINE_ROW = 18

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []
        self._tops: list[int] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_budget(self, budget: dict, *, with_lines: bool) -> None:
        rows = []
        for unit in budget["units"]:
            rows.append({"label": unit["unit_name"], "pagu": unit["pagu"], "realised": unit["realised"],
                         "absorption": unit["absorption"], "line": False})
            if with_lines:
                rows += [{"label": f"{line['line_code']} {line['line_name']}".strip(), "pagu": line["pagu"],
                          "realised": line["realised"], "absorption": line["absorption"], "line": True}
                         for line in unit["lines"]]
        self.rows = rows
        self._tops, y = [], 0
        for r in rows:
            self._tops.append(y)
            y += self.LINE_ROW if r["line"] else self.ROW
        self.setFixedHeight(max(y, self.ROW))
        self.update()

    def painted_rows(self, rect) -> range:
        """Indexes of the rows that intersect ``rect`` (the part being painted)."""
        import bisect
        first = max(0, bisect.bisect_right(self._tops, rect.top()) - 1)
        last = bisect.bisect_right(self._tops, rect.bottom())
        return range(first, min(last, len(self.rows)))

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(event.rect(), self.palette().base())
        if not self.rows:
            p.setPen(MUTED)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Belum ada pagu untuk tahun ini."))
            return
        label_w = min(260, int(self.width() * 0.38))
        text_w = 190
        track_x = label_w + 8
        track_w = max(40, self.width() - track_x - text_w - 8)
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, self.font().pointSizeF() - 1))
        for i in self.painted_rows(event.rect()):
            r = self.rows[i]
            top = self._tops[i]
            h = self.LINE_ROW if r["line"] else self.ROW
            p.setFont(small if r["line"] else self.font())
            p.setPen(MUTED if r["line"] else TEXT)
            indent = 14 if r["line"] else 2
            label = p.fontMetrics().elidedText(r["label"], Qt.TextElideMode.ElideRight, label_w - indent)
            p.drawText(QRectF(indent, top, label_w - indent, h), Qt.AlignmentFlag.AlignVCenter, label)
            bar_h = h - (9 if r["line"] else 8)
            track = QRectF(track_x, top + (h - bar_h) / 2, track_w, bar_h)
            if r["pagu"]:
                p.fillRect(track, QColor("#dfe6ef"))
                share = min((r["realised"] or 0) / r["pagu"], 1.0)
                if share > 0:
                    p.fillRect(QRectF(track.left(), track.top(), track.width() * share, track.height()),
                               QColor("#6f8fb8") if r["line"] else ACTUAL)
            p.setPen(MUTED if r["line"] else TEXT)
            text = self.tr("{real} / {pagu} · {pct}").format(
                real=format_number(r["realised"], 2) if r["realised"] is not None else "–",
                pagu=format_number(r["pagu"], 2) if r["pagu"] is not None else "–",
                pct=f"{format_number(r['absorption'], 1)} %" if r["absorption"] is not None else "–")
            p.drawText(QRectF(track_x + track_w + 6, top, text_w, h), Qt.AlignmentFlag.AlignVCenter, text)
