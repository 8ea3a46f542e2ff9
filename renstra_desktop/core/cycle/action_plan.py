"""Rencana Aksi: per indicator of the PK in force, targets TW I-IV (cumulative for indicators that
take the last value, per quarter for sums and means), activities per quarter and who is
responsible.  TW IV must reach the PK target (cumulative: equal it; per quarter: add up to it,
or average to it), or carry a reason."""
from __future__ import annotations

from ..errors import NotFound, ValidationError
from ..numbers import format_number
from ..validation import clean_value
from ..schema import TABLES
from .agreement import pk_targets
from .common import ROMAN, check_unit, check_year, keyed_id, upsert
from .indicators import indicator_info

QUARTER_FIELDS = ("tw1", "tw2", "tw3", "tw4")


def year_from_quarters(values, rollup: str):
    """What the four quarter targets add up to for the year, by the indicator's aggregation."""
    vals = [v for v in values if v is not None]
    if rollup == "sum":
        return sum(vals) if len(vals) == 4 else None
    if rollup == "mean":
        return sum(vals) / 4 if len(vals) == 4 else None
    return values[3]


def set_action_plan(service, unit: str, year: int, indicator_code: str, values: dict):
    """Set the quarter targets (``tw1``..``tw4``), activities (``activities_tw1``..), ``responsible``
    and ``tw4_reason`` of one PK indicator.  Refused in Indonesian when TW IV does not reach the
    PK target and no reason is given."""
    conn = service.store.conn
    unit, year = check_unit(conn, unit), check_year(conn, year)
    info = indicator_info(conn, unit, indicator_code)
    targets = pk_targets(conn, unit, year)
    if not targets:
        raise NotFound(f"PK {unit} tahun {year} belum ada; Rencana Aksi disusun dari indikator PK. Buat PK-nya dulu.")
    if info["code"] not in targets:
        raise ValidationError(f"Indikator {info['code']} tidak ada di PK {unit} {year}. Tambahkan ke PK dulu.")
    spec = TABLES["action_plan"]
    unknown = set(values) - set(spec.columns)
    if unknown:
        raise ValidationError(f"Kolom Rencana Aksi tidak dikenal: {', '.join(sorted(unknown))}.")
    row_id = keyed_id("action_plan", unit, year, info["code"])
    old = conn.execute("SELECT * FROM action_plan WHERE id = ? AND deleted = 0", (row_id,)).fetchone()
    merged = {f: (clean_value(spec.field_map[f], values[f]) if f in values else (old[f] if old else None))
              for f in (*QUARTER_FIELDS, "tw4_reason")}
    check_tw4(info, [merged[f] for f in QUARTER_FIELDS], targets[info["code"]], merged["tw4_reason"])
    return upsert(service, "action_plan", {"unit_code": unit, "year": year, "indicator_code": info["code"]},
                  {k: v for k, v in values.items() if k not in ("unit_code", "year", "indicator_code")})


def check_tw4(info: dict, quarters: list, pk_target, reason) -> None:
    reached = year_from_quarters(quarters, info["rollup"])
    if quarters[3] is None or pk_target is None or (reason or "").strip():
        return
    if reached is None or abs(reached - pk_target) > 1e-9:
        how = {"sum": "jumlah TW I-IV", "mean": "rata-rata TW I-IV"}.get(info["rollup"], "target TW IV")
        raise ValidationError(
            f"Rencana Aksi {info['code']}: {how} ({format_number(reached)}) tidak sama dengan target PK "
            f"({format_number(pk_target)}). Samakan, atau tulis alasannya di kolom Alasan TW IV.")


def draft_action_plan(service, unit: str, year: int):
    """A Rencana Aksi line for every PK indicator that has none: TW IV at the PK target (cumulative
    indicators) or the target spread over the quarters (sums and means)."""
    from ..service import Changes
    conn = service.store.conn
    unit, year = check_unit(conn, unit), check_year(conn, year)
    changes = Changes()
    with service.store.atomic():
        for code, target in pk_targets(conn, unit, year).items():
            if conn.execute("SELECT 1 FROM action_plan WHERE id = ? AND deleted = 0",
                            (keyed_id("action_plan", unit, year, code),)).fetchone():
                continue
            info = indicator_info(conn, unit, code)
            if target is None:
                quarters = [None] * 4
            elif info["rollup"] == "sum":
                quarters = [round(target / 4, 2)] * 3 + [round(target - 3 * round(target / 4, 2), 2)]
            elif info["rollup"] == "mean":
                quarters = [target] * 4
            else:
                quarters = [None, None, None, target]
            changes.merge(set_action_plan(service, unit, year, code, dict(zip(QUARTER_FIELDS, quarters))))
    return changes


def action_plan_rows(conn, unit: str, year: int) -> list[dict]:
    """One line per PK indicator (in PK order) with its quarter targets and activities."""
    import json
    plans = {r["indicator_code"]: dict(r) for r in conn.execute(
        "SELECT * FROM action_plan WHERE unit_code = ? AND year = ? AND deleted = 0", (unit, year))}
    rows = []
    for code, target in pk_targets(conn, unit, year).items():
        info = indicator_info(conn, unit, code)
        p = plans.get(code, {})
        rows.append({**info, "pk_target": target, "id": p.get("id"),
                     "quarters": [p.get(f) for f in QUARTER_FIELDS],
                     "activities": [json.loads(p.get(f"activities_{f}") or "[]") for f in QUARTER_FIELDS],
                     "responsible": p.get("responsible") or "", "tw4_reason": p.get("tw4_reason") or "",
                     "is_cumulative": info["rollup"] == "last"})
    return rows


def quarter_label(q: int) -> str:
    return f"TW {ROMAN[q - 1]}"
