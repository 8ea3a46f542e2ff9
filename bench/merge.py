"""Merge throughput: our verified merge against plain sqlite3 ATTACH + UPSERT of the same rows.

    /tmp/venv/bin/python bench/merge.py [--units 530] [--keep DIR]

Builds, in a temporary folder, a Kanwil plan file and signed packages of realistic size (each
unit: realisations 2025-2029 x 12 months x 3 IKK, 18 risks, 60 roadmap items, funding lines x 5
years; generated figures, not official ones; a unit's targets are the Kanwil's rows and travel in
the Kanwil's package, not in the unit's), written by the same
``write_package`` the export uses, one Ed25519 key per unit.  Then, in the same run:

- province: the 11 NTB UPT packages plus a second, later package of LPS-LOBAR (changed values,
  a tombstone, new rows): 12 packages;
- national: ``--units`` packages of units UPT-0001... registered in the unit directory;

each merged by ``merge_packages`` (open defensively, schema and integrity check, signature,
digest, owners, value rules, classification, one transaction per package, audit rows, batch log,
backup copy) and by the baseline (ATTACH each package, INSERT ... SELECT ... ON CONFLICT (id) DO
UPDATE for every table, one transaction per package, DETACH) into copies of the same file.
Finally everything is merged a second time (nothing changes).  Prints rows/s and ratios.

Then (``--rounds N``, default 5; 0 skips it) the national merge again in whole processes, each
merge in a fresh process on a fresh copy of the file, plain and ours alternating (plain first in
odd rounds, ours first in even ones), each followed in its process by its second merge; the
medians, the ratio of the medians, each round's ratio and the load average before and after.

    /tmp/venv/bin/python bench/merge.py --memory [--memory-packages 12] [--memory-rows 100000]

measures memory instead (issue 8: "with keys pinned, a batch of 200 large packages peaks at 1.36 GB
instead of the intended 256 MB"): large packages (risk rows with realistic text, ~57 MB each at
100 000 rows, near the 64 MB limit), every key pinned first so the merge takes the path that opens
every package before writing; each run in a fresh process: the peak resident size (ru_maxrss) of a
merge, and of the same process before merging (imports, open file: the baseline); then, in another
process, tracemalloc's peak of Python allocations and where the largest ones were made.
"""
from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from renstra_desktop.core.packages import package_format as fmt  # noqa: E402
from renstra_desktop.core.dataset import read_embedded  # noqa: E402
from renstra_desktop.core.packages.keys import InstallationKey  # noqa: E402
from renstra_desktop.core.packages.merge import merge_packages  # noqa: E402
from renstra_desktop.core.newplan import create_plan_file  # noqa: E402
from renstra_desktop.core.packages.package_export import write_package  # noqa: E402
from renstra_desktop.core.rows import stable_id  # noqa: E402
from renstra_desktop.core.service import PlanService  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402

IKK = ("IKK 17.1", "IKK 19.1", "IKK 19.2")
YEARS = range(2025, 2030)
T0 = "2026-06-01T08:00:00.000000Z"


def _key() -> InstallationKey:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return InstallationKey(Path("bench"), private, public)


