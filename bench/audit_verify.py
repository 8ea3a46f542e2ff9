"""``audit verify`` on the 530-unit consolidated file against ``PRAGMA quick_check`` of the same file,
and the window's start-up on that file with and without the check after open.

    .venv/bin/python bench/audit_verify.py [--units 530] [--runs 5] [--window-runs 5]

The file is the one ``bench/national_file.py`` builds and caches (530 unit packages merged by the
application, so every row and entry is as the application writes them).  In the same run, alternating:

- **quick_check**: ``PRAGMA quick_check`` on a read-only connection (what the window runs in a worker
  after open, and the first write runs before writing);
- **verify**: ``core.audit_chain.verify`` on a read-only Store: the chain over every entry, and the
  digest of every bucket of 256 rows of every plan table (SQLite builds the text, in this process and
  in a second one at once: two cores) compared with the latest one the trail recorded;
- **every value read**: SQLite reads every column of every plan row (``sum(length(col))``), nothing
  encoded or hashed: what any check that looks at every row cannot go below.

Both after one warm-up each (the file in the page cache).  Medians and the ratio are printed (goal
<= 2x), and the CPU time of each (every thread of the process and verify's second process: what
verify costs on one core).  Then the window: process start to first paint (bench/startup.py's measure) on a copy of the
file, with the audit check (``RENSTRA_BENCH_AUDIT_CHECK=1``, the default) and without (``=0``),
alternating; and, in a window built in this process, the time from the first paint to the banner's
verdict (the worker's verify) and the longest stall of the GUI thread meanwhile.

    .venv/bin/python bench/audit_verify.py --merge [--units 530] [--runs 3]

measures what the chain costs the merge: bench/merge.py's packages merged by ``merge_packages`` into
copies of the same Kanwil file, alternating the application as it is with the same application whose
audit writes skip the chain, the row digests and the bucket ties (the same entries, one compact entry
per package and table, without ``chain`` and ``row_digest``).  Medians and the ratio.
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

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from national_file import KANWIL_FILE, national_file  # noqa: E402

from renstra_desktop.core.audit_chain import verify  # noqa: E402
from renstra_desktop.core.store import Store, readonly_uri  # noqa: E402


CPU: dict[str, list[float]] = {"quick_check": [], "verify": []}   # process CPU time (every thread) per run


def quick_check(path: Path) -> float:
    conn = sqlite3.connect(readonly_uri(path), uri=True)
    try:
        start, cpu = time.perf_counter(), _cpu()
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        CPU["quick_check"].append(_cpu() - cpu)
        return time.perf_counter() - start
    finally:
        conn.close()


def read_every_value(path: Path) -> float:
    """The floor of any check of every row: SQLite reads every value of every plan table (the length
    of each column summed), nothing encoded, nothing hashed."""
    from renstra_desktop.core.schema import TABLES

    conn = sqlite3.connect(readonly_uri(path), uri=True)
    try:
        start = time.perf_counter()
        for table in TABLES:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            conn.execute(f"SELECT sum({' + '.join(f'ifnull(length({c}), 0)' for c in cols)}) FROM {table}").fetchone()
        return time.perf_counter() - start
    finally:
        conn.close()


def _cpu() -> float:
    """CPU time of this process (every thread) and of its children that ended (verify's second one)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def audit_verify(path: Path) -> tuple[float, object]:
    start, cpu = time.perf_counter(), _cpu()
    with Store.open(path, readonly=True) as store:
        verdict = verify(store.conn)
    CPU["verify"].append(_cpu() - cpu)
    return time.perf_counter() - start, verdict


def first_paint(plan: Path, tmp: Path, check: bool) -> float:
    from startup import measure

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "RENSTRA_BENCH_EXIT_ON_PAINT": "1",
           "RENSTRA_BENCH_AUDIT_CHECK": "1" if check else "0",
           "XDG_CONFIG_HOME": str(tmp / "config"), "XDG_DATA_HOME": str(tmp / "data"),
           "RENSTRA_DESKTOP_BACKUP_DIR": str(tmp / "cadangan")}
    return measure([sys.executable, "-m", "renstra_desktop", "--db", str(plan)], env)


def banner_time(plan: Path) -> tuple[float, float, int]:
    """A window in this process: seconds from first paint to the verdict, longest GUI stall (s)."""
    from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from renstra_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(Store.open(plan))
    marks: dict = {}

    class Paint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and "paint" not in marks:
                marks["paint"] = time.perf_counter()
            return False

    painter = Paint()
    window.installEventFilter(painter)
    stall, last = [0.0], [time.perf_counter()]
    tick = QTimer()
    tick.setInterval(5)

    def beat():
        now = time.perf_counter()
        stall[0] = max(stall[0], now - last[0])
        last[0] = now
    tick.timeout.connect(beat)
    window.resize(1366, 768)
    window.show()
    tick.start()
    timer = QElapsedTimer()
    timer.start()
    while window.feature("tamper").banner.verdict is None and timer.elapsed() < 120_000:
        app.processEvents()
        time.sleep(0.002)
    done = time.perf_counter()
    tick.stop()
    findings = len(window.feature("tamper").banner.findings)
    window.close()
    if window.controller.store is not None:
        window.controller.store.close()
    return done - marks["paint"], stall[0], findings


