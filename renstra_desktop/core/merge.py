"""Merge unit packages into a plan file: verify → dry run → apply, one transaction per package
(docs/packages.md, DESIGN.md principle 5).

Versions and conflicts.  Rows have exactly one writer, so a unit's history of a row is linear and
its packages carry the row's own ``row_version``/``base_version``.  The merging file keeps those
numbers and, in ``origin``, the digest of the package each row came from.  A consolidated row is
*in the package's history* when it came from an earlier package of the same unit signed by the
same key (``package_batch``), or is the common seeded row (origin 'seed', version 1).  Then:

- same values → unchanged (when only the version differs, e.g. a value changed and changed back,
  the row takes the package's version numbers and origin; no value changes, so no audit entry);
- in the history and ``consolidated.row_version <= package.base_version`` → updated;
- otherwise → conflict: the file holds a version the package's unit never saw (a restored old
  unit file, a re-pinned unit, a local change or import).  Both values are listed, the row is
  left as it is, and a user keeps one side later (:func:`resolve_conflict`).

A package older than one already merged from the same unit and key changes nothing; re-merging a
package changes nothing.  Realisations of a period locked in this file are ignored-locked.  Every
applied change is written to the audit trail with origin = the package digest.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import sqlite3
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable

from .audit import write_audit, write_audit_inserted, write_audit_many
from .errors import FileError, RenstraError, ValidationError
from .keys import current_pin, pin_key
from .package import PackageReader
from .package_format import PackageError
from .rows import utc_now
from .schema import TABLES
from .store import Store

STATUSES = ("new", "updated", "unchanged", "conflicts", "ignored_locked", "rejected")
STATUS_LABELS = {"new": "baru", "updated": "diubah", "unchanged": "tetap", "conflicts": "konflik",
                 "ignored_locked": "diabaikan (terkunci)", "rejected": "ditolak"}
TRUSTED_BY_FLAG = "disematkan otomatis (--trust-new-keys)"
BATCH_MEMORY = 256 * 1024 * 1024     # packages kept in memory between the key check and their merge


class KeysNotPinned(RenstraError):
    """Packages signed by keys not yet pinned; nothing was merged.  ``keys``: [(unit, fingerprint, file)]."""

    def __init__(self, keys: list[tuple[str, str, str]]):
        lines = "\n".join(f"  {unit}: sidik jari {fp} ({name})" for unit, fp, name in keys)
        super().__init__(
            "Paket ditandatangani kunci yang belum disematkan; tidak ada yang digabungkan.\n"
            f"{lines}\nKonfirmasi sidik jari itu melalui telepon dengan satkernya, lalu sematkan "
            "(renstra-desktop keys pin BERKAS SATKER SIDIK-JARI) atau ulangi dengan --trust-new-keys.")
        self.keys = keys


class KeyMismatch(PackageError):
    """The package is signed by another key than the one pinned for its unit."""


@dataclass
class RowNote:
    """A row that was not simply applied: a conflict, an ignored-locked or a rejected row."""
    table: str
    row_id: str
    status: str
    reason: str
    fields: dict = field(default_factory=dict)     # field -> (consolidated value, package value)
    label: str = ""                                # the row as people name it: "LPS-LOBAR · IKK 17.1 · 2026-05"

    def as_dict(self) -> dict:
        return {"table": self.table, "row_id": self.row_id, "label": self.label, "status": self.status,
                "reason": self.reason, "fields": {k: list(v) for k, v in self.fields.items()}}


@dataclass
class PackageResult:
    """What one package did (or would do, in a dry run)."""
    path: Path
    status: str                  # merged | would_merge | already_merged | older | rejected
    message: str
    unit: str | None = None
    sequence: int | None = None
    created_at: str | None = None
    package_digest: str | None = None
    fingerprint: str | None = None
    key_status: str | None = None            # pinned | new | mismatch
    tables: dict = field(default_factory=dict)   # table -> Counter of STATUSES
    notes: list = field(default_factory=list)

    def totals(self) -> Counter:
        total = Counter({s: 0 for s in STATUSES})
        for counts in self.tables.values():
            total.update(counts)
        return total

    def as_dict(self) -> dict:
        return {
            "file": str(self.path), "status": self.status, "message": self.message, "unit": self.unit,
            "sequence": self.sequence, "created_at": self.created_at, "package_digest": self.package_digest,
            "fingerprint": self.fingerprint, "key_status": self.key_status,
            "totals": dict(self.totals()),
            "tables": {t: {s: c[s] for s in STATUSES} for t, c in self.tables.items()},
            "rows": [n.as_dict() for n in self.notes],
        }


@dataclass
class MergeReport:
    dry_run: bool
    results: list[PackageResult]
    backup: Path | None = None

    @property
    def ok(self) -> bool:
        return all(r.status != "rejected" for r in self.results)

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "backup": str(self.backup) if self.backup else None,
                "packages": [r.as_dict() for r in self.results]}


class _DryRun(Exception):
    """Raised inside the outer transaction of a dry run to roll everything back."""


# -- the merge ------------------------------------------------------------------------------------
def merge_packages(store: Store, paths: Iterable[str | os.PathLike], *, actor: str, dry_run: bool = False,
                   trust_new_keys: bool = False,
                   progress: Callable[[int, int, str], None] | None = None) -> MergeReport:
    """Merge packages into ``store`` in the order given.

    Unless ``dry_run`` or ``trust_new_keys``, every package is opened and its signature checked
    first, and a key not yet pinned stops the merge before anything is written
    (:class:`KeysNotPinned`).  Each package is then verified completely and applied in its own
    transaction; the file is copied to a timestamped backup before the first one.  A dry run does
    the same inside one transaction that is rolled back, so its summary is exactly what would
    happen.  Runs in the calling thread (the window runs it in a worker with its own Store); a
    helper thread verifies the next package while the current one commits.
    """
    if store.readonly:
        raise FileError(f"Berkas {store.path.name} dibuka hanya-baca; paket tidak dapat digabungkan ke dalamnya.")
    paths = [Path(p) for p in paths]
    results: list[PackageResult | None] = [None] * len(paths)
    readers: list[PackageReader | None] = [None] * len(paths)
    report = MergeReport(dry_run, results)
    try:
        if not (dry_run or trust_new_keys):
            _check_keys_first(store, paths, readers, results)
        if dry_run:
            try:
                with store.atomic():
                    _merge_all(store, paths, readers, results, actor, True, trust_new_keys, report, progress)
                    raise _DryRun
            except _DryRun:
                pass
        else:
            _merge_all(store, paths, readers, results, actor, False, trust_new_keys, report, progress)
    finally:
        for reader in readers:
            if reader is not None:
                reader.close()
    return report


def _check_keys_first(store: Store, paths: list[Path], readers: list, results: list) -> None:
    """Open every package (signature checked) and stop before any write if a key is unknown."""
    unknown, kept = [], 0
    for i, path in enumerate(paths):
        try:
            reader = readers[i] = PackageReader.open(path)
            kept += reader.size
            reader.suspend(release=kept > BATCH_MEMORY)
            if _admit(store, reader) == "new":
                unknown.append((reader.unit, reader.fingerprint, path.name))
        except RenstraError as exc:
            results[i] = _rejected(path, readers[i], exc)
    if unknown:
        raise KeysNotPinned(list(dict.fromkeys(unknown)))


def _admit(store: Store, reader: PackageReader) -> str:
    """Refuse a package this file does not take or signed by another key than the pinned one;
    return its key status (pinned or new)."""
    _check_acceptable(store, reader)
    status = _key_status(store.conn, reader)
    if status == "mismatch":
        raise KeyMismatch(_mismatch_message(store.conn, reader))
    return status


@dataclass
class _Prepared:
    """A package opened and verified off the store's thread (it touches no plan file)."""
    reader: PackageReader | None
    verified: tuple | None = None
    error: RenstraError | None = None


