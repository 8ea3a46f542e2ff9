"""The consolidated Kanwil file at national scale, built the way the application builds it.

    .venv/bin/python bench/national_file.py [--units 530] [--cache DIR] [--rebuild]

Every unit is an installation of its own: a plan file for the unit, its rows entered through
``PlanService`` (the door every edit in the window goes through), its package written by
``export_package`` (what Berkas → Ekspor Paket calls) with the unit's own key.  The Kanwil's file is
the embedded NTB plan in which the Kanwil registers every unit and writes the units' targets through
``PlanService``, then merges every package with ``merge_packages`` (Berkas → Gabungkan Paket).
The first 11 units are the embedded NTB UPT (their files made by ``create_plan_file``, as
``renstra-desktop init --unit``); the others are generated units ``UPT-0001``… (the embedded dataset
knows only NTB's units, so their installation file is made the way ``create_plan_file`` makes a
UPT's skeleton, with their own code).  Each unit: realisations 2025-2029 × 12 months × 3 IKK, 18
risks, 60 roadmap items, 10 funding rows (the generated figures of ``bench/merge.py``), and 15
targets written by the Kanwil.  Generated test data, not official figures.

The result is cached in ``DIR/national-<units>-s<schema>/`` (default ``~/.cache/renstra-bench``,
or ``$RENSTRA_BENCH_CACHE``) so the other scripts reuse it: ``kanwil.renstra`` (what the Kanwil
works on), ``plain.renstra`` (the same rows "plainly merged", below) and ``figures.json``.
``national_file(units)`` returns the folder, building it when missing.

"Plainly merged": the same Kanwil start file (the same registration and targets) into which the
same packages are copied with ``ATTACH`` + ``INSERT … SELECT … ON CONFLICT (id) DO UPDATE`` (the
baseline of ``bench/merge.py``): the same plan rows, byte for byte, without the audit entries of
the merge, the batch log and the key pins.  Both files are compared as built and after ``VACUUM``
(free pages not counted).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from merge import UnitRows, baseline, ours  # noqa: E402  (bench/merge.py: generated unit rows, plain UPSERT, timed merge)

from renstra_desktop.core.packages import package_format as fmt  # noqa: E402
from renstra_desktop.core.dataset import read_embedded, unit_skeleton  # noqa: E402
from renstra_desktop.core.newplan import DATASET_KEYS, SEED_TIME, create_plan_file, insert_seed_rows  # noqa: E402
from renstra_desktop.core.packages.package_export import export_package  # noqa: E402
from renstra_desktop.core.rows import stable_id  # noqa: E402
from renstra_desktop.core.schema import TABLES  # noqa: E402
from renstra_desktop.core.service import PlanService  # noqa: E402
from renstra_desktop.core.store import Store, latest_schema_version  # noqa: E402

KANWIL_FILE, PLAIN_FILE, FIGURES = "kanwil.renstra", "plain.renstra", "figures.json"
FULL_REPORT = "lampiran"         # the kind of the Renstra lengkap (Lampiran) report
TEMPLATE_UNIT = "LPS-LOBAR"      # the embedded UPT whose skeleton a generated unit's file copies
IKK = ("IKK 17.1", "IKK 19.1", "IKK 19.2")


def cache_root(cache: str | os.PathLike | None = None) -> Path:
    return Path(cache or os.environ.get("RENSTRA_BENCH_CACHE") or Path.home() / ".cache" / "renstra-bench")


def national_file(units: int = 530, cache: str | os.PathLike | None = None, *, rebuild: bool = False,
                  log=print) -> Path:
    """The cached folder with the consolidated file of ``units`` unit packages (built when missing)."""
    folder = cache_root(cache) / f"national-{units}-s{latest_schema_version()}"
    if (folder / FIGURES).exists() and not rebuild:
        return folder
    work = folder.with_name(folder.name + ".baru")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    figures = _build(work, units, log)
    (work / FIGURES).write_text(json.dumps(figures, indent=1), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(work, folder)
    return folder


def unit_codes(units: int) -> list[tuple[str, str]]:
    """(code, name): the 11 NTB UPT first, then generated units."""
    ntb = [(u["code"], u["name"]) for u in read_embedded()["units"] if u["code"] != "KANWIL"]
    extra = [(f"UPT-{i:04d}", f"Lapas Contoh {i}") for i in range(1, max(0, units - len(ntb)) + 1)]
    return (ntb + extra)[:units]


def _generated_unit_file(path: Path, code: str, name: str) -> Store:
    """A UPT installation's file for a unit the embedded dataset does not know: ``create_plan_file``'s
    skeleton of a NTB UPT with the unit's own code (the rows and metadata it seeds are the same)."""
    data = json.loads(json.dumps(unit_skeleton(TEMPLATE_UNIT)).replace(f'"{TEMPLATE_UNIT}"', f'"{code}"'))
    data["units"] = [u for u in data["units"] if u["code"] != code] + [
        {"code": code, "seq": 1000, "name": name, "unit_type": "lapas"}]
    for row in data["funding"]:
        row["executing_unit"] = name
    store = Store.create_empty(path)
    with store.atomic():
        for key, table in DATASET_KEYS.items():
            insert_seed_rows(store, table, data.get(key, []))
        for key, value in {"installation_unit": code, "created_at": SEED_TIME,
                           "dataset": "ntb_renstra_2025_2029"}.items():
            store.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
    return store