class UnitRows:
    """The rows one unit writes, in package column order (generated, deterministic per unit)."""

    def __init__(self, unit: str, n: int, plan: dict, schema: fmt.PackageSchema):
        self.unit, self.schema = unit, schema
        areas = list(dict.fromkeys((r["program_code"], r["area"]) for r in plan["risks"]))
        aspects = list(dict.fromkeys(r["aspect"] for r in plan["roadmap_items"]))
        lines = list(dict.fromkeys(f["line_code"] for f in plan["funding"]))
        self.values = {
            "realisation": [dict(unit_code=unit, indicator_code=i, period=f"{y}-{m:02d}",
                                 value=round(70 + (n * 7 + m * 3 + y) % 30 + 0.25, 2),
                                 evidence=f"Laporan bulanan {unit} {y}-{m:02d}: rekap register dan absensi")
                            for y in YEARS for m in range(1, 13) for i in IKK],
            "risk": [dict(unit_code=unit, program_code=p, area=a, seq=k * len(areas) + j + 1,
                          risk=f"Risiko {a.lower()} {k + 1} di {unit}", cause="Keterbatasan petugas dan sarana",
                          current_control="SOP dan pengawasan berjenjang",
                          treatments='["Pelatihan petugas", "Pengawasan melekat"]', responsible="Kepala Seksi",
                          success_indicators='["Nihil kejadian", "Laporan bulanan tepat waktu"]',
                          inherent_likelihood=3, inherent_impact=4, residual_likelihood=2, residual_impact=3)
                     for k in range(2) for j, (p, a) in enumerate(areas)],
            "roadmap_item": [dict(unit_code=unit, aspect=a, year=y, seq=s, text=f"Kegiatan {a} {y} nomor {s}",
                                  status=("rencana", "berjalan", "selesai")[(y + s) % 3])
                             for a in aspects for y in YEARS for s in (1, 2)],
            "funding": [dict(unit_code=unit, line_code=c, year=y, allocation=1000.0 + n + y % 7 * 13.5,
                             realised=900.0 + y % 5, executing_unit=unit) for c in lines for y in YEARS],
        }
        self.version = {t: [1] * len(rows) for t, rows in self.values.items()}
        self.deleted = {t: [0] * len(rows) for t, rows in self.values.items()}

    def tables(self) -> dict[str, list[tuple]]:
        out = {}
        for table, rows in self.values.items():
            cols = self.schema.tables[table]
            spec_key = {"realisation": ("unit_code", "indicator_code", "period"),
                        "funding": ("unit_code", "line_code", "year"),
                        "risk": ("unit_code", "seq"), "roadmap_item": ("unit_code", "aspect", "year", "seq")}[table]
            data = []
            for values, version, deleted in zip(rows, self.version[table], self.deleted[table]):
                meta = dict(id=stable_id(table, *(values[k] for k in spec_key)), owner_unit=self.unit,
                            created_at=T0, updated_at=T0, updated_by="admin", row_version=version,
                            base_version=version - 1, deleted=deleted, origin="local")
                row = {**meta, **values}
                data.append(tuple(row[c] for c in cols))
            out[table] = data
        return out

    def edit(self) -> None:
        """A later month: 20 realisations corrected, one deleted, a year of a fourth funding line."""
        for i in range(20):
            self.values["realisation"][i * 7]["value"] += 1.5
            self.version["realisation"][i * 7] += 1
        self.deleted["realisation"][3] = 1
        self.version["realisation"][3] += 1
        self.values["funding"].append(dict(unit_code=self.unit, line_code="SK 17-B", year=2027, allocation=55.0,
                                           realised=None, executing_unit=self.unit))
        self.version["funding"].append(1)
        self.deleted["funding"].append(0)


def build(folder: Path, national: int) -> tuple[Path, list[Path], list[Path], int, int]:
    plan = read_embedded()
    template = folder / "kanwil.renstra"
    store = create_plan_file(template)
    schema = fmt.package_schema(store.schema_version)
    service = PlanService(store, "bench")
    codes = [f"UPT-{i:04d}" for i in range(1, national + 1)]
    with store.atomic():
        for i, code in enumerate(codes):
            service.insert("unit", {"code": code, "seq": 100 + i, "name": f"Lapas Contoh {i + 1}", "unit_type": "lapas"})
    version = store.schema_version
    store.close()
    out = folder / "paket"
    out.mkdir()

    def package(rows: UnitRows, key, seq) -> Path:
        path = out / fmt.default_file_name(rows.unit, seq)
        write_package(path, unit=rows.unit, schema_version=version, tables=rows.tables(), key=key, sequence=seq)
        return path

    province = []
    for u in [u["code"] for u in plan["units"] if u["code"] != "KANWIL"]:
        rows, key = UnitRows(u, len(province), plan, schema), _key()
        province.append(package(rows, key, 1))
        if u == "LPS-LOBAR":
            lobar = (rows, key)
    lobar[0].edit()
    province.append(package(lobar[0], lobar[1], 2))
    nationwide = [package(UnitRows(code, n, plan, schema), _key(), 1) for n, code in enumerate(codes)]
    count = lambda paths: sum(sum(r for r in _counts(p)) for p in paths)  # noqa: E731
    return template, province, nationwide, count(province), count(nationwide)


