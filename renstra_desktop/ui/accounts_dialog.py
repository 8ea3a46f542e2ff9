"""Pengaturan → Akun pengguna… (issue 9 §3): the admin adds accounts, sets their roles, resets a
password, disables or re-enables an account; the first account made here turns accounts on.  Also the
account name in the status bar and the login when the window opens another plan with accounts on.

Every read and write runs off the GUI thread through ops.ReadOp / ops.WriteOp; the core decides
(:meth:`core.service.PlanService.save_account`): a refusal is shown as its one Indonesian line.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from ..core.roles import ROLES
from . import dialogs
from .ops import ReadOp, WriteOp

ROLE_LABELS = {"operator": "Operator (mengisi data)", "verifikator": "Verifikator (memverifikasi, mengembalikan)",
               "pimpinan": "Pimpinan (mengesahkan, membuka kunci, menandatangani)", "admin": "Admin (akun pengguna)"}


# -- the window: status bar, menu, login on another plan --------------------------------------------------
class Accounts:
    """The feature (``window.feature("accounts")``): the menu action, the account label in the status bar
    and the account signed in (None: accounts off, the OS user is the actor)."""

    def __init__(self, window):
        self.label = QLabel()
        self.label.setObjectName("account_label")
        window.statusBar().addPermanentWidget(self.label)
        self.action = QAction(window.tr("&Akun pengguna…"), window)
        self.action.triggered.connect(lambda checked=False: open_accounts_dialog(window))
        self.signed_in = None


def install_accounts(window) -> Accounts:
    """Pengaturan → Akun pengguna…, the account label in the status bar, and the login when a plan
    with accounts on is opened in the window (Berkas → Buka)."""
    feature = window.add_feature("accounts", Accounts(window))
    window.feature("settings").menu.addAction(feature.action)
    window.controller.file_opened.connect(lambda: _after_open(window))
    show_account(window, None)
    return feature


def show_account(window, account) -> None:
    """Make ``account`` (a core Account, or None: accounts off) the window's actor and show it."""
    feature = window.feature("accounts")
    feature.signed_in = account
    if account is None:
        feature.label.clear()
        feature.label.hide()
        return
    controller = window.controller       # the controller's actor (no attribute of the window is set)
    controller.actor = account.name
    feature.label.setText(window.tr("·  Akun: {name} ({roles})").format(
        name=account.name, roles=", ".join(account.roles)))
    feature.label.show()


def _after_open(window) -> None:
    """A plan opened in the window: ask for a login when its accounts are on (read off the GUI thread)."""
    controller = window.controller
    if controller.store is None:
        return
    path = controller.path
    from ..core.accounts import accounts_on

    def decided(on: bool) -> None:
        if controller.store is None or controller.path != path:
            return
        feature = window.feature("accounts")
        if not on:
            if feature.signed_in is not None:     # leaving a plan with accounts: the OS user again
                from ..core.newplan import current_user
                controller.actor = current_user()
            show_account(window, None)
            return
        from .login_dialog import ask_login
        account = ask_login(path, window)
        if account is None:          # Batal: the plan stays open, and the core refuses every write
            from ..core.newplan import current_user
            controller.actor = current_user()
            show_account(window, None)
            feature.label.setText(window.tr("·  Belum masuk: perubahan ditolak"))
            feature.label.show()
            return
        show_account(window, account)

    ReadOp(controller, lambda store, _p: accounts_on(store.conn), decided, parent=window,
           title=window.tr("Akun pengguna")).run_in_background()


def open_accounts_dialog(window) -> "AccountsDialog":
    dialog = AccountsDialog(window.controller, window)
    dialog.open()
    return dialog


