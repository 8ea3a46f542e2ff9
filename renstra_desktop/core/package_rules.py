"""The plan's value rules (schema.py field kinds, validation.py) as SQL, to check a package's rows
in bulk: one query per table finds the rows the plan would refuse; only those go through Python
(``clean_value``) for an Indonesian reason.  Read-only; runs on the verified package copy."""
from __future__ import annotations

import functools

from .errors import ValidationError
from .schema import PLAN_YEARS, TABLES
from .validation import clean_value

_Y0, _Y1 = PLAN_YEARS[0], PLAN_YEARS[-1]
_UUID_GLOB = "-".join("[0-9a-f]" * n for n in (8, 4, 4, 4, 12))
_PERIOD_GLOBS = ("20[0-9][0-9]", "20[0-9][0-9]-S[12]", "20[0-9][0-9]-TW[1-4]",
                 "20[0-9][0-9]-0[1-9]", "20[0-9][0-9]-1[0-2]")

META_RULES = {
    "id": f"typeof(id) = 'text' AND id GLOB '{_UUID_GLOB}'",
    "owner_unit": "typeof(owner_unit) = 'text'",
    "created_at": "typeof(created_at) = 'text' AND created_at != ''",
    "updated_at": "typeof(updated_at) = 'text' AND updated_at != ''",
    "updated_by": "typeof(updated_by) = 'text'",
    "row_version": "typeof(row_version) = 'integer' AND row_version >= 1",
    "base_version": "typeof(base_version) = 'integer' AND base_version >= 0 AND base_version < row_version",
    "deleted": "typeof(deleted) = 'integer' AND deleted IN (0, 1)",
    "origin": "typeof(origin) = 'text'",
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def field_rule(f) -> str:
    """A SQL predicate true when column ``f.name`` holds a value ``clean_value`` would keep as is."""
    c = f.name
    kind = f.kind
    if kind == "text":
        ok = f"typeof({c}) = 'text'" + (f" AND trim({c}) != ''" if f.required else "")
    elif kind == "number":
        ok = f"typeof({c}) IN ('integer', 'real')"
    elif kind == "int":
        ok = f"typeof({c}) = 'integer' AND {c} >= 0"
    elif kind == "score":
        ok = f"typeof({c}) = 'integer' AND {c} BETWEEN 1 AND 5"
    elif kind == "year":
        ok = f"typeof({c}) = 'integer' AND {c} BETWEEN {_Y0} AND {_Y1}"
    elif kind == "period":
        globs = " OR ".join(f"{c} GLOB '{g}'" for g in _PERIOD_GLOBS)
        ok = f"typeof({c}) = 'text' AND ({globs}) AND CAST(substr({c}, 1, 4) AS INTEGER) BETWEEN {_Y0} AND {_Y1}"
    elif kind == "enum":
        ok = f"typeof({c}) = 'text' AND {c} IN ({', '.join(map(_quote, f.choices))})"
    elif kind == "list":
        ok = (f"typeof({c}) = 'text' AND json_valid({c}) AND json_type({c}) = 'array' AND NOT EXISTS "
              f"(SELECT 1 FROM json_each({c}) WHERE type != 'text')")
    elif kind == "json":
        ok = f"typeof({c}) = 'text' AND json_valid({c})"
    else:  # a new kind must get its rule here before packages can carry it
        raise ValueError(kind)
    return ok if f.required else f"{c} IS NULL OR ({ok})"


@functools.lru_cache(maxsize=None)
def _query(table: str) -> str:
    spec = TABLES[table]
    rules = [(c, r) for c, r in META_RULES.items()] + [(f.name, field_rule(f)) for f in spec.fields]
    first_bad = " ".join(f"WHEN NOT coalesce(({rule}), 0) THEN {_quote(col)}" for col, rule in rules)
    return f"SELECT * FROM (SELECT *, CASE {first_bad} END AS bad_column FROM {table}) WHERE bad_column IS NOT NULL"


def invalid_rows(conn, table: str) -> dict[str, str]:
    """id -> reason for every row of ``table`` with a value the plan would refuse."""
    spec = TABLES[table]
    cur = conn.execute(_query(table))
    names = [d[0] for d in cur.description]
    found = {}
    for row in cur:
        values = dict(zip(names, row))
        column = values["bad_column"]
        reason = f"nilai kolom “{column}” tidak sah ({values[column]!r})"
        f = spec.field_map.get(column)
        if f is not None:
            try:
                clean_value(f, values[column], strict_json=True)
            except ValidationError as exc:
                reason = exc.message
        found[str(values["id"])] = f"Ditolak: {reason}"
    return found
