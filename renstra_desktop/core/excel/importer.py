"""Reading a plan workbook back (issue 12 section 1): ``import-xlsx FILE BOOK.xlsx [--dry-run]`` and
Berkas → Impor dari Excel….

A workbook made by the export (:mod:`.export`), a template (:mod:`.template`) or a plain table with
the same sheet names and headers is read sheet by sheet (:mod:`.layouts` says what each holds).
Only key and edit columns are read; names, computed values and formulas of show columns are not.
Every cell is validated as the window validates it (``core/validation.py``, Indonesian numbers from
``core/numbers.py``: "3.2.1" is refused), and so are the keys (the unit, an IKK or SK/IKK of the
plan, a period), the unit's right to write the row and the period's lock; every problem is listed
with its sheet, row and Excel column letter, and then nothing is written.  A row equal to the file
is left; another unit's rows are refused only where they would change something (the Kanwil's
export of every unit reads back cleanly).

When everything is valid the rows go through the write door (:meth:`..service.PlanService.import_rows`)
in one transaction, after a backup beside the plan; a dry run lists what would be added and changed.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..numbers import format_number
from ..packages.package_rules import invalid_cells
from ..plan_profile import plan_years
from ..service import ImportRow
from ..write_rules import PeriodStatus, ownership_refusal
from . import layouts as L
from .workbook_reader import (CellProblem, WorkbookProblems, header_text, is_empty, open_workbook, read_value,
                              sheet_rows, text_of)


@dataclass
class Planned:
    """One row the workbook adds or changes: where it is, what it is, and the field changes."""
    sheet: str
    row: int
    label: str
    write: ImportRow
    changes: list[tuple[str, object, object]] = field(default_factory=list)   # (label, old, new)

    @property
    def added(self) -> bool:
        return self.write.row_id is None

    def line(self) -> str:
        if self.added:
            filled = "; ".join(f"{name}: {_shown(new)}" for name, _old, new in self.changes)
            return f"+ {self.sheet} baris {self.row}: {self.label} ({filled})"
        changed = "; ".join(f"{name}: {_shown(old)} → {_shown(new)}" for name, old, new in self.changes)
        return f"~ {self.sheet} baris {self.row}: {self.label}: {changed}"


@dataclass
class ImportReport:
    """What an import adds and changes (or would, for a dry run), per sheet."""
    book: str
    planned: list[Planned]
    unchanged: int
    dry_run: bool
    changes: object = None          # the door's Changes (empty for a dry run)

    @property
    def added(self) -> int:
        return sum(p.added for p in self.planned)

    @property
    def changed(self) -> int:
        return sum(not p.added for p in self.planned)

    def summary(self) -> str:
        verb = "akan ditambah" if self.dry_run else "ditambah"
        verb2 = "akan diubah" if self.dry_run else "diubah"
        head = (f"{self.book}: {self.added} baris {verb}, {self.changed} baris {verb2}, "
                f"{self.unchanged} baris sama dengan berkas.")
        if not self.planned:
            head += " Tidak ada yang perlu disimpan."
        elif self.dry_run:
            head += " Uji coba: belum ada yang disimpan."
        return head

    def lines(self) -> list[str]:
        return [self.summary(), *(p.line() for p in self.planned)]

    def as_json(self) -> dict:
        return {"book": self.book, "dry_run": self.dry_run, "added": self.added, "changed": self.changed,
                "unchanged": self.unchanged,
                "rows": [{"sheet": p.sheet, "row": p.row, "label": p.label, "table": p.write.table,
                          "action": "add" if p.added else "change", "id": p.write.row_id,
                          "fields": [{"field": n, "old": o, "new": v} for n, o, v in p.changes]}
                         for p in self.planned]}


def _shown(value) -> str:
    if value is None or value == "":
        return "kosong"
    if isinstance(value, float):
        return format_number(value)
    text = str(value).replace("\n", " / ")
    return f"“{text if len(text) <= 60 else text[:57] + '…'}”"


# -- reading -----------------------------------------------------------------------------------------
def read_workbook(store, path: str | os.PathLike, *, progress=None) -> tuple[list[Planned], int]:
    """Every row of the workbook that adds or changes something, and the count of rows equal to the
    file; raises :class:`.workbook_reader.WorkbookProblems` listing every problem."""
    name = Path(path).name
    book = open_workbook(path)
    problems: list[CellProblem] = []
    planned: list[Planned] = []
    unchanged = 0
    sheets = L.layouts(plan_years(store.conn))
    try:
        known = [s for s in book.worksheets if s.title in sheets]
        for sheet in book.worksheets:
            if sheet.title in sheets or sheet.title == L.GUIDE_TITLE:
                continue
            rows = sheet_rows(sheet, problems, max_rows=50)
            if rows:
                problems.append(CellProblem(sheet.title, None, None,
                                            f"lembar ini tidak dikenal. Lembar yang dibaca: {', '.join(sheets)} "
                                            "(nama persis seperti hasil ekspor). Ganti nama lembarnya atau hapus."))
        if not known and not problems:
            raise WorkbookProblems(name, [CellProblem(book.sheetnames[0] if book.sheetnames else "?", None, None,
                                                      f"buku kerja ini tidak memuat lembar {', '.join(sheets)}. "
                                                      "Pakai hasil renstra-desktop export-xlsx atau templatnya.")])
        context = _Context(store)
        for i, sheet in enumerate(known):
            if progress:
                progress(int(100 * i / max(len(known), 1)), f"Membaca lembar {sheet.title}…")
            found, same = _read_sheet(context, sheets[sheet.title], sheet, problems)
            planned += found
            unchanged += same
    finally:
        book.close()
    if problems:
        raise WorkbookProblems(name, problems)
    return planned, unchanged


class _Context:
    """What every sheet checks against, read once: units, codes, closed periods, the writer."""

    def __init__(self, store):
        conn = store.conn
        self.conn, self.unit = conn, store.unit_code
        self.units = {r[0] for r in conn.execute("SELECT code FROM unit WHERE deleted = 0")}
        self.indicators = {r[0] for r in conn.execute("SELECT code FROM indicator WHERE deleted = 0")}
        self.lines = self.indicators | {r[0] for r in conn.execute("SELECT code FROM objective WHERE deleted = 0")}
        self.status = PeriodStatus(conn)


def _read_sheet(ctx: _Context, layout: L.SheetLayout, sheet, problems: list[CellProblem]):
    title = sheet.title
    rows = sheet_rows(sheet, problems)
    if not rows:
        return [], 0
    header = [header_text(c) for c in rows[0]]
    at: dict[str, int] = {}
    bad_header = False
    for index, text in enumerate(header, start=1):
        if not text:
            continue
        if text in at:
            problems.append(CellProblem(title, 1, index, f"judul kolom “{text}” ada dua kali."))
            bad_header = True
        elif layout.column(text) is None and not layout.is_show_header(text):
            problems.append(CellProblem(title, 1, index, f"judul kolom “{text}” tidak dikenal di lembar {title}. "
                                                         "Kembalikan judul aslinya (lihat hasil ekspor) atau hapus "
                                                         "kolomnya."))
            bad_header = True
        at[text] = index
    for column in layout.required():
        if column.header not in at:
            problems.append(CellProblem(title, 1, None, f"kolom “{column.header}” tidak ada. Judul kolom harus "
                                                        "persis seperti hasil ekspor."))
            bad_header = True
    if bad_header:
        return [], 0
    spec = layout.spec
    planned, unchanged = [], 0
    seen: dict[tuple, int] = {}
    for n, cells in enumerate(rows[1:], start=2):
        cell = lambda header: cells[at[header] - 1] if header in at and at[header] - 1 < len(cells) else None  # noqa
        data_cells = [cell(c.header) for c in layout.columns if c.role in ("key", "edit", "id", "version")]
        if all(is_empty(c) for c in data_cells):
            continue
        if str(getattr(cells[0], "value", "") or "").strip() == L.TOTAL_LABEL and is_empty(cell("Kode satker")):
            continue                               # the export's Jumlah row
        edits = [c for c in layout.columns if c.role == "edit"]
        other_keys = [c for c in layout.columns if c.role == "key" and c.field != "unit_code"]
        if all(is_empty(cell(c.header)) for c in edits) and is_empty(cell(L.ID_HEADER)) and (
                not layout.wide or all(is_empty(cell(c.header)) for c in other_keys)):
            continue                               # a template's ready row left empty
        before = len(problems)
        keys = {}
        for c in layout.columns:
            if c.role == "key":
                value = read_value(spec.field_map[c.field], cell(c.header), title, n, at[c.header], problems)
                keys[c.field] = value
        if len(problems) == before:
            _check_keys(ctx, keys, title, n, at, problems, layout)
        version = _versions(cell(L.VERSION_HEADER), layout, title, n, at, problems) \
            if L.VERSION_HEADER in at else None
        if layout.wide:
            years = sorted({c.year for c in edits if c.year is not None})
            groups = [(y, [c for c in edits if c.year in (y, None)]) for y in years]
        else:
            groups = [(None, edits)]
        for year, columns in groups:
            values = {}
            for c in columns:
                value = read_value(spec.field_map[c.field], cell(c.header), title, n, at[c.header], problems)
                values[c.field] = (c, value)
            if len(problems) > before:
                continue
            key = dict(keys, **({"year": year} if year is not None else {}))
            made_from = None if version is None else version.get(year, 0) if layout.wide else version
            result = _plan_row(ctx, layout, key, values, cell(L.ID_HEADER), title, n, at, problems, seen, made_from)
            if result is True:
                unchanged += 1
            elif result:
                planned.append(result)
    return planned, unchanged


def _check_keys(ctx, keys, title, n, at, problems, layout) -> None:
    unit = keys.get("unit_code")
    if unit not in ctx.units:
        problems.append(CellProblem(title, n, at["Kode satker"], f"satker “{unit}” tidak ada di direktori satker berkas "
                                                                 "ini."))
    code = keys.get("indicator_code")
    if code is not None and code not in ctx.indicators:
        problems.append(CellProblem(title, n, at[layout.columns[2].header],
                                    f"IKK “{code}” tidak ada di rencana ini. Pilihan: {', '.join(sorted(ctx.indicators))}."))
    line = keys.get("line_code")
    if line is not None and line not in ctx.lines:
        problems.append(CellProblem(title, n, at["SK/IKK"], f"SK/IKK “{line}” tidak ada di rencana ini."))


def _versions(cell, layout, title, n, at, problems):
    """The hidden Versi cell: a row's version (long sheets) or {year: version} (wide sheets); 0 / {}
    for a row the file did not have when the workbook was made.  None after a problem."""
    text = text_of(cell)
    try:
        if layout.wide:
            return {int(y): int(v) for y, v in (part.split(":") for part in (text or "").split(";") if part)}
        return int(text) if text else 0
    except ValueError:
        problems.append(CellProblem(title, n, at[L.VERSION_HEADER], f"kolom {L.VERSION_HEADER} (tersembunyi) "
                                                                    "diubah. Jangan mengubahnya; buat ekspor baru."))
        return None


def _plan_row(ctx, layout, key, values, id_cell, title, n, at, problems, seen, made_from=None):
    """A Planned row, True when the row equals the file, None after a problem or for nothing to add.
    ``made_from``: the row's version when the workbook was made (None: a plain table, no check)."""
    spec = layout.spec
    conn = ctx.conn
    row_id = text_of(id_cell)
    existing = None
    if row_id is not None:
        existing = conn.execute(f"SELECT * FROM {layout.table} WHERE id = ?", (row_id,)).fetchone()
        if existing is None or existing["unit_code"] != key.get("unit_code"):
            why = ownership_refusal(spec, ctx.unit, ctx.unit, key.get("unit_code"))
            if why:                   # another unit's row, maybe with its id: say so, not "wrong id"
                problems.append(CellProblem(title, n, at["Kode satker"], f"{why} Hapus baris ini dari buku kerja."))
                return None
            problems.append(CellProblem(title, n, at[L.ID_HEADER], "ID baris ini tidak ada di berkas (atau milik "
                                                                   "satker lain). Jangan mengubah kolom ID; untuk baris "
                                                                   "baru kosongkan ID-nya."))
            return None
        if existing["deleted"]:
            problems.append(CellProblem(title, n, None, "baris ini sudah dihapus di berkas sesudah buku kerja dibuat. "
                                                        "Tambahkan sebagai baris baru (ID kosong) bila masih perlu."))
            return None
    else:
        match = {f: (key[f] if f in key else values[f][1]) for f in layout.match}
        if any(v is None for v in match.values()):
            missing = next(f for f, v in match.items() if v is None)
            label = spec.field_map[missing].label
            column = next((c for c in layout.columns if c.field == missing), None)
            problems.append(CellProblem(title, n, at.get(column.header) if column else None,
                                        f"kolom “{label}” wajib diisi."))
            return None
        found = conn.execute(f"SELECT * FROM {layout.table} WHERE "
                             + " AND ".join(f"{f} = ?" for f in match) + " ORDER BY deleted, rowid",
                             tuple(match.values())).fetchall()
        existing = found[0] if found else None
    if existing is not None:
        damaged = invalid_cells(layout.table, existing.keys(), [tuple(existing)])
        if damaged:           # a file changed with another SQLite tool: never compared, never overwritten
            _id, column, reason = damaged[0]
            problems.append(CellProblem(title, n, None, f"baris ini di berkas rencana rusak (kolom {column}: {reason}) "
                                                        "Perbaiki berkasnya dulu (renstra-desktop check), lalu impor lagi."))
            return None
    ident = ("id", existing["id"]) if existing is not None else ("new", *match.values())
    if ident in seen:
        problems.append(CellProblem(title, n, None, f"baris yang sama dengan baris {seen[ident]} (kunci sama). "
                                                    "Hapus salah satu."))
        return None
    seen[ident] = n
    label = _label(layout, key, values)
    if existing is None:
        filled = {f: v for f, (_c, v) in values.items() if v not in (None, "", "[]")}
        if not any(values[f][0].year is not None or not layout.wide for f in filled):
            return None                # nothing to add (a wide sheet's year with no figure)
        write = ImportRow(layout.table, None, {**key, **{f: _raw(spec.field_map[f], v) for f, (_c, v) in values.items()}})
        changes = [(values[f][0].header, None, _show_value(spec.field_map[f], v)) for f, v in filled.items()]
        owner = ctx.unit
    else:
        diff = {f: (c, v) for f, (c, v) in values.items() if not _same(spec.field_map[f], existing[f], v)}
        if not diff and not existing["deleted"]:
            return True
        if made_from is not None and existing["row_version"] > made_from:
            problems.append(CellProblem(title, n, None, f"baris ini sudah diubah di berkas (versi {existing['row_version']}) "
                                                        f"sesudah buku kerja dibuat (versi {made_from or 'belum ada'}); "
                                                        "tidak ditimpa. Buat ekspor atau templat baru, lalu isi lagi "
                                                        "perubahannya."))
            return None
        write = ImportRow(layout.table, existing["id"], {f: _raw(spec.field_map[f], v) for f, (_c, v) in diff.items()},
                          made_from)
        changes = [(c.header, _show_value(spec.field_map[f], existing[f]), _show_value(spec.field_map[f], v))
                   for f, (c, v) in diff.items()]
        owner = existing["owner_unit"]
    why = ownership_refusal(spec, ctx.unit, owner, key.get("unit_code"))
    if why is None and existing is not None and owner != ctx.unit:
        why = f"baris ini milik satker {owner}."
    if why:
        problems.append(CellProblem(title, n, at["Kode satker"], f"{why} Baris ini tidak dapat diimpor di berkas "
                                                                 f"satker {ctx.unit}; hapus barisnya atau kembalikan "
                                                                 "nilainya."))
        return None
    period = key.get("period")
    closed = ctx.status.closed_period(key.get("unit_code"), period) if period else None
    if closed:
        problems.append(CellProblem(title, n, at["Periode"], ctx.status.refusal(key.get("unit_code"), closed)))
        return None
    return Planned(title, n, label, write, changes)


