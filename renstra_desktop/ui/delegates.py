"""One item delegate for every plan table: a combo box where the model offers choices
(CHOICES_ROLE), a multi-line editor for list cells (MULTILINE_ROLE, one item a line,
Ctrl+Enter to finish), the default line edit otherwise."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QStyledItemDelegate

from .models import CHOICES_ROLE, MULTILINE_ROLE, RAW_VALUE_ROLE


class PlanDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):
        choices = index.data(CHOICES_ROLE)
        if choices:
            combo = QComboBox(parent)
            for label, value in choices:
                combo.addItem(label, value)
            combo.activated.connect(lambda _=None, c=combo: self._finish(c))
            return combo
        if index.data(MULTILINE_ROLE):
            editor = QPlainTextEdit(parent)
            editor.setTabChangesFocus(True)
            editor.setToolTip(self.tr("Satu butir per baris. Ctrl+Enter untuk selesai."))
            return editor
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        if isinstance(editor, QComboBox):
            raw = index.data(RAW_VALUE_ROLE)
            found = next((i for i in range(editor.count()) if editor.itemData(i) == raw), 0)
            editor.setCurrentIndex(found)
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(index.data(Qt.ItemDataRole.EditRole) or "")
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QPlainTextEdit):
            model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)

    def updateEditorGeometry(self, editor, option, index):
        rect = option.rect
        if isinstance(editor, QPlainTextEdit):
            rect.setHeight(max(rect.height(), 140))
        editor.setGeometry(rect)

    def eventFilter(self, editor, event):
        if (isinstance(editor, QPlainTextEdit) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self._finish(editor)
            return True
        return super().eventFilter(editor, event)

    def _finish(self, editor) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
