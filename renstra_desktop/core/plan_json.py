"""The whole plan as JSON (``dump``) and back (``load``), documented in docs/json-format.md.

``load`` validates everything first and lists every error with its JSON path; then it applies
all rows in one transaction, or nothing.  dump -> load into a new file -> dump is identical.
The audit trail is not part of the plan JSON: it is the history of one file.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import uuid
from pathlib import Path

from .backups import LOAD, backup_before_step
from .errors import FileError, ValidationError
from .row_writer import Changes, columns_of
from .rows import MAX_ROW_VERSION, META_COLUMNS
from .schema import PLAN_TABLES, PLAN_YEARS, TABLES
from .os_errors import SPECIAL_FILE, is_special_file, os_reason
from .packages.package_rules import invalid_cells
from .plan_profile import check_span, plan_years
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
    """Every row of every plan table, tombstones included, sorted by id.

    A value ``load`` would refuse (text in a number column written with another SQLite tool, a
    number beyond its bounds, ...) is not dumped: ValidationError names each such cell (table, row
    id, column), so a dump can always be loaded back."""
    tables, bad = {}, []
    for name, cols, raw, cells in _checked_tables(store.conn):
        spec = TABLES[name]
        if cells:
            bad.extend((name, *cell) for cell in cells)
            continue
        at = {c: i for i, c in enumerate(cols)}
        meta = [(c, at[c]) for c in META_COLUMNS]
        fields = [(f.name, f.kind, at[f.name]) for f in spec.fields]
        tables[name] = [{**{c: r[i] for c, i in meta}, **{n: _to_json_value(k, r[i]) for n, k, i in fields}}
                        for r in raw]
    if bad:
        raise ValidationError(_bad_cells_message(bad), path="$")
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "schema_version": store.schema_version, "installation_unit": store.unit_code, "tables": tables,
    }


def _bad_cells_message(bad: list[tuple[str, str, str, str]], then: str = "ulangi dump") -> str:
    """One line: how many values the plan would refuse, the first three (table, row id, column,
    reason), and what to do."""
    first = "; ".join(f"tabel {t}, baris {rid}, kolom {col}: {reason}" for t, rid, col, reason in bad[:3])
    more = f" (dan {len(bad) - 3} nilai lain)" if len(bad) > 3 else ""
    return (f"Berkas ini memuat {len(bad)} nilai yang tidak dapat dimuat kembali (diubah di luar aplikasi?): "
            f"{first}{more}. Tidak ada yang ditulis. Perbaiki nilainya di aplikasi (ketik ulang) atau hapus "
            f"barisnya, lalu {then}.")


def invalid_file_cells(conn) -> list[tuple[str, str, str, str]]:
    """(table, row id, column, reason) for every value of the file the plan would refuse (a file
    changed with another SQLite tool)."""
    return [(name, *cell) for name, _cols, _raw, cells in _checked_tables(conn) for cell in cells]


def _checked_tables(conn):
    """Each plan table's columns and rows (tuples, by id), with the cells load would refuse."""
    cur = conn.cursor()
    cur.row_factory = None
    for name in PLAN_TABLES:
        cur.execute(f"SELECT * FROM {name} ORDER BY id")
        cols = [d[0] for d in cur.description]
        raw = cur.fetchall()
        yield name, cols, raw, invalid_cells(name, cols, raw)


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# -- validation ------------------------------------------------------------------------------
_META_CHECKS = {
    "id": lambda v: isinstance(v, str) and _is_uuid(v),
    "owner_unit": lambda v: isinstance(v, str) and v != "",
    "created_at": lambda v: isinstance(v, str) and v != "",
    "updated_at": lambda v: isinstance(v, str) and v != "",
    "updated_by": lambda v: isinstance(v, str),
    "row_version": lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_ROW_VERSION,
    "base_version": lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_ROW_VERSION,
    "deleted": lambda v: v in (0, 1) and not isinstance(v, bool),
    "origin": lambda v: isinstance(v, str),
}


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
        return True
    except ValueError:
        return False


MAX_DEPTH = 32          # the plan JSON nests 5 deep; a setting value a few more


