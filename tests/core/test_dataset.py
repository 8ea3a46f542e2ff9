"""Faithfulness of the embedded dataset to the Renstra document (shared/seed).

Values are checked against what the document prints; where the seed text is present, tables
are also re-read from it independently and compared cell by cell.
"""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from renstra_desktop.core import dataset
from renstra_desktop.core.errors import ValidationError
from renstra_desktop.core.numbers import parse_number

ROOT = Path(__file__).resolve().parents[2]
SEED = Path(__file__).resolve().parents[3] / "shared/seed/000_4bf50f6ed24d1dc3.txt"
YEARS = [2025, 2026, 2027, 2028, 2029]
METADATA = {"id", "owner_unit", "created_at", "updated_at", "updated_by", "row_version",
            "base_version", "deleted", "origin"}
TABLE_OF_KEY = {
    "units": "unit", "programs": "program", "objectives": "objective", "indicators": "indicator",
    "indicator_targets": "indicator_target", "performance_history": "performance_history",
    "budget_history": "budget_history", "risks": "risk", "roadmap_items": "roadmap_item",
    "funding": "funding",
}
ASPECTS = [
    "Sarana dan Prasarana", "Barang Milik Negara (BMN) dan Perangkat Operasional", "Kerjasama",
    "Kelembagaan", "Sumber Daya Manusia", "Tata Laksana",
]


@pytest.fixture(scope="module")
def plan():
    return dataset.read_embedded()


@pytest.fixture(scope="module")
def source():
    return dataset.load_source()


@pytest.fixture(scope="module")
def seed_lines():
    if not SEED.exists():
        pytest.skip("seed document not present")
    return SEED.read_text(encoding="utf-8").split("\n")


def flat(text: str) -> str:
    return " ".join(text.split())


def occurs(text: str, hay: str) -> bool:
    """text occurs in hay, or (a cell spilled over lines) both halves of one split do."""
    text = flat(text)
    if text in hay:
        return True
    words = text.split(" ")
    return any(" ".join(words[:i]) in hay and " ".join(words[i:]) in hay
               for i in range(1, len(words)))


def region(lines: list[str], start: str, end: str) -> list[str]:
    """Lines from the line equal to ``start`` up to the first line starting with ``end``."""
    i = lines.index(start)
    j = next(k for k in range(i + 1, len(lines)) if lines[k].startswith(end))
    return lines[i:j]


def history(plan, table_ref, seq, year, measure):
    (row,) = [r for r in plan["performance_history"] if r["table_ref"] == table_ref
              and r["seq"] == seq and r["year"] == year and r["measure"] == measure]
    return row


def seq_of(plan, indicator_name):
    return next(r["seq"] for r in plan["performance_history"]
                if r["table_ref"] == "1.2" and r["indicator_name"] == indicator_name)


def budget(plan, table_ref, line, year):
    (row,) = [r for r in plan["budget_history"]
              if r["table_ref"] == table_ref and r["line"] == line and r["year"] == year]
    return row


# --- shape ---------------------------------------------------------------------------------

def test_rows_have_exactly_the_schema_columns(plan):
    sql = (ROOT / "db/0001_initial.sql").read_text(encoding="utf-8")
    for key, table in TABLE_OF_KEY.items():
        body = re.search(rf"CREATE TABLE {table} \((.*?)\n\);", sql, re.S).group(1)
        columns = set(re.findall(r"\b([a-z_]+) (?:TEXT|INTEGER|REAL)\b", body)) - METADATA
        assert plan[key], key
        for row in plan[key]:
            assert set(row) == columns, (key, set(row) ^ columns)


def test_row_counts(plan):
    counts = {k: len(v) for k, v in plan.items() if k != "document"}
    assert counts == {
        "units": 12, "programs": 2, "objectives": 2, "indicators": 3, "indicator_targets": 15,
        "performance_history": 30 * 4 * 3 + 3 * 3, "budget_history": 10 + 20 + 15 + 15,
        "risks": 36, "roadmap_items": 90, "funding": 10,
    }


