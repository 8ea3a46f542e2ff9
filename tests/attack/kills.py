"""kill -9 at random moments of every writing command (issue 8): afterwards every plan opens (SQLite
rolls an interrupted write back), passes the full check and holds the state before or after the
command; every output is absent or complete; what a killed process left (temporary files, a lock
file) is counted, and the next writer of the same target sweeps the temporary files."""
from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
# The command starts once Python and the application are imported ("go"): kill times are drawn over the
# command's own work, not over the interpreter's start-up.
RUN = """
import sys
from renstra_desktop.cli import build_parser, main
build_parser()
import renstra_desktop.core.packages.merge, renstra_desktop.core.plan_json, renstra_desktop.core.packages.package_export
print("go", flush=True)
sys.exit(main(sys.argv[1:]))
"""
OTHER_UNITS = ["LPS-SUMBAWA", "LPS-DOMPU", "LPS-SELONG", "LPT-LOTENG", "LPKA-LOTENG", "RTN-BIMA"]


def unit_packages(desk: Path, count: int) -> tuple[list[Path], list[str], list[str]]:
    """Packages of ``count`` other units, each with one realisation: (paths, fingerprints, units)."""
    from renstra_desktop.core.newplan import create_plan_file
    from renstra_desktop.core.packages.package_export import export_package
    from renstra_desktop.core.service import PlanService

    paths, fingerprints, units = [], [], OTHER_UNITS[:count]
    for unit in units:
        with create_plan_file(desk / f"{unit}.renstra", unit) as store:
            PlanService(store, "admin").insert("realisation", {
                "unit_code": unit, "indicator_code": "IKK 17.1", "period": "2026-S1", "value": "3,1"})
            result = export_package(store, desk / f"{unit}.rpkg")
        paths.append(result.path)
        fingerprints.append(result.fingerprint)
    return paths, fingerprints, units


_PER_RUN = {"at", "id", "seq", "chain", "row_digest"}   # times, generated ids, counters (and the audit
# chain and row digests over them) differ between two runs


