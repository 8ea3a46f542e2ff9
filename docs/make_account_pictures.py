"""The pictures of docs/accounts.md: the login after a wrong password, and Pengaturan → Akun pengguna…
over the window, at 1366 × 768 and 1024 × 768.  Run: QT_QPA_PLATFORM=offscreen python docs/make_account_pictures.py"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.service import PlanService
from renstra_desktop.ui.accounts_dialog import AccountsDialog, show_account
from renstra_desktop.ui.app import ensure_application
from renstra_desktop.ui.login_dialog import LoginDialog
from renstra_desktop.ui.main_window import MainWindow

DOCS = Path(__file__).resolve().parent


def wait(condition, app, rounds=400):
    import time
    for _ in range(rounds):
        app.processEvents()
        if condition():
            return
        time.sleep(0.01)
    raise RuntimeError("timed out")


def main() -> int:
    app = ensure_application()
    folder = Path(tempfile.mkdtemp())
    store = create_plan_file(folder / "rencana.renstra", "KANWIL")
    PlanService(store, "os").save_account("admin.kanwil", create=True, password="admin-rahasia",
                                          full_name="Lalu Ahmad (Subbag TU)")
    admin = PlanService(store, "admin.kanwil")
    for name, full, roles in (("ani", "Ani Rahmawati", ["operator"]), ("vera", "Vera Susanti", ["verifikator"]),
                              ("kakanwil", "Kepala Kantor Wilayah", ["pimpinan"]),
                              ("budi", "Budi Santoso", ["operator", "verifikator"])):
        admin.save_account(name, create=True, password=f"{name}-rahasia1", full_name=full, roles=roles)
    admin.save_account("budi", active=False)
    path = store.path
    store.close()

    login = LoginDialog(path, name="ani")
    login.show()
    login.password_edit.setText("salah-ketik")
    login.try_sign_in()
    wait(lambda: "salah" in login.message.text(), app)
    login.adjustSize()
    app.processEvents()
    login.grab().save(str(DOCS / "accounts-login.png"))
    login.close()

    from renstra_desktop.core.store import Store
    window = MainWindow(Store.open(path))
    from renstra_desktop.core.accounts import sign_in
    show_account(window, sign_in(window.controller.conn, "admin.kanwil", "admin-rahasia"))
    for width, height in ((1366, 768), (1024, 768)):
        window.resize(width, height)
        window.show()
        dialog = AccountsDialog(window.controller, window)
        dialog.show()
        wait(lambda: len(dialog.accounts) == 5, app)
        dialog.table.selectRow(1)
        geo = window.geometry()
        dialog.move(geo.x() + (width - dialog.width()) // 2, geo.y() + (height - dialog.height()) // 2)
        app.processEvents()
        shot = window.grab()
        from PySide6.QtGui import QPainter
        painter = QPainter(shot)
        painter.drawPixmap(dialog.pos() - window.pos(), dialog.grab())
        painter.end()
        shot.save(str(DOCS / f"accounts-dialog-{width}.png"))
        dialog.close()
    from renstra_desktop.ui.accounts_dialog import AccountForm
    form = AccountForm(window)
    form.name_edit.setText("dewi.lestari")
    form.full_name_edit.setText("Dewi Lestari")
    form.role_boxes["operator"].setChecked(True)
    form.password_edit.setText("rahasia-dewi")
    form.repeat_edit.setText("rahasia-dewi1")
    form.show()
    form._check()
    app.processEvents()
    form.grab().save(str(DOCS / "accounts-form.png"))
    form.close()
    window.controller.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
