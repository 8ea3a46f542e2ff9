"""Where the automatic backups go and how many are kept: a setting of this installation (this
computer), declared once here, read by the window and the command line alike.

Not a plan setting: the ``setting`` table belongs to the Kanwil and travels to every unit in its
package, but a folder is a place on one computer (the drive letter of a USB stick, a user's
Documents); the Kanwil's folder means nothing on a UPT's laptop.  Not QSettings: the core and the
command line read it too and import no Qt.  So a small JSON file, ``cadangan.json``, in the
installation's data folder (portable mode: beside the program), written only by
:func:`save_backup_settings`.

The default folder is ``Cadangan Renstra`` in the user's Documents: a folder a UPT administrator
finds in the file manager and copies to a USB stick (the plan itself lives in a hidden data
folder).  In portable mode it is inside the portable data folder, so nothing is written to the
user's profile.  ``RENSTRA_DESKTOP_BACKUP_DIR`` overrides the folder (scripts, tests).
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import paths
from .errors import FileError, ValidationError
from .os_errors import os_reason

CONFIG_NAME = "cadangan.json"
FOLDER_NAME = "Cadangan Renstra"
FOLDER_ENV = "RENSTRA_DESKTOP_BACKUP_DIR"
DEFAULT_DAILY, DEFAULT_WEEKLY = 7, 4
MAX_KEPT = 99

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupSettings:
    """``folder`` None means the default folder; ``daily`` daily backups and, older than those, one
    backup of each of ``weekly`` weeks are kept."""
    folder: str | None = None
    daily: int = DEFAULT_DAILY
    weekly: int = DEFAULT_WEEKLY


def config_path() -> Path:
    return paths.data_dir() / CONFIG_NAME


def default_folder() -> Path:
    portable = paths.portable_dir()
    if portable is not None:
        return portable / FOLDER_NAME
    from platformdirs import user_documents_dir

    return Path(user_documents_dir()) / FOLDER_NAME


def backup_folder(settings: BackupSettings | None = None) -> Path:
    """The folder the daily and manual backups go to (the environment, the setting, the default)."""
    override = os.environ.get(FOLDER_ENV)
    if override:
        return Path(override)
    settings = settings if settings is not None else load_backup_settings()
    return Path(settings.folder) if settings.folder else default_folder()


def is_default_folder(folder: Path) -> bool:
    return folder == default_folder() and not os.environ.get(FOLDER_ENV)


def _count(value, default: int, lowest: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and lowest <= value <= MAX_KEPT \
        else default


def load_backup_settings() -> BackupSettings:
    """The saved settings; the defaults when there are none or the file is unreadable (logged)."""
    path = config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return BackupSettings()
    except (OSError, ValueError) as exc:
        log.info("backup settings %s unreadable, defaults used: %s", path, exc)
        return BackupSettings()
    if not isinstance(data, dict):
        return BackupSettings()
    folder = data.get("folder")
    return BackupSettings(folder=folder if isinstance(folder, str) and folder.strip() else None,
                          daily=_count(data.get("daily"), DEFAULT_DAILY, 1),
                          weekly=_count(data.get("weekly"), DEFAULT_WEEKLY, 0))


def check_folder(folder: str | os.PathLike) -> Path:
    """``folder`` if backups can be written there; FileError (one Indonesian line) otherwise."""
    folder = Path(folder)
    if not folder.exists():
        raise FileError(f"Folder cadangan {folder} tidak ada (flashdisk dicabut?). Colokkan medianya atau pilih "
                        "folder lain; tidak ada yang ditulis.")
    if not folder.is_dir():
        raise FileError(f"{folder} bukan folder. Pilih folder untuk cadangan; tidak ada yang ditulis.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FileError(f"Folder cadangan {folder} hanya-baca (tidak ada izin menulis). Pilih folder lain; tidak ada "
                        "yang ditulis.")
    return folder


def save_backup_settings(settings: BackupSettings) -> Path:
    """Check and save the settings for this installation; returns the file written."""
    from .safe_write import new_file

    for name, value, lowest in (("harian", settings.daily, 1), ("mingguan", settings.weekly, 0)):
        if _count(value, None, lowest) is None:
            raise ValidationError(f"Jumlah cadangan {name} harus bilangan bulat {lowest} sampai {MAX_KEPT}.")
    if settings.folder:
        check_folder(settings.folder)
    path = config_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileError(f"Folder data {path.parent} tidak dapat dibuat ({os_reason(exc)}).") from None
    with new_file(path, replace=True, private=True) as tmp:
        tmp.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=1), encoding="utf-8")
    return path
