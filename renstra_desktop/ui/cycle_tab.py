"""Siklus Kinerja tab (issue 10): the pohon kinerja (Kanwil IKK -> the unit's own indicators) with
each indicator's manual; the PK and its Rencana Aksi (quarter targets edited in the table);
the measurement of a period (target, realisation, capaian graded against the period's target,
penjelasan / kendala / solusi, evidence files); and the LKjIP narrative sections in a simple
rich-text editor.  Every read and write is a core.cycle call; file reading runs in the worker."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextListFormat
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit,
                               QPushButton, QSpinBox, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
                               QTextBrowser, QTextEdit, QToolButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from ..core import queries
from ..core.cycle import action_plan, agreement, evidence, indicators, measurement, narrative
from ..core.errors import RenstraError
from ..core.numbers import format_number
from ..core.schema import NARRATIVE_SECTIONS
from . import dialogs
from .form_dialog import FormField
from .ops import WriteOp, show_failure
from .risk_monitoring_page import RiskMonitoringPage

QUARTERS = ("TW1", "TW2", "TW3", "TW4")


def _fmt(value, measure=None) -> str:
    if value is None:
        return "–"
    return format_number(value) + ("%" if measure == "%" else "")


class CycleTab(QWidget):
    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._loading = False
        self.year = QSpinBox()
        self.year.setRange(controller.plan_years[0], controller.plan_years[-1])
        self.year.setValue(controller.current_year())
        self.period = QComboBox()
        for code, label in (("TW1", "Triwulan I"), ("TW2", "Triwulan II"), ("TW3", "Triwulan III"),
                            ("TW4", "Triwulan IV"), ("S1", "Semester I"), ("S2", "Semester II"), ("", "Tahunan")):
            self.period.addItem(self.tr(label), code)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Tahun")))
        top.addWidget(self.year)
        top.addWidget(QLabel(self.tr("Periode")))
        top.addWidget(self.period)
        self.unit_label = QLabel()
        top.addWidget(self.unit_label, 1)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Pohon kinerja")])
        self.manual = QTextBrowser()
        self.manual_button = QPushButton(self.tr("Ubah manual…"))
        self.manual_button.setEnabled(False)
        manual_box = QWidget()
        manual_layout = QVBoxLayout(manual_box)
        manual_layout.setContentsMargins(0, 0, 0, 0)
        manual_layout.addWidget(self.manual, 1)
        manual_layout.addWidget(self.manual_button, 0, Qt.AlignmentFlag.AlignRight)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.tree)
        left.addWidget(manual_box)

        self.pages = QTabWidget()
        self.pages.addTab(self._plan_page(), self.tr("PK dan Rencana Aksi"))
        self.pages.addTab(self._measure_page(), self.tr("Pengukuran"))
        self.pages.addTab(self._narrative_page(), self.tr("Narasi LKjIP"))
        self.risk_page = RiskMonitoringPage(self, self._write)
        self.pages.addTab(self.risk_page, self.tr("Pemantauan Risiko"))
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.pages)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        self.tree.currentItemChanged.connect(self._show_manual)
        self.manual_button.clicked.connect(self.edit_manual)
        self.year.valueChanged.connect(self.reload)
        self.period.currentIndexChanged.connect(self.reload)
        self.section.currentIndexChanged.connect(self._load_section)
        controller.plan_changed.connect(lambda _changes: self.reload())
        self.reload()

    # -- pages ------------------------------------------------------------------------------------
    def _plan_page(self) -> QWidget:
        page = QWidget()
        self.pk_status = QLabel()
        self.pk_button = QPushButton(self.tr("Buat PK dari Renstra"))
        self.plan_button = QPushButton(self.tr("Susun Rencana Aksi"))
        self.plan_table = QTableWidget(0, 8)
        self.plan_table.setHorizontalHeaderLabels([self.tr("Indikator"), self.tr("Target PK"), "TW I", "TW II",
                                                   "TW III", "TW IV", self.tr("Penanggung jawab"),
                                                   self.tr("Alasan TW IV")])
        self.plan_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.plan_table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pk_status, 1)
        buttons.addWidget(self.pk_button)
        buttons.addWidget(self.plan_button)
        layout = QVBoxLayout(page)
        layout.addLayout(buttons)
        layout.addWidget(self.plan_table)
        self.pk_button.clicked.connect(self.create_pk)
        self.plan_button.clicked.connect(self.draft_plan)
        self.plan_table.itemChanged.connect(self._plan_edited)
        return page

    def _measure_page(self) -> QWidget:
        page = QWidget()
        self.measure_table = QTableWidget(0, 6)
        self.measure_table.setHorizontalHeaderLabels([self.tr("Indikator"), self.tr("Target periode"),
                                                      self.tr("Realisasi"), self.tr("Capaian"), self.tr("Predikat"),
                                                      self.tr("Capaian s.d. periode")])
        self.measure_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.measure_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.measure_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.explanation, self.obstacles, self.solutions = QPlainTextEdit(), QPlainTextEdit(), QPlainTextEdit()
        form = QFormLayout()
        form.addRow(self.tr("Penjelasan"), self.explanation)
        form.addRow(self.tr("Kendala"), self.obstacles)
        form.addRow(self.tr("Solusi / RTL"), self.solutions)
        self.evidence_list = QLabel()
        self.evidence_list.setWordWrap(True)
        self.note_button = QPushButton(self.tr("Simpan analisis"))
        self.attach_button = QPushButton(self.tr("Lampirkan data dukung…"))
        row = QHBoxLayout()
        row.addWidget(self.evidence_list, 1)
        row.addWidget(self.attach_button)
        row.addWidget(self.note_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.measure_table, 2)
        layout.addLayout(form, 2)
        layout.addLayout(row)
        self.measure_table.currentCellChanged.connect(lambda *_: self._show_note())
        self.note_button.clicked.connect(self.save_note)
        self.attach_button.clicked.connect(self.attach_evidence)
        return page

    def _narrative_page(self) -> QWidget:
        page = QWidget()
        self.section = QComboBox()
        for key in NARRATIVE_SECTIONS:
            self.section.addItem(self.tr(narrative.TITLES[key]), key)
        self.editor = QTextEdit()
        self.editor.setAcceptRichText(True)
        bar = QHBoxLayout()
        bar.addWidget(self.section, 1)
        for text, slot, tip in (("B", self._bold, self.tr("Tebal")), ("I", self._italic, self.tr("Miring")),
                                ("U", self._underline, self.tr("Garis bawah")), ("•", self._bullets, self.tr("Daftar"))):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            bar.addWidget(button)
        self.save_section_button = QPushButton(self.tr("Simpan bagian"))
        bar.addWidget(self.save_section_button)
        self.section_period = QLabel()
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.section_period)
        layout.addWidget(self.editor, 1)
        self.save_section_button.clicked.connect(self.save_section)
        return page

    # -- reading ----------------------------------------------------------------------------------
    @property
    def unit(self) -> str:
        return self.controller.unit_code

    def period_code(self) -> str:
        code = self.period.currentData()
        return f"{self.year.value()}-{code}" if code else str(self.year.value())

    def lkjip_period(self) -> str:
        """A UPT reports per semester, the Kanwil per year."""
        code = self.period.currentData() or ""
        if self.controller.is_kanwil:
            return str(self.year.value())
        return f"{self.year.value()}-{'S1' if code in ('TW1', 'TW2', 'S1') else 'S2'}"

    def reload(self) -> None:
        conn = self.controller.conn
        if conn is None:
            return
        self._loading = True
        try:
            self.unit_label.setText(self.tr("Satker: %s") % queries.unit_names(conn).get(self.unit, self.unit))
            self._load_tree(conn)
            self._load_plan(conn)
            self._load_measure(conn)
            self._load_section()
            self.risk_page.reload(conn)
        finally:
            self._loading = False

    def _load_tree(self, conn) -> None:
        self.tree.clear()
        for node in indicators.tree(conn, None if self.controller.is_kanwil else self.unit):
            top = QTreeWidgetItem([f"{node['code']} {node['name']}"])
            top.setToolTip(0, top.text(0))
            top.setData(0, Qt.ItemDataRole.UserRole, (None, node["code"]))
            for child in node["children"]:
                item = QTreeWidgetItem([f"{child['unit_code']} · {child['code']} {child['name']}"])
                item.setData(0, Qt.ItemDataRole.UserRole, (child["unit_code"], child["code"]))
                item.setToolTip(0, item.text(0))
                top.addChild(item)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()

    def _show_manual(self, item, _previous=None) -> None:
        self.manual_button.setEnabled(item is not None)
        if item is None:
            self.manual.clear()
            return
        unit, code = item.data(0, Qt.ItemDataRole.UserRole)
        rows = {r["code"]: r for r in indicators.manual(self.controller.conn, unit or self.unit)}
        r = rows.get(code) or indicators.indicator_info(self.controller.conn, unit, code)
        lines = [f"<b>{code} {r['name']}</b>"]
        for label, key in (("Definisi", "definition"), ("Formula", "formula"), ("Sumber data", "data_source"),
                           ("Penanggung jawab", "responsible"), ("Polaritas", "polarity_label"),
                           ("Rekap periode", "rollup_label"), ("Satuan", "measure")):
            lines.append(f"{self.tr(label)}: {r.get(key) or '–'}")
        self.manual.setHtml("<br/>".join(lines))

    def _load_plan(self, conn) -> None:
        year = self.year.value()
        revision = agreement.current_revision(conn, self.unit, year)
        self.pk_status.setText(self.tr("PK %s belum dibuat.") % year if revision is None else
                               (self.tr("PK %s berlaku") % year) + (f" ({self.tr('perubahan ke-')}{revision})"
                                                                     if revision else ""))
        self.pk_button.setEnabled(revision is None)
        self.plan_button.setEnabled(revision is not None)
        rows = action_plan.action_plan_rows(conn, self.unit, year) if revision is not None else []
        self.plan_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = [f"{r['code']} {r['name']}", _fmt(r["pk_target"], r["measure"]),
                     *[("" if v is None else format_number(v)) for v in r["quarters"]], r["responsible"], r["tw4_reason"]]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r["code"])
                if j < 2:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.plan_table.setItem(i, j, item)

    def _load_measure(self, conn) -> None:
        try:
            rows = measurement.measurement(conn, self.unit, self.period_code())
        except RenstraError:
            rows = []
        self._measure_rows = rows
        self.measure_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            g, c = r["period_graded"], r["cumulative"]
            cells = [f"{r['code']} {r['name']}", _fmt(g["target"], r["measure"]), _fmt(g["actual"], r["measure"]),
                     _fmt(g["achievement"], "%"), g["grade"] or "–", _fmt(c["achievement"], "%")]
            for j, text in enumerate(cells):
                self.measure_table.setItem(i, j, QTableWidgetItem(text))
        self._show_note()

    def _current_measure(self) -> dict | None:
        row = self.measure_table.currentRow()
        rows = getattr(self, "_measure_rows", [])
        return rows[row] if 0 <= row < len(rows) else None

    def _show_note(self) -> None:
        r = self._current_measure()
        for widget, key in ((self.explanation, "explanation"), (self.obstacles, "obstacles"),
                            (self.solutions, "solutions")):
            widget.setPlainText(r[key] if r else "")
        files = r["evidence"] if r else []
        self.evidence_list.setText(self.tr("Data dukung: ") + (", ".join(
            f"{e['file_name']} ({e['sha256'][:12]})" for e in files) or "–"))
        for w in (self.note_button, self.attach_button):
            w.setEnabled(r is not None)

    def _load_section(self) -> None:
        conn = self.controller.conn
        if conn is None:
            return
        period = self.lkjip_period()
        self.section_period.setText(self.tr("LKjIP periode %s") % period)
        html = narrative.sections(conn, self.unit, period).get(self.section.currentData(), "")
        self.editor.setHtml(html)

    # -- writing ----------------------------------------------------------------------------------
    def _write(self, fn, *args) -> bool:
        """A small write of the cycle (a few rows) through ops.WriteOp on the window's writer thread;
        True once queued (the views reload from its Changes; a refusal is shown and the tab reloads)."""
        def op(service, progress):
            result = fn(service, *args)
            return result[1] if isinstance(result, tuple) else result

        def failed(exc):
            show_failure(self, self.tr("Perubahan ditolak"), exc, path=self.controller.path)
            self.reload()

        WriteOp(self.controller, op, parent=self).failure(failed).run_queued()
        return True

    def edit_manual(self) -> None:
        """The manual of the indicator chosen in the tree, in a form; saved through core.cycle."""
        item = self.tree.currentItem()
        if item is None:
            return
        unit, code = item.data(0, Qt.ItemDataRole.UserRole)
        unit = unit or self.unit
        current = next((r for r in indicators.manual(self.controller.conn, unit) if r["code"] == code), {})
        labels = {"definition": "Definisi", "formula": "Formula", "data_source": "Sumber data",
                  "responsible": "Penanggung jawab", "national_standard": "Standar nasional"}
        values = dialogs.ask_form(self, self.tr("Manual indikator %s") % code, [
            FormField(key, self.tr(labels[key]), "text" if key in ("definition", "formula") else "line",
                      str(current.get(key) or "")) for key in indicators.MANUAL_FIELDS])
        if values is not None:
            self._write(indicators.set_manual, unit, code, values)

    def create_pk(self) -> None:
        self._write(agreement.draft_agreement, self.unit, self.year.value())

    def draft_plan(self) -> None:
        self._write(action_plan.draft_action_plan, self.unit, self.year.value())

    def _plan_edited(self, item) -> None:
        if self._loading or item.column() < 2:
            return
        field = {2: "tw1", 3: "tw2", 4: "tw3", 5: "tw4", 6: "responsible", 7: "tw4_reason"}[item.column()]
        code = item.data(Qt.ItemDataRole.UserRole)
        self._write(action_plan.set_action_plan, self.unit, self.year.value(), code, {field: item.text()})

    def save_note(self) -> None:
        r = self._current_measure()
        if r is None:
            return
        self._write(measurement.set_note, self.unit, r["code"], self.period_code(), {
            "explanation": self.explanation.toPlainText(), "obstacles": self.obstacles.toPlainText(),
            "solutions": self.solutions.toPlainText()})

    def attach_evidence(self) -> None:
        r = self._current_measure()
        path = dialogs.choose_evidence_file(self, self.tr("Pilih berkas data dukung"), "") if r else None
        if path is None:
            return
        unit, code, period = self.unit, r["code"], self.period_code()

        def work(service, progress):     # the file is read in the worker, with its own connection
            return evidence.add_evidence(service, unit, code, period, Path(path))[1]

        self._task = WriteOp(self.controller, work, parent=self,
                             title=self.tr("Data dukung ditolak")).run_in_background()

    def save_section(self) -> None:
        self._write(narrative.set_section, self.unit, self.lkjip_period(), self.section.currentData(),
                    self.editor.toHtml())

    # -- the small editor's buttons ---------------------------------------------------------------
    def _bold(self) -> None:
        weight = QFont.Weight.Normal if self.editor.fontWeight() > QFont.Weight.Normal else QFont.Weight.Bold
        self.editor.setFontWeight(weight)

    def _italic(self) -> None:
        self.editor.setFontItalic(not self.editor.fontItalic())

    def _underline(self) -> None:
        self.editor.setFontUnderline(not self.editor.fontUnderline())

    def _bullets(self) -> None:
        self.editor.textCursor().createList(QTextListFormat.Style.ListDisc)
