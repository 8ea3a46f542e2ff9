"""A plan file as an older version of the application made it: only the migrations up to
``version`` run when it is created (the file then says ``user_version = version``)."""
from __future__ import annotations

import shutil
from pathlib import Path


def plan_at_version(path: Path, unit: str, version: int, monkeypatch):
    """Create ``path`` for ``unit`` at schema ``version``; returns the open Store (the caller closes it)."""
    from renstra_desktop.core import store as store_mod
    from renstra_desktop.core.newplan import create_plan_file

    old = path.parent / f"migrations-{version}"
    old.mkdir(exist_ok=True)
    for number, script in store_mod.migrations():
        if number <= version:
            shutil.copy(script, old / script.name)
    with monkeypatch.context() as patch:
        patch.setattr(store_mod, "migrations_dir", lambda: old)
        store = create_plan_file(path, unit)
    assert store.schema_version == version
    return store
