"""Benchmark: the Lampiran Renstra of the whole province against a bare reportlab build of the
same tables, in the same run.  Quality bar (DESIGN.md): at most 1.2x.  Also times the two
PAdES signatures when core.signing and the test PKI are available.

    /tmp/venv/bin/python bench/report.py [--repeat 3]

Every unit of a temporary copy of the embedded plan is filled with data (targets,
realisations, scored risks, roadmap items, funding) so the report is about 60 pages.  Baselines:
the fair one (bench/report_fair.py: the same document with plain reportlab) and the old bare
builds (only the main tables' figures, one table per section; Liberation Sans and Helvetica).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle  # noqa: E402

from renstra_desktop.core import queries  # noqa: E402
from renstra_desktop.core.newplan import create_plan_file, insert_seed_rows  # noqa: E402
from renstra_desktop.core.reports import ReportOptions, build_report, collect, payload_for  # noqa: E402
from renstra_desktop.core.reports.layout import (  # noqa: E402
    FONT, HEADER_GAP, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, register_fonts,
)
from renstra_desktop.core.store import Store  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from report_fair import fair_build  # noqa: E402


def fill_province(path: Path) -> None:
    """Give every UPT the Kanwil's structure with its own figures (deterministic)."""
    store = Store.open(path)
    conn = store.conn
    units = [u["code"] for u in queries.units(conn) if u["code"] != "KANWIL"]
    risks = queries.risk_rows(conn, "KANWIL")
    first_per_area = list({(r["program_code"], r["area"]): r for r in reversed(risks)}.values())[::-1]
    roadmap = queries.roadmap_rows(conn, "KANWIL")
    targets = [dict(r) for r in conn.execute("SELECT * FROM indicator_target WHERE unit_code = 'KANWIL'")]
    funding = queries.funding_rows(conn, "KANWIL")
    with store.atomic():
        for n, unit in enumerate(units, 1):
            conn.executemany(   # the Kanwil's file already holds each unit's (empty) target cells
                "UPDATE indicator_target SET value = ? WHERE unit_code = ? AND indicator_code = ? AND year = ?",
                [(t["value"], unit, t["indicator_code"], t["year"]) for t in targets])
            reals = []
            for t in targets:
                if t["year"] in (2025, 2026):
                    factor = 0.9 + ((n * 7 + t["year"]) % 5) * 0.05
                    reals.append({"unit_code": unit, "indicator_code": t["indicator_code"], "period": str(t["year"]),
                                  "value": round(t["value"] * factor, 2), "evidence": "LKjIP"})
            insert_seed_rows(store, "realisation", reals)
            rows = []
            for seq, r in enumerate(first_per_area + first_per_area[:3], 1):
                rows.append({**{k: r[k] for k in ("program_code", "area", "risk", "responsible")},
                             "unit_code": unit, "seq": seq, "cause": None, "current_control": None,
                             "treatments": r["treatments"], "success_indicators": r["success_indicators"],
                             "inherent_likelihood": 1 + (seq + n) % 5, "inherent_impact": 1 + (seq * 2 + n) % 5,
                             "residual_likelihood": 1 + (seq + n) % 3, "residual_impact": 1 + (seq + 2 * n) % 3})
            insert_seed_rows(store, "risk", rows)
            insert_seed_rows(store, "roadmap_item", [
                {**{k: r[k] for k in ("aspect", "year", "seq", "text")}, "unit_code": unit,
                 "status": ("rencana", "berjalan", "selesai")[(r["seq"] + n) % 3]} for r in roadmap])
            insert_seed_rows(store, "funding", [
                {"unit_code": unit, "line_code": f["line_code"], "year": y, "realised": None,
                 "allocation": round(v * (0.05 + n * 0.01), 2), "executing_unit": unit}
                for f in funding for y, v in f["allocation"].items()])
    store.close()


