"""Search across the plan on the 530-unit consolidated file: our FTS5 index against a plain LIKE scan.

    .venv/bin/python bench/search.py [--units 530] [--cache DIR] [--repeat 9] [--window]

Takes the Kanwil's consolidated file of ``bench/national_file.py`` (530 unit installations whose
packages the Kanwil merged: realisations with evidence notes, risks with cause, control, treatments
and success indicators, roadmap items, funding lines; built once into its cache, then reused) and
works on a copy of it, then in the same run:

- the index build (``SearchIndex.open``: every text into an in-memory FTS5 index), once per session;
- for each query, alternating runs, the median of ``--repeat``:
  ours     ``SearchIndex.search``: words as word starts, hits with tab, unit, row label, place and
           highlighted matches, in the window's order, at most 500;
  baseline a plain ``LIKE '%word%'`` scan of the same columns of the same tables (deleted = 0, every
           word in the same text), stopping at 501 texts: the fastest way to the same texts without
           an index (no labels, no places, no highlights, no accents ignored);
- a search right after an edit committed by another connection (the index catches up first);
- with ``--window``: the real window (offscreen) typing a query key by key into Cari di rencana,
  the first search building the index: the longest gap of the GUI event loop (5 ms heartbeat).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from national_file import KANWIL_FILE, national_file  # noqa: E402  (bench/national_file.py: the 530-unit file)

from renstra_desktop.core.search import LIMIT, SearchIndex  # noqa: E402
from renstra_desktop.core.search_sources import SOURCES  # noqa: E402
from renstra_desktop.core.service import PlanService  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402

QUERIES = ("pelatihan", "absensi", "keterbatasan petugas", "LPS-LOBAR", "17.1", "kegiatan 2027", "la", "zzzz")


def like_search(conn, text: str, limit: int = LIMIT) -> list[tuple]:
    """The baseline: texts containing every word, by LIKE over the same columns, up to limit + 1."""
    words = text.split()
    found: list[tuple] = []
    for source in SOURCES:
        for column in source.columns:
            where = " AND ".join(f"t.{column} LIKE ?" for _ in words)
            found += conn.execute(
                f"SELECT '{source.table}', t.id, {source.unit}, '{column}', t.{column} FROM {source.table} t "
                f"WHERE t.deleted = 0 AND {where} LIMIT ?", [f"%{w}%" for w in words] + [limit + 1 - len(found)]
            ).fetchall()
            if len(found) > limit:
                return found
    return found


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run_queries(index: SearchIndex, plan: sqlite3.Connection, repeat: int) -> list[tuple]:
    rows = []
    for query in QUERIES:
        index.search(query)                      # warm: pages in the cache, as after the first key
        like_search(plan, query)
        ours, base = [], []
        for _ in range(repeat):                 # alternated, so both see the same machine load
            ours.append(timed(lambda: index.search(query)))
            base.append(timed(lambda: like_search(plan, query)))
        result = index.search(query)
        texts = len(like_search(plan, query))
        rows.append((query, len(result.hits), result.more, texts, statistics.median(ours), statistics.median(base)))
    return rows


def after_edit(path: Path, index: SearchIndex, repeat: int) -> list[float]:
    store = Store.open(path)
    service = PlanService(store, "bench")
    row = store.conn.execute("SELECT id FROM roadmap_item WHERE deleted = 0 AND owner_unit = 'KANWIL' LIMIT 1"
                             ).fetchone()["id"]
    times = []
    try:
        for i in range(repeat):
            service.update("roadmap_item", row, {"text": f"Pembangunan pos jaga nomor {i}"})
            times.append(timed(lambda: index.search("pos jaga")))
            assert index.search("pos jaga").hits[0].text.endswith(str(i))
    finally:
        store.close()
    return times


def window_typing(path: Path, text: str) -> tuple[float, float, int]:
    """The real window types ``text`` key by key (150 ms apart) into the panel; the first key
    builds the index.  Returns (seconds until the last answer, longest GUI gap, heartbeats)."""
    from PySide6.QtWidgets import QApplication

    from responsiveness import Heartbeat, wait    # bench/responsiveness.py: the 5 ms heartbeat
    from renstra_desktop.ui.app import ensure_application
    from renstra_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    ensure_application()
    window = MainWindow(Store.open(path))
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    window.feature("search").find_action.trigger()
    panel = window.feature("search").panel
    beat = Heartbeat()
    beat.start()
    started = time.perf_counter()
    for i in range(1, len(text) + 1):
        panel.field.setText(text[:i])
        end = time.perf_counter() + 0.15
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.001)
    wait(app, lambda: panel.status.text().endswith(f"“{text}”.") or "Lebih dari" in panel.status.text(), 120)
    elapsed = time.perf_counter() - started
    gap, ticks = beat.stop()
    window.close()
    return elapsed, gap, ticks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=530)
    parser.add_argument("--cache", metavar="DIR", help="bench/national_file.py's cache (default: its own)")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--window", action="store_true", help="also type a query into the real window")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="renstra-bench-search-"))
    try:
        path = folder / KANWIL_FILE             # a copy: the edits below never touch the shared cache
        shutil.copy(national_file(args.units, args.cache) / KANWIL_FILE, path)
        with Store.open(path, readonly=True) as store:       # the open checks, as the window does
            counts = {s.table: store.count(s.table) for s in SOURCES if s.table in
                      {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}}
        print(f"{path.name}: {path.stat().st_size / 2**20:.0f} MiB, {sum(counts.values())} rows in the searched tables")

        builds = []
        for _ in range(3):
            started = time.perf_counter()
            index = SearchIndex.open(path)
            builds.append(time.perf_counter() - started)
            texts = index.db["doc"].count
            if len(builds) < 3:
                index.close()
        memory = index.conn.execute("PRAGMA page_count").fetchone()[0] * \
            index.conn.execute("PRAGMA page_size").fetchone()[0]
        print(f"index build: median {statistics.median(builds):.2f} s (runs {', '.join(f'{b:.2f}' for b in builds)}), "
              f"{texts} texts, {memory / 2**20:.0f} MiB in memory")

        plan = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        print(f"\n{'query':<22}{'hits':>6}{'LIKE texts':>11}{'ours ms':>9}{'LIKE ms':>9}{'ours/LIKE':>11}")
        for query, hits, more, texts, ours, base in run_queries(index, plan, args.repeat):
            shown = f"{hits}{'+' if more else ''}"
            texts_shown = f"{min(texts, LIMIT)}{'+' if texts > LIMIT else ''}"
            print(f"{query:<22}{shown:>6}{texts_shown:>11}{ours * 1000:>9.1f}{base * 1000:>9.1f}{ours / base:>10.2f}x")
        plan.close()
        edits = after_edit(path, index, args.repeat)
        print(f"\nsearch right after an edit by another connection (catch-up included): median "
              f"{statistics.median(edits) * 1000:.1f} ms, max {max(edits) * 1000:.1f} ms")
        index.close()
        if args.window:
            elapsed, gap, ticks = window_typing(path, "pelatihan petugas")
            print(f"window: typed 'pelatihan petugas' (index built by the first key): answer after {elapsed:.2f} s, "
                  f"{ticks} heartbeats, longest GUI gap {gap * 1000:.1f} ms (goal <= 100 ms)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
