"""What a merge did, package by package: counts per table and status, and a note per row that
was not simply applied (the CLI prints it, the merge dialog shows it)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..row_writer import Changes
from ..schema import TABLES

STATUSES = ("new", "updated", "unchanged", "conflicts", "ignored_locked", "rejected")
MAX_NOTES = 5000           # row notes kept per package (a hostile package could make 200 000)
STATUS_LABELS = {"new": "baru", "updated": "diubah", "unchanged": "tetap", "conflicts": "konflik",
                 "ignored_locked": "diabaikan (terkunci)", "rejected": "ditolak"}


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
    status: str                  # merged | would_merge | already_merged | older (brought nothing new) | rejected
    message: str
    unit: str | None = None
    sequence: int | None = None
    created_at: str | None = None
    package_digest: str | None = None
    fingerprint: str | None = None
    key_status: str | None = None            # pinned | new | mismatch
    tables: dict = field(default_factory=dict)   # table -> Counter of STATUSES
    notes: list = field(default_factory=list)
    out_of_order_after: int | None = None    # the higher sequence already merged from the unit and key
    notes_omitted: int = 0                   # row notes beyond MAX_NOTES (counted in the tables, not listed)
    key_shared_with: list = field(default_factory=list)   # other units pinned to the same (new) key

    def add_notes(self, notes: list) -> None:
        """Keep at most MAX_NOTES row notes in memory; the counts per table stay exact."""
        room = max(MAX_NOTES - len(self.notes), 0)
        self.notes.extend(notes[:room])
        self.notes_omitted += max(len(notes) - room, 0)

    @property
    def needs_attention(self) -> bool:
        """Refused, or merged out of order with data: something a person must look at."""
        return self.status == "rejected" or (self.out_of_order_after is not None and self.status != "older")

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
            "out_of_order_after": self.out_of_order_after, "needs_attention": self.needs_attention,
            "key_shared_with": self.key_shared_with, "rows_not_listed": self.notes_omitted,
            "totals": dict(self.totals()),
            "tables": {t: {s: c[s] for s in STATUSES} for t, c in self.tables.items()},
            "rows": [n.as_dict() for n in self.notes],
        }


@dataclass
class MergeReport:
    """The outcome of one merge (or dry run): a result per package, in the order given."""
    dry_run: bool
    results: list[PackageResult]
    backup: Path | None = None
    changes: Changes = field(default_factory=Changes)    # what the merge changed (none for a dry run)

    @property
    def ok(self) -> bool:
        """Nothing refused and nothing merged out of order (the CLI exits 1 otherwise)."""
        return not any(r.needs_attention for r in self.results)

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "backup": str(self.backup) if self.backup else None,
                "packages": [r.as_dict() for r in self.results]}


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
