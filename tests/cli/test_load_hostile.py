"""Hostile JSON given to ``load`` (issue 8): nested 100 000 deep, a lone surrogate, row_version 2^63.
Each gets one Indonesian line on stderr, exit 1, no traceback, and the plan file is unchanged."""
import json
import subprocess
import sys
import uuid

import pytest
from package_fixtures import sha

from renstra_desktop.cli import main


@pytest.fixture(scope="module")
def dumped(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dump")
    plan = folder / "k.renstra"
    assert main(["init", str(plan)]) == 0
    out = subprocess.run([sys.executable, "-m", "renstra_desktop", "dump", str(plan)], capture_output=True,
                         text=True, check=True).stdout
    return plan, json.loads(out)


def _deep_value(depth: int):
    value = []
    for _ in range(depth - 1):
        value = [value]
    return value


def _lone_surrogate(data):
    data["tables"]["funding"][0]["executing_unit"] = "Lapas \ud800"
    return json.dumps(data)          # written as \\ud800, as a hostile file would


def _surrogate_key(data):
    data["tables"]["funding"][0]["\udc80"] = 1
    return json.dumps(data)


def _version_2_63_new_row(data):
    row = dict(data["tables"]["funding"][0], id=str(uuid.uuid4()), row_version=2 ** 63, year=2029,
               line_code="SK 99")
    data["tables"]["funding"].append(row)
    return json.dumps(data)


def _version_2_63_existing_row(data):
    data["tables"]["funding"][0].update(row_version=2 ** 63, allocation=1.5)
    return json.dumps(data)


def _deep_setting(data):
    data["tables"]["setting"].append({**data["tables"]["unit"][0], "id": str(uuid.uuid4())})
    row = data["tables"]["setting"][-1]
    for k in ("code", "seq", "name", "unit_type", "island", "address", "staff_count"):
        row.pop(k)
    row.update(key="dalam", value=_deep_value(200))
    return json.dumps(data)


CASES = [
    ("nested 100 000 deep", lambda d: "[" * 100_000 + "]" * 100_000, "bersarang terlalu dalam"),
    ("object nested 100 000 deep", lambda d: '{"a":' * 100_000 + "1" + "}" * 100_000, "bersarang terlalu dalam"),
    ("a setting nested 200 deep", _deep_setting, "bersarang lebih dari"),
    ("lone surrogate in a text", _lone_surrogate, "U+D800"),
    ("lone surrogate in a key", _surrogate_key, "U+DC80"),
    ("row_version 2^63 on a new row", _version_2_63_new_row, "row_version: nilai 9223372036854775808 tidak sah"),
    ("row_version 2^63 on a row of the file", _version_2_63_existing_row, "row_version: nilai 9223372036854775808"),
]


@pytest.mark.parametrize("make,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_json_gets_one_indonesian_line_and_changes_nothing(tmp_path, dumped, make, expected):
    plan, data = dumped
    target = tmp_path / "k.renstra"
    target.write_bytes(plan.read_bytes())
    hostile = tmp_path / "hostile.json"
    hostile.write_text(make(json.loads(json.dumps(data))), encoding="utf-8")
    before = sha(target)
    proc = subprocess.run([sys.executable, "-m", "renstra_desktop", "load", str(target), str(hostile)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert expected in proc.stderr and proc.stderr.startswith("renstra-desktop: ")
    assert sha(target) == before and sorted(p.name for p in tmp_path.iterdir()) == ["hostile.json", "k.renstra"]
    # the same document into a new file: nothing is created
    proc = subprocess.run([sys.executable, "-m", "renstra_desktop", "load", str(tmp_path / "baru.renstra"),
                           str(hostile)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and not (tmp_path / "baru.renstra").exists()