def test_core_dataset_imports_no_qt():
    code = ("import sys, renstra_desktop.core.dataset as d; d.read_embedded(); "
            "assert 'PySide6' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# --- Tabel 1.1 -----------------------------------------------------------------------------

def test_units_table_1_1(plan):
    units = {u["code"]: u for u in plan["units"]}
    assert [u["code"] for u in plan["units"]] == [
        "KANWIL", "LPS-LOBAR", "LPS-SUMBAWA", "LPS-DOMPU", "LPS-SELONG", "LPT-LOTENG",
        "LPKA-LOTENG", "LPP-MATARAM", "BPS-MATARAM", "BPS-SUMBAWA", "RTN-PRAYA", "RTN-BIMA"]
    assert [u["seq"] for u in plan["units"]] == list(range(1, 13))
    assert units["LPS-LOBAR"]["staff_count"] == 131
    assert units["KANWIL"]["staff_count"] == 82
    assert units["LPS-DOMPU"]["staff_count"] is None          # empty cell, never 0
    assert units["KANWIL"]["unit_type"] == "kanwil"
    assert units["LPKA-LOTENG"]["unit_type"] == "lpka"
    assert units["LPT-LOTENG"]["unit_type"] == "lapas"
    assert units["LPP-MATARAM"]["unit_type"] == "lapas"
    assert Counter(u["unit_type"] for u in plan["units"]) == {
        "kanwil": 1, "lapas": 6, "lpka": 1, "bapas": 2, "rutan": 2}
    sumbawa = {c for c, u in units.items() if u["island"] == "Sumbawa"}
    assert sumbawa == {"LPS-SUMBAWA", "LPS-DOMPU", "BPS-SUMBAWA", "RTN-BIMA"}
    assert all(u["island"] == "Lombok" for c, u in units.items() if c not in sumbawa)
    assert units["LPS-SELONG"]["address"] == "Sandubaya, Kec. Selong, Kab. Lombok Timur,"


def test_units_against_seed(plan, seed_lines):
    rows = [l.split("\t") for l in region(seed_lines, "Tabel 1. 1 Alamat Kantor Satuan Kerja "
                                          "jajaran Kantor Wilayah Direktorat Jenderal "
                                          "Pemasyarakatan NTB", "Gambar 1. 4")
            if re.match(r"^\d+\t", l)]
    assert len(rows) == len(plan["units"])
    for cells, unit in zip(rows, plan["units"]):
        assert cells == [str(unit["seq"]), unit["name"], unit["address"],
                         "" if unit["staff_count"] is None else str(unit["staff_count"])]
    assert seed_lines[287] == "4\tLapas Kelas IIB Dompu\tKec. Woja, Kabupaten Dompu\t"


# --- programmes, objectives, indicators, targets (Tabel 2.1, 2.2, 3.1, 3.2, Lampiran I) --------

def test_reference_structure(plan):
    assert [(p["code"], p["name"], p["activity"]) for p in plan["programs"]] == [
        ("PPH", "Penegakan dan Pelayanan Hukum", "Penyelenggaraan Pemasyarakatan di Wilayah"),
        ("DUKMAN", "Program Dukungan Manajemen",
         "6172 Dukungan Manajemen dan Teknis Lainnya di Wilayah")]
    assert [(o["code"], o["program_code"]) for o in plan["objectives"]] == [
        ("SK 17", "PPH"), ("SK 19", "DUKMAN")]
    assert plan["objectives"][1]["name"] == (
        "Meningkatnya pelaksanaan reformasi birokrasi di lingkup kewilayahan")
    ind = {i["code"]: i for i in plan["indicators"]}
    assert [(c, i["objective_code"], i["measure"]) for c, i in ind.items()] == [
        ("IKK 17.1", "SK 17", "indeks"), ("IKK 19.1", "SK 19", "%"),
        ("IKK 19.2", "SK 19", "indeks")]
    assert {(i["polarity"], i["rollup"]) for i in ind.values()} == {("higher", "last")}
    assert ind["IKK 19.1"]["name"].startswith("Persentase ")


def test_targets_table_2_2(plan):
    def values(code):
        rows = [t for t in plan["indicator_targets"] if t["indicator_code"] == code]
        assert [t["year"] for t in rows] == YEARS
        assert all(t["unit_code"] == "KANWIL" and t["upper"] is None for t in rows)
        return [t["value"] for t in rows]

    assert values("IKK 17.1") == [3.2, 3.4, 3.6, 3.8, 4.0]
    assert values("IKK 19.1") == [100.0] * 5
    assert values("IKK 19.2") == [3.51, 3.52, 3.53, 3.54, 3.55]


def test_targets_against_seed(source, seed_lines):
    for table in ("Tabel 2.2 Sasaran Dan Target Kinerja Kantor Wilayah Ditjen Pemasyarakatan NTB",
                  "Tabel 3.2 Target Kinerja Kantor Wilayah Direktorat Jenderal Pemasyarakatan "
                  "NTB tahun 2025-2029"):
        rows = region(seed_lines, table, "2.6. Manajemen" if "2.2" in table else "3.2. Kerangka")
        for ind in source["indicators"]:
            (cells,) = [l.split("\t") for l in rows if l.startswith(ind["code"] + "\t")]
            assert cells[1] == ind["name"]
            assert cells[3:8] == [ind["targets"][str(y)] for y in YEARS]
    assert seed_lines[964].split("\t")[3] == "100 %"


def test_lampiran_i_variants_kept(source, seed_lines):
    ind = {i["code"]: i for i in source["indicators"]}
    assert ind["IKK 19.1"]["lampiran_i_name"].startswith("Presentase ")
    assert ind["IKK 19.1"]["targets"]["2025"] == "100 %"
    assert ind["IKK 19.1"]["lampiran_i_targets"]["2025"] == "100%"
    lamp = region(seed_lines, "Lampiran I Matriks Kinerja Dan Pendanaan", "Lampiran II")
    for code, x in ind.items():
        (cells,) = [l.split("\t") for l in lamp if l.startswith(code + "\t")]
        assert occurs(x["lampiran_i_name"], flat("\n".join(lamp)))
        assert cells[2:7] == [x["lampiran_i_targets"][str(y)] for y in YEARS]


# --- Tabel 1.2 and 1.3 ---------------------------------------------------------------------

def test_history_table_1_2_values(plan):
    remisi = seq_of(plan, "Persentase narapidana yang mendapatkan hak remisi")
    row = history(plan, "1.2", remisi, 2021, "realisation")
    assert (row["printed"], row["value"], row["suffix"], row["group_label"]) == (
        "122%", 122.0, "%", "Sk6")
    row = history(plan, "1.2", remisi, 2021, "achievement")
    assert (row["printed"], row["value"]) == ("125.8%", 125.8)
    row = history(plan, "1.2", 1, 2022, "target")
    assert (row["printed"], row["value"], row["suffix"], row["group_label"]) == (
        "81%", 81.0, "%", "Sk4")
    row = history(plan, "1.2", 1, 2021, "target")
    assert (row["printed"], row["value"], row["suffix"]) == ("80", 80.0, "")
    row = history(plan, "1.2", 1, 2022, "realisation")
    assert (row["printed"], row["value"]) == ("97,83 %", 97.83)
    sk8 = seq_of(plan, "Persentase klien usia produktif yang memperoleh atau melanjutkan "
                       "pekerjaan diluar lembaga")
    assert history(plan, "1.2", sk8, 2021, "achievement")["printed"] == "152,5%"
    assert all(r["printed"] == "N/A" and r["value"] is None
               for r in plan["performance_history"] if r["year"] == 2020)
    assert all(r["objective_name"] is None for r in plan["performance_history"]
               if r["table_ref"] == "1.2")
    groups = [r["group_label"] for r in plan["performance_history"]
              if r["table_ref"] == "1.2" and r["year"] == 2021 and r["measure"] == "target"]
    assert Counter(groups) == {"Sk4": 1, "Sk5": 2, "Sk6": 7, "Sk7": 2, "Sk8": 3, "Sk9": 4,
                               "Sk10": 4, "Sk11": 4, "Sk12": 2, "Sk13": 1}


def test_history_table_1_2_against_seed(plan, seed_lines):
    rows = []
    for line in region(seed_lines, "Tabel 1. 2 Tabel Capaian Kinerja Renstra 2020-2023",
                       "Tabel capaian kinerja di atas"):
        cells = line.split("\t")
        for label, measure in (("Target", "target"), ("Realisasi", "realisation"),
                               ("Capaian", "achievement")):
            if label in cells:
                if measure == "target":
                    rows.append({})
                rows[-1][measure] = cells[cells.index(label) + 1:][:4]
    assert len(rows) == 30
    for seq, printed in enumerate(rows, 1):
        for measure, cells in printed.items():
            got = [history(plan, "1.2", seq, y, measure)["printed"]
                   for y in (2020, 2021, 2022, 2023)]
            assert got == cells, (seq, measure)


def test_history_table_1_3(plan, seed_lines):
    rows = {(r["seq"], r["measure"]): r for r in plan["performance_history"]
            if r["table_ref"] == "1.3"}
    assert {r["year"] for r in rows.values()} == {2024}
    assert {r["group_label"] for r in rows.values()} == {None}
    t, a, c = rows[1, "target"], rows[1, "realisation"], rows[1, "achievement"]
    assert (t["printed"], t["value"], t["suffix"]) == ("3,6 indeks", 3.6, "indeks")
    assert (a["printed"], a["value"], a["suffix"]) == ("4,61 indeks", 4.61, "indeks")
    assert (c["printed"], c["value"], c["suffix"]) == ("128%", 128.0, "%")
    assert rows[3, "realisation"]["value"] == 3.86
    assert t["objective_name"] == "Terwujudnya penegakan hukum pemasyarakatan di wilayah."
    # The third row prints the indicator's own name as its Sasaran Kegiatan: kept.
    assert rows[3, "target"]["objective_name"] == rows[3, "target"]["indicator_name"]
    for seq in (1, 2, 3):
        line = next(l for l in seed_lines if l.startswith(rows[seq, "target"]["objective_name"]))
        assert line.split("\t")[1:] == [rows[seq, "target"]["indicator_name"]] + [
            rows[seq, m]["printed"] for m in ("target", "realisation", "achievement")]


# --- Tabel 1.4 to 1.7 -----------------------------------------------------------------------

def test_budget_tables(plan):
    assert budget(plan, "1.5", "Belanja Modal", 2022)["value"] == 49959629747
    assert budget(plan, "1.5", "Belanja Pegawai", 2021)["printed"] == "67,991,852,758"
    assert budget(plan, "1.5", "Belanja Pegawai", 2021)["value"] == 67991852758
    # The two tables disagree on the 2021 total; both are kept as printed.
    assert budget(plan, "1.5", "Total Belanja Keseluruhan", 2021)["value"] == 174771839500
    assert budget(plan, "1.6", "Realisasi", 2021)["value"] == 174771839580
    assert budget(plan, "1.6", "Capaian", 2021)["value"] == 97.07
    assert budget(plan, "1.6", "Capaian", 2024)["printed"] == "99%"
    assert budget(plan, "1.6", "Alokasi", 2024)["value"] == 175168670000
    for ref, n in (("1.4", 10), ("1.7", 15)):
        rows = [r for r in plan["budget_history"] if r["table_ref"] == ref]
        assert len(rows) == n
        assert all(r["value"] is None and r["printed"] == "N/A" for r in rows)
    assert all(r["value"] is None for r in plan["budget_history"] if r["year"] == 2020)
    assert [r["seq"] for r in plan["budget_history"]
            if r["table_ref"] == "1.7" and r["year"] == 2024] == [1, 2, 3]


def test_budget_tables_against_seed(source, seed_lines):
    for table in source["budget_tables"]:
        n = table["table_ref"].split(".")[1]
        caption = next(l for l in seed_lines if l.startswith(f"Tabel 1. {n} ") and "\t" not in l)
        i = seed_lines.index(caption)
        j = next(k for k in range(i + 2, len(seed_lines)) if seed_lines[k] == "")
        rows = [l.split("\t") for l in seed_lines[i + 2:j]
                if not l.startswith("\t") and not l.startswith("Jenis Hibah")]
        assert rows == [[x["line"], *x["values"]] for x in table["lines"]], n
        assert caption.endswith(table["title"])


def test_parse_rupiah():
    assert dataset.parse_rupiah("67,991,852,758") == 67991852758.0
    assert dataset.parse_rupiah("N/A") is None
    assert dataset.parse_rupiah("") is None
    for bad in ("3,2", "1.234.567", "12,34,567"):
        with pytest.raises(ValidationError):
            dataset.parse_rupiah(bad)


# --- funding (Tabel 3.3 / Lampiran I) ------------------------------------------------------

def test_funding_totals(plan):
    lines = {}
    for row in plan["funding"]:
        assert row["unit_code"] == "KANWIL" and row["realised"] is None
        assert row["executing_unit"] == "Kanwil Ditjenpas"
        lines.setdefault(row["line_code"], []).append(row)
    assert list(lines) == ["SK 17", "IKK 19.1"]
    assert [r["year"] for r in lines["SK 17"]] == YEARS
    assert [r["allocation"] for r in lines["SK 17"]] == [746.71, 784.05, 823.25, 864.41, 907.63]
    assert lines["IKK 19.1"][0]["allocation"] == 3193.72
    assert lines["IKK 19.1"][2]["allocation"] == 15402.4
    printed = plan["document"]["printed_totals"]
    assert printed == {"SK 17": "4.126,05", "IKK 19.1": "66.422,74"}
    totals = {code: round(sum(r["allocation"] for r in rows), 2) for code, rows in lines.items()}
    assert totals == {"SK 17": 4126.05, "IKK 19.1": 66422.74}
    assert all(totals[c] == parse_number(p) for c, p in printed.items())


def test_funding_against_seed(source, seed_lines):
    tabel = region(seed_lines, "Tabel 3.3 Kerangka Pendanaan Kantor Wilayah Direktorat Jenderal "
                   "Pemasyarakatan NTB tahun 2025-2029", "3.3. Roadmap")
    lamp = region(seed_lines, "Lampiran I Matriks Kinerja Dan Pendanaan", "Lampiran II")
    for f in source["funding"]:
        expected = [f["allocations"][str(y)] for y in YEARS]
        expected += [f["printed_total"], f["executing_unit"]]
        (t,) = [l.split("\t") for l in tabel if l.startswith(f["tabel_3_3_row"] + "\t")]
        (x,) = [l.split("\t") for l in lamp if l.startswith(f["lampiran_i_row"] + "\t")]
        assert t[2:] == expected
        assert x[7:] == expected
    assert source["funding"][0]["tabel_3_3_row"] == "SK 17"
    assert source["funding"][0]["lampiran_i_row"] == "IKK 17.1"


# --- risk register (Tabel 2.3 / Lampiran II) -----------------------------------------------

def test_risk_register_structure(plan):
    risks = plan["risks"]
    assert [r["seq"] for r in risks] == list(range(1, 37))
    assert list(Counter(r["area"] for r in risks).items()) == [
        ("Pelayanan", 4), ("Pengamanan", 8), ("Pembinaan", 4), ("Perawatan", 4),
        ("Pembimbingan Kemasyarakatan", 12), ("SDM", 1), ("Tata Usaha", 1), ("Umum", 1),
        ("BMN", 1)]
    assert {r["area"] for r in risks if r["program_code"] == "DUKMAN"} == {
        "SDM", "Tata Usaha", "Umum", "BMN"}
    for r in risks:
        assert r["unit_code"] == "KANWIL" and r["risk"] and r["treatments"] and r["responsible"]
        assert r["cause"] is None and r["current_control"] is None
        assert all(r[k] is None for k in ("inherent_likelihood", "inherent_impact",
                                          "residual_likelihood", "residual_impact"))
        assert all("<" not in s for s in [r["risk"], *r["treatments"], *r["success_indicators"]])


def test_risk_register_reconstruction(plan):
    r = {x["seq"]: x for x in plan["risks"]}
    assert r[1]["treatments"][3] == "Melakukan pengecekan hasil penilaian secara rutin"
    assert len(r[1]["success_indicators"]) == 4
    # A responsible officer printed once applies to every risk its merged cell spans.
    assert {r[s]["responsible"] for s in (1, 2, 3, 4)} == {
        "Kepala Kantor Wilayah/ Kepala Bidang Pelayanan dan Tahanan"}
    assert r[3]["success_indicators"] == []
    assert r[4]["success_indicators"] == ["Kepatuhan SOP meningkat", "Pelanggaran SOP menurun"]
    assert {r[s]["responsible"] for s in range(5, 9)} == {r[5]["responsible"]}
    assert r[8]["responsible"].endswith("Ketua Tim Pengamanan dan Intelijen")
    # One cell split over a page break (lines 999 and 1002) is one officer for 9-12.
    officer = ("Kepala Kantor Wilayah Direktorat Jenderal Pemasyarakatan Nusa Tenggara Barat/"
               "Kepala Bidang Perawatan, Keamanan, dan Kepatuhan Internal/Ketua Tim Perawatan, "
               "Kesehatan dan Rehabilitasi")
    assert {r[s]["responsible"] for s in range(9, 13)} == {officer}
    assert r[8]["treatments"] == ["Dibuat crisis center dengan jalur komunikasi cepat"]
    assert r[8]["success_indicators"][0].startswith("Crisis center berfungsi 24/7")
    assert r[13]["treatments"] == ["File pembinaan mengikuti WBP", "Case Manager",
                                   "Alur pembinaan seragam", "Monitoring digital"]
    assert r[19]["risk"] == "Pengelolaan gizi bagi Warga Binaan Pemasarakatan tidak bermutu"
    assert {r[s]["responsible"] for s in range(21, 33)} == {
        "Kepala Kantor Wilayah / Kepala Bidang pembimbing Kemasyarakatan"}
    assert r[22]["risk"] == r[21]["treatments"][0]     # the document's own repetition
    assert r[28]["treatments"] == [
        "Intervensi risiko tinggi, case conference , dan kolaborasi dengan aparat keamanan."]
    assert r[28]["success_indicators"][0].endswith(
        "aparat keamanan yang menghasilkan rencana tindakan bersama.")
    assert "penyegelan (seal)" in r[32]["success_indicators"][0]
    assert r[33]["treatments"][0] == "1. Pengendalian kepatuhan internal yang konsisten dan berkala"
    assert r[36]["success_indicators"][2] == "3. Meningkatnya kompetensi pengelola BMN"
    assert {r[s]["responsible"] for s in range(33, 37)} == {
        "Kepala Kantor Wilayah & Kepala Bagian Tata Usaha dan Umum"}


def test_lampiran_ii_differences_recorded(source):
    risks = {r["seq"]: r for a in source["risk_areas"] for r in a["risks"]}
    assert risks[2]["lampiran_ii_success_indicators"][-1] == "Kepatuhan SOP meningkat"
    assert risks[3]["lampiran_ii_success_indicators"] == ["Pelanggaran SOP menurun"]
    assert risks[4]["lampiran_ii_success_indicators"] == []
    assert "penyegekan (seal)" in risks[32]["lampiran_ii_success_indicators"][0]
    assert risks[33]["lampiran_ii_risk"] == "Penyalahgunaan wewenang dan i ntegritas"


def test_risk_register_against_seed(source, seed_lines):
    tabel = flat("\n".join(region(seed_lines, "Tabel 2.3 Tabel Manajemen Resiko", "KEMENTERIAN")))
    start = seed_lines.index("Lampiran II Matriks Dan Manajemen Resiko")
    lamp = flat("\n".join(seed_lines[start:]))
    pos = 0
    for area in source["risk_areas"]:
        for r in area["risks"]:
            found = tabel.find(flat(r["risk"]), pos)      # risks appear in register order
            assert found >= pos, r["seq"]
            pos = found
            for text in [*r["treatments"], r["responsible"], *r["success_indicators"]]:
                assert occurs(text, tabel), (r["seq"], text)
            for key in ("lampiran_ii_risk", "lampiran_ii_treatments",
                        "lampiran_ii_success_indicators"):
                value = r.get(key, [])
                for text in [value] if isinstance(value, str) else value:
                    assert occurs(text, lamp), (r["seq"], text)
    assert occurs(source["risk_areas"][1]["risks"][4]["responsible"], tabel)


# --- roadmap ---------------------------------------------------------------------------------

def test_roadmap(plan):
    items = plan["roadmap_items"]
    assert list(dict.fromkeys(i["aspect"] for i in items)) == ASPECTS
    for aspect in ASPECTS:
        for year in YEARS:
            cell = [i for i in items if i["aspect"] == aspect and i["year"] == year]
            assert [i["seq"] for i in cell] == [1, 2, 3]
    assert all(i["status"] == "rencana" and i["unit_code"] == "KANWIL" for i in items)
    assert all(not re.match(r"^[a-c]\. ", i["text"]) and "<" not in i["text"] for i in items)
    text = {(i["aspect"], i["year"], i["seq"]): i["text"] for i in items}
    assert text["Sarana dan Prasarana", 2025, 1] == "Renovasi ruang kerja divisi Pemasyarakatan"
    assert text["Sarana dan Prasarana", 2029, 3] == (
        "Peningkatan anggaran rutin untuk preventive maintenance fasilitas")
    assert text["Kerjasama", 2029, 3] == "Penyusunan rencana kerja sama periode 2030–2034"
    assert text["Sumber Daya Manusia", 2028, 1] == "Pengadaan CPNS"


def test_roadmap_against_seed(source, seed_lines):
    parsed: dict[str, list[list[str]]] = {}
    aspect = None
    table = region(seed_lines, "3.3. Roadmap Kantor Wilayah Ditjenpas NTB", "**KEMENTERIAN")
    for line in table:
        cells = [c for c in line.split("\t") if c]
        if not any(re.match(r"^[a-c]\. ", c) for c in cells):
            continue                                  # blank line or header row
        if re.fullmatch(r"\d+", cells[0]):
            aspect = cells[1]
            parsed[aspect] = []
        parsed[aspect].append([c for c in cells if re.match(r"^[a-c]\. ", c)])
    assert list(parsed) == ASPECTS
    for entry in source["roadmap"]:
        rows = parsed[entry["aspect"]]
        assert [[entry["items"][str(y)][k] for y in YEARS] for k in range(3)] == rows


# --- document and whole-file sweep ----------------------------------------------------------

def test_document(plan, seed_lines):
    doc = plan["document"]
    assert (doc["place"], doc["date"], doc["head_name"], doc["head_title"]) == (
        "Mataram", "2025-12-22", "AMAK AGUNG GDE KRISNA", "Kepala Kantor Wilayah")
    assert doc["title"].startswith("Rencana Strategis Kantor Wilayah")
    assert "Mataram, 22 Desember 2025" in seed_lines
    assert doc["head_name"] in seed_lines


def _strings(node, skip=("code", "unit_type", "island", "measure", "polarity", "rollup",
                         "program", "kind", "line_code", "table_ref")):
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in skip and key != "document":
                yield from _strings(value, skip)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, skip)
    elif isinstance(node, str) and node:
        yield node