def _enter_unit_rows(store: Store, rows: UnitRows) -> int:
    """The unit's administrator fills the skeleton and adds rows, through the service."""
    service = PlanService(store, f"admin-{rows.unit}")
    spec_key = {"realisation": ("unit_code", "indicator_code", "period"), "funding": ("unit_code", "line_code", "year"),
                "risk": ("unit_code", "seq"), "roadmap_item": ("unit_code", "aspect", "year", "seq")}
    n = 0
    with store.atomic():
        for table, values in rows.values.items():
            for row in values:
                row_id = stable_id(table, *(row[k] for k in spec_key[table]))
                row = {k: json.loads(v) if k in ("treatments", "success_indicators") else v for k, v in row.items()}
                content = {k: v for k, v in row.items() if k not in spec_key[table]}
                exists = store.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone()
                if exists:
                    service.update(table, row_id, content)
                else:
                    service.insert(table, row, row_id=row_id)
                n += 1
    return n


def _kanwil_prepares(path: Path, codes: list[tuple[str, str]]) -> None:
    """The Kanwil registers the units it does not know yet and writes every unit's targets."""
    store = create_plan_file(path)
    service = PlanService(store, "admin-kanwil")
    known = {r[0] for r in store.conn.execute("SELECT code FROM unit")}
    with store.atomic():
        for i, (code, name) in enumerate(codes):
            if code not in known:
                service.insert("unit", {"code": code, "seq": 100 + i, "name": name, "unit_type": "lapas"})
            for k, ikk in enumerate(IKK):
                for year in range(2025, 2030):
                    value = round(75 + (i + k * 3 + year) % 20 + 0.5, 2)
                    row_id = stable_id("indicator_target", *(dict(unit_code=code, indicator_code=ikk, year=year)[c]
                                                              for c in TABLES["indicator_target"].key))
                    if store.conn.execute("SELECT 1 FROM indicator_target WHERE id = ?", (row_id,)).fetchone():
                        service.update("indicator_target", row_id, {"value": value})
                    else:
                        service.insert("indicator_target", {"unit_code": code, "indicator_code": ikk, "year": year,
                                                            "value": value})
    store.close()


