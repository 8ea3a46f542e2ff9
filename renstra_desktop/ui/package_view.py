"""Paket masuk: the last package received from each unit (date, sequence, counts, key) and the
merge conflicts waiting for a decision, with the two ways to decide one.

Read-only table models over ``core.packages.merge_conflicts.received_packages`` / ``open_conflicts``; the one
write (keeping a side of a conflict) is ``PlanService.resolve_conflict`` through :class:`.ops.WriteOp`
off the GUI thread; its Changes reload the views and drop the undo steps on the rows decided.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

from ..core import queries
from ..core.localtime import format_datetime, zone_of
from ..core.schema import TABLES
from ..core.service import Changes
from .rows_model import RowsModel


def shown(value) -> str:
    """A value as the conflict lists show it: Indonesian numbers, never rounded away (two values
    that differ in the third decimal must not look alike)."""
    if value is None:
        return "–"
    if isinstance(value, float):
        if round(value, 2) != value:
            return repr(value).replace(".", ",")
        from ..core.numbers import format_number
        return format_number(value)
    return str(value)


def read_lists(conn, own: str) -> dict:
    """What Paket masuk shows, read in a worker (ops.ReadOp) with its own connection."""
    from ..core.packages.merge_conflicts import open_conflicts, received_packages

    last = {r["unit_code"]: r for r in received_packages(conn)}
    units = [u for u in queries.units(conn) if u["code"] != own and (own == "KANWIL" or u["code"] == "KANWIL")]
    known = {u["code"] for u in units}
    received = ([{"unit_code": u["code"], "unit_name": u["name"], **last.get(u["code"], {})} for u in units]
                + [r for code, r in last.items() if code not in known])
    return {"received": received, "conflicts": open_conflicts(conn), "zone": zone_of(conn),
            "unit_names": queries.unit_names(conn)}


class _ListModel(RowsModel):
    """A read-only table of ``rows`` (dicts) under ``HEADERS``, filled by ``set_rows`` with the lists
    read in the background (the office's time zone, unit names)."""

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._zone = None
        self.unit_names: dict[str, str] = {}

    def set_rows(self, rows: list[dict], lists: dict) -> None:
        self._zone = lists.get("zone")        # times as the office reads them ("pukul 23.08 WITA")
        self.unit_names = lists.get("unit_names", {})
        super().set_rows(rows)


class ReceivedPackagesModel(_ListModel):
    """One row per unit whose packages this file takes (every UPT at the Kanwil, the Kanwil at a
    UPT): its last merged package, or "belum ada paket"."""
    HEADERS = ("Satker", "Urutan", "Dibuat di satker", "Digabung", "Oleh", "Baru", "Diubah", "Konflik",
               "Ditolak", "Konflik terbuka", "Sidik jari kunci")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return row.get("unit_name") or row["unit_code"]
            if "sequence" not in row:
                return self.tr("belum ada paket") if col == 1 else ""
            totals = row["totals"]
            sequence = self.tr("{n}, tidak berurutan").format(n=row["sequence"]) if row["out_of_order"] else row["sequence"]
            return [None, sequence, format_datetime(row["created_at"], self._zone),
                    format_datetime(row["merged_at"], self._zone),
                    row["merged_by"], totals["new"], totals["updated"], totals["conflicts"], totals["rejected"],
                    row["open_conflicts"], row["key_fingerprint"]][col]
        if role == Qt.ItemDataRole.TextAlignmentRole and 1 <= col <= 9 and col not in (2, 3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.get("out_of_order"):
            return QBrush(QColor("#8b0000"))          # merged out of order: ask the unit
        if role == Qt.ItemDataRole.ToolTipRole and "sequence" in row:
            late = self.tr("\nTIDAK BERURUTAN: nomor urutnya tidak lebih tinggi daripada paket sebelumnya dari "
                           "satker ini. Tanyakan apakah berkasnya dipulihkan dari cadangan.") if row["out_of_order"] else ""
            return self.tr("Berkas {file}\nDigest paket {digest}").format(
                file=row["file_name"], digest=row["package_digest"]) + late
        return None


class ConflictsModel(_ListModel):
    """Open merge conflicts: the row, the fields that differ, both values and the reason."""
    HEADERS = ("Satker", "Tabel", "Baris", "Kolom", "Nilai di berkas ini", "Nilai dari paket", "Alasan")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            table, fields = row["table_name"], row["fields"]
            return [self.unit_names.get(row["unit_code"], row["unit_code"]), TABLES[table].label, row["label"],
                    ", ".join(field_label(table, f) for f in fields),
                    "; ".join(side_text(f, v[0]) for f, v in fields.items()),
                    "; ".join(side_text(f, v[1]) for f, v in fields.items()), row["reason"]][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 6:
            return row["reason"]
        return None

    def conflict_id(self, row: int) -> int:
        return self.rows[row]["id"]


def field_label(table: str, name: str) -> str:
    """A column as the tabs label it; the tombstone mark is the row's "Status"."""
    if name == "deleted":
        return "Status"
    f = TABLES[table].field_map.get(name)
    return (f.label or name) if f is not None else name


def side_text(name: str, value) -> str:
    """One side of a difference: the tombstone mark reads "dihapus" / "ada"."""
    if name == "deleted":
        return "dihapus" if value else "ada"
    return shown(value)


class PackageView(QWidget):
    """The "Paket masuk" tab."""

    def __init__(self, controller, open_merge=None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.received = ReceivedPackagesModel(controller, self)
        self.conflicts = ConflictsModel(controller, self)

        self.received_view = _table(self.received)
        self.conflict_view = _table(self.conflicts)
        self.conflict_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.conflict_view.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.conflict_label = QLabel()
        self.merge_button = QPushButton(self.tr("Gabungkan Paket…"))
        self.merge_button.setEnabled(open_merge is not None)
        if open_merge is not None:
            self.merge_button.clicked.connect(lambda: open_merge())
        self.keep_here_button = QPushButton(self.tr("Pertahankan nilai di berkas ini"))
        self.keep_package_button = QPushButton(self.tr("Pakai nilai dari paket"))
        self.keep_here_button.clicked.connect(lambda: self.resolve_selected("consolidated"))
        self.keep_package_button.clicked.connect(lambda: self.resolve_selected("package"))
        self.conflict_view.selectionModel().selectionChanged.connect(self._update_buttons)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("<b>Paket terakhir dari tiap satker</b>")))
        top.addStretch(1)
        top.addWidget(self.merge_button)
        decide = QHBoxLayout()
        decide.addWidget(self.conflict_label)
        decide.addStretch(1)
        decide.addWidget(self.keep_here_button)
        decide.addWidget(self.keep_package_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.received_view, 3)
        layout.addLayout(decide)
        layout.addWidget(self.conflict_view, 2)

        self._stale = False
        self._generation = 0
        self.loading = False               # a read of the lists runs
        controller.plan_changed.connect(lambda changes: self._changed())
        controller.file_opened.connect(self._changed)
        self.reload()

    def _changed(self) -> None:
        """Reload now when shown; a hidden tab reloads when it is shown again (every edit in the
        other tabs emits plan_changed)."""
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        if self._stale:
            self.reload()
        super().showEvent(event)

    def reload(self):
        """Read the lists in a worker (ops.ReadOp); the latest read fills the tables."""
        from .ops import ReadOp

        self._stale = False
        self._generation += 1
        if self.controller.store is None:
            self._fill(self._generation, {"received": [], "conflicts": []})
            return None
        self.loading = True
        own, generation = self.controller.unit_code, self._generation
        return ReadOp(self.controller, lambda store, progress: read_lists(store.conn, own),
                      lambda lists: self._fill(generation, lists), parent=self,
                      title=self.tr("Paket masuk")).failure(self._read_failed).run_in_background()

    def _read_failed(self, exc) -> None:
        from .ops import show_failure

        self.loading = False
        show_failure(self, self.tr("Paket masuk"), exc, path=self.controller.path, retry=self.reload)

    def _fill(self, generation: int, lists: dict) -> None:
        if generation != self._generation:
            return                          # a later read is on its way
        self.loading = False
        self.received.set_rows(lists["received"], lists)
        self.conflicts.set_rows(lists["conflicts"], lists)
        self.received_view.resizeColumnsToContents()
        self.conflict_view.resizeColumnsToContents()
        self.conflict_view.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        n = len(self.conflicts.rows)
        self.conflict_label.setText(
            self.tr("<b>Konflik menunggu keputusan: {n}</b>").format(n=n) if n else
            self.tr("<b>Tidak ada konflik yang menunggu keputusan.</b>"))
        self._update_buttons()

    def _update_buttons(self, *args) -> None:
        chosen = bool(self.conflict_view.selectionModel().selectedRows())
        self.keep_here_button.setEnabled(chosen)
        self.keep_package_button.setEnabled(chosen)

    def resolve_selected(self, keep: str):
        """Keep one side of every selected conflict (the choice is recorded with who and when), off the
        GUI thread through ops.WriteOp.  Each decision is its own transaction (the core makes a backup
        before a series of decisions, outside any transaction); the first refusal stops the rest."""
        from .ops import WriteOp

        rows = sorted({i.row() for i in self.conflict_view.selectionModel().selectedRows()})
        chosen = [self.conflicts.conflict_id(r) for r in rows]
        if not chosen:
            return None

        def work(service, progress):
            changes = Changes()
            for number, conflict_id in enumerate(chosen):
                progress(100 * number // len(chosen))
                changes.merge(service.resolve_conflict(conflict_id, keep))
            return changes

        self.keep_here_button.setEnabled(False)
        self.keep_package_button.setEnabled(False)
        self.task = WriteOp(self.controller, work, parent=self, title=self.tr("Konflik")).failure(
            self._decision_failed).with_progress().run_in_background()
        return self.task

    def _decision_failed(self, exc) -> None:
        from .ops import show_failure

        self._update_buttons()
        show_failure(self, self.tr("Konflik"), exc, path=self.controller.path)


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(False)
    view.horizontalHeader().setResizeContentsPrecision(60)   # fit columns to a sample, not every unit
    return view