# -- the bare build: same figures, plain SimpleDocTemplate + Table, no kop/QR/charts/footer ----
def bare_cells(font: str):
    """The bare build's paragraph cell ``p(text)`` and ``table(rows, fractions)`` in ``font``."""
    style = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=10.4)
    width = landscape(A4)[0] - 2 * MARGIN_X

    def p(text):
        return Paragraph(str(text).replace("&", "&amp;").replace("<", "&lt;"), style)

    def table(rows, fractions, header=1):
        t = Table(rows, colWidths=[width * f / sum(fractions) for f in fractions], repeatRows=header)
        t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 8.5), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t
    return p, table


def bare_pdf(story: list) -> tuple[bytes, int]:
    """Lay out ``story`` in a SimpleDocTemplate with the report's frame; the PDF and its page count."""
    buffer = io.BytesIO()
    # the same frame as the report's pages (margins and running-header gap), so the page count is alike
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                            topMargin=MARGIN_TOP + HEADER_GAP, bottomMargin=MARGIN_BOTTOM)
    pages = []
    doc.build(story, onLaterPages=lambda c, d: pages.append(1), onFirstPage=lambda c, d: pages.append(1))
    return buffer.getvalue(), len(pages)


def bare_build(figures: dict, font: str) -> tuple[bytes, int]:
    p, table = bare_cells(font)
    f = figures["figures"]
    story = [p("Rencana Strategis"), PageBreak()]
    cap = [["No", "IKK / Satker", "Satuan", "Target", "Realisasi", "Capaian", "Predikat"]]
    for prog in f["capaian"]["programs"]:
        cap.append(["", p(prog["name"]), "", "", "", "", ""])
        for obj in prog["objectives"]:
            cap.append([obj["code"], p(obj["name"]), "", "", "", "", ""])
            for ind in obj["indicators"]:
                cap.append([ind["code"], p(ind["name"]), ind["measure"], "", "", "", ""])
                for u in ind["units"]:
                    cap.append(["", p(u["unit_name"]), "", u["target"], u["actual"], u["achievement"], u["grade"]])
    story += [table(cap, [0.07, 0.42, 0.07, 0.1, 0.1, 0.1, 0.11]), PageBreak()]
    risk = [["No", "Indikasi Risiko", "Perlakuan", "Penanggung Jawab", "Indikator Keberhasilan", "Analisis"]]
    for unit in f["risiko"]["units"]:
        risk.append(["", p(unit["unit_name"]), "", "", "", ""])
        for prog in unit["programs"]:
            risk.append(["", p(prog["name"]), "", "", "", ""])
            for area in prog["areas"]:
                risk.append([area["no"], p(area["name"]), "", "", "", ""])
                for x in area["risks"]:
                    risk.append(["", p(x["risk"]), p("<br/>".join(x["treatments"])), p(x["responsible"]),
                                 p("<br/>".join(x["success"])), p(x["inherent"] + " " + x["residual"])])
    story += [table(risk, [0.045, 0.18, 0.23, 0.15, 0.25, 0.145]), PageBreak()]
    fund = [["SK/IKK", "Uraian"] + ["T"] * 5 + ["A"] * 5 + ["Total", "Pelaksana"]]
    for sec in f["pendanaan"]["sections"]:
        fund.append(["", p(sec["unit_name"])] + [""] * 12)
        for prog in sec["programs"]:
            for r in prog["rows"]:
                fund.append([r["code"], p(r["name"]), *r["targets"], *r["alloc"], r["total"], p(r["executing"])])
    story += [table(fund, [0.065, 0.235] + [0.048] * 5 + [0.058] * 5 + [0.068, 0.09]), PageBreak()]
    road = [["No", "Aspek", "2025", "2026", "2027", "2028", "2029"]]
    for unit in f["roadmap"]["units"]:
        road.append(["", p(unit["unit_name"])] + [""] * 5)
        for i, a in enumerate(unit["aspects"], 1):
            road.append([str(i), p(a["name"])] + [p("<br/>".join(a["years"][y])) for y in sorted(a["years"])])
    story.append(table(road, [0.04, 0.13] + [0.166] * 5))
    return bare_pdf(story)