def merge_cost(units: int, runs: int) -> None:
    """The merge with and without the chain, alternating, in this process (see the docstring)."""
    import json

    import merge as merge_bench

    from renstra_desktop.core import audit, row_writer

    names = ("append", "current_digests", "before_ties", "ties", "inserted_entry")
    real = {n: getattr(row_writer, n) for n in names}
    plain_insert = ("INSERT INTO audit_log (at, actor, unit_code, table_name, row_id, action, field, old_value, "
                    "new_value, origin, row_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")

    def append_unchained(conn, entries):
        conn.executemany(plain_insert, entries)

    def inserted_unchained(conn, table, row_ids, *, at, actor, unit_code, origin, **_where):
        return (at, actor, unit_code, table, "*", "insert", None, None, json.dumps({"baris": len(row_ids)}), origin,
                None)

    plain = {"append": append_unchained, "current_digests": lambda conn, table, ids, cols=None: {},
             "before_ties": lambda conn, table, ids, **kw: {}, "ties": lambda conn, table, ids, before=None, **kw: "",
             "inserted_entry": inserted_unchained}

    def chain(on: bool) -> None:
        for n in names:
            setattr(row_writer, n, real[n] if on else plain[n])
        audit.append = real["append"] if on else append_unchained

    with tempfile.TemporaryDirectory(prefix="renstra-bench-chain-") as tmp:
        folder = Path(tmp)
        template, _province, nationwide, _n_prov, n_nat = merge_bench.build(folder, units)
        times = {True: [], False: []}
        for i in range(runs):
            for on in (True, False) if i % 2 == 0 else (False, True):
                target = folder / f"gabung-{i}-{int(on)}.renstra"
                shutil.copy(template, target)
                chain(on)
                try:
                    times[on].append(merge_bench.ours(target, nationwide))
                finally:
                    chain(True)
                target.unlink()
        with_chain, without = statistics.median(times[True]), statistics.median(times[False])
        print(f"merge of {len(nationwide)} packages, {n_nat} rows, runs alternating:")
        print(f"  with the chain    : median {with_chain:6.2f} s  [{', '.join(f'{t:.2f}' for t in times[True])}]")
        print(f"  without the chain : median {without:6.2f} s  [{', '.join(f'{t:.2f}' for t in times[False])}]")
        print(f"  ratio with / without: {with_chain / without:.2f}x   (goal <= 1.10x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=530)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--window-runs", type=int, default=5)
    parser.add_argument("--merge", action="store_true", help="the merge with and without the chain")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.merge:
        merge_cost(args.units, args.runs)
        return 0
    path = national_file(args.units) / KANWIL_FILE
    size = path.stat().st_size / 1e6
    quick_check(path)
    _, verdict = audit_verify(path)
    assert verdict.ok, [f.line() for f in verdict.findings[:5]]
    qc, av, fl = [], [], []
    for _ in range(args.runs):
        qc.append(quick_check(path))
        av.append(audit_verify(path)[0])
        fl.append(read_every_value(path))
    q, v, f = statistics.median(qc), statistics.median(av), statistics.median(fl)
    print(f"file: {args.units} units, {size:.1f} MB, {verdict.entries} audit entries, {verdict.rows} plan rows")
    print(f"PRAGMA quick_check : median {q * 1000:7.1f} ms  [{', '.join(f'{t * 1000:.0f}' for t in qc)}]")
    print(f"audit verify       : median {v * 1000:7.1f} ms  [{', '.join(f'{t * 1000:.0f}' for t in av)}]")
    print(f"every value read   : median {f * 1000:7.1f} ms  [{', '.join(f'{t * 1000:.0f}' for t in fl)}]"
          "  (SQLite reads each column of each plan row: the floor of any check of every row)")
    print(f"ratio verify / quick_check: {v / q:.2f}x   (goal <= 2x); every value read / quick_check: {f / q:.2f}x")
    cq, cv = (statistics.median(CPU[k][-args.runs:]) for k in ("quick_check", "verify"))
    print(f"CPU time (both processes): quick_check {cq * 1000:.1f} ms, verify {cv * 1000:.1f} ms: {cv / cq:.2f}x "
          f"(verify builds buckets in two processes, two cores; load average {os.getloadavg()[0]:.2f})")
    if args.window_runs <= 0:
        return 0
    with tempfile.TemporaryDirectory(prefix="renstra-bench-audit-") as tmp:
        tmp = Path(tmp)
        plan = tmp / "kanwil.renstra"
        shutil.copy(path, plan)
        first_paint(plan, tmp, True)
        first_paint(plan, tmp, False)
        with_check, without = [], []
        for _ in range(args.window_runs):
            with_check.append(first_paint(plan, tmp, True))
            without.append(first_paint(plan, tmp, False))
        w, wo = statistics.median(with_check), statistics.median(without)
        print(f"window first paint, audit check after open : median {w * 1000:7.1f} ms  "
              f"[{', '.join(f'{t * 1000:.0f}' for t in with_check)}]")
        print(f"window first paint, no audit check        : median {wo * 1000:7.1f} ms  "
              f"[{', '.join(f'{t * 1000:.0f}' for t in without)}]")
        print(f"ratio with / without: {w / wo:.2f}x   (goal: no slower)")
        seconds, stall, findings = banner_time(plan)
        print(f"window: verdict {seconds * 1000:.0f} ms after the first paint ({findings} findings); "
              f"longest GUI-thread stall meanwhile {stall * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
