"""Portable mode: with a ``portable`` marker next to the program, the plan, its key, the settings
and the log live in ``data`` beside it; nothing is written to the user's profile."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from renstra_desktop import paths
from renstra_desktop.core import newplan

LAUNCHER = "import sys\nfrom renstra_desktop.cli import main\nsys.exit(main())\n"


def isolated_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "RENSTRA_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"), XDG_CONFIG_HOME=str(home / "config"),
               QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    home.mkdir(parents=True, exist_ok=True)
    return env


def program_folder(root: Path, portable: bool) -> Path:
    """A copy of the program as it sits on a stick: the launcher (the frozen executable's stand-in)
    and, when ``portable``, the marker."""
    folder = root / "USB Satker – Bima ñ"
    folder.mkdir(parents=True)
    (folder / "renstra-desktop.py").write_text(LAUNCHER, encoding="utf-8")
    if portable:
        (folder / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    return folder


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def test_marker_next_to_the_program_moves_the_data_folder(tmp_path, monkeypatch):
    folder = program_folder(tmp_path, portable=True)
    monkeypatch.setattr(sys, "argv", [str(folder / "renstra-desktop.py")])
    assert paths.portable_dir() == folder / "data"
    assert paths.data_dir() == folder / "data"
    assert paths.log_dir() == folder / "data" / "log"
    assert newplan.default_plan_path() == folder / "data" / "rencana.renstra"


def test_without_the_marker_the_data_stays_in_the_user_profile(tmp_path, monkeypatch):
    folder = program_folder(tmp_path, portable=False)
    monkeypatch.setattr(sys, "argv", [str(folder / "renstra-desktop.py")])
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert paths.portable_dir() is None
    assert paths.data_dir() == tmp_path / "share" / "RenstraDesktop"


def test_frozen_program_looks_next_to_the_executable(tmp_path, monkeypatch):
    folder = program_folder(tmp_path, portable=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / "RenstraDesktop.exe"))
    monkeypatch.setattr(sys, "argv", ["RenstraDesktop"])      # argv[0] may lack a path when frozen
    assert paths.program_dir() == folder
    assert paths.data_dir() == folder / "data"


def test_a_marker_that_is_a_folder_does_not_count(tmp_path, monkeypatch):
    folder = program_folder(tmp_path, portable=False)
    (folder / paths.PORTABLE_MARKER).mkdir()
    monkeypatch.setattr(sys, "argv", [str(folder / "renstra-desktop.py")])
    assert paths.portable_dir() is None


def test_portable_copy_keeps_plan_key_settings_and_log_beside_the_program(tmp_path):
    folder = program_folder(tmp_path, portable=True)
    home = tmp_path / "home"
    env = isolated_env(home)
    launcher = [sys.executable, str(folder / "renstra-desktop.py")]
    data = folder / "data"

    init = subprocess.run(launcher + ["init", str(data / "rencana.renstra"), "--unit", "RTN-BIMA"],
                          env=env, capture_output=True, text=True, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    keys = subprocess.run(launcher + ["keys", "show", str(data / "rencana.renstra")], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert keys.returncode == 0, keys.stderr
    # the window with no --db opens the portable plan, paints once and quits
    window = subprocess.run(launcher, env={**env, "RENSTRA_BENCH_EXIT_ON_PAINT": "1"},
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert window.returncode == 0, window.stderr
    assert "RENSTRA_FIRST_PAINT" in window.stdout

    made = files_under(data)
    assert {"rencana.renstra", "rencana.renstra.kunci", "log/renstra-desktop.log"} <= made, made
    ini = [name for name in made if name.endswith(".ini")]
    assert ini, made                                   # QSettings as an INI file in the data folder
    assert "recent_files" in (data / ini[0]).read_text(encoding="utf-8")
    assert files_under(home) == set()                  # nothing in the user's profile


def test_installed_copy_writes_its_log_in_the_user_data_folder(tmp_path, kanwil_path):
    folder = program_folder(tmp_path, portable=False)
    home = tmp_path / "home"
    env = isolated_env(home)
    window = subprocess.run([sys.executable, str(folder / "renstra-desktop.py"), "--db", str(kanwil_path)],
                            env={**env, "RENSTRA_BENCH_EXIT_ON_PAINT": "1"}, capture_output=True, text=True,
                            timeout=120)
    assert window.returncode == 0, window.stderr
    assert (home / "share" / "RenstraDesktop" / "log" / "renstra-desktop.log").is_file()
    assert not (folder / "data").exists()