def timed_alternating(fns: dict, repeat: int) -> dict:
    """name -> (median seconds, last result); the runs alternate (a, b, c, a, b, c, ...) so a load
    change on a shared machine falls on every contender alike."""
    times = {name: [] for name in fns}
    results = {}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.median(times[name]), results[name]) for name in fns}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="keep the plan and PDF here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        plan = work / "provinsi.renstra"
        create_plan_file(plan).close()
        fill_province(plan)
        store = Store.open(plan, readonly=True)
        options = ReportOptions("lampiran", unit=None, year=2025)
        register_fonts()
        build_report(store.conn, options)               # warm-up: fonts parsed, modules imported
        figures = collect(store.conn, options)
        checked = options.checked(store.conn)
        payload = payload_for(store.conn, checked, figures).text()
        runs = timed_alternating({"ours": lambda: build_report(store.conn, options),
                                  "fair": lambda: fair_build(figures, checked.span, "Seluruh Satuan Kerja", payload),
                                  "bare": lambda: bare_build(figures, FONT),
                                  "helvetica": lambda: bare_build(figures, "Helvetica")}, args.repeat)
        (ours_t, ours), (fair_t, (_, fair_pages)), (bare_t, (_, bare_pages)), (helv_t, (_, helv_pages)) = (
            runs["ours"], runs["fair"], runs["bare"], runs["helvetica"])
        store.close()
        report = {
            "pages": ours.page_count, "seconds": round(ours_t, 3),
            "fair_pages": fair_pages, "fair_seconds": round(fair_t, 3), "ratio_vs_fair": round(ours_t / fair_t, 2),
            "bare_pages": bare_pages, "bare_seconds": round(bare_t, 3), "ratio": round(ours_t / bare_t, 2),
            "load": round(os.getloadavg()[0], 1),
            "bare_helvetica_pages": helv_pages, "bare_helvetica_seconds": round(helv_t, 3),
            "ratio_vs_helvetica": round(ours_t / helv_t, 2), "pdf_bytes": len(ours.pdf),
        }
        pdf = work / "renstra-provinsi.pdf"
        pdf.write_bytes(ours.pdf)
        report.update(_signing(work, pdf, ours.spots))
        print(f"Lampiran Renstra provinsi: {ours.page_count} halaman, {ours_t:.3f} s "
              f"(median of {args.repeat}, runs alternating with the bare builds)")
        print(f"fair bare reportlab, the same document (bench/report_fair.py): {fair_pages} pages, {fair_t:.3f} s -> "
              f"ratio {ours_t / fair_t:.2f}x")
        print(f"bare reportlab, same tables, same font: {bare_pages} pages, {bare_t:.3f} s -> ratio {ours_t / bare_t:.2f}x"
              f" (goal <= 1.2x)")
        print(f"bare reportlab with Helvetica (no embedding): {helv_pages} pages, {helv_t:.3f} s -> ratio "
              f"{ours_t / helv_t:.2f}x")
        if "sign_seconds" in report:
            print(f"two PAdES signatures (konseptor + kepala) on the {ours.page_count}-page PDF: "
                  f"{report['sign_seconds']:.3f} s")
        else:
            print(f"signing: {report.get('sign_skipped')}")
        print(json.dumps(report))
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(pdf, Path(args.keep) / pdf.name)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _signing(work: Path, pdf: Path, spots: dict) -> dict:
    try:
        from renstra_desktop.core.signing.sign import sign_pdf
        from renstra_desktop.core.signing.verify import verify_pdf
        import pki
    except ImportError as exc:
        return {"sign_skipped": f"not available ({exc})"}
    keys = pki.make_test_pki(work / "pki")
    start = time.perf_counter()
    sign_pdf(pdf, work / "s1.pdf", keys.konseptor_p12, keys.password, "konseptor", field_box=spots["konseptor"])
    sign_pdf(work / "s1.pdf", work / "s2.pdf", keys.kepala_p12, keys.password, "kepala", field_box=spots["kepala"])
    seconds = time.perf_counter() - start
    ok = verify_pdf(work / "s2.pdf", [keys.root_pem])["all_ok"]
    return {"sign_seconds": round(seconds, 3), "signed_valid": ok}


if __name__ == "__main__":
    sys.exit(main())
