"""Ringkasan: the province (or one unit) at a glance, the figures of the Ringkasan tab and of the
``ringkasan`` report, computed here once.

- :func:`achievement_grid`: unit × IKK capaian for a period, by the core's capaian rule
  (:mod:`.queries`, :mod:`.achievement`), with each unit's verification status (:func:`period_statuses`);
- :func:`trends`: per IKK the linked 2020-2024 history, the 2025-2029 targets, the yearly
  realisations and the recorded quarters, for one unit or the province (mean of the units);
- :func:`risk_summary`, :func:`risks_in_cell`, :func:`risks_above_appetite`: the 5 × 5 heat maps
  (counts per cell, inherent and residual) and the risks above appetite without a treatment;
- :func:`budget_absorption`: pagu, realisasi and % serapan per unit and line for a year;
- :func:`waiting`: periods submitted and not verified, packages not received this quarter, open
  merge conflicts.

Counts and sums are aggregated in SQL (GROUP BY); what needs a domain rule (the period roll-up, the
risk matrix, the capaian) calls that rule.  Reads only; safe in any thread that owns ``conn``.
``unit=None`` is the whole province.
"""
from __future__ import annotations

import datetime as _dt

from . import localtime, queries
from .period_workflow import STATUS_LABELS, statuses as _statuses   # verification statuses (issue 9)
from .risk_matrix import level, magnitude
from .plan_profile import load_profile
from .settings import load_settings

KANWIL = "KANWIL"
QUARTER_GLOB = "[0-9][0-9][0-9][0-9]-TW[1-4]"


def _scope(unit: str | None, column: str = "unit_code") -> tuple[str, tuple]:
    return ("", ()) if unit is None else (f" AND {column} = ?", (unit,))


# -- verification (issue 9) ---------------------------------------------------------------------
def period_statuses(conn, period: str, unit: str | None = None) -> dict[str, str]:
    """The verification status of ``period`` per unit code (diajukan, dikembalikan, diverifikasi,
    disahkan, dibuka) for the units that have taken a step on it (:mod:`.period_workflow`); a unit
    with none is absent (shown "–").  The grid, the report and :func:`waiting` read statuses only here."""
    return _statuses(conn, period, unit)


# -- unit × indicator grid -------------------------------------------------------------------------
def _values_by_year(conn, unit: str | None, year: int | None = None) -> dict[tuple, dict]:
    """{(unit, ikk, year): {period: value}} of the stored realisations (of one year when given): a
    roll-up then looks only at its own year's periods."""
    scope, args = _scope(unit)
    where = f"deleted = 0{scope}"
    if year is not None:
        where += " AND substr(period, 1, 4) = ?"
        args = (*args, str(year))
    out: dict[tuple, dict] = {}
    for u, code, period, value in conn.execute(
            f"SELECT unit_code, indicator_code, period, value FROM realisation WHERE {where}", args):
        out.setdefault((u, code, int(period[:4])), {})[period] = value
    return out


def _capaian_rows(conn, unit: str | None, period: str) -> list[dict]:
    """The capaian of ``period`` by the core's one rule (queries.indicator_rows: a semester or
    quarter against its Rencana Aksi target where the unit has one)."""
    return queries.indicator_rows(conn, unit, int(period[:4]), period)


def achievement_grid(conn, unit: str | None, period: str) -> dict:
    """``{"period", "indicators": [{code, name, measure}], "rows": [{unit_code, unit_name, status,
    cells: {ikk: {target, actual, achievement, grade, grade_role, through}}}]}``; a missing figure
    is None (shown "–"), never 0."""
    indicators = [{"code": i["code"], "name": i["name"], "measure": i["measure"]} for i in queries.indicators(conn)]
    statuses = period_statuses(conn, period, unit)
    rows: dict[str, dict] = {}
    for r in _capaian_rows(conn, unit, period):
        row = rows.setdefault(r["unit_code"], {"unit_code": r["unit_code"], "unit_name": r["unit_name"],
                                               "status": statuses.get(r["unit_code"]), "cells": {}})
        row["cells"][r["indicator_code"]] = {
            "target": r["period_target"], "actual": r["actual"], "achievement": r["achievement"],
            "grade": r["grade"], "grade_role": r["grade_role"], "through": r.get("actual_through") or ""}
    order = {u["code"]: i for i, u in enumerate(queries.units(conn))}
    return {"period": period, "indicators": indicators,
            "rows": sorted(rows.values(), key=lambda row: order.get(row["unit_code"], len(order)))}


