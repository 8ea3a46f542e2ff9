"""A new plan file from the embedded NTB Renstra: the Kanwil's full plan, or a UPT's skeleton.

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
from .dataset import empty_targets, read_embedded, unit_skeleton
from .audit_chain import anchor_rows
from .errors import FileError, ValidationError
from .rows import new_meta, stable_id
from .safe_write import new_file
from .schema import TABLES
from .store import FILE_SUFFIX, Store

SEED_ACTOR = "Renstra NTB 2025-2029"
SEED_TIME = "2025-12-22T00:00:00.000000Z"   # the document's date: seeded rows agree everywhere
DATASET_KEYS = {
    "units": "unit", "programs": "program", "objectives": "objective", "indicators": "indicator",
    "indicator_targets": "indicator_target", "performance_history": "performance_history",
    "budget_history": "budget_history", "risks": "risk", "roadmap_items": "roadmap_item",
    "funding": "funding",
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


def create_plan_file(path: str | os.PathLike, unit_code: str = "KANWIL") -> Store:
    """Create ``path`` holding the embedded plan for ``unit_code`` and return it opened."""
    target = Path(path)
    if target.is_dir():
        raise FileError(f"{target} adalah folder. Beri nama berkas, misalnya {target / 'rencana.renstra'}.")
    if target.exists():
        raise FileError(f"Berkas {target.name} sudah ada. Pilih nama lain agar berkas itu tidak tertimpa.")
    if unit_code == "KANWIL":
        data = read_embedded()
        data["indicator_targets"] = data["indicator_targets"] + [
            t for u in data["units"] if u["code"] != "KANWIL" for t in empty_targets(data, u["code"])]
    else:
        data = unit_skeleton(unit_code)
    codes = [u["code"] for u in data["units"]]
    if unit_code not in codes:
        raise ValidationError(f"Kode satker “{unit_code}” tidak dikenal. Pilihan: {', '.join(codes)}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with new_file(target, replace=False) as tmp:     # unique name: two inits in one folder never meet
        store = Store.create_empty(tmp)
        try:
            with store.atomic():
                for key, table in DATASET_KEYS.items():
                    insert_seed_rows(store, table, data.get(key, []))
                for key, value in {
                    "installation_unit": unit_code, "created_at": SEED_TIME, "app_version": __version__,
                    "dataset": "ntb_renstra_2025_2029",
                }.items():
                    store.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
            # compact: the seeded rows' record (meta audit_anchor, written last) joins the meta table's
            # pages instead of ending the file (a damaged end of the file stays found by quick_check)
            store.conn.execute("VACUUM")
        finally:
            store.close()
    return Store.open(target)


def insert_seed_rows(store: Store, table: str, rows: list[dict]) -> None:
    spec = TABLES[table]
    columns = spec.columns
    ids = []
    for row in rows:
        owner = "KANWIL" if spec.reference else row.get("unit_code", "KANWIL")
        values = {c: row.get(c) for c in columns}
        for c in columns:
            if spec.field_map[c].kind == "list" and not isinstance(values[c], str):
                values[c] = json.dumps(values[c] or [], ensure_ascii=False)
        full = {**new_meta(seed_row_id(table, row), owner, SEED_ACTOR, "seed", SEED_TIME), **values}
        store.conn.execute(
            f"INSERT INTO {table} ({', '.join(full)}) VALUES ({', '.join('?' * len(full))})",
            tuple(full.values()))
        ids.append(full["id"])
    anchor_rows(store.conn, table, ids)      # the seeded rows tied to the audit chain (core/audit_chain.py)
