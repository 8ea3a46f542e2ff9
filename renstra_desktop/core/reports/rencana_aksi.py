"""Rencana Aksi: per PK indicator the targets TW I-IV (cumulative or per quarter), the planned
activities per quarter and who is responsible; a TW IV that differs from the PK target shows its
reason."""
from __future__ import annotations

from reportlab.platypus import Paragraph, Spacer

from ..cycle.action_plan import action_plan_rows
from ..cycle.agreement import current_revision
from .base import Context, fmt_value
from .cycle_parts import kept_with_signature, year_of
from .layout import STYLES
from .tables import OfficialTable, bullets, para


def collect(conn, options) -> dict:
    year = year_of(options)
    rows = action_plan_rows(conn, options.unit, year)
    if current_revision(conn, options.unit, year) is None:
        from ..errors import NotFound
        raise NotFound(f"PK {options.unit} tahun {year} belum ada; Rencana Aksi disusun dari indikator PK. "
                       "Buat PK-nya dulu (renstra-desktop pk buat).")
    return {"year": year, "lines": [{
        "code": r["code"], "name": r["name"], "objective": r["objective"], "pk_target": fmt_value(r["pk_target"], r["measure"]),
        "quarters": [fmt_value(v, r["measure"]) for v in r["quarters"]], "activities": r["activities"],
        "responsible": r["responsible"], "reason": r["tw4_reason"],
        "basis": "kumulatif" if r["is_cumulative"] else ("per triwulan" if r["rollup"] == "sum" else "rata-rata")}
        for r in rows]}


def story(data: dict, ctx: Context) -> list:
    t = OfficialTable([0.04, 0.2, 0.07, 0.06, 0.06, 0.06, 0.06, 0.37, 0.08], ctx.width,
                      number_cols=(2, 3, 4, 5, 6), center_cols=(0,))
    t.header(["No", "Sasaran / Indikator", f"Target PK {data['year']}", "Target TW I", "TW II", "TW III", "TW IV",
              "Rencana kegiatan per triwulan", "Penanggung jawab"])
    t.numbering_row()
    for i, line in enumerate(data["lines"], 1):
        acts = []
        for q, items in zip(("TW I", "TW II", "TW III", "TW IV"), line["activities"]):
            acts += [f"{q}: {a}" for a in items]
        ind = f"{line['objective']} — {line['code']} {line['name']} ({line['basis']})"
        if line["reason"]:
            ind += f"\nAlasan TW IV: {line['reason']}"
        t.row([str(i), para(ind), line["pk_target"], *line["quarters"], bullets(acts or ["–"], mark="•"),
               para(line["responsible"] or "–")])
    note = Paragraph("Target kumulatif: nilai s.d. triwulan itu; per triwulan: target triwulan itu saja. "
                     "Target TW IV sama dengan target PK kecuali ada alasan yang dicatat.", STYLES["small"])
    return [t.table(), Spacer(0, 3), note]


def signature(data, ctx, area, payload, created, story) -> list:
    return kept_with_signature(f"Rencana Aksi ini menjabarkan Perjanjian Kinerja tahun {data['year']} per triwulan.", area, story)
