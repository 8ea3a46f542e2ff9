"""Laporan Pemantauan Manajemen Risiko of a quarter: per risk the RTP activities (what, when, who,
output) with their status at the quarter's end, the residual level at the quarter's end against
the inherent level, the risk events of the quarter (date, impact, response), and the heat maps
before and after treatment."""
from __future__ import annotations

from reportlab.platypus import CondPageBreak, Paragraph, Spacer, Table

from ..cycle.risk_monitoring import monitoring
from .base import Context, period_label
from .charts import heat_map
from .cycle_parts import kept_with_signature
from .layout import STYLES
from .tables import OfficialTable, bullets, para


def _level(t) -> str:
    k, d, m, name = t
    return "–" if m is None else f"K{k}, D{d}: besaran {m} ({name})"


def collect(conn, options) -> dict:
    period = options.period or f"{options.year}-TW4"
    data = monitoring(conn, options.unit, period)
    return {"period": data["period"], "matrix": [list(r) for r in data["matrix"]],
            "levels": [list(x) for x in data["levels"]],
            "heat_before": data["heat_before"], "heat_after": data["heat_after"],
            "risks": [{"seq": r["seq"], "area": r["area"], "risk": r["risk"] or "", "inherent": _level(r["inherent"]),
                       "end": _level(r["end"]), "assessed": r["assessed_in_quarter"], "end_note": r["end_note"],
                       "actions": [f"{a['action']} · {a['schedule'] or '–'} · {a['responsible'] or '–'} · "
                                   f"{a['output'] or '–'}: {a['status_label']}" + (f" ({a['note']})" if a["note"] else "")
                                   for a in r["actions"]],
                       "events": [f"{e['event_date']}: {e['description']}; dampak: {e['impact'] or '–'}; "
                                  f"respons: {e['response'] or '–'}" for e in r["events"]]}
                      for r in data["risks"]]}


def story(data: dict, ctx: Context) -> list:
    label = period_label(data["period"])
    t = OfficialTable([0.04, 0.1, 0.2, 0.3, 0.12, 0.12, 0.12], ctx.width, center_cols=(0,))
    t.header(["No", "Area", "Risiko", "Kegiatan RTP · waktu · PJ · keluaran: status", "Level inheren",
              f"Level akhir {label}", "Kejadian risiko"])
    t.numbering_row()
    for r in data["risks"]:
        end = r["end"] + ("" if r["assessed"] else " (register)")
        t.row([str(r["seq"]), para(r["area"]), para(r["risk"]), bullets(r["actions"], mark="•") if r["actions"] else "–",
               para(r["inherent"]), para(end + (f"\n{r['end_note']}" if r["end_note"] else "")),
               bullets(r["events"], mark="•") if r["events"] else "–"])
    counts = lambda grid: {(k + 1, d + 1): n for k, row in enumerate(grid) for d, n in enumerate(row) if n}
    maps = Table([[heat_map(data["matrix"], data["levels"], counts(data["heat_before"]), "Sebelum perlakuan (inheren)", 170),
                   heat_map(data["matrix"], data["levels"], counts(data["heat_after"]), f"Akhir {label}", 170)]],
                 hAlign="LEFT")
    return [*t.tables(), Spacer(0, 3), Paragraph(
        "Level akhir: penilaian residual pada akhir triwulan (atau penilaian terakhir sebelumnya); “(register)” berarti "
        "belum dinilai ulang sehingga memakai nilai residual register risiko.", STYLES["small"]),
        CondPageBreak(230), Paragraph("Peta risiko sebelum dan sesudah perlakuan", STYLES["section"]), maps]


def signature(data, ctx, area, payload, created, story) -> list:
    return kept_with_signature(f"Demikian laporan pemantauan manajemen risiko {period_label(data['period'])} ini dibuat.",
                               area, story)
