"""Shared fixtures: real plan files in tmp_path (no mocked database)."""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The day's backup of every writing command goes to a folder of this test session, never to the
# Documents folder of whoever runs the tests (core/backup_settings.py); child processes inherit it.
_BACKUPS = tempfile.mkdtemp(prefix="renstra-uji-cadangan-")
os.environ.setdefault("RENSTRA_DESKTOP_BACKUP_DIR", _BACKUPS)
atexit.register(shutil.rmtree, _BACKUPS, True)
sys.path.insert(0, str(Path(__file__).parent))   # tests/pki.py and friends


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "rencana.renstra"


@pytest.fixture(scope="session")
def _kanwil_template(tmp_path_factory) -> Path:
    from renstra_desktop.core.newplan import create_plan_file

    path = tmp_path_factory.mktemp("template") / "kanwil.renstra"
    create_plan_file(path, "KANWIL").close()
    return path


@pytest.fixture
def kanwil_path(_kanwil_template, tmp_path) -> Path:
    """A fresh copy of the Kanwil's embedded plan."""
    path = tmp_path / "kanwil.renstra"
    shutil.copy(_kanwil_template, path)
    return path


@pytest.fixture
def kanwil_store(kanwil_path):
    from renstra_desktop.core.store import Store

    store = Store.open(kanwil_path)
    yield store
    store.close()


@pytest.fixture
def kanwil_service(kanwil_store):
    from renstra_desktop.core.service import PlanService

    return PlanService(kanwil_store, actor="penguji")
