"""Full collections (issue 11): the window freezes its long-lived objects (gc.freeze) after its
first paint and after a big table is read, and gives them back when another file is opened: nothing
of file A outlives the switch to file B, cycles included."""
from __future__ import annotations

import gc
import shutil
import weakref

from conftest_ui import show_tab

from renstra_desktop.core.store import Store
from renstra_desktop.ui.main_window import MainWindow


class Cycle:
    """Garbage only the cycle collector frees (as a closure or a caught exception makes)."""

    def __init__(self):
        self.me = self


def test_a_freeze_keeps_nothing_of_the_file_opened_before(qtbot, kanwil_path, tmp_path):
    other = tmp_path / "lain.renstra"
    shutil.copy(kanwil_path, other)
    window = MainWindow(Store.open(kanwil_path))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=5000)     # frozen after the first paint

    garbage = Cycle()                             # alive while A's rows are read, garbage after
    garbage_of_a = weakref.ref(garbage)
    window.set_selected_unit(None)                                     # every unit's rows: read in a worker
    model = show_tab(qtbot, window, window.roadmap_tab).model
    assert model.rowCount() > 0
    store_a = weakref.ref(window.controller.store)
    del garbage
    gc.collect()
    assert garbage_of_a() is not None             # frozen with A's rows: no collection sees it

    assert window.open_path(other)
    gc.collect()
    assert garbage_of_a() is None                 # another file: A's objects are collectable again
    assert store_a() is None
    assert window.controller.store.path == other
    show_tab(qtbot, window, window.roadmap_tab)
    assert window.roadmap_tab.model.rowCount() > 0
