"""The one door every change goes through (DESIGN.md principle 6; issue 9 section 1).

:class:`PlanService` is the core object every mutation of a plan file is a method of: cell edits,
pastes, inserts and deletes, loading the plan JSON, merging packages, deciding a merge conflict,
pinning a unit's key, the signature block of reports, the steps of the period workflow, importing a workbook.  Each method validates what
is its own to validate and writes its rows through the one row-write primitive
(:class:`.row_writer.RowWriter`), which enforces ownership and the period status, sets the row
versions, appends the audit trail and returns what changed (:class:`Changes`).  Each call is one
transaction: a refusal leaves the file untouched.  A table declared in schema.py gets all of this
without code here: its rows are written by the same primitive.

The module functions other code has long called (``plan_json.load_plan``, ``merge.merge_packages``,
``merge_conflicts.resolve_conflict``, ``keys.pin_key``, ``signature_block.save_signatory``) are thin
wrappers that open this door.  ``WRITERS`` names every writing method; a test shows each one refused
for an approved (closed) period and for another unit's rows.
"""
from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass

from .accounts import TABLE as ACCOUNT_TABLE
from .errors import NotFound, ValidationError
from .row_writer import Changes, RowWriter, columns_of, spec_of
from .rows import new_id, new_meta, stable_id
from .plan_profile import plan_years
from .schema import TABLES
from .roles import require
from .store import Store
from .validation import clean_value

__all__ = ["Changes", "Edit", "ImportRow", "PlanService", "WRITERS"]

WRITERS: list[str] = []
PERMISSION_OF: dict[str, str] = {}      # writer -> the permission the door requires (roles.require)


def writes(method=None, *, permission: str | None = None):
    """Mark a PlanService method as a write (the enumeration test walks WRITERS).  With
    ``permission`` the door checks it (:func:`.roles.require`) once per call: the outermost writing
    call checks, the writes it makes inside are its own.  Without, the method checks itself (with
    :func:`.roles.require` or :meth:`PlanService.allowed`: a writer whose permission depends on its
    arguments, a step of the period workflow), and the door's writes inside it are not checked again."""
    if method is None:
        return lambda m: writes(m, permission=permission)
    WRITERS.append(method.__name__)
    if permission is not None:
        PERMISSION_OF[method.__name__] = permission

    @functools.wraps(method)
    def checked(self, *args, **kwargs):
        with self.allowed(permission):
            return method(self, *args, **kwargs)
    return checked


def _not_accounts(table: str) -> None:
    """Accounts change only through :meth:`PlanService.save_account` (its admin rule and seal)."""
    if table == ACCOUNT_TABLE:
        raise ValidationError("Akun pengguna diubah lewat Pengaturan → Akun pengguna atau "
                              "renstra-desktop users, bukan sebagai baris biasa.")


@dataclass(frozen=True)
class ImportRow:
    """One row for :meth:`PlanService.import_rows`: ``row_id`` None adds a row (``values`` holds every
    field it has), otherwise ``values`` are the fields that change; ``based_on``, the row's version
    when the workbook was made: a row changed in the file since is refused, never overwritten."""
    table: str
    row_id: str | None
    values: dict
    based_on: int | None = None


