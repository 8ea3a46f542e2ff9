"""A merge killed at a random point leaves the file before or after the package, intact, and the
application opens it again (SQLite rolls the interrupted transaction back)."""
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from package_fixtures import UPT, make_unit_plan, plan_content

from renstra_desktop.core.packages.keys import installation_key
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.packages.package_export import write_package
from renstra_desktop.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
MERGE_SCRIPT = """
import sys
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.store import Store
store = Store.open(sys.argv[1])
print("mulai", flush=True)
merge_packages(store, [sys.argv[2]], actor="kanwil", trust_new_keys=True)
print("selesai", flush=True)
"""


def _big_package(folder: Path, rows: int) -> Path:
    """A validly signed package of a unit with many risk rows, so that the merge takes a while."""
    upt = make_unit_plan(folder / "upt.renstra")
    cols = [r[1] for r in upt.conn.execute("PRAGMA table_info(risk)")]
    base = dict(owner_unit=UPT, created_at="2026-01-05T00:00:00Z", updated_at="2026-01-05T00:00:00Z",
                updated_by="admin", row_version=1, base_version=0, deleted=0, origin="local", unit_code=UPT,
                program_code="PPH", area="Pelayanan", cause="Sebab", current_control="Kendali",
                treatments='["Perlakuan"]', responsible="Kasubsi", success_indicators='["Indikator"]',
                inherent_likelihood=3, inherent_impact=4, residual_likelihood=2, residual_impact=2)
    data = [tuple({**base, "id": str(uuid.uuid4()), "seq": i, "risk": f"Risiko nomor {i}"}[c] for c in cols)
            for i in range(rows)]
    pkg = folder / "besar.rpkg"
    write_package(pkg, unit=UPT, schema_version=upt.schema_version, tables={"risk": data},
                  key=installation_key(upt.path), sequence=1)
    upt.close()
    return pkg


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_merge_leaves_before_or_after_and_an_intact_file(tmp_path):
    pkg = _big_package(tmp_path, 6000)
    template = tmp_path / "template.renstra"
    create_plan_file(template).close()
    before = plan_content(template)
    reference = tmp_path / "acuan" / "kanwil.renstra"
    reference.parent.mkdir()
    shutil.copy(template, reference)
    store = Store.open(reference)
    started = time.perf_counter()
    assert merge_packages(store, [pkg], actor="kanwil", trust_new_keys=True).ok
    duration = time.perf_counter() - started
    store.close()
    after = plan_content(reference)
    assert after != before

    rng = random.Random()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    seen = []
    for low, high in ((0.0, 0.5), (0.5, 1.0), (1.0, 1.5), (2.0, 3.0)):
        delay = rng.uniform(low, high) * duration
        folder = tmp_path / f"bunuh-{len(seen)}"
        folder.mkdir()
        target = folder / "kanwil.renstra"
        shutil.copy(template, target)
        proc = subprocess.Popen([sys.executable, "-c", MERGE_SCRIPT, str(target), str(pkg)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "mulai"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        store = Store.open(target)            # the application's own open recovers the file
        try:
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            store.close()
        content = plan_content(target)
        state = "before" if content == before else "after" if content == after else "other"
        seen.append((round(delay, 3), state))
        assert state in ("before", "after"), f"killed after {delay:.3f} s: neither before nor after"
        conn = sqlite3.connect(target)
        batches = conn.execute("SELECT count(*) FROM package_batch").fetchone()[0]
        conn.close()
        assert batches == (1 if state == "after" else 0)
