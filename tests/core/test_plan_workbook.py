"""The rencana template: written blank and as the NTB example, read back; every kind of bad
workbook refused with its sheet, row and column, and nothing created."""
from __future__ import annotations

import sqlite3

import pytest
from openpyxl import load_workbook

from renstra_desktop.cli import main
from renstra_desktop.core.dataset import read_embedded
from renstra_desktop.core.errors import FileError, ValidationError
from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.plan_workbook import SHEET_ORDER, read_plan_workbook
from tests.second_office import ROWS, make_workbook


def test_blank_template_and_the_ntb_example(tmp_path, capsys):
    out = tmp_path / "templat.xlsx"
    assert main(["export-xlsx", "--template", "rencana", "-o", str(out)]) == 0
    assert load_workbook(out).sheetnames == list(SHEET_ORDER)
    assert [c.value for c in load_workbook(out)["Indikator"][1]][:7] == [
        "Kode", "Sasaran", "Nama", "Satuan", "Polaritas", "Rekap periode", "Target tahun 1"]
    with pytest.raises(ValidationError, match="Lembar Kantor, baris 4, kolom B \\(Nama kantor"):
        read_plan_workbook(out)                   # blank: nothing to make a plan from
    draft = read_plan_workbook(tmp_path / "templat-contoh.xlsx")
    embedded = read_embedded()
    for key in ("units", "programs", "objectives", "indicators", "risks", "roadmap_items", "funding"):
        assert draft.data[key] == embedded[key], key
    kanwil = [t for t in draft.data["indicator_targets"]]
    assert kanwil == embedded["indicator_targets"]
    assert draft.span == [2025, 2029] and draft.office["place"] == "Mataram"


def _content(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_example_makes_the_embedded_plan(tmp_path):
    """The NTB example read back gives the same plan rows as the embedded dataset."""
    main(["export-xlsx", "--template", "rencana", "-o", str(tmp_path / "t.xlsx")])
    from renstra_desktop.core.newplan import create_plan
    create_plan(tmp_path / "a.renstra", read_plan_workbook(tmp_path / "t-contoh.xlsx")).close()
    create_plan_file(tmp_path / "b.renstra").close()
    for table, cols in (("unit", "code, name, unit_type, address, staff_count"),
                        ("indicator_target", "unit_code, indicator_code, year, value"),
                        ("risk", "unit_code, seq, risk, treatments, success_indicators, responsible"),
                        ("roadmap_item", "aspect, year, seq, text, status"),
                        ("funding", "line_code, year, allocation, executing_unit")):
        sql = f"SELECT id, {cols} FROM {table} ORDER BY id"
        assert _content(tmp_path / "a.renstra", sql) == _content(tmp_path / "b.renstra", sql), table


def _bad(folder, change=None, **kw):
    book = make_workbook(folder, **kw)
    if change:
        wb = load_workbook(book)
        change(wb)
        wb.save(book)
    return book


def _rows(**replace):
    return {**ROWS, **replace}


def _indicator(**cells):
    row = list(ROWS["Indikator"][0])
    for i, v in cells.items():
        row[int(i[1:])] = v
    return _rows(Indikator=[row, *ROWS["Indikator"][1:]])


CASES = {
    "missing sheet": (dict(change=lambda wb: wb.remove(wb["Roadmap"])), "Lembar “Roadmap” tidak ada"),
    "renamed header": (dict(change=lambda wb: setattr(wb["Indikator"]["C1"], "value", "Nama indikator")),
                       "Lembar Indikator, baris 1, kolom C: judul “Nama indikator” seharusnya “Nama”"),
    "malformed number": (dict(rows=_indicator(c6="3.2.1")), "Lembar Indikator, baris 2, kolom G (Target tahun 1)"),
    "formula": (dict(rows=_indicator(c7="=A1*2")), "Lembar Indikator, baris 2, kolom H (Target tahun 2): berisi rumus"),
    "year outside": (dict(rows=_rows(Roadmap=[[None, "Pembinaan", 2029, "x", "rencana"]])),
                     "Lembar Roadmap, baris 2, kolom C (Tahun): tahun “2029” di luar Renstra 2030–2034"),
    "unknown unit": (dict(rows=_rows(Risiko=[["LPS-LOBAR", *ROWS["Risiko"][0][1:]]])),
                     "Lembar Risiko, baris 2, kolom A (Satker): satker “LPS-LOBAR” tidak ada di lembar Satker"),
    "unknown sasaran": (dict(rows=_indicator(c1="SK 9")), "sasaran “SK 9” tidak ada di lembar Sasaran"),
    "bad polarity": (dict(rows=_indicator(c4="tinggi")), "Lembar Indikator, baris 2, kolom E (Polaritas)"),
    "score": (dict(rows=_rows(Risiko=[[*ROWS["Risiko"][0][:9], 7, 4, 3, 2]])), "harus 1 sampai 5"),
    "span": (dict(kantor={"Tahun terakhir Renstra": 2036}), "lima tahun berurutan"),
    "no kanwil": (dict(rows=_rows(Satker=ROWS["Satker"][1:])), "tepat satu satker berjenis kanwil"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_workbooks_are_refused_cell_by_cell(tmp_path, capsys, case):
    kw, expected = CASES[case]
    book = _bad(tmp_path, **kw)
    target = tmp_path / "baru.renstra"
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["init", str(target), "--from", str(book)]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before     # nothing written


def test_not_a_workbook(tmp_path, capsys):
    for name, data in (("kosong.xlsx", b""), ("teks.xlsx", b"bukan buku kerja"), ("rusak.xlsx", b"PK\x03\x04rusak")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(FileError, match="bukan buku kerja Excel|tidak dapat dibaca"):
            read_plan_workbook(tmp_path / name)
    assert main(["init", str(tmp_path / "x.renstra"), "--from", str(tmp_path / "teks.xlsx")]) == 1
    assert "bukan buku kerja Excel" in capsys.readouterr().err and not (tmp_path / "x.renstra").exists()
    assert main(["init", str(tmp_path / "x.renstra"), "--from", str(tmp_path / "plan.csv")]) == 1
    assert ".xlsx" in capsys.readouterr().err


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice not installed")
def test_a_workbook_saved_by_libreoffice_reads_the_same(tmp_path):
    import subprocess

    book = make_workbook(tmp_path)
    (tmp_path / "lo").mkdir()
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(book)],
                   check=True, capture_output=True, timeout=180)
    ours, theirs = read_plan_workbook(book), read_plan_workbook(tmp_path / "lo" / book.name)
    assert (theirs.office, theirs.span, theirs.time_zone) == (ours.office, ours.span, ours.time_zone)
    assert theirs.data == ours.data
