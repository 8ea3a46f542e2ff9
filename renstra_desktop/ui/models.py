"""The base of every table model: columns declared once, custom roles, Indonesian number
display, read-only look, sorting and a text filter, and setData() that goes through the controller
(service + undo).

A subclass says where its rows come from (a ``core.queries`` function), which columns it has
and which service row/field each editable cell writes.  Rows are read again when the
controller's ``plan_changed`` names one of the tables the model reads, or another unit is chosen:

- only while a view shows the model (``set_active``; PlanTableView does it on show and hide): a
  hidden tab is marked out of date and reads its rows when it is shown again;
- every unit's rows ("Semua satker", thousands of rows in a national file) are read in a worker
  (``background_loading``; ``loading`` is True meanwhile and the view says so); an edit there reads
  again only the units it touched;
- :meth:`ensure_current` reads now, on the GUI thread, for code that needs the rows at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import logging

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ..core.errors import RenstraError
from ..core.gc_pause import freeze_long_lived, full_collections_paused
from ..core.numbers import format_number
from ..core.service import Edit
from .row_set import RowSet

log = logging.getLogger(__name__)
NUMERIC_KINDS = ("number", "money", "percent", "int", "score")
# plan tables whose rows carry their unit: a change there touches only that unit's rows
_UNIT_TABLES = frozenset({"indicator_target", "realisation", "risk", "roadmap_item", "funding"})

# -- custom roles ------------------------------------------------------------------------------
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1      # id of the plan row behind the cell (or None)
RAW_VALUE_ROLE = Qt.ItemDataRole.UserRole + 2   # the stored/computed Python value
GRADE_ROLE = Qt.ItemDataRole.UserRole + 3       # capaian band role: good | fair | poor | bad | None
READ_ONLY_ROLE = Qt.ItemDataRole.UserRole + 4   # True for computed cells and rows of another unit
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 5     # [(label, value)] for a combo editor, else None
MULTILINE_ROLE = Qt.ItemDataRole.UserRole + 6   # True: edit in a multi-line editor (one item a line)
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 7       # risk level index 0..n-1 (0 = lowest) or None

GRADE_COLOURS = {"good": "#c8e6c9", "fair": "#fff1a8", "poor": "#ffd3a1", "bad": "#f5b4b4"}
LEVEL_COLOURS = ("#c8e6c9", "#e4f2b8", "#fff1a8", "#ffc98f", "#f29b9b")
READ_ONLY_BACKGROUND = "#f1f2f4"
READ_ONLY_FOREGROUND = "#3c4043"


@dataclass(frozen=True)
class Column:
    """One column.  ``kind`` decides display and editing:
    text | number | money | percent | int | score | enum | list | computed-text."""
    key: str
    header: str
    kind: str = "text"
    editable: bool = False
    width: int = 90
    tooltip: str = ""
    stretch: bool = False     # takes the view's spare width (``width`` is its least)
    frozen: bool = False      # identifies the row: stays in view when the table scrolls sideways
                              # (leading, read-only columns only: see frozen_columns.py)


def edit_text(value, kind: str) -> str:
    """The text an editor starts with; it parses back to the same value (no thousands dots)."""
    if value is None:
        return ""
    if kind in ("number", "money", "percent"):
        text = format(Decimal(repr(float(value))).normalize(), "f")
        return text.replace(".", ",")
    if kind == "list":
        return "\n".join(value)
    return str(value)


def display_text(value, kind: str) -> str:
    if kind == "money":
        return format_number(value, 2)
    if kind == "number":
        return format_number(value)
    if kind == "percent":
        return "–" if value is None else f"{format_number(value)} %"
    if kind == "list":
        return "\n".join(f"{i}. {item}" for i, item in enumerate(value or [], 1))
    return "" if value is None else str(value)


class PlanTableModel(QAbstractTableModel):
    """Rows from core.queries; writes through ``controller`` (a PlanController)."""

    tables: frozenset[str] = frozenset()   # plan tables this model reads: reload when they change
    row_table: str = ""                    # the plan table one model row stands for (add/remove)
    align_top = False                      # multi-line rows read better aligned to the top
    grouped_by_unit = False                # a unit's rows follow each other in the query's order
    kept_last = None                       # kept_last(row) -> True: stays at the end whatever the sort
                                           # or filter (a total)
    sort_in_worker_from = 5000             # rows: a sort whose values are not made yet makes them in a worker

    loading_changed = Signal(bool)         # a background read started (True) or ended (False)

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.unit_code: str | None = None    # None: every unit (the Kanwil's consolidated view)
        self.active = True                   # a view shows it (models without a view: always)
        self.background_loading = False      # every unit's rows are read in a worker
        self.loading = False                 # such a read is under way
        self._set = RowSet()
        self.sorting = 0                     # sorts waiting for their values (made in a worker)
        self._rows: list[dict] = []          # the shown rows (self._set.shown)
        self._columns: list[Column] = []
        self._unit_names: dict[str, str] = {}
        self._stale: bool | None = None      # hidden and out of date: False read again, True also reset
        self._generation = 0                 # a background read delivers only if still the latest
        self._reasons: dict[tuple[int, int], str | None] = {}
        self._typed: dict[tuple, list] = {}   # (row key, column key) -> [typed text, writes pending]
        controller.plan_changed.connect(self._on_plan_changed)
        controller.file_opened.connect(lambda: self.reload(force_reset=True))

    # -- to implement ---------------------------------------------------------------------------
    def fetch(self, conn, unit_code: str | None) -> list[dict]:
        """The rows of ``unit_code`` (None: every unit), read on ``conn``.  May run in a worker:
        reads only its arguments and the model's scope (unit, year), writes nothing on self."""
        raise NotImplementedError

    def complete(self, rows: list[dict]) -> list[dict]:
        """Rows derived from the others (Pendanaan's totals), added after ``fetch`` and after an
        edit's unit was read again; may run in a worker."""
        return rows

    def prepare(self) -> None:
        """On the GUI thread, before new rows are shown: small state read with them (settings)."""

    def build_columns(self) -> list[Column]:
        raise NotImplementedError

    def display(self, row: dict, column: Column) -> str | None:
        """The cell's text where it is not simply its value formatted (a range target "80–90");
        None: format the value."""
        return None

    def value(self, row: dict, column: Column):
        if column.key == "unit_code":
            return self.unit_name(row.get("unit_code"))
        return row.get(column.key)

    def unit_name(self, code: str | None) -> str:
        return self._unit_names.get(code, code or "")

    def unit_column(self) -> list[Column]:
        """The Satker column, shown when every unit is listed (the Kanwil's "Semua satker")."""
        return [Column("unit_code", self.tr("Satker"), width=130, frozen=True)] if self.show_unit else []

    def targets(self, row: dict, column: Column) -> list[tuple[str, str | None, str]]:
        """(table, row id, field) written by an edit of this cell; [] when nothing is written."""
        return []

    def owner(self, row: dict, column: Column) -> str | None:
        return row.get("owner_unit")

    def read_only_reason(self, row: dict, column: Column) -> str | None:
        """Why an editable column's cell is read-only in this row (another unit, a lock)."""
        owner = self.owner(row, column)
        if not self.controller.can_write_row(owner):
            return self.tr("Milik {owner}: hanya-baca di berkas ini.").format(owner=self.unit_name(owner))
        return None

    def choices(self, row: dict, column: Column) -> list[tuple[str, object]] | None:
        return None

    def background(self, row: dict, column: Column) -> str | None:
        return None

    def create_cell(self, row: dict, column: Column, text) -> bool:
        """Write a cell whose plan row does not exist yet (e.g. a missing target year)."""
        return False

    # -- public helpers -------------------------------------------------------------------------
    @property
    def show_unit(self) -> bool:
        return self.unit_code is None

    def set_unit(self, unit_code: str | None) -> None:
        self.unit_code = unit_code
        self.reload(force_reset=True)

    def row_dict(self, row: int) -> dict:
        return self._rows[row]

    def rows(self) -> list[dict]:
        return list(self._rows)

    def column(self, col: int) -> Column:
        return self._columns[col]

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self._columns) if c.key == key)

    def columns(self) -> list[Column]:
        return list(self._columns)

    def row_key(self, row: dict):
        return row.get("id")

    def is_writable(self, index: QModelIndex) -> bool:
        if not index.isValid():
            return False
        return self._columns[index.column()].editable and self._reason(index.row(), index.column()) is None

    def edits_for(self, index: QModelIndex, value) -> list[Edit] | None:
        """The service edits that set this cell to ``value``; None when the cell has no row yet."""
        row, column = self._rows[index.row()], self._columns[index.column()]
        targets = self.targets(row, column)
        if not targets or any(row_id is None for _, row_id, _ in targets):
            return None
        return [Edit(table, row_id, fld, value) for table, row_id, fld in targets]

    def cell_text(self, row: dict, column: Column) -> str:
        """The text a cell shows (its enum label, its formatted number)."""
        shown = self.display(row, column)
        if shown is not None:
            return shown
        value = self.value(row, column)
        options = self.choices(row, column) if column.kind == "enum" else None
        if options:
            return next((label for label, v in options if v == value), display_text(value, column.kind))
        return display_text(value, column.kind)

    # -- reading rows ---------------------------------------------------------------------------
    def set_active(self, active: bool) -> None:
        """A view shows (True) or hides (False) the model: hidden, it reads nothing; shown again, it
        reads what it missed."""
        self.active = active
        if active and self._stale is not None:
            self.reload(force_reset=self._stale)

    def reload(self, force_reset: bool = False) -> None:
        """Read the rows again: now, in a worker (every unit), or when a view shows it again."""
        if self.controller.store is None:
            self._cancel_load()
            self._stale = None
            self._show_rows([], columns=[], reset=True)
            return
        if not self.active:
            self._stale = bool(self._stale) or force_reset
            return
        self._stale = None
        self._cancel_load()
        columns = self.build_columns()
        if self.unit_code is None and self.background_loading:
            self._load_in_background(columns, force_reset)
        else:
            self._show_rows(self.read(self.controller.conn, self.unit_code), columns=columns, reset=force_reset)

    def read(self, conn, unit_code: str | None) -> list[dict]:
        return self.complete(self.fetch(conn, unit_code))

    def ensure_current(self) -> None:
        """Read now, on this (the GUI) thread, when hidden and out of date or still loading: for code
        that needs the rows at once (selecting a row, tests).  Views read lazily, in the background."""
        if self.controller.store is None or (self._stale is None and not self.loading):
            return
        reset = bool(self._stale) or self.loading
        self._stale = None
        self._cancel_load()
        self._show_rows(self.read(self.controller.conn, self.unit_code), columns=self.build_columns(), reset=reset)

    def _cancel_load(self) -> None:
        self._generation += 1
        if self.loading:
            self.loading = False
            self.loading_changed.emit(False)

    def _load_in_background(self, columns: list[Column], reset: bool) -> None:
        from . import dialogs
        from .worker import run_in_background

        if reset or columns != self._columns:
            self._show_rows([], columns=columns, reset=True)     # another scope: not the old rows meanwhile
            reset = True
        generation, unit = self._generation, self.unit_code
        self._unit_names = self.controller.unit_names()
        self.loading = True
        self.loading_changed.emit(True)

        sort_key = self._set.sort[0] if self._set.sort is not None else None

        def work(store, _progress):
            with full_collections_paused():      # tens of thousands of new rows: no full collection meanwhile
                rows = self.read(store.conn, unit)
                # the filter's texts and the sort's values are made here too: typing in the Saring box
                # then only searches them, and a sorted table is sorted without reading every row
                texts = [self._row_text(row, columns).lower() for row in rows]
                keys = ({sort_key: self._sort_values(rows, sort_key, columns)}
                        if any(c.key == sort_key for c in columns) else None)
                freeze_long_lived()              # kept while shown: out of later full collections
            return rows, texts, keys

        def done(result):
            if generation == self._generation:
                self.loading = False
                self._show_rows(*result, columns=columns, reset=reset)
                self.loading_changed.emit(False)

        def failed(exc):
            if generation != self._generation:
                return
            self.loading = False
            self.loading_changed.emit(False)
            if not isinstance(exc, RenstraError):
                log.error("reading %s failed: %r", type(self).__name__, exc)
            dialogs.warn(self.controller.dialog_parent, self.tr("Data tidak dapat dibaca"),
                         getattr(exc, "message", None) or self.tr(
                             "Data semua satker tidak dapat dibaca ({error}). Pilih satker lain atau buka "
                             "berkas itu lagi.").format(error=exc))

        run_in_background(self, self.tr("Memuat data"), work, done, failed, store_path=self.controller.path,
                          readonly=True, show_dialog=False)

    def _show_rows(self, rows: list[dict], texts: list[str] | None = None, keys: dict[str, list] | None = None, *,
                   columns: list[Column], reset: bool) -> None:
        if self.controller.store is not None:
            self.prepare()
            self._unit_names = self.controller.unit_names()
        self._set.load(rows, texts, keys)
        self._show(self._arranged(columns), columns, reset)

    def _show(self, shown: list[dict], columns: list[Column], reset: bool) -> None:
        same_shape = (not reset and columns == self._columns and len(shown) == len(self._rows)
                      and all(self.row_key(a) == self.row_key(b) for a, b in zip(shown, self._rows)))
        if same_shape:
            self._set.show(shown)
            self._rows = shown
            self._reasons.clear()
            if shown and columns:
                self.dataChanged.emit(self.index(0, 0), self.index(len(shown) - 1, len(columns) - 1))
            return
        self.beginResetModel()
        self._set.show(shown)
        self._rows, self._columns = shown, columns
        self._reasons.clear()
        self.endResetModel()

    def _on_plan_changed(self, changes) -> None:
        if not changes.tables & self.tables:
            return
        if self.active and self.unit_code is None and self.background_loading and not self.loading:
            units = self._changed_units(changes)
            if units is not None and self._read_units_again(units):
                return
        self.reload()

    def _changed_units(self, changes) -> set[str] | None:
        """The units whose rows a change touched; None when it may touch every unit's (a setting,
        an indicator, the unit directory)."""
        from ..core.queries import units_of_rows

        tables = changes.tables & self.tables
        if not tables <= _UNIT_TABLES or any(not changes.rows[t] for t in tables):
            return None
        return {unit for t in tables for unit in units_of_rows(self.controller.conn, t, changes.rows[t])}

    def _read_units_again(self, units: set[str]) -> bool:
        """After an edit on "Semua satker": read only the touched units' rows (a few milliseconds,
        on the GUI thread, so the edited value shows at once) and put them in place."""
        conn = self.controller.conn
        for unit in units:
            if self._set.splice(unit, self.fetch(conn, unit), self.row_key, self.grouped_by_unit) is None:
                return False
        self._set.update(self.complete(self._set.loaded))
        self._show(self._arranged(self._columns), self._columns, reset=False)
        return True

    # -- sorting and filtering ------------------------------------------------------------------
    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort the shown rows by a column (a header click); a negative column: the query's order.
        A big table whose values for that column are not made yet makes them in a worker and is
        sorted when they are there (the header shows the new sort at once)."""
        wanted = None if column < 0 or column >= len(self._columns) else (
            self._columns[column].key, order == Qt.SortOrder.DescendingOrder)
        if wanted == self._set.sort:
            return
        self._set.sort = wanted
        if (wanted is not None and len(self._set.loaded) >= self.sort_in_worker_from
                and not self._set.has_keys(wanted[0])):
            self._sort_in_background(wanted[0])
            return
        self._show(self._arranged(self._columns), self._columns, reset=True)

    def _sort_in_background(self, key: str) -> None:
        from .worker import run_in_background

        rows, columns = self._set.loaded, self._columns
        self.sorting += 1

        def work(_store, _progress):
            with full_collections_paused():
                keys = self._sort_values(rows, key, columns)
                freeze_long_lived()
            return keys

        def done(keys):
            self.sorting -= 1
            # rows replaced meanwhile were arranged then (their values made on this thread)
            if self._set.set_keys(key, rows, keys) and self._set.sort is not None and self._set.sort[0] == key:
                self._show(self._arranged(self._columns), self._columns, reset=True)

        def failed(exc):
            self.sorting -= 1
            log.error("sort values of %s.%s failed: %r", type(self).__name__, key, exc)
            self._show(self._arranged(self._columns), self._columns, reset=True)

        run_in_background(self, self.tr("Mengurutkan"), work, done, failed, show_dialog=False)

    def sorted_by(self) -> tuple[int, Qt.SortOrder] | None:
        """(column, order) of the current sort, None for the query's order."""
        if self._set.sort is None:
            return None
        key, descending = self._set.sort
        return (self.column_index(key),
                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)

    def set_filter(self, text: str) -> None:
        """Show only the rows whose text contains ``text`` (any column, case-insensitive)."""
        needle = text.strip().lower()
        if needle == self._set.needle:
            return
        self._set.needle = needle
        self._show(self._arranged(self._columns), self._columns, reset=True)

    def filter_text(self) -> str:
        return self._set.needle

    def loaded_count(self) -> int:
        """Rows read, before the filter."""
        return len(self._set.loaded)

    def _arranged(self, columns: list[Column]) -> list[dict]:
        if self._set.sort is not None and all(c.key != self._set.sort[0] for c in columns):
            self._set.sort = None          # the column is gone (the Satker column of "Semua satker")
        with full_collections_paused():         # the sort values of a whole column: no full collection for them
            return self._set.arrange(lambda rows, key: self._sort_values(rows, key, columns),
                                     lambda row: self._row_text(row, columns), self.kept_last)

    def _sort_values(self, rows: list[dict], key: str, columns: list[Column]) -> list:
        """Per row its sort value in column ``key``: a number (numeric columns) or the cell's text
        case-folded, None for an empty cell.  Reads only the rows and the model's labels: may run in
        a worker."""
        column = next(c for c in columns if c.key == key)
        value = self.value
        if column.kind in NUMERIC_KINDS:
            return [v if isinstance(v, (int, float)) else None for v in (value(row, column) for row in rows)]
        labels: dict = {}                 # an enum's or a unit's label per value, looked up once
        out = []
        for row in rows:
            v = value(row, column)
            if column.kind == "enum" or key == "unit_code":
                text = labels.get(v, labels)      # the dict itself: not looked up yet
                if text is labels:
                    text = labels[v] = self.cell_text(row, column).casefold() or None
            elif isinstance(v, str):
                text = v.casefold() or None
            else:
                text = self.cell_text(row, column).casefold() or None
            out.append(text)
        return out

    def _row_text(self, row: dict, columns: list[Column]) -> str:
        """What the Saring box searches in a row: every cell's text."""
        return " ".join(self.cell_text(row, c) for c in columns)

    # -- QAbstractTableModel --------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            column = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.header
            if role == Qt.ItemDataRole.ToolTipRole:
                return column.tooltip or column.header.replace("\n", " ")
            return None
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.is_writable(index):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        if self._typed and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            typed = self._typed.get((self.row_key(row), column.key))
            if typed is not None:
                return typed[0]          # written on the writer thread: shown at once meanwhile
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(row, column)
        if role == Qt.ItemDataRole.EditRole:
            return edit_text(self.value(row, column), column.kind)
        if role == RAW_VALUE_ROLE:
            return self.value(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            vertical = Qt.AlignmentFlag.AlignTop if self.align_top else Qt.AlignmentFlag.AlignVCenter
            if column.kind in NUMERIC_KINDS:
                return int(Qt.AlignmentFlag.AlignRight | vertical)
            return int(Qt.AlignmentFlag.AlignLeft | vertical)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = self.background(row, column)
            if colour:
                return QBrush(QColor(colour))
            if not self.is_writable(index):
                return QBrush(QColor(READ_ONLY_BACKGROUND))
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if not self.is_writable(index):
                return QBrush(QColor(READ_ONLY_FOREGROUND))
            return None
        if role == Qt.ItemDataRole.FontRole:
            return self.font(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == ROW_ID_ROLE:
            targets = self.targets(row, column)
            return targets[0][1] if targets else None
        if role == READ_ONLY_ROLE:
            return not self.is_writable(index)
        if role == CHOICES_ROLE:
            return self.choices(row, column)
        if role == MULTILINE_ROLE:
            return column.kind == "list"
        return self.extra_data(row, column, role)

    def extra_data(self, row: dict, column: Column, role: int):
        return None

    def font(self, row: dict, column: Column) -> QFont | None:
        return None

    def tooltip(self, row: dict, column: Column) -> str | None:
        """The full text of a long or multi-line cell (rows are one line high until they show), or
        why an editable cell is read-only."""
        if column.key == "unit_code":
            return self.tr("Kode satker: {code}").format(code=row.get("unit_code"))
        if column.editable:
            reason = self.read_only_reason(row, column)
            if reason:
                return reason
        if column.kind in ("text", "list"):
            text = display_text(self.value(row, column), column.kind)
            return text if len(text) > 40 or "\n" in text else None
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self.is_writable(index):
            return False
        row, column = self._rows[index.row()], self._columns[index.column()]
        if isinstance(value, str) and value == edit_text(self.value(row, column), column.kind):
            return True   # editor opened and closed without a change: nothing to write
        edits = self.edits_for(index, value)
        label = self.tr("Ubah {column}").format(column=column.header.replace("\n", " "))
        if edits is None:
            return self.create_cell(row, column, value)
        key = (self.row_key(row), column.key)
        if isinstance(value, str) and column.kind != "enum":     # (an enum shows its label when written)
            typed = self._typed.setdefault(key, [value, 0])
            typed[0] = value
            typed[1] += 1
            self.dataChanged.emit(index, index)
        return self.controller.apply(edits, label, done=lambda ok: self._written(key))

    def _written(self, key) -> None:
        """A cell's write ended: the cell shows the file again (the new value, or the old one when
        the write was refused) once no other write of it is pending."""
        typed = self._typed.get(key)
        if typed is None:
            return
        typed[1] -= 1
        if typed[1] > 0:
            return
        del self._typed[key]
        r = next((i for i, row in enumerate(self._rows) if self.row_key(row) == key[0]), None)
        c = next((i for i, column in enumerate(self._columns) if column.key == key[1]), None)
        if r is not None and c is not None:
            self.dataChanged.emit(self.index(r, c), self.index(r, c))

    # -- internals ------------------------------------------------------------------------------
    def _reason(self, r: int, c: int) -> str | None:
        """read_only_reason of a shown cell, once per cell and load: data() asks for every role."""
        key = (r, c)
        try:
            return self._reasons[key]
        except KeyError:
            reason = self._reasons[key] = self.read_only_reason(self._rows[r], self._columns[c])
            return reason
