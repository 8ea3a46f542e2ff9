"""The base of every table model: columns declared once, custom roles, Indonesian number
display, read-only look, and setData() that goes through the controller (service + undo).

A subclass says where its rows come from (a ``core.queries`` function), which columns it has
and which service row/field each editable cell writes.  Rows are reloaded whenever the
controller's ``plan_changed`` names one of the tables the model reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ..core import queries
from ..core.numbers import format_number
from ..core.service import Edit

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

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.unit_code: str | None = None    # None: every unit (the Kanwil's consolidated view)
        self._rows: list[dict] = []
        self._columns: list[Column] = []
        self._unit_names: dict[str, str] = {}
        controller.plan_changed.connect(self._on_plan_changed)
        controller.file_opened.connect(self.reload)

    # -- to implement ---------------------------------------------------------------------------
    def fetch(self) -> list[dict]:
        raise NotImplementedError

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
        row, column = self._rows[index.row()], self._columns[index.column()]
        return column.editable and self.read_only_reason(row, column) is None

    def edits_for(self, index: QModelIndex, value) -> list[Edit] | None:
        """The service edits that set this cell to ``value``; None when the cell has no row yet."""
        row, column = self._rows[index.row()], self._columns[index.column()]
        targets = self.targets(row, column)
        if not targets or any(row_id is None for _, row_id, _ in targets):
            return None
        return [Edit(table, row_id, fld, value) for table, row_id, fld in targets]

    def reload(self, force_reset: bool = False) -> None:
        if self.controller.store is not None:
            self._unit_names = queries.unit_names(self.controller.conn)
        rows = self.fetch() if self.controller.store is not None else []
        columns = self.build_columns() if self.controller.store is not None else []
        same_shape = (not force_reset and columns == self._columns
                      and [self.row_key(r) for r in rows] == [self.row_key(r) for r in self._rows])
        if same_shape:
            self._rows = rows
            if rows and columns:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(columns) - 1))
            return
        self.beginResetModel()
        self._rows, self._columns = rows, columns
        self.endResetModel()

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
        if role == Qt.ItemDataRole.DisplayRole:
            shown = self.display(row, column)
            if shown is not None:
                return shown
            value = self.value(row, column)
            options = self.choices(row, column) if column.kind == "enum" else None
            if options:
                return next((label for label, v in options if v == value), display_text(value, column.kind))
            return display_text(value, column.kind)
        if role == Qt.ItemDataRole.EditRole:
            return edit_text(self.value(row, column), column.kind)
        if role == RAW_VALUE_ROLE:
            return self.value(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            vertical = Qt.AlignmentFlag.AlignTop if self.align_top else Qt.AlignmentFlag.AlignVCenter
            if column.kind in ("number", "money", "percent", "int", "score"):
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
        if column.key == "unit_code":
            return self.tr("Kode satker: {code}").format(code=row.get("unit_code"))
        if column.editable:
            reason = self.read_only_reason(row, column)
            if reason:
                return reason
        if column.kind in ("text", "list"):
            text = display_text(self.value(row, column), column.kind)
            return text if len(text) > 40 else None
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
        return self.controller.apply(edits, label)

    # -- internals ------------------------------------------------------------------------------
    def _on_plan_changed(self, changes) -> None:
        if changes.tables & self.tables:
            self.reload()