def _shape_errors(data) -> list[str]:
    """Nesting beyond MAX_DEPTH and text that is not Unicode (a lone surrogate such as \\ud800 that
    JSON allows but no file can store), found without recursion: one line each, the first ten."""
    errors, stack = [], [(data, "$", 1)]
    while stack and len(errors) < 10:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH and isinstance(value, (dict, list)):
            errors.append(f"{path}: bersarang lebih dari {MAX_DEPTH} tingkat; dokumen rencana tidak sedalam ini.")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    errors.append(f"{path}: nama kolom memuat karakter yang tidak sah ({_codepoints(key)}).")
                stack.append((item, f"{path}.{key}", depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str) and _SURROGATE.search(value):
            errors.append(f"{path}: teks memuat karakter yang tidak sah ({_codepoints(value)}, separuh pasangan "
                          "surrogate UTF-16). Ketik ulang teks itu.")
    return sorted(errors)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _codepoints(text: str) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in _SURROGATE.findall(text)[:3])


def _span_in(data: dict, default: tuple) -> tuple:
    """The years of the plan the JSON describes: its own ``plan_years`` setting, else ``default``."""
    for row in data["tables"].get("setting") or ():
        if isinstance(row, dict) and row.get("key") == "plan_years" and not row.get("deleted"):
            try:
                first, last = check_span(row.get("value"))
            except ValidationError:
                return default
            return tuple(range(first, last + 1))
    return default


def validate_plan(data, years: tuple = PLAN_YEARS) -> tuple[dict[str, list[dict]], list[str]]:
    """Clean rows per table and a list of errors ``$.path: message`` (empty when valid).  Years and
    periods must lie in the plan's span: the JSON's own ``plan_years`` setting, else ``years``."""
    errors: list[str] = []
    if not isinstance(data, dict):
        return {}, ["$: dokumen JSON harus berupa objek."]
    shape = _shape_errors(data)
    if shape:
        return {}, shape
    if isinstance(data.get("tables"), dict):
        years = _span_in(data, years)
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
        if name not in PLAN_TABLES:
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
                    values[f.name] = clean_value(f, row[f.name], strict_json=True, years=years)
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
class LoadReport(dict):
    """Counts per table ({"inserted", "updated", "unchanged", "forced"}) and, as ``changes``, what the
    load changed (empty for a dry run)."""
    changes: Changes


def load_plan(path: str | os.PathLike, data, *, actor: str, dry_run: bool = False,
              force: bool = False) -> LoadReport:
    """Validate ``data`` then apply it to the plan file at ``path`` (created when missing) through
    the door (:meth:`.service.PlanService.load_json`).

    Rows are matched by id: new ids are inserted as given; rows whose content differs are
    updated (their version rises, the audit trail records origin 'import'); equal rows are left.
    Changes the file's unit may not make (rows of another unit, reference data at a UPT, a period
    the Kanwil approved and locked) are refused like any edit, all listed, nothing written.  A row
    whose ``row_version`` in the JSON is older than the file's, with other content, was changed in
    the file after the JSON was made: a conflict (:class:`LoadConflict`, both values listed, nothing
    written) unless ``force``, whose overwrites the audit trail records with origin 'import-force'.
    A missing file is created from the JSON as recorded (a restore).  Raises ValidationError listing
    every error; nothing is written.
    """
    target = Path(path)
    if not target.exists():
        clean, errors = validate_plan(data)
        _raise_errors(errors)
        _raise_errors(_file_errors(data, clean, None))
        return _load_into_new(target, data["installation_unit"], clean, actor, dry_run)
    store = Store.open(target)
    try:
        from .service import PlanService
        return PlanService(store, actor).load_json(data, dry_run=dry_run, force=force)
    finally:
        store.close()


def apply_plan(service, data, *, dry_run: bool = False, force: bool = False) -> LoadReport:
    """The door's load (:meth:`.service.PlanService.load_json`): validate, then write every row
    through the row-write primitive in one transaction (rolled back for a dry run)."""
    clean, errors = validate_plan(data, plan_years(service.store.conn))
    _raise_errors(errors)
    store = service.store
    bad = invalid_file_cells(store.conn)
    if bad:
        raise ValidationError(_bad_cells_message(bad, "muat lagi"), path="$")
    if store.unit_code != data["installation_unit"]:
        raise ValidationError(
            f"JSON ini milik satker {data['installation_unit']}, sedangkan berkas {store.path.name} milik "
            f"satker {store.unit_code}. Muat ke berkas satker yang sama atau ke berkas baru.")
    _raise_errors(_file_errors(data, clean, store.conn))
    if dry_run:
        return _apply(service, clean, True, force)
    # a risky step: the file as it was goes beside it, but only for a load that will write: a
    # refused load (a conflict, a locked period) leaves the folder as it was too
    _apply(service, clean, True, force)
    backup_before_step(store, LOAD)
    return _apply(service, clean, False, force)