def _build(work: Path, units: int, log) -> dict:
    started = time.perf_counter()
    codes = unit_codes(units)
    ntb = {u["code"] for u in read_embedded()["units"]}
    schema = fmt.package_schema(latest_schema_version())
    plan = read_embedded()
    start = work / "kanwil-start.renstra"
    _kanwil_prepares(start, codes)
    t_kanwil = time.perf_counter() - started
    installs, packages = work / "satker", work / "paket"
    installs.mkdir()
    packages.mkdir()
    paths, entered = [], 0
    for n, (code, name) in enumerate(codes):
        unit_path = installs / f"{code}.renstra"
        store = create_plan_file(unit_path, code) if code in ntb else _generated_unit_file(unit_path, code, name)
        try:
            entered += _enter_unit_rows(store, UnitRows(code, n, plan, schema))
            paths.append(export_package(store, folder=packages).path)
        finally:
            store.close()
        if (n + 1) % 50 == 0 or n + 1 == len(codes):
            log(f"  {n + 1}/{len(codes)} units entered and exported ({time.perf_counter() - started:.0f} s)")
    shutil.rmtree(installs)               # the units' own files stay on their computers
    t_units = time.perf_counter() - started - t_kanwil
    kanwil, plain = work / KANWIL_FILE, work / PLAIN_FILE
    shutil.copy(start, kanwil)
    shutil.copy(start, plain)
    start.unlink()
    t_merge = ours(kanwil, paths)          # merge_packages, every package checked, one batch
    for backup in work.glob(f"{KANWIL_FILE}.cadangan*"):
        backup.unlink()                   # the merge's backup copy of the start file
    t_plain = baseline(plain, paths)
    figures = dict(units=len(codes), rows_entered=entered, packages=len(paths),
                   package_bytes=sum(p.stat().st_size for p in paths),
                   seconds=dict(kanwil=round(t_kanwil, 1), units=round(t_units, 1), merge=round(t_merge, 2),
                                plain_merge=round(t_plain, 2)),
                   **sizes(kanwil, plain))
    log(f"built in {time.perf_counter() - started:.0f} s")
    return figures


def _table_bytes(path: Path) -> dict[str, int]:
    """Bytes of each table with its indexes (dbstat), read-only."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        owner = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"))
        out: dict[str, int] = {}
        for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(name, name)
            out[table] = out.get(table, 0) + size
        return out
    finally:
        conn.close()


def _rows(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {n: conn.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in names}
    finally:
        conn.close()


def _vacuumed_size(path: Path) -> int:
    copy = path.with_name(path.name + ".vacuum")
    copy.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.execute("VACUUM INTO ?", (str(copy),))
    finally:
        conn.close()
    size = copy.stat().st_size
    copy.unlink()
    return size


def sizes(kanwil: Path, plain: Path) -> dict:
    return dict(file_bytes=kanwil.stat().st_size, plain_bytes=plain.stat().st_size,
                file_vacuumed=_vacuumed_size(kanwil), plain_vacuumed=_vacuumed_size(plain),
                rows=_rows(kanwil), plain_rows=_rows(plain),
                table_bytes=_table_bytes(kanwil), plain_table_bytes=_table_bytes(plain))


def describe(folder: Path) -> str:
    f = json.loads((folder / FIGURES).read_text(encoding="utf-8"))
    mb = lambda b: f"{b / 1e6:.1f} MB"  # noqa: E731
    plan_rows = sum(n for t, n in f["rows"].items() if t in TABLES)
    lines = [
        f"folder              {folder}",
        f"units / packages    {f['units']} / {f['packages']} ({mb(f['package_bytes'])} of packages, "
        f"{f['rows_entered']} rows entered through PlanService)",
        f"build seconds       {f['seconds']}",
        f"file                {mb(f['file_bytes'])} ({mb(f['file_vacuumed'])} after VACUUM)",
        f"plainly merged      {mb(f['plain_bytes'])} ({mb(f['plain_vacuumed'])} after VACUUM)",
        f"ratio               {f['file_bytes'] / f['plain_bytes']:.2f}x as built, "
        f"{f['file_vacuumed'] / f['plain_vacuumed']:.2f}x vacuumed",
        f"plan rows           {plan_rows} (plain: {sum(n for t, n in f['plain_rows'].items() if t in TABLES)})",
        f"audit trail         {f['rows'].get('audit_log', 0)} entries, {mb(f['table_bytes'].get('audit_log', 0))} "
        f"(plain: {f['plain_rows'].get('audit_log', 0)} entries, {mb(f['plain_table_bytes'].get('audit_log', 0))})",
        "bytes by table (with its indexes), file vs plain:",
    ]
    for table, size in sorted(f["table_bytes"].items(), key=lambda kv: -kv[1]):
        if size >= 100_000:
            lines.append(f"  {table:<22}{mb(size):>10}{mb(f['plain_table_bytes'].get(table, 0)):>10}"
                         f"   rows {f['rows'].get(table, '')}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=530)
    parser.add_argument("--cache", metavar="DIR", help="cache folder (default ~/.cache/renstra-bench)")
    parser.add_argument("--rebuild", action="store_true", help="build again even when cached")
    args = parser.parse_args(argv)
    print(describe(national_file(args.units, args.cache, rebuild=args.rebuild)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
