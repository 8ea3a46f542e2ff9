"""A new plan file: the Kanwil's full plan, or a UPT's skeleton, from the embedded NTB Renstra or
from another office's plan read from a rencana workbook (plan_workbook.PlanDraft).

The file is built under a unique temporary name (mode 0600) and published at the end without
overwriting, so a half-made plan never exists under the user's file name and two inits of the same
name leave one plan and one clear refusal.
"""
from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

from .. import __version__
from ..paths import data_dir
from .audit_chain import anchor_rows, append_inserted
from .dataset import KANWIL, empty_targets, read_embedded, unit_skeleton
from .errors import FileError, ValidationError
from .rows import new_meta, stable_id, utc_now
from .safe_write import new_file
from .schema import TABLES
from .store import FILE_SUFFIX, Store

SEED_ACTOR = "Renstra NTB 2025-2029"
SEED_TIME = "2025-12-22T00:00:00.000000Z"   # the document's date: seeded rows agree everywhere
DATASET_KEYS = {
    "units": "unit", "programs": "program", "objectives": "objective", "indicators": "indicator",
    "indicator_targets": "indicator_target", "performance_history": "performance_history",
    "budget_history": "budget_history", "risks": "risk", "roadmap_items": "roadmap_item",
    "funding": "funding", "indicator_manual": "indicator_manual", "settings": "setting",
}


def default_plan_path() -> Path:
    """Where the installation's plan lives: the platform's per-user data folder, or the portable
    folder beside the program (paths.data_dir)."""
    return data_dir() / f"rencana{FILE_SUFFIX}"


def current_user() -> str:
    """Who makes the changes: the account signed in for this process (the CLI's --user,
    accounts.set_session_actor), else the operating-system user."""
    from .accounts import session_actor
    signed_in = session_actor()
    if signed_in:
        return signed_in
    try:
        return getpass.getuser()
    except Exception:  # no login name (some service accounts)
        return "pengguna"


def seed_row_id(table: str, row: dict) -> str:
    """The stable id of a seeded row: its natural key, or its position for free rows."""
    spec = TABLES[table]
    if spec.key:
        return stable_id(table, *(row[k] for k in spec.key))
    if table == "risk":
        return stable_id(table, row["unit_code"], row["seq"])
    if table == "roadmap_item":
        return stable_id(table, row["unit_code"], row["aspect"], row["year"], row["seq"])
    if table == "performance_history":
        return stable_id(table, row["table_ref"], row["seq"], row["year"], row["measure"])
    if table == "budget_history":
        return stable_id(table, row["table_ref"], row["seq"], row["year"])
    raise ValueError(table)


def create_plan_file(path: str | os.PathLike, unit_code: str = KANWIL, draft=None) -> Store:
    """Create ``path`` holding the plan for ``unit_code`` and return it opened: the embedded NTB
    Renstra, or ``draft`` (a plan_workbook.PlanDraft: another office, its span and rows)."""
    target = Path(path)
    if target.is_dir():
        raise FileError(f"{target} adalah folder. Beri nama berkas, misalnya {target / 'rencana.renstra'}.")
    if target.exists():
        raise FileError(f"Berkas {target.name} sudah ada. Pilih nama lain agar berkas itu tidak tertimpa.")
    plan = draft.data if draft is not None else read_embedded()
    if unit_code == KANWIL:
        data = dict(plan)
        data["indicator_targets"] = plan["indicator_targets"] + [
            t for u in plan["units"] if u["code"] != KANWIL for t in empty_targets(plan, u["code"])]
    else:
        data = unit_skeleton(unit_code, plan)
    codes = [u["code"] for u in data["units"]]
    if unit_code not in codes:
        raise ValidationError(f"Kode satker “{unit_code}” tidak dikenal. Pilihan: {', '.join(codes)}.")
    if draft is None:
        actor, at, dataset = SEED_ACTOR, SEED_TIME, "ntb_renstra_2025_2029"
    else:   # the plan's own identity; its rows are as new as the file
        actor, at, dataset = f"Renstra {draft.span[0]}-{draft.span[1]}", utc_now(), "workbook"
        data["settings"] = [{"key": k, "value": json.dumps(v, ensure_ascii=False)} for k, v in
                            (("office", draft.office), ("plan_years", draft.span), ("time_zone", draft.time_zone))]
    target.parent.mkdir(parents=True, exist_ok=True)
    with new_file(target, replace=False) as tmp:     # unique name: two inits in one folder never meet
        store = Store.create_empty(tmp)
        try:
            with store.atomic():
                for key, table in DATASET_KEYS.items():
                    insert_seed_rows(store, table, data.get(key, []), actor, at)
                for key, value in {
                    "installation_unit": unit_code, "created_at": at, "app_version": __version__,
                    "dataset": dataset,
                }.items():
                    store.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
            # compact: the seeded rows' record (meta audit_anchor, written last) joins the meta table's
            # pages instead of ending the file (a damaged end of the file stays found by quick_check)
            store.conn.execute("VACUUM")
        finally:
            store.close()
    return Store.open(target)