def _raise_errors(errors: list[str]) -> None:
    if len(errors) == 1:
        raise ValidationError(f"1 kesalahan di berkas JSON: {errors[0]}", path="$")
    if errors:
        raise ValidationError(f"{len(errors)} kesalahan di berkas JSON:\n" + "\n".join(errors), path="$")


def _load_into_new(target: Path, unit: str, clean, actor: str, dry_run: bool) -> LoadReport:
    from .service import PlanService

    folder = Path(tempfile.mkdtemp(prefix="renstra-load-")) if dry_run else target.parent
    tmp = temp_path(folder / target.name)      # unique: two loads into new files never share it
    store = Store.create_empty(tmp)
    try:
        store.set_meta("installation_unit", unit)
        report = _apply(PlanService(store, actor), clean, dry_run=False, restore=True)
    except BaseException:
        store.close()
        tmp.unlink(missing_ok=True)
        raise
    store.close()
    if dry_run:
        tmp.unlink(missing_ok=True)
        folder.rmdir()
        report.changes = Changes()
    else:
        publish(tmp, target, replace=False)
    return report


class LoadConflict(ValidationError):
    """Rows of the JSON are older than the file's: changed in the file after the JSON was made."""

    def __init__(self, conflicts: list[tuple]):
        lines = [f"{TABLES[t].label} {label} (id {rid}): versi JSON {jv}, versi berkas {fv}; "
                 + "; ".join(f"{c} di berkas {_shown(fvals[c])} | di JSON {_shown(jvals[c])}" for c in cols)
                 for t, rid, label, jv, fv, cols, fvals, jvals in conflicts[:20]]
        more = [f"… dan {len(conflicts) - 20} baris lain."] if len(conflicts) > 20 else []
        super().__init__(
            f"{len(conflicts)} baris di JSON lebih lama daripada di berkas (diubah di berkas sesudah JSON dibuat); "
            "tidak ada yang disimpan. Buat dump baru lalu ulangi perubahan Anda, atau muat dengan --force untuk "
            "menimpa nilai berkas (dicatat di jejak audit):\n" + "\n".join(lines + more), path="$")
        self.conflicts = conflicts


def _shown(value) -> str:
    return "kosong" if value is None else repr(value)