def _label(layout, key, values) -> str:
    parts = [str(key.get("unit_code"))]
    for f in ("indicator_code", "line_code", "period", "year"):
        if key.get(f) is not None:
            parts.append(str(key[f]))
    if layout.table in ("risk", "roadmap_item"):
        for f in (("program_code", "seq") if layout.table == "risk" else ("aspect", "year", "seq")):
            parts.append(str(values[f][1]))
    return " ".join(parts)


def _raw(f, value):
    """What the door is given: the validated value, a list field as its items (the door validates again)."""
    return json.loads(value) if f.kind == "list" and value is not None else value


def _same(f, stored, new) -> bool:
    if f.kind == "list":
        return json.loads(stored or "[]") == json.loads(new or "[]")
    if stored in ("",) and new is None or stored is None and new == "":
        return True
    return stored == new


def _show_value(f, value):
    if f.kind == "list" and isinstance(value, str):
        return "\n".join(json.loads(value or "[]"))
    return value


# -- applying ------------------------------------------------------------------------------------------
def import_workbook(service, path: str | os.PathLike, *, dry_run: bool = False, progress=None) -> ImportReport:
    """Read, validate and (unless ``dry_run``) write the workbook through the door, all or nothing,
    after a backup beside the plan."""
    from ..backups import LOAD, backup_before_step

    planned, unchanged = read_workbook(service.store, path, progress=progress)
    rows = [p.write for p in planned]
    report = ImportReport(Path(path).name, planned, unchanged, dry_run)
    service.import_rows(rows, dry_run=True)           # the door's own checks, rolled back
    if not dry_run and rows:
        backup_before_step(service.store, LOAD)
        report.changes = service.import_rows(rows)
    if progress:
        progress(100, "Selesai.")
    return report
