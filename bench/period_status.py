"""What reading the period statuses costs at national scale (issue 9 section 2): every write and every
merged package reads once which periods are closed (write_rules.PeriodStatus).

    .venv/bin/python bench/period_status.py [--units 530] [--periods 12] [--repeat 15]

One file with ``units`` units, each with ``periods`` periods (2026 months, quarters, semesters) of
three workflow steps each (diajukan, diverifikasi, disahkan), and the same (unit, period) pairs in a
``period_lock``-shaped table of one row each.  In the same run, alternating, median of ``--repeat``:
- baseline: the old read, ``SELECT unit_code, period FROM period_lock`` into a set (what main did
  once per write: once for one write, once per package for 530 packages);
- ours: ``PeriodStatus(conn).closed_period`` for one unit's row (what a cell edit or one package reads),
  and once for each of the 530 units with a new PeriodStatus each (what merging 530 packages reads);
- overview: ``period_workflow.overview(conn)`` (the Status verifikasi tab, every unit and period).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from renstra_desktop.core import period_workflow as wf  # noqa: E402
from renstra_desktop.core.newplan import create_plan_file  # noqa: E402
from renstra_desktop.core.write_rules import PeriodStatus  # noqa: E402

PERIODS = [f"2026-{m:02d}" for m in range(1, 13)] + [f"2026-TW{q}" for q in range(1, 5)] + ["2026-S1", "2026-S2",
                                                                                            "2026"]


def build(path: Path, units: int, periods: int):
    store = create_plan_file(path, "KANWIL")
    conn = store.conn
    at = "2026-11-01T00:00:00Z"
    codes = [f"U{i:03d}" for i in range(units)]
    conn.execute("CREATE TABLE old_lock (unit_code TEXT, period TEXT, deleted INTEGER, UNIQUE (unit_code, period))")
    events, locks = [], []
    for code in codes:
        for period in PERIODS[:periods]:
            locks.append((code, period, 0))
            for seq, event in enumerate(("diajukan", "diverifikasi", "disahkan"), 1):
                owner = code if event == "diajukan" else "KANWIL"
                events.append((str(uuid.uuid4()), owner, at, at, "bench", 1, 0, 0, "local", code, period, seq, event,
                               None, None))
    conn.executemany("INSERT INTO period_event VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
    conn.executemany("INSERT INTO old_lock VALUES (?, ?, ?)", locks)
    conn.commit()
    return store, len(events)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=530)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store, n = build(Path(folder) / "nasional.renstra", args.units, args.periods)
        conn = store.conn
        runs = {"baseline": [], "baseline, every unit": [], "ours": [], "ours, every unit": [], "overview": []}
        calls = {"baseline": lambda: {(u, p) for u, p in conn.execute(
                     "SELECT unit_code, period FROM old_lock WHERE deleted = 0")},
                 "baseline, every unit": lambda: [{(u, p) for u, p in conn.execute(
                     "SELECT unit_code, period FROM old_lock WHERE deleted = 0")} for _ in range(args.units)],
                 "ours": lambda: PeriodStatus(conn).closed_period("U265", "2026-05"),
                 "ours, every unit": lambda: [PeriodStatus(conn).closed_period(f"U{i:03d}", "2026-05")
                                              for i in range(args.units)],
                 "overview": lambda: wf.overview(conn)}
        assert sum(len(PeriodStatus(conn).of_unit(u)) for u in (f"U{i:03d}" for i in range(args.units))) == \
            args.units * args.periods
        for _ in range(args.repeat):
            for name, fn in calls.items():
                runs[name].append(timed(fn))
        med = {k: statistics.median(v) * 1000 for k, v in runs.items()}
        print(f"{args.units} units x {args.periods} periods: {n} period_event rows, "
              f"{args.units * args.periods} closed periods; median of {args.repeat}")
        print(f"baseline (old period_lock read): {med['baseline']:.1f} ms")
        print(f"PeriodStatus, one unit's write:  {med['ours']:.1f} ms  ({med['ours'] / med['baseline']:.2f}x)")
        print(f"baseline, {args.units} writers:         {med['baseline, every unit']:.1f} ms")
        print(f"PeriodStatus, {args.units} writers:     {med['ours, every unit']:.1f} ms  "
              f"({med['ours, every unit'] / med['baseline, every unit']:.2f}x; each a new PeriodStatus, as "
              f"{args.units} merged packages)")
        print(f"overview (Status verifikasi):    {med['overview']:.1f} ms  ({med['overview'] / med['baseline']:.2f}x)")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
