"""One place that finds shipped files (migrations, dataset, fonts) in a checkout, an installed
package or a PyInstaller build."""
from __future__ import annotations

import sys
from importlib import resources as _res
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _package_dir(package: str, checkout_dir: str) -> Path:
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
