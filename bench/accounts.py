"""What the permission check costs a write (issue 9 §3: roles.require runs on every write call).

Two copies of the embedded Kanwil plan, one with accounts off and one with five accounts on; the
same single-cell edit (PlanService.update of one realisation, one transaction, as the window's cell
edit) is timed alternately on both, and the bare check (roles.require) on its own.  Prints medians and
the ratio on/off measured in the same run.

    .venv/bin/python bench/accounts.py [--repeat 400]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.roles import require
from renstra_desktop.core.rows import stable_id
from renstra_desktop.core.service import PlanService


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=400)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    off = create_plan_file(folder / "off.renstra", "KANWIL")
    on = create_plan_file(folder / "on.renstra", "KANWIL")
    PlanService(on, "os").save_account("admin", create=True, password="admin-rahasia")
    for name in ("ani", "budi", "vera", "kakanwil"):
        PlanService(on, "admin").save_account(name, create=True, password=f"{name}-rahasia1", roles=["operator"])
    row = {"unit_code": "KANWIL", "indicator_code": "IKK 17.1", "period": "2027-01", "value": 1}
    rid = stable_id("realisation", "KANWIL", "IKK 17.1", "2027-01")
    services = {"off": PlanService(off, "os"), "on": PlanService(on, "ani")}
    for s in services.values():
        s.insert("realisation", row)
    times = {"off": [], "on": []}
    for i in range(args.repeat):
        for key in ("off", "on") if i % 2 else ("on", "off"):
            t = time.perf_counter()
            services[key].update("realisation", rid, {"value": str(i % 7 + 1)})
            times[key].append(time.perf_counter() - t)
    checks = {"off": [], "on": []}
    for _ in range(args.repeat):
        for key, store, actor in (("off", off, "os"), ("on", on, "ani")):
            t = time.perf_counter()
            require(store.conn, actor, "enter")
            checks[key].append(time.perf_counter() - t)
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    chk = {k: statistics.median(v) * 1e6 for k, v in checks.items()}
    print(f"cell edit, median of {args.repeat}: accounts off {med['off']:.3f} ms, on {med['on']:.3f} ms, "
          f"ratio on/off {med['on'] / med['off']:.3f}")
    print(f"roles.require alone: off {chk['off']:.1f} µs, on {chk['on']:.1f} µs "
          f"({chk['on'] / 1000 / med['on'] * 100:.1f} % of an edit with accounts on)")
    off.close()
    on.close()


if __name__ == "__main__":
    main()
