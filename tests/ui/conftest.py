"""UI test fixtures: settings and the data folder in tmp_path, and every dialog replaced by a
recorder (a real modal dialog would block an offscreen test forever)."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from renstra_desktop.core import newplan
from renstra_desktop.ui import app as app_module
from renstra_desktop.ui import dialogs


class FakeDialogs:
    """Answers queued by the test; every message shown is recorded in ``messages``."""

    def __init__(self):
        self.messages: list[tuple[str, str, str]] = []
        self.questions: list[str] = []
        self.answers: list[bool] = []          # ask(); True when empty
        self.texts: list[str | None] = []      # ask_text()
        self.items: list[int | None] = []      # choose_item()
        self.units: list[str | None] = []      # choose_unit()
        self.open_paths: list[Path | None] = []
        self.save_paths: list[Path | None] = []
        self.forms: list[dict | None] = []     # ask_form()

    def install(self, monkeypatch):
        self._monkeypatch = monkeypatch
        self._originals = {name: getattr(dialogs, name) for name in dir(dialogs) if not name.startswith("_")}
        for kind in ("info", "warn", "error"):
            monkeypatch.setattr(dialogs, kind, lambda parent, title, message, k=kind:
                                self.messages.append((k, title, message)))
        monkeypatch.setattr(dialogs, "ask", self._ask)
        monkeypatch.setattr(dialogs, "confirm_keys", self._confirm_keys)
        monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: self._pop(self.texts, "ask_text"))
        monkeypatch.setattr(dialogs, "choose_period", lambda *a, **k: self._pop(self.texts, "choose_period"))
        monkeypatch.setattr(dialogs, "ask_form", lambda *a, **k: self._pop(self.forms, "ask_form"))
        monkeypatch.setattr(dialogs, "choose_item", lambda *a, **k: self._pop(self.items, "choose_item"))
        monkeypatch.setattr(dialogs, "choose_unit", lambda *a, **k: self._pop(self.units, "choose_unit"))
        monkeypatch.setattr(dialogs, "choose_open_file", lambda *a, **k: self._pop(self.open_paths, "open"))
        monkeypatch.setattr(dialogs, "choose_evidence_file", lambda *a, **k: self._pop(self.open_paths, "open"))
        monkeypatch.setattr(dialogs, "choose_save_file", lambda *a, **k: self._pop(self.save_paths, "save"))
        monkeypatch.setattr(dialogs, "offer_open_folder", lambda parent, title, message, folder:
                            self.messages.append(("info", title, message)) or False)
        # every other modal dialog fails the test unless the test answers it (a real one would hang)
        for name in ("print_setup", "choose_pdf_save", "choose_pdf_open", "choose_p12", "choose_certificate",
                     "ask_password", "choose_package_files", "choose_package_save", "choose_folder", "choose_workbook"):
            monkeypatch.setattr(dialogs, name, lambda *a, _name=name, **k: self._pop([], _name))

    def use_real(self, *names: str) -> None:
        """Let these dialogs be Qt's own (a test then drives them with a timer)."""
        for name in names:
            self._monkeypatch.setattr(dialogs, name, self._originals[name])

    def _ask(self, parent, title, question):
        self.questions.append(question)
        return self.answers.pop(0) if self.answers else True

    def _confirm_keys(self, parent, rows):
        """The list of new keys: each row (warning, unit, fingerprint) is a question answered from
        ``answers`` (ticked when True; True when empty)."""
        ticked = []
        for i, (unit, fingerprint, warning) in enumerate(rows):
            if self._ask(parent, "confirm_keys", " ".join(part for part in (warning, unit, fingerprint) if part)):
                ticked.append(i)
        return ticked

    @staticmethod
    def _pop(queue, what):
        if not queue:
            raise AssertionError(f"unexpected dialog: {what}")
        return queue.pop(0)

    def warnings(self) -> list[str]:
        return [m for kind, _, m in self.messages if kind in ("warn", "error")]


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    data_file = tmp_path / "data" / "rencana.renstra"
    monkeypatch.setattr(newplan, "default_plan_path", lambda: data_file)
    monkeypatch.setattr(app_module, "default_plan_path", lambda: data_file)
    yield


@pytest.fixture(autouse=True)
def fake_dialogs(monkeypatch) -> FakeDialogs:
    fake = FakeDialogs()
    fake.install(monkeypatch)
    return fake


@pytest.fixture(autouse=True)
def app_identity(qapp):
    """Organisation and application name, as run_app sets them (QSettings needs them)."""
    app_module.ensure_application()
    return qapp


@pytest.fixture
def controller(qapp, kanwil_path):
    from renstra_desktop.core.store import Store
    from renstra_desktop.ui.controller import PlanController

    ctl = PlanController(actor="penguji")
    ctl.open_store(Store.open(kanwil_path))
    yield ctl
    ctl.close()


@pytest.fixture
def window(qtbot, kanwil_path):
    from renstra_desktop.core.store import Store
    from renstra_desktop.ui.main_window import MainWindow

    win = MainWindow(Store.open(kanwil_path))
    win.controller.actor = "penguji"
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win

