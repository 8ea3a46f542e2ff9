"""Commands run at the same instant in separate processes (issue 8): no update lost, no traceback,
every refusal one clear line."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AT_ONCE = """
import sys, time
start = float(sys.argv[1])
from renstra_desktop.cli import main, build_parser
build_parser()
import renstra_desktop.core.packages.merge, renstra_desktop.core.packages.package_export, renstra_desktop.core.newplan
while time.time() < start:
    time.sleep(0.0005)
sys.exit(main(sys.argv[2:]))
"""


def at_once(*commands: list, wait: float = 60) -> list[tuple[int, str, str]]:
    """Run CLI commands in separate processes that start in the same millisecond:
    [(exit code, stdout, stderr)] in the order given."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RENSTRA_DESKTOP_WAIT_SECONDS": str(wait)}
    start = time.time() + 1.5 + 0.4 * len(commands)        # every process has imported by then
    procs = [subprocess.Popen([sys.executable, "-c", AT_ONCE, repr(start), *map(str, argv)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for argv in commands]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        results.append((proc.returncode, out, err))
    return results


def tracebacks(results) -> int:
    from attack.cases import UNEXPECTED
    return sum(1 for code, _, err in results if "Traceback" in err or UNEXPECTED in err or code not in (0, 1, 3))


@dataclass
class Scenario:
    name: str
    runs: int
    lost: int
    tracebacks: int
    note: str = ""


def _query(path: Path, sql: str, *args):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def signatories(desk: Path) -> Scenario:
    """Five `signatory set` at once, each setting another part: every part must survive."""
    fields = {"--place": "Bima", "--jabatan": "Kepala Bidang", "--name": "Budi Santoso",
              "--nip": "196610181992031001", "--on-behalf": "Kepala Kantor Wilayah"}
    plan = desk / "kanwil.renstra"
    results = at_once(*[["signatory", "set", plan, flag, value] for flag, value in fields.items()])
    shown = subprocess.run([sys.executable, "-m", "renstra_desktop", "signatory", "show", str(plan), "--json"],
                           cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    data = json.loads(shown.stdout)
    expected = {"place": "Bima", "jabatan": "Kepala Bidang", "name": "Budi Santoso",
                "nip": "19661018 199203 1 001", "on_behalf": "Kepala Kantor Wilayah"}
    lost = sum(1 for k, v in expected.items() if data.get(k) != v)
    failed = sum(1 for code, _, _ in results if code != 0)
    return Scenario("signatory set x5 (each another part)", len(results), lost + failed, tracebacks(results))


def pins(desk: Path, units: list[str], fingerprints: list[str]) -> Scenario:
    plan = desk / "kanwil.renstra"
    results = at_once(*[["keys", "pin", plan, u, fp] for u, fp in zip(units, fingerprints)])
    pinned = {r[0] for r in _query(plan, "SELECT unit_code FROM unit_key_pin")}
    return Scenario(f"keys pin x{len(units)} (other units)", len(results), len(set(units) - pinned),
                    tracebacks(results))


def merges_with_readers(desk: Path, packages: list[Path]) -> Scenario:
    plan = desk / "kanwil.renstra"
    readers = [["info", plan], ["dump", plan], ["report", "capaian", plan, "-o", desk / "baca.pdf", "--year", "2026"]]
    results = at_once(*[["merge", plan, p, "--trust-new-keys"] for p in packages], *readers)
    merged = {r[0] for r in _query(plan, "SELECT package_digest FROM package_batch")}
    failed = sum(1 for code, _, _ in results if code != 0)
    backups = len([p for p in desk.iterdir() if ".cadangan-gabung-" in p.name])
    return Scenario(f"merge x{len(packages)} + info, dump, report", len(results),
                    len(packages) - len(merged) + failed, tracebacks(results),
                    f"{len(merged)} packages merged, {backups} backups")


def exports(desk: Path, count: int = 4) -> Scenario:
    from renstra_desktop.core.packages.package import verify_package

    out = desk / "kirim"
    out.mkdir()
    results = at_once(*[["export-package", desk / "lobar.renstra", "-o", out]] * count)
    sequences = sorted(verify_package(p).manifest["sequence"] for p in out.iterdir())
    duplicates = len(sequences) - len(set(sequences))
    failed = sum(1 for code, _, _ in results if code != 0)
    return Scenario(f"export-package x{count} into one folder", len(results), duplicates + failed,
                    tracebacks(results), f"sequences {sequences}")


def inits(desk: Path, count: int = 4) -> Scenario:
    target = desk / "baru.renstra"
    results = at_once(*[["init", target]] * count)
    made = sum(1 for code, _, _ in results if code == 0)
    clear = sum(1 for code, _, err in results if code == 1 and "sudah ada" in err
                and len(err.strip().splitlines()) == 1)
    return Scenario(f"init x{count} of one name", len(results), (made != 1) + (count - made - clear),
                    tracebacks(results), f"{made} made, {clear} refused 'sudah ada'")


def loads(desk: Path) -> Scenario:
    """Two loads of JSONs made from the same dump, each changing another row: the second must not
    revert the first (write-path part of issue 8)."""
    data = json.loads((desk / "rencana.json").read_text(encoding="utf-8"))
    targets = [r for r in data["tables"]["indicator_target"] if r["unit_code"] == "KANWIL" and r["value"]][:2]
    paths = []
    for i, row in enumerate(targets):
        changed = json.loads(json.dumps(data))
        for r in changed["tables"]["indicator_target"]:
            if r["id"] == row["id"]:
                r["value"] = 90 + i
        path = desk / f"ubah{i}.json"
        path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    results = at_once(*[["load", desk / "kanwil.renstra", p] for p in paths])
    values = dict(_query(desk / "kanwil.renstra", "SELECT id, value FROM indicator_target WHERE id IN (?, ?)",
                         *[r["id"] for r in targets]))
    lost = sum(1 for i, r in enumerate(targets) if values.get(r["id"]) != 90 + i)
    return Scenario("load x2 (JSONs from one dump, other rows)", len(results), lost, tracebacks(results))


def run(work: Path, originals: Path) -> list[Scenario]:
    from attack import cases
    from attack.kills import unit_packages

    desk = cases.lay_desk(originals, work / "bersama")
    packages, fingerprints, units = unit_packages(desk, 4)
    found = [signatories(desk), pins(desk, units, fingerprints), merges_with_readers(desk, packages),
             exports(desk), inits(desk), loads(desk)]
    print(f"\n== Simultaneous commands (processes started in the same millisecond)")
    for s in found:
        print(f"   {s.name:<44} {s.runs} runs: {s.lost} lost updates, {s.tracebacks} tracebacks"
              f"{'; ' + s.note if s.note else ''}")
    print(f"   total: {sum(s.runs for s in found)} commands, "
          f"{sum(s.lost for s in found)} lost updates, {sum(s.tracebacks for s in found)} tracebacks")
    return found