def _prepare(path: Path, reader: PackageReader | None) -> _Prepared:
    try:
        reader = reader or PackageReader.open(path)
        return _Prepared(reader, _verified(reader))
    except RenstraError as exc:
        return _Prepared(reader, None, exc)


def _merge_all(store, paths, readers, results, actor, dry_run, trust_new_keys, report, progress) -> None:
    """Merge the packages in order, freeing each one's memory as soon as it is done.

    While a package's COMMIT waits for the disk (the thread holds no GIL then), a helper thread
    opens and verifies the next package; it runs only during commits, so the two threads do not
    compete, and each reader is used by one thread at a time."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="verifikasi-paket") as pool:
        ahead: dict[int, Future] = {}

        def prepare_next(i: int) -> None:
            j = i + 1
            if j < len(paths) and results[j] is None and j not in ahead:
                ahead[j] = pool.submit(_prepare, paths[j], readers[j])

        for i, path in enumerate(paths):
            if results[i] is None:
                admitted = readers[i] is not None          # went through _check_keys_first
                future = ahead.pop(i, None)
                prepared = future.result() if future is not None else None
                try:
                    if prepared is not None:
                        readers[i] = prepared.reader
                        if prepared.reader is None:
                            raise prepared.error
                    elif readers[i] is None:
                        readers[i] = PackageReader.open(path)
                    if not admitted:
                        _admit(store, readers[i])
                    verified = (lambda p=prepared: _unwrap(p)) if prepared else (lambda r=readers[i]: _verified(r))
                    before_commit = (lambda: None) if dry_run else (lambda i=i: prepare_next(i))
                    results[i] = _merge_one(store, readers[i], actor, dry_run, trust_new_keys, report, verified,
                                            before_commit)
                except RenstraError as exc:
                    results[i] = _rejected(path, readers[i], exc)
            _close(readers, i)
            if progress is not None:
                progress(i + 1, len(paths), path.name)


def _unwrap(prepared: _Prepared):
    if prepared.error is not None:
        raise prepared.error
    return prepared.verified


def _rejected(path: Path, reader: PackageReader | None, exc: RenstraError) -> PackageResult:
    result = PackageResult(path, "rejected", exc.message, key_status="mismatch" if isinstance(exc, KeyMismatch) else None)
    if reader is not None and reader.manifest:
        result.unit, result.sequence = reader.unit, reader.sequence
        result.created_at, result.package_digest = reader.manifest["created_at"], reader.package_digest
        result.fingerprint = reader.fingerprint
    return result


def _verified(reader: PackageReader):
    """The second half of verification: integrity, counts, digest, owners, value rules."""
    content = reader.read_content()
    return content, {t: reader.invalid_rows(t) for t in content.tables}


def _close(readers, i):
    """Free a package's memory copy as soon as it is merged (a batch may hold hundreds)."""
    if readers[i] is not None:
        readers[i].close()
        readers[i] = None


