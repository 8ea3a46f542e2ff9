"""Helpers for the package and merge tests: real plan files and real signed packages in tmp_path."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.schema import PLAN_TABLES
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store

UPT = "LPS-LOBAR"


def make_unit_plan(path: Path, unit: str = UPT) -> Store:
    return create_plan_file(path, unit)


def merge_trusting(store: Store, *paths, **kw):
    """Merge packages as the Kanwil, new keys trusted (the tests that are not about keys)."""
    from renstra_desktop.core.packages.merge import merge_packages

    kw.setdefault("trust_new_keys", True)
    return merge_packages(store, paths, actor="kanwil", **kw)


def add_realisations(store: Store, months=range(1, 4), year=2026, indicator="IKK 17.1", base=3.0) -> list[str]:
    service = PlanService(store, actor="admin-upt")
    ids = []
    for m in months:
        rid, _ = service.insert("realisation", {
            "unit_code": store.unit_code, "indicator_code": indicator, "period": f"{year}-{m:02d}",
            "value": base + m / 10, "evidence": f"Laporan bulan {m}"})
        ids.append(rid)
    return ids


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict:
    """Every file in a folder with its digest: "nothing written" means this does not change."""
    return {p.name: sha(p) for p in sorted(Path(folder).iterdir()) if p.is_file()}


def plan_content(path: Path) -> dict:
    """The plan rows of a file without per-file bookkeeping (origin, audit, batch log)."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        for table in PLAN_TABLES:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "origin"]
            out[table] = conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id").fetchall()
        return out
    finally:
        conn.close()


def flip_byte(path: Path, offset: int, mask: int = 0x01) -> None:
    data = bytearray(Path(path).read_bytes())
    data[offset] ^= mask
    Path(path).write_bytes(bytes(data))


def rows_of(store: Store, table: str, unit: str) -> list[tuple]:
    """Rows as the package writer takes them (package column order = table order)."""
    cur = store.conn.cursor()
    cur.row_factory = None
    return cur.execute(f"SELECT * FROM {table} WHERE owner_unit = ? ORDER BY id", (unit,)).fetchall()

