"""The core imports no Qt: every module of renstra_desktop.core, imported in a fresh interpreter."""
import pkgutil
import subprocess
import sys
from pathlib import Path

import renstra_desktop.core as core

ROOT = Path(__file__).resolve().parents[2]


def core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(core.__path__, prefix="renstra_desktop.core."))


def test_every_core_module_is_found():
    names = core_modules()
    assert {"renstra_desktop.core.store", "renstra_desktop.core.service", "renstra_desktop.core.queries",
            "renstra_desktop.core.dataset", "renstra_desktop.core.newplan"} <= set(names)


def test_core_imports_no_qt():
    imports = "; ".join(f"import {name}" for name in core_modules())
    code = f"{imports}; import sys; bad = sorted(m for m in sys.modules if m.startswith('PySide6') or m.startswith('shiboken')); assert not bad, bad"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
