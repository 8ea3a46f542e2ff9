"""What opening a plan costs: the checks on every open (header, size, identity, exact schema) against
the least an open can do, and against the old open that ran PRAGMA quick_check every time.

    .venv/bin/python bench/store_open.py [--rows 300000] [--repeat 15]

Two files: the embedded Kanwil plan (~0.5 MB) and the same plan grown with audit rows to national
size (~87 MB at 300 000 rows).  In the same run, alternating, median of ``--repeat``:
- bare: sqlite3.connect(mode=ro) + PRAGMA application_id + user_version (no check at all);
- bare + schema read: bare, and sqlite_master read (what the first query of any open costs);
- old: bare + PRAGMA quick_check (what every open did before issue 8/11);
- ours: Store.open(readonly=True) and Store.open() (read-write), each closed again;
- first write: the quick_check now run once before a Store's first write;
- full check: Store.check_integrity() (integrity_check + UTF-8 scan), meant for the background.
"""
from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from renstra_desktop.core.integrity import count_problems  # noqa: E402
from renstra_desktop.core.newplan import create_plan_file  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402


def grow(path: Path, rows: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO audit_log (at, actor, unit_code, table_name, row_id, action, field, old_value, new_value, origin)"
        " VALUES ('2026-11-29T15:18:00.000000Z', 'admin-upt', 'LPS-LOBAR', 'realisation', ?, 'update', 'evidence', ?, ?,"
        " 'merge')", ((f"{i:032x}", "Laporan bulanan " * 6, "Laporan bulanan disahkan " * 5) for i in range(rows)))
    conn.execute("COMMIT")
    conn.close()


def bare(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.execute("PRAGMA application_id").fetchone()
    conn.execute("PRAGMA user_version").fetchone()
    conn.close()


def bare_schema(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.execute("PRAGMA application_id").fetchone()
    conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    conn.close()


def old(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.execute("PRAGMA application_id").fetchone()
    conn.execute("PRAGMA user_version").fetchone()
    count_problems(conn.execute("PRAGMA quick_check"))
    conn.close()


def ours_ro(path: Path) -> None:
    Store.open(path, readonly=True).close()


def ours_rw(path: Path) -> None:
    Store.open(path).close()


def first_write_check(path: Path) -> None:
    from renstra_desktop.core import integrity

    integrity._checked.clear()              # as in a new process: nothing checked yet
    with Store.open(path) as store:
        integrity.check_before_write(store.conn, store.path)


def full_check(path: Path) -> None:
    with Store.open(path, readonly=True) as store:
        assert store.check_integrity().ok


def measure(path: Path, repeat: int) -> dict:
    runs = {"bare": bare, "bare + schema read": bare_schema, "old (quick_check)": old, "ours read-only": ours_ro, "ours read-write": ours_rw,
            "first write's check": first_write_check, "full check": full_check}
    times = {name: [] for name in runs}
    for fn in runs.values():
        fn(path)                                                     # warm the page cache
    for i in range(repeat):
        for name, fn in (runs.items() if i % 2 == 0 else reversed(runs.items())):
            if name == "full check" and i >= 3:
                continue
            started = time.perf_counter()
            fn(path)
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="renstra-buka-") as folder:
        small = Path(folder) / "kanwil.renstra"
        create_plan_file(small).close()
        big = Path(folder) / "nasional.renstra"
        shutil.copy(small, big)
        grow(big, args.rows)
        for path in (small, big):
            result = measure(path, args.repeat)
            base = result["bare"]
            print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB, median of {args.repeat}")
            for name, seconds in result.items():
                print(f"  {name:<22} {seconds * 1000:8.2f} ms  {seconds / base:6.2f}x bare")
    return 0


if __name__ == "__main__":
    sys.exit(main())
