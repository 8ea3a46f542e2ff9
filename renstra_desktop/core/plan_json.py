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
from .backups import LOAD, backup_before_step
from .errors import FileError, ValidationError
from .rows import META_COLUMNS, utc_now
from .schema import PLAN_TABLES, TABLES
from .os_errors import SPECIAL_FILE, is_special_file, os_reason
from .safe_write import publish, temp_path
from .store import APPLICATION_ID, PACKAGE_APPLICATION_ID, SQLITE_HEADER, Store
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
        errors.extend(_duplicate_keys(name, out))
        clean[name] = out
    return clean, errors


def _key_label(spec, row: dict) -> str:
    return " · ".join(str(row.get(c)) for c in spec.key)


def _duplicate_keys(name: str, rows: list[dict]) -> list[str]:
    """Two rows with one natural key (satker · IKK · tahun/periode) would fail on the UNIQUE constraint."""
    spec = TABLES[name]
    if not spec.key:
        return []
    errors, seen = [], {}
    for i, row in enumerate(rows):
        if not all(c in row for c in spec.key):
            continue
        first = seen.setdefault(tuple(row[c] for c in spec.key), i)
        if first != i:
            errors.append(f"$.tables.{name}[{i}]: kunci {_key_label(spec, row)} sudah dipakai "
                          f"$.tables.{name}[{first}]. Satu baris per kunci: hapus salah satunya.")
    return errors


def _file_errors(data, clean: dict[str, list[dict]], conn) -> list[str]:
    """Codes that name no unit or indicator, and natural keys the file already holds under another id.

    ``conn`` is the target file (None for a new file): its units and indicators count as known."""
    units = {r["code"] for r in clean.get("unit", [])}
    indicators = {r["code"] for r in clean.get("indicator", [])}
    if conn is not None:
        units |= {r[0] for r in conn.execute("SELECT code FROM unit")}
        indicators |= {r[0] for r in conn.execute("SELECT code FROM indicator")}
        indicators |= {r[0] for r in conn.execute("SELECT code FROM unit_indicator")}
    indicators |= {r["code"] for r in clean.get("unit_indicator", [])}     # a unit's own indicators
    errors = []
    if data["installation_unit"] not in units:
        errors.append(f"$.installation_unit: satker “{data['installation_unit']}” tidak ada di tabel unit. "
                      f"Pilihan: {', '.join(sorted(units)) or '(tabel unit kosong)'}.")
    for name, rows in clean.items():
        spec = TABLES[name]
        for i, row in enumerate(rows):
            for col in ("owner_unit", "unit_code"):
                if row.get(col) is not None and row[col] not in units:
                    errors.append(f"$.tables.{name}[{i}].{col}: satker “{row[col]}” tidak ada di tabel unit.")
            if row.get("indicator_code") is not None and row["indicator_code"] not in indicators:
                errors.append(f"$.tables.{name}[{i}].indicator_code: indikator “{row['indicator_code']}” "
                              "tidak ada di tabel indikator.")
            if conn is not None and spec.key:
                found = conn.execute(f"SELECT id FROM {name} WHERE " + " AND ".join(f"{c} = ?" for c in spec.key),
                                     tuple(row[c] for c in spec.key)).fetchone()
                if found is not None and found[0] != row["id"]:
                    errors.append(f"$.tables.{name}[{i}]: kunci {_key_label(spec, row)} sudah ada di berkas "
                                  f"dengan id {found[0]}. Pakai id itu, atau hapus baris ini.")
    return errors


