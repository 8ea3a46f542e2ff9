"""What a backup and a restore cost, against the fastest honest way to do the same work, in the same run.

    .venv/bin/python bench/backup.py [--rows 300000] [--repeat 7]

Two files: the embedded Kanwil plan (~0.6 MB) and the same plan grown with audit rows to national size
(~112 MB at 300 000 rows).  Alternating, median of ``--repeat``:
- bytes (the baseline): the file copied byte for byte under SQLite's read lock, then one fsync;
- ours: ``make_backup`` (SQLite's backup API into a temporary file without journal or per-page sync,
  one fsync, published without overwriting), and with ``check=True`` (PRAGMA quick_check of the copy,
  as the day's and manual backups do);
- backup API as before: the same API with the destination's default journal and synchronous=FULL;
- VACUUM INTO (then one fsync): the alternative the issue names;
- restore: ``restore_backup`` (full check of the backup, the current file backed up, copy, quick_check,
  one rename) against the bytes of the backup copied over the plan (copy, fsync, rename: no checks),
  and against the same steps done with raw bytes and PRAGMAs (integrity_check, copy aside, copy,
  quick_check, rename);
- the day's check on a writing open (nothing due): Store.open of the command line with and without it;
- an edit during the window's day's backup: the longest commit of a small edit made every 50 ms by
  another connection while the copy runs, in steps (as the window does) and in one step.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from store_open import grow  # noqa: E402

from renstra_desktop.core import backups, store as store_module  # noqa: E402
from renstra_desktop.core.newplan import create_plan_file  # noqa: E402
from renstra_desktop.core.restore import restore_backup  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    os.fsync(fd)
    os.close(fd)


def bytes_copy(plan: Path, out: Path) -> None:
    conn = sqlite3.connect(f"file:{plan}?mode=ro", uri=True, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    target = out / "kopi"
    shutil.copyfile(plan, target)
    fsync(target)
    conn.execute("COMMIT")
    conn.close()


def ours(plan: Path, out: Path, check: bool = False) -> None:
    with Store.open(plan, readonly=True) as store:
        backups.make_backup(store, "manual", folder=out, check=check)


def backup_api_before(plan: Path, out: Path) -> None:
    source = sqlite3.connect(f"file:{plan}?mode=ro", uri=True)
    dest = sqlite3.connect(out / "api")
    source.backup(dest)
    dest.close()
    source.close()


def vacuum_into(plan: Path, out: Path) -> None:
    source = sqlite3.connect(f"file:{plan}?mode=ro", uri=True)
    source.execute("VACUUM INTO ?", (str(out / "vacuum"),))
    source.close()
    fsync(out / "vacuum")


def restore_ours(plan: Path, backup: Path) -> None:
    restore_backup(backup, plan)


def restore_bytes(plan: Path, backup: Path) -> None:
    tmp = plan.with_name(".~salin.tmp")
    shutil.copyfile(backup, tmp)
    fsync(tmp)
    os.replace(tmp, plan)


def restore_bytes_checked(plan: Path, backup: Path) -> None:
    """The same work as ours with raw bytes: the backup's integrity_check, the current file copied aside,
    the backup copied, quick_check of the copy, one rename (ours also reads every text cell for UTF-8)."""
    conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    aside = plan.with_name(plan.name + ".cadangan-pulih-bench")
    shutil.copyfile(plan, aside)
    fsync(aside)
    tmp = plan.with_name(".~salin.tmp")
    shutil.copyfile(backup, tmp)
    fsync(tmp)
    conn = sqlite3.connect(f"file:{tmp}?mode=ro", uri=True)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    conn.close()
    os.replace(tmp, plan)


def writing_open(plan: Path, hook: bool) -> None:
    saved = backups.daily_backup_on_open
    if not hook:
        backups.daily_backup_on_open = lambda store: None
    store_module.hold_writer_lock_while_open("bench")
    try:
        Store.open(plan).close()
    finally:
        store_module.hold_writer_lock_while_open(None)
        backups.daily_backup_on_open = saved


def longest_edit_during_backup(plan: Path, out: Path, pages: int) -> tuple[float, int]:
    """(the longest commit of an edit made while the day's backup copies ``plan``, how many edits)."""
    import threading

    from renstra_desktop.core.backup_settings import BackupSettings
    from renstra_desktop.core.store import connect, readonly_uri

    _empty(out)
    done = threading.Event()

    def copy() -> None:
        store = Store(plan, connect(readonly_uri(plan), uri=True), readonly=True)
        try:
            backups.make_daily_backup(store, BackupSettings(str(out)), pages=pages)
        finally:
            store.conn.close()
            done.set()

    editor = sqlite3.connect(plan, isolation_level=None, timeout=30)      # one edit every 50 ms: a fast typist
    worker = threading.Thread(target=copy)
    worker.start()
    longest, edits = 0.0, 0
    while not done.is_set():
        started = time.perf_counter()
        editor.execute("BEGIN IMMEDIATE")
        editor.execute("UPDATE meta SET value = ? WHERE key = 'app_version'", (str(edits),))
        editor.execute("COMMIT")
        longest = max(longest, time.perf_counter() - started)
        edits += 1
        time.sleep(0.05)
    worker.join()
    editor.close()
    return longest, edits


def _empty(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()


def measure(plan: Path, work: Path, repeat: int) -> dict:
    out = work / "keluar"
    out.mkdir(exist_ok=True)
    copies = {"bytes": bytes_copy, "ours": ours, "ours + quick_check": lambda p, o: ours(p, o, True),
              "backup API as before": backup_api_before, "VACUUM INTO": vacuum_into}
    times = {name: [] for name in copies}
    for i in range(repeat + 1):
        for name, fn in (copies.items() if i % 2 == 0 else reversed(copies.items())):
            _empty(out)
            started = time.perf_counter()
            fn(plan, out)
            if i:                                   # the first round warms the page cache
                times[name].append(time.perf_counter() - started)
    sizes = {"VACUUM INTO": (out / "vacuum").stat().st_size} if (out / "vacuum").exists() else {}
    _empty(out)
    result = {name: statistics.median(t) for name, t in times.items()}

    backup = work / "cadangan.renstra"
    shutil.copy(plan, backup)
    restores = {"restore (bytes)": restore_bytes, "restore (bytes + checks)": restore_bytes_checked,
                "restore (ours)": restore_ours}
    rtimes = {name: [] for name in restores}
    for i in range(max(3, repeat // 2) + 1):
        for name, fn in (restores.items() if i % 2 == 0 else reversed(restores.items())):
            for path in plan.parent.glob(f"{plan.name}.cadangan-*"):
                path.unlink()
            started = time.perf_counter()
            fn(plan, backup)
            if i:
                rtimes[name].append(time.perf_counter() - started)
    result.update({name: statistics.median(t) for name, t in rtimes.items()})

    os.environ["RENSTRA_DESKTOP_BACKUP_DIR"] = str(out)
    writing_open(plan, True)                        # the day's backup made: from now on nothing is due
    otimes = {True: [], False: []}
    for i in range(repeat * 3):
        for hook in ((True, False) if i % 2 == 0 else (False, True)):
            started = time.perf_counter()
            writing_open(plan, hook)
            otimes[hook].append(time.perf_counter() - started)
    result["writing open"] = statistics.median(otimes[False])
    result["writing open + day's check"] = statistics.median(otimes[True])
    os.environ.pop("RENSTRA_DESKTOP_BACKUP_DIR")
    from renstra_desktop.ui.daily_backup import STEP_PAGES
    for pages, name in ((STEP_PAGES, "edit during the day's backup, in steps"), (-1, "edit during it, one step")):
        result[name] = max(longest_edit_during_backup(plan, out, pages) for _ in range(3))
    return result, sizes


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="renstra-cadangan-") as folder:
        work = Path(folder)
        small = work / "kecil" / "kanwil.renstra"
        small.parent.mkdir()
        create_plan_file(small).close()
        big = work / "besar" / "nasional.renstra"
        big.parent.mkdir()
        shutil.copy(small, big)
        grow(big, args.rows)
        for plan in (small, big):
            size = plan.stat().st_size
            result, sizes = measure(plan, plan.parent, args.repeat)
            print(f"{plan.name}: {size / 1e6:.1f} MB, median of {args.repeat} (restore: {max(3, args.repeat // 2)})")
            base = result["bytes"]
            for name in ("bytes", "ours", "ours + quick_check", "backup API as before", "VACUUM INTO"):
                extra = f"  size {sizes[name] / 1e6:.1f} MB" if name in sizes else ""
                print(f"  {name:<28} {result[name] * 1000:9.1f} ms  {result[name] / base:5.2f}x bytes{extra}")
            rbase = result["restore (bytes)"]
            for name in ("restore (bytes)", "restore (bytes + checks)", "restore (ours)"):
                print(f"  {name:<28} {result[name] * 1000:9.1f} ms  {result[name] / rbase:5.2f}x bytes")
            obase = result["writing open"]
            for name in ("writing open", "writing open + day's check"):
                print(f"  {name:<28} {result[name] * 1000:9.2f} ms  {result[name] / obase:5.2f}x")
            for name in ("edit during the day's backup, in steps", "edit during it, one step"):
                longest, edits = result[name]
                print(f"  {name:<40} longest commit {longest * 1000:7.1f} ms (worst of 3 runs; {edits} edits)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
