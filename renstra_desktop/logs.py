"""The application log: a rotating file in the data folder (``log/renstra-desktop.log``, 1 MB × 5).

Errors are written here with their tracebacks; the user sees one Indonesian line (CLI) or one
dialog (window), never the raw text.  Qt-free, set up once per process by the window and the CLI.

Windows: rotating renames the open log file; another process (a CLI next to the window) may hold
it open, and Windows refuses to rename an open file.  Rotation is then skipped and writing goes on
in the same file instead of losing the record (the next process that rotates catches up).
"""
from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
from pathlib import Path

from . import __version__
from .paths import log_dir

LOG_NAME = "renstra-desktop.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
LOGGER = "renstra_desktop"
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


class _TolerantRotatingHandler(logging.handlers.RotatingFileHandler):
    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:      # held open elsewhere (Windows sharing violation): keep writing here
            if self.stream is None:
                self.stream = self._open()


def log_file(folder: Path | None = None) -> Path:
    return (folder or log_dir()) / LOG_NAME


def setup_logging(folder: Path | None = None, *, max_bytes: int = MAX_BYTES) -> Path | None:
    """Log to ``folder`` (default: the data folder's ``log``).  Returns the log file, or None when
    the folder cannot be written (read-only stick): the program then runs without a log."""
    logger = logging.getLogger(LOGGER)
    target = log_file(folder)
    for handler in logger.handlers:
        if isinstance(handler, _TolerantRotatingHandler) and Path(handler.baseFilename) == target.absolute():
            return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler = _TolerantRotatingHandler(target, maxBytes=max_bytes, backupCount=BACKUPS,
                                           encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.info("start %s %s; Python %s; %s %s", "renstra-desktop", __version__, platform.python_version(),
                platform.system(), platform.release())
    return target


def close_logging() -> None:
    """Detach and close the log file (tests; a portable copy about to be unplugged)."""
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        if isinstance(handler, _TolerantRotatingHandler):
            logger.removeHandler(handler)
            handler.close()


def log_exception(message: str, exc_info=None) -> None:
    """Record an error with its traceback (``exc_info``: an exception or sys.exc_info())."""
    logging.getLogger(LOGGER).error(message, exc_info=exc_info or sys.exc_info())