def _apply(service, clean: dict[str, list[dict]], dry_run: bool, force: bool = False,
           restore: bool = False) -> LoadReport:
    """Classify every row of the JSON against the file (new, changed, unchanged, older) and write
    through one RowWriter: new rows as recorded, changed rows as an import (version + 1)."""
    from .packages.merge_report import row_label

    store, conn = service.store, service.store.conn
    writer = service.writer(origin="import", restore=restore)
    report = LoadReport({name: {"inserted": 0, "updated": 0, "unchanged": 0, "older": 0, "forced": 0}
                         for name in clean})
    conflicts, refused = [], []
    try:
        with store.atomic():
            for name, rows in clean.items():
                cols = columns_of(conn, name)
                at = {c: i for i, c in enumerate(cols)}
                content = [at[c] for c in TABLES[name].columns + ("deleted", "owner_unit")]
                old = writer.existing(name, cols, (r["id"] for r in rows))
                position = {r["id"]: i for i, r in enumerate(rows)}
                inserts, updates, forced, based_on = [], [], [], {}
                for row in rows:
                    new = tuple(row[c] for c in cols)
                    c = old.get(row["id"])
                    if c is None:
                        inserts.append(new)
                    elif all(c[i] == new[i] for i in content):
                        report[name]["unchanged"] += 1
                    elif row["row_version"] < c[at["row_version"]] and _earlier_content(conn, name, cols, c, row):
                        report[name]["older"] += 1      # carried along unedited from an older dump: kept
                    elif force and row["row_version"] < c[at["row_version"]]:
                        forced.append(new)
                        conflicts.append(_conflict(name, row, c, cols, content, row_label))
                    else:
                        updates.append(new)
                        based_on[row["id"]] = row["row_version"]
                refusals = writer.write(name, cols, inserts, old=old, versions="carry", keep_origin=True,
                                        audit_origin="import", partial=True)
                refusals += writer.write(name, cols, updates, old=old, based_on=based_on, partial=True)
                refusals += writer.write(name, cols, forced, old=old, audit_origin="import-force", partial=True)
                for r in refusals:
                    if r.kind == "version":
                        row = rows[position[r.row_id]]
                        conflicts.append(_conflict(name, row, old[r.row_id], cols, content, row_label))
                    else:
                        refused.append(f"$.tables.{name}[{position[r.row_id]}]: {r.reason}")
                done = {r.row_id for r in refusals}
                report[name]["inserted"] += sum(r[0] not in done for r in inserts)
                report[name]["updated"] += sum(r[0] not in done for r in updates + forced)
                report[name]["forced"] += len(forced)
            if refused:
                head = (f"{len(refused)} baris JSON mengubah data yang tidak boleh diubah berkas ini (juga dengan "
                        "--force); tidak ada yang disimpan:")
                listed = refused[0] if len(refused) == 1 else "\n" + "\n".join(refused[:20]) + (
                    f"\n… dan {len(refused) - 20} baris lain." if len(refused) > 20 else "")
                raise ValidationError(f"{head} {listed}" if len(refused) == 1 else head + listed, path="$")
            if conflicts and not force:
                raise LoadConflict(conflicts)
            totals = {k: sum(r[k] for r in report.values()) for k in ("inserted", "updated", "older")}
            if totals["older"] and not (totals["inserted"] or totals["updated"]):
                raise ValidationError(
                    f"JSON ini lebih lama daripada berkas: {totals['older']} barisnya sudah diubah di berkas sesudah JSON "
                    "dibuat, dan tidak ada perubahan lain yang dapat dimuat. Tidak ada yang disimpan. Buat dump baru "
                    "dari berkas ini lalu ulangi perubahan Anda.", path="$")
            if dry_run:
                raise _DryRun
    except _DryRun:
        writer.changes = Changes()
    report.changes = writer.changes
    return report


def _earlier_content(conn, table: str, cols, current: tuple, row: dict) -> bool:
    """Whether the JSON's row holds a content this row had before: the audit trail undone write by
    write (its field entries' old values) from the file's row back to its insert.  Then the JSON
    carries the row along unedited from an older dump (another row was its change), and the file's
    newer version is kept; otherwise the JSON changed a row the file has changed since: a conflict."""
    from .row_writer import audit_value

    spec = TABLES[table]
    shown = audit_value(spec)
    names = [f.name for f in spec.fields] + ["deleted"]
    text = lambda name, value: None if value is None else str(shown(name, value))   # noqa: E731
    state = {n: text(n, current[cols.index(n)]) for n in names}
    wanted = {n: text(n, row[n]) for n in names}
    write = None
    for at, origin, action, name, old in conn.execute(
            "SELECT at, origin, action, field, old_value FROM audit_log WHERE table_name = ? AND row_id = ? "
            "ORDER BY seq DESC", (table, row["id"])):
        if (at, origin) != write:          # one write's entries share their time and origin
            if write is not None and state == wanted:
                return True
            write = (at, origin)
        if action == "insert" or name is None:
            break
        if name in state:
            state[name] = old
    return state == wanted


def _conflict(name: str, row: dict, c: tuple, cols, content, row_label) -> tuple:
    """(table, id, label, JSON version, file version, differing columns, file values, JSON values)."""
    file_values = dict(zip(cols, c))
    differing = [cols[i] for i in content if c[i] != row[cols[i]]]
    return (name, row["id"], row_label(name, row), row["row_version"], file_values["row_version"], differing,
            file_values, row)


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
    except RecursionError:
        raise ValidationError(f"Berkas {name} bersarang terlalu dalam (ratusan tingkat [ atau {{ atau lebih); ini bukan berkas "
                              f"rencana. {_DUMP_HINT}", path="$") from None
    except ValueError:   # an integer with thousands of digits (Python's limit on int conversion)
        raise ValidationError(f"Berkas {name} memuat angka yang terlalu panjang. Periksa angkanya; {_DUMP_HINT}",
                              path="$") from None
