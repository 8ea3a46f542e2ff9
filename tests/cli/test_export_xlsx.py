"""export-xlsx: the workbook read back with openpyxl holds the plan's figures."""
from openpyxl import load_workbook

from renstra_desktop.cli import main


def test_export_kanwil_workbook(kanwil_service, kanwil_path, tmp_path, capsys):
    kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.1",
                                          "period": "2026", "value": "95", "evidence": "LKjIP 2026"})
    out = tmp_path / "rencana.xlsx"
    assert main(["export-xlsx", str(kanwil_path), "-o", str(out), "--year", "2026"]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Indikator", "Realisasi", "Risiko", "Roadmap", "Pendanaan"]
    ind = {r[1]: r for r in book["Indikator"].iter_rows(min_row=2, values_only=True)}
    assert ind["IKK 17.1"][4:9] == (3.2, 3.4, 3.6, 3.8, 4.0)
    assert ind["IKK 19.1"][9] == 95.0 and ind["IKK 19.1"][10] == 95.0 and ind["IKK 19.1"][11] == "Cukup"
    funding = {r[1]: r for r in book["Pendanaan"].iter_rows(min_row=2, values_only=True)}
    assert funding["SK 17"][8] == 4126.05 and funding["IKK 19.1"][8] == 66422.74
    assert book["Risiko"].max_row - 1 == 36
    assert book["Roadmap"].max_row - 1 == 90
    assert list(tmp_path.glob("*.tmp")) == []


def test_export_refuses_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "x.renstra"
    bad.write_text("bukan")
    assert main(["export-xlsx", str(bad), "-o", str(tmp_path / "o.xlsx")]) == 1
    assert "bukan berkas Renstra Desktop" in capsys.readouterr().err
    assert not (tmp_path / "o.xlsx").exists()
