"""Classify and apply the rows of one verified package, and log the batch (docs/packages.md).

Versions and conflicts.  Rows have exactly one writer, so a unit's history of a row is linear and
its packages carry the row's own ``row_version``/``base_version``.  The merging file keeps those
numbers and, in ``origin``, the digest of the package each row came from.  A consolidated row is
*in the package's history* when it came from an earlier package of the same unit signed by the
same key (``package_batch``), or is the common seeded row (origin 'seed', version 1).  Then:

- same values → unchanged (when the package's version is higher, e.g. a value changed and changed
  back, the row takes the package's version numbers and origin; no value changes, so no audit entry);
- in the history and ``consolidated.row_version <= package.base_version`` → updated;
- in the history, a lower version and not changed later than the file's → unchanged, noted as
  *older* (the file already holds a later version of that unit's row: a late or out-of-order package);
- otherwise → conflict: the file holds a version the package's unit never saw (a restored old
  unit file, a re-pinned unit, a local change or import).  Both values are listed, the row is
  left as it is, and a user keeps one side later (:func:`.merge_conflicts.resolve_conflict`).

Realisations of a period locked in this file are ignored-locked.  Every applied change is written
to the audit trail with origin = the package digest.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from operator import itemgetter
from typing import Callable

from .audit import write_audit_inserted, write_audit_many
from .package_rules import invalid_rows
from .merge_report import STATUSES, PackageResult, RowNote, row_label
from .package import PackageReader
from .package_format import PackageError
from .rows import utc_now
from .schema import TABLES
from .store import Store


class PackageApplier:
    """Classify and apply the rows of one verified package inside the caller's transaction."""

    def __init__(self, store: Store, reader: PackageReader, actor: str):
        self.store = store
        self.conn = store.conn
        self.reader = reader
        self.actor = actor
        self.digest = reader.package_digest
        self.unit = reader.unit
        self.cur = self.conn.cursor()
        self.cur.row_factory = None
        self.schema_version = store.schema_version
        self.lineage = {r[0] for r in self.cur.execute(
            "SELECT package_digest FROM package_batch WHERE unit_code = ? AND key_fingerprint = ?",
            (self.unit, reader.fingerprint))}
        self.locks = set(self.cur.execute("SELECT unit_code, period FROM period_lock WHERE deleted = 0"))
        self.decided = {(t, r, h) for t, r, h in self.cur.execute(
            "SELECT table_name, row_id, incoming_hash FROM merge_conflict WHERE unit_code = ? "
            "AND status = 'kept_consolidated'", (self.unit,))}
        self.conflicts: list[tuple] = []   # (table, row_id, reason, consolidated json, incoming json, hash)
        self.audit: list[tuple] = []      # (table, row_id, action, field, old, new), written chunk by chunk
        self.at = utc_now()               # one time for every entry of the package

    def run(self, result: PackageResult) -> None:
        """Classify and apply the verified package's rows table by table, chunk by chunk."""
        for table, cols in self.reader.tables().items():
            counts = None
            for chunk in self.reader.chunks(table):
                if not chunk:
                    continue
                if counts is None:
                    self._check_columns(table, cols)
                    counts = Counter({s: 0 for s in STATUSES})
                notes: list[RowNote] = []
                self._chunk(table, cols, chunk, invalid_rows(table, cols, chunk), notes, counts)
                result.add_notes(notes)
                write_audit_many(self.conn, self.audit, actor=self.actor, unit_code=self.unit, origin=self.digest,
                                 at=self.at)
                self.audit.clear()
            if counts is not None:
                result.tables[table] = counts
        batch = self.cur.execute(
            "INSERT INTO package_batch (package_digest, content_digest, unit_code, key_fingerprint, sequence, "
            "created_at, schema_version, app_version, file_name, merged_at, merged_by, counts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.digest, self.reader.manifest["content_digest"], self.unit, self.reader.fingerprint,
             self.reader.sequence, self.reader.manifest["created_at"], self.reader.schema_version,
             self.reader.manifest["app_version"], self.reader.path.name, utc_now(), self.actor,
             json.dumps({t: dict(c) for t, c in result.tables.items()}, sort_keys=True))).lastrowid
        for table, row_id, reason, old, new, digest in self.conflicts:
            self.cur.execute("UPDATE merge_conflict SET status = 'superseded' WHERE table_name = ? AND row_id = ? "
                             "AND status = 'open'", (table, row_id))
            self.cur.execute(
                "INSERT INTO merge_conflict (batch_seq, package_digest, unit_code, table_name, row_id, reason, "
                "consolidated, incoming, incoming_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (batch, self.digest, self.unit, table, row_id, reason, old, new, digest))

    def _chunk(self, table: str, cols: tuple, rows: list[tuple], invalid: dict, notes: list,
               counts: Counter) -> None:
        spec = TABLES[table]
        ix = {c: i for i, c in enumerate(cols)}
        content_cols = spec.columns + ("deleted",)
        content_of = itemgetter(*(ix[c] for c in content_cols))
        key_of = itemgetter(*(ix[c] for c in spec.key)) if spec.key else (lambda r: None)
        meta_of = itemgetter(*(ix[c] for c in _VERSION_COLUMNS))
        i_owner, i_origin, i_rv, i_base = ix["owner_unit"], ix["origin"], ix["row_version"], ix["base_version"]
        i_updated = ix["updated_at"]
        locked = self._lock_check(table, ix)
        existing = {r[0]: r for r in self.cur.execute(
            f"SELECT {', '.join(cols)} FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([r[0] for r in rows]),))}
        inserts, updates, refreshes = [], [], []
        for p in rows:
            rid = p[0]
            if rid in invalid:
                notes.append(RowNote(table, rid, "rejected", invalid[rid]))
                counts["rejected"] += 1
                continue
            c = existing.get(rid)
            if c is None:
                if locked(p):
                    notes.append(RowNote(table, rid, "ignored_locked", _locked_reason(p, ix)))
                    counts["ignored_locked"] += 1
                else:
                    inserts.append(p)
                continue
            if c[i_owner] != p[i_owner]:
                notes.append(RowNote(table, rid, "rejected", f"Ditolak: baris ini milik satker {c[i_owner]} di "
                                                             "berkas ini; satu baris hanya punya satu penulis."))
                counts["rejected"] += 1
                continue
            if content_of(c) == content_of(p):
                if meta_of(c) != meta_of(p) and p[i_rv] > c[i_rv]:
                    refreshes.append(p)      # same values, a newer version: keep the unit's version numbers
                counts["unchanged"] += 1
                continue
            if locked(p):
                notes.append(RowNote(table, rid, "ignored_locked", _locked_reason(p, ix),
                                     _diff(content_cols, content_of(c), content_of(p))))
                counts["ignored_locked"] += 1
                continue
            if key_of(c) != key_of(p):
                notes.append(RowNote(table, rid, "rejected", "Ditolak: kunci baris (satker, indikator, periode/"
                                                             "tahun) berubah; baris seperti ini tidak diterima."))
                counts["rejected"] += 1
                continue
            in_history = c[i_origin] in self.lineage or (c[i_origin] == "seed" and c[i_rv] == 1)
            if in_history and c[i_rv] <= p[i_base]:
                updates.append((c, p))
                continue
            if in_history and p[i_rv] < c[i_rv] and p[i_updated] <= c[i_updated]:
                # An earlier version of a row this file already has a later one of, from the same unit
                # and key (a package that arrived late, or a unit file restored from a backup): kept.
                notes.append(RowNote(table, rid, "older", _older_reason(c, p, ix),
                                     _diff(content_cols, content_of(c), content_of(p))))
                counts["unchanged"] += 1
                continue
            if (table, rid, row_hash(cols, p)) in self.decided:
                notes.append(RowNote(table, rid, "unchanged", "Versi paket ini sudah diputuskan sebelumnya: "
                                                              "nilai di berkas ini dipertahankan."))
                counts["unchanged"] += 1
                continue
            note = RowNote(table, rid, "conflicts", _conflict_reason(c, p, ix, in_history),
                           _diff(content_cols, content_of(c), content_of(p)))
            notes.append(note)
            self.conflicts.append((table, rid, note.reason, row_json(cols, c), row_json(cols, p), row_hash(cols, p)))
            counts["conflicts"] += 1
        counts["new"] += self._insert(table, cols, inserts, notes, counts)
        if notes:
            by_id = {r[0]: r for r in rows}
            for note in notes:
                note.label = row_label(table, dict(zip(cols, by_id[note.row_id])))
        self._update(table, cols, content_cols, updates)
        counts["updated"] += len(updates)
        if refreshes:
            self.cur.executemany(
                f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in _VERSION_COLUMNS)}, origin = ? WHERE id = ?",
                [meta_of(p) + (self.digest, p[0]) for p in refreshes])

    def _check_columns(self, table: str, cols: tuple) -> None:
        key = (table, self.schema_version)
        if key not in _COLUMNS:
            _COLUMNS[key] = tuple(r[1] for r in self.cur.execute(f"PRAGMA table_info({table})"))
        if _COLUMNS[key] != cols:
            raise PackageError(f"Kolom tabel {TABLES[table].label} di paket berbeda dengan berkas ini. "
                               "Perbarui aplikasi di kedua tempat ke versi yang sama.")

    def _lock_check(self, table: str, ix: dict) -> Callable[[tuple], bool]:
        if table != "realisation" or not self.locks:
            return lambda p: False
        i_unit, i_period = ix["unit_code"], ix["period"]
        locks = self.locks
        return lambda p: (p[i_unit], p[i_period]) in locks or (p[i_unit], p[i_period][:4]) in locks

    def _insert(self, table: str, cols: tuple, rows: list[tuple], notes: list, counts: Counter) -> int:
        if not rows:
            return 0
        i_origin = cols.index("origin")
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        values = [p[:i_origin] + (self.digest,) + p[i_origin + 1:] for p in rows]
        try:
            with self.store.atomic():
                self.cur.executemany(sql, values)
                accepted = rows
        except sqlite3.IntegrityError:
            # A natural key already used by another row: find which rows, apply the others.
            accepted = []
            for p, v in zip(rows, values):
                try:
                    with self.store.atomic():
                        self.cur.execute(sql, v)
                    accepted.append(p)
                except sqlite3.IntegrityError as exc:
                    notes.append(RowNote(table, p[0], "rejected",
                                         f"Ditolak: bertabrakan dengan baris lain di berkas ini ({exc})."))
                    counts["rejected"] += 1
        # Like the JSON import, an insert entry names the row and its package; the values are the
        # row's own, and every later change records old and new per field.
        write_audit_inserted(self.conn, table, [p[0] for p in accepted], actor=self.actor, unit_code=self.unit,
                             origin=self.digest, at=self.at)
        return len(accepted)

    def _update(self, table: str, cols: tuple, content_cols: tuple, pairs: list) -> None:
        if not pairs:
            return
        i_origin = cols.index("origin")
        rest = cols[1:]
        sql = f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in rest)} WHERE id = ?"
        self.cur.executemany(sql, [p[1:i_origin] + (self.digest,) + p[i_origin + 1:] + (p[0],) for _, p in pairs])
        ix = [(c, cols.index(c)) for c in content_cols]
        for c, p in pairs:
            for name, i in ix:
                if c[i] != p[i]:
                    self.audit.append((table, p[0], change_action(name, p[i]), name, c[i], p[i]))


