"""Start-up: process start to the first paint of the main window with the embedded plan, against
a bare PySide6 window with four empty tabs measured the same way in the same run.

    /tmp/venv/bin/python bench/startup.py [--runs 7] [--importtime] [--bytecode]

Each measurement is a fresh process under QT_QPA_PLATFORM=offscreen.  The parent notes
time.perf_counter() just before it spawns the child; the child prints time.perf_counter() when
its main window receives its first paint event and quits (the app through
RENSTRA_BENCH_EXIT_ON_PAINT=1, see renstra_desktop/ui/app.py).  On Linux perf_counter is
CLOCK_MONOTONIC, shared by both processes, so the difference covers everything: process
creation, interpreter start, imports, opening and migrating-checking the file, building the
window and its tabs, the queries, and the first paint.  App and bare runs alternate so drift in
the machine's load affects both alike; the medians and their ratio are printed (goal ≤ 2×).
--importtime prints the slowest imports of one app start (python -X importtime).
--bytecode lets both children cache compiled bytecode (in a temporary PYTHONPYCACHEPREFIX, filled
by the warm-up), as an installed wheel or the PyInstaller bundle has it; without it, a shell with
PYTHONDONTWRITEBYTECODE=1 and a checkout without __pycache__ compile every module of the app from
source at each start (about 40 ms on the development machine).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = "RENSTRA_FIRST_PAINT"


def bare_window() -> int:
    """The reference: QApplication, QMainWindow, QTabWidget with four empty tabs, first paint."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    tabs = QTabWidget()
    for title in ("Indikator", "Risiko", "Roadmap", "Pendanaan"):
        tabs.addTab(QWidget(), title)
    window.setCentralWidget(tabs)
    window.resize(1280, 800)

    class Probe(QObject):
        done = False

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and not self.done:
                self.done = True
                import resource
                print(f"{MARK} {time.perf_counter():.6f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}",
                      flush=True)
                QTimer.singleShot(0, app.quit)
            return False

    probe = Probe(window)
    window.installEventFilter(probe)
    window.show()
    return app.exec()


def measure(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith(MARK)), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"run failed ({done.returncode}): {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    return float(line.split()[1]) - start


def import_profile(command: list[str], env: dict, top: int = 15) -> None:
    done = subprocess.run([command[0], "-X", "importtime", *command[1:]], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
            if cumulative.isdigit():
                rows.append((int(cumulative), name))
    print("\nslowest imports (cumulative µs) of one app start:")
    for micros, name in sorted(rows, reverse=True)[:top]:
        print(f"  {micros:>9}  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--bytecode", action="store_true",
                        help="cache compiled bytecode (as an installed app has it) instead of the shell's setting")
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)   # child mode
    args = parser.parse_args()
    if args.bare:
        return bare_window()

    sys.path.insert(0, str(ROOT))
    from renstra_desktop.core.newplan import create_plan_file

    with tempfile.TemporaryDirectory(prefix="renstra-bench-") as tmp:
        plan = Path(tmp) / "kanwil.renstra"
        create_plan_file(plan, "KANWIL").close()
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "RENSTRA_BENCH_EXIT_ON_PAINT": "1",
               "XDG_CONFIG_HOME": str(Path(tmp) / "config"), "XDG_DATA_HOME": str(Path(tmp) / "data")}
        if args.bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        app = [sys.executable, "-m", "renstra_desktop", "--db", str(plan)]
        bare = [sys.executable, str(Path(__file__).resolve()), "--bare"]
        measure(app, env)   # warm-up: file system cache, font cache
        measure(bare, env)
        app_times, bare_times = [], []
        for _ in range(args.runs):
            app_times.append(measure(app, env))
            bare_times.append(measure(bare, env))
        app_median, bare_median = statistics.median(app_times), statistics.median(bare_times)
        cache = "cached (--bytecode)" if args.bytecode else (
            "not written (PYTHONDONTWRITEBYTECODE)" if env.get("PYTHONDONTWRITEBYTECODE") else "as the shell has it")
        print(f"runs each: {args.runs} (alternating, after one warm-up each); bytecode: {cache}")
        print(f"app  (embedded Kanwil plan): median {app_median * 1000:7.1f} ms   "
              f"[{', '.join(f'{t * 1000:.0f}' for t in app_times)}]")
        print(f"bare (4 empty tabs)        : median {bare_median * 1000:7.1f} ms   "
              f"[{', '.join(f'{t * 1000:.0f}' for t in bare_times)}]")
        print(f"ratio app / bare: {app_median / bare_median:.2f}x   (goal <= 2x)")
        if args.importtime:
            import_profile(app, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