# -- trends ---------------------------------------------------------------------------------------
def _mean(values) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _history(conn, unit: str | None, links: dict) -> dict[str, list[dict]]:
    """The 2020-2024 lines linked to each IKK (setting ``history_links``), owned by ``unit``."""
    by_name = {name: code for code, names in links.items() for name in names}
    out: dict[str, dict] = {}
    for r in queries.performance_history(conn):
        code = by_name.get(r["indicator_name"])
        if code is None or (unit is not None and r["owner_unit"] != unit) or r["value"] is None:
            continue
        point = out.setdefault(code, {}).setdefault(r["year"], {"year": r["year"], "line": r["indicator_name"]})
        point[{"target": "target", "realisation": "actual", "achievement": "achievement"}[r["measure"]]] = r["value"]
    return {code: [points[y] for y in sorted(points)] for code, points in out.items()}


def trends(conn, unit: str | None) -> list[dict]:
    """Per IKK: ``history`` [{year, line, target, actual}] (the five years before the plan),
    ``targets`` {year: value} and ``actuals`` {year: value} for the plan's years (the year's roll-up, queries.rollup), ``quarters``
    [(period, value)] where a quarter's realisation is recorded, and ``units`` (how many units the
    figures stand on).  For the province each figure is the mean over the units that have it."""
    settings = load_settings(conn)
    scope, args = _scope(unit)
    targets: dict[str, dict] = {}
    for r in conn.execute("SELECT indicator_code, year, avg(value), count(value) FROM indicator_target "
                          f"WHERE deleted = 0 AND value IS NOT NULL{scope} GROUP BY indicator_code, year", args):
        targets.setdefault(r[0], {})[r[1]] = r[2]
    quarters: dict[str, list] = {}
    for r in conn.execute("SELECT indicator_code, period, avg(value) FROM realisation WHERE deleted = 0 "
                          f"AND value IS NOT NULL AND period GLOB ?{scope} GROUP BY indicator_code, period "
                          "ORDER BY period", (QUARTER_GLOB, *args)):
        quarters.setdefault(r[0], []).append((r[1], r[2]))
    by_year: dict[str, dict] = {}
    for (u, code, year), v in _values_by_year(conn, unit).items():
        by_year.setdefault(code, {}).setdefault(year, []).append((u, v))
    history = _history(conn, unit, settings.history_links)
    profile = load_profile(conn)
    out = []
    for ind in queries.indicators(conn):
        code = ind["code"]
        years = by_year.get(code, {})
        yearly = {y: [queries.rollup(v, y, ind["rollup"]) for _u, v in years.get(y, [])] for y in profile.years}
        units_with = {u for pairs in years.values() for u, v in pairs if any(x is not None for x in v.values())}
        out.append({"code": code, "name": ind["name"], "measure": ind["measure"], "polarity": ind["polarity"],
                    "history": history.get(code, []), "history_years": list(profile.history_years),
                    "targets": {y: targets.get(code, {}).get(y) for y in profile.years},
                    "actuals": {y: _mean(yearly[y]) for y in profile.years},
                    "quarters": quarters.get(code, []), "units": len(units_with)})
    return out


