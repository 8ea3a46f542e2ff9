"""Grading a period against that period's Rencana Aksi target (not the year's), and saying which
period a year's figure stands on ("s.d. TW III") until the year is complete."""
from __future__ import annotations

from ..achievement import achievement, grade
from ..queries import latest_period, period_actual, period_target, rollup, through_label
from ..settings import load_settings


def cumulative_target(quarters: list, rollup_rule: str, q: int):
    """The target through quarter ``q`` (s.d. TW q)."""
    if rollup_rule == "last":
        return quarters[q - 1]
    part = quarters[:q]
    if None in part:
        return None
    return sum(part) if rollup_rule == "sum" else sum(part) / q


def cumulative_actual(values: dict, year: int, q: int, rollup_rule: str):
    """The realisation through quarter ``q``: the quarters up to it rolled up (months when no
    quarter is filled)."""
    for grain in ("TW", "month"):
        upto = {p: v for p, v in values.items() if p[:4] == str(year) and v is not None
                and (p[5:7] == "TW" if grain == "TW" else p[5:].isdigit()) and _quarter_of(p) <= q}
        if upto:
            return rollup(upto, year, rollup_rule)
    return None


def _quarter_of(period: str) -> int | None:
    rest = period[5:]
    if rest.startswith("TW"):
        return int(rest[2])
    if rest.startswith("S"):
        return int(rest[1]) * 2
    if rest.isdigit():
        return (int(rest) - 1) // 3 + 1
    return None


def graded(conn, target, actual, polarity: str) -> dict:
    settings = load_settings(conn)
    cap = achievement(target, actual, polarity, cap=settings.achievement_cap)
    g = grade(cap, settings.achievement_bands)
    return {"target": target, "actual": actual, "achievement": cap,
            "grade": g.name if g else None, "grade_role": g.role if g else None}


def year_figure(values: dict, year: int, rollup_rule: str) -> tuple[float | None, str]:
    """The year's realisation and the period it stands on: (3.2, 's.d. TW III') or (3.4, '')."""
    return rollup(values, year, rollup_rule), through_label(latest_period(values, year))


def realisations(conn, unit: str, code: str) -> dict[str, float | None]:
    return {r["period"]: r["value"] for r in conn.execute(
        "SELECT period, value FROM realisation WHERE unit_code = ? AND indicator_code = ? AND deleted = 0",
        (unit, code))}


def period_target_for(conn, unit: str, code: str, period: str, rollup_rule: str):
    """The Rencana Aksi target of ``period`` for ``unit``'s indicator, or None when no plan exists
    (the capaian report then keeps the year's target and says so)."""
    from .agreement import pk_targets
    year = int(period[:4])
    row = conn.execute("SELECT tw1, tw2, tw3, tw4 FROM action_plan WHERE unit_code = ? AND year = ? "
                       "AND indicator_code = ? AND deleted = 0", (unit, year, code)).fetchone()
    if row is None:
        return None
    return period_target(list(row), rollup_rule, period, pk_targets(conn, unit, year).get(code))


__all__ = ["period_target", "cumulative_target", "cumulative_actual", "graded", "year_figure",
           "realisations", "period_actual", "period_target_for"]
