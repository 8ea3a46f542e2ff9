"""export-xlsx: the workbook read back with openpyxl holds the plan's figures; the computed columns
are formulas, whose results LibreOffice computes as the core does (test_excel_import.py)."""
from openpyxl import load_workbook

from renstra_desktop.cli import main
from renstra_desktop.core import queries


def test_export_kanwil_workbook(kanwil_service, kanwil_path, tmp_path, capsys):
    kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.1",
                                          "period": "2026", "value": "95", "evidence": "LKjIP 2026"})
    out = tmp_path / "rencana.xlsx"
    assert main(["export-xlsx", str(kanwil_path), "-o", str(out), "--year", "2026"]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Petunjuk", "Indikator", "Realisasi", "Risiko", "Roadmap", "Pendanaan"]
    header = [c.value for c in book["Indikator"][1]]
    ind = {r[2]: dict(zip(header, r)) for r in book["Indikator"].iter_rows(min_row=2, values_only=True)}
    assert [ind["IKK 17.1"][f"Target {y}"] for y in range(2025, 2030)] == [3.2, 3.4, 3.6, 3.8, 4.0]
    assert ind["IKK 19.1"]["Realisasi 2026"] == 95.0 and ind["IKK 19.1"]["Capaian 2026 (%)"].startswith("=IF(")
    assert ind["IKK 19.1"]["Predikat 2026"].startswith("=IF(") and ind["IKK 19.1"]["Data dukung 2026"] == "2026: LKjIP 2026"
    assert ind["IKK 19.1"]["Polaritas"] == "makin tinggi makin baik"
    sheet = book["Pendanaan"]
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref == f"A1:S{sheet.max_row - 1}"
    assert sheet.cell(sheet.max_row, 1).value == "Jumlah" and sheet.cell(sheet.max_row, 5).value.startswith("=IF(")
    assert ind["IKK 19.1"]["Satker"] == "Kantor Wilayah" and ind["IKK 19.1"]["Kode satker"] == "KANWIL"
    header = [c.value for c in book["Pendanaan"][1]]
    funding = {r[2]: dict(zip(header, r)) for r in book["Pendanaan"].iter_rows(min_row=2, values_only=True)}
    assert funding["SK 17"]["Alokasi 2025"] == 746.71 and funding["SK 17"]["Total Alokasi"] == "=IF(COUNT(E3:I3)=0,\"\",SUM(E3:I3))"
    assert book["Risiko"].max_row - 1 == 36 and book["Risiko"].column_dimensions["T"].hidden     # the row ids
    assert book["Risiko"].column_dimensions["U"].hidden and book["Risiko"]["U1"].value == "Versi"    # their versions
    assert book["Roadmap"].max_row - 1 == 90
    assert list(tmp_path.glob("*.tmp")) == []


def test_range_target_cause_control_and_absorption_are_kept(kanwil_store, kanwil_service, kanwil_path, tmp_path):
    target = kanwil_store.conn.execute("SELECT id FROM indicator_target WHERE unit_code = 'KANWIL' AND "
                                       "indicator_code = 'IKK 19.1' AND year = 2026").fetchone()[0]
    kanwil_service.update("indicator_target", target, {"value": "80", "upper": "90"})
    kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.1", "period": "2026-S1",
                                          "value": "95"})
    risk = queries.risk_rows(kanwil_store.conn, "KANWIL")[0]
    kanwil_service.update("risk", risk["id"], {"cause": "Data ganda", "current_control": "Validasi bulanan"})
    line = next(f for f in queries.funding_rows(kanwil_store.conn, "KANWIL") if f["line_code"] == "SK 17")
    kanwil_service.update("funding", line["ids"][2025], {"realised": "700"})
    out = tmp_path / "rencana.xlsx"
    assert main(["export-xlsx", str(kanwil_path), "-o", str(out), "--year", "2026"]) == 0
    book = load_workbook(out)
    header = [c.value for c in book["Indikator"][1]]
    ind = {r[2]: dict(zip(header, r)) for r in book["Indikator"].iter_rows(min_row=2, values_only=True)}
    row = ind["IKK 19.1"]
    assert (row["Target 2026"], row["Batas atas 2026"], row["Batas atas 2025"]) == (80.0, 90.0, None)
    header = [c.value for c in book["Risiko"][1]]
    first = dict(zip(header, next(book["Risiko"].iter_rows(min_row=2, values_only=True))))
    assert (first["Penyebab"], first["Pengendalian yang ada"]) == ("Data ganda", "Validasi bulanan")
    header = [c.value for c in book["Pendanaan"][1]]
    funding = {r[2]: dict(zip(header, r)) for r in book["Pendanaan"].iter_rows(min_row=2, values_only=True)}
    assert funding["SK 17"]["Realisasi 2025"] == 700.0
    assert "SUMPRODUCT" in funding["SK 17"]["Serapan (%)"]        # over the years spent, as a formula


def test_export_refuses_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "x.renstra"
    bad.write_text("bukan")
    assert main(["export-xlsx", str(bad), "-o", str(tmp_path / "o.xlsx")]) == 1
    assert "bukan berkas Renstra Desktop" in capsys.readouterr().err
    assert not (tmp_path / "o.xlsx").exists()
