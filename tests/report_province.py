"""A consolidated Kanwil plan for report tests: three UPTs with their own figures (targets,
realisations with evidence, scored risks with cause and control, roadmap items, funding with
realised spending), the other UPTs left empty as in a Kanwil file before their packages arrive.

Rows of a UPT are written as that UPT's (seed rows, as a merged package leaves them), so the
reports see exactly what the Kanwil's consolidated file holds.
"""
from __future__ import annotations

import shutil
from pathlib import Path

FILLED = ("LPS-LOBAR", "LPS-DOMPU", "RTN-BIMA")
EVIDENCE = "LKjIP {unit} {year} hal. 7"
CAUSE = "Jumlah petugas jaga malam kurang"
CONTROL = "Piket bergilir dan CCTV"


def fill(path: Path, units=FILLED) -> Path:
    from renstra_desktop.core import queries
    from renstra_desktop.core.newplan import insert_seed_rows
    from renstra_desktop.core.store import Store

    store = Store.open(path)
    conn = store.conn
    risks = queries.risk_rows(conn, "KANWIL")
    roadmap = queries.roadmap_rows(conn, "KANWIL")[:12]
    targets = [dict(r) for r in conn.execute("SELECT * FROM indicator_target WHERE unit_code = 'KANWIL'")]
    funding = queries.funding_rows(conn, "KANWIL")
    with store.atomic():
        for n, unit in enumerate(units, 1):
            conn.executemany(
                "UPDATE indicator_target SET value = ? WHERE unit_code = ? AND indicator_code = ? AND year = ?",
                [(t["value"], unit, t["indicator_code"], t["year"]) for t in targets])
            insert_seed_rows(store, "realisation", [
                {"unit_code": unit, "indicator_code": t["indicator_code"], "period": str(t["year"]),
                 "value": round(t["value"] * (0.9 + n * 0.05), 2), "evidence": EVIDENCE.format(unit=unit, year=t["year"])}
                for t in targets if t["year"] in (2025, 2026)])
            insert_seed_rows(store, "risk", [
                {**{k: r[k] for k in ("program_code", "area", "risk", "responsible")}, "unit_code": unit, "seq": i,
                 "cause": CAUSE, "current_control": CONTROL, "treatments": r["treatments"],
                 "success_indicators": r["success_indicators"], "inherent_likelihood": 1 + (i + n) % 5,
                 "inherent_impact": 1 + (2 * i + n) % 5, "residual_likelihood": 1 + i % 3, "residual_impact": 1 + n % 3}
                for i, r in enumerate(risks[:10], 1)])
            insert_seed_rows(store, "roadmap_item", [
                {**{k: r[k] for k in ("aspect", "year", "seq", "text")}, "unit_code": unit, "status": "berjalan"}
                for r in roadmap])
            insert_seed_rows(store, "funding", [
                {"unit_code": unit, "line_code": f["line_code"], "year": y, "allocation": round(v * 0.1 * n, 2),
                 "realised": round(v * 0.09 * n, 2) if y == 2025 else None, "executing_unit": unit}
                for f in funding for y, v in f["allocation"].items() if v is not None])
    store.close()
    return path


def province_copy(template: Path, folder: Path) -> Path:
    target = folder / "provinsi.renstra"
    shutil.copy(template, target)
    return target
