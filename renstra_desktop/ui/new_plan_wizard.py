"""Berkas → Rencana baru…: a QWizard that makes a new plan file from the embedded NTB Renstra, a
filled rencana template (.xlsx) or a plan JSON, showing what will be created first.

Reading the source and creating the file run off the GUI thread (worker.run_in_background); the
core calls are newplan.read_source / describe_source / create_plan, the same as ``init --from``.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QRadioButton, QVBoxLayout, QWidget, QWizard, QWizardPage)

from . import dialogs
from .worker import run_in_background

SOURCES = ("ntb", "xlsx", "json")


class SourcePage(QWizardPage):
    """Where the plan comes from and where the new file goes."""

    def __init__(self, wizard: "NewPlanWizard"):
        super().__init__(wizard)
        self.setTitle(self.tr("Sumber rencana"))
        self.setSubTitle(self.tr("Pilih dari mana rencana baru dibuat, lalu nama berkas rencananya."))
        self.choices = QButtonGroup(self)
        layout = QVBoxLayout(self)
        labels = (self.tr("Renstra bawaan: Kanwil Ditjenpas Nusa Tenggara Barat 2025–2029"),
                  self.tr("Templat rencana yang sudah diisi (.xlsx, dari export-xlsx --template rencana)"),
                  self.tr("JSON rencana (.json, dari renstra-desktop dump)"))
        for i, label in enumerate(labels):
            button = QRadioButton(label)
            self.choices.addButton(button, i)
            layout.addWidget(button)
        self.choices.button(0).setChecked(True)
        self.source = QLineEdit()
        self.source.setPlaceholderText(self.tr("berkas templat atau JSON"))
        self.source_button = QPushButton(self.tr("Pilih…"))
        self.source_button.clicked.connect(self._choose_source)
        self.target = QLineEdit()
        self.target.setPlaceholderText(self.tr("mis. rencana-sulteng.renstra"))
        target_button = QPushButton(self.tr("Pilih…"))
        target_button.clicked.connect(self._choose_target)
        form = QFormLayout()
        form.addRow(self.tr("Berkas sumber:"), _row(self.source, self.source_button))
        form.addRow(self.tr("Berkas rencana baru:"), _row(self.target, target_button))
        layout.addLayout(form)
        self.choices.idToggled.connect(lambda *_: self._show_source())
        self._show_source()

    def kind(self) -> str:
        return SOURCES[self.choices.checkedId()]

    def _show_source(self) -> None:
        needs = self.kind() != "ntb"
        self.source.setEnabled(needs)
        self.source_button.setEnabled(needs)

    def _choose_source(self) -> None:
        path = dialogs.choose_plan_source(self, self.kind(), self.wizard().directory)
        if path is not None:
            self.source.setText(str(path))

    def _choose_target(self) -> None:
        path = dialogs.choose_save_file(self, self.tr("Rencana baru"), self.wizard().directory, confirm_overwrite=False)
        if path is not None:
            self.target.setText(str(path))

    def validatePage(self) -> bool:
        wizard: NewPlanWizard = self.wizard()
        source = None if self.kind() == "ntb" else self.source.text().strip()
        if source == "":
            dialogs.warn(self, self.tr("Rencana baru"), self.tr("Pilih berkas sumbernya (templat .xlsx atau JSON)."))
            return False
        if not self.target.text().strip():
            dialogs.warn(self, self.tr("Rencana baru"), self.tr("Tulis nama berkas rencana baru."))
            return False
        if wizard.read_for == (self.kind(), source):
            return True
        wizard.read(self.kind(), source)
        return False


class SummaryPage(QWizardPage):
    """What will be created: office, years, units, indicators; the unit of this installation."""

    def __init__(self, wizard: "NewPlanWizard"):
        super().__init__(wizard)
        self.setTitle(self.tr("Yang akan dibuat"))
        self.setSubTitle(self.tr("Periksa isinya, pilih satker berkas ini, lalu Selesai."))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.unit = QComboBox()
        form = QFormLayout(self)
        form.addRow(self.summary)
        form.addRow(self.tr("Satker berkas ini:"), self.unit)

    def initializePage(self) -> None:
        wizard: NewPlanWizard = self.wizard()
        d = wizard.description
        self.summary.setText(self.tr(
            "<b>{office}</b><br>Provinsi {province} · Renstra {years}<br>"
            "{n_units} satker: {units}<br>{n_ind} indikator: {indicators}<br>"
            "{risks} risiko · {roadmap} butir roadmap · {funding} baris pendanaan<br>"
            "Berkas: {target}").format(
            office=d["office"], province=d["province"], years=d["years"], n_units=len(d["units"]),
            units=", ".join(d["units"]), n_ind=len(d["indicators"]), indicators=", ".join(d["indicators"]),
            risks=d["risks"], roadmap=d["roadmap_items"], funding=d["funding_lines"], target=wizard.target()))
        self.unit.clear()
        fixed = wizard.fixed_unit()
        for code in ([fixed] if fixed else d["units"]):
            self.unit.addItem(code, code)
        self.unit.setEnabled(fixed is None)

    def validatePage(self) -> bool:
        wizard: NewPlanWizard = self.wizard()
        if wizard.created is not None:
            return True
        wizard.create(self.unit.currentData())
        return False


class NewPlanWizard(QWizard):
    def __init__(self, parent: QWidget | None, directory: str = ""):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Rencana baru"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Lanjut >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< &Kembali"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Selesai"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Batal"))
        self.directory = directory
        self.plan = None
        self.description: dict = {}
        self.read_for: tuple | None = None
        self.created: Path | None = None
        self.source_page = SourcePage(self)
        self.summary_page = SummaryPage(self)
        self.addPage(self.source_page)
        self.addPage(self.summary_page)
        self.resize(640, 420)

    def target(self) -> Path:
        return Path(self.source_page.target.text().strip())

    def fixed_unit(self) -> str | None:
        """A plan JSON is one unit's file: its unit; the others let the user choose."""
        return self.plan.get("installation_unit") if isinstance(self.plan, dict) else None

    def read(self, kind: str, source: str | None) -> None:
        """Read and check the source off the GUI thread, then go on to the summary."""
        from ..core.newplan import describe_source, read_source

        def work(_store, _progress):
            plan = read_source(source)
            return plan, describe_source(plan)

        def done(result):
            self.plan, self.description = result
            self.read_for = (kind, source)
            self.next()
        run_in_background(self, self.tr("Membaca rencana"), work, done)

    def create(self, unit_code: str) -> None:
        """Create the file off the GUI thread; the window opens it after the wizard closes."""
        from ..core.newplan import create_plan

        plan, target = self.plan, self.target()

        def work(_store, _progress):
            create_plan(target, plan, unit_code).close()
            return target

        def done(path):
            self.created = path
            self.accept()
        run_in_background(self, self.tr("Membuat rencana"), work, done)


def _row(*widgets) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        layout.addWidget(w, 1 if isinstance(w, QLineEdit) else 0)
    return box


def run_new_plan_wizard(parent: QWidget | None, directory: str = "") -> Path | None:
    """Show the wizard; the path of the plan it created, or None when cancelled."""
    wizard = NewPlanWizard(parent, directory)
    return wizard.created if wizard.exec() else None
