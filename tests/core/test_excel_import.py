"""Excel both ways (issue 12 section 1), core: export -> edit -> import -> the dump shows exactly the
edits; a workbook saved by LibreOffice imports the same; every kind of bad workbook is refused with
its sheet, row and column, and the plan file is left byte for byte."""
import shutil
import zipfile

import pytest
from excel_fixtures import (SOFFICE, _lobar_template, content, differences, edit, header_col,  # noqa: F401
                            libreoffice_copy, lobar_path)
from openpyxl import Workbook, load_workbook
from package_fixtures import UPT, sha
from period_fixtures import record_event

from renstra_desktop.core.errors import RenstraError
from renstra_desktop.core.excel import workbook_reader
from renstra_desktop.core.excel.export import export_workbook
from renstra_desktop.core.excel.importer import import_workbook
from renstra_desktop.core.excel.template import export_template
from renstra_desktop.core.rows import stable_id
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store


@pytest.fixture
def unit(lobar_path):
    store = Store.open(lobar_path)
    yield store
    store.close()


@pytest.fixture
def exported(unit, tmp_path):
    return export_workbook(unit.conn, tmp_path / "lobar.xlsx", UPT, 2026)


def _import(store, book, **kw):
    return import_workbook(PlanService(store, "admin"), book, **kw)


def _refused(store, book, *words):
    """The import of ``book`` is refused naming ``words``, and the plan file does not change."""
    before, backups = sha(store.path), set(store.path.parent.glob("*.cadangan-*"))
    with pytest.raises(RenstraError) as info:
        _import(store, book)
    for word in words:
        assert word in info.value.message, info.value.message
    assert sha(store.path) == before
    assert set(store.path.parent.glob("*.cadangan-*")) == backups      # refused before the backup
    return info.value.message


EDITS = {("Realisasi", "E2"): "3,35", ("Realisasi", "F3"): "Notulen rapat evaluasi",
         ("Risiko", "H2"): "Validasi bulanan", ("Risiko", "I2"): "Satu\nDua",
         ("Risiko", "L2"): 4, ("Roadmap", "G2"): "berjalan"}


def _expected_edits(store) -> set:
    risk = store.conn.execute("SELECT id FROM risk WHERE unit_code = ? AND deleted = 0 ORDER BY "
                              "CASE program_code WHEN 'PPH' THEN 0 ELSE 1 END, seq", (UPT,)).fetchone()[0]
    roadmap = __import__("renstra_desktop.core.queries", fromlist=["x"]).roadmap_rows(store.conn, UPT)[0]["id"]
    return {("realisation", stable_id("realisation", UPT, "IKK 17.1", "2026-01"), "value", "3.35"),
            ("realisation", stable_id("realisation", UPT, "IKK 17.1", "2026-02"), "evidence", "Notulen rapat evaluasi"),
            ("risk", risk, "current_control", "Validasi bulanan"), ("risk", risk, "treatments", "['Satu', 'Dua']"),
            ("risk", risk, "inherent_likelihood", "4"), ("roadmap_item", roadmap, "status", "berjalan")}


def test_round_trip_shows_exactly_the_edits(unit, exported, tmp_path):
    assert _import(unit, exported, dry_run=True).planned == []           # the export reads back unchanged
    book = edit(exported, tmp_path / "diedit.xlsx", EDITS)
    before = content(unit)
    dry = _import(unit, book, dry_run=True)
    assert (dry.added, dry.changed) == (0, 4) and content(unit) == before
    assert any("Realisasi: 3,1 → 3,35" in line for line in dry.lines()), dry.lines()
    report = _import(unit, book)
    assert differences(before, content(unit)) == _expected_edits(unit)
    assert report.changes.tables == {"realisation", "risk", "roadmap_item"}
    audit = unit.conn.execute("SELECT DISTINCT origin FROM audit_log WHERE field = 'current_control'").fetchall()
    assert [tuple(r) for r in audit] == [("import",)]
    assert list(tmp_path.glob("lobar.renstra.cadangan-muat-*"))          # a backup before the write
    assert _import(unit, book, dry_run=True).planned == []               # again: nothing left to do