def _check_acceptable(store: Store, reader: PackageReader) -> None:
    """Which packages this file takes: the Kanwil takes every listed unit's, a unit only the Kanwil's."""
    own, unit = store.unit_code, reader.unit
    if unit == own:
        raise PackageError(f"Paket {reader.path.name} berasal dari satker berkas ini sendiri ({own}); "
                           "tidak ada yang perlu digabungkan.")
    if own != "KANWIL" and unit != "KANWIL":
        raise PackageError(f"Berkas satker {own} hanya menerima paket dari Kantor Wilayah, bukan dari {unit}.")
    if not store.conn.execute("SELECT 1 FROM unit WHERE code = ? AND deleted = 0", (unit,)).fetchone():
        raise PackageError(f"Satker {unit} (paket {reader.path.name}) tidak ada di direktori satker berkas ini. "
                           "Tambahkan satker itu di direktori lalu gabungkan lagi.")


def _key_status(conn, reader: PackageReader) -> str:
    pin = current_pin(conn, reader.unit)
    if pin is None:
        return "new"
    return "pinned" if pin["fingerprint"] == reader.fingerprint else "mismatch"


def _mismatch_message(conn, reader: PackageReader) -> str:
    pin = current_pin(conn, reader.unit)
    return (f"Paket {reader.path.name} dari satker {reader.unit} ditandatangani kunci lain (sidik jari "
            f"{reader.fingerprint}), bukan kunci yang disematkan ({pin['fingerprint']}). Paket ditolak. Bila "
            "satker itu memang memasang ulang aplikasi, konfirmasi sidik jari barunya melalui telepon lalu "
            "sematkan ulang dengan alasan.")


