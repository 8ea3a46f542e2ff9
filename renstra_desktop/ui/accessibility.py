"""Accessible names for the window's controls (what a screen reader says, e.g. NVDA on Windows).

Qt names a button by its text and a spin box by its form label, but a combo box by its current
value ("Kantor Wilayah") and a table or the tab widget not at all.  :func:`name_controls` gives
each such control a name saying what it is ("Satker yang ditampilkan"), without reorganising the
tab modules: known controls by attribute, combo boxes by their form label, every plan table by its
tab's title.  It only fills empty names and runs again when a lazily built tab appears.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLabel, QScrollArea, QWidget

_CTX = "accessibility"


def tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def _name(widget: QWidget | None, name: str) -> None:
    if widget is not None and not widget.accessibleName():
        widget.setAccessibleName(name)


def _label_text(label: QLabel) -> str:
    return label.text().replace("&", "").strip().rstrip(":").strip()


def _name_by_buddy(root: QWidget) -> None:
    """A combo box labelled in a form ('Laporan', 'Satker', 'Kertas') is named by its label."""
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if isinstance(buddy, QComboBox) and _label_text(label):
            _name(buddy, _label_text(label))


def name_controls(window) -> None:
    """Name the window's controls that Qt leaves unnamed or names by their value (idempotent)."""
    _name(window.tabs, tr("Bagian rencana"))
    _name(window.unit_combo, tr("Satker yang ditampilkan"))
    indicator = getattr(window, "indicator_tab", None)
    if indicator is not None:
        _name(getattr(indicator, "year_combo", None), tr("Tahun capaian"))
        _name(getattr(indicator, "view", None), tr("Tabel indikator, target dan capaian"))
        _name(getattr(indicator, "realisation_view", None), tr("Tabel realisasi per periode"))
    package_view = getattr(window, "package_view", None)
    if package_view is not None:
        _name(getattr(package_view, "received_view", None), tr("Tabel paket terakhir dari tiap satker"))
        _name(getattr(package_view, "conflict_view", None), tr("Tabel konflik yang perlu diputuskan"))
    report = getattr(window, "_report_tab", None)
    if report is not None:
        for scroll in report.findChildren(QScrollArea):       # the page preview
            _name(scroll, tr("Pratinjau laporan"))
    for index in range(window.tabs.count()):
        tab, title = window.tabs.widget(index), window.tabs.tabText(index).replace("&", "")
        views = tab.findChildren(QAbstractItemView)
        for view in views:
            if view.window() is not window:
                continue       # a combo box's popup list (its own top-level window)
            _name(view, tr("Tabel {tab}").format(tab=title))
        _name_by_buddy(tab)


def install_accessible_names(window) -> None:
    """Name the controls now and whenever a tab is first shown (tabs are built lazily)."""
    name_controls(window)
    window.tabs.currentChanged.connect(lambda index: name_controls(window))
