"""Models of the merge dialog: the package files chosen, and the summary of a MergeReport as a tree
(package → table → row)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..core.packages.merge_report import STATUSES

MAX_ROWS_SHOWN = 200          # row notes listed per package; the rest are counted
STATUS_TEXT = {"merged": "digabung", "would_merge": "akan digabung", "already_merged": "sudah pernah digabung",
               "older": "lebih lama, tanpa data baru", "rejected": "DITOLAK"}


class FileListModel(QAbstractListModel):
    """The package files of the dialog: names shown, full paths as tooltips, no duplicates."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.paths: list[Path] = []

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.paths)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        path = self.paths[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return path.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(path)
        return None

    def add(self, paths) -> None:
        new = [p for p in dict.fromkeys(map(Path, paths)) if p not in set(self.paths)]
        if new:
            self.beginInsertRows(QModelIndex(), len(self.paths), len(self.paths) + len(new) - 1)
            self.paths.extend(new)
            self.endInsertRows()

    def remove(self, rows: set[int]) -> None:
        if rows:
            self.beginResetModel()
            self.paths = [p for i, p in enumerate(self.paths) if i not in rows]
            self.endResetModel()


class _Node:
    """One line of the summary: a package, one of its tables, or one of its rows."""
    __slots__ = ("parent", "row", "children", "cells", "detail", "rejected", "result")

    def __init__(self, parent, cells, detail="", rejected=False, result=None):
        self.parent, self.cells, self.detail, self.rejected = parent, cells, detail, rejected
        self.result = result if result is not None else getattr(parent, "result", None)
        self.children: list[_Node] = []
        self.row = 0
        if parent is not None:
            self.row = len(parent.children)
            parent.children.append(self)


class MergeReportModel(QAbstractItemModel):
    """The summary of a MergeReport as a tree: package → table → row, with the counts per status.

    A model rather than tree-widget items: the summary of hundreds of packages has tens of
    thousands of cells, and on PySide6 6.12 / Python 3.11 every item setter call from Python
    drops a reference to None (the interpreter aborts when it runs out); Qt asking data() does not.
    """
    HEADERS = ("Paket / tabel / baris", "Baru", "Diubah", "Tetap", "Konflik", "Terkunci", "Ditolak", "Keterangan")
    DETAIL_ROLE = Qt.ItemDataRole.UserRole + 1     # the whole text of a line, for the detail pane

    def __init__(self, parent=None):
        super().__init__(parent)
        self.root = _Node(None, [])

    def set_report(self, report, unit_names: dict | None = None, zone=None) -> None:
        """Show ``report``; units by name (``unit_names``: code -> name), times in ``zone``."""
        self.set_tree(build_tree(report, unit_names, zone))

    def set_tree(self, root: "_Node") -> None:
        """Show a summary built by :func:`build_tree` (in a worker, for hundreds of packages)."""
        self.beginResetModel()
        self.root = root
        self.endResetModel()

    def result_at(self, index):
        """The PackageResult of the package a line belongs to (None for no line)."""
        return index.internalPointer().result if index.isValid() else None

    def _node(self, index) -> _Node:
        return index.internalPointer() if index.isValid() else self.root

    def index(self, row, column, parent=QModelIndex()):
        node = self._node(parent)
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index):
        node = self._node(index) if index.isValid() else None
        if node is None or node.parent is None or node.parent is self.root:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent=QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        node, col = index.internalPointer(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = node.cells[col] if col < len(node.cells) else ""
            return text if role == Qt.ItemDataRole.DisplayRole or (col == 7 and text) else None
        if role == self.DETAIL_ROLE:
            return node.detail
        if role == Qt.ItemDataRole.TextAlignmentRole and 1 <= col <= 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and node.rejected:     # the whole line: act on it
            return QBrush(QColor("#8b0000"))
        return None


def build_tree(report, unit_names: dict | None = None, zone=None) -> _Node:
    """The summary of ``report`` as lines (no Qt: a worker may build it)."""
    root = _Node(None, [])
    for result in report.results:
        _package_node(root, result, unit_names or {}, zone)
    return root


def _package_node(root: _Node, result, unit_names: dict, zone) -> None:
    from ..core.localtime import format_datetime
    from ..core.schema import TABLES
    from .package_view import field_label, side_text

    unit = unit_names.get(result.unit, result.unit)
    title = f"{result.path.name}"
    if result.unit:
        title += f" — {unit}, urutan {result.sequence}"
    status = STATUS_TEXT.get(result.status, result.status)
    if result.key_status == "new":
        status += f"; kunci baru {result.fingerprint}"
    if result.needs_attention and result.status != "rejected":
        status += f"; TIDAK BERURUTAN (sesudah urutan {result.out_of_order_after}): periksa"
    if result.status == "rejected":
        status += f": {result.message}"
    detail = [f"<b>{_html(result.path)}</b>", _html(result.message)]
    if result.unit:
        made = format_datetime(result.created_at, zone) if result.created_at else ""
        detail.append(f"Satker {_html(unit)}, urutan {result.sequence}, dibuat {_html(made)}")
    if result.fingerprint:
        detail.append(f"Sidik jari kunci: {result.fingerprint}" + (" (baru, belum dikenal berkas ini)"
                                                                   if result.key_status == "new" else ""))
    detail = "<br>".join(detail)
    totals = result.totals()
    counts = [str(totals[s]) if result.tables else "" for s in STATUSES]
    package = _Node(root, [title, *counts, status], detail, rejected=result.needs_attention, result=result)

    notes_by_table: dict[str, list] = {}
    for note in result.notes:
        notes_by_table.setdefault(note.table, []).append(note)
    listed = 0
    for table, table_counts in result.tables.items():
        spec = TABLES[table]
        child = _Node(package, [spec.label, *(str(table_counts[s]) for s in STATUSES), ""], detail)
        for note in notes_by_table.get(table, []):
            if listed >= MAX_ROWS_SHOWN:
                break
            listed += 1
            values = "".join(f"<br>{_html(field_label(table, k))}: di berkas ini <b>{_html(side_text(k, old))}</b>, "
                             f"di paket <b>{_html(side_text(k, new))}</b>" for k, (old, new) in note.fields.items())
            name = note.label or note.row_id
            _Node(child, [name, *[""] * 6, note.reason],
                  f"<b>{_html(spec.label)}: {_html(name)}</b><br>{_html(note.reason)}{values}")
    if len(result.notes) + result.notes_omitted > listed:
        _Node(package, [f"… {len(result.notes) + result.notes_omitted - listed} baris lain"], detail)


def _html(value) -> str:
    from html import escape
    return escape(str(value))
