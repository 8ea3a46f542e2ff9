"""Ringkasan tab: the province or one unit at a glance for a chosen period.

Its own scope selector: the Kanwil starts on the whole province (Seluruh satker) and may pick a unit;
a UPT sees its own unit.  It is not a PlanTab (nothing here is edited), so the Sunting actions do
nothing on it.

Left, the unit × IKK grid of capaian coloured by band with each unit's verification status (a click
opens the cell's row in Indikator); right, a trend chart per IKK, the inherent and residual heat maps
(a click lists the cell's risks) with the risks above appetite and untreated, the budget absorption
bars, and what waits.  Every figure comes from :func:`renstra_desktop.core.summary.summary`, read in
a worker thread with its own connection (ui.worker); the GUI thread only lays out the result.  The
tab reloads when the plan changes, and only while it is shown (otherwise when it is next shown).
"""
from __future__ import annotations

import datetime as _dt

import shiboken6

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFrame, QGridLayout, QHBoxLayout, QHeaderView,
                               QLabel, QListWidget, QScrollArea, QSplitter, QTableView, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from ..core import queries
from ..core import summary as core_summary
from ..core.numbers import format_number
from ..core.reports.base import period_label
from ..core.plan_profile import year_within
from ..core.schema import PLAN_YEARS
from .models import GRADE_COLOURS, GRADE_ROLE
from .summary_charts import AbsorptionBars, HeatMap, TrendChart
from .worker import run_in_background

KEY_ROLE = Qt.ItemDataRole.UserRole + 20      # (unit_code, indicator_code) of a grid cell
SORT_ROLE = Qt.ItemDataRole.UserRole + 21     # the number a column sorts by (capaian, missing last)
GRAINS = (("", "Tahunan"), ("S1", "Semester I"), ("S2", "Semester II"), ("TW1", "Triwulan I"),
          ("TW2", "Triwulan II"), ("TW3", "Triwulan III"), ("TW4", "Triwulan IV"))


def default_period(today: _dt.date | None = None, years: tuple = PLAN_YEARS) -> str:
    """The current quarter of this year, or the plan year when today is outside the plan's ``years``."""
    today = today or _dt.date.today()
    year = year_within(years, today)
    return f"{year}-TW{(today.month - 1) // 3 + 1}" if year == today.year else str(year)


