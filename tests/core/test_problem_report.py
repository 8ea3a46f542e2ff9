"""The problem report ZIP: logs, versions and the plan's info; the plan's data only when asked."""
from __future__ import annotations

import json
import zipfile

import pytest

from renstra_desktop import __version__, logs
from renstra_desktop.core.errors import FileError
from renstra_desktop.core.problem_report import write_problem_report


@pytest.fixture
def log_folder(tmp_path):
    folder = tmp_path / "log"
    logs.setup_logging(folder)
    try:
        raise ValueError("contoh kesalahan")
    except ValueError:
        logs.log_exception("saat mencetak")
    logs.close_logging()
    return folder


def test_report_holds_logs_versions_and_info_without_data(tmp_path, kanwil_path, log_folder):
    path = write_problem_report(tmp_path / "laporan.zip", plan_path=kanwil_path, logs=log_folder)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert {"README.txt", "versions.json", "info.json", "log/renstra-desktop.log"} == names
        versions = json.loads(archive.read("versions.json"))
        info = json.loads(archive.read("info.json"))
        log = archive.read("log/renstra-desktop.log").decode("utf-8")
    assert versions["renstra_desktop"] == __version__
    assert versions["libraries"]["reportlab"]
    assert info["installation_unit"] == "KANWIL" and info["row_counts"]["indicator_target"] > 0
    assert "ValueError: contoh kesalahan" in log
    # no data value: a risk of the register, in the plan, is not in the report
    everything = b"".join(zipfile.ZipFile(path).read(n) for n in names).decode("utf-8")
    assert "LPS-LOBAR" in everything                                  # the unit directory is info
    assert "Tidak akuratnya pencatatan BMN" not in everything


def test_report_with_data_holds_the_whole_plan(tmp_path, kanwil_path, log_folder):
    path = write_problem_report(tmp_path / "laporan.zip", plan_path=kanwil_path, include_data=True, logs=log_folder)
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("plan.json"))
    assert data["tables"]["indicator_target"]
    assert any(r["risk"].startswith("Tidak akuratnya pencatatan BMN") for r in data["tables"]["risk"])


def test_no_key_ever_goes_in(tmp_path, kanwil_path, log_folder):
    from renstra_desktop.core.packages.keys import installation_key

    installation_key(kanwil_path)               # the key beside the plan
    path = write_problem_report(tmp_path / "laporan.zip", plan_path=kanwil_path, include_data=True, logs=log_folder)
    everything = b"".join(zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist())
    assert b"PRIVATE KEY" not in everything


def test_a_plan_that_does_not_open_is_described_not_fatal(tmp_path, log_folder):
    broken = tmp_path / "rusak.renstra"
    broken.write_bytes(b"bukan basis data" * 100)
    path = write_problem_report(tmp_path / "laporan.zip", plan_path=broken, logs=log_folder)
    info = json.loads(zipfile.ZipFile(path).read("info.json"))
    assert info["file"] == str(broken) and info["error"]


def test_unwritable_target_is_one_indonesian_line_and_leaves_nothing(tmp_path, log_folder):
    with pytest.raises(FileError) as caught:
        write_problem_report(tmp_path / "tidak-ada" / "laporan.zip", logs=log_folder)
    assert "tidak dapat ditulis" in caught.value.message
    assert not (tmp_path / "tidak-ada").exists()
    with pytest.raises(FileError):
        write_problem_report(tmp_path, logs=log_folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log"]


def test_cli_problem_report(tmp_path, kanwil_path, monkeypatch, capsys):
    from renstra_desktop import cli

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    target = tmp_path / "laporan masalah ñ.zip"
    assert cli.main(["problem-report", "--db", str(kanwil_path), "-o", str(target)]) == 0
    assert "tanpa isi data" in capsys.readouterr().out
    assert "plan.json" not in zipfile.ZipFile(target).namelist()
    target.unlink()
    assert cli.main(["problem-report", "--db", str(kanwil_path), "-o", str(target), "--with-data"]) == 0
    assert "plan.json" in zipfile.ZipFile(target).namelist()
