"""Start-up memory (issue 11/13): PySide6's scan of every imported module for "PySide6" keeps no
source lines in linecache, and still tells modules that use PySide6 from those that do not."""
from __future__ import annotations

import linecache
import sys

import pytest

from renstra_desktop.ui import app  # noqa: F401  (replaces the scan at import)


@pytest.fixture
def fresh_modules(tmp_path, monkeypatch):
    (tmp_path / "startup_probe_qt.py").write_text("from PySide6.QtCore import QObject\nVALUE = 1\n" + "# pad\n" * 500)
    (tmp_path / "startup_probe_plain.py").write_text("VALUE = 2\n" + "# pad\n" * 500)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in ("startup_probe_qt", "startup_probe_plain"):
        sys.modules.pop(name, None)


def test_modules_imported_after_pyside_leave_no_lines_in_linecache(fresh_modules):
    feature = sys.modules["PySide6.support.feature"]      # the scan is replaced when ui.app is imported
    assert app.scan_imports_without_keeping_sources()
    exec("import startup_probe_qt, startup_probe_plain", {})     # an import statement: PySide's hook runs
    paths = {str(fresh_modules / "startup_probe_qt.py"), str(fresh_modules / "startup_probe_plain.py")}
    assert not paths & set(linecache.cache)
    assert feature.pyside_feature_dict["startup_probe_qt"] == 0          # uses PySide: features apply
    assert feature.pyside_feature_dict["startup_probe_plain"] == -1      # ignored, as PySide decides