def _counts(path: Path) -> list[int]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in
                fmt.package_schema(conn.execute("PRAGMA user_version").fetchone()[0]).tables]
    finally:
        conn.close()


def ours(target: Path, packages: list[Path]) -> float:
    store = Store.open(target)
    try:
        started = time.perf_counter()
        report = merge_packages(store, packages, actor="bench", trust_new_keys=True)
        elapsed = time.perf_counter() - started
    finally:
        store.close()
    assert report.ok, [r.message for r in report.results if r.status == "rejected"][:3]
    return elapsed


def baseline(target: Path, packages: list[Path]) -> float:
    conn = sqlite3.connect(target, isolation_level=None)
    tables = fmt.package_schema(conn.execute("PRAGMA user_version").fetchone()[0]).tables
    statements = [
        f"INSERT INTO main.{t} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM pkg.{t} WHERE true "
        f"ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols[1:])}"
        for t, cols in tables.items()]
    started = time.perf_counter()
    for path in packages:
        conn.execute("ATTACH ? AS pkg", (str(path),))
        conn.execute("BEGIN IMMEDIATE")
        for sql in statements:
            conn.execute(sql)
        conn.execute("COMMIT")
        conn.execute("DETACH pkg")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def _child(which: str, target: Path, listing: Path) -> None:
    """One merge (and its second merge) in this process: prints ``seconds again`` (see --rounds)."""
    packages = [Path(p) for p in listing.read_text(encoding="utf-8").splitlines()]
    merge = ours if which == "ours" else baseline
    first = merge(target, packages)
    again = merge(target, packages)
    print(f"{first:.4f} {again:.4f}")


def rounds(template: Path, folder: Path, packages: list[Path], n: int) -> None:
    """The national merge in whole processes, plain and ours alternating (see the docstring)."""
    import os
    import statistics
    import subprocess

    listing = folder / "paket.txt"
    listing.write_text("\n".join(str(p) for p in packages), encoding="utf-8")
    times: dict[str, list[tuple[float, float]]] = {"plain": [], "ours": []}
    load_before = os.getloadavg()
    for i in range(n):
        for which in ("plain", "ours") if i % 2 == 0 else ("ours", "plain"):
            target = folder / f"proses-{which}.renstra"
            for old in folder.glob(f"{target.name}*"):
                old.unlink()
            shutil.copy(template, target)
            os.sync()       # the previous process's writes on disk now, not during this one's COMMITs
            proc = subprocess.run([sys.executable, __file__, "--child", which, str(target), str(listing)],
                                  capture_output=True, text=True, check=True)
            first, again = map(float, proc.stdout.split()[-2:])
            times[which].append((first, again))
    load_after = os.getloadavg()
    med = {w: statistics.median(t for t, _a in times[w]) for w in times}
    again = {w: statistics.median(a for _t, a in times[w]) for w in times}
    print(f"national, {len(packages)} packages, {n} rounds of whole processes alternating "
          f"(load average {load_before[0]:.2f} before, {load_after[0]:.2f} after):")
    for w in ("plain", "ours"):
        print(f"  {w:<6} first merge median {med[w]:6.2f} s [{', '.join(f'{t:.2f}' for t, _a in times[w])}]; "
              f"second merge median {again[w]:5.2f} s")
    per_round = [p / o for (p, _pa), (o, _oa) in zip(times["plain"], times["ours"])]
    print(f"  ours / plain throughput: {med['plain'] / med['ours']:.2f}x of the medians (goal >= 0.80); "
          f"rounds {', '.join(f'{r:.2f}' for r in per_round)} (median {statistics.median(per_round):.2f}); "
          f"re-merge {again['ours']:.2f} s vs plain again {again['plain']:.2f} s")


