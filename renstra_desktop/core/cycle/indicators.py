"""Indicators per unit (pohon kinerja: Kanwil IKK -> the unit's own indicators) and the manual
of every indicator (definition, formula, data source, who, polarity, aggregation, measure).

The Kanwil defines a unit's indicators as cascaded rows (they travel in its package); a unit
defines its own only when the Kanwil's setting ``unit_indicators_by_unit`` allows it.
"""
from __future__ import annotations


from ..errors import PermissionDenied, ValidationError
from ..plan_profile import plan_years, target_column
from ..schema import TABLES
from ..write_rules import UNITS_DEFINE_SETTING, unit_definition_refusal
from .common import check_unit, keyed_id, upsert

KANWIL = "KANWIL"
SETTING = UNITS_DEFINE_SETTING
POLARITY_LABEL = {"higher": "Makin tinggi makin baik", "lower": "Makin rendah makin baik"}
ROLLUP_LABEL = {"last": "Nilai terakhir (kumulatif)", "sum": "Jumlah per triwulan", "mean": "Rata-rata"}
MANUAL_FIELDS = ("definition", "formula", "data_source", "responsible", "national_standard")


def _check_writer(service, unit: str) -> None:
    if service.unit_code == KANWIL:
        return
    if unit != service.unit_code:
        raise PermissionDenied(f"Berkas ini milik satker {service.unit_code}; indikator satker {unit} "
                               "tidak dapat diisi di sini.")
    why = unit_definition_refusal(TABLES["unit_indicator"], service.unit_code, service.store.conn)
    if why:
        raise PermissionDenied(why)


def ikk(conn) -> dict[str, dict]:
    """The Kanwil's IKKs by code with their SK."""
    return {r["code"]: dict(r) for r in conn.execute(
        "SELECT i.*, o.name AS objective_name FROM indicator i JOIN objective o ON o.code = i.objective_code "
        "WHERE i.deleted = 0 ORDER BY o.seq, i.seq")}


def unit_indicators(conn, unit: str | None) -> list[dict]:
    sql = "SELECT * FROM unit_indicator WHERE deleted = 0"
    args: tuple = ()
    if unit is not None:
        sql, args = sql + " AND unit_code = ?", (unit,)
    return [dict(r) for r in conn.execute(sql + " ORDER BY unit_code, seq, code", args)]


def define_indicator(service, unit: str, values: dict) -> tuple[str, object]:
    """Add (or change) a unit's own indicator; ``values`` as in schema ``unit_indicator``.
    A missing code becomes UNIT.n.  Returns (row id, changes)."""
    conn = service.store.conn
    unit = check_unit(conn, unit)
    _check_writer(service, unit)
    parents = ikk(conn)
    parent = str(values.get("parent_code") or "").strip()
    if parent not in parents:
        raise ValidationError(f"Indikator satker harus mendukung salah satu IKK Kanwil ({', '.join(parents)}), "
                              f"bukan “{parent}”.")
    existing = unit_indicators(conn, unit)
    code = str(values.get("code") or "").strip() or f"{unit}.{len(existing) + 1}"
    if code in parents:
        raise ValidationError(f"Kode {code} sudah dipakai IKK Kanwil. Pakai kode lain, misalnya {unit}.1.")
    data = {"seq": values.get("seq") or next((r["seq"] for r in existing if r["code"] == code), len(existing) + 1),
            "polarity": parents[parent]["polarity"], "rollup": parents[parent]["rollup"],
            "measure": parents[parent]["measure"], **{k: v for k, v in values.items() if k not in ("unit_code", "code")}}
    data["parent_code"] = parent
    changes = upsert(service, "unit_indicator", {"unit_code": unit, "code": code}, data)
    return keyed_id("unit_indicator", unit, code), changes


def set_manual(service, unit: str, indicator_code: str, values: dict):
    """The manual of one indicator for one unit (the Kanwil writes its IKKs' and cascades)."""
    conn = service.store.conn
    unit = check_unit(conn, unit)
    info = indicator_info(conn, unit, indicator_code)
    if info["source"] == "ikk":
        if service.unit_code != KANWIL and unit != service.unit_code:
            raise PermissionDenied(f"Berkas ini milik satker {service.unit_code}; manual satker {unit} "
                                   "tidak dapat diisi di sini.")
    else:
        _check_writer(service, unit)
    unknown = set(values) - set(MANUAL_FIELDS)
    if unknown:
        raise ValidationError(f"Kolom manual tidak dikenal: {', '.join(sorted(unknown))}.")
    return upsert(service, "indicator_manual", {"unit_code": unit, "indicator_code": info["code"]}, values)