def test_added_rows_and_a_plain_table(unit, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Realisasi"                       # a plain table: same headers, no ID, no names column
    sheet.append(["Kode satker", "IKK", "Periode", "Realisasi", "Data dukung"])
    sheet.append([UPT, "IKK 19.1", "2026-TW1", 81.5, "Laporan TW I"])
    sheet.append([UPT, "IKK 17.1", "2026-01", "3,1", "Laporan bulan 1"])   # equal to the file
    book.save(tmp_path / "polos.xlsx")
    before = content(unit)
    report = _import(unit, tmp_path / "polos.xlsx")
    assert (report.added, report.changed, report.unchanged) == (1, 0, 1)
    row_id = stable_id("realisation", UPT, "IKK 19.1", "2026-TW1")
    [new] = [d for d in differences(before, content(unit))]
    assert new[:3] == ("realisation", row_id, "new")
    assert dict(new[3])["value"] == "81.5" and dict(new[3])["evidence"] == "Laporan TW I"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: packaging/bootstrap.sh adds it")
def test_a_workbook_saved_by_libreoffice_imports_the_same(unit, exported, tmp_path):
    book = edit(exported, tmp_path / "diedit.xlsx", EDITS)
    saved = libreoffice_copy(book, tmp_path / "lo")
    copy = tmp_path / "salinan.renstra"
    shutil.copy(unit.path, copy)
    _import(unit, book)
    with Store.open(copy) as other:
        _import(other, saved)
        assert content(other) == content(unit)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: packaging/bootstrap.sh adds it")
def test_the_capaian_formula_computes_what_the_core_computes(kanwil_store, kanwil_service, tmp_path):
    from renstra_desktop.core import queries

    conn = kanwil_store.conn
    tid = lambda unit, ikk: conn.execute("SELECT id FROM indicator_target WHERE unit_code = ? AND indicator_code = ? "  # noqa
                                         "AND year = 2026", (unit, ikk)).fetchone()[0]
    kanwil_service.update("indicator_target", tid("KANWIL", "IKK 19.1"), {"value": "80", "upper": "90"})
    for period, ikk, value in (("2026", "IKK 19.1", "95"), ("2026", "IKK 17.1", "3,1"), ("2026", "IKK 19.2", "85")):
        kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": ikk, "period": period,
                                              "value": value})
    ind = conn.execute("SELECT id FROM indicator WHERE code = 'IKK 19.2'").fetchone()[0]
    kanwil_service.update("indicator", ind, {"polarity": "lower"})
    book = export_workbook(conn, tmp_path / "kanwil.xlsx", "KANWIL", 2026)
    computed = load_workbook(libreoffice_copy(book, tmp_path / "lo"), data_only=True)["Indikator"]
    header = [c.value for c in computed[1]]
    got = {r[2]: (r[header.index("Capaian 2026 (%)")], r[header.index("Predikat 2026")])
           for r in computed.iter_rows(min_row=2, values_only=True)}
    want = {r["indicator_code"]: (r["achievement"], r["grade"]) for r in queries.indicator_rows(conn, "KANWIL", 2026)}
    assert set(got) == set(want)
    for code, (cap, grade) in want.items():
        assert round(got[code][0], 6) == round(cap, 6) and got[code][1] == grade, code
    assert round(want["IKK 19.1"][0], 2) == 105.56 and want["IKK 19.2"][0] is not None


def test_a_template_is_locked_validated_and_reads_back(unit, tmp_path):
    out = export_template(unit.conn, tmp_path / "templat.xlsx", "realisasi", UPT, 2026)
    book = load_workbook(out)
    sheet = book["Realisasi"]
    header = [c.value for c in sheet[1]]
    assert sheet.protection.sheet and not sheet.protection.password
    assert sheet.column_dimensions[header_col(out, "Realisasi", "ID")].hidden
    rows = {(r[2], r[3]): i for i, r in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2)}
    n = rows[("IKK 19.1", "2026-TW3")]
    col = {h: i for i, h in enumerate(header, start=1)}
    assert sheet.cell(n, col["Periode"]).protection.locked and sheet.cell(n, col["IKK"]).protection.locked
    assert not sheet.cell(n, col["Realisasi"]).protection.locked
    kinds = {(v.type, v.formula1) for v in sheet.data_validations.dataValidation}
    assert ("decimal", "0") in kinds and any(t == "list" and "2026-TW3" in f for t, f in kinds)
    sheet.cell(n, col["Realisasi"]).value = 88
    book.save(tmp_path / "terisi.xlsx")
    report = _import(unit, tmp_path / "terisi.xlsx")
    assert (report.added, report.changed) == (1, 0)
    assert unit.conn.execute("SELECT value FROM realisation WHERE id = ?",
                             (stable_id("realisation", UPT, "IKK 19.1", "2026-TW3"),)).fetchone()[0] == 88