def _backup(store: Store) -> Path:
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = store.path.with_name(f"{store.path.name}.cadangan-gabung-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = store.path.with_name(f"{store.path.name}.cadangan-gabung-{stamp}-{n}")
    return store.save_copy(target)


def _merge_one(store: Store, reader: PackageReader, actor: str, dry_run: bool, trust_new_keys: bool,
               report: MergeReport, verified: Callable, before_commit: Callable) -> PackageResult:
    m = reader.manifest
    result = PackageResult(reader.path, "rejected", "", reader.unit, reader.sequence, m["created_at"],
                           reader.package_digest, reader.fingerprint)
    try:
        if (skipped := _skip_reason(store.conn, reader)) is not None:
            result.status, result.message = skipped
            if result.status == "already_merged":
                result.tables = {t: Counter({s: 0 for s in STATUSES} | {"unchanged": n})
                                 for t, n in m["row_counts"].items() if n}
            return result
        content, invalid = verified()
        if not dry_run and report.backup is None:
            report.backup = _backup(store)
        with store.atomic():
            # Checked again inside the transaction: another package of the same unit may have come first.
            if (skipped := _skip_reason(store.conn, reader)) is not None:
                result.status, result.message = skipped
                return result
            result.key_status = _key_status(store.conn, reader)
            if result.key_status == "mismatch":
                raise KeyMismatch(_mismatch_message(store.conn, reader))
            if result.key_status == "new":
                if trust_new_keys or dry_run:
                    pin_key(store, reader.unit, reader.fingerprint, actor=actor, public_key=reader.public_key,
                            reason=TRUSTED_BY_FLAG if trust_new_keys else "uji coba")
                else:   # pinned by nobody since the first check: refuse rather than trust silently
                    raise PackageError(f"Kunci satker {reader.unit} belum disematkan (sidik jari {reader.fingerprint}).")
            _Applier(store, reader, actor).run(content, invalid, result)
            before_commit()
        result.status = "would_merge" if dry_run else "merged"
        t = result.totals()
        result.message = (f"{'Akan digabung' if dry_run else 'Digabung'}: {t['new']} baru, {t['updated']} diubah, "
                          f"{t['unchanged']} tetap, {t['conflicts']} konflik, {t['ignored_locked']} diabaikan "
                          f"(periode terkunci), {t['rejected']} ditolak.")
    except RenstraError as exc:
        result.status, result.message = "rejected", exc.message
        result.tables, result.notes = {}, []
        result.key_status = "mismatch" if isinstance(exc, KeyMismatch) else result.key_status
    return result


def _skip_reason(conn, reader: PackageReader) -> tuple[str, str] | None:
    done = conn.execute("SELECT merged_at, merged_by FROM package_batch WHERE package_digest = ?",
                        (reader.package_digest,)).fetchone()
    if done:
        return ("already_merged", f"Paket ini sudah digabungkan pada {done['merged_at'][:19].replace('T', ' ')} UTC "
                                  f"oleh {done['merged_by']}; tidak ada yang diubah.")
    last = conn.execute("SELECT max(sequence) FROM package_batch WHERE unit_code = ? AND key_fingerprint = ?",
                        (reader.unit, reader.fingerprint)).fetchone()[0]
    if last is not None and reader.sequence <= last:
        return ("older", f"Paket urutan {reader.sequence} dari satker {reader.unit} lebih lama daripada paket "
                         f"urutan {last} yang sudah digabungkan; tidak ada yang diubah.")
    return None


class _Applier:
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
        self.conflicts: list[tuple[str, RowNote, tuple, tuple, tuple]] = []
        self.audit: list[tuple] = []      # (table, row_id, action, field, old, new), written at the end

    def run(self, content, invalid: dict, result: PackageResult) -> None:
        for table, (cols, rows) in content.tables.items():
            if rows:
                result.tables[table] = self._table(table, cols, rows, invalid.get(table, {}), result.notes)
        batch = self.cur.execute(
            "INSERT INTO package_batch (package_digest, content_digest, unit_code, key_fingerprint, sequence, "
            "created_at, schema_version, app_version, file_name, merged_at, merged_by, counts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.digest, self.reader.manifest["content_digest"], self.unit, self.reader.fingerprint,
             self.reader.sequence, self.reader.manifest["created_at"], self.reader.schema_version,
             self.reader.manifest["app_version"], self.reader.path.name, utc_now(), self.actor,
             json.dumps({t: dict(c) for t, c in result.tables.items()}, sort_keys=True))).lastrowid
        for table, note, cols, old, new in self.conflicts:
            self.cur.execute("UPDATE merge_conflict SET status = 'superseded' WHERE table_name = ? AND row_id = ? "
                             "AND status = 'open'", (table, note.row_id))
            self.cur.execute(
                "INSERT INTO merge_conflict (batch_seq, package_digest, unit_code, table_name, row_id, reason, "
                "consolidated, incoming, incoming_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (batch, self.digest, self.unit, table, note.row_id, note.reason, _row_json(cols, old),
                 _row_json(cols, new), row_hash(cols, new)))
        write_audit_many(self.conn, self.audit, actor=self.actor, unit_code=self.unit, origin=self.digest)

    def _table(self, table: str, cols: tuple, rows: list[tuple], invalid: dict, notes: list) -> Counter:
        self._check_columns(table, cols)
        spec = TABLES[table]
        ix = {c: i for i, c in enumerate(cols)}
        content_cols = spec.columns + ("deleted",)
        content_of = itemgetter(*(ix[c] for c in content_cols))
        key_of = itemgetter(*(ix[c] for c in spec.key)) if spec.key else (lambda r: None)
        meta_of = itemgetter(*(ix[c] for c in _VERSION_COLUMNS))
        i_owner, i_origin, i_rv, i_base = ix["owner_unit"], ix["origin"], ix["row_version"], ix["base_version"]
        locked = self._lock_check(table, ix)
        existing = {r[0]: r for r in self.cur.execute(
            f"SELECT {', '.join(cols)} FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([r[0] for r in rows]),))}
        counts = Counter({s: 0 for s in STATUSES})
        first_note = len(notes)
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
                if meta_of(c) != meta_of(p):
                    refreshes.append(p)      # same values, another version: keep the unit's version numbers
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
            if (table, rid, row_hash(cols, p)) in self.decided:
                notes.append(RowNote(table, rid, "unchanged", "Versi paket ini sudah diputuskan sebelumnya: "
                                                              "nilai di berkas ini dipertahankan."))
                counts["unchanged"] += 1
                continue
            note = RowNote(table, rid, "conflicts", _conflict_reason(c, p, ix, in_history),
                           _diff(content_cols, content_of(c), content_of(p)))
            notes.append(note)
            self.conflicts.append((table, note, cols, c, p))
            counts["conflicts"] += 1
        counts["new"] = self._insert(table, cols, inserts, notes, counts)
        if len(notes) > first_note:
            by_id = {r[0]: r for r in rows}
            for note in notes[first_note:]:
                note.label = row_label(table, dict(zip(cols, by_id[note.row_id])))
        self._update(table, cols, content_cols, updates)
        counts["updated"] = len(updates)
        if refreshes:
            self.cur.executemany(
                f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in _VERSION_COLUMNS)}, origin = ? WHERE id = ?",
                [meta_of(p) + (self.digest, p[0]) for p in refreshes])
        return counts

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
                             origin=self.digest)
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
                    action = ("delete" if p[i] else "restore") if name == "deleted" else "update"
                    self.audit.append((table, p[0], action, name, c[i], p[i]))


