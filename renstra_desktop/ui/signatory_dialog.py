"""Penanda tangan laporan: per unit, the head who signs (place, date, a.n., jabatan, name, NIP) and
the paraf rows (Konseptor first, then Pemeriksa…), as the reports print them.

Over the core's ``core.reports.signature_block`` (load_signatory / save_signatory, which checks the
NIP with ``numbers.parse_nip``).  A refusal keeps the dialog open with the core's one-line message
under the form and the wrong field focused; nothing is written until the block is valid.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ..core import queries
from ..core.errors import RenstraError
from ..core.numbers import format_date, format_nip

NIP_EXAMPLE = "19661018 199203 1 001"
PARAF_COLUMNS = ("role", "name", "jabatan")


def open_signatory_dialog(parent, controller, unit_code: str | None = None) -> "SignatoryDialog":
    """Show the form (modal) for ``unit_code`` (default: the file's own unit); returns the dialog."""
    dialog = SignatoryDialog(controller, unit_code, parent)
    dialog.exec()
    return dialog


class SignatoryDialog(QDialog):
    def __init__(self, controller, unit_code: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.saved = None                 # the Signatory last stored
        self.saving = False               # a save runs in the background
        self.setWindowTitle(self.tr("Penanda tangan laporan"))
        self.setMinimumWidth(660)

        self.unit = QComboBox()
        own = controller.unit_code
        for u in queries.units(controller.conn):
            if controller.is_kanwil or u["code"] == own:
                self.unit.addItem(u["name"], u["code"])
        self.unit.setCurrentIndex(max(0, self.unit.findData(unit_code or own)))
        self.unit.setEnabled(self.unit.count() > 1)

        self.place = QLineEdit()
        self.place.setPlaceholderText(self.tr("mis. Mataram"))
        self.date = QLineEdit()
        self.date.setPlaceholderText(self.tr("kosong: tanggal laporan dibuat"))
        self.date.setToolTip(self.tr("Tulis misalnya 22 Desember 2025"))
        self.on_behalf = QLineEdit()
        self.on_behalf.setPlaceholderText(self.tr("kosong bila kepala sendiri; mis. Kepala Kantor Wilayah"))
        self.jabatan = QLineEdit()
        self.name = QLineEdit()
        self.nip = QLineEdit()
        self.nip.setPlaceholderText(NIP_EXAMPLE)
        self.nip.setToolTip(self.tr("18 angka: tanggal lahir, TMT, jenis kelamin, nomor urut"))
        head = QFormLayout()
        head.addRow(self.tr("Tempat"), self.place)
        head.addRow(self.tr("Tanggal"), self.date)
        head.addRow(self.tr("a.n."), self.on_behalf)
        head.addRow(self.tr("Jabatan"), self.jabatan)
        head.addRow(self.tr("Nama"), self.name)
        head.addRow(self.tr("NIP"), self.nip)
        head_box = QGroupBox(self.tr("Kepala (yang menandatangani)"))
        head_box.setLayout(head)

        self.paraf_enabled = QCheckBox(self.tr("Cetak tabel paraf (konseptor dan pemeriksa)"))
        self.paraf = QTableWidget(0, len(PARAF_COLUMNS))
        self.paraf.setHorizontalHeaderLabels([self.tr("Pemroses"), self.tr("Nama"), self.tr("Jabatan")])
        self.paraf.verticalHeader().setVisible(False)
        self.paraf.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.paraf.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.paraf.setMinimumHeight(110)
        add_row = QPushButton(self.tr("Tambah baris paraf"))
        remove_row = QPushButton(self.tr("Hapus baris paraf"))
        add_row.clicked.connect(lambda: self._add_paraf_row({"role": self.tr("Pemeriksa")}))
        remove_row.clicked.connect(lambda: self._remove_paraf_row())
        paraf_buttons = QHBoxLayout()
        paraf_buttons.addWidget(add_row)
        paraf_buttons.addWidget(remove_row)
        paraf_buttons.addStretch(1)
        paraf_layout = QVBoxLayout()
        paraf_layout.addWidget(self.paraf_enabled)
        paraf_layout.addWidget(self.paraf)
        paraf_layout.addLayout(paraf_buttons)
        paraf_box = QGroupBox(self.tr("Paraf (baris pertama: Konseptor)"))
        paraf_box.setLayout(paraf_layout)

        self.preview = QLabel()
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet("background: white; border: 1px solid #c8c8c8; padding: 6px;")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(self.tr("Simpan"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        top = QFormLayout()
        top.addRow(self.tr("Satker"), self.unit)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(head_box)
        left.addWidget(paraf_box, 1)
        columns.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Tercetak di laporan:")))
        right.addWidget(self.preview)
        right.addStretch(1)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        for edit in (self.place, self.date, self.on_behalf, self.jabatan, self.name, self.nip):
            edit.textChanged.connect(self._update_preview)
        self.unit.currentIndexChanged.connect(lambda _=None: self.load())
        self.load()

    # -- fields ---------------------------------------------------------------------------------
    def unit_code(self) -> str:
        return self.unit.currentData()

    def load(self) -> None:
        from ..core.reports.signature_block import load_signatory

        sig = load_signatory(self.controller.conn, self.unit_code())
        self.place.setText(sig.place)
        self.date.setText(format_date(sig.sign_date) if sig.sign_date else "")
        self.on_behalf.setText(sig.on_behalf)
        self.jabatan.setText(sig.jabatan)
        self.name.setText(sig.name)
        self.nip.setText(format_nip(sig.nip))
        self.paraf_enabled.setChecked(sig.paraf_enabled)
        self.paraf.setRowCount(0)
        for row in sig.paraf:
            self._add_paraf_row(row)
        self._show_error("")
        self._update_preview()

    def _add_paraf_row(self, values: dict) -> None:
        row = self.paraf.rowCount()
        self.paraf.insertRow(row)
        for column, key in enumerate(PARAF_COLUMNS):
            self.paraf.setItem(row, column, QTableWidgetItem(str(values.get(key) or "")))

    def _remove_paraf_row(self) -> None:
        rows = sorted({i.row() for i in self.paraf.selectedIndexes()}, reverse=True) or (
            [self.paraf.rowCount() - 1] if self.paraf.rowCount() else [])
        for row in rows:
            self.paraf.removeRow(row)

    def paraf_rows(self) -> list[dict]:
        rows = []
        for r in range(self.paraf.rowCount()):
            values = {key: (self.paraf.item(r, c).text() if self.paraf.item(r, c) else "").strip()
                      for c, key in enumerate(PARAF_COLUMNS)}
            if any(values.values()):
                rows.append(values)
        return rows

    def signatory(self):
        """The block as typed; raises the core's ValidationError for a date it cannot read."""
        from ..core.reports.signature_block import Signatory, parse_date_text

        return Signatory(self.unit_code(), self.place.text(), parse_date_text(self.date.text()),
                         self.on_behalf.text(), self.jabatan.text(), self.name.text(), self.nip.text(),
                         self.paraf_enabled.isChecked(), self.paraf_rows())

    def _update_preview(self) -> None:
        place = self.place.text().strip()
        day = self.date.text().strip() or self.tr("(tanggal laporan)")
        lines = [f"{place}, {day}" if place else day]
        if self.on_behalf.text().strip():
            lines.append(f"a.n. {self.on_behalf.text().strip()},")
        lines += [self.jabatan.text().strip() or self.tr("(jabatan)"), "", "",
                  self.name.text().strip() or "(" + "." * 30 + ")",
                  "NIP " + (format_nip(self.nip.text()) if self.nip.text().strip() else "." * 24)]
        self.preview.setText("\n".join(lines))

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # -- save -----------------------------------------------------------------------------------
    def accept(self) -> None:
        """Store the block off the GUI thread (ops.WriteOp: one transaction, audited); the dialog
        closes when it is stored, a refusal keeps it open with the reason beside the field."""
        from ..core.reports.signature_block import clean_signatory
        from .ops import WriteOp, failure_message, is_busy, show_failure

        sig = self.signatory()
        self.saving = True
        self._set_saving(True)

        def stored(changes) -> None:
            self.saving = False
            self._set_saving(False)
            self.saved = clean_signatory(sig)
            super(SignatoryDialog, self).accept()

        def refused(exc) -> None:
            self.saving = False
            self._set_saving(False)
            if is_busy(exc) or not isinstance(exc, RenstraError):
                show_failure(self, self.windowTitle(), exc, path=self.controller.path, retry=self.accept)
                return
            self._show_error(failure_message(exc))
            field = {"nip": self.nip, "sign_date": self.date, "jabatan": self.jabatan,
                     "paraf": self.paraf}.get(getattr(exc, "field", ""), None)
            if field is not None:
                field.setFocus()
                if isinstance(field, QLineEdit):
                    field.selectAll()

        self.task = WriteOp(self.controller, lambda service, progress: service.save_signatory(sig), parent=self,
                            title=self.windowTitle()).success(stored).failure(refused).run_in_background()

    def _set_saving(self, saving: bool) -> None:
        for button in self.findChildren(QPushButton):
            button.setEnabled(not saving)
