"""Read models for the tabs and the reports: rows with their computed values (capaian, level,
totals).  Nothing here writes.  ``unit_code=None`` means every unit (the Kanwil's view)."""
from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import lru_cache

from .achievement import achievement, format_target, grade
from .risk_matrix import level, magnitude, needs_action_plan
from .plan_profile import plan_years
from .settings import load_settings


def _unit_filter(unit_code: str | None, column: str = "unit_code") -> tuple[str, tuple]:
    return ("", ()) if unit_code is None else (f" AND {column} = ?", (unit_code,))


def units(conn) -> list[dict]:
    return [dict(r) for r in conn.execute("SELECT * FROM unit WHERE deleted = 0 ORDER BY seq")]


def unit_names(conn) -> dict[str, str]:
    return {r["code"]: r["name"] for r in conn.execute("SELECT code, name FROM unit WHERE deleted = 0")}


_UNIT_ROW_TABLES = ("indicator_target", "realisation", "risk", "roadmap_item", "funding")


def units_of_rows(conn, table: str, ids) -> set[str]:
    """The units that rows ``ids`` of ``table`` (a plan table whose rows carry their unit) belong to,
    tombstoned rows included: what a change touched."""
    if table not in _UNIT_ROW_TABLES:
        raise ValueError(table)
    ids, found = list(ids), set()
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        found.update(r[0] for r in conn.execute(
            f"SELECT DISTINCT unit_code FROM {table} WHERE id IN ({','.join('?' * len(part))})", part))
    return found


def indicators(conn) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT i.*, o.name AS objective_name, o.program_code, p.name AS program_name "
        "FROM indicator i JOIN objective o ON o.code = i.objective_code AND o.deleted = 0 "
        "JOIN program p ON p.code = o.program_code AND p.deleted = 0 "
        "WHERE i.deleted = 0 ORDER BY p.seq, o.seq, i.seq")]


# -- realisation roll-up -------------------------------------------------------------------
_GRAIN = (("year", re.compile(r"^\d{4}$")), ("semester", re.compile(r"^\d{4}-S[12]$")),
          ("quarter", re.compile(r"^\d{4}-TW[1-4]$")), ("month", re.compile(r"^\d{4}-\d{2}$")))


@lru_cache(maxsize=4096)       # a plan has a few hundred period codes, read for every row
def period_grain(period: str) -> str:
    for name, pattern in _GRAIN:
        if pattern.match(period):
            return name
    raise ValueError(period)


@lru_cache(maxsize=4096)
def _period_sort_key(period: str) -> tuple:
    year, _, rest = period.partition("-")
    if not rest:
        return (int(year), 99, 0)
    if rest.startswith("S"):
        return (int(year), int(rest[1]) * 6, 2)
    if rest.startswith("TW"):
        return (int(year), int(rest[2]) * 3, 1)
    return (int(year), int(rest), 0)


def contributing_periods(values_by_period: dict[str, float | None], year: int) -> list[str]:
    """The periods the realisation of ``year`` stands on: the annual value when there is one, else
    the most authoritative grain that has values (BAB IV: annual LKjIP, then semester evaluation,
    then quarters, then monthly monitoring), in order."""
    in_year = [p for p, v in values_by_period.items() if p[:4] == str(year) and v is not None]
    if str(year) in in_year:
        return [str(year)]
    for grain in ("semester", "quarter", "month"):
        chosen = sorted((p for p in in_year if period_grain(p) == grain), key=_period_sort_key)
        if chosen:
            return chosen
    return []


def rollup(values_by_period: dict[str, float | None], year: int, rule: str) -> float | None:
    """The realisation of ``year`` from the periods it stands on (:func:`contributing_periods`),
    rolled up within that grain by ``rule`` (last value, mean or sum)."""
    chosen = contributing_periods(values_by_period, year)
    if not chosen:
        return None
    vals = [values_by_period[p] for p in chosen]
    if len(chosen) == 1 and chosen[0] == str(year):
        return vals[0]
    if rule == "sum":
        return float(sum(vals))
    if rule == "mean":
        return sum(vals) / len(vals)
    return vals[-1]


