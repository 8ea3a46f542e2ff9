"""Benchmark: the Kanwil's annual LKjIP with 12 units against a bare reportlab build of the same
tables (same page size, same fonts, one table per part), in the same run.  Goal: at most 1.5x.

    .venv/bin/python bench/lkjip.py [--repeat 5]

The province comes from tests/cycle_scenario.py (two UPTs with their own indicators, PK, Rencana
Aksi, quarterly realisations); every other UPT gets targets and quarterly realisations too, so the
"Capaian Kinerja Satuan Kerja" part has 11 unit tables.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: E402

from cycle_scenario import YEAR, province  # noqa: E402
from renstra_desktop.core.newplan import insert_seed_rows  # noqa: E402
from renstra_desktop.core.reports import ReportOptions, build_report, collect  # noqa: E402
from renstra_desktop.core.reports.layout import FONT, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, page_size, register_fonts  # noqa: E402
from renstra_desktop.core.reports.lkjip import chapters  # noqa: E402
from renstra_desktop.core.service import PlanService  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402


def fill(path: Path) -> None:
    store = Store.open(path)
    svc = PlanService(store, "bench")
    units = [r[0] for r in store.conn.execute("SELECT code FROM unit WHERE code != 'KANWIL' AND deleted = 0")]
    with store.atomic():
        for n, unit in enumerate(units):
            for r in store.conn.execute("SELECT id, indicator_code FROM indicator_target WHERE unit_code = ? AND "
                                        "value IS NULL", (unit,)).fetchall():
                svc.update("indicator_target", r["id"], {"value": 3.0 if r["indicator_code"] != "IKK 19.1" else 100})
            reals = []     # a UPT's realisations arrive in its package; here written as the seed writer does
            for code in ("IKK 17.1", "IKK 19.1", "IKK 19.2"):
                for q in range(1, 4):
                    if store.conn.execute("SELECT 1 FROM realisation WHERE unit_code = ? AND indicator_code = ? AND "
                                          "period = ?", (unit, code, f"{YEAR}-TW{q}")).fetchone() is None:
                        reals.append({"unit_code": unit, "indicator_code": code, "period": f"{YEAR}-TW{q}",
                                      "value": 2.5 + q * 0.2 + n * 0.01 if code != "IKK 19.1" else 25.0 * q})
            insert_seed_rows(store, "realisation", reals)
    store.close()


def bare(figures: dict) -> bytes:
    """The same parts with plain reportlab: paragraphs and one Table per table part."""
    register_fonts()
    style = ParagraphStyle("b", fontName=FONT, fontSize=10, leading=13)
    cell = ParagraphStyle("c", fontName=FONT, fontSize=8.5, leading=10.4)
    size = page_size("a4", portrait=True)
    width = size[0] - 2 * MARGIN_X
    story = [Paragraph("LAPORAN KINERJA", style), PageBreak()]
    for kind, value in chapters(figures):
        if kind in ("h1", "h2", "p"):
            story.append(Paragraph(value, style))
        elif kind == "narrative":
            story += [Paragraph(inline, style) for _b, inline in figures["narrative"][value]]
        elif kind == "table":
            rows = [value["header"]] + ([[value["group"]] + [""] * (len(value["header"]) - 1)] if value.get("group") else [])
            rows += [[Paragraph(str(c), cell) for c in r] for r in value["rows"]]
            t = Table(rows, colWidths=[width * w / sum(value["widths"]) for w in value["widths"]], repeatRows=1)
            t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8.5), ("GRID", (0, 0), (-1, -1), 0.5, "grey")]))
            story += [t, Spacer(0, 6)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=size, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                      bottomMargin=MARGIN_BOTTOM).build(story)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-lkjip-"))
    province(folder)
    path = folder / "kanwil.renstra"
    fill(path)
    options = ReportOptions("lkjip", unit="KANWIL", year=YEAR)
    with Store.open(path, readonly=True) as store:
        figures = collect(store.conn, options)["figures"]
        units = len(figures["units"]) + 1
        build_report(store.conn, options)          # warm-up: fonts, imports
        bare(figures)
        ours, base = [], []
        for _ in range(args.repeat):                # alternated, same run
            t = time.perf_counter()
            result = build_report(store.conn, options)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            bare(figures)
            base.append(time.perf_counter() - t)
    o, b = statistics.median(ours), statistics.median(base)
    print(f"LKjIP tahunan Kanwil, {units} satker ({len(figures['units'])} tabel satker), {result.page_count} halaman")
    print(f"  Renstra Desktop (collect + layout + QR): median {o * 1000:.0f} ms  runs {[round(x * 1000) for x in ours]}")
    print(f"  bare reportlab, same tables:             median {b * 1000:.0f} ms  runs {[round(x * 1000) for x in base]}")
    print(f"  ratio {o / b:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
