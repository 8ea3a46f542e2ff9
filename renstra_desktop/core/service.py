"""The one door every change goes through.

It validates, enforces ownership and period locks, bumps row versions, writes the audit trail
and returns a :class:`Changes` saying what changed.  Each call is one transaction: a refused
value leaves the file untouched.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from .audit import write_audit
from .errors import NotFound, PermissionDenied, ValidationError
from .rows import new_id, new_meta, stable_id, utc_now
from .schema import TABLES
from .store import Store
from .validation import clean_value


@dataclass
class Changes:
    """What a call changed: table -> row ids.  Views refresh the tables named here."""
    rows: dict[str, set[str]] = field(default_factory=dict)

    def add(self, table: str, row_id: str) -> None:
        self.rows.setdefault(table, set()).add(row_id)

    def merge(self, other: "Changes") -> "Changes":
        for table, ids in other.rows.items():
            self.rows.setdefault(table, set()).update(ids)
        return self

    @property
    def tables(self) -> set[str]:
        return set(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


@dataclass(frozen=True)
class Edit:
    """One field change for :meth:`PlanService.apply`: a paste or an undo step is a list of these."""
    table: str
    row_id: str
    field: str
    value: object


class PlanService:
    """Mutations of one plan file by one actor of the installation's unit."""

    def __init__(self, store: Store, actor: str, unit_code: str | None = None):
        self.store = store
        self.actor = actor
        self.unit_code = unit_code or store.unit_code

    # -- reads used by writers -------------------------------------------------------------
    def row(self, table: str, row_id: str) -> dict:
        _spec(table)
        found = self.store.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if found is None:
            raise NotFound(f"Baris {row_id} tidak ditemukan di tabel {TABLES[table].label}.")
        return dict(found)

    # -- mutations -------------------------------------------------------------------------
    def insert(self, table: str, values: dict, *, row_id: str | None = None) -> tuple[str, Changes]:
        """Add a row owned by this installation's unit; returns its id and the changes."""
        spec = _spec(table)
        clean = {}
        for f in spec.fields:
            clean[f.name] = clean_value(f, values.get(f.name))
        unknown = set(values) - set(spec.columns)
        if unknown:
            raise ValidationError(f"Kolom tidak dikenal: {', '.join(sorted(unknown))}.")
        self._check_writable_values(table, clean)
        if row_id is None:
            row_id = stable_id(table, *(clean[k] for k in spec.key)) if spec.key else new_id()
        conn = self.store.conn
        with self.store.atomic():
            existing = conn.execute(f"SELECT deleted FROM {table} WHERE id = ?", (row_id,)).fetchone()
            if existing is not None:
                if existing["deleted"]:
                    changes = self.restore(table, row_id)
                    return row_id, changes.merge(self.update(table, row_id, values))
                raise ValidationError(f"{spec.label} dengan kunci yang sama sudah ada.")
            row = {**new_meta(row_id, self.unit_code, self.actor, "local"), **clean}
            cols = ", ".join(row)
            conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})",
                         tuple(row.values()))
            self._audit(table, row_id, "insert", None, None, json.dumps(_audited(spec, clean), ensure_ascii=False))
        changes = Changes()
        changes.add(table, row_id)
        return row_id, changes

    def update(self, table: str, row_id: str, values: dict) -> Changes:
        """Change fields of one row.  Values may be typed text ("3,2"); unchanged fields are skipped."""
        return self.apply([Edit(table, row_id, k, v) for k, v in values.items()])

    def apply(self, edits: list[Edit]) -> Changes:
        """Apply many field edits all or nothing (a paste, an undo step)."""
        changes = Changes()
        with self.store.atomic():
            pending: dict[tuple[str, str], dict] = {}
            for edit in edits:
                spec = _spec(edit.table)
                f = spec.field_map.get(edit.field)
                if f is None:
                    raise ValidationError(f"Kolom “{edit.field}” tidak dikenal di {spec.label}.")
                pending.setdefault((edit.table, edit.row_id), {})[edit.field] = clean_value(f, edit.value)
            for (table, row_id), values in pending.items():
                if self._write(table, row_id, values):
                    changes.add(table, row_id)
        return changes

    def delete(self, table: str, row_id: str) -> Changes:
        """Mark a row deleted (a tombstone); it stays in the file and travels in packages."""
        return self._set_deleted(table, row_id, 1)

    def restore(self, table: str, row_id: str) -> Changes:
        """Undo a delete."""
        return self._set_deleted(table, row_id, 0)

    # -- internals -------------------------------------------------------------------------
    def _write(self, table: str, row_id: str, values: dict) -> bool:
        old = self.row(table, row_id)
        self._check_row_writable(table, old)
        if old["deleted"]:
            raise PermissionDenied("Baris ini sudah dihapus. Pulihkan dulu (Urungkan) sebelum mengubahnya.")
        changed = {k: v for k, v in values.items() if old[k] != v}
        if not changed:
            return False
        spec = TABLES[table]
        if set(changed) & set(spec.key):
            raise ValidationError("Kunci baris (satker, indikator, periode/tahun) tidak dapat diubah; "
                                  "hapus baris lalu tambahkan yang baru.")
        self._check_writable_values(table, {**old, **changed})
        sets = ", ".join(f"{k} = ?" for k in changed)
        self.store.conn.execute(
            f"UPDATE {table} SET {sets}, row_version = row_version + 1, base_version = row_version, "
            f"updated_at = ?, updated_by = ?, origin = 'local' WHERE id = ?",
            (*changed.values(), utc_now(), self.actor, row_id))
        for k, v in changed.items():
            self._audit(table, row_id, "update", k, old[k], v)
        return True

    def _set_deleted(self, table: str, row_id: str, flag: int) -> Changes:
        changes = Changes()
        with self.store.atomic():
            old = self.row(table, row_id)
            self._check_row_writable(table, old)
            if old["deleted"] == flag:
                return changes
            self.store.conn.execute(
                f"UPDATE {table} SET deleted = ?, row_version = row_version + 1, base_version = row_version, "
                f"updated_at = ?, updated_by = ?, origin = 'local' WHERE id = ?",
                (flag, utc_now(), self.actor, row_id))
            self._audit(table, row_id, "delete" if flag else "restore", "deleted", old["deleted"], flag)
            changes.add(table, row_id)
        return changes

    def _check_row_writable(self, table: str, row: dict) -> None:
        if row["owner_unit"] != self.unit_code:
            raise PermissionDenied(
                f"Baris ini milik satker {row['owner_unit']} dan hanya dapat diubah oleh satker tersebut. "
                "Perubahan dari satker itu masuk melalui paket yang digabungkan.")
        self._check_period_lock(table, row)

    def _check_writable_values(self, table: str, row: dict) -> None:
        if TABLES[table].reference and self.unit_code != "KANWIL":
            raise PermissionDenied(f"{TABLES[table].label} adalah data rujukan yang ditetapkan Kantor Wilayah.")
        unit = row.get("unit_code")
        sets_for_units = self.unit_code == "KANWIL" and (TABLES[table].reference or TABLES[table].kanwil_sets)
        if unit is not None and unit != self.unit_code and not sets_for_units:
            raise PermissionDenied(
                f"Berkas ini milik satker {self.unit_code}; data satker {unit} tidak dapat diisi di sini.")
        self._check_period_lock(table, row)

    def _check_period_lock(self, table: str, row: dict) -> None:
        if table != "realisation":
            return
        period = row.get("period") or ""
        candidates = {period, period[:4]}
        locked = self.store.conn.execute(
            f"SELECT period FROM period_lock WHERE deleted = 0 AND unit_code = ? AND period IN "
            f"({', '.join('?' * len(candidates))})", (row["unit_code"], *candidates)).fetchone()
        if locked:
            raise PermissionDenied(
                f"Periode {locked['period']} sudah disetujui dan dikunci; realisasinya tidak dapat diubah. "
                "Minta Kantor Wilayah membuka kunci bila perlu koreksi.")

    def _audit(self, table, row_id, action, fld, old, new) -> None:
        write_audit(self.store.conn, actor=self.actor, unit_code=self.unit_code, table=table,
                    row_id=row_id, action=action, field=fld, old=old, new=new)


def _audited(spec, values: dict) -> dict:
    """Values as the audit trail keeps them: a file's content by its digest, not a second copy."""
    return {k: (f"sha256:{hashlib.sha256(v.encode('ascii')).hexdigest()}"
                if v is not None and spec.field_map[k].kind == "base64" else v) for k, v in values.items()}


def _spec(table: str):
    try:
        return TABLES[table]
    except KeyError:
        raise ValidationError(f"Tabel “{table}” tidak dikenal.") from None