# Columns of the plan tables per schema version (every file of one version has the same).
_COLUMNS: dict[tuple[str, int], tuple] = {}

# Version metadata a package row carries besides its values; refreshed when only these differ.
_VERSION_COLUMNS = ("created_at", "updated_at", "updated_by", "row_version", "base_version")


def row_label(table: str, values: dict) -> str:
    """A row as people name it: its natural key, or unit, area/aspect and number."""
    spec = TABLES[table]
    if spec.key:
        parts = [values.get(k) for k in spec.key]
    elif table == "risk":
        parts = [values.get("unit_code"), values.get("area"), f"no. {values.get('seq')}"]
    elif table == "roadmap_item":
        parts = [values.get("unit_code"), values.get("aspect"), values.get("year"), f"no. {values.get('seq')}"]
    else:
        parts = [values.get("id")]
    return " · ".join(str(p) for p in parts if p is not None)


def _diff(cols, old, new) -> dict:
    return {c: (o, n) for c, o, n in zip(cols, old, new) if o != n}


def _locked_reason(p: tuple, ix: dict) -> str:
    return (f"Diabaikan: periode {p[ix['period']]} satker {p[ix['unit_code']]} sudah disetujui dan dikunci di "
            "berkas ini.")


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


def _row_json(cols, row) -> str:
    return json.dumps(dict(zip(cols, row)), ensure_ascii=False, sort_keys=True)