def plan_digest(path: Path) -> str:
    """The plan's content (every table, without what differs between two runs of one command:
    times, generated ids, counters), as one digest."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall():
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')
                       if r[1] not in _PER_RUN and not r[1].endswith("_at")]
            rows = sorted(repr(r) for r in conn.execute(f'SELECT {", ".join(columns)} FROM "{table}"'))
            h.update(repr((table, rows)).encode())
        return h.hexdigest()
    finally:
        conn.close()


@dataclass(frozen=True)
class Writer:
    name: str
    argv: Callable[[Path], list]
    plans: tuple = ()                   # plan files the command writes (relative to the desk)
    outputs: tuple = ()                 # (relative path, kind) of files it creates
    prepare: Callable[[Path], None] | None = None


def _changed_json(desk: Path) -> None:
    import json
    data = json.loads((desk / "rencana.json").read_text(encoding="utf-8"))
    for row in data["tables"]["indicator_target"]:
        if row["unit_code"] == "KANWIL" and row["value"]:
            row["value"] = row["value"] + 1
    (desk / "ubah.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


WRITERS = [
    Writer("init", lambda d: ["init", d / "baru.renstra"], outputs=(("baru.renstra", "plan"),)),
    Writer("load", lambda d: ["load", d / "kanwil.renstra", d / "ubah.json"], plans=("kanwil.renstra",),
           prepare=_changed_json),
    Writer("merge", lambda d: ["merge", d / "kanwil.renstra", d / "lobar.rpkg", "--trust-new-keys"],
           plans=("kanwil.renstra",)),
    Writer("import-xlsx", lambda d: ["import-xlsx", d / "kanwil.renstra", d / "ubah.xlsx"], plans=("kanwil.renstra",),
           prepare=lambda d: _changed_workbook(d)),
    Writer("export-package", lambda d: ["export-package", d / "lobar.renstra", "-o", d / "keluar.rpkg"],
           outputs=(("keluar.rpkg", "package"),)),
    Writer("export-xlsx", lambda d: ["export-xlsx", d / "kanwil.renstra", "-o", d / "keluar.xlsx"],
           outputs=(("keluar.xlsx", "xlsx"),)),
    Writer("report", lambda d: ["report", "renstra", d / "kanwil.renstra", "-o", d / "keluar.pdf", "--year", "2026"],
           outputs=(("keluar.pdf", "pdf"),)),
    Writer("sign-pdf", lambda d: ["sign-pdf", d / "laporan.pdf", "--p12", d / "konseptor.p12", "--as", "konseptor",
                                  "-o", d / "ttd.pdf", "--password-file", d / "sandi.txt"],
           outputs=(("ttd.pdf", "pdf"),)),
    Writer("keys show", lambda d: ["keys", "show", d / "kanwil.renstra"], outputs=(("kanwil.renstra.kunci", "key"),)),
    Writer("keys pin", lambda d: ["keys", "pin", d / "kanwil.renstra", "LPS-LOBAR", (d / "sidik-jari.txt").read_text()],
           plans=("kanwil.renstra",)),
    Writer("signatory set", lambda d: ["signatory", "set", d / "kanwil.renstra", "--place", "Bima", "--name", "Budi"],
           plans=("kanwil.renstra",)),
    Writer("check (after a crash)", lambda d: ["check", d / "kanwil.renstra"], plans=("kanwil.renstra",),
           prepare=lambda d: _crash(d / "kanwil.renstra")),
    Writer("backup", lambda d: ["backup", d / "kanwil.renstra", "-o", d], plans=("kanwil.renstra",)),
    Writer("period submit", lambda d: ["period", "submit", d / "lobar.renstra", "--period", "2026-S1"],
           plans=("lobar.renstra",)),
    Writer("restore", lambda d: ["restore", d / EARLIER_BACKUP, d / "kanwil.renstra"], plans=("kanwil.renstra",),
           prepare=lambda d: _backed_up_then_changed(d / "kanwil.renstra")),
]
EARLIER_BACKUP = "kanwil.renstra.cadangan-manual-20261101-090000"


def _changed_workbook(desk: Path) -> None:
    """The Kanwil's exported workbook (cases.build_originals) with a risk's control and a target changed."""
    from openpyxl import load_workbook
    book = load_workbook(desk / "kanwil.xlsx")
    book["Risiko"]["H2"] = "Validasi data bulanan"
    book["Indikator"]["I2"] = 3.5
    book.save(desk / "ubah.xlsx")


def _backed_up_then_changed(plan: Path) -> None:
    """A backup of ``plan`` (named as the application names them), then a change to the plan."""
    import shutil

    from renstra_desktop.core.rows import stable_id
    from renstra_desktop.core.service import PlanService
    from renstra_desktop.core.store import Store
    shutil.copy(plan, plan.with_name(EARLIER_BACKUP))
    with Store.open(plan) as store:
        PlanService(store, "admin").update(
            "indicator_target", stable_id("indicator_target", "KANWIL", "IKK 17.1", 2026), {"value": "4,5"})


def _crash(plan: Path) -> None:
    """Leave ``plan`` as an interrupted write leaves it (hot journal), for the recovery to be killed."""
    import shutil

    from attack.journals import craft_crash
    before, after = plan.with_name("sebelum.renstra"), plan.with_name("sesudah.renstra")
    shutil.copy(plan, before)
    shutil.copy(plan, after)
    conn = sqlite3.connect(after, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO meta VALUES ('lampiran', hex(randomblob(100000)))")
    conn.execute("COMMIT")
    conn.close()
    craft_crash(before, after, plan)
    before.unlink()
    after.unlink()


def _sound(store) -> bool:
    return [r[0] for r in store.conn.execute("PRAGMA integrity_check")] == ["ok"]


def output_sound(path: Path, kind: str) -> bool:
    """Is this output complete and usable?"""
    try:
        if kind == "plan":
            from renstra_desktop.core.store import Store
            with Store.open(path) as store:
                return _sound(store)
        if kind == "package":
            from renstra_desktop.core.packages.package import verify_package
            verify_package(path)
            return True
        if kind == "xlsx":
            from openpyxl import load_workbook
            return len(load_workbook(path, read_only=True).sheetnames) == 5
        if kind == "pdf":
            from pypdf import PdfReader
            return len(PdfReader(path).pages) > 0
        if kind == "key":
            from renstra_desktop.core.packages.keys import installation_key
            installation_key(path.with_name(path.name[:-len(".kunci")]), create=False)
            return True
    except Exception:       # noqa: BLE001 - any failure to read it back makes it a partial output
        return False
    raise ValueError(kind)


@dataclass
class Tally:
    kills: int = 0
    corrupt: list = field(default_factory=list)
    partial: list = field(default_factory=list)
    states: dict = field(default_factory=dict)      # writer -> {"before": n, "after": n, "output": n}
    temps_left: int = 0
    temps_swept: int = 0
    temps_kept: list = field(default_factory=list)
    locks_left: int = 0


def _start(argv: list, desk: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RENSTRA_DESKTOP_WAIT_SECONDS": "5",
           "RENSTRA_DESKTOP_BACKUP_DIR": str(desk)}        # the day's backups too are checked after a kill
    proc = subprocess.Popen([sys.executable, "-c", RUN, *map(str, argv)], cwd=desk, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "go"
    return proc


def baseline(writer: Writer, originals: Path, work: Path) -> tuple[float, dict]:
    """One uninterrupted run: its duration and the plans' digests after it."""
    from attack import cases
    desk = cases.lay_desk(originals, work / f"dasar-{writer.name.replace(' ', '-')}")
    if writer.prepare:
        writer.prepare(desk)
    proc = _start(writer.argv(desk), desk)
    started = time.perf_counter()
    _, err = proc.communicate(timeout=300)
    duration = time.perf_counter() - started
    assert proc.returncode == 0, (writer.name, err)
    return duration, {p: plan_digest(desk / p) for p in writer.plans}


