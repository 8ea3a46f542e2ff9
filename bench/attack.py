"""The attack on the data layer (issue 8), rerunnable: bad input × every entry point, random kill -9
of every writing command, and simultaneous commands.  Prints its figures.

    .venv/bin/python bench/attack.py                 # everything (~5 minutes on 2 cores)
    .venv/bin/python bench/attack.py --inputs        # only the bad-input matrix
    .venv/bin/python bench/attack.py --kills 120     # only the kills (count)
    .venv/bin/python bench/attack.py --together      # only the simultaneous commands

The kinds and entry points are declared in tests/attack/cases.py (the tests run a subset).
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from attack import cases, kills, together  # noqa: E402

WAIT_ENV = "RENSTRA_DESKTOP_WAIT_SECONDS"


def run_inputs(work: Path, originals: Path) -> dict:
    # a busy plan is waited for (default 30 s) before the refusal; 2 s here keeps the run short
    os.environ[WAIT_ENV] = os.environ.get(WAIT_ENV, "2")
    outcomes = []
    for n, (kind, entry) in enumerate(cases.pairs()):
        desk = cases.lay_desk(originals, work / f"meja-{n}")
        outcomes.append((kind, cases.attack(kind, entry, desk)))
        shutil.rmtree(desk, ignore_errors=True)
    counted = Counter(o.verdict for _k, o in outcomes)
    kinds = {k.name for k, _ in outcomes}
    entries = {o.entry for _, o in outcomes}
    print(f"\n== Bad input: {len(kinds)} kinds x {len(entries)} entry points = {len(outcomes)} runs")
    print(f"   refused cleanly (one Indonesian line, non-zero exit, every file byte-identical): "
          f"{counted['refused']} of {sum(counted.values())}")
    for verdict in ("accepted", "changed", "unclear", "traceback", "hang"):
        print(f"   {verdict:<10} {counted[verdict]}")
    for kind, o in outcomes:
        if not o.ok:
            print(f"     - {o.verdict}: {o.kind} -> {o.entry}: {o.detail}")
    return {"runs": len(outcomes), "kinds": len(kinds), "entries": len(entries), **counted}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", action="store_true")
    parser.add_argument("--kills", type=int, default=None, metavar="N")
    parser.add_argument("--together", action="store_true")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    everything = not (args.inputs or args.kills is not None or args.together)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print(f"bench/attack.py seed {seed}; python {sys.version.split()[0]}; code {ROOT}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="renstra-serang-") as folder:
        work = Path(folder)
        originals = cases.build_originals(work / "asli")
        if everything or args.inputs:
            run_inputs(work, originals)
        if everything or args.kills is not None:
            kills.run(work, originals, args.kills or 120, random.Random(seed))
        if everything or args.together:
            together.run(work, originals)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
