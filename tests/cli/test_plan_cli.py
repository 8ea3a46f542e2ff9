"""The plan commands through renstra_desktop.cli.main, as a user types them."""
import json

from renstra_desktop import __version__
from renstra_desktop.cli import main
from renstra_desktop.core.store import latest_schema_version


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert __version__ in capsys.readouterr().out


def test_init_info_dump_load(capsys, tmp_path):
    plan = tmp_path / "kanwil.renstra"
    assert run(capsys, "init", str(plan))[0] == 0
    code, out, _ = run(capsys, "info", str(plan), "--json")
    info = json.loads(out)
    assert code == 0 and info["schema_version"] == latest_schema_version() and info["installation_unit"] == "KANWIL"
    assert len(info["units"]) == 12 and info["row_counts"]["indicator_target"] == 12 * 3 * 5   # Kanwil + cascaded cells
    code, dumped, _ = run(capsys, "dump", str(plan))
    (tmp_path / "plan.json").write_text(dumped, encoding="utf-8")
    copy = tmp_path / "salinan.renstra"
    code, out, _ = run(capsys, "load", str(copy), str(tmp_path / "plan.json"))
    assert code == 0 and "baru" in out
    assert run(capsys, "dump", str(copy))[1] == dumped


def test_init_for_a_unit(capsys, tmp_path):
    plan = tmp_path / "bima.renstra"
    assert run(capsys, "init", str(plan), "--unit", "RTN-BIMA")[0] == 0
    info = json.loads(run(capsys, "info", str(plan), "--json")[1])
    assert info["installation_unit"] == "RTN-BIMA"
    assert info["row_counts"]["performance_history"] == 0


def test_errors_are_one_indonesian_line_and_nonzero(capsys, tmp_path):
    code, _, err = run(capsys, "init", str(tmp_path / "x.renstra"), "--unit", "LAPAS-XYZ")
    assert code == 1 and "tidak dikenal" in err and err.count("\n") == 1
    bad = tmp_path / "bukan.renstra"
    bad.write_text("halo")
    code, _, err = run(capsys, "info", str(bad))
    assert code == 1 and "bukan berkas Renstra Desktop" in err
    (tmp_path / "rusak.json").write_text("{")
    code, _, err = run(capsys, "load", str(tmp_path / "y.renstra"), str(tmp_path / "rusak.json"))
    assert code == 1 and "bukan JSON" in err and not (tmp_path / "y.renstra").exists()


def test_load_dry_run(capsys, tmp_path):
    plan = tmp_path / "k.renstra"
    run(capsys, "init", str(plan))
    dumped = run(capsys, "dump", str(plan))[1]
    (tmp_path / "p.json").write_text(dumped)
    code, out, _ = run(capsys, "load", str(plan), str(tmp_path / "p.json"), "--dry-run")
    assert code == 0 and out.startswith("Uji coba") and "0 baru, 0 diubah" in out


def test_help_speaks_indonesian(capsys):
    import pytest

    with pytest.raises(SystemExit) as info:
        main(["merge", "--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    assert out.startswith("Pemakaian: renstra-desktop merge") and "opsi:" in out and "usage" not in out
    with pytest.raises(SystemExit):
        main(["bukan-perintah"])
    err = capsys.readouterr().err
    assert "Perintah" in err and "bukan-perintah" in err and "tidak dikenal" in err and "--help" in err