def run(template: Path, folder: Path, name: str, packages: list[Path], rows: int) -> dict:
    ours_file, base_file = folder / f"{name}-ours.renstra", folder / f"{name}-plain.renstra"
    shutil.copy(template, ours_file)
    shutil.copy(template, base_file)
    t_base = baseline(base_file, packages)
    t_ours = ours(ours_file, packages)
    t_again = ours(ours_file, packages)
    t_base_again = baseline(base_file, packages)
    return dict(name=name, packages=len(packages), rows=rows, base=t_base, ours=t_ours, again=t_again,
                base_again=t_base_again)


def build_large(folder: Path, packages: int, rows: int) -> tuple[Path, list[Path]]:
    """A Kanwil file with ``packages`` units, each unit's key pinned, and one large package each."""
    from renstra_desktop.core.packages.keys import pin_key

    template = folder / "kanwil.renstra"
    store = create_plan_file(template)
    service = PlanService(store, "bench")
    codes = [f"BESAR-{i:03d}" for i in range(packages)]
    with store.atomic():
        for i, code in enumerate(codes):
            service.insert("unit", {"code": code, "seq": 100 + i, "name": f"Lapas Besar {i + 1}", "unit_type": "lapas"})
    schema = fmt.package_schema(store.schema_version)
    cols = schema.tables["risk"]
    out = folder / "besar"
    out.mkdir()
    paths = []
    for code in codes:
        key = _key()
        data = []
        for k in range(rows):
            values = dict(id=stable_id("risk", code, k), owner_unit=code, created_at=T0, updated_at=T0,
                          updated_by="admin", row_version=1, base_version=0, deleted=0, origin="local",
                          unit_code=code, program_code="PPH", area="Pelayanan", seq=k + 1,
                          risk=f"Risiko pelayanan nomor {k} di {code}: antrean kunjungan panjang pada hari libur",
                          cause="Keterbatasan petugas dan sarana ruang kunjungan",
                          current_control="SOP kunjungan dan pengawasan berjenjang",
                          treatments='["Pelatihan petugas", "Pengawasan melekat", "Jadwal kunjungan daring"]',
                          responsible="Kepala Seksi Pelayanan",
                          success_indicators='["Nihil kejadian", "Laporan bulanan tepat waktu"]',
                          inherent_likelihood=3, inherent_impact=4, residual_likelihood=2, residual_impact=3)
            data.append(tuple(values[c] for c in cols))
        path = out / fmt.default_file_name(code, 1)
        write_package(path, unit=code, schema_version=store.schema_version, tables={"risk": data}, key=key,
                      sequence=1)
        pin_key(store, code, key.fingerprint, actor="bench")
        paths.append(path)
    store.close()
    return template, paths


# Each measurement in a fresh process.  The peak is the kernel's VmHWM of that process (ru_maxrss on
# Linux keeps the parent's peak across fork and exec, and the parent holds the rows it built).
_CHILD = """
import json, shutil, sys, time, tracemalloc
from pathlib import Path
sys.path.insert(0, {root!r})
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.store import Store

def hwm():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))

target, paths, trace = Path({target!r}), [Path(p) for p in {paths!r}], {trace!r}
shutil.copy({template!r}, target)
store = Store.open(target)
before = hwm()
if trace:
    tracemalloc.start(4)
started = time.perf_counter()
report = merge_packages(store, paths, actor="bench")
elapsed = time.perf_counter() - started
out = dict(ok=report.ok, seconds=elapsed, before_kib=before, peak_kib=hwm())
if trace:
    out["traced_peak"] = tracemalloc.get_traced_memory()[1]
    out["top"] = [str(s) for s in tracemalloc.take_snapshot().statistics("lineno")[:3]]
store.close()
print(json.dumps(out))
"""