# -- the list ---------------------------------------------------------------------------------------------
class AccountsDialog(QDialog):
    COLUMNS = ("Nama akun", "Nama lengkap", "Peran", "Keadaan", "Diubah oleh")

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.accounts = []
        self.busy = None
        self._first_made = None
        self.setObjectName("AccountsDialog")
        self.setWindowTitle(self.tr("Akun pengguna"))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(self.tr("&Tambah…"))
        self.roles_button = QPushButton(self.tr("Ubah &peran…"))
        self.password_button = QPushButton(self.tr("Setel ulang &kata sandi…"))
        self.active_button = QPushButton(self.tr("&Nonaktifkan"))
        self.add_button.clicked.connect(self.add_account)
        self.roles_button.clicked.connect(self.change_roles)
        self.password_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        self.message = QLabel()
        self.message.setObjectName("accounts_message")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        for b in (self.add_button, self.roles_button, self.password_button, self.active_button):
            row.addWidget(b)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Tutup"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(760, 380)
        self.refresh()

    # -- reading -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        from ..core.accounts import list_accounts
        self.busy = ReadOp(self.controller, lambda store, _p: list_accounts(store.conn), self._show, parent=self,
                           title=self.tr("Akun pengguna")).failure(self._failed).run_in_background()

    def _show(self, accounts) -> None:
        self.busy = None
        self.accounts = accounts
        made = next((a for a in accounts if a.name == self._first_made), None)
        window = self.parent()
        if made is not None and hasattr(window, "feature") and window.feature("accounts") is not None:
            self._first_made = None            # the first account: the window now works as it
            show_account(window, made)
        if not accounts:
            self.note.setText(self.tr("Akun pengguna belum aktif: siapa pun yang memakai komputer ini mengubah data "
                                      "atas nama pengguna sistem operasinya. Akun pertama yang ditambahkan menjadi "
                                      "admin dan mengaktifkan akun pengguna; setelah itu jendela meminta masuk."))
        else:
            self.note.setText(self.tr("Masuk sebagai <b>{actor}</b>. Hanya admin yang mengubah akun; akun yang "
                                      "dinonaktifkan disimpan dan tidak dapat dipakai.").format(actor=self.controller.actor))
        selected = self.selected()
        self.table.setRowCount(len(accounts))
        for i, a in enumerate(accounts):
            cells = (a.name, a.full_name, ", ".join(a.roles), self.tr(a.state), a.updated_by)
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not a.active or not a.sealed:
                    item.setForeground(Qt.GlobalColor.darkGray if a.sealed else Qt.GlobalColor.red)
                self.table.setItem(i, j, item)
            if selected is not None and a.name == selected.name:
                self.table.selectRow(i)
        self._update_buttons()

    def _failed(self, exc) -> None:
        self.busy = None
        self.message.setText(getattr(exc, "message", str(exc)))
        self._update_buttons()

    def selected(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.accounts[rows[0].row()] if rows and rows[0].row() < len(self.accounts) else None

    def _update_buttons(self) -> None:
        account = self.selected()
        for b in (self.roles_button, self.password_button, self.active_button):
            b.setEnabled(account is not None)
        self.active_button.setText(self.tr("&Aktifkan") if account is not None and not account.active
                                   else self.tr("&Nonaktifkan"))

    # -- writing -------------------------------------------------------------------------------------------
    def save(self, name: str, done_text: str, **change) -> None:
        """One change through the door off the GUI thread (ops.WriteOp); the list is read again afterwards."""
        def done(_changes) -> None:
            self.busy = None
            self.message.setText(done_text)
            self.refresh()
        self.message.setText(self.tr("Menyimpan…"))
        self.busy = WriteOp(self.controller, lambda service, _p: service.save_account(name, **change), parent=self,
                            title=self.tr("Akun pengguna")).success(done).failure(self._failed).run_in_background()

    def add_account(self) -> None:
        form = AccountForm(self, first=not self.accounts)
        if form.exec() != QDialog.DialogCode.Accepted:
            return
        name = form.name_edit.text()
        if not self.accounts:
            self._first_made = name.strip().lower()
        self.save(name, self.tr("Akun {name} ditambahkan.").format(name=name.strip().lower()), create=True,
                  full_name=form.full_name_edit.text(), roles=form.roles(), password=form.password())

    def change_roles(self) -> None:
        account = self.selected()
        if account is None:
            return
        form = AccountForm(self, account=account, ask_password=False)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.save(account.name, self.tr("Peran akun {name} disimpan.").format(name=account.name),
                      roles=form.roles(), full_name=form.full_name_edit.text())

    def reset_password(self) -> None:
        account = self.selected()
        if account is None:
            return
        form = AccountForm(self, account=account, ask_roles=False)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.save(account.name, self.tr("Kata sandi akun {name} disetel ulang.").format(name=account.name),
                      password=form.password())

    def toggle_active(self) -> None:
        account = self.selected()
        if account is None:
            return
        if account.active and not dialogs.ask(self, self.tr("Nonaktifkan akun"), self.tr(
                "Nonaktifkan akun {name}? Akun itu disimpan (riwayatnya tetap), tetapi tidak dapat masuk lagi "
                "sampai diaktifkan kembali.").format(name=account.name)):
            return
        text = self.tr("Akun {name} diaktifkan kembali.") if not account.active else self.tr("Akun {name} dinonaktifkan.")
        self.save(account.name, text.format(name=account.name), active=not account.active)


class AccountForm(QDialog):
    """Name, full name, roles and a password typed twice (what the chosen action needs)."""

    def __init__(self, parent=None, *, account=None, first: bool = False, ask_roles: bool = True,
                 ask_password: bool = True):
        super().__init__(parent)
        self.setObjectName("AccountForm")
        self.setWindowTitle(self.tr("Akun {name}").format(name=account.name) if account else self.tr("Akun baru"))
        form = QFormLayout(self)
        self.name_edit = QLineEdit(account.name if account else "")
        self.name_edit.setReadOnly(account is not None)
        self.name_edit.setPlaceholderText(self.tr("mis. budi.santoso"))
        self.full_name_edit = QLineEdit(account.full_name if account else "")
        form.addRow(self.tr("Nama akun:"), self.name_edit)
        if ask_roles:
            form.addRow(self.tr("Nama lengkap:"), self.full_name_edit)
        self.role_boxes = {}
        if ask_roles:
            for role in ROLES:
                box = QCheckBox(self.tr(ROLE_LABELS[role]))
                box.setObjectName(f"role_{role}")
                box.setChecked(role in (account.roles if account else ()) or (first and role == "admin"))
                if first and role == "admin":
                    box.setEnabled(False)             # the first account administers the others
                self.role_boxes[role] = box
                form.addRow(self.tr("Peran:") if role == "operator" else "", box)
        self.password_edit = self.repeat_edit = None
        if ask_password:
            self.password_edit, self.repeat_edit = QLineEdit(), QLineEdit()
            for edit, name in ((self.password_edit, "password"), (self.repeat_edit, "password_repeat")):
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                edit.setObjectName(name)
            form.addRow(self.tr("Kata sandi baru:"), self.password_edit)
            form.addRow(self.tr("Ulangi kata sandi:"), self.repeat_edit)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Simpan"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Batal"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(460)

    def roles(self) -> list[str]:
        return [role for role, box in self.role_boxes.items() if box.isChecked()]

    def password(self) -> str | None:
        return self.password_edit.text() if self.password_edit is not None else None

    def _check(self) -> None:
        """What the form can see for itself (the two passwords agree, a role chosen); the core checks the rest."""
        if self.password_edit is not None and self.password_edit.text() != self.repeat_edit.text():
            self.problem.setText(self.tr("Kedua kata sandi tidak sama. Ketik ulang."))
        elif self.role_boxes and not self.roles():
            self.problem.setText(self.tr("Pilih paling sedikit satu peran."))
        else:
            self.accept()
            return
        self.problem.show()