def insert_seed_rows(store: Store, table: str, rows: list[dict], actor: str = SEED_ACTOR,
                     at: str = SEED_TIME) -> None:
    spec = TABLES[table]
    columns = spec.columns
    ids = []
    for row in rows:
        owner = KANWIL if spec.reference else row.get("unit_code", KANWIL)
        values = {c: row.get(c) for c in columns}
        for c in columns:
            if spec.field_map[c].kind == "list" and not isinstance(values[c], str):
                values[c] = json.dumps(values[c] or [], ensure_ascii=False)
        full = {**new_meta(seed_row_id(table, row), owner, actor, "seed", at), **values}
        store.conn.execute(
            f"INSERT INTO {table} ({', '.join(full)}) VALUES ({', '.join('?' * len(full))})",
            tuple(full.values()))
        ids.append(full["id"])
    if not store.conn.execute("SELECT 1 FROM audit_log LIMIT 1").fetchone():
        anchor_rows(store.conn, table, ids)  # a new file's seeded rows tied to the audit chain (core/audit_chain.py)
    else:       # rows added to a file already in use (demo and bench data): each gets its chained entry
        append_inserted(store.conn, table, ids, at=at, actor=actor, unit_code=KANWIL, origin="seed")


# -- a new plan from a source the user picks (CLI init --from, the Rencana baru wizard) ----------
def source_kind(source) -> str:
    """'ntb', 'xlsx' or 'json' for a source path (None: the embedded plan); anything else refused."""
    if source is None:
        return "ntb"
    suffix = Path(source).suffix.lower()
    if suffix in (".xlsx", ".json"):
        return suffix[1:]
    raise ValidationError(f"{Path(source).name}: rencana baru dibuat dari buku kerja templat (.xlsx) atau JSON "
                          "rencana (.json) saja.")


def read_source(source):
    """The plan a source holds, checked whole: a PlanDraft (workbook, embedded) or the plan JSON
    (validated, with every error listed).  Raises before anything is written."""
    from . import plan_json
    from .plan_workbook import example_draft, read_plan_workbook

    kind = source_kind(source)
    if kind == "ntb":
        return example_draft()
    if kind == "xlsx":
        return read_plan_workbook(source)
    data = plan_json.read_json_file(source)
    clean, errors = plan_json.validate_plan(data)
    plan_json._raise_errors(errors)
    return data


def describe_source(plan) -> dict:
    """What a new plan from ``plan`` (read_source) will hold: office, province, years, units,
    indicators, counts; shown before anything is created."""
    from .plan_profile import DEFAULT_OFFICE, DEFAULT_SPAN, check_office, check_span
    from .plan_workbook import PlanDraft, describe

    if isinstance(plan, PlanDraft):
        return describe(plan)
    tables = plan["tables"]
    live = {name: [r for r in rows if not r.get("deleted")] for name, rows in tables.items()}
    settings = {r["key"]: r["value"] for r in live.get("setting", [])}
    office = check_office(settings.get("office") or DEFAULT_OFFICE)
    span = check_span(settings.get("plan_years") or DEFAULT_SPAN)
    return {"office": office["name"], "province": office["province"], "years": f"{span[0]}–{span[1]}",
            "units": [u["code"] for u in sorted(live.get("unit", []), key=lambda u: u["seq"])],
            "indicators": [x["code"] for x in sorted(live.get("indicator", []), key=lambda x: x["seq"])],
            "risks": len(live.get("risk", [])), "roadmap_items": len(live.get("roadmap_item", [])),
            "funding_lines": len({(f["unit_code"], f["line_code"]) for f in live.get("funding", [])})}


def create_plan(path: str | os.PathLike, plan, unit_code: str = KANWIL, *, actor: str | None = None) -> Store:
    """Create the plan file ``path`` from ``plan`` (read_source) and return it opened.  A plan JSON is
    loaded as dumped (its own unit); a draft is seeded for ``unit_code``."""
    from . import plan_json
    from .plan_workbook import PlanDraft

    if isinstance(plan, PlanDraft):
        return create_plan_file(path, unit_code, None if plan.embedded else plan)
    target = Path(path)
    if target.is_dir():
        raise FileError(f"{target} adalah folder. Beri nama berkas, misalnya {target / 'rencana.renstra'}.")
    if target.exists():
        raise FileError(f"Berkas {target.name} sudah ada. Pilih nama lain agar berkas itu tidak tertimpa.")
    if unit_code not in (KANWIL, plan["installation_unit"]):
        raise ValidationError(f"JSON ini milik satker {plan['installation_unit']}, bukan {unit_code}.")
    plan_json.load_plan(target, plan, actor=actor or current_user())
    return Store.open(target)
