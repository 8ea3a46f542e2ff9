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
