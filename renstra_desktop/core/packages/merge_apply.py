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

Rows of a period closed in this file (write_rules.PeriodStatus, as it stood before the package) are
ignored-locked.  Every applied change is written
to the audit trail with origin = the package digest.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from operator import itemgetter
from typing import Callable

from ..plan_profile import plan_years
from .merge_report import STATUSES, PackageResult, RowNote, row_label
from .package import PackageReader
from .package_format import PackageError
from ..rows import utc_now
from ..schema import TABLES
from ..row_writer import Changes, KeyTaken, RowsRefused
from ..write_rules import ownership_refusal


class PackageApplier:
    """Classify the rows of one verified package and write them through the door's row-write
    primitive, as the package's unit, inside the caller's transaction.  ``changes``: see
    :meth:`.row_writer.Changes.wholes`; ``years`` and ``schema_version``: the file's, when the
    caller knows them already."""

    def __init__(self, service, reader: PackageReader, changes: Changes | None = None,
                 years: tuple | None = None, schema_version: int | None = None):
        self.store = service.store
        self.conn = self.store.conn
        self.reader = reader
        self.actor = service.actor
        self.digest = reader.package_digest
        self.unit = reader.unit
        self.writer = service.writer(unit=reader.unit, origin=self.digest)
        if changes is not None:      # what the whole merge changed so far: see Changes.wholes
            self.writer.changes = changes
        # The periods closed before this package: a unit's package carries its submission (diajukan)
        # with the values submitted, which must land although the event closes the period.
        self.writer.status.read_now(reader.unit)
        self.cur = self.conn.cursor()
        self.cur.row_factory = None
        self.years = years or plan_years(self.conn)     # the span the package's years and periods must lie in
        self.schema_version = schema_version or self.store.schema_version
        self.lineage = {r[0] for r in self.cur.execute(
            "SELECT package_digest FROM package_batch WHERE unit_code = ? AND key_fingerprint = ?",
            (self.unit, reader.fingerprint))}
        self.decided = {(t, r, h) for t, r, h in self.cur.execute(
            "SELECT table_name, row_id, incoming_hash FROM merge_conflict WHERE unit_code = ? "
            "AND status = 'kept_consolidated'", (self.unit,))}
        self.conflicts: list[tuple] = []   # (table, row_id, reason, consolidated json, incoming json, hash)

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
                self._chunk(table, cols, chunk, self.reader.invalid_in(table, cols, chunk, self.years), notes, counts)
                result.add_notes(notes)
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
        """Classify and write one chunk.  When the file holds no row yet of the units the chunk is
        about (a unit's first package), its rows are written as new without reading the file for
        them first; should one be there after all (a key or id taken), that attempt writes nothing
        (the write refuses the whole batch) and the chunk is classified against the rows the file holds."""
        if self._fresh(table, cols, rows):
            tried, tally = [], Counter()
            try:        # the one write it makes raises before writing anything (partial=False)
                self._classify(table, cols, rows, invalid, tried, tally, {}, fresh=True)
            except (KeyTaken, RowsRefused):
                pass
            else:
                notes += tried
                counts.update(tally)
                return
        existing = self.writer.existing(table, cols, (r[0] for r in rows))
        self._classify(table, cols, rows, invalid, notes, counts, existing)

    def _fresh(self, table: str, cols: tuple, rows: list[tuple]) -> bool:
        """Whether the file holds no row about the units of ``rows`` in ``table`` (by its unit index)."""
        if "unit_code" not in cols:
            return False
        i = cols.index("unit_code")
        units = list({r[i] for r in rows})
        return self.cur.execute(f"SELECT 1 FROM {table} WHERE unit_code IN ({', '.join('?' * len(units))}) LIMIT 1",
                                units).fetchone() is None

    def _classify(self, table: str, cols: tuple, rows: list[tuple], invalid: dict, notes: list,
                  counts: Counter, existing: dict, *, fresh: bool = False) -> None:
        """Classify ``rows`` against the file's rows ``existing`` (id -> row) and write them; when
        ``fresh`` (:meth:`_fresh`: ``existing`` not read) a row the write refuses, or the file turns
        out to hold, raises KeyTaken or RowsRefused instead of being listed."""
        spec = TABLES[table]
        ix = {c: i for i, c in enumerate(cols)}
        content_cols = spec.columns + ("deleted",)
        content_of = itemgetter(*(ix[c] for c in content_cols))
        key_of = itemgetter(*(ix[c] for c in spec.key)) if spec.key else (lambda r: None)
        meta_of = itemgetter(*(ix[c] for c in _VERSION_COLUMNS))
        i_owner, i_origin, i_rv, i_base = ix["owner_unit"], ix["origin"], ix["row_version"], ix["base_version"]
        i_updated = ix["updated_at"]
        locked = self._lock_check(table, ix)
        i_unit = ix.get("unit_code")
        inserts, updates, refreshed = [], [], set()
        every_new = not existing and not invalid and locked is _NEVER_LOCKED    # a unit's first package
        if every_new:
            inserts = list(rows)
        for p in () if every_new else rows:
            rid = p[0]
            if rid in invalid:
                notes.append(RowNote(table, rid, "rejected", invalid[rid]))
                counts["rejected"] += 1
                continue
            c = existing.get(rid)
            if c is None:
                if locked(p):
                    notes.append(RowNote(table, rid, "ignored_locked", self._locked_reason(table, p, ix)))
                    counts["ignored_locked"] += 1
                else:
                    inserts.append(p)
                continue
            if c[i_owner] != p[i_owner]:
                why = ownership_refusal(spec, self.unit, c[i_owner], c[i_unit] if i_unit is not None else None)
                notes.append(RowNote(table, rid, "rejected", f"Ditolak: {why} Satu baris hanya punya satu penulis."))
                counts["rejected"] += 1
                continue
            if content_of(c) == content_of(p):
                if meta_of(c) != meta_of(p) and p[i_rv] > c[i_rv]:
                    updates.append(p)        # same values, a newer version: keep the unit's version numbers
                    refreshed.add(rid)
                counts["unchanged"] += 1
                continue
            if locked(p):
                notes.append(RowNote(table, rid, "ignored_locked", self._locked_reason(table, p, ix),
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
                updates.append(p)
                counts["updated"] += 1
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
        # The door's primitive writes them: ownership and period checked again, the package's own
        # versions kept, origin = the package digest, audit entries per row and changed field.
        refused = self.writer.write(table, cols, inserts, old={}, versions="carry", partial=not fresh, own_buckets=True,
                                    ahead=self.reader.ahead_for(table, rows))
        refused += self.writer.write(table, cols, updates, old=existing, versions="carry", partial=True)
        counts["new"] += len(inserts)
        for r in refused:        # what the classification let through and the primitive did not
            status = "ignored_locked" if r.kind == "period" else "rejected"
            reason = r.reason if r.reason.startswith("Ditolak") or status != "rejected" else f"Ditolak: {r.reason}"
            notes.append(RowNote(table, r.row_id, status, reason))
            counts[status] += 1
            counts["unchanged" if r.row_id in refreshed else "updated" if r.row_id in existing else "new"] -= 1
        if notes:
            by_id = {r[0]: r for r in rows}
            for note in notes:
                note.label = row_label(table, dict(zip(cols, by_id[note.row_id])))

    def _check_columns(self, table: str, cols: tuple) -> None:
        key = (table, self.schema_version)
        if key not in _COLUMNS:
            _COLUMNS[key] = tuple(r[1] for r in self.cur.execute(f"PRAGMA table_info({table})"))
        if _COLUMNS[key] != cols:
            raise PackageError(f"Kolom tabel {TABLES[table].label} di paket berbeda dengan berkas ini. "
                               "Perbarui aplikasi di kedua tempat ke versi yang sama.")

    def _lock_check(self, table: str, ix: dict) -> Callable[[tuple], bool]:
        """Rows of a period closed in this file (the one rule: write_rules.PeriodStatus) are ignored."""
        spec, status = TABLES[table], self.writer.status
        if spec.period_field is None or not status.locks:
            return _NEVER_LOCKED
        i_unit, i_period = ix.get("unit_code"), ix[spec.period_field]
        return lambda p: status.closed_period(p[i_unit] if i_unit is not None else None, p[i_period]) is not None

    def _locked_reason(self, table: str, p: tuple, ix: dict) -> str:
        """Why a row of a closed period is ignored: the status, who set it, when (write_rules)."""
        status, unit = self.writer.status, p[ix["unit_code"]]
        closed = status.closed_period(unit, p[ix[TABLES[table].period_field]])
        return "Diabaikan: " + status.refusal(unit, closed)


def _NEVER_LOCKED(p: tuple) -> bool:
    """:meth:`PackageApplier._lock_check` of a table no closed period applies to."""
    return False


# Columns of the plan tables per schema version (every file of one version has the same).
_COLUMNS: dict[tuple[str, int], tuple] = {}

# Version metadata a package row carries besides its values; refreshed when only these differ.
_VERSION_COLUMNS = ("created_at", "updated_at", "updated_by", "row_version", "base_version")


def _diff(cols, old, new) -> dict:
    return {c: (o, n) for c, o, n in zip(cols, old, new) if o != n}


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


def row_json(cols, row) -> str:
    """A row as the merge_conflict table keeps it: column -> value, keys sorted."""
    return json.dumps(dict(zip(cols, row)), ensure_ascii=False, sort_keys=True)


def row_hash(cols, row) -> str:
    """Identity of one version of a row as a package carries it (origin left out)."""
    data = [v for c, v in zip(cols, row) if c != "origin"]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()
