"""Quarterly measurement (pengukuran kinerja): per PK indicator and period the Rencana Aksi
target, the realisation, capaian and grade against that period's target, the cumulative figures
and the year's, with penjelasan, kendala, solusi and the evidence files."""
from __future__ import annotations

from ..schema import PERIOD_RE
from ..errors import ValidationError
from .action_plan import action_plan_rows
from .common import check_unit, upsert
from .evidence import list_evidence
from .grading import cumulative_actual, cumulative_target, graded, period_actual, period_target, realisations
from .indicators import indicator_info

NOTE_FIELDS = ("explanation", "obstacles", "solutions")


def set_note(service, unit: str, indicator_code: str, period: str, values: dict):
    """Penjelasan (``explanation``), kendala (``obstacles``), solusi/RTL (``solutions``) of a period."""
    conn = service.store.conn
    unit = check_unit(conn, unit)
    info = indicator_info(conn, unit, indicator_code)
    unknown = set(values) - set(NOTE_FIELDS)
    if unknown:
        raise ValidationError(f"Kolom analisis tidak dikenal: {', '.join(sorted(unknown))}.")
    return upsert(service, "measurement_note", {"unit_code": unit, "indicator_code": info["code"],
                                                "period": str(period).strip().upper()}, values)


def notes(conn, unit: str, period: str) -> dict[str, dict]:
    return {r["indicator_code"]: dict(r) for r in conn.execute(
        "SELECT * FROM measurement_note WHERE unit_code = ? AND period = ? AND deleted = 0", (unit, period))}


def measurement(conn, unit: str, period: str) -> list[dict]:
    """One entry per PK indicator of the period's year (see the module text)."""
    unit = check_unit(conn, unit)
    m = PERIOD_RE.match(str(period or ""))
    if not m or (m.group(2) or "").isdigit():
        raise ValidationError(f"Periode pengukuran “{period}” tidak sah. Pilih 2026-TW1..TW4, 2026-S1/S2 atau 2026.")
    year = int(period[:4])
    q_end = {"": 4, "S1": 2, "S2": 4}.get(m.group(2) or "", None)
    if q_end is None:
        q_end = int(m.group(2)[2])
    period_notes = notes(conn, unit, period)
    for q in range(q_end, 0, -1):        # a semester or year without its own analysis: the latest quarter's
        for code, note in notes(conn, unit, f"{year}-TW{q}").items():
            period_notes.setdefault(code, note)
    evidence = {}
    for e in list_evidence(conn, unit, period=period):
        evidence.setdefault(e["indicator_code"], []).append(e)
    rows = []
    for plan in action_plan_rows(conn, unit, year):
        values = realisations(conn, unit, plan["code"])
        quarters = plan["quarters"]
        rule = plan["rollup"]
        per_q = []
        for q in range(1, 5):
            qp = f"{year}-TW{q}"
            per_q.append({"period": qp, **graded(conn, quarters[q - 1], period_actual(values, qp, rule),
                                                 plan["polarity"])})
        target = period_target(quarters, rule, period, plan["pk_target"])
        actual = period_actual(values, period, rule) if len(period) > 4 else cumulative_actual(values, year, 4, rule)
        cum = graded(conn, cumulative_target(quarters, rule, q_end), cumulative_actual(values, year, q_end, rule),
                     plan["polarity"])
        note = period_notes.get(plan["code"], {})
        rows.append({**plan, "period": period, "quarters_graded": per_q,
                     "period_graded": graded(conn, target, actual, plan["polarity"]),
                     "cumulative": cum, "through": q_end,
                     "against_year": graded(conn, plan["pk_target"], cum["actual"], plan["polarity"]),
                     **{k: note.get(k) or "" for k in NOTE_FIELDS},
                     "evidence": evidence.get(plan["code"], [])})
    return rows