def memory(folder: Path, packages: int, rows: int) -> None:
    import json
    import subprocess

    from renstra_desktop.core.packages.merge import BATCH_MEMORY

    started = time.perf_counter()
    template, paths = build_large(folder, packages, rows)
    total = sum(p.stat().st_size for p in paths)
    print(f"built {packages} packages of {rows} rows in {time.perf_counter() - started:.0f} s: "
          f"{total / packages / 1048576:.1f} MiB each, {total / 1048576:.0f} MiB in all; every key pinned")

    def child(trace: bool) -> dict:
        code = _CHILD.format(root=str(Path(__file__).resolve().parents[1]), target=str(folder / "gabung.renstra"),
                             paths=[str(p) for p in paths], trace=trace, template=str(template))
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for backup in folder.glob("gabung.renstra.cadangan-*"):
            backup.unlink()
        return json.loads(proc.stdout.strip().splitlines()[-1])

    plain = child(False)
    traced = child(True)
    assert plain["ok"] and traced["ok"]
    grew = (plain["peak_kib"] - plain["before_kib"]) / 1024
    print(f"merge of {packages} pinned packages: {plain['seconds']:.1f} s; peak resident (VmHWM) "
          f"{plain['peak_kib'] / 1024:.0f} MiB "
          f"(process before the merge: {plain['before_kib'] / 1024:.0f} MiB, grew {grew:.0f} MiB); "
          f"budget BATCH_MEMORY {BATCH_MEMORY / 1048576:.0f} MiB: growth / budget = {grew * 1048576 / BATCH_MEMORY:.2f}")
    print(f"tracemalloc peak of Python allocations: {traced['traced_peak'] / 1048576:.0f} MiB; largest at the end:")
    for line in traced["top"]:
        print(f"  {line}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=530)
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep the files")
    parser.add_argument("--memory", action="store_true", help="measure the memory of a batch of large packages")
    parser.add_argument("--memory-packages", type=int, default=12)
    parser.add_argument("--memory-rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="national merges in whole processes, alternating")
    parser.add_argument("--child", nargs=3, metavar=("WHICH", "TARGET", "LISTING"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return 0
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="renstra-bench-merge-"))
    folder.mkdir(parents=True, exist_ok=True)
    if args.memory:
        try:
            memory(folder, args.memory_packages, args.memory_rows)
        finally:
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
        return 0
    try:
        started = time.perf_counter()
        template, province, nationwide, n_prov, n_nat = build(folder, args.units)
        size = sum(p.stat().st_size for p in nationwide) / len(nationwide) / 1024
        print(f"built {len(province)} + {len(nationwide)} packages in {time.perf_counter() - started:.1f} s "
              f"({n_nat / len(nationwide):.0f} rows, {size:.0f} KiB per national package)")
        results = [run(template, folder, "province", province, n_prov),
                   run(template, folder, "national", nationwide, n_nat)]
        print(f"{'scenario':<10}{'packages':>9}{'rows':>9}{'plain s':>9}{'ours s':>9}{'plain rows/s':>14}"
              f"{'ours rows/s':>13}{'ratio':>7}{'re-merge s':>12}{'re-merge rows/s':>17}")
        for r in results:
            print(f"{r['name']:<10}{r['packages']:>9}{r['rows']:>9}{r['base']:>9.2f}{r['ours']:>9.2f}"
                  f"{r['rows'] / r['base']:>14,.0f}{r['rows'] / r['ours']:>13,.0f}{r['base'] / r['ours']:>6.2f}x"
                  f"{r['again']:>12.2f}{r['rows'] / r['again']:>17,.0f}")
        nat = results[1]
        print(f"national: ours / plain throughput = {nat['base'] / nat['ours']:.2f} (goal >= 0.80); "
              f"re-merge of all {nat['packages']} = {nat['again']:.2f} s vs first merge {nat['ours']:.2f} s "
              f"(plain UPSERT again: {nat['base_again']:.2f} s)")
        if args.rounds:
            rounds(template, folder, nationwide, args.rounds)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
