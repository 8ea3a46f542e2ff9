"""Run by test_screen_fit.py in a child process whose offscreen screen has a given size: open the
window as run_app does (first run: no saved geometry) and report where things are, as JSON."""
from __future__ import annotations

import json
import sys

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication


def main(db: str, shot: str) -> None:
    app = QApplication(sys.argv[:1])
    from renstra_desktop.ui.app import ensure_application, prepare_window
    from renstra_desktop.ui.merge_dialog import MergeDialog

    ensure_application()
    window = prepare_window(db)
    how = window.show_on_screen()
    for _ in range(30):
        app.processEvents()
    screen = window.screen().availableGeometry()

    def on_screen(widget) -> bool:
        rect = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
        return widget.isVisible() and screen.contains(rect)

    window.set_selected_unit(None)
    tab = window.indicator_tab
    view = tab.view
    import time
    deadline = time.monotonic() + 30
    while view.model().loading and time.monotonic() < deadline:     # every unit is read in a worker
        app.processEvents()
        time.sleep(0.01)
    for _ in range(10):
        app.processEvents()
    column = view.model().column_index("achievement")
    view.scrollTo(view.model().index(0, column))
    for _ in range(10):
        app.processEvents()
    cell = view.visualRect(view.model().index(0, column))
    capaian_visible = cell.left() >= view.frozen.width() and cell.right() <= view.viewport().width()
    frozen_ok = view.frozen.overlay.isVisible() and view.frozen.overlay.columnWidth(0) == view.columnWidth(0)
    window.grab().save(shot)
    period_buttons = on_screen(tab.add_period_button) and on_screen(tab.remove_period_button)
    status_bar = on_screen(window.statusBar())
    window.tabs.setCurrentWidget(window.report_tab)
    for _ in range(10):
        app.processEvents()
    report_buttons = all(on_screen(b) for b in (window.report_tab.build_button, window.report_tab.print_button,
                                                  window.report_tab.check_signatures_button))
    dialog = MergeDialog(window.controller, [], window)
    dialog.show()
    for _ in range(10):
        app.processEvents()
    merge_fits = screen.contains(dialog.frameGeometry())
    dialog.close()
    print(json.dumps({
        "how": how, "screen": [screen.width(), screen.height()],
        "window": [window.frameGeometry().width(), window.frameGeometry().height()],
        "window_on_screen": screen.contains(window.frameGeometry()),
        "status_bar": status_bar, "period_buttons": period_buttons,
        "capaian_visible": capaian_visible, "frozen": frozen_ok, "report_buttons": report_buttons,
        "merge_dialog": merge_fits, "merge_width": dialog.width(),
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
