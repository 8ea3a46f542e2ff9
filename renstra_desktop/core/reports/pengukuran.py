"""Laporan Pengukuran Kinerja of a quarter (or semester): per PK indicator the target and the
realisation of each quarter graded against that quarter's Rencana Aksi target, the cumulative
figure against the target through the period and against the year's PK target, with penjelasan,
kendala, solusi and the evidence files (name and SHA-256)."""
from __future__ import annotations

from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

from ..cycle.measurement import measurement
from ..queries import through_label
from .base import Context, period_label
from .cycle_parts import graded_cells, kept_with_signature
from .layout import STYLES, escape
from .tables import OfficialTable, para


def collect(conn, options) -> dict:
    period = options.period or f"{options.year}-TW4"
    rows = measurement(conn, options.unit, period)
    through = rows[0]["through"] if rows else 4
    return {"period": period, "year": int(period[:4]), "through": through_label(f"{period[:4]}-TW{through}"),
            "lines": [{
                "code": r["code"], "name": r["name"], "measure": r["measure"],
                "quarters": [graded_cells(q, r["measure"]) for q in r["quarters_graded"]],
                "period": graded_cells(r["period_graded"], r["measure"]),
                "cumulative": graded_cells(r["cumulative"], r["measure"]),
                "year": graded_cells(r["against_year"], r["measure"]),
                "explanation": r["explanation"], "obstacles": r["obstacles"], "solutions": r["solutions"],
                "evidence": [{"name": e["file_name"], "size": e["size"], "sha256": e["sha256"]} for e in r["evidence"]],
            } for r in rows]}


def story(data: dict, ctx: Context) -> list:
    label = period_label(data["period"])
    t = OfficialTable([0.05, 0.23] + [0.07] * 4 + [0.08, 0.08, 0.08, 0.08], ctx.width,
                      number_cols=tuple(range(2, 10)), center_cols=(0,))
    t.header(["No", "Indikator", "TW I\nT / R", "TW II\nT / R", "TW III\nT / R", "TW IV\nT / R",
              f"Capaian {label}", f"Predikat {label}", f"Capaian {data['through']}", "Capaian thd target tahun"])
    t.numbering_row()
    for i, line in enumerate(data["lines"], 1):
        qs = [f"{q['target']} / {q['actual']}" for q in line["quarters"]]
        t.row([str(i), para(f"{line['code']} {line['name']}"), *[para(q, "cell_right") for q in qs],
               line["period"]["achievement"], line["period"]["grade"],
               para(f"{line['cumulative']['actual']} dari {line['cumulative']['target']}: "
                    f"{line['cumulative']['achievement']}", "cell_right"),
               para(f"{line['year']['actual']} dari {line['year']['target']}: {line['year']['achievement']}",
                    "cell_right")])
    out = [t.table(), Spacer(0, 3), Paragraph(
        f"T = target Rencana Aksi triwulan itu, R = realisasi. Capaian {escape(label)} dinilai terhadap target periode "
        "itu (bukan target tahunan).", STYLES["small"])]
    out += [CondPageBreak(120), Paragraph("Analisis capaian dan data dukung", STYLES["section"])]
    for line in data["lines"]:
        t = OfficialTable([0.22, 0.78], ctx.width)
        t.group(f"{line['code']} {line['name']}")
        t.row(["Penjelasan", para(line["explanation"] or "–")])
        t.row(["Kendala", para(line["obstacles"] or "–")])
        t.row(["Solusi / rencana tindak lanjut", para(line["solutions"] or "–")])
        evid = "\n".join(f"{e['name']} ({e['size']} bita) SHA-256 {e['sha256']}" for e in line["evidence"]) or "–"
        t.row(["Data dukung", para(evid, "small")])
        out += [KeepTogether([t.table()]), Spacer(0, 6)]
    return out


def signature(data, ctx, area, payload, created, story) -> list:
    return kept_with_signature(f"Demikian laporan pengukuran kinerja {period_label(data['period'])} ini dibuat "
                               "dengan sebenarnya.", area, story)
