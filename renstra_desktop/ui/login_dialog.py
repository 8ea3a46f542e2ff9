"""Masuk: the login asked when the window opens a plan whose local accounts are on (issue 9 §3).

The password is checked by the core (:func:`core.accounts.sign_in`, scrypt) on a worker thread with
its own read-only connection; a wrong password says so under the fields and lets the user try again;
Batal closes the dialog and the caller closes the plan (at start-up: the application ends).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
                               QWidget)

from .worker import run_in_background


class LoginDialog(QDialog):
    """Ask an account name and password for the plan at ``path``; ``account`` holds the signed-in
    core Account after accept()."""

    def __init__(self, path: str | Path, parent: QWidget | None = None, *, name: str = ""):
        super().__init__(parent)
        self.path = Path(path)
        self.account = None
        self._task = None
        self.setWindowTitle(self.tr("Masuk – Renstra Desktop"))
        self.setObjectName("LoginDialog")
        intro = QLabel(self.tr("Akun pengguna aktif untuk berkas <b>{file}</b>. Masuk dengan akun Anda; "
                               "setiap perubahan dicatat atas nama akun itu.").format(file=self.path.name))
        intro.setWordWrap(True)
        self.name_edit = QLineEdit(name)
        self.name_edit.setObjectName("login_name")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("login_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Nama akun:"), self.name_edit)
        form.addRow(self.tr("Kata sandi:"), self.password_edit)
        self.message = QLabel()
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Masuk"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Batal"))
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        (self.password_edit if name else self.name_edit).setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def try_sign_in(self) -> None:
        """Check the name and password off the GUI thread; accept, or say what is wrong."""
        name, password = self.name_edit.text().strip(), self.password_edit.text()
        if not name or not password:
            self._refused(self.tr("Isi nama akun dan kata sandi."))
            return
        from ..core.accounts import sign_in

        self.ok_button.setEnabled(False)
        self.message.setText(self.tr("Memeriksa…"))
        self.message.show()
        self._task = run_in_background(self, self.tr("Masuk"), lambda store, _progress: sign_in(store.conn, name, password),
                                       self._signed_in, lambda exc: self._refused(getattr(exc, "message", str(exc))),
                                       store_path=self.path, readonly=True, show_dialog=False)

    def _signed_in(self, account) -> None:
        self._task = None
        self.account = account
        self.accept()

    def _refused(self, text: str) -> None:
        self._task = None
        self.ok_button.setEnabled(True)
        self.message.setText(text)
        self.message.show()
        self.password_edit.clear()
        self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        if self._task is not None:
            self._task.cancel()
        super().reject()


def ask_login(path: str | Path, parent: QWidget | None = None, name: str = ""):
    """The signed-in Account, or None when the user pressed Batal."""
    dialog = LoginDialog(path, parent, name=name)
    return dialog.account if dialog.exec() == QDialog.DialogCode.Accepted else None
