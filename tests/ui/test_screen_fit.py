"""The window on the screens units have: first run on a 1366×768 and a 1024×768 screen (a child
process with an offscreen screen of that size), status bar, period buttons, the Laporan buttons
and the merge dialog on screen, capaian reachable by scrolling with the identifying columns in view."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = Path(__file__).with_name("screen_child.py")


@pytest.mark.parametrize("width, height", [(1024, 768), (1366, 768), (1920, 1080)])
def test_first_run_fits_the_screen(kanwil_path, tmp_path, width, height):
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "layar", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local" / "share")}
    shot = tmp_path / f"window-{width}x{height}.png"
    done = subprocess.run([sys.executable, str(CHILD), str(kanwil_path), str(shot)], env=env, capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["how"] == ("centred" if width >= 1366 and height > 800 else "maximised")
    assert seen["window_on_screen"] and seen["status_bar"] and seen["period_buttons"], seen
    assert seen["report_buttons"] and seen["merge_dialog"], seen
    assert seen["capaian_visible"], seen
    if width < 1366:
        assert seen["frozen"], seen              # sideways scrolling with the identifying columns in view
    assert shot.stat().st_size > 10000
    if os.environ.get("RENSTRA_KEEP_SHOTS"):
        shutil.copy(shot, os.environ["RENSTRA_KEEP_SHOTS"])