def test_every_transcribed_string_occurs_in_the_seed(source, seed_lines):
    hay = flat("\n".join(seed_lines))
    missing = [s for s in _strings(source) if not occurs(s, hay)]
    assert missing == []


# --- UPT skeleton ----------------------------------------------------------------------------

def test_unit_skeleton(plan):
    sk = dataset.unit_skeleton("LPS-DOMPU")
    assert set(sk) == set(plan)
    for key in ("units", "programs", "objectives", "indicators"):
        assert sk[key] == plan[key]
    assert sk["performance_history"] == [] and sk["budget_history"] == []
    targets = sk["indicator_targets"]
    assert [(t["indicator_code"], t["year"]) for t in targets] == [
        (c, y) for c in ("IKK 17.1", "IKK 19.1", "IKK 19.2") for y in YEARS]
    assert all(t["unit_code"] == "LPS-DOMPU" and t["value"] is None for t in targets)
    assert [(r["program_code"], r["area"], r["seq"]) for r in sk["risks"]] == [
        ("PPH", "Pelayanan", 1), ("PPH", "Pengamanan", 2), ("PPH", "Pembinaan", 3),
        ("PPH", "Perawatan", 4), ("PPH", "Pembimbingan Kemasyarakatan", 5), ("DUKMAN", "SDM", 6),
        ("DUKMAN", "Tata Usaha", 7), ("DUKMAN", "Umum", 8), ("DUKMAN", "BMN", 9)]
    assert all(r["risk"] == "" and r["treatments"] == [] and r["success_indicators"] == []
               and r["responsible"] is None for r in sk["risks"])
    assert len(sk["roadmap_items"]) == 30
    assert all(i["text"] == "" and i["status"] == "rencana" for i in sk["roadmap_items"])
    assert [(f["line_code"], f["year"]) for f in sk["funding"]] == [
        (c, y) for c in ("SK 17", "IKK 19.1") for y in YEARS]
    assert all(f["allocation"] is None and f["executing_unit"] == "Lapas Kelas IIB Dompu"
               for f in sk["funding"])
    rows = [r for k, v in sk.items() if k in TABLE_OF_KEY and k != "units" for r in v]
    assert not any(r.get("unit_code") == "KANWIL" for r in rows)
    for key in ("indicator_targets", "risks", "roadmap_items", "funding"):
        assert set(sk[key][0]) == set(plan[key][0])
    assert set(sk["document"]) == set(plan["document"])


def test_unit_skeleton_refuses_unknown_unit():
    with pytest.raises(ValidationError):
        dataset.unit_skeleton("LPS-ENTAH")
