"""One item delegate for every plan table: a combo box where the model offers choices
(CHOICES_ROLE), a multi-line editor for list cells (MULTILINE_ROLE, one item a line; its footer
says how to finish: Tab or Ctrl+Enter saves, Esc cancels), the default line edit otherwise."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QStyledItemDelegate

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
            return ListEditor(parent, self.tr("Enter: butir baru · Tab atau Ctrl+Enter: simpan · Esc: batal"))
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        # an editor the user has typed in keeps its text when a write's result reloads the rows (the
        # writes run on the writer thread: the previous cell's result may arrive while this one is edited)
        if isinstance(editor, QLineEdit) and editor.isModified():
            return
        if isinstance(editor, QPlainTextEdit) and editor.document().isModified():
            return
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
            rect.setHeight(max(rect.height(), 150))
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


class ListEditor(QPlainTextEdit):
    """The multi-line cell editor, one item a line, with a footer line saying how to finish (Enter
    only starts a new item, which users did not expect)."""

    def __init__(self, parent, hint: str):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.hint = QLabel(hint, self)
        self.hint.setObjectName("list_editor_hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("background: #fff6d5; color: #3c3c3c; border-top: 1px solid #d8c98f; "
                                "padding: 1px 4px;")
        self._hint_height = 0
        self.setToolTip(hint)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        rect = self.contentsRect()
        height = self.hint.heightForWidth(rect.width())
        if height != self._hint_height:          # the text may wrap in a narrow cell
            self._hint_height = height
            self.setViewportMargins(0, 0, 0, height)
        self.hint.setGeometry(rect.left(), rect.bottom() - height + 1, rect.width(), height)
