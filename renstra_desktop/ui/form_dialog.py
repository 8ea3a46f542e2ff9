"""A small form in a dialog: labelled fields, Simpan / Batal, the values as a dict.

Used where a user action needs a few values at once (an RTP activity, a risk event, an indicator's
manual).  Validation stays in the core: the dialog only collects text; the caller hands the dict to
a core call and shows its refusal.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLineEdit,
                               QPlainTextEdit, QVBoxLayout, QWidget)


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: str = "line"          # line | text (several lines) | date | choice
    value: str = ""
    choices: tuple = ()         # (value, label) pairs for "choice"


class FormDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, fields: list[FormField], width: int = 440):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(width)
        self._editors: dict[str, QWidget] = {}
        form = QFormLayout()
        for f in fields:
            editor = self._editor(f)
            editor.setAccessibleName(f.label)
            self._editors[f.key] = editor
            form.addRow(f.label, editor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Simpan"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Batal"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @staticmethod
    def _editor(f: FormField) -> QWidget:
        if f.kind == "text":
            editor = QPlainTextEdit(f.value)
            editor.setTabChangesFocus(True)
            editor.setFixedHeight(72)
            return editor
        if f.kind == "date":
            editor = QDateEdit(QDate.fromString(f.value, "yyyy-MM-dd") if f.value else QDate.currentDate())
            editor.setCalendarPopup(True)
            editor.setDisplayFormat("dd-MM-yyyy")
            return editor
        if f.kind == "choice":
            editor = QComboBox()
            for value, label in f.choices:
                editor.addItem(label, value)
            editor.setCurrentIndex(max(editor.findData(f.value), 0))
            return editor
        return QLineEdit(f.value)

    def values(self) -> dict[str, str]:
        out = {}
        for key, editor in self._editors.items():
            if isinstance(editor, QPlainTextEdit):
                out[key] = editor.toPlainText().strip()
            elif isinstance(editor, QDateEdit):
                out[key] = editor.date().toString("yyyy-MM-dd")
            elif isinstance(editor, QComboBox):
                out[key] = editor.currentData()
            else:
                out[key] = editor.text().strip()
        return out


def ask_form(parent: QWidget | None, title: str, fields: list[FormField], width: int = 440) -> dict[str, str] | None:
    """The values the user saved, or None when cancelled (``width``: the form's least width)."""
    dialog = FormDialog(parent, title, fields, width)
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None