@pytest.mark.parametrize("kind", ["risiko", "roadmap", "pendanaan"])
def test_every_template_reads_back_unchanged(unit, tmp_path, kind):
    out = export_template(unit.conn, tmp_path / f"{kind}.xlsx", kind, UPT, 2026)
    report = _import(unit, out, dry_run=True)
    assert report.planned == [] and report.unchanged > 0


# -- every kind of bad workbook ---------------------------------------------------------------------
def test_wrong_sheet(unit, exported, tmp_path):
    book = load_workbook(exported)
    book["Realisasi"].title = "Data"
    book.save(tmp_path / "x.xlsx")
    _refused(unit, tmp_path / "x.xlsx", "Lembar “Data”", "tidak dikenal")


def test_a_workbook_with_none_of_the_sheets(unit, tmp_path):
    Workbook().save(tmp_path / "kosong.xlsx")
    _refused(unit, tmp_path / "kosong.xlsx", "tidak memuat lembar")


def test_a_header_renamed(unit, exported, tmp_path):
    edit(exported, tmp_path / "x.xlsx", {("Realisasi", "E1"): "Nilai"})
    message = _refused(unit, tmp_path / "x.xlsx", "Lembar “Realisasi”, baris 1, kolom E: judul kolom “Nilai”",
                       "kolom “Realisasi” tidak ada")
    assert "2 masalah" in message


def test_a_number_typed_as_3_2_1(unit, exported, tmp_path):
    edit(exported, tmp_path / "x.xlsx", {("Realisasi", "E2"): "3.2.1", ("Realisasi", "E3"): "1.234"})
    _refused(unit, tmp_path / "x.xlsx", "Lembar “Realisasi”, baris 2, kolom E: “3.2.1” bukan angka",
             "baris 3, kolom E: “1.234” ambigu")


def test_a_period_that_does_not_exist(unit, exported, tmp_path):
    edit(exported, tmp_path / "x.xlsx", {("Realisasi", "D2"): "2026-TW5", ("Realisasi", "D3"): 2031,
                                         ("Realisasi", "C4"): "IKK 99.9"})
    _refused(unit, tmp_path / "x.xlsx", "baris 2, kolom D: Periode “2026-TW5” tidak dikenal",
             "baris 3, kolom D: Periode “2031”", "baris 4, kolom C: IKK “IKK 99.9” tidak ada")


def test_another_units_rows(unit, exported, tmp_path):
    edit(exported, tmp_path / "x.xlsx", {("Realisasi", "B2"): "RTN-BIMA"})
    _refused(unit, tmp_path / "x.xlsx", "baris 2, kolom B", "data satker RTN-BIMA tidak dapat diisi")


def test_a_locked_period(unit, exported, tmp_path):
    record_event(unit, UPT, "2026", "disahkan", actor="kanwil")      # the approval as a unit receives it
    edit(exported, tmp_path / "x.xlsx", {("Realisasi", "E2"): 9})
    _refused(unit, tmp_path / "x.xlsx", "baris 2, kolom D: Periode 2026 satker LPS-LOBAR sudah disahkan dan dikunci")


def test_a_formula_where_a_value_is_expected(unit, exported, tmp_path):
    edit(exported, tmp_path / "x.xlsx", {("Realisasi", "E2"): "=1+2", ("Risiko", "L2"): "=2*2"})
    _refused(unit, tmp_path / "x.xlsx", "baris 2, kolom E: berisi rumus (=1+2)", "Lembar “Risiko”, baris 2, kolom L")


def test_one_bad_cell_writes_nothing_of_the_good_ones(unit, exported, tmp_path):
    edit(exported, tmp_path / "x.xlsx", {**EDITS, ("Roadmap", "G3"): "mungkin"})
    _refused(unit, tmp_path / "x.xlsx", "1 masalah", "Lembar “Roadmap”, baris 3, kolom G", "Pilihan: rencana")


def test_a_tampered_id_and_a_duplicate_row(unit, exported, tmp_path):
    col = header_col(exported, "Risiko", "ID")
    book = load_workbook(exported)
    book["Risiko"][f"{col}2"] = "00000000-0000-0000-0000-000000000000"
    sheet = book["Realisasi"]
    sheet.append([c.value for c in sheet[2]])
    book.save(tmp_path / "x.xlsx")
    _refused(unit, tmp_path / "x.xlsx", f"Lembar “Risiko”, baris 2, kolom {col}: ID baris ini tidak ada",
             "baris yang sama dengan baris 2")


