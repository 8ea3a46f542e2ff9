"""The search index's own thread: :class:`SearchThread` sends the words from the GUI thread, the
answer comes back on the GUI thread.  The index (:class:`renstra_desktop.core.search.SearchIndex`,
in memory, with its sqlite3 connections) lives on that thread for as long as the window and is made
at the first search; a request overtaken by newer typing is dropped unanswered.  This is not
:func:`.worker.run_in_background`: its tasks are one-shot on the shared pool, the index is one
long-lived per-thread database.
"""
from __future__ import annotations

import logging
import sqlite3

from PySide6.QtCore import QCoreApplication, QObject, QThread, Qt, Signal, Slot

from ..core.errors import RenstraError

log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("SearchPanel", text)


class _Stopped(Exception):
    pass


class _IndexWorker(QObject):
    """Lives on the search thread; owns the SearchIndex (and its sqlite3 connections)."""

    answered = Signal(int, object)       # generation, core.search.SearchResult
    progressed = Signal(int, int)        # generation, percent of the index built
    refused = Signal(int, str)           # generation, one Indonesian line

    def __init__(self):
        super().__init__()
        self.latest = 0                  # set by the GUI thread: newer requests make older ones moot
        self.stopping = False
        self._index = None

    @Slot(object)
    def handle(self, request: dict) -> None:
        if request["kind"] in ("drop", "close"):
            self._drop()
            if request["kind"] == "close":
                QThread.currentThread().quit()
            return
        generation = request["generation"]
        if generation < self.latest or self.stopping:
            return
        try:
            index = self._index_for(request["path"], generation)
            result = index.search(request["text"], units=request["units"], cycle_unit=request["cycle_unit"])
        except _Stopped:
            self._drop()
        except RenstraError as exc:
            self.refused.emit(generation, exc.message)
        except sqlite3.Error as exc:
            log.warning("search failed: %s", exc)
            self.refused.emit(generation, tr("Berkas rencana tidak dapat dibaca untuk pencarian saat ini ({error}). "
                                             "Ketik lagi sebentar kemudian.").format(error=exc))
        except Exception:    # a defect: logged with its traceback, one line in the panel
            log.exception("search failed")
            self.refused.emit(generation, tr("Pencarian gagal karena kesalahan tak terduga; rinciannya dicatat di "
                                             "log. Kirim laporan masalah (Bantuan)."))
        else:
            self.answered.emit(generation, result)

    def _index_for(self, path, generation: int):
        if self._index is not None and self._index.path == path:
            return self._index
        self._drop()
        from ..core.search import SearchIndex      # sqlite-utils loads here, off the GUI thread

        def progress(percent: int, _what: str) -> None:
            if self.stopping:
                raise _Stopped()
            self.progressed.emit(generation, percent)

        index = SearchIndex(path)
        try:
            index.build(progress)
        except BaseException:
            index.close()
            raise
        self._index = index
        return index

    def _drop(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None


class SearchThread(QObject):
    """The GUI side of the search thread: :meth:`ask` sends the words, the answer comes back on the
    GUI thread through ``answered`` with the generation :meth:`ask` returned."""

    answered = Signal(int, object)
    progressed = Signal(int, int)
    refused = Signal(int, str)
    _request = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.generation = 0
        self._thread: QThread | None = None
        self._worker: _IndexWorker | None = None

    def _start(self) -> None:
        self._thread = QThread()
        self._thread.setObjectName("search-index")
        self._worker = _IndexWorker()
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.handle, Qt.ConnectionType.QueuedConnection)
        for name in ("answered", "progressed", "refused"):
            getattr(self._worker, name).connect(getattr(self, name), Qt.ConnectionType.QueuedConnection)
        self._thread.finished.connect(self._worker.deleteLater)
        self._thread.start()

    def ask(self, path, text: str, units, cycle_unit: str | None) -> int:
        if self._thread is None:
            self._start()
        self.generation += 1
        self._worker.latest = self.generation
        self._request.emit({"kind": "search", "generation": self.generation, "path": path, "text": text,
                            "units": units, "cycle_unit": cycle_unit})
        return self.generation

    def forget(self) -> None:
        """The window opened another file: the next search builds a new index."""
        if self._thread is not None:
            self._request.emit({"kind": "drop"})

    def stop(self) -> None:
        """Close the index on its thread and end the thread (the window is closing)."""
        if self._thread is None:
            return
        self._worker.stopping = True
        self._request.emit({"kind": "close"})
        if not self._thread.wait(10_000):
            log.error("search thread did not stop")
        self._thread = self._worker = None