def row_hash(cols, row) -> str:
    """Identity of one version of a row as a package carries it (origin left out)."""
    data = [v for c, v in zip(cols, row) if c != "origin"]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


# -- conflicts ------------------------------------------------------------------------------------
def open_conflicts(conn) -> list[dict]:
    rows = []
    for r in conn.execute("SELECT * FROM merge_conflict WHERE status = 'open' ORDER BY id"):
        d = dict(r)
        d["consolidated"] = json.loads(d["consolidated"])
        d["incoming"] = json.loads(d["incoming"])
        spec = TABLES[d["table_name"]]
        d["fields"] = {c: (d["consolidated"].get(c), d["incoming"].get(c))
                       for c in spec.columns + ("deleted",) if d["consolidated"].get(c) != d["incoming"].get(c)}
        d["label"] = row_label(d["table_name"], d["incoming"])
        rows.append(d)
    return rows


def resolve_conflict(store: Store, conflict_id: int, keep: str, *, actor: str) -> None:
    """Keep the ``package`` value or the ``consolidated`` one; the choice goes to merge_conflict
    and the audit trail.  Refused when the row changed since the conflict was recorded."""
    if keep not in ("package", "consolidated"):
        raise ValidationError("Pilihan harus “package” (nilai paket) atau “consolidated” (nilai berkas ini).")
    conn = store.conn
    with store.atomic():
        row = conn.execute("SELECT * FROM merge_conflict WHERE id = ?", (conflict_id,)).fetchone()
        if row is None or row["status"] != "open":
            raise ValidationError(f"Konflik {conflict_id} tidak ada atau sudah diputuskan.")
        table, rid = row["table_name"], row["row_id"]
        old, new = json.loads(row["consolidated"]), json.loads(row["incoming"])
        current = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (rid,)).fetchone()
        if current is None or _row_json(current.keys(), tuple(current)) != row["consolidated"]:
            raise ValidationError("Baris ini sudah berubah sejak konflik dicatat. Gabungkan ulang paketnya untuk "
                                  "melihat keadaan terbaru.")
        spec = TABLES[table]
        if keep == "package":
            new["origin"] = row["package_digest"]
            cols = [c for c in current.keys() if c != "id"]
            conn.execute(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                         (*[new[c] for c in cols], rid))
            for c in spec.columns + ("deleted",):
                if old[c] != new[c]:
                    action = ("delete" if new[c] else "restore") if c == "deleted" else "update"
                    write_audit(conn, actor=actor, unit_code=row["unit_code"], table=table, row_id=rid,
                                action=action, field=c, old=old[c], new=new[c], origin=row["package_digest"])
        else:
            write_audit(conn, actor=actor, unit_code=row["unit_code"], table=table, row_id=rid, action="update",
                        field="konflik", old=row["incoming"], new="nilai berkas ini dipertahankan",
                        origin=row["package_digest"])
        conn.execute("UPDATE merge_conflict SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?",
                     ("kept_package" if keep == "package" else "kept_consolidated", utc_now(), actor, conflict_id))


# -- what came in -------------------------------------------------------------------------------
def received_packages(conn) -> list[dict]:
    """The last package merged from each unit: date, sequence, key, counts ("Paket masuk")."""
    out = []
    for r in conn.execute(
            "SELECT b.*, u.name AS unit_name FROM package_batch b LEFT JOIN unit u ON u.code = b.unit_code "
            "WHERE b.seq = (SELECT max(seq) FROM package_batch c WHERE c.unit_code = b.unit_code) "
            "ORDER BY u.seq, b.unit_code"):
        d = dict(r)
        counts = json.loads(d.pop("counts"))
        d["totals"] = {s: sum(c.get(s, 0) for c in counts.values()) for s in STATUSES}
        d["open_conflicts"] = conn.execute(
            "SELECT count(*) FROM merge_conflict WHERE unit_code = ? AND status = 'open'", (d["unit_code"],)
        ).fetchone()[0]
        out.append(d)
    return out
