"""The plan's value rules (schema.py field kinds, validation.py) applied to a package's rows in bulk.

Checked column by column with builtins that run in C (the set of types in a column, set
membership, min/max, one regular expression over the joined column); only when a column breaks a
rule are its rows looked at one by one, and ``clean_value`` gives the Indonesian reason.
"""
from __future__ import annotations

import json
import re
from operator import itemgetter, lt

from ..errors import ValidationError
from ..rows import MAX_ROW_VERSION
from ..schema import TABLES
from ..validation import BASE64_RE, clean_value

# A period of any year a plan can span (2000-2099): the receiving plan checks its own span
_YEARS = r"20\d\d"
_ANY_YEAR = tuple(range(2000, 2100))
_PERIOD = rf"(?:{_YEARS})(?:-(?:S[12]|TW[1-4]|0[1-9]|1[0-2]))?"
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_NONE = type(None)


def _lines(pattern: str) -> re.Pattern:
    """Matches a whole column joined with newlines when every value matches ``pattern``."""
    return re.compile(rf"(?:{pattern}\n)*")


_PERIODS, _UUIDS = _lines(_PERIOD), _lines(_UUID)


def _is_text_list(value) -> bool:
    try:
        items = json.loads(value)
    except (TypeError, ValueError):
        return False
    return isinstance(items, list) and all(isinstance(v, str) for v in items)


def _is_json(value) -> bool:
    try:
        json.loads(value)
    except (TypeError, ValueError):
        return False
    return True


def _value_ok(kind: str, required: bool, choices, bounds, v) -> bool:
    """The rule for one value (used to find the rows of a column that broke its rule)."""
    if v is None:
        return not required
    if kind == "text":
        return isinstance(v, str) and (not required or v.strip() != "")
    if kind == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool) and bounds[0] <= v <= bounds[1]
    if kind in ("int", "score", "year"):
        return isinstance(v, int) and not isinstance(v, bool) and bounds[0] <= v <= bounds[1]
    if kind == "period":
        return isinstance(v, str) and re.fullmatch(_PERIOD, v) is not None
    if kind == "enum":
        return v in choices
    if kind == "list":
        return isinstance(v, str) and _is_text_list(v)
    if kind == "json":
        return isinstance(v, str) and _is_json(v)
    if kind == "base64":
        return isinstance(v, str) and (bounds is None or len(v) <= bounds[1]) and BASE64_RE.fullmatch(v) is not None
    raise ValueError(kind)   # a new kind needs its rule here before packages can carry it


def _column_ok(kind: str, required: bool, choices, bounds, col: list) -> bool:
    """The same rule for a whole column at once."""
    types = set(map(type, col))
    if _NONE in types:
        if required:
            return False
        types.discard(_NONE)
        col = [v for v in col if v is not None]
        if not col:
            return True
    if kind == "text":
        return types == {str} and (not required or "" not in map(str.strip, col))
    if kind == "number":
        return types <= {int, float} and bounds[0] <= min(col) and max(col) <= bounds[1]
    if kind in ("int", "score", "year"):
        return types == {int} and bounds[0] <= min(col) and max(col) <= bounds[1]
    if kind == "period":
        return types == {str} and _PERIODS.fullmatch("\n".join(col) + "\n") is not None
    if kind == "enum":
        return set(col) <= set(choices)
    return all(_value_ok(kind, required, choices, bounds, v) for v in col)


# Row metadata: (column, kind, required, bounds).
_VERSIONS = (0, MAX_ROW_VERSION)
_META = (("owner_unit", "text", True, None), ("created_at", "text", True, None), ("updated_at", "text", True, None),
         ("updated_by", "text", False, None), ("origin", "text", False, None), ("row_version", "int", True, _VERSIONS),
         ("base_version", "int", True, _VERSIONS), ("deleted", "enum", True, None))


def invalid_rows(table: str, cols, rows: list[tuple], years: tuple | None = None) -> dict[str, str]:
    """id -> reason for every row of ``table`` holding a value the plan would refuse (``years``:
    the receiving plan's span, which years and periods must lie in)."""
    found: dict[str, str] = {}
    for row_id, _column, reason in invalid_cells(table, cols, rows, years):
        found.setdefault(row_id, f"Ditolak: {reason}")
    return found


def invalid_cells(table: str, cols, rows: list[tuple], years: tuple | None = None) -> list[tuple[str, str, str]]:
    """(row id, column, reason) for every value of ``table``'s rows the plan would refuse; with
    ``years`` (a plan's span) also every year or period outside it."""
    if not rows:
        return []
    spec = TABLES[table]
    ix = {c: i for i, c in enumerate(cols)}
    found: list[tuple[str, str, str]] = []

    def flag(column, pred, reason_of):
        found.extend((str(r[0]), column, reason_of(r)) for r in rows if not pred(r))

    ids = list(map(itemgetter(0), rows))
    if set(map(type, ids)) != {str} or _UUIDS.fullmatch("\n".join(ids) + "\n") is None:
        flag("id", lambda r: isinstance(r[0], str) and re.fullmatch(_UUID, r[0]) is not None,
             lambda r: f"id baris {r[0]!r} bukan UUID yang sah.")
    rules = [(name, kind, required, (0, 1) if name == "deleted" else (), bounds, None)
             for name, kind, required, bounds in _META]
    rules += [(f.name, f.kind, f.required, f.choices, f.limits, f) for f in spec.fields]
    for name, kind, required, choices, bounds, f in rules:
        i = ix[name]
        col = list(map(itemgetter(i), rows))
        if years is not None and kind in ("year", "period") and not _within(col, years):
            flag(name, lambda r: not _value_ok(kind, required, choices, bounds, r[i]) or r[i] is None
                 or int(str(r[i])[:4]) in years, lambda r: _reason(f, name, r[i], years))
        if _column_ok(kind, required, choices, bounds, col):
            continue
        flag(name, lambda r: _value_ok(kind, required, choices, bounds, r[i]), lambda r: _reason(f, name, r[i]))
    versions, bases = list(map(itemgetter(ix["row_version"]), rows)), list(map(itemgetter(ix["base_version"]), rows))
    if set(map(type, versions + bases)) == {int} and not all(map(lt, bases, versions)):
        flag("base_version", lambda r: r[ix["base_version"]] < r[ix["row_version"]],
             lambda r: "versi dasar baris tidak lebih kecil dari versi barisnya.")
    return found


def _within(col: list, years: tuple) -> bool:
    """Whether every year or period of a column (values of any type) lies in ``years``: one look at
    each distinct value (a package's column holds a few); the rows are looked at only when not."""
    span = set(map(str, years))
    return all(v is None or str(v)[:4] in span for v in set(col))


def _reason(f, name: str, value, years: tuple = _ANY_YEAR) -> str:
    if f is not None:
        try:
            clean_value(f, value, strict_json=True, years=years)
        except ValidationError as exc:
            return exc.message
    return f"nilai kolom “{name}” tidak sah ({value!r})."