# -- apply -------------------------------------------------------------------------------------
def load_plan(path: str | os.PathLike, data, *, actor: str, dry_run: bool = False) -> dict:
    """Validate ``data`` then apply it to the plan file at ``path`` (created when missing).

    Rows are matched by id: new ids are inserted as given; rows whose content differs are
    updated (their version rises, the audit trail records origin 'import'); equal rows are left.
    Returns counts per table.  Raises ValidationError listing every error; nothing is written.
    """
    clean, errors = validate_plan(data)
    _raise_errors(errors)
    target = Path(path)
    if not target.exists():
        _raise_errors(_file_errors(data, clean, None))
        return _load_into_new(target, data["installation_unit"], clean, actor, dry_run)
    store = Store.open(target)
    try:
        if store.unit_code != data["installation_unit"]:
            raise ValidationError(
                f"JSON ini milik satker {data['installation_unit']}, sedangkan berkas {target.name} milik "
                f"satker {store.unit_code}. Muat ke berkas satker yang sama atau ke berkas baru.")
        _raise_errors(_file_errors(data, clean, store.conn))
        if not dry_run:
            backup_before_step(store, LOAD)        # a risky step: the file as it was, beside it
        return _apply(store, clean, actor, dry_run)
    finally:
        store.close()


def _raise_errors(errors: list[str]) -> None:
    if errors:
        raise ValidationError(f"{len(errors)} kesalahan di berkas JSON:\n" + "\n".join(errors), path="$")


def _load_into_new(target: Path, unit: str, clean, actor: str, dry_run: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="renstra-load-")) if dry_run else target.parent
    tmp = temp_path(folder / target.name)      # unique: two loads into new files never share it
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
        publish(tmp, target, replace=False)
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
    except sqlite3.IntegrityError:
        # the checks before cover the usual cases; sqlite's English text would only confuse
        raise ValidationError(
            "Data JSON bertentangan dengan isi berkas: dua baris memakai kunci yang sama (satker, IKK, "
            "tahun/periode). Tidak ada yang disimpan; periksa baris yang kuncinya diubah.") from None
    return report


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


_DUMP_HINT = "Berikan berkas JSON hasil renstra-desktop dump."


def read_json_file(path: str | os.PathLike):
    """The JSON document in ``path``; FileError/ValidationError in Indonesian for anything else."""
    path = Path(path)
    if path.is_dir():
        raise FileError(f"{path} adalah folder, bukan berkas JSON. {_DUMP_HINT}")
    if is_special_file(path):
        raise FileError(f"{path} {SPECIAL_FILE}, bukan berkas JSON. {_DUMP_HINT}")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileError(f"Berkas JSON {path} tidak ditemukan. Periksa nama dan foldernya.") from None
    except OSError as exc:
        raise FileError(f"Berkas JSON {path} tidak dapat dibaca ({os_reason(exc)}). "
                        "Salin berkasnya ke folder Dokumen Anda lalu coba lagi.") from None
    name = path.name
    if not raw.strip():
        raise ValidationError(f"Berkas {name} kosong. {_DUMP_HINT}", path="$")
    if raw.startswith(SQLITE_HEADER):
        app_id = int.from_bytes(raw[68:72], "big")
        what = {APPLICATION_ID: "berkas rencana (.renstra)",
                PACKAGE_APPLICATION_ID: "paket satker (.rpkg)"}.get(app_id, "basis data SQLite")
        raise ValidationError(f"Berkas {name} adalah {what}, bukan JSON. {_DUMP_HINT}", path="$")
    if raw.startswith(b"%PDF"):
        raise ValidationError(f"Berkas {name} adalah PDF, bukan JSON. {_DUMP_HINT}", path="$")
    try:
        return json.loads(raw.decode("utf-8-sig"))     # a BOM from Notepad is harmless
    except UnicodeDecodeError:
        raise ValidationError(f"Berkas {name} bukan JSON (bukan teks UTF-8). {_DUMP_HINT}", path="$") from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"Berkas {name} bukan JSON yang sah: terpotong atau rusak di baris {exc.lineno}, kolom {exc.colno}. "
            f"Periksa berkasnya, atau buat ulang dengan renstra-desktop dump.", path="$") from None
    except ValueError:   # an integer with thousands of digits (Python's limit on int conversion)
        raise ValidationError(f"Berkas {name} memuat angka yang terlalu panjang. Periksa angkanya; {_DUMP_HINT}",
                              path="$") from None
