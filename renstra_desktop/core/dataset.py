"""The embedded Renstra 2025-2029 of the Kanwil NTB as plain rows (Qt-free).

``read_embedded()`` turns ``resources/ntb_renstra_2025_2029.toml`` into rows shaped like
the tables of ``db/0001_initial.sql`` (without the row metadata columns);
``unit_skeleton()`` gives the same shape for a UPT installation, its values left empty.
The file keeps every number as printed; parsing happens here, correcting nothing.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..paths import resource_path
from .errors import ValidationError
from .numbers import parse_number

DATASET_FILE = "ntb_renstra_2025_2029.toml"
KANWIL = "KANWIL"
ROADMAP_STATUS = "rencana"

_RUPIAH = re.compile(r"^\d{1,3}(,\d{3})*$")        # 67,991,852,758
_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>")        # <i> ... </i>
_ITEM_LABEL = re.compile(r"^([a-z])\.\s+")          # "a. " before a roadmap item
_MEASURES = ("target", "realisation", "achievement")


def parse_rupiah(text: str | None) -> float | None:
    """Parse rupiah printed with COMMA thousands ("67,991,852,758"), as in Tabel 1.4-1.7.

    Only that grouping (or plain digits) is accepted: ``parse_number`` would read a comma as
    a decimal mark.  '' and 'N/A' give None.
    """
    s = (text or "").strip()
    if s in ("", "N/A", "-"):
        return None
    if not _RUPIAH.match(s):
        raise ValidationError(f"“{text}” bukan nilai rupiah yang sah (contoh: 67,991,852,758).")
    return float(s.replace(",", ""))


def strip_markup(text: str) -> str:
    """Drop inline HTML tags such as <i>..</i>, keeping the words and all other characters."""
    return _MARKUP.sub("", text)


def printed_suffix(printed: str) -> str:
    """The unit printed after a history value: '%', 'indeks' or ''."""
    s = printed.strip()
    if s.endswith("%"):
        return "%"
    if s.lower().endswith("indeks"):
        return "indeks"
    return ""


def load_source(path: Path | None = None) -> dict:
    """The dataset file as parsed TOML (strings as printed)."""
    with open(path or resource_path(DATASET_FILE), "rb") as fh:
        return tomllib.load(fh)


def read_embedded(path: Path | None = None) -> dict:
    """All rows of the embedded plan, keyed by table (see the module docstring)."""
    src = load_source(path)
    funding = _funding(src)
    return {
        "units": _units(src),
        "programs": [
            {"code": p["code"], "seq": i, "name": p["name"], "activity": p.get("activity")}
            for i, p in enumerate(src["programs"], 1)
        ],
        "objectives": [
            {"code": o["code"], "seq": i, "program_code": o["program"], "name": o["name"]}
            for i, o in enumerate(src["objectives"], 1)
        ],
        "indicators": [
            {"code": x["code"], "seq": i, "objective_code": x["objective"], "name": x["name"],
             "measure": x["measure"], "polarity": x["polarity"], "rollup": x["rollup"]}
            for i, x in enumerate(src["indicators"], 1)
        ],
        "indicator_targets": [
            {"unit_code": KANWIL, "indicator_code": x["code"], "year": int(year),
             "value": parse_number(printed, field=x["code"]), "upper": None}
            for x in src["indicators"] for year, printed in sorted(x["targets"].items())
        ],
        "performance_history": _history_1_2(src) + _history_1_3(src),
        "budget_history": _budget(src),
        "risks": _risks(src),
        "roadmap_items": _roadmap(src),
        "funding": funding,
        "document": {
            "title": src["document"]["title"],
            "place": src["document"]["place"],
            "date": src["document"]["date"],
            "head_name": src["document"]["head_name"],
            "head_title": src["document"]["head_title"],
            "printed_totals": {f["line_code"]: f["printed_total"] for f in src["funding"]},
        },
    }


def empty_targets(plan: dict, unit_code: str) -> list[dict]:
    """One empty target per indicator and plan year for a unit: the cells the Kanwil cascades
    to that unit (targets are written by the Kanwil, DESIGN.md)."""
    years = sorted({t["year"] for t in plan["indicator_targets"]})
    return [{"unit_code": unit_code, "indicator_code": x["code"], "year": y, "value": None, "upper": None}
            for x in plan["indicators"] for y in years]


def unit_skeleton(unit_code: str, plan: dict | None = None) -> dict:
    """The plan of a new installation for ``unit_code``: the reference structure plus the
    Kanwil's structure (targets, risk areas, roadmap aspects, funding lines) left empty.
    ``plan``: rows shaped like read_embedded() (default: the embedded NTB plan)."""
    plan = plan or read_embedded()
    unit = next((u for u in plan["units"] if u["code"] == unit_code), None)
    if unit is None:
        raise ValidationError(f"Kode satuan kerja “{unit_code}” tidak dikenal. "
                              f"Pilihan: {', '.join(u['code'] for u in plan['units'])}.", field="unit_code")
    areas = list(dict.fromkeys((r["program_code"], r["area"]) for r in plan["risks"]))
    aspects = list(dict.fromkeys(r["aspect"] for r in plan["roadmap_items"]))
    lines = list(dict.fromkeys(f["line_code"] for f in plan["funding"]))
    fund_years = sorted({f["year"] for f in plan["funding"]})
    road_years = sorted({r["year"] for r in plan["roadmap_items"]})
    return {
        "units": plan["units"],
        "programs": plan["programs"],
        "objectives": plan["objectives"],
        "indicators": plan["indicators"],
        "indicator_targets": empty_targets(plan, unit_code),
        "performance_history": [],
        "budget_history": [],
        "risks": [_risk_row(unit_code, prog, area, i, "", [], None, [])
                  for i, (prog, area) in enumerate(areas, 1)],
        "roadmap_items": [
            {"unit_code": unit_code, "aspect": a, "year": y, "seq": 1, "text": "",
             "status": ROADMAP_STATUS}
            for a in aspects for y in road_years
        ],
        "funding": [
            {"unit_code": unit_code, "line_code": code, "year": y, "allocation": None,
             "realised": None, "executing_unit": unit["name"]}
            for code in lines for y in fund_years
        ],
        "document": {"title": "", "place": "", "date": None, "head_name": "",
                     "head_title": "", "printed_totals": {}},
    }


def _units(src: dict) -> list[dict]:
    rows = []
    for u in src["units"]:
        staff = u.get("staff", "").strip()
        rows.append({
            "code": u["code"], "seq": u["no"], "name": u["name"], "unit_type": u["unit_type"],
            "island": u.get("island") or None, "address": u.get("address") or None,
            "staff_count": int(staff) if staff else None,   # empty cell: unknown, never 0
        })
    return rows


def _history_row(table_ref, seq, group, objective, indicator, year, measure, printed):
    return {
        "table_ref": table_ref, "seq": seq, "group_label": group, "objective_name": objective,
        "indicator_name": indicator, "year": year, "measure": measure,
        "value": parse_number(printed, field=indicator), "suffix": printed_suffix(printed),
        "printed": printed,
    }


def _history_1_2(src: dict) -> list[dict]:
    table = src["history_1_2"]
    return [
        _history_row("1.2", seq, r.get("group") or None, None, r["indicator"], year, m, r[m][i])
        for seq, r in enumerate(table["rows"], 1)
        for i, year in enumerate(table["years"])
        for m in _MEASURES
    ]


def _history_1_3(src: dict) -> list[dict]:
    return [
        _history_row("1.3", seq, None, r["objective"], r["indicator"], r["year"], m, r[m])
        for seq, r in enumerate(src["history_1_3"], 1)
        for m in _MEASURES
    ]


def _budget(src: dict) -> list[dict]:
    rows = []
    for table in src["budget_tables"]:
        for seq, line in enumerate(table["lines"], 1):
            parse = parse_rupiah if line["kind"] == "rupiah" else parse_number
            for year, printed in zip(table["years"], line["values"], strict=True):
                rows.append({"table_ref": table["table_ref"], "seq": seq, "line": line["line"],
                             "year": year, "value": parse(printed), "printed": printed})
    return rows


def _risk_row(unit_code, program, area, seq, risk, treatments, responsible, indicators):
    return {
        "unit_code": unit_code, "program_code": program, "area": area, "seq": seq,
        "risk": risk, "cause": None, "current_control": None, "treatments": treatments,
        "responsible": responsible, "success_indicators": indicators,
        "inherent_likelihood": None, "inherent_impact": None,
        "residual_likelihood": None, "residual_impact": None,
    }


def _risks(src: dict) -> list[dict]:
    rows = [
        _risk_row(KANWIL, area["program"], area["area"], r["seq"], strip_markup(r["risk"]),
                  [strip_markup(t) for t in r["treatments"]],
                  strip_markup(r["responsible"]) if r.get("responsible") else None,
                  [strip_markup(s) for s in r["success_indicators"]])
        for area in src["risk_areas"] for r in area["risks"]
    ]
    if [r["seq"] for r in rows] != list(range(1, len(rows) + 1)):
        raise ValidationError("Nomor urut risiko pada dataset tidak berurutan 1..n.")
    return rows


def _roadmap(src: dict) -> list[dict]:
    rows = []
    for aspect in src["roadmap"]:
        for year, items in sorted(aspect["items"].items()):
            for seq, printed in enumerate(items, 1):
                label = _ITEM_LABEL.match(printed)
                if not label or ord(label.group(1)) - ord("a") + 1 != seq:
                    raise ValidationError(
                        f"Butir roadmap “{printed}” tidak berlabel urut a/b/c.")
                rows.append({"unit_code": KANWIL, "aspect": aspect["aspect"], "year": int(year),
                             "seq": seq, "text": strip_markup(printed[label.end():]),
                             "status": ROADMAP_STATUS})
    return rows


def _funding(src: dict) -> list[dict]:
    return [
        {"unit_code": KANWIL, "line_code": f["line_code"], "year": int(year),
         "allocation": parse_number(printed, field=f["line_code"]), "realised": None,
         "executing_unit": f["executing_unit"]}
        for f in src["funding"] for year, printed in sorted(f["allocations"].items())
    ]