# -- risks ------------------------------------------------------------------------------------------
def _treated_ids(conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT DISTINCT risk_id FROM risk_action WHERE deleted = 0")}


def _treated(row: dict, with_rtp: set[str]) -> bool:
    """A treatment is a line of the register's treatments or an RTP activity (Siklus Kinerja)."""
    return bool([t for t in row["treatments"] if str(t).strip()]) or row["id"] in with_rtp


def risk_summary(conn, unit: str | None) -> dict:
    """Counts per cell of the 5 × 5 matrix (``inherent`` and ``residual``: {(k, d): n}), the
    matrix and level bands in force, the appetite, how many risks are registered, how many are not
    scored, how many are above appetite and how many of those have no treatment."""
    settings = load_settings(conn)
    scope, args = _scope(unit)
    maps = {}
    for stage in ("inherent", "residual"):
        maps[stage] = {(r[0], r[1]): r[2] for r in conn.execute(
            f"SELECT {stage}_likelihood, {stage}_impact, count(*) FROM risk WHERE deleted = 0 "
            f"AND {stage}_likelihood IS NOT NULL AND {stage}_impact IS NOT NULL{scope} GROUP BY 1, 2", args)}
    total, unscored = conn.execute(
        "SELECT count(*), coalesce(sum(inherent_likelihood IS NULL OR inherent_impact IS NULL), 0) FROM risk "
        f"WHERE deleted = 0{scope}", args).fetchone()
    above = risks_above_appetite(conn, unit)
    return {"inherent": maps["inherent"], "residual": maps["residual"], "matrix": settings.risk_matrix,
            "levels": settings.risk_levels, "appetite": settings.risk_appetite, "total": total,
            "unscored": unscored, "above_appetite": len(above),
            "untreated": sum(1 for r in above if not r["treated"])}


def _risk_item(row: dict, names: dict, with_rtp: set[str]) -> dict:
    return {"id": row["id"], "unit_code": row["unit_code"], "unit_name": names.get(row["unit_code"], row["unit_code"]),
            "area": row["area"], "seq": row["seq"], "risk": row["risk"] or "",
            "inherent": (row["inherent_likelihood"], row["inherent_impact"], row["inherent_magnitude"],
                         row["inherent_level"]),
            "residual": (row["residual_likelihood"], row["residual_impact"], row["residual_magnitude"],
                         row["residual_level"]),
            "treated": _treated(row, with_rtp), "needs_action_plan": row["needs_action_plan"]}


def risks_in_cell(conn, unit: str | None, stage: str, likelihood: int, impact: int) -> list[dict]:
    """The risks a heat-map cell counts (``stage`` inherent or residual), in register order."""
    if stage not in ("inherent", "residual"):
        raise ValueError(stage)
    names, with_rtp = queries.unit_names(conn), _treated_ids(conn)
    return [_risk_item(r, names, with_rtp) for r in queries.risk_rows(conn, unit)
            if r[f"{stage}_likelihood"] == likelihood and r[f"{stage}_impact"] == impact]


def risks_above_appetite(conn, unit: str | None, *, untreated_only: bool = False) -> list[dict]:
    """Risks whose besaran (residual, else inherent: queries.risk_rows) is above the appetite."""
    names, with_rtp = queries.unit_names(conn), _treated_ids(conn)
    items = [_risk_item(r, names, with_rtp) for r in queries.risk_rows(conn, unit) if r["needs_action_plan"]]
    return [i for i in items if not i["treated"]] if untreated_only else items


def cell_level(matrix, levels, likelihood: int, impact: int) -> tuple[int, str]:
    """(besaran, level name) of a heat-map cell."""
    m = magnitude(likelihood, impact, matrix)
    return m, level(m, levels)


# -- budget ------------------------------------------------------------------------------------------
def budget_absorption(conn, unit: str | None, year: int) -> dict:
    """``{"year", "units": [{unit_code, unit_name, pagu, realised, absorption, lines: [{line_code,
    line_name, pagu, realised, absorption}]}], "pagu", "realised", "absorption"}`` in juta rupiah;
    units in directory order; lines with neither pagu nor realisasi are left out.  Sums are SQL's,
    rounded to the cent."""
    scope, args = _scope(unit, "f.unit_code")
    names = queries.unit_names(conn)
    line_names = {**{r[0]: r[1] for r in conn.execute("SELECT code, name FROM objective WHERE deleted = 0")},
                  **{r[0]: r[1] for r in conn.execute("SELECT code, name FROM indicator WHERE deleted = 0")}}
    units: dict[str, dict] = {}
    for r in conn.execute(
            "SELECT f.unit_code, f.line_code, round(sum(f.allocation), 2), round(sum(f.realised), 2) "
            "FROM funding f LEFT JOIN unit u ON u.code = f.unit_code "
            f"WHERE f.deleted = 0 AND f.year = ?{scope} GROUP BY f.unit_code, f.line_code "
            "ORDER BY min(u.seq), f.line_code", (year, *args)):
        if r[2] is None and r[3] is None:
            continue             # an empty line (a unit's skeleton): nothing to show
        entry = units.setdefault(r[0], {"unit_code": r[0], "unit_name": names.get(r[0], r[0]), "lines": []})
        entry["lines"].append({"line_code": r[1], "line_name": line_names.get(r[1], ""), "pagu": r[2],
                               "realised": r[3], "absorption": queries.absorption(r[2], r[3])})
    for entry in units.values():
        entry["pagu"] = queries.money_sum(line["pagu"] for line in entry["lines"])
        entry["realised"] = queries.money_sum(line["realised"] for line in entry["lines"])
        entry["absorption"] = queries.absorption(entry["pagu"], entry["realised"])
    pagu = queries.money_sum(u["pagu"] for u in units.values())
    realised = queries.money_sum(u["realised"] for u in units.values())
    return {"year": year, "units": list(units.values()), "pagu": pagu, "realised": realised,
            "absorption": queries.absorption(pagu, realised)}


# -- what waits -----------------------------------------------------------------------------------------
def quarter_of(day: _dt.date) -> str:
    return f"{day.year}-TW{(day.month - 1) // 3 + 1}"


def _quarter_start_utc(day: _dt.date, zone: _dt.tzinfo) -> str:
    first = _dt.datetime(day.year, 3 * ((day.month - 1) // 3) + 1, 1, tzinfo=zone)
    return first.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def file_unit(conn) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'installation_unit'").fetchone()
    return row[0] if row and row[0] else KANWIL


def waiting(conn, unit: str | None, period: str, today: _dt.date | None = None) -> dict:
    """What waits for the Kanwil: ``submitted`` (units whose ``period`` is diajukan and not yet
    verified, :func:`period_statuses`), ``packages_missing`` (units with no package merged in the
    current quarter of the office zone, with the last one received; only in the Kanwil's file)
    and ``conflicts`` (open merge conflicts per unit)."""
    zone = localtime.zone_of(conn)
    today = today or _dt.datetime.now(zone).date()
    names = queries.unit_names(conn)
    statuses = period_statuses(conn, period, unit)
    submitted = [{"unit_code": u, "unit_name": names.get(u, u)} for u, s in statuses.items() if s == "diajukan"]
    scope, args = _scope(unit, "u.code")
    receives = file_unit(conn) == KANWIL
    missing = []
    if receives:
        start = _quarter_start_utc(today, zone)
        for r in conn.execute(
                "SELECT u.code, u.name, max(b.merged_at) FROM unit u LEFT JOIN package_batch b ON b.unit_code = u.code "
                f"WHERE u.deleted = 0 AND u.unit_type != 'kanwil'{scope} GROUP BY u.code "
                "HAVING max(b.merged_at) IS NULL OR max(b.merged_at) < ? ORDER BY min(u.seq)", (*args, start)):
            missing.append({"unit_code": r[0], "unit_name": r[1],
                            "last_received": localtime.format_datetime(r[2], zone) if r[2] else None})
    cscope, cargs = _scope(unit)
    conflicts = [{"unit_code": r[0], "unit_name": names.get(r[0], r[0]), "open": r[1]} for r in conn.execute(
        f"SELECT unit_code, count(*) FROM merge_conflict WHERE status = 'open'{cscope} GROUP BY unit_code "
        "ORDER BY unit_code", cargs)]
    return {"quarter": quarter_of(today), "receives_packages": receives, "submitted": submitted,
            "packages_missing": missing, "conflicts": conflicts}


# -- everything -----------------------------------------------------------------------------------------
PARTS = ("grid", "trends", "risks", "budget", "waiting")


def summary(conn, unit: str | None, period: str, today: _dt.date | None = None, parts=PARTS) -> dict:
    """The parts of the Ringkasan for ``unit`` (None: the province) and ``period``: ``grid``
    (:func:`achievement_grid`), ``trends``, ``risks`` (:func:`risk_summary`), ``budget`` (the period's
    year) and ``waiting``; all of them unless ``parts`` names fewer (a window that keeps the others)."""
    year = int(period[:4])
    make = {"grid": lambda: achievement_grid(conn, unit, period), "trends": lambda: trends(conn, unit),
            "risks": lambda: risk_summary(conn, unit), "budget": lambda: budget_absorption(conn, unit, year),
            "waiting": lambda: waiting(conn, unit, period, today)}
    unknown = set(parts) - set(make)
    if unknown:
        raise ValueError(sorted(unknown))
    return {"unit": unit, "period": period, "status_labels": dict(STATUS_LABELS),
            **{part: make[part]() for part in parts}}