def indicator_info(conn, unit: str | None, code: str) -> dict:
    """Name, measure, polarity, aggregation and SK of a Kanwil IKK or of ``unit``'s own indicator."""
    code = str(code or "").strip()
    parents = ikk(conn)
    if code in parents:
        p = parents[code]
        return {"code": code, "name": p["name"], "measure": p["measure"], "polarity": p["polarity"],
                "rollup": p["rollup"], "objective": p["objective_name"], "objective_code": p["objective_code"],
                "parent_code": None, "source": "ikk", "seq": p["seq"]}
    sql, args = "SELECT * FROM unit_indicator WHERE code = ? AND deleted = 0", [code]
    if unit is not None:
        sql += " AND unit_code = ?"
        args.append(unit)
    row = conn.execute(sql, args).fetchone()
    if row is None:
        own = [r["code"] for r in unit_indicators(conn, unit)] if unit else []
        raise ValidationError(f"Indikator “{code}” tidak dikenal. Pilihan: {', '.join([*parents, *own])}.")
    return {"code": code, "name": row["name"], "measure": row["measure"], "polarity": row["polarity"],
            "rollup": row["rollup"], "objective": row["objective_name"], "objective_code": None,
            "parent_code": row["parent_code"], "source": "unit", "seq": 100 + row["seq"]}


def renstra_target(conn, unit: str, code: str, year: int):
    """The Renstra's target of ``unit`` for an indicator and year (cascaded target or own indicator)."""
    row = conn.execute("SELECT value FROM indicator_target WHERE unit_code = ? AND indicator_code = ? AND year = ? "
                       "AND deleted = 0", (unit, code, year)).fetchone()
    if row is not None:
        return row["value"]
    if int(year) not in plan_years(conn):
        return None
    row = conn.execute(f"SELECT {target_column(conn, int(year))} AS v FROM unit_indicator WHERE unit_code = ? AND code = ? "
                       "AND deleted = 0", (unit, code)).fetchone()
    return row["v"] if row else None


def final_target(conn, unit: str, code: str):
    """The Renstra's target for its last year (2029 in the NTB plan)."""
    return renstra_target(conn, unit, code, plan_years(conn)[-1])


def unit_indicator_codes(conn, unit: str) -> list[str]:
    """The indicators a unit reports on: the Kanwil's IKKs it has targets for, then its own."""
    cascaded = {r[0] for r in conn.execute(
        "SELECT DISTINCT indicator_code FROM indicator_target WHERE unit_code = ? AND deleted = 0", (unit,))}
    codes = [c for c in ikk(conn) if c in cascaded]
    return codes + [r["code"] for r in unit_indicators(conn, unit)]


def tree(conn, unit: str | None) -> list[dict]:
    """Kanwil IKK -> the units' indicators that support it (one unit, or every unit)."""
    own = unit_indicators(conn, unit)
    names = {r["code"]: r["name"] for r in conn.execute("SELECT code, name FROM unit WHERE deleted = 0")}
    out = []
    for code, p in ikk(conn).items():
        out.append({"code": code, "name": p["name"], "objective": p["objective_name"],
                    "children": [{**r, "unit_name": names.get(r["unit_code"], r["unit_code"])}
                                 for r in own if r["parent_code"] == code]})
    return out


def manual(conn, unit: str) -> list[dict]:
    """Every indicator the unit reports on with its manual (missing entries as None)."""
    notes = {r["indicator_code"]: dict(r) for r in conn.execute(
        "SELECT * FROM indicator_manual WHERE unit_code = ? AND deleted = 0", (unit,))}
    kanwil_notes = {r["indicator_code"]: dict(r) for r in conn.execute(
        "SELECT * FROM indicator_manual WHERE unit_code = ? AND deleted = 0", (KANWIL,))}
    rows = []
    for code in unit_indicator_codes(conn, unit) or list(ikk(conn)):
        info = indicator_info(conn, unit, code)
        note = notes.get(code) or (kanwil_notes.get(code) if info["source"] == "ikk" else None) or {}
        rows.append({**info, **{k: note.get(k) for k in MANUAL_FIELDS},
                     "polarity_label": POLARITY_LABEL[info["polarity"]], "rollup_label": ROLLUP_LABEL[info["rollup"]]})
    return rows
