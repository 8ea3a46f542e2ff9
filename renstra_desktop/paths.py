"""Where things are: shipped files (migrations, dataset, fonts, icons) in a checkout, an installed
package or a PyInstaller build, and the user's data folder, installed or portable.

Portable mode (a USB stick, a shared laptop): a file named ``portable`` next to the program that
was started puts the plan, its keys and backups, the settings (an INI file) and the logs in a
``data`` folder beside the program instead of the user's profile.  The program's folder is the
executable's in a frozen build, otherwise the folder of the started script (``sys.argv[0]``).
Qt-free: the CLI, the core and the window all ask here.
"""
from __future__ import annotations

import functools
import os
import sys
from importlib import resources as _res
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
APP_FOLDER = "RenstraDesktop"          # the per-user data folder's name (and the settings' organisation)
PORTABLE_MARKER = "portable"
PORTABLE_DATA = "data"
LOG_FOLDER = "log"


@functools.lru_cache(maxsize=None)
def _package_dir(package: str, checkout_dir: str) -> Path:
    """Where a data package of the application is (found once per process: a merge asks for the
    migrations once per package)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "renstra_desktop" / package
    try:
        return Path(str(_res.files(f"renstra_desktop.{package}")))
    except ModuleNotFoundError:
        return _CHECKOUT / checkout_dir


def migrations_dir() -> Path:
    """Folder of numbered schema migrations (``db/NNNN_name.sql``)."""
    return _package_dir("db", "db")


def resource_path(*parts: str) -> Path:
    """A file under ``resources/`` (dataset, fonts, icons)."""
    return _package_dir("resources", "resources").joinpath(*parts)


def program_dir() -> Path | None:
    """The folder of the program that was started (None when started from ``python -c``/a REPL)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    script = sys.argv[0] if sys.argv else ""
    if not script or script == "-c" or not os.path.isfile(script):
        return None
    return Path(script).resolve().parent


def portable_dir() -> Path | None:
    """The portable data folder (``<program folder>/data``) when a ``portable`` marker is next to
    the program, else None."""
    folder = program_dir()
    if folder is not None and (folder / PORTABLE_MARKER).is_file():
        return folder / PORTABLE_DATA
    return None


def data_dir() -> Path:
    """The folder of the installation's plan, its key, backups and logs (not created here)."""
    portable = portable_dir()
    if portable is not None:
        return portable
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_FOLDER, appauthor=False))


def log_dir() -> Path:
    return data_dir() / LOG_FOLDER