def in_period(sub: str, period: str) -> bool:
    """Is period code ``sub`` inside ``period`` (a month in its quarter or semester, a quarter in
    its semester, anything of a year in that year)?"""
    if sub == period or sub[:4] != period[:4]:
        return sub == period
    rest, sub_rest = period[5:], sub[5:]
    if not rest:
        return True
    month = int(sub_rest) if sub_rest.isdigit() else None
    quarter = int(sub_rest[2]) if sub_rest.startswith("TW") else (None if month is None else (month - 1) // 3 + 1)
    if rest.startswith("S"):
        return quarter is not None and (quarter - 1) // 2 + 1 == int(rest[1])
    if rest.startswith("TW"):
        return month is not None and quarter == int(rest[2])
    return False


def _evidence(values: dict, evidence: dict, period: str) -> list[tuple[str, str]]:
    """(period, evidence) of the realisations the figure of ``period`` stands on."""
    inside = {p: v for p, v in values.items() if in_period(p, period)}
    return [(p, evidence[p]) for p in contributing_periods(inside, int(period[:4])) if p in evidence]


def period_actual(values_by_period: dict[str, float | None], period: str, rule: str) -> float | None:
    """Realisation of ``period`` (a year, semester, quarter or month): its own value, else its
    sub-periods rolled up by ``rule`` (see :func:`rollup`)."""
    inside = {p: v for p, v in values_by_period.items() if in_period(p, period)}
    return rollup(inside, int(period[:4]), rule)


_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def latest_period(values_by_period: dict[str, float | None], year: int) -> str | None:
    """The period a year's rolled-up figure stands on (the last one of the grain :func:`rollup`
    uses), or None when there is none; the year itself when its own value is filled."""
    chosen = contributing_periods(values_by_period, year)
    return chosen[-1] if chosen else None


def through_label(period: str | None) -> str:
    """'s.d. TW III', 's.d. Semester I', 's.d. Mei'; '' for a whole year or no period."""
    from .numbers import MONTHS
    if not period or len(period) == 4:
        return ""
    rest = period[5:]
    if rest.startswith("TW"):
        return f"s.d. TW {_ROMAN[rest[2]]}"
    if rest.startswith("S"):
        return f"s.d. Semester {_ROMAN[rest[1]]}"
    return f"s.d. {MONTHS[int(rest) - 1]}"


def period_target(quarters: list, rollup_rule: str, period: str, year_target):
    """The target of ``period`` ('2026-TW3', '2026-S1', '2026') from the Rencana Aksi's quarter
    targets [TW I, TW II, TW III, TW IV].

    Cumulative indicators (last value): TW n's own target; S1 = TW II, S2 = TW IV.  Sums: the
    quarter's target; a semester adds its two quarters.  Means: the quarter's; a semester averages.
    The year is ``year_target``.  None for a month (not graded against the Rencana Aksi) or when the
    needed quarter targets are missing.
    """
    rest = period[5:]
    if not rest:
        return year_target
    if rest.startswith("TW"):
        return quarters[int(rest[2]) - 1]
    if rest.startswith("S"):
        pair = quarters[0:2] if rest[1] == "1" else quarters[2:4]
        if rollup_rule == "last":
            return pair[1]
        if None in pair:
            return None
        return sum(pair) if rollup_rule == "sum" else sum(pair) / 2
    return None


def _action_plan_quarters(conn, year: int, uf: str, ua: tuple) -> dict[tuple, list]:
    """(unit, indicator) -> [TW I..IV targets] of the year's Rencana Aksi."""
    return {(r["unit_code"], r["indicator_code"]): [r["tw1"], r["tw2"], r["tw3"], r["tw4"]]
            for r in conn.execute(f"SELECT unit_code, indicator_code, tw1, tw2, tw3, tw4 FROM action_plan "
                                  f"WHERE deleted = 0 AND year = ?{uf}", (year, *ua))}


def _by_year(values_by_period: dict) -> dict[str, dict]:
    """{'2026': {period: value}} of one indicator's realisations."""
    grouped: dict[str, dict] = {}
    for p, v in values_by_period.items():
        grouped.setdefault(p[:4], {})[p] = v
    return grouped


def indicator_rows(conn, unit_code: str | None, year: int, period: str | None = None) -> list[dict]:
    """One row per unit and IKK: targets of the plan's years (with range upper bounds and their printed
    form), the realisation of ``period`` (default: the year), capaian and grade by the one rule of
    :mod:`.achievement`, and the evidence of the realisations that figure stands on.

    A semester or quarter is graded against that period's Rencana Aksi target when the unit has one
    for the indicator (``target_basis`` "rencana_aksi"), otherwise against the year's target
    ("tahunan"); ``period_target``/``period_target_label`` are the target the capaian stands on."""
    settings = load_settings(conn)
    span = plan_years(conn)
    period = period or str(year)
    uf, ua = _unit_filter(unit_code)
    sub_year = len(period) > 4 and not period[5:].isdigit()      # a semester or a quarter
    quarters = _action_plan_quarters(conn, year, uf, ua) if sub_year else {}
    targets: dict[tuple, dict] = {}
    for r in conn.execute(f"SELECT * FROM indicator_target WHERE deleted = 0{uf}", ua):
        targets.setdefault((r["unit_code"], r["indicator_code"]), {})[r["year"]] = dict(r)
    reals: dict[tuple, dict] = {}
    evidence: dict[tuple, dict] = {}
    for unit, indicator, period_code, value, note in conn.execute(
            f"SELECT unit_code, indicator_code, period, value, evidence FROM realisation WHERE deleted = 0{uf}", ua):
        reals.setdefault((unit, indicator), {})[period_code] = value
        if note and note.strip():
            evidence.setdefault((unit, indicator), {})[period_code] = note.strip()
    names = unit_names(conn)
    unit_order = [u["code"] for u in units(conn)]
    keys = set(targets) | set(reals)
    rows = []
    for ind in indicators(conn):
        for code in unit_order:
            if (code, ind["code"]) not in keys:
                continue
            tgt = targets.get((code, ind["code"]), {})
            by_year = _by_year(reals.get((code, ind["code"]), {}))   # each year's figure reads only its year
            values = by_year.get(period[:4], {})
            actual = period_actual(values, period, ind["rollup"])
            t = tgt.get(year, {})
            target, upper, basis = t.get("value"), t.get("upper"), "tahunan"
            plan = quarters.get((code, ind["code"]))
            if plan is not None and period_target(plan, ind["rollup"], period, target) is not None:
                target, upper, basis = period_target(plan, ind["rollup"], period, target), None, "rencana_aksi"
            cap = achievement(target, actual, ind["polarity"], upper=upper, cap=settings.achievement_cap)
            g = grade(cap, settings.achievement_bands)
            rows.append({
                "unit_code": code, "unit_name": names.get(code, code),
                "indicator_code": ind["code"], "indicator_name": ind["name"], "measure": ind["measure"],
                "polarity": ind["polarity"], "rollup": ind["rollup"],
                "objective_code": ind["objective_code"], "objective_name": ind["objective_name"],
                "program_code": ind["program_code"], "program_name": ind["program_name"],
                "targets": {y: tgt.get(y, {}).get("value") for y in span},
                "uppers": {y: tgt.get(y, {}).get("upper") for y in span},
                "target_labels": {y: format_target(tgt.get(y, {}).get("value"), tgt.get(y, {}).get("upper"),
                                                   ind["measure"]) for y in span},
                "target_ids": {y: tgt[y]["id"] for y in span if y in tgt},
                "target_owner": {y: tgt[y]["owner_unit"] for y in span if y in tgt},
                "year": year, "period": period, "actual": actual, "achievement": cap,
                "period_target": target, "target_basis": basis,
                "period_target_label": format_target(target, upper, ind["measure"]),
                "actuals": {y: rollup(by_year.get(str(y), {}), y, ind["rollup"]) for y in span},
                "evidence": _evidence(values, evidence.get((code, ind["code"]), {}), period),
                "actual_through": through_label(latest_period(by_year.get(str(year), {}), year)),   # "s.d. TW III"
                "grade": g.name if g else None, "grade_role": g.role if g else None,
            })
    return rows


def realisation_rows(conn, unit_code: str | None, indicator_code: str | None = None) -> list[dict]:
    uf, ua = _unit_filter(unit_code)
    sql = f"SELECT * FROM realisation WHERE deleted = 0{uf}"
    args = list(ua)
    if indicator_code:
        sql += " AND indicator_code = ?"
        args.append(indicator_code)
    rows = [dict(r) for r in conn.execute(sql, args)]
    return sorted(rows, key=lambda r: (r["unit_code"], r["indicator_code"], _period_sort_key(r["period"])))


# -- risk register -------------------------------------------------------------------------
def risk_rows(conn, unit_code: str | None) -> list[dict]:
    settings = load_settings(conn)
    uf, ua = _unit_filter(unit_code, "r.unit_code")
    rows = []
    for r in conn.execute(
            "SELECT r.* FROM risk r LEFT JOIN unit u ON u.code = r.unit_code "
            f"WHERE r.deleted = 0{uf} ORDER BY u.seq, CASE r.program_code WHEN 'PPH' THEN 0 ELSE 1 END, r.seq", ua):
        row = dict(r)
        row["treatments"] = json.loads(row["treatments"] or "[]")
        row["success_indicators"] = json.loads(row["success_indicators"] or "[]")
        for stage in ("inherent", "residual"):
            m = magnitude(row[f"{stage}_likelihood"], row[f"{stage}_impact"], settings.risk_matrix)
            row[f"{stage}_magnitude"] = m
            row[f"{stage}_level"] = level(m, settings.risk_levels)
        row["needs_action_plan"] = needs_action_plan(
            row["residual_magnitude"] if row["residual_magnitude"] is not None else row["inherent_magnitude"],
            settings.risk_appetite)
        rows.append(row)
    return rows


# -- roadmap ---------------------------------------------------------------------------------
def roadmap_rows(conn, unit_code: str | None) -> list[dict]:
    """Items ordered by unit, aspect (in the order the aspect first appears), year and number."""
    uf, ua = _unit_filter(unit_code, "r.unit_code")
    rows = [dict(r) for r in conn.execute(
        "SELECT r.*, r.rowid AS _rowid, u.seq AS _unit_seq FROM roadmap_item r "
        f"LEFT JOIN unit u ON u.code = r.unit_code WHERE r.deleted = 0{uf}", ua)]
    first_seen: dict[tuple, int] = {}
    for r in rows:
        key = (r["unit_code"], r["aspect"])
        first_seen[key] = min(first_seen.get(key, r["_rowid"]), r["_rowid"])
    rows.sort(key=lambda r: (r["_unit_seq"] or 0, first_seen[(r["unit_code"], r["aspect"])], r["year"], r["seq"]))
    for r in rows:
        del r["_rowid"], r["_unit_seq"]
    return rows


# -- funding ---------------------------------------------------------------------------------
def money_sum(values) -> float | None:
    """Exact sum of juta-rupiah amounts (two decimals), None when nothing is filled."""
    present = [Decimal(repr(v)) for v in values if v is not None]
    if not present:
        return None
    return float(sum(present).quantize(Decimal("0.01")))


def funding_rows(conn, unit_code: str | None) -> list[dict]:
    """One row per unit and SK/IKK line: allocation and realised spending per year, with totals and
    the budget absorption (% serapan) per year and over the years with realised spending."""
    uf, ua = _unit_filter(unit_code, "f.unit_code")
    lines: dict[tuple, dict] = {}
    for r in conn.execute(
            "SELECT f.* FROM funding f LEFT JOIN unit u ON u.code = f.unit_code "
            f"WHERE f.deleted = 0{uf} ORDER BY u.seq, f.line_code, f.year", ua):
        line = lines.setdefault((r["unit_code"], r["line_code"]), {
            "unit_code": r["unit_code"], "line_code": r["line_code"], "executing_unit": r["executing_unit"],
            "allocation": {}, "realised": {}, "ids": {}, "owner_unit": r["owner_unit"]})
        line["allocation"][r["year"]] = r["allocation"]
        line["realised"][r["year"]] = r["realised"]
        line["ids"][r["year"]] = r["id"]
    names = {**{r["code"]: r["name"] for r in conn.execute("SELECT code, name FROM objective WHERE deleted = 0")},
             **{r["code"]: r["name"] for r in conn.execute("SELECT code, name FROM indicator WHERE deleted = 0")}}
    rows, span = [], plan_years(conn)
    for line in lines.values():
        line["line_name"] = names.get(line["line_code"], "")
        line["total_allocation"] = money_sum(line["allocation"].values())
        line["total_realised"] = money_sum(line["realised"].values())
        line["absorption"] = {y: absorption(line["allocation"].get(y), line["realised"].get(y)) for y in span}
        spent = [y for y in span if line["realised"].get(y) is not None]     # the years reported so far
        line["total_absorption"] = absorption(money_sum(line["allocation"].get(y) for y in spent),
                                              line["total_realised"])
        rows.append(line)
    return rows


def funding_scope(conn, unit_code: str | None) -> str:
    """One line saying whose money the allocations are, so a sum never counts the same money twice.

    The Kanwil's figures are its own satker's (Renstra Tabel 3.3 "Kerangka Pendanaan Kantor Wilayah",
    programme 6172 Dukungan Manajemen dan Teknis Lainnya di Wilayah, every line "Pelaksana: Kanwil
    Ditjenpas"; at 3,9-17 miliar a year it is one office's budget, not the region's); each UPT has
    its own DIPA and records its own.  So the province's total is the Kanwil's plus the UPTs'.
    """
    from .write_rules import KANWIL      # not core.dataset: it loads tomllib before the first paint

    if unit_code is None:
        return ("Alokasi Kantor Wilayah adalah pagu satker Kanwil sendiri (Tabel 3.3 Renstra, pelaksana "
                "Kanwil Ditjenpas) dan tidak termasuk UPT; tiap UPT mencatat pagunya sendiri, jadi jumlah "
                "seluruh satker = Kanwil + UPT dan tidak ada uang yang terhitung dua kali.")
    if unit_code == KANWIL:
        return ("Alokasi ini pagu satker Kanwil sendiri (Tabel 3.3 Renstra, pelaksana Kanwil Ditjenpas), "
                "tidak termasuk pagu UPT.")
    name = unit_names(conn).get(unit_code, unit_code)
    return f"Alokasi ini pagu {name} sendiri, di luar pagu Kantor Wilayah."


def absorption(allocation: float | None, realised: float | None) -> float | None:
    """Budget absorption (% serapan): realised ÷ allocation × 100; None when either is missing."""
    if allocation is None or realised is None or allocation == 0:
        return None
    return round(realised / allocation * 100.0, 10)


def funding_totals(conn, unit_code: str | None) -> dict:
    rows = funding_rows(conn, unit_code)
    return {
        "per_year": {y: money_sum(r["allocation"].get(y) for r in rows) for y in plan_years(conn)},
        "total": money_sum(r["total_allocation"] for r in rows),
    }


# -- history -------------------------------------------------------------------------------
def performance_history(conn) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT * FROM performance_history WHERE deleted = 0 ORDER BY table_ref, seq, year, "
        "CASE measure WHEN 'target' THEN 0 WHEN 'realisation' THEN 1 ELSE 2 END")]


def budget_history(conn) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT * FROM budget_history WHERE deleted = 0 ORDER BY table_ref, seq, year")]
