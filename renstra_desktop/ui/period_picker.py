"""Choosing a realisation period without typing codes: a year and a kind (tahunan, semester,
triwulan, bulan) and which one; the code it stands for ("2026-TW3") is shown, not typed.  A period
the caller refuses (already there, approved and locked) keeps the dialog open with the reason."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLayout, QVBoxLayout,
                               QWidget)

from ..core.numbers import MONTHS
from ..core.schema import PERIOD_RE, PLAN_YEARS

ROMAN = ("I", "II", "III", "IV")
GRAINS = ("year", "semester", "quarter", "month")


def split_period(code: str) -> tuple[int, str, int]:
    """'2026-TW3' -> (2026, 'quarter', 3); '2026' -> (2026, 'year', 0)."""
    match = PERIOD_RE.match((code or "").strip().upper())
    if not match:
        raise ValueError(code)
    year, rest = int(match.group(1)), match.group(2) or ""
    if not rest:
        return year, "year", 0
    if rest.startswith("S"):
        return year, "semester", int(rest[1:])
    if rest.startswith("TW"):
        return year, "quarter", int(rest[2:])
    return year, "month", int(rest)


def period_code(year: int, grain: str, part: int) -> str:
    if grain == "year":
        return str(year)
    if grain == "semester":
        return f"{year}-S{part}"
    if grain == "quarter":
        return f"{year}-TW{part}"
    return f"{year}-{part:02d}"


class PeriodDialog(QDialog):
    """See the module docstring; :meth:`period` is the chosen code."""

    def __init__(self, parent: QWidget | None, title: str, heading: str, suggestion: str,
                 check: Callable[[str], str | None] | None = None, years: tuple = PLAN_YEARS):
        super().__init__(parent)
        self._years = tuple(years)          # the plan's years (controller.plan_years)
        self.setWindowTitle(title)
        self._check = check
        self.year = QComboBox()
        for y in self._years:
            self.year.addItem(str(y), y)
        self.grain = QComboBox()
        for grain, label in zip(GRAINS, (self.tr("Tahunan"), self.tr("Semester"), self.tr("Triwulan"),
                                         self.tr("Bulan"))):
            self.grain.addItem(label, grain)
        self.part = QComboBox()
        self.part_label = QLabel(self.tr("Yang mana"))
        self.code = QLabel()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setMinimumWidth(340)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Tahun"), self.year)
        form.addRow(self.tr("Jenis periode"), self.grain)
        form.addRow(self.part_label, self.part)
        form.addRow(self.tr("Kode periode"), self.code)
        buttons = QDialogButtonBox()
        self.add_button = buttons.addButton(self.tr("Tambah"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)    # grows with the reason shown
        for combo in (self.year, self.grain, self.part):
            combo.setMinimumWidth(220)
        heading_label = QLabel(heading)
        heading_label.setWordWrap(True)
        layout.addWidget(heading_label)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.grain.currentIndexChanged.connect(lambda _=None: self._fill_parts())
        for combo in (self.year, self.part):
            combo.currentIndexChanged.connect(lambda _=None: self._show_code())
        self.set_period(suggestion)

    def set_period(self, code: str) -> None:
        try:
            year, grain, part = split_period(code)
        except ValueError:
            year, grain, part = self._years[0], "quarter", 1
        if year in self._years:
            self.year.setCurrentIndex(self._years.index(year))
        self.grain.setCurrentIndex(GRAINS.index(grain))
        self._fill_parts()
        if part:
            self.part.setCurrentIndex(max(0, self.part.findData(part)))
        self._show_code()

    def _fill_parts(self) -> None:
        grain = self.grain.currentData()
        self.part.blockSignals(True)
        self.part.clear()
        if grain == "semester":
            for n in (1, 2):
                self.part.addItem(self.tr("Semester {n}").format(n=ROMAN[n - 1]), n)
        elif grain == "quarter":
            for n in range(1, 5):
                self.part.addItem(self.tr("Triwulan {n}").format(n=ROMAN[n - 1]), n)
        elif grain == "month":
            for n, month in enumerate(MONTHS, 1):
                self.part.addItem(month, n)
        self.part.blockSignals(False)
        self.part.setVisible(grain != "year")
        self.part_label.setVisible(grain != "year")
        self._show_code()

    def period(self) -> str:
        return period_code(self.year.currentData(), self.grain.currentData(), self.part.currentData() or 0)

    def _show_code(self) -> None:
        self.code.setText(self.period())
        self.error.hide()

    def accept(self) -> None:
        reason = self._check(self.period()) if self._check else None
        if reason:
            self.error.setText(reason)
            self.error.show()
            return
        super().accept()