# Columns of the plan tables per schema version (every file of one version has the same).
_COLUMNS: dict[tuple[str, int], tuple] = {}

# Version metadata a package row carries besides its values; refreshed when only these differ.
_VERSION_COLUMNS = ("created_at", "updated_at", "updated_by", "row_version", "base_version")


def _diff(cols, old, new) -> dict:
    return {c: (o, n) for c, o, n in zip(cols, old, new) if o != n}


def _locked_reason(p: tuple, ix: dict) -> str:
    return (f"Diabaikan: periode {p[ix['period']]} satker {p[ix['unit_code']]} sudah disetujui dan dikunci di "
            "berkas ini.")


def _older_reason(c: tuple, p: tuple, ix: dict) -> str:
    return (f"Lebih lama: berkas ini sudah memegang versi {c[ix['row_version']]} baris ini dari satker yang sama "
            f"(paket membawa versi {p[ix['row_version']]}); nilai berkas ini dipertahankan.")


def _conflict_reason(c: tuple, p: tuple, ix: dict, in_history: bool) -> str:
    cv, pv = c[ix["row_version"]], p[ix["row_version"]]
    origin = c[ix["origin"]]
    source = {"local": "diubah di berkas ini", "import": "dimuat dari JSON", "seed": "data bawaan"}.get(
        origin, f"dari paket {origin[:12]}…")
    if in_history:
        return (f"Konflik: berkas ini memegang versi {cv} ({source}) yang tidak ada dalam riwayat paket "
                f"(versi paket {pv}, diubah dari versi {p[ix['base_version']]}); mungkin berkas satker "
                "dipulihkan dari cadangan lama. Pilih nilai yang dipertahankan.")
    return (f"Konflik: baris di berkas ini (versi {cv}, {source}) tidak berasal dari kunci satker yang sekarang "
            f"disematkan; versi paket {pv}. Pilih nilai yang dipertahankan.")


def change_action(field: str, new) -> str:
    """The audit action of a field change: the tombstone flag records a delete or a restore."""
    return ("delete" if new else "restore") if field == "deleted" else "update"


def row_json(cols, row) -> str:
    """A row as the merge_conflict table keeps it: column -> value, keys sorted."""
    return json.dumps(dict(zip(cols, row)), ensure_ascii=False, sort_keys=True)


def row_hash(cols, row) -> str:
    """Identity of one version of a row as a package carries it (origin left out)."""
    data = [v for c, v in zip(cols, row) if c != "origin"]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()
