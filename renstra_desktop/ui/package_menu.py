"""The window's package entries, made while the window is built: Berkas → Ekspor Paket… and
Gabungkan Paket…, package files dropped on the window, and the lazy "Paket masuk" tab.

The merge dialog (:mod:`.merge_dialog`) and the package view are imported when first used: start-up
does not load them (docs/national-scale.md, Round 4)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction

PACKAGE_SUFFIX = ".rpkg"


def export_package(window) -> None:
    from . import merge_dialog
    merge_dialog.export_package_from(window)


def open_merge(window, paths=None) -> None:
    from . import merge_dialog
    merge_dialog.open_merge_dialog(window, paths)


class PackageFeatures:
    """The window's package actions, its drop target and the Paket masuk tab (``window.feature("packages")``)."""

    def __init__(self, window):
        tr = window.tr
        self.export_action = QAction(tr("Ekspor &Paket…"), window)
        self.export_action.triggered.connect(lambda checked=False: export_package(window))
        self.merge_action = QAction(tr("&Gabungkan Paket…"), window)
        self.merge_action.triggered.connect(lambda checked=False: open_merge(window))
        self.drop = _PackageDrop(window)
        self.view = None                 # the PackageView, once the tab is first shown

        def make_view():
            from .package_view import PackageView
            self.view = PackageView(window.controller, lambda: open_merge(window))
            return self.view

        self.view_placeholder = window.add_lazy_tab(make_view, tr("Paket masuk"))


def install_package_features(window) -> None:
    """Add the package actions, the drop target and the Paket masuk tab to the main window."""
    features = window.add_feature("packages", PackageFeatures(window))
    window.add_file_actions([features.export_action, features.merge_action])
    window.setAcceptDrops(True)
    window.installEventFilter(features.drop)


def package_paths(urls) -> list[Path]:
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and u.toLocalFile().lower().endswith(PACKAGE_SUFFIX)]


class _PackageDrop(QObject):
    """Package files dropped anywhere on the window open the merge dialog with them."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and event.mimeData().hasUrls():
            if package_paths(event.mimeData().urls()):
                event.acceptProposedAction()
                return True
        if kind == QEvent.Type.Drop and event.mimeData().hasUrls():
            paths = package_paths(event.mimeData().urls())
            if paths:
                event.acceptProposedAction()
                open_merge(self.window, paths)
                return True
        return False
