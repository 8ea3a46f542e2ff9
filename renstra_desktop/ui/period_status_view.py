"""The "Status verifikasi" tab (issue 9 section 2): every unit × period with its status, since when
and how long it has waited (office time, core.localtime), filtered to what waits for the user; for
the chosen one its history and the submitted values beside the current ones; and the steps this
installation may take on it (Ajukan / Kembalikan / Verifikasi / Sahkan / Buka kunci), each after a
note dialog.  Reads and writes run off the GUI thread (ui.worker); the core decides everything."""
from __future__ import annotations

import datetime as _dt
import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from ..core.numbers import MONTHS
from .period_models import PeriodStatusModel, SubmittedValuesModel
from .period_step_dialog import STEPS, ask_step, run_step, step_texts
from .worker import run_in_background

ROMAN = ("I", "II", "III", "IV")


class PeriodStatusView(QWidget):
    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._load_task = self._detail_task = None
        self._reload_again = False
        self.year = QComboBox()
        for y in controller.plan_years:
            self.year.addItem(str(y), y)
        self.part = QComboBox()
        self.part.addItem(self.tr("Semua periode yang punya status"), "")
        self.part.addItem(self.tr("Tahunan"), "year")
        for n in (1, 2):
            self.part.addItem(self.tr("Semester {n}").format(n=ROMAN[n - 1]), f"S{n}")
        for n in range(1, 5):
            self.part.addItem(self.tr("Triwulan {n}").format(n=ROMAN[n - 1]), f"TW{n}")
        for n, month in enumerate(MONTHS, 1):
            self.part.addItem(month, f"{n:02d}")
        self.year.setAccessibleName(self.tr("Tahun periode"))
        self.part.setAccessibleName(self.tr("Periode"))
        self.waiting = QCheckBox(self.tr("Hanya yang menunggu saya"))
        self.reload_button = QPushButton(self.tr("Muat ulang"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Periode")))
        top.addWidget(self.year)
        top.addWidget(self.part)
        top.addSpacing(12)
        top.addWidget(self.waiting)
        top.addStretch(1)
        top.addWidget(self.reload_button)

        self.model = PeriodStatusModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.setAccessibleName(self.tr("Status verifikasi per satker dan periode"))
        self.empty = QLabel()
        self.empty.setWordWrap(True)

        self.chosen = QLabel(self.tr("Pilih satu baris untuk melihat riwayat dan nilai yang diajukan."))
        self.chosen.setWordWrap(True)
        texts = step_texts(self.tr)
        self.buttons = {step: QPushButton(texts[step]["button"]) for step in STEPS}
        actions = QHBoxLayout()
        actions.addWidget(self.chosen, 1)
        for step in STEPS:
            actions.addWidget(self.buttons[step])
            self.buttons[step].clicked.connect(lambda _=False, s=step: self.take_step(s))
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.RichText)
        self.history.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.values_model = SubmittedValuesModel(self)
        self.values = QTableView()
        self.values.setModel(self.values_model)
        self.values.verticalHeader().hide()
        self.values.horizontalHeader().setStretchLastSection(True)
        self.values.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.values.setAccessibleName(self.tr("Nilai yang diajukan dan nilai sekarang"))
        detail = QWidget()
        dl = QHBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.history, 2)
        dl.addWidget(self.values, 5)

        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(top)
        ul.addWidget(self.table, 1)
        ul.addWidget(self.empty)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(actions)
        ll.addWidget(detail, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._set_defaults()
        for combo in (self.year, self.part):
            combo.currentIndexChanged.connect(lambda _=None: self.reload())
        self.waiting.toggled.connect(lambda _=None: self.reload())
        self.reload_button.clicked.connect(self.reload)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._chosen_changed())
        controller.plan_changed.connect(self._on_plan_changed)
        controller.file_opened.connect(self._on_file_opened)
        self._show_steps(None)
        self.reload()

    # -- what is shown ------------------------------------------------------------------------------
    def _set_defaults(self) -> None:
        """The Kanwil sees what waits for it across all periods; a unit its own current quarter."""
        kanwil = self.controller.store is not None and self.controller.is_kanwil
        self.year.setCurrentIndex(max(0, self.year.findData(self.controller.current_year())))
        self.waiting.setChecked(kanwil)
        if kanwil:
            self.part.setCurrentIndex(0)
        else:
            quarter = (_dt.date.today().month - 1) // 3 + 1
            self.part.setCurrentIndex(self.part.findData(f"TW{quarter}"))

    def period(self) -> str | None:
        """The chosen period code, or None for every period that has a status."""
        part = self.part.currentData()
        if not part:
            return None
        year = str(self.year.currentData())
        return year if part == "year" else f"{year}-{part}"

    def reload(self) -> None:
        if self.controller.store is None:
            self.model.set_rows([])
            self._chosen_changed()
            return
        if self._load_task is not None:
            self._reload_again = True
            return
        self.year.setEnabled(self.part.currentData() != "")
        period, waiting, own = self.period(), self.waiting.isChecked(), self.controller.unit_code
        kanwil = self.controller.is_kanwil

        def work(store, _progress):
            from ..core.period_workflow import overview
            rows = overview(store.conn, period, waiting_at=own if waiting else None)
            return rows if kanwil else [r for r in rows if r["unit_code"] == own]

        self._load_task = run_in_background(self, self.tr("Status verifikasi"), work, self._loaded, self._load_failed,
                                            store_path=self.controller.path, readonly=True, show_dialog=False)

    def _loaded(self, rows: list[dict]) -> None:
        self._load_task = None
        if self._reload_again:
            self._reload_again = False
            QTimer.singleShot(0, self.reload)
        key = self._current_key()
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        for column, width in ((0, 240), (6, 220)):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), width))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        if not rows:
            self.empty.setText(self.tr("Tidak ada periode yang menunggu Anda.") if self.waiting.isChecked()
                               else self.tr("Belum ada periode yang diajukan."))
        self.empty.setVisible(not rows)
        found = next((i for i, r in enumerate(rows) if (r["unit_code"], r["period"]) == key), 0 if rows else None)
        if found is not None:
            self.table.selectRow(found)
        else:
            self._chosen_changed()

    def _load_failed(self, exc) -> None:
        self._load_task = None
        self.empty.setText(getattr(exc, "message", str(exc)))
        self.empty.show()

    def _current_key(self):
        row = self.current_row()
        return (row["unit_code"], row["period"]) if row else None

    def current_row(self) -> dict | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() and index.row() < len(self.model.rows) else None

    def _chosen_changed(self) -> None:
        row = self.current_row() if self.controller.store is not None else None
        self._show_steps(row)
        if row is None:
            self.history.setText("")
            self.values_model.set_rows([])
            return
        unit, period = row["unit_code"], row["period"]

        def work(store, _progress):
            from ..core import period_workflow as wf
            from ..core.localtime import format_datetime, zone_of
            zone = zone_of(store.conn)
            steps = [(wf.STATUS_LABELS[e["event"]], e["updated_by"], format_datetime(e["created_at"], zone),
                      e["note"] or "") for e in wf.history(store.conn, unit, period)]
            return unit, period, steps, wf.comparison(store.conn, unit, period)

        self._detail_task = run_in_background(self, self.tr("Status verifikasi"), work, self._detail_loaded,
                                              lambda exc: None, store_path=self.controller.path, readonly=True,
                                              show_dialog=False)

    def _detail_loaded(self, result) -> None:
        unit, period, steps, values = result
        if self._current_key() != (unit, period):
            return
        lines = [f"<b>{html.escape(self.tr('Riwayat'))}</b>"]
        if not steps:
            lines.append(html.escape(self.tr("Belum ada langkah: periode ini masih draf.")))
        for i, (label, who, when, note) in enumerate(steps, 1):
            text = f"{i}. <b>{html.escape(label)}</b> — {html.escape(who)}, {html.escape(when)}"
            if note:
                text += f"<br>&nbsp;&nbsp;&nbsp;<i>{html.escape(note)}</i>"
            lines.append(text)
        self.history.setText("<br>".join(lines))
        self.values_model.set_rows(values)
        self.values.resizeColumnsToContents()

    def _show_steps(self, row: dict | None) -> None:
        from ..core.period_workflow import available_steps

        allowed = available_steps(self.controller.unit_code, row["unit_code"], row["status"]) if row else []
        for step, button in self.buttons.items():
            button.setEnabled(step in allowed)
        if row is not None:
            self.chosen.setText(self.tr("{unit} — {period}: {status}").format(
                unit=row["unit_name"], period=row["period"], status=row["label"]))

    # -- acting ---------------------------------------------------------------------------------------
    def take_step(self, step: str):
        """Ask for the note of ``step`` on the chosen row, then record it off the GUI thread."""
        row = self.current_row()
        if row is None:
            return None
        note = ask_step(self, step, f"{row['unit_code']} {row['unit_name']}", row["period"], row["label"])
        if note is None:
            return None
        return run_step(self.controller, self, step, row["unit_code"], row["period"], note,
                        lambda _changes: None)

    def _on_plan_changed(self, changes) -> None:
        if not changes.tables or changes.tables & {"period_event", "realisation", "evidence_file", "unit"}:
            self.reload()

    def _on_file_opened(self) -> None:
        self._set_defaults()
        self.reload()
