"""Konfirmasi kunci satker: the keys seen for the first time, all in one list.

The Kanwil confirms a unit's key once, by reading its fingerprint back over the phone (or against an
official letter).  A first merge of many units' packages showed one question per key, one after
another: 530 modal questions at national scale, with the window frozen while they were built.  Here
every new key is one row — the unit, the fingerprint, and a warning when the key is already pinned
for another unit — and the user ticks the units whose fingerprint matched; the packages of the others
are left out.  Nothing is ticked in advance: each tick stands for a check."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)


class KeyConfirmDialog(QDialog):
    """``rows``: (unit name, fingerprint, warning or "") per new key.  :meth:`confirmed` lists the
    indices of the rows ticked when the user pressed *Gabungkan yang dicentang*."""

    def __init__(self, rows: list[tuple[str, str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Konfirmasi kunci satker"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "{n} paket ditandatangani kunci yang belum dikenal berkas ini. Telepon setiap satker dan minta "
            "mereka membacakan sidik jari kunci mereka (tertera saat mereka mengekspor paket), lalu centang "
            "satker yang sidik jarinya sama persis. Paket satker yang tidak dicentang tidak digabungkan."
        ).format(n=len(rows)))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Satker"), self.tr("Sidik jari kunci"), self.tr("Perhatian")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for i, (unit, fingerprint, warning) in enumerate(rows):
            name = QTableWidgetItem(unit)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            name.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(i, 0, name)
            shown = QTableWidgetItem(fingerprint)
            shown.setFont(self._mono())
            self.table.setItem(i, 1, shown)
            note = QTableWidgetItem(warning)
            if warning:
                note.setForeground(Qt.GlobalColor.darkRed)
                note.setToolTip(warning)
            self.table.setItem(i, 2, note)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemChanged.connect(self._count)
        layout.addWidget(self.table, 1)
        self.count = QLabel(self)
        layout.addWidget(self.count)
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton(self.tr("Gabungkan yang dicentang"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(860, min(620, 190 + 30 * len(rows)))
        self._count()

    def _mono(self):
        font = self.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        return font

    def _count(self, *_):
        self.count.setText(self.tr("{k} dari {n} kunci dicentang.").format(k=len(self.confirmed()),
                                                                           n=self.table.rowCount()))

    def confirmed(self) -> list[int]:
        return [i for i in range(self.table.rowCount())
                if self.table.item(i, 0).checkState() == Qt.CheckState.Checked]
