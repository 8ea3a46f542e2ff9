"""Where the file dialogs open: the folder last used for that kind of file (remembered per user),
else the user's Documents folder, never the program's hidden data folder where a UPT administrator
cannot find a package to attach.  And "Buka folder": show a folder in the system's file manager."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices

KEY = "folders/{kind}"
# kinds of files, each with its own remembered folder
REPORTS, PACKAGES_OUT, PACKAGES_IN, PLANS, CERTIFICATES = "reports", "packages_out", "packages_in", "plans", \
    "certificates"


def documents_dir() -> Path:
    """The user's Documents folder (Windows: Dokumen), or the home folder where there is none."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if found and Path(found).is_dir():
        return Path(found)
    return Path.home()


def last_folder(kind: str) -> Path:
    """The folder last used for ``kind``, if it still exists; else Documents."""
    value = QSettings().value(KEY.format(kind=kind))
    if value and Path(str(value)).is_dir():
        return Path(str(value))
    return documents_dir()


def remember_folder(kind: str, path: str | Path) -> None:
    """Remember the folder of ``path`` (a file, or a folder itself) for the next dialog of ``kind``."""
    path = Path(path)
    QSettings().setValue(KEY.format(kind=kind), str(path if path.is_dir() else path.parent))


def open_folder(folder: str | Path) -> bool:
    """Show ``folder`` in the file manager (Explorer, Files); False when the system cannot."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