class SummaryGridModel(QAbstractTableModel):
    """Rows: units; columns: Satker, one per IKK (capaian), Status."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid: dict = {"indicators": [], "rows": []}
        self.status_labels: dict = {}

    def set_grid(self, grid: dict, status_labels: dict) -> None:
        self.beginResetModel()
        self.grid, self.status_labels = grid, status_labels
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.grid["rows"])

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.grid["indicators"]) + 2

    def indicator_at(self, column: int) -> dict | None:
        inds = self.grid["indicators"]
        return inds[column - 1] if 1 <= column <= len(inds) else None

    def cell(self, row: int, column: int) -> dict | None:
        ind = self.indicator_at(column)
        return None if ind is None else self.grid["rows"][row]["cells"].get(ind["code"])

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        ind = self.indicator_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return self.tr("Satker")
            return ind["code"] if ind else self.tr("Status")
        if role == Qt.ItemDataRole.ToolTipRole:
            if ind:
                return f"{ind['code']} {ind['name']}"
            if section == self.columnCount() - 1:
                return self.tr("Status verifikasi periode ini (draf, diajukan, dikembalikan, diverifikasi, disahkan)")
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.grid["rows"][index.row()]
        col = index.column()
        ind = self.indicator_at(col)
        if ind is None:
            text = row["unit_name"] if col == 0 else (self.status_labels.get(row["status"]) or "–")
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                return text
            if role == Qt.ItemDataRole.ToolTipRole and col == 0:
                return row["unit_code"]
            return None
        cell = row["cells"].get(ind["code"]) or {}
        cap = cell.get("achievement")
        if role == Qt.ItemDataRole.DisplayRole:
            return "–" if cap is None else f"{format_number(cap, 1)} %"
        if role == SORT_ROLE:
            return float("inf") if cap is None else cap
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = GRADE_COLOURS.get(cell.get("grade_role"))
            return QBrush(QColor(colour)) if colour else None
        if role == GRADE_ROLE:
            return cell.get("grade_role")
        if role == KEY_ROLE:
            return row["unit_code"], ind["code"]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            measure = ind["measure"]
            unit_suffix = " %" if measure == "%" else ""
            through = f" ({cell['through']})" if cell.get("through") else ""
            return self.tr("{code} · {unit}\ntarget {target} · realisasi {actual}{through}\ncapaian {cap}{grade}\n"
                           "Klik untuk membuka barisnya di tab Indikator.").format(
                code=ind["code"], unit=row["unit_name"],
                target=format_number(cell.get("target")) + (unit_suffix if cell.get("target") is not None else ""),
                actual=format_number(cell.get("actual")) + (unit_suffix if cell.get("actual") is not None else ""),
                through=through, cap="–" if cap is None else f"{format_number(cap, 1)} %",
                grade=f" ({cell['grade']})" if cell.get("grade") else "")
        return None


def _section(title: str) -> QLabel:
    label = QLabel(title)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class SummaryTab(QWidget):
    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.unit_code: str | None = None
        self.period = default_period(years=controller.plan_years)
        self.data: dict | None = None
        self._token = 0
        self._cache: dict[tuple, object] = {}     # parts already read, per scope (and period or year)
        self._generation = 0                       # rises when the plan changes: older reads are not kept
        self._stale = True
        self.loading = False

        self.year_combo = QComboBox()
        self._fill_years()
        self.grain_combo = QComboBox()
        for code, label in GRAINS:
            self.grain_combo.addItem(self.tr(label), code)
        self._show_period()
        self.year_combo.currentIndexChanged.connect(self._period_chosen)
        self.grain_combo.currentIndexChanged.connect(self._period_chosen)
        self.scope_combo = QComboBox()
        self.scope_combo.setMinimumContentsLength(22)
        self.scope_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.scope_combo.currentIndexChanged.connect(self._scope_chosen)
        scope_label = QLabel(self.tr("&Cakupan:"))
        scope_label.setBuddy(self.scope_combo)
        year_label, grain_label = QLabel(self.tr("&Tahun:")), QLabel(self.tr("&Periode:"))
        year_label.setBuddy(self.year_combo)
        grain_label.setBuddy(self.grain_combo)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setStyleSheet("color: #555;")
        bar = QHBoxLayout()
        for w in (scope_label, self.scope_combo, year_label, self.year_combo, grain_label, self.grain_combo):
            bar.addWidget(w)
        bar.addSpacing(12)
        bar.addWidget(self.caption, 1)

        self.grid_model = SummaryGridModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.grid_model)
        self.proxy.setSortRole(SORT_ROLE)
        self.grid_view = QTableView()
        self.grid_view.setModel(self.proxy)
        self.grid_view.setSortingEnabled(True)
        self.grid_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)     # directory order until a header is clicked
        self.grid_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid_view.verticalHeader().setDefaultSectionSize(22)
        self.grid_view.verticalHeader().hide()
        self.grid_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid_view.clicked.connect(self._grid_clicked)
        self.grid_view.activated.connect(self._grid_clicked)
        self.grid_view.setAccessibleName(self.tr("Tabel capaian per satker dan IKK"))
        legend = QLabel(self.tr("Hijau ≥ 100 % · kuning 80–99 % · jingga 60–79 % · merah < 60 % · “–” belum ada "
                                "angka. Klik sel: barisnya di Indikator."))
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #555;")
        self.waiting_tree = QTreeWidget()
        self.waiting_tree.setHeaderHidden(True)
        self.waiting_tree.setAccessibleName(self.tr("Yang menunggu"))
        self.waiting_tree.setFixedHeight(118)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(_section(self.tr("Capaian per satker")))
        left_layout.addWidget(self.grid_view, 1)
        left_layout.addWidget(legend)
        left_layout.addWidget(_section(self.tr("Yang menunggu")))
        left_layout.addWidget(self.waiting_tree)

        # right: trends, risks, budget, what waits
        self.trend_box = QGridLayout()
        self.trend_charts: list[TrendChart] = []
        self.inherent_map = HeatMap(self.tr("Inheren"))
        self.residual_map = HeatMap(self.tr("Residual"))
        for stage, heat in (("inherent", self.inherent_map), ("residual", self.residual_map)):
            heat.setAccessibleName(self.tr("Peta risiko {stage}").format(stage=heat.title.lower()))
            heat.cellClicked.connect(lambda k, d, s=stage: self.show_cell(s, k, d))
        self.risk_note = QLabel()
        self.risk_note.setWordWrap(True)
        self.risk_list = QListWidget()
        self.risk_list.setAccessibleName(self.tr("Daftar risiko sel terpilih"))
        self.risk_list.setMinimumWidth(160)
        self.risk_list.setWordWrap(True)
        self.risk_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.risk_list.setMaximumHeight(190)
        risk_row = QHBoxLayout()
        risk_row.addWidget(self.inherent_map)
        risk_row.addWidget(self.residual_map)
        risk_side = QVBoxLayout()
        risk_side.addWidget(self.risk_note)
        risk_side.addWidget(self.risk_list, 1)
        risk_row.addLayout(risk_side, 1)

        self.bars = AbsorptionBars()
        self.bars.setAccessibleName(self.tr("Serapan anggaran per satker dan baris"))
        self.bars_scroll = QScrollArea()
        self.bars_scroll.setWidget(self.bars)
        self.bars_scroll.setWidgetResizable(True)
        self.bars_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.bars_scroll.setMinimumHeight(90)
        self.bars_scroll.setMaximumHeight(160)
        self.budget_caption = QLabel()
        self.budget_caption.setStyleSheet("color: #555;")
        self.budget_caption.setWordWrap(True)


        right = QWidget()
        grid = QGridLayout(right)
        grid.setContentsMargins(4, 0, 4, 4)
        grid.addWidget(_section(self.tr("Tren per IKK")), 0, 0)
        grid.addLayout(self.trend_box, 1, 0)
        grid.addWidget(_section(self.tr("Peta risiko (jumlah risiko per sel; klik sel untuk daftarnya)")), 2, 0)
        grid.addLayout(risk_row, 3, 0)
        budget_head = QHBoxLayout()
        budget_head.addWidget(_section(self.tr("Serapan anggaran")))
        budget_head.addWidget(self.budget_caption, 1)
        grid.addLayout(budget_head, 4, 0)
        grid.addWidget(self.bars_scroll, 5, 0)
        grid.setRowStretch(6, 1)
        scroll = QScrollArea()
        scroll.setWidget(right)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setAccessibleName(self.tr("Ringkasan grafik"))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)
        self._split = False
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(150)          # a burst of edits reloads once
        self._reload_timer.timeout.connect(self.refresh)
        controller.plan_changed.connect(lambda _changes: self._plan_changed())
        controller.file_opened.connect(self._plan_changed)
        controller.file_opened.connect(self._fill_scopes)
        controller.file_opened.connect(self._refill_years)
        self._fill_scopes()

    # -- scope -------------------------------------------------------------------------------------
    def _fill_scopes(self) -> None:
        """Kanwil: Seluruh satker and every unit (the province first); UPT: its own unit only."""
        if self.controller.store is None:
            return
        units = queries.units(self.controller.conn)
        combo = self.scope_combo
        combo.blockSignals(True)
        combo.clear()
        if self.controller.is_kanwil:
            combo.addItem(self.tr("Seluruh satker"), None)
            for u in units:
                combo.addItem(u["name"], u["code"])
        else:
            own = self.controller.unit_code
            combo.addItem(next((u["name"] for u in units if u["code"] == own), own), own)
        combo.setEnabled(self.controller.is_kanwil)
        combo.setCurrentIndex(0)
        combo.blockSignals(False)
        self.unit_code = combo.currentData()
        self._invalidate()

    def _scope_chosen(self, *_args) -> None:
        self.set_unit(self.scope_combo.currentData())

    def set_unit(self, unit_code: str | None) -> None:
        """Show ``unit_code`` (None: the whole province)."""
        self.unit_code = unit_code
        index = self.scope_combo.findData(unit_code)
        if index >= 0 and index != self.scope_combo.currentIndex():
            self.scope_combo.blockSignals(True)
            self.scope_combo.setCurrentIndex(index)
            self.scope_combo.blockSignals(False)
        self._invalidate()

    # -- loading --------------------------------------------------------------------------------------
    def _plan_changed(self) -> None:
        self._cache.clear()                         # every figure may have changed
        self._generation += 1
        self._invalidate()

    def _invalidate(self) -> None:
        self._stale = True
        if self.isVisible():
            self._reload_timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._split:                    # first show: the grid gets about a third of the width
            self._split = True
            width = max(self.width(), 600)
            self.splitter.setSizes([int(width * 0.36), width - int(width * 0.36)])
        if self._stale:
            self._reload_timer.start(0)

    def _fill_years(self) -> None:
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in self.controller.plan_years:
            self.year_combo.addItem(str(year), year)
        self.year_combo.blockSignals(False)

    def _refill_years(self) -> None:
        """Another file may span other years: its years, and its default period when ours is outside."""
        self._fill_years()
        if self.controller.store is not None and int(self.period[:4]) not in self.controller.plan_years:
            self.period = default_period(years=self.controller.plan_years)
        self._show_period()

    def _show_period(self) -> None:
        for combo in (self.year_combo, self.grain_combo):
            combo.blockSignals(True)
        self.year_combo.setCurrentIndex(max(0, self.year_combo.findData(int(self.period[:4]))))
        self.grain_combo.setCurrentIndex(max(0, self.grain_combo.findData(self.period[5:])))
        for combo in (self.year_combo, self.grain_combo):
            combo.blockSignals(False)

    def _period_chosen(self, *_args) -> None:
        grain = self.grain_combo.currentData()
        self.set_period(f"{self.year_combo.currentData()}{'-' + grain if grain else ''}")

    def set_period(self, period: str) -> None:
        self.period = period
        self._show_period()
        self._invalidate()

    def _keys(self, unit, period) -> dict[str, tuple]:
        """Cache key of each part: what it depends on besides the plan."""
        return {"grid": ("grid", unit, period), "trends": ("trends", unit), "risks": ("risks", unit),
                "budget": ("budget", unit, period[:4]), "waiting": ("waiting", unit, period)}

    def refresh(self) -> None:
        """Read the parts not yet read in a worker (its own connection); the newest request wins."""
        if self.controller.store is None:
            return
        self._token += 1
        token, unit, period = self._token, self.unit_code, self.period
        keys = self._keys(unit, period)
        if len(self._cache) > 60:
            self._cache.clear()
        missing = tuple(part for part, key in keys.items() if key not in self._cache or part == "waiting")
        generation = self._generation
        self._stale = False
        self.loading = True
        self.caption.setText(self.tr("Memuat ringkasan…"))
        self._read(self.tr("Ringkasan"),
                   lambda store, progress: core_summary.summary(store.conn, unit, period, parts=missing),
                   lambda result: self._loaded(token, generation, keys, result), lambda exc: self._failed(token, exc))

    def _read(self, title: str, fn, on_done, on_error=None) -> None:
        """Run ``fn`` in a worker on the plan (read-only); the answer reaches this tab only while it
        exists (a window closed during a read leaves the task to finish on its own)."""
        alive = lambda: shiboken6.isValid(self)        # noqa: E731
        run_in_background(None, title, fn, lambda result: alive() and on_done(result),
                          lambda exc: alive() and on_error(exc) if on_error else None,
                          store_path=self.controller.path, readonly=True, show_dialog=False)

    def _failed(self, token: int, exc) -> None:
        if token == self._token:
            self.loading = False
            self.caption.setText(getattr(exc, "message", None) or self.tr("Ringkasan tidak dapat dimuat: {e}").format(e=exc))

    def _loaded(self, token: int, generation: int, keys: dict, result: dict) -> None:
        if generation != self._generation:
            return           # read before the plan changed: a new read follows (now or when shown)
        for part, key in keys.items():
            if part in result:
                self._cache[key] = result[part]
        if token != self._token:
            return           # an older request: a newer one is on its way
        self.loading = False
        self.data = {**result, **{part: self._cache[key] for part, key in keys.items()}}
        self.apply(self.data)

    # -- showing ---------------------------------------------------------------------------------------
    def scope_label(self) -> str:
        if self.unit_code is None:
            return self.tr("Seluruh satker")
        return next((r["unit_name"] for r in self.data["grid"]["rows"] if r["unit_code"] == self.unit_code),
                    self.unit_code) if self.data else self.unit_code

    def apply(self, data: dict) -> None:
        self.grid_model.set_grid(data["grid"], {k: self.tr(v) for k, v in data["status_labels"].items()})
        header = self.grid_view.horizontalHeader()
        self.grid_view.setColumnWidth(0, 150)
        for c in range(1, self.grid_model.columnCount()):
            header.resizeSection(c, 62 if c < self.grid_model.columnCount() - 1 else 80)
        rows = len(data["grid"]["rows"])
        self.caption.setText(self.tr("{scope} · {period} · {n} satker").format(
            scope=self.scope_label(), period=period_label(data["period"]), n=rows))
        self._apply_trends(data["trends"])
        self._apply_risks(data["risks"])
        budget = data["budget"]
        self.bars.set_budget(budget, with_lines=True)
        self.bars_scroll.setFixedHeight(min(self.bars.height() + 4, 160))
        self.budget_caption.setText(self.tr("tahun {year} · juta rupiah · realisasi / pagu · % serapan · "
                                            "seluruhnya {real} / {pagu} ({pct})").format(
            year=budget["year"], real=format_number(budget["realised"], 2), pagu=format_number(budget["pagu"], 2),
            pct="–" if budget["absorption"] is None else f"{format_number(budget['absorption'], 1)} %"))
        self._apply_waiting(data["waiting"])

    def _apply_trends(self, trends: list[dict]) -> None:
        while len(self.trend_charts) < len(trends):
            chart = TrendChart()
            n = len(self.trend_charts)
            self.trend_charts.append(chart)
            self.trend_box.addWidget(chart, n // 3, n % 3)
        for chart in self.trend_charts[len(trends):]:
            chart.hide()
        for chart, trend in zip(self.trend_charts, trends):
            if self.unit_code is None:
                caption = self.tr("rata-rata {n} satker").format(n=trend["units"])
            else:
                caption = self.scope_label()
            chart.set_trend(trend, caption)
            chart.setAccessibleName(self.tr("Tren {code}").format(code=trend["code"]))
            chart.show()

    def _apply_risks(self, risks: dict) -> None:
        self.inherent_map.set_counts(risks["inherent"], risks["matrix"], risks["levels"])
        self.residual_map.set_counts(risks["residual"], risks["matrix"], risks["levels"])
        self.risk_note.setText(self.tr(
            "{total} risiko terdaftar ({unscored} belum dinilai). Di atas selera risiko ({appetite}): "
            "<b>{above_appetite}</b>, tanpa perlakuan: <b>{untreated}</b>.").format(**risks))
        self.risk_list.clear()
        self.risk_list.addItem(self.tr("Klik sel peta untuk melihat risikonya."))

    def _apply_waiting(self, waiting: dict) -> None:
        tree = self.waiting_tree
        tree.clear()
        groups = [(self.tr("Periode diajukan, belum diverifikasi"), [w["unit_name"] for w in waiting["submitted"]],
                   self.tr("lihat tab Status verifikasi"))]
        if waiting["receives_packages"]:
            groups.append((self.tr("Paket belum diterima {q}").format(q=period_label(waiting["quarter"])),
                           [self.tr("{name} (terakhir: {last})").format(name=m["unit_name"], last=m["last_received"])
                            if m["last_received"] else self.tr("{name} (belum pernah)").format(name=m["unit_name"])
                            for m in waiting["packages_missing"]], ""))
        groups.append((self.tr("Konflik penggabungan terbuka"),
                       [self.tr("{name}: {n} konflik").format(name=c["unit_name"], n=c["open"])
                        for c in waiting["conflicts"]], ""))
        for title, items, note in groups:
            count = len(items) if title != groups[-1][0] else sum(c["open"] for c in waiting["conflicts"])
            head = QTreeWidgetItem([f"{title}: {count}" + (f" — {note}" if note and not items else "")])
            head.addChildren([QTreeWidgetItem([text]) for text in items])
            tree.addTopLevelItem(head)
            head.setExpanded(0 < len(items) <= 12)

    # -- interaction ---------------------------------------------------------------------------------------
    def _grid_clicked(self, index) -> None:
        key = self.proxy.data(index, KEY_ROLE)
        if key is not None:
            self.open_in_indicators(*key)

    def open_in_indicators(self, unit_code: str, indicator_code: str) -> bool:
        """Show the Indikator tab at the period's year with the unit's IKK row selected."""
        window = self.window()
        tab = getattr(window, "indicator_tab", None)
        if tab is None:
            return False
        if window.selected_unit() not in (None, unit_code):
            window.set_selected_unit(unit_code)       # the Indikator tab must list that unit
        year = int(self.period[:4])
        if tab.model.year != year:
            tab.year_combo.setCurrentIndex(tab.year_combo.findData(year))
        window.tabs.setCurrentWidget(tab)
        found = tab.view.select_row_of(lambda r: tab.model.row_key(r) == (unit_code, indicator_code),
                                       tab.model.column_index("indicator_code"))
        tab.view.setFocus()
        return found

    def show_cell(self, stage: str, likelihood: int, impact: int) -> None:
        """List the risks of a heat-map cell (read in a worker)."""
        unit = self.unit_code
        self.risk_list.clear()
        self.risk_list.addItem(self.tr("Memuat…"))
        label = self.tr("inheren") if stage == "inherent" else self.tr("residual")
        self._read(self.tr("Risiko"),
                   lambda store, progress: core_summary.risks_in_cell(store.conn, unit, stage, likelihood, impact),
                   lambda items: self._show_risks(items, label, likelihood, impact))

    def _show_risks(self, items: list[dict], label: str, likelihood: int, impact: int) -> None:
        self.risk_list.clear()
        self.risk_list.addItem(self.tr("Sel {stage} K{k} × D{d}: {n} risiko").format(
            stage=label, k=likelihood, d=impact, n=len(items)))
        for item in items:
            treated = "" if item["treated"] else self.tr(" · tanpa perlakuan")
            self.risk_list.addItem(f"{item['unit_name']} · {item['area']} {item['seq']}: {item['risk']}{treated}")
