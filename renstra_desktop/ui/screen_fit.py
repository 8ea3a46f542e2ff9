"""Windows that fit the screens units have (1366×768 and 1024×768 laptops): the main window opens
maximised when its usual size does not fit, dialogs are never larger than the screen."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication

FIRST_RUN_SIZE = QSize(1280, 800)
FRAME_ALLOWANCE = QSize(16, 48)     # window decorations (title bar, borders) not in geometry()


def available_geometry(widget=None) -> QRect:
    """The screen area a window may use (without task bar) where ``widget`` is, or the primary one."""
    screen = widget.screen() if widget is not None and widget.screen() is not None else \
        QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fits(size: QSize, available: QRect) -> bool:
    return (size.width() + FRAME_ALLOWANCE.width() <= available.width()
            and size.height() + FRAME_ALLOWANCE.height() <= available.height())


def fitted_size(widget, width: int, height: int) -> QSize:
    """``width`` × ``height``, made smaller where the screen is smaller (a dialog's first size)."""
    available = available_geometry(widget.parentWidget() or widget)
    return QSize(min(width, available.width() - FRAME_ALLOWANCE.width()),
                 min(height, available.height() - FRAME_ALLOWANCE.height()))
