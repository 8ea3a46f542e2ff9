"""A non-editable install finds its migrations, dataset and fonts inside the installed package."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_installed_package_runs_without_the_checkout(tmp_path):
    site = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps",
         "--target", str(site), str(REPO)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    env = {**os.environ, "PYTHONPATH": str(site)}
    script = (
        "import renstra_desktop, sys\n"
        "from renstra_desktop.paths import migrations_dir, resource_path\n"
        f"assert str(migrations_dir()).startswith({str(site)!r}), migrations_dir()\n"
        "assert resource_path('fonts', 'LiberationSans-Regular.ttf').is_file()\n"
        "from renstra_desktop.cli import main\n"
        "sys.exit(main(['init', 'plan.renstra']))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "plan.renstra").stat().st_size > 0
    # every Python package of the checkout is installed (a subpackage missing from pyproject.toml's
    # list works in the editable checkout and fails only in an install)
    ours = {p.parent.relative_to(REPO) for p in (REPO / "renstra_desktop").rglob("__init__.py")}
    missing = sorted(str(d) for d in ours if not (site / d / "__init__.py").is_file())
    assert missing == []


# -- Windows-safe: folders with spaces, non-ASCII names, long paths; a cp1252 console ---------------
def cli(*args, cwd, env=None, encoding="utf-8"):
    run_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "renstra_desktop", *map(str, args)], cwd=cwd, env=run_env,
                          capture_output=True, encoding=encoding, errors="strict")


def long_folder(root: Path) -> Path:
    """A folder whose path passes Windows' classic 260-character limit, named in Indonesian."""
    folder = root
    while len(str(folder)) < 300:
        folder = folder / "Rencana Strategis Lapas Kelas IIA – ñ"
    folder.mkdir(parents=True)
    return folder


@pytest.mark.parametrize("name", ["Data Satker Sumbawa", "Dokumen – Kanwil ñ 计划", "long"])
def test_init_export_merge_report_in_awkward_folders(tmp_path, name):
    folder = long_folder(tmp_path) if name == "long" else tmp_path / name
    folder.mkdir(exist_ok=True)
    kanwil, upt = folder / "Kanwil NTB – 2026.renstra", folder / "Lapas Sumbawa ñ.renstra"
    package = folder / "paket Sumbawa ñ.rpkg"
    pdf = folder / "Laporan Capaian – Sumbawa.pdf"
    for args in (["init", kanwil], ["init", upt, "--unit", "LPS-SUMBAWA"], ["export-package", upt, "-o", package],
                 ["merge", kanwil, package, "--trust-new-keys"], ["report", "capaian", kanwil, "-o", pdf],
                 ["export-xlsx", kanwil, "-o", folder / "Rencana ñ.xlsx"]):
        done = cli(*args, cwd=tmp_path)
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    assert str(kanwil) in cli("info", kanwil, cwd=tmp_path).stdout


def test_cli_output_survives_a_cp1252_console(tmp_path):
    """A Windows console or a redirect in code page 1252: Indonesian text, '–' and '×' print as
    they are; characters the page lacks ('→', '≥', Chinese) never stop the program."""
    folder = tmp_path / "Satker → Bima ≥ 计划"
    folder.mkdir()
    plan = folder / "rencana × 2.renstra"
    env = {"PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"}
    init = cli("init", plan, cwd=tmp_path, env=env, encoding="cp1252")
    assert init.returncode == 0, init.stderr
    assert "Traceback" not in init.stderr
    assert "rencana × 2.renstra" in init.stdout                 # in cp1252: printed as it is
    assert "Satker -> Bima >= \\u8ba1\\u5212" in init.stdout   # not in cp1252: spelled out

    plan_json = tmp_path / "rencana.json"
    dump = cli("dump", plan, cwd=tmp_path, env=env, encoding="cp1252")
    assert dump.returncode == 0, dump.stderr
    plan_json.write_text(dump.stdout, encoding="utf-8")
    import json

    assert json.loads(dump.stdout)["tables"]["unit"]        # valid JSON
    help_text = cli("report", "--help", cwd=tmp_path, env=env, encoding="cp1252")
    assert help_text.returncode == 0 and "Traceback" not in help_text.stderr

    # an error message with '→' (the core's wording) goes to stderr whole, in one line
    bad = tmp_path / "bukan paket.rpkg"
    bad.write_bytes(b"bukan zip")
    refused = cli("verify-package", bad, cwd=tmp_path, env=env, encoding="cp1252")
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


def test_dump_to_a_cp1252_console_keeps_every_character(tmp_path):
    """dump → load through a cp1252 pipe gives back the same plan, characters outside cp1252 included."""
    import json

    import sqlite3

    plan = tmp_path / "rencana.renstra"
    assert cli("init", plan, cwd=tmp_path).returncode == 0
    with sqlite3.connect(plan) as conn:     # text typed on another machine: arrows, ≥, another script
        conn.execute("UPDATE unit SET address = 'Jl. Langko → Mataram ≥ 计划 😀' WHERE code = 'KANWIL'")
    original = json.loads(cli("dump", plan, cwd=tmp_path).stdout)
    original_text = json.dumps(original, ensure_ascii=False)
    env = {"PYTHONIOENCODING": "cp1252"}
    via_cp1252 = json.loads(cli("dump", plan, cwd=tmp_path, env=env, encoding="cp1252").stdout)
    assert json.dumps(via_cp1252, ensure_ascii=False) == original_text
    assert "Jl. Langko → Mataram ≥ 计划 😀" in original_text