@pytest.mark.parametrize("kind, data, words", [
    ("teks", b"Satker;IKK\nLPS-LOBAR;IKK 17.1\n", "bukan buku kerja Excel"),
    ("pdf", b"%PDF-1.7\n...", "adalah PDF"),
    ("kosong", b"", "kosong"),
    ("xls", workbook_reader.OLE_MAGIC + b"\0" * 512, "Excel 97-2003 (.xls)"),
    ("terpotong", None, "rusak atau terpotong"),
    ("zip", "zip", "bukan buku kerja Excel"),
])
def test_a_file_that_is_not_a_workbook(unit, exported, tmp_path, kind, data, words):
    bad = tmp_path / f"{kind}.xlsx"
    if data is None:
        bad.write_bytes(exported.read_bytes()[:2000])
    elif data == "zip":
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("isi.txt", "bukan excel")
    else:
        bad.write_bytes(data)
    _refused(unit, bad, words)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(unit, exported, tmp_path, monkeypatch):
    bomb = tmp_path / "bom.xlsx"
    shutil.copy(exported, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/nol.bin", b"\0" * (8 * 2 ** 20))        # 8 MB of zeros, ~8 KB packed
    assert bomb.stat().st_size < exported.stat().st_size + 64 * 1024
    monkeypatch.setattr(workbook_reader, "MAX_UNPACKED_BYTES", 4 * 2 ** 20)
    _refused(unit, bomb, "terurai menjadi 8 MB")


def test_a_huge_sheet_is_read_only_up_to_the_bound(unit, tmp_path):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Realisasi")
    sheet.append(["Kode satker", "IKK", "Periode", "Realisasi", "Data dukung"])
    for _ in range(workbook_reader.MAX_ROWS + 5):
        sheet.append([UPT, "IKK 17.1", "2026-01", 3.1, None])
    book.save(tmp_path / "besar.xlsx")
    _refused(unit, tmp_path / "besar.xlsx", f"lebih dari {workbook_reader.MAX_ROWS} baris")


def test_an_older_workbook_never_reverts_a_newer_edit(unit, exported, tmp_path):
    """Two workbooks made from the same state: the second import may not undo the first one's edit of a
    row it did not change (DESIGN principle 7), on a long sheet (Risiko) and a wide one (Pendanaan)."""
    first = edit(exported, tmp_path / "pertama.xlsx", {("Risiko", "H3"): "Apel pagi", ("Pendanaan", "L2"): 10})
    second = edit(exported, tmp_path / "kedua.xlsx", {("Risiko", "H2"): "Validasi bulanan"})
    _import(unit, first)
    before = content(unit)
    message = _refused(unit, second, "Lembar “Risiko”, baris 3: baris ini sudah diubah di berkas (versi 2)",
                       "Lembar “Pendanaan”, baris 2: baris ini sudah diubah")
    assert "tidak ditimpa" in message and content(unit) == before
    again = edit(export_workbook(unit.conn, tmp_path / "baru.xlsx", UPT, 2026), tmp_path / "baru2.xlsx",
                 {("Risiko", "H2"): "Validasi bulanan"})
    assert _import(unit, again).changed == 1                        # a fresh export takes the edit
    _refused(unit, first, "Lembar “Risiko”, baris 2: baris ini sudah diubah")   # nor may the first undo it


def test_a_plain_table_without_versions_is_not_checked_for_them(unit, tmp_path):
    """No Versi column: the dry run's old → new is the user's only guard (docs/excel.md)."""
    PlanService(unit, "admin").update("realisation", stable_id("realisation", UPT, "IKK 17.1", "2026-01"), {"value": "4"})
    book = Workbook()
    book.active.title = "Realisasi"
    book.active.append(["Kode satker", "IKK", "Periode", "Realisasi", "Data dukung"])
    book.active.append([UPT, "IKK 17.1", "2026-01", 3.5, "Laporan bulan 1"])
    book.save(tmp_path / "polos.xlsx")
    report = _import(unit, tmp_path / "polos.xlsx", dry_run=True)
    assert report.lines()[1] == "~ Realisasi baris 2: LPS-LOBAR IKK 17.1 2026-01: Realisasi: 4 → 3,5"
