"""Keyboard-only data entry, accessible names for screen readers, and the report preview drawn at
the screen's pixel ratio (high-DPI displays)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QApplication, QComboBox, QLineEdit, QScrollBar,
                               QSpinBox, QWidget)

from conftest_ui import read_db


def target(path, year, indicator="IKK 17.1"):
    return read_db(path, "SELECT value FROM indicator_target WHERE unit_code = 'KANWIL' AND indicator_code = ? "
                         "AND year = ?", (indicator, year))[0][0]


def press(key, modifier=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(QApplication.focusWidget(), key, modifier)


def test_targets_entered_with_the_keyboard_only(qtbot, window, kanwil_path):
    """From the unit selector: Tab into the table, arrows to a target, F2, type, Tab to the next
    year (the edit is saved), type, Enter.  No mouse."""
    tab = window.indicator_tab
    window.activateWindow()
    window.unit_combo.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.unit_combo)
    for _ in range(12):
        if QApplication.focusWidget() is tab.view:
            break
        press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is tab.view
    press(Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(tab.model.column_index("target_2026") - tab.view.currentIndex().column()):
        press(Qt.Key.Key_Right)
    assert tab.model.columns()[tab.view.currentIndex().column()].key == "target_2026"
    assert tab.model.rows()[tab.view.currentIndex().row()]["indicator_code"] == "IKK 17.1"

    press(Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    QTest.keyClicks(editor, "3,9")
    press(Qt.Key.Key_Tab)                                   # saves and moves to the next year
    qtbot.waitUntil(lambda: target(kanwil_path, 2026) == 3.9)
    assert tab.model.columns()[tab.view.currentIndex().column()].key == "target_2027"

    press(Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    QTest.keyClicks(editor, "4,1")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: target(kanwil_path, 2027) == 4.1)


def test_a_wrong_number_typed_keeps_the_old_value(qtbot, window, kanwil_path, fake_dialogs):
    tab = window.indicator_tab
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.model.index(0, tab.model.column_index("target_2026")))
    before = target(kanwil_path, 2026)
    press(Qt.Key.Key_F2)
    QApplication.focusWidget().selectAll()
    QTest.keyClicks(QApplication.focusWidget(), "tiga koma")
    press(Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()))
    assert target(kanwil_path, 2026) == before


def controls(window) -> list[QWidget]:
    found = []
    for widget in window.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or isinstance(widget, QScrollBar):
            continue
        if widget.window() is not window:                                   # combo popups
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QSpinBox):
            continue                                                        # the spin box's own edit
        if widget.parent() is not None and widget.parent().inherits("QTabBar"):
            continue                                                        # the tab bar's scroll arrows
        found.append(widget)
    return found


def test_every_control_has_a_name_a_screen_reader_can_say(qtbot, window):
    window.report_tab                                   # build the lazy tabs
    window.built_tab(window.feature("packages").view_placeholder)
    window.tabs.setCurrentIndex(window.tabs.count() - 1)     # showing a tab names what it built
    qtbot.wait(10)
    unnamed, named_by_value = [], []
    for widget in controls(window):
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Text.Name) if interface else ""
        if not name:
            unnamed.append(f"{type(widget).__name__} in {type(widget.parent()).__name__}")
        elif isinstance(widget, QComboBox) and name == widget.currentText() and not widget.accessibleName():
            named_by_value.append(name)
    assert unnamed == [] and named_by_value == [], (unnamed, named_by_value)
    assert window.unit_combo.accessibleName() == "Satker yang ditampilkan"
    assert window.indicator_tab.view.accessibleName() == "Tabel indikator, target dan capaian"
    assert window.report_tab.kind.accessibleName() == "Laporan"
    assert window.risk_tab.view.accessibleName() == "Tabel Risiko"


def test_report_preview_uses_the_screens_pixels(qtbot):
    from pypdf import PdfWriter
    import io

    from renstra_desktop.ui.pdf_pages import page_sizes
    from renstra_desktop.ui.pdf_preview import PdfPreview

    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    buffer = io.BytesIO()
    writer.write(buffer)
    pdf = buffer.getvalue()
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.set_pdf(pdf, page_sizes(pdf))
    plain = preview.page_image(0)
    preview.devicePixelRatioF = lambda: 1.5               # a screen at 150 % scaling
    preview.set_pdf(pdf, page_sizes(pdf))
    sharp = preview.page_image(0)
    assert abs(sharp.width() - plain.width() * 1.5) <= 1 and abs(sharp.height() - plain.height() * 1.5) <= 1
    assert sharp.devicePixelRatio() == 1.5
    size = sharp.deviceIndependentSize()                                # same size on screen, more pixels
    assert abs(size.width() - plain.width()) < 1 and abs(size.height() - plain.height()) < 1
