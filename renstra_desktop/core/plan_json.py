"""The whole plan as JSON (``dump``) and back (``load``), documented in docs/json-format.md.

``load`` validates everything first and lists every error with its JSON path; then it applies
all rows in one transaction, or nothing.  dump -> load into a new file -> dump is identical.
The audit trail is not part of the plan JSON: it is the history of one file.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import uuid
from pathlib import Path

from .audit import write_audit
from .errors import FileError, ValidationError
from .rows import META_COLUMNS, utc_now
from .schema import PLAN_TABLES, TABLES
from .store import Store
from .validation import clean_value

FORMAT = "renstra-desktop/plan"
FORMAT_VERSION = 1


def _to_json_value(kind: str, value):
    if value is None:
        return None
    if kind in ("list", "json"):
        return json.loads(value)
    return value


def dump_plan(store: Store) -> dict:
    """Every row of every plan table, tombstones included, sorted by id."""
    tables = {}
    for name in PLAN_TABLES:
        spec = TABLES[name]
        rows = []
        for r in store.conn.execute(f"SELECT * FROM {name} ORDER BY id"):
            row = {c: r[c] for c in META_COLUMNS}
            for f in spec.fields:
                row[f.name] = _to_json_value(f.kind, r[f.name])
            rows.append(row)
        tables[name] = rows
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "schema_version": store.schema_version, "installation_unit": store.unit_code, "tables": tables,
    }


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# -- validation ------------------------------------------------------------------------------
_META_CHECKS = {
    "id": lambda v: isinstance(v, str) and _is_uuid(v),
    "owner_unit": lambda v: isinstance(v, str) and v != "",
    "created_at": lambda v: isinstance(v, str) and v != "",
    "updated_at": lambda v: isinstance(v, str) and v != "",
    "updated_by": lambda v: isinstance(v, str),
    "row_version": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
    "base_version": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "deleted": lambda v: v in (0, 1) and not isinstance(v, bool),
    "origin": lambda v: isinstance(v, str),
}


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
        return True
    except ValueError:
        return False


def validate_plan(data) -> tuple[dict[str, list[dict]], list[str]]:
    """Clean rows per table and a list of errors ``$.path: message`` (empty when valid)."""
    errors: list[str] = []
    if not isinstance(data, dict):
        return {}, ["$: dokumen JSON harus berupa objek."]
    if data.get("format") != FORMAT:
        errors.append(f"$.format: harus \"{FORMAT}\".")
    if data.get("format_version") != FORMAT_VERSION:
        errors.append(f"$.format_version: versi {data.get('format_version')!r} tidak dikenal (harus {FORMAT_VERSION}).")
    if not isinstance(data.get("installation_unit"), str):
        errors.append("$.installation_unit: harus berupa kode satker (teks).")
    tables = data.get("tables")
    if not isinstance(tables, dict):
        return {}, errors + ["$.tables: harus berupa objek berisi tabel."]
    clean: dict[str, list[dict]] = {}
    for name, rows in tables.items():
        path = f"$.tables.{name}"
        if name not in TABLES:
            errors.append(f"{path}: tabel tidak dikenal.")
            continue
        if not isinstance(rows, list):
            errors.append(f"{path}: harus berupa daftar baris.")
            continue
        spec = TABLES[name]
        seen: set[str] = set()
        out = []
        for i, row in enumerate(rows):
            rpath = f"{path}[{i}]"
            if not isinstance(row, dict):
                errors.append(f"{rpath}: baris harus berupa objek.")
                continue
            unknown = set(row) - set(META_COLUMNS) - set(spec.columns)
            for key in sorted(unknown):
                errors.append(f"{rpath}.{key}: kolom tidak dikenal.")
            values = {}
            for col, check in _META_CHECKS.items():
                if col not in row:
                    errors.append(f"{rpath}.{col}: kolom wajib tidak ada.")
                elif not check(row[col]):
                    errors.append(f"{rpath}.{col}: nilai {row[col]!r} tidak sah.")
                else:
                    values[col] = row[col]
            if values.get("id") in seen:
                errors.append(f"{rpath}.id: id {row['id']} muncul dua kali.")
            seen.add(values.get("id"))
            for f in spec.fields:
                if f.name not in row:
                    errors.append(f"{rpath}.{f.name}: kolom wajib tidak ada.")
                    continue
                try:
                    values[f.name] = clean_value(f, row[f.name], strict_json=True)
                except ValidationError as exc:
                    errors.append(f"{rpath}.{f.name}: {exc.message}")
            out.append(values)
        clean[name] = out
    return clean, errors


# -- apply -------------------------------------------------------------------------------------
def load_plan(path: str | os.PathLike, data, *, actor: str, dry_run: bool = False) -> dict:
    """Validate ``data`` then apply it to the plan file at ``path`` (created when missing).

    Rows are matched by id: new ids are inserted as given; rows whose content differs are
    updated (their version rises, the audit trail records origin 'import'); equal rows are left.
    Returns counts per table.  Raises ValidationError listing every error; nothing is written.
    """
    clean, errors = validate_plan(data)
    if errors:
        raise ValidationError(f"{len(errors)} kesalahan di berkas JSON:\n" + "\n".join(errors), path="$")
    target = Path(path)
    if not target.exists():
        return _load_into_new(target, data["installation_unit"], clean, actor, dry_run)
    store = Store.open(target)
    try:
        if store.unit_code != data["installation_unit"]:
            raise ValidationError(
                f"JSON ini milik satker {data['installation_unit']}, sedangkan berkas {target.name} milik "
                f"satker {store.unit_code}. Muat ke berkas satker yang sama atau ke berkas baru.")
        return _apply(store, clean, actor, dry_run)
    finally:
        store.close()


def _load_into_new(target: Path, unit: str, clean, actor: str, dry_run: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="renstra-load-")) if dry_run else target.parent
    tmp = folder / (target.name + ".baru")
    tmp.unlink(missing_ok=True)
    store = Store.create_empty(tmp)
    try:
        store.set_meta("installation_unit", unit)
        report = _apply(store, clean, actor, dry_run=False)
    except BaseException:
        store.close()
        tmp.unlink(missing_ok=True)
        raise
    store.close()
    if dry_run:
        tmp.unlink(missing_ok=True)
        folder.rmdir()
    else:
        os.replace(tmp, target)
    return report


def _apply(store: Store, clean: dict[str, list[dict]], actor: str, dry_run: bool) -> dict:
    report = {name: {"inserted": 0, "updated": 0, "unchanged": 0} for name in clean}
    conn = store.conn
    try:
        with store.atomic():
            for name, rows in clean.items():
                for row in rows:
                    old = conn.execute(f"SELECT * FROM {name} WHERE id = ?", (row["id"],)).fetchone()
                    if old is None:
                        conn.execute(f"INSERT INTO {name} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                                     tuple(row.values()))
                        write_audit(conn, actor=actor, unit_code=row["owner_unit"], table=name, row_id=row["id"],
                                    action="insert", origin="import")
                        report[name]["inserted"] += 1
                        continue
                    content = [c for c in TABLES[name].columns + ("deleted", "owner_unit") if old[c] != row[c]]
                    if not content:
                        report[name]["unchanged"] += 1
                        continue
                    updates = {c: row[c] for c in content}
                    conn.execute(
                        f"UPDATE {name} SET {', '.join(f'{c} = ?' for c in updates)}, "
                        "row_version = row_version + 1, base_version = row_version, updated_at = ?, "
                        "updated_by = ?, origin = 'import' WHERE id = ?",
                        (*updates.values(), utc_now(), actor, row["id"]))
                    for c in content:
                        write_audit(conn, actor=actor, unit_code=row["owner_unit"], table=name, row_id=row["id"],
                                    action="update", field=c, old=old[c], new=row[c], origin="import")
                    report[name]["updated"] += 1
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except sqlite3.IntegrityError as exc:
        raise ValidationError(
            f"Data JSON bertentangan dengan isi berkas ({exc}); tidak ada yang disimpan.") from None
    return report


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def read_json_file(path: str | os.PathLike):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileError(f"Berkas JSON {path} tidak ditemukan.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"Berkas {Path(path).name} bukan JSON yang sah ({exc}).", path="$") from None
