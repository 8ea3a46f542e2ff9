"""Indikator tab: targets per year with the chosen year's capaian (top), and the selected
indicator's realisations per period with their evidence (bottom)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout,
                               QWidget)

from ..core import queries
from ..core.schema import PERIOD_RE
from ..core.service import Edit
from . import dialogs
from .indicator_models import IndicatorModel, RealisationModel
from .tab_base import PlanTab
from .table_view import PlanTableView


def next_period(period: str) -> str:
    """The period after ``period`` at the same grain (2026-TW4 -> 2027-TW1, 2026-12 -> 2027-01)."""
    year, _, rest = period.partition("-")
    y = int(year)
    if not rest:
        return str(y + 1)
    if rest.startswith("S"):
        return f"{y}-S2" if rest == "S1" else f"{y + 1}-S1"
    if rest.startswith("TW"):
        n = int(rest[2:])
        return f"{y}-TW{n + 1}" if n < 4 else f"{y + 1}-TW1"
    month = int(rest)
    return f"{y}-{month + 1:02d}" if month < 12 else f"{y + 1}-01"


class IndicatorTab(PlanTab):
    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.model = IndicatorModel(controller, self)
        self.realisation_model = RealisationModel(controller, self)

        self.year_combo = QComboBox()
        self._fill_years()
        controller.file_opened.connect(self._fill_years)
        self.year_combo.currentIndexChanged.connect(lambda _: self.model.set_year(self.year_combo.currentData()))
        self.year_combo.setToolTip(self.tr("Tahun yang realisasi dan capaiannya ditampilkan"))
        legend = QLabel(self.tr("Capaian: hijau ≥ 100 % · kuning 80–99 % · jingga 60–79 % · merah < 60 % · "
                                "sel abu-abu hanya-baca"))
        legend.setStyleSheet("color: #555;")
        legend.setWordWrap(True)
        top_bar = QHBoxLayout()
        top_bar.addWidget(QLabel(self.tr("Tahun capaian:")))
        top_bar.addWidget(self.year_combo)
        top_bar.addSpacing(16)
        top_bar.addWidget(legend, 1)

        self.view = self.track(PlanTableView(placeholder=self.tr(
            "Belum ada target untuk satker ini. Pilih Sunting → Tambah baris untuk menambah IKK.")))
        self.view.fit_rows = True
        self.view.setModel(self.model)
        top_bar.addWidget(self.make_filter(self.view))
        self.view.selectionModel().currentRowChanged.connect(self._follow_selection)
        self.model.modelReset.connect(self._reselect)

        self.realisation_heading = QLabel()
        self.realisation_heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.realisation_heading.font()
        font.setBold(True)
        self.realisation_heading.setFont(font)
        self.add_period_button = QPushButton(self.tr("Tambah periode…"))
        self.add_period_button.clicked.connect(lambda: self.add_period())
        self.remove_period_button = QPushButton(self.tr("Hapus periode"))
        self.remove_period_button.clicked.connect(lambda: self.remove_period())
        heading_bar = QHBoxLayout()
        heading_bar.addWidget(self.realisation_heading, 1)
        heading_bar.addWidget(self.add_period_button)
        heading_bar.addWidget(self.remove_period_button)

        self.realisation_view = self.track(PlanTableView(placeholder=self.tr(
            "Belum ada realisasi untuk indikator ini. Klik “Tambah periode” untuk mengisi realisasi "
            "tahunan, semester, triwulan atau bulanan.")))
        self.realisation_view.setModel(self.realisation_model)
        self.realisation_view.paste_rows = self.paste_periods
        self.realisation_view.horizontalHeader().setStretchLastSection(True)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 6, 0, 0)
        bottom_layout.addLayout(heading_bar)
        bottom_layout.addWidget(self.realisation_view)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([540, 200])        # the indicators first; a few periods below

        layout = QVBoxLayout(self)
        layout.addLayout(top_bar)
        layout.addWidget(self.splitter, 1)
        self._selected_key = None
        self._follow_selection()

    # -- selection ------------------------------------------------------------------------------
    def selected_row(self) -> dict | None:
        index = self.view.currentIndex()
        return self.model.row_dict(index.row()) if index.isValid() else None

    def _follow_selection(self, *args) -> None:
        row = self.selected_row()
        if row is None:
            self.realisation_model.set_selection(None, None)
            self.realisation_heading.setText(self.tr("Realisasi per periode: pilih indikator di tabel atas."))
            return
        self._selected_key = self.model.row_key(row)
        self.realisation_model.set_selection(row["unit_code"], row["indicator_code"])
        self.realisation_heading.setText(self.tr("Realisasi per periode: {code} · {unit}").format(
            code=row["indicator_code"], unit=row["unit_name"]))

    def _reselect(self) -> None:
        if self.model.loading:
            return             # the rows are being read: selected when they arrive
        key = self._selected_key
        if not (key and self.view.select_row_of(lambda r: self.model.row_key(r) == key, self._first_column())):
            self.view.select_row_of(lambda r: True, self._first_column())
        self._follow_selection()

    def _first_column(self) -> int:
        return self.model.column_index("indicator_code") if self.model.columnCount() else 0

    # -- PlanTab --------------------------------------------------------------------------------
    def set_unit(self, unit_code: str | None) -> None:
        self.model.set_unit(unit_code)

    def add_row(self) -> bool:
        if self.current_view() is self.realisation_view:
            return self.add_period()
        return self.add_target_line()

    def removable(self, model, rows):
        if model is self.realisation_model:
            return super().removable(model, rows)
        ids = []
        for r in rows:
            row = model.row_dict(r)
            own = model.target_row_ids(row)
            if not own:
                return "indicator_target", [], self.tr(
                    "Target {code} {unit} tidak dapat dihapus dari berkas ini.").format(
                    code=row["indicator_code"], unit=row["unit_name"])
            ids += own
        return "indicator_target", ids, None

    def add_period(self) -> bool:
        """Tambah periode: pick year and kind of period (no codes to type); one already there or
        approved keeps the picker open with the reason."""
        row = self.selected_row()
        if row is None:
            dialogs.info(self.window(), self.tr("Tambah periode"), self.tr("Pilih dulu indikatornya di tabel atas."))
            return False
        periods = [r["period"] for r in self.realisation_model.rows()]
        suggestion = next_period(periods[-1]) if periods else f"{self.model.year}-TW1"
        period = dialogs.choose_period(
            self.window(), self.tr("Tambah periode realisasi"),
            self.tr("Realisasi {code} · {unit}").format(code=row["indicator_code"], unit=row["unit_name"]),
            suggestion, self.period_refusal, self.controller.plan_years)
        if period is None:
            return False
        return self.controller.insert("realisation", [{
            "unit_code": row["unit_code"], "indicator_code": row["indicator_code"], "period": period,
            "value": None, "evidence": "",
        }], self.tr("Tambah periode {period}").format(period=period.strip().upper()),
            then=lambda ids: self.start_editing(self.realisation_view, ids[0], "value"))

    def period_refusal(self, period: str) -> str | None:
        """Why ``period`` cannot be added to the selected indicator's realisations, or None."""
        if period in {r["period"] for r in self.realisation_model.rows()}:
            return self.tr("Periode {period} sudah ada di tabel realisasi; isi nilainya di sana.").format(period=period)
        return self.realisation_model.closed_reason(period)

    def paste_periods(self, grid: list[list[str]], top: int, left: int) -> bool | None:
        """A range pasted at the Periode column: each line is a period (code), its realisation and
        evidence (a "Jenis" column as copied from this table is skipped), matched by period, not by
        position.  Periods not in the table yet are added after a confirmation; all in one step."""
        model = self.realisation_model
        row = self.selected_row()
        if row is None or left != 0 or not grid:
            return None
        periods = [line[0].strip().upper() for line in grid]
        if not all(PERIOD_RE.match(p) for p in periods):
            return None                       # not period lines: the ordinary paste decides
        title = self.tr("Tempel realisasi")
        if len(set(periods)) != len(periods):
            dialogs.warn(self.window(), title, self.tr("Periode yang sama muncul dua kali di rentang yang ditempel; "
                                                       "tidak ada yang ditempel."))
            return False
        grains = {model.grain_label(queries.period_grain(p)) for p in periods}
        skip = 1 if all(len(line) > 1 and line[1].strip() in grains for line in grid) else 0
        existing = {r["period"]: r for r in model.rows()}
        new = [p for p in periods if p not in existing]
        if new and not dialogs.ask(self.window(), title, self.tr(
                "Periode {periods} belum ada di realisasi {code} · {unit}.\n\nTambahkan periode itu dengan nilai "
                "yang ditempel?").format(periods=", ".join(new), code=row["indicator_code"], unit=row["unit_name"])):
            return False
        inserts, edits = [], []
        for period, line in zip(periods, grid):
            cells = line[1 + skip:]
            values = {"value": cells[0] if cells else None, "evidence": cells[1] if len(cells) > 1 else None}
            if period in existing:
                edits += [Edit("realisation", existing[period]["id"], key, value)
                          for key, value in values.items() if value is not None]
            else:
                inserts.append({"unit_code": row["unit_code"], "indicator_code": row["indicator_code"],
                                "period": period, "value": values["value"], "evidence": values["evidence"] or ""})
        return self.controller.insert_and_apply("realisation", inserts, edits,
                                                self.tr("Tempel {n} periode").format(n=len(periods)))

    def remove_period(self) -> bool:
        self._current = self.realisation_view
        return self.remove_rows()

    def _fill_years(self) -> None:
        """The plan's years in the year selector (another file may span other years)."""
        years = self.controller.plan_years
        if self.model.year not in years:
            self.model.year = self.controller.current_year()
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in years:
            self.year_combo.addItem(str(year), year)
        self.year_combo.setCurrentIndex(years.index(self.model.year))
        self.year_combo.blockSignals(False)

    def add_target_line(self) -> bool:
        """A new unit x IKK line of targets of the plan's years (values empty); targets are the Kanwil's."""
        conn = self.controller.conn
        title = self.tr("Tambah baris target")
        if not self.controller.is_kanwil:
            dialogs.info(self.window(), title, self.tr(
                "Target satker ditetapkan Kantor Wilayah dan diterima melalui paket Kantor Wilayah. "
                "Untuk mengisi realisasi, pilih tabel Realisasi per periode lalu Tambah periode."))
            return False
        self.model.ensure_current()
        units = queries.units(conn) if self.model.unit_code is None else [
            u for u in queries.units(conn) if u["code"] == self.model.unit_code]
        existing = {self.model.row_key(r) for r in self.model.rows()}
        options = [(u, ind) for u in units for ind in queries.indicators(conn)
                   if (u["code"], ind["code"]) not in existing]
        if not options:
            dialogs.info(self.window(), title, self.tr("Setiap IKK sudah memiliki baris target untuk satker ini."))
            return False
        index = dialogs.choose_item(self.window(), title, self.tr("IKK dan satker:"),
                                    [f"{ind['code']} – {u['name']}" for u, ind in options])
        if index is None:
            return False
        unit, ind = options[index]
        def select(ids):
            self._selected_key = (unit["code"], ind["code"])
            self._reselect()

        return self.controller.insert("indicator_target", [
            {"unit_code": unit["code"], "indicator_code": ind["code"], "year": y, "value": None}
            for y in self.controller.plan_years], self.tr("Tambah target {code}").format(code=ind["code"]), then=select)

