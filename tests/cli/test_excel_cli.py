"""import-xlsx and export-xlsx --template from the command line: one Indonesian line per problem,
--dry-run writes nothing, --json for scripts."""
import json
import pytest
from excel_fixtures import _lobar_template, edit, lobar_path  # noqa: F401
from openpyxl import load_workbook
from package_fixtures import UPT, sha

from renstra_desktop.cli import main


@pytest.fixture
def plan(lobar_path):
    return lobar_path


@pytest.mark.parametrize("kind", ["realisasi", "risiko", "roadmap", "pendanaan"])
def test_each_template_is_written(plan, tmp_path, capsys, kind):
    out = tmp_path / f"{kind}.xlsx"
    assert main(["export-xlsx", str(plan), "--template", kind, "--unit", UPT, "--year", "2026", "-o", str(out)]) == 0
    assert "Templat Excel ditulis" in capsys.readouterr().out
    book = load_workbook(out)
    assert book.sheetnames[0] == "Petunjuk" and len(book.sheetnames) == 2
    assert book.worksheets[1].protection.sheet


def test_a_template_for_every_unit_is_refused(plan, tmp_path, capsys):
    assert main(["export-xlsx", str(plan), "--template", "risiko", "--unit", "SEMUA", "-o", str(tmp_path / "x.xlsx")]) == 1
    assert "satu satker" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_dry_run_then_import(plan, tmp_path, capsys):
    book = tmp_path / "lobar.xlsx"
    assert main(["export-xlsx", str(plan), "-o", str(book), "--year", "2026"]) == 0
    edit(book, book, {("Realisasi", "E2"): "3,4"})
    before = sha(plan)
    capsys.readouterr()
    assert main(["import-xlsx", str(plan), str(book), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 baris akan diubah" in out and "Realisasi: 3,1 → 3,4" in out and sha(plan) == before
    assert main(["import-xlsx", str(plan), str(book), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["changed"] == 1 and data["rows"][0]["fields"] == [
        {"field": "Realisasi", "old": 3.1, "new": 3.4}]
    assert main(["dump", str(plan)]) == 0
    dumped = json.loads(capsys.readouterr().out)
    assert any(r["value"] == 3.4 and r["period"] == "2026-01" for r in dumped["tables"]["realisation"])


def test_problems_one_line_each_and_nothing_written(plan, tmp_path, capsys):
    book = tmp_path / "lobar.xlsx"
    assert main(["export-xlsx", str(plan), "-o", str(book)]) == 0
    edit(book, book, {("Realisasi", "E2"): "3.2.1", ("Realisasi", "D3"): "2026-13"})
    before = sha(plan)
    capsys.readouterr()
    assert main(["import-xlsx", str(plan), str(book)]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert "2 masalah" in lines[0] and "Traceback" not in err
    assert lines[1].startswith("Lembar “Realisasi”, baris 2, kolom E: “3.2.1” bukan angka")
    assert lines[2].startswith("Lembar “Realisasi”, baris 3, kolom D: Periode “2026-13” tidak dikenal")
    assert sha(plan) == before
    assert main(["import-xlsx", str(plan), str(book), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert [(p["sheet"], p["row"], p["column"]) for p in problems] == [("Realisasi", 2, "E"), ("Realisasi", 3, "D")]


def test_an_xls_file(plan, tmp_path, capsys):
    old = tmp_path / "lama.xls"
    old.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 100)
    assert main(["import-xlsx", str(plan), str(old)]) == 1
    err = capsys.readouterr().err
    assert "(.xls)" in err and len(err.strip().splitlines()) == 1