class _RollBack(Exception):
    """Raised inside a transaction to roll a dry run back."""


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
        self._inside = False        # inside a checked writing call (allowed())
        self._step = False          # inside a period workflow step (workflow_step())

    @contextlib.contextmanager
    def allowed(self, permission: str | None):
        """Check ``permission`` for this actor (:func:`.roles.require`; None: the writer checks itself),
        then run the block as one writing call: the door's writes inside it are not checked again (a
        period lock inserts a row without the "enter" permission).  Used by :func:`writes`."""
        if self._inside:
            yield
            return
        if permission is not None:        # None: a writer that calls require() itself, inside the block
            require(self.store.conn, self.actor, permission)
        self._inside = True
        try:
            yield
        finally:
            self._inside = False

    @contextlib.contextmanager
    def workflow_step(self):
        """The block writes a period workflow step (:mod:`.period_workflow`, after its checks): the
        only local writer of ``period_event`` rows (row_writer refuses any other)."""
        self._step = True
        try:
            yield
        finally:
            self._step = False

    def writer(self, *, unit: str | None = None, origin: str = "local", restore: bool = False) -> RowWriter:
        """The row-write primitive for one operation of this door: as this installation's unit, or as
        ``unit`` whose verified package is being merged."""
        return RowWriter(self.store, actor=self.actor, unit=unit or self.unit_code, origin=origin, restore=restore,
                         step=self._step)

    # -- reads used by writers -------------------------------------------------------------
    def row(self, table: str, row_id: str) -> dict:
        spec_of(table)
        found = self.store.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if found is None:
            raise NotFound(f"Baris {row_id} tidak ditemukan di tabel {TABLES[table].label}.")
        return dict(found)

    # -- plan rows ---------------------------------------------------------------------------
    @writes(permission="enter")
    def insert(self, table: str, values: dict, *, row_id: str | None = None) -> tuple[str, Changes]:
        """Add a row owned by this installation's unit; returns its id and the changes.  A tombstoned
        row with the same natural key comes back (restored, then updated)."""
        spec = spec_of(table)
        _not_accounts(table)
        unknown = set(values) - set(spec.columns)
        years = plan_years(self.store.conn)
        clean = {f.name: clean_value(f, values.get(f.name), years=years) for f in spec.fields}
        if unknown:
            raise ValidationError(f"Kolom tidak dikenal: {', '.join(sorted(unknown))}.")
        if row_id is None:
            row_id = stable_id(table, *(clean[k] for k in spec.key)) if spec.key else new_id()
        with self.store.atomic():
            existing = self.store.conn.execute(f"SELECT deleted FROM {table} WHERE id = ?", (row_id,)).fetchone()
            if existing is not None:
                if existing["deleted"]:
                    changes = self.restore(table, row_id)
                    return row_id, changes.merge(self.update(table, row_id, values))
                raise ValidationError(f"{spec.label} dengan kunci yang sama sudah ada.")
            cols = columns_of(self.store.conn, table)
            row = {**new_meta(row_id, self.unit_code, self.actor, "local"), **clean}
            writer = self.writer()
            writer.write(table, cols, [tuple(row[c] for c in cols)], old={}, audit_values=True)
        return row_id, writer.changes

    @writes(permission="enter")
    def update(self, table: str, row_id: str, values: dict) -> Changes:
        """Change fields of one row.  Values may be typed text ("3,2"); unchanged fields are skipped."""
        return self.apply([Edit(table, row_id, k, v) for k, v in values.items()])

    @writes(permission="enter")
    def apply(self, edits: list[Edit]) -> Changes:
        """Apply many field edits all or nothing (a paste, an undo step)."""
        pending: dict[tuple[str, str], dict] = {}
        years = plan_years(self.store.conn)
        for edit in edits:
            spec = spec_of(edit.table)
            _not_accounts(edit.table)
            f = spec.field_map.get(edit.field)
            if f is None:
                raise ValidationError(f"Kolom “{edit.field}” tidak dikenal di {spec.label}.")
            pending.setdefault((edit.table, edit.row_id), {})[edit.field] = clean_value(f, edit.value, years=years)
        by_table: dict[str, dict[str, dict]] = {}
        for (table, row_id), values in pending.items():
            by_table.setdefault(table, {})[row_id] = values
        writer = self.writer()
        with self.store.atomic():
            for table, edited in by_table.items():
                self._write_fields(writer, table, edited)
        return writer.changes

    @writes(permission="enter")
    def delete(self, table: str, row_id: str) -> Changes:
        """Mark a row deleted (a tombstone); it stays in the file and travels in packages."""
        return self._set_deleted(table, row_id, 1)

    @writes(permission="enter")
    def restore(self, table: str, row_id: str) -> Changes:
        """Undo a delete."""
        return self._set_deleted(table, row_id, 0)

    def _write_fields(self, writer: RowWriter, table: str, edited: dict[str, dict], *,
                      edit_tombstones: bool = False, based_on: dict[str, int] | None = None) -> None:
        """Apply ``{row_id: {field: clean value}}`` to rows of ``table`` (unchanged ones skipped)."""
        cols = columns_of(self.store.conn, table)
        old = writer.existing(table, cols, edited)
        for row_id in edited:
            if row_id not in old:
                raise NotFound(f"Baris {row_id} tidak ditemukan di tabel {TABLES[table].label}.")
        ix = {c: i for i, c in enumerate(cols)}
        rows = []
        for row_id, values in edited.items():
            row = list(old[row_id])
            for name, value in values.items():
                row[ix[name]] = value
            if tuple(row) != old[row_id]:
                rows.append(tuple(row))
        writer.write(table, cols, rows, old=old, edit_tombstones=edit_tombstones, based_on=based_on)

    def _set_deleted(self, table: str, row_id: str, flag: int) -> Changes:
        _not_accounts(table)
        writer = self.writer()
        with self.store.atomic():
            self._write_fields(writer, table, {row_id: {"deleted": flag}}, edit_tombstones=True)
        return writer.changes

    # -- whole-plan and package writes: the logic lives in the named modules, their rows come here --
    @writes(permission="enter")
    def load_json(self, data, *, dry_run: bool = False, force: bool = False):
        """Load the plan JSON (docs/json-format.md) into this file: :func:`.plan_json.apply_plan`."""
        from .plan_json import apply_plan
        return apply_plan(self, data, dry_run=dry_run, force=force)

    @writes(permission="enter")
    def import_rows(self, rows: list["ImportRow"], *, dry_run: bool = False) -> Changes:
        """Write rows read from a workbook (:mod:`.excel.importer`) all or nothing, as this unit with
        origin 'import': a new row takes its natural key's id (a fresh one for a risk or roadmap item),
        an existing one changes the fields given (a tombstoned row with that key comes back) unless the file
        changed it after the version the workbook was made from.  Values
        are as typed in the cells; each is validated here again.  A dry run is rolled back."""
        writer = self.writer(origin="import")
        grouped: dict[str, list[ImportRow]] = {}
        for r in rows:
            grouped.setdefault(r.table, []).append(r)
        try:
            with self.store.atomic():
                for table, group in grouped.items():
                    spec, cols = spec_of(table), columns_of(self.store.conn, table)
                    inserts, edited, based_on = [], {}, {}
                    for r in group:
                        if r.row_id is None:
                            clean = {f.name: clean_value(f, r.values.get(f.name)) for f in spec.fields}
                            row_id = stable_id(table, *(clean[k] for k in spec.key)) if spec.key else new_id()
                            row = {**new_meta(row_id, self.unit_code, self.actor, "import"), **clean}
                            inserts.append(tuple(row[c] for c in cols))
                        else:
                            edited[r.row_id] = {**{name: clean_value(spec.field_map[name], value)
                                                   for name, value in r.values.items()}, "deleted": 0}
                            if r.based_on is not None:
                                based_on[r.row_id] = r.based_on
                    writer.write(table, cols, inserts, old={}, audit_values=True)
                    if edited:
                        self._write_fields(writer, table, edited, edit_tombstones=True, based_on=based_on)
                if dry_run:
                    raise _RollBack
        except _RollBack:
            return Changes()
        return writer.changes

    @writes(permission="merge")
    def merge_packages(self, paths, *, dry_run: bool = False, trust_new_keys: bool = False, progress=None):
        """Merge unit packages (docs/packages.md): :func:`.merge.merge_with`."""
        from .packages.merge import merge_with
        return merge_with(self, paths, dry_run=dry_run, trust_new_keys=trust_new_keys, progress=progress)

    @writes(permission="merge")
    def resolve_conflict(self, conflict_id: int, keep: str) -> Changes:
        """Keep the package's or this file's side of a merge conflict: :func:`.merge_conflicts.decide`."""
        from .packages.merge_conflicts import decide
        return decide(self, conflict_id, keep)

    @writes(permission="merge")
    def pin_key(self, unit_code: str, fingerprint: str, *, reason: str = "", public_key: bytes | None = None,
                allow_shared: bool = False) -> Changes:
        """Pin a unit's key by its fingerprint: :func:`.keys.pin_with`."""
        from .packages.keys import pin_with
        return pin_with(self, unit_code, fingerprint, reason=reason, public_key=public_key, allow_shared=allow_shared)

    @writes(permission="enter")
    def save_signatory(self, sig) -> Changes:
        """Store a unit's signature block of reports: :func:`.reports.signature_block.save_with`."""
        from .reports.signature_block import save_with
        return save_with(self, sig)

    @writes(permission="enter")
    def save_office(self, office: dict) -> Changes:
        """Set the office identity reports and the window show: :func:`.plan_profile.save_office_with`."""
        from .plan_profile import save_office_with
        return save_office_with(self, office)

    # -- the period workflow (issue 9 section 2): core/period_workflow.py ------------------------
    @writes
    def submit(self, unit_code: str, period: str, *, note: str | None = None) -> Changes:
        """The unit submits its period (diajukan), freezing the submitted values: :func:`.period_workflow.act`."""
        from .period_workflow import act
        return act(self, "submit", unit_code, period, note)

    @writes
    def return_(self, unit_code: str, period: str, *, note: str) -> Changes:
        """The Kanwil returns a submitted or verified period to the unit, with a note (dikembalikan)."""
        from .period_workflow import act
        return act(self, "return", unit_code, period, note)

    @writes
    def verify(self, unit_code: str, period: str, *, note: str | None = None) -> Changes:
        """The Kanwil's verifier verifies a submitted period (diverifikasi); not one who entered its values."""
        from .period_workflow import act
        return act(self, "verify", unit_code, period, note)

    @writes
    def approve(self, unit_code: str, period: str, *, note: str | None = None) -> Changes:
        """The Kanwil's head approves a verified period (disahkan): the period is closed."""
        from .period_workflow import act
        return act(self, "approve", unit_code, period, note)

    @writes
    def unlock(self, unit_code: str, period: str, *, reason: str) -> Changes:
        """The Kanwil reopens an approved period, with a reason recorded (dibuka)."""
        from .period_workflow import act
        return act(self, "unlock", unit_code, period, reason)

    @writes
    def save_account(self, name: str, *, create: bool = False, full_name: str | None = None, roles=None,
                     password: str | None = None, active: bool | None = None) -> Changes:
        """Add or change a local account (admin; or its own password; anyone for the first account,
        which turns accounts on): :func:`.accounts.save_with`."""
        from .accounts import save_with
        return save_with(self, name, create=create, full_name=full_name, roles=roles, password=password,
                         active=active)

    def upsert(self, writer: RowWriter, table: str, values: dict) -> None:
        """Insert or change the one row of ``table`` with ``values``' natural key (a key pin, a
        signature block): the door's own helper for rows identified by their key."""
        spec = spec_of(table)
        cols = columns_of(self.store.conn, table)
        found = self.store.conn.execute(f"SELECT id FROM {table} WHERE " + " AND ".join(f"{k} = ?" for k in spec.key),
                                        tuple(values[k] for k in spec.key)).fetchone()
        if found is None:
            row = {**new_meta(stable_id(table, *(values[k] for k in spec.key)), writer.unit, self.actor, writer.origin),
                   **{f.name: values.get(f.name) for f in spec.fields}}
            writer.write(table, cols, [tuple(row[c] for c in cols)], old={}, audit_values=True, own_buckets=True)
        else:
            self._write_fields(writer, table, {found[0]: values}, edit_tombstones=True)
