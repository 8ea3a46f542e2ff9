"""Helpers for the backup and restore tests: this installation's backup settings in tmp_path, a plan
changed after its backup, folders read-only even for root, the state of the folders involved."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def backup_folder(tmp_path, monkeypatch) -> Path:
    """The installation's backup folder and settings file, both in tmp_path."""
    folder = tmp_path / "Cadangan Renstra"
    folder.mkdir()
    monkeypatch.setenv("RENSTRA_DESKTOP_BACKUP_DIR", str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    return folder


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def state(*folders: Path) -> dict:
    """Every file below the folders with its digest: "nothing written" means this does not change."""
    found = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                found[str(path)] = sha(path)
    return found


TARGET = ("indicator_target", "KANWIL", "IKK 17.1", 2026)


def set_target(plan: Path, value: str) -> None:
    """A real change through the service: the Kanwil's 2026 target of IKK 17.1."""
    from renstra_desktop.core.rows import stable_id
    from renstra_desktop.core.service import PlanService
    from renstra_desktop.core.store import Store

    with Store.open(plan) as store:
        PlanService(store, "penguji").update("indicator_target", stable_id(*TARGET), {"value": value})


def target(plan: Path):
    import sqlite3

    from renstra_desktop.core.rows import stable_id
    conn = sqlite3.connect(f"file:{plan}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT value FROM indicator_target WHERE id = ?", (stable_id(*TARGET),)).fetchone()[0]
    finally:
        conn.close()


RUN = "import sys; from renstra_desktop.cli import main; sys.exit(main(sys.argv[1:]))"


def run_cli(*argv, env: dict | None = None, prefix: list | None = None) -> subprocess.CompletedProcess:
    """The command line in a child process, as a user runs it (``prefix``: e.g. a private mount namespace)."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    command = (prefix or []) + [sys.executable, "-c", RUN, *map(str, argv)]
    return subprocess.run(command, env=full, capture_output=True, text=True, timeout=120)


def read_only_prefix(folder: Path) -> list:
    """A command prefix under which ``folder`` is read-only, for root too: a private mount namespace with
    the folder bound read-only onto itself (util-linux unshare); as another user, chmod is enough."""
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        return []
    return ["unshare", "-m", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"', str(folder)]