def kill_once(writer: Writer, originals: Path, desk: Path, delay: float, after: dict, tally: Tally) -> None:
    from attack import cases
    from renstra_desktop.core.store import Store

    cases.lay_desk(originals, desk)
    if writer.prepare:
        writer.prepare(desk)
    # a plan left mid-write (check's case) has no readable "before": only the recovered state is right
    before = {p: plan_digest(desk / p) if not writer.name.startswith("check") else "" for p in writer.plans}
    proc = _start(writer.argv(desk), desk)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    tally.kills += 1
    states = tally.states.setdefault(writer.name, {"before": 0, "after": 0, "output": 0, "nothing": 0})
    temps = [p for p in desk.iterdir() if p.name.startswith(".~")]
    tally.temps_left += len(temps)
    tally.locks_left += len([p for p in desk.iterdir() if p.name.endswith(".dipakai")])
    for rel in writer.plans:
        path = desk / rel
        try:
            with Store.open(path) as store:
                sound = _sound(store)
        except Exception as exc:   # noqa: BLE001
            tally.corrupt.append(f"{writer.name} after {delay:.2f} s: {rel}: {exc}")
            continue
        if not sound:
            tally.corrupt.append(f"{writer.name} after {delay:.2f} s: {rel} fails the full check")
            continue
        digest = plan_digest(path)
        if digest == after[rel]:
            states["after"] += 1
        elif digest == before[rel]:
            states["before"] += 1
        else:
            tally.corrupt.append(f"{writer.name} after {delay:.2f} s: {rel} neither before nor after")
    for rel, kind in writer.outputs:
        path = desk / rel
        if path.exists():
            states["output"] += 1
            if not output_sound(path, kind):
                tally.partial.append(f"{writer.name} after {delay:.2f} s: {rel}")
        elif not writer.plans:
            states["nothing"] += 1
    for backup in [p for p in desk.iterdir() if ".cadangan-" in p.name and not p.name.startswith(".~")]:
        states["output"] += 1
        if not output_sound(backup, "plan"):
            tally.partial.append(f"{writer.name} after {delay:.2f} s: {backup.name}")
    if temps:     # the next writer of the same target removes what the killed process left
        try:
            from renstra_desktop.core.safe_write import sweep_stale_temps
        except ImportError:          # code from before the helper: nothing sweeps
            def sweep_stale_temps(path, family=False):
                return 0
        for rel in [r for r, _ in writer.outputs] + list(writer.plans):
            tally.temps_swept += sweep_stale_temps(desk / rel, family=True)
        tally.temps_kept.extend(p.name for p in desk.iterdir() if p.name.startswith(".~"))


def run(work: Path, originals: Path, count: int, rng: random.Random, writers=None) -> Tally:
    import shutil

    if writers is None:
        from attack.cases import commands
        have = commands()
        writers = [w for w in WRITERS if w.name.split()[0] in have]
    tally = Tally()
    timing = {w.name: baseline(w, originals, work) for w in writers}
    for i in range(count):
        writer = writers[i % len(writers)]
        duration, after = timing[writer.name]
        delay = rng.uniform(0.05, 1.1) * duration
        desk = work / f"bunuh-{i}"
        kill_once(writer, originals, desk, delay, after, tally)
        shutil.rmtree(desk, ignore_errors=True)
    print(f"\n== kill -9 at random moments: {tally.kills} kills over {len(writers)} writing commands")
    for w in writers:
        s = tally.states.get(w.name, {})
        print(f"   {w.name:<22} uninterrupted {timing[w.name][0]:.2f} s after start-up; found after the kill: "
              + ", ".join(f"{k} {v}" for k, v in s.items() if v))
    print(f"   corrupt files: {len(tally.corrupt)}; partial outputs: {len(tally.partial)}")
    for line in tally.corrupt + tally.partial:
        print(f"     - {line}")
    print(f"   temporary files left by killed processes: {tally.temps_left} (swept by the next writer: "
          f"{tally.temps_swept}; not sweepable, written by code without the helper: {len(tally.temps_kept)} "
          f"{sorted(set(n[:12] + '…' for n in tally.temps_kept))}); stale lock files left: {tally.locks_left} "
          "(unlocked, taken over by the next writer)")
    return tally
