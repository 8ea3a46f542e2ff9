"""The login and Pengaturan → Akun pengguna… (issue 9 §3), the real Qt dialogs driven by a timer."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from renstra_desktop.core.accounts import list_accounts, sign_in
from renstra_desktop.core.rows import stable_id
from renstra_desktop.core.service import Edit, PlanService
from renstra_desktop.core.store import Store
from renstra_desktop.ui import app as app_module

ANI = "ani-rahasia1"


@pytest.fixture
def plan_with_accounts(kanwil_path):
    with Store.open(kanwil_path) as store:
        PlanService(store, "os").save_account("admin", create=True, password="admin-rahasia")
        PlanService(store, "admin").save_account("ani", create=True, password=ANI, roles=["operator"])
    return kanwil_path


class Driver:
    """Runs steps against whatever modal dialog is active, each once it appears (a real exec() blocks)."""

    def __init__(self, qtbot, steps):
        self.qtbot, self.steps, self.seen = qtbot, list(steps), []
        QTimer.singleShot(50, self._tick)

    def _tick(self):
        if not self.steps:
            return
        modal = QApplication.activeModalWidget()
        wanted, action = self.steps[0]
        if modal is not None and modal.objectName() == wanted and modal.isVisible():
            if action(modal) is not False:       # False: not ready yet, try again
                self.steps.pop(0)
                self.seen.append(wanted)
        QTimer.singleShot(30, self._tick)


def _type_login(name, password):
    def step(dialog):
        if not dialog.ok_button.isEnabled():
            return False
        dialog.name_edit.setText(name)
        dialog.password_edit.setText(password)
        dialog.ok_button.click()
    return step


def _message_says(words):
    def step(dialog):
        text = dialog.message.text()
        if words not in text or not dialog.ok_button.isEnabled():
            return False
        step.shown = text
    return step


def test_login_wrong_password_then_right(qtbot, plan_with_accounts):
    said = _message_says("salah")
    driver = Driver(qtbot, [("LoginDialog", _type_login("ani", "keliru-sekali")), ("LoginDialog", said),
                            ("LoginDialog", _type_login("ani", ANI))])
    window = app_module.prepare_window(plan_with_accounts)
    assert window is not None and not driver.steps
    qtbot.addWidget(window)
    assert "Kata sandi akun “ani” salah" in said.shown
    assert window.controller.actor == "ani"
    label = window.feature("accounts").label
    assert label.text() == "·  Akun: ani (operator)" and not label.isHidden()
    # a change made in the window is recorded under the account
    row = stable_id("realisation", "KANWIL", "IKK 17.1", "2027-01")
    assert window.controller.insert("realisation", [dict(unit_code="KANWIL", indicator_code="IKK 17.1",
                                                         period="2027-01", value=3)], "tambah")
    window.controller.wait_idle()
    assert window.controller.apply([Edit("realisation", row, "value", "3,4")], "ubah")
    window.controller.wait_idle()
    actors = {r[0] for r in window.controller.conn.execute("SELECT actor FROM audit_log WHERE row_id = ?", (row,))}
    assert actors == {"ani"}
    window.controller.close()


def test_login_cancel_closes_cleanly(qtbot, plan_with_accounts):
    def cancel(dialog):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    driver = Driver(qtbot, [("LoginDialog", cancel)])
    assert app_module.prepare_window(plan_with_accounts) is None and not driver.steps
    with Store.open(plan_with_accounts) as store:         # closed: opens again for writing at once
        assert store.conn.execute("SELECT count(*) FROM user_account").fetchone()[0] == 2


def test_no_login_with_accounts_off(qtbot, kanwil_path):
    window = app_module.prepare_window(kanwil_path)
    qtbot.addWidget(window)
    assert window.feature("accounts").label.isHidden() and window.feature("accounts").signed_in is None
    window.controller.close()


def _fill_form(name, password, roles=()):
    def step(form):
        form.name_edit.setText(name)
        for role in roles:
            form.role_boxes[role].setChecked(True)
        form.password_edit.setText(password)
        form.repeat_edit.setText(password)
        form.findChildren(QDialogButtonBox)[0].button(QDialogButtonBox.StandardButton.Ok).click()
    return step


def test_the_admin_turns_accounts_on_and_adds_an_operator(qtbot, window):
    window.feature("accounts").action.trigger()
    window.controller.wait_idle()
    dialog = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "AccountsDialog" and w.isVisible())
    qtbot.waitUntil(lambda: "belum aktif" in dialog.note.text(), timeout=10_000)
    driver = Driver(qtbot, [("AccountForm", _fill_form("kepala.tu", "admin-rahasia"))])
    dialog.add_button.click()
    qtbot.waitUntil(lambda: [a.name for a in dialog.accounts] == ["kepala.tu"], timeout=20_000)
    assert not driver.steps                       # the real account form was filled and saved
    # the first account is an admin, and the window now works as it
    assert dialog.accounts[0].roles == ("admin",)
    assert window.controller.actor == "kepala.tu" and "kepala.tu" in window.feature("accounts").label.text()
    driver = Driver(qtbot, [("AccountForm", _fill_form("ani", ANI, roles=["operator"]))])
    dialog.add_button.click()
    qtbot.waitUntil(lambda: len(dialog.accounts) == 2, timeout=20_000)
    assert not driver.steps
    assert "Akun ani ditambahkan." in dialog.message.text()
    with Store.open(window.controller.path, readonly=True) as store:
        assert sign_in(store.conn, "ani", ANI).roles == ("operator",)
        assert {a.name for a in list_accounts(store.conn)} == {"kepala.tu", "ani"}
    dialog.close()


def test_an_operator_is_refused_in_the_dialog_with_one_line(qtbot, plan_with_accounts):
    from renstra_desktop.ui.accounts_dialog import AccountsDialog
    from renstra_desktop.ui.controller import PlanController
    controller = PlanController(actor="ani")
    controller.open_store(Store.open(plan_with_accounts))
    dialog = AccountsDialog(controller)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.accounts) == 2, timeout=10_000)
    dialog.table.selectRow([a.name for a in dialog.accounts].index("ani"))
    dialog.active_button.click()                         # the confirmation is the recorded dialogs.ask (yes)
    qtbot.waitUntil(lambda: "perlu peran admin" in dialog.message.text(), timeout=10_000)
    with Store.open(plan_with_accounts, readonly=True) as store:
        assert all(a.active for a in list_accounts(store.conn))
    controller.close()
