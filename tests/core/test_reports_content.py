"""What the reports print, read back from the PDF: only the unit's own history, everything entered
(budget absorption, budget history, evidence, a risk's cause and control), range targets by one
rule, and whose money the province's funding total is (issue 7)."""
from __future__ import annotations

import io
import re
import shutil

import pytest
from pypdf import PdfReader

from renstra_desktop.core import queries
from renstra_desktop.core.numbers import format_number
from renstra_desktop.core.reports import ReportOptions, build_report


def text_of(result) -> str:
    """Content-stream order: the lines of one wrapped cell stay together."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(result.pdf)).pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def build(store, kind, **kw):
    return build_report(store.conn, ReportOptions(kind, unit=kw.pop("unit", "KANWIL"), **kw))


def target_id(store, unit, code, year):
    return store.conn.execute("SELECT id FROM indicator_target WHERE unit_code = ? AND indicator_code = ? AND year = ?",
                              (unit, code, year)).fetchone()[0]


# -- item 2: only the unit's own history --------------------------------------------------------
def test_a_upt_report_does_not_print_the_kanwil_history(kanwil_store):
    for kind in ("capaian", "lampiran"):
        text = squeeze(text_of(build(kanwil_store, kind, unit="LPS-DOMPU", year=2026, history=True)))
        assert "difasilitasiolehKantorWilayah" not in text and "4,61indeks" not in text
        assert "67,991,852,758" not in text and "Tabel1.2" not in text
        assert squeeze("Riwayat kinerja dan anggaran 2020-2024 Lapas Kelas IIB Dompu belum tercatat "
                       "(riwayat dalam berkas ini milik Kantor Wilayah), jadi tidak dicetak.") in text


def test_the_kanwil_report_prints_its_history_with_the_budget_tables_as_printed(kanwil_store):
    text = squeeze(text_of(build(kanwil_store, "capaian", year=2026, history=True)))
    assert "difasilitasiolehKantorWilayah" in text and "4,61indeks" in text
    for printed in ("67,991,852,758", "174,771,839,500", "174,771,839,580", "180,039,962,000", "97,07%", "99%",
                    "TargetPNB", "BelanjaModal", "Hibah(Tabel1.7)", "CapaianKinerjaAnggaran(Tabel1.6)"):
        assert printed in text, printed


def test_the_province_report_labels_whose_history_it_is(kanwil_store):
    text = squeeze(text_of(build(kanwil_store, "capaian", unit=None, year=2026, history=True)))
    assert "(Tabel1.2)·KantorWilayah" in text and "(Tabel1.5)·KantorWilayah" in text


# -- item 3: everything entered is printed -------------------------------------------------------
def test_budget_absorption_per_line_and_year(kanwil_store, kanwil_service):
    line = next(f for f in queries.funding_rows(kanwil_store.conn, "KANWIL") if f["line_code"] == "SK 17")
    kanwil_service.update("funding", line["ids"][2025], {"realised": "700"})
    kanwil_service.update("funding", line["ids"][2026], {"realised": "784,05"})
    text = squeeze_lines(text_of(build(kanwil_store, "pendanaan")))
    assert "Realisasi Anggaran (pagu, realisasi, % serapan)" in text
    assert re.search(r"% Serapan SK 17 Terwujudnya .* Wilayah 2025 746,71 700,00 93,74% 2026 784,05 784,05 100%", text)
    row = next(f for f in queries.funding_rows(kanwil_store.conn, "KANWIL") if f["line_code"] == "SK 17")
    assert round(row["total_absorption"], 2) == round((700 + 784.05) / (746.71 + 784.05) * 100, 2)


def squeeze_lines(text: str) -> str:
    return " ".join(text.split())


def test_evidence_of_each_realisation(kanwil_store, kanwil_service):
    kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1", "period": "2026",
                                          "value": "3,5", "evidence": "LKjIP Kanwil 2026 hal. 12"})
    kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.2", "period": "2026-TW1",
                                          "value": "3,4", "evidence": "Survei kepuasan TW I"})
    kanwil_service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.2", "period": "2026-TW2",
                                          "value": "3,5", "evidence": "Survei kepuasan TW II"})
    year = squeeze(text_of(build(kanwil_store, "capaian", year=2026)))
    assert "Datadukung" in year and squeeze("LKjIP Kanwil 2026 hal. 12") in year
    semester = squeeze(text_of(build(kanwil_store, "capaian", period="2026-S1")))
    assert squeeze("Triwulan I: Survei kepuasan TW I") in semester
    assert squeeze("Triwulan II: Survei kepuasan TW II") in semester
    assert squeeze("LKjIP Kanwil 2026") not in semester     # an annual value is not the semester's evidence


def test_risk_cause_and_existing_control(kanwil_store, kanwil_service):
    risk = queries.risk_rows(kanwil_store.conn, "KANWIL")[3]
    kanwil_service.update("risk", risk["id"], {"cause": "Petugas registrasi belum dilatih",
                                              "current_control": "SOP registrasi 2024"})
    text = squeeze(text_of(build(kanwil_store, "risiko")))
    assert squeeze(risk["risk"] + "Penyebab: Petugas registrasi belum dilatih"
                   "Pengendalian yang ada: SOP registrasi 2024") in text


# -- item 4: range targets, one rule ---------------------------------------------------------------
@pytest.fixture
def range_target(kanwil_store, kanwil_service):
    """IKK 19.1 (%) of the Kanwil for 2026: 80–90 instead of 100."""
    kanwil_service.update("indicator_target", target_id(kanwil_store, "KANWIL", "IKK 19.1", 2026),
                          {"value": "80", "upper": "90"})
    return kanwil_service


def test_a_range_target_is_printed_whole_and_compared_by_one_rule(kanwil_store, range_target):
    range_target.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.1", "period": "2026",
                                        "value": "95"})
    range_target.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.1", "period": "2026-S1",
                                        "value": "95"})
    range_target.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.1", "period": "2026-TW1",
                                        "value": "85"})
    # the window's rows (queries feeds the table models)
    row = next(r for r in queries.indicator_rows(kanwil_store.conn, "KANWIL", 2026) if r["indicator_code"] == "IKK 19.1")
    assert row["target_labels"][2026] == "80–90%" and round(row["achievement"], 2) == 105.56   # above: upper bound
    # the year, the semester (95 against 90 as well, not 118,75 against 80) and a quarter inside the range
    assert "80–90% 95% 105,56%" in squeeze_lines(text_of(build(kanwil_store, "capaian", year=2026)))
    semester = squeeze_lines(text_of(build(kanwil_store, "capaian", period="2026-S1")))
    assert "80–90% (tahunan) 95% 105,56%" in semester and "118,75" not in semester
    assert "80–90% (tahunan) 85% 100% Tercapai" in squeeze_lines(text_of(build(kanwil_store, "capaian", period="2026-TW1")))
    # the funding matrix prints the range too
    assert "80–90%" in text_of(build(kanwil_store, "pendanaan"))


def test_below_a_range_the_lower_bound_counts(kanwil_store, range_target):
    range_target.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.1", "period": "2026",
                                        "value": "60"})
    row = next(r for r in queries.indicator_rows(kanwil_store.conn, "KANWIL", 2026) if r["indicator_code"] == "IKK 19.1")
    assert row["achievement"] == 75.0 and row["grade"] == "Kurang"


# -- item 10: whose money the province's total is --------------------------------------------------
@pytest.fixture
def province(_kanwil_template, tmp_path):
    from report_province import fill

    from renstra_desktop.core.store import Store

    path = tmp_path / "provinsi.renstra"
    shutil.copy(_kanwil_template, path)
    fill(path)
    store = Store.open(path, readonly=True)
    yield store
    store.close()


def test_the_province_funding_total_counts_each_unit_once_and_says_whose_money_it_is(province):
    text = squeeze_lines(text_of(build(province, "pendanaan", unit=None)))
    assert ("Alokasi Kantor Wilayah adalah pagu satker Kanwil sendiri (Tabel 3.3 Renstra, pelaksana Kanwil "
            "Ditjenpas) dan tidak termasuk UPT") in text
    rows = queries.funding_rows(province.conn, None)
    per_unit = {}
    for r in rows:
        per_unit[r["unit_code"]] = per_unit.get(r["unit_code"], 0) + (r["total_allocation"] or 0)
    assert set(per_unit) == {"KANWIL", "LPS-LOBAR", "LPS-DOMPU", "RTN-BIMA"}
    assert format_number(per_unit["KANWIL"], 2) == "70.548,79"
    total = queries.money_sum(per_unit.values())
    printed = re.search(r"Jumlah seluruh satker (?:[\d.,]+ ){5}([\d.,]+)", text).group(1)
    assert printed == format_number(total, 2)          # the Kanwil's own plus each UPT's, once each
    for unit, amount in per_unit.items():
        assert format_number(amount, 2) in text
    assert text.count(format_number(per_unit["KANWIL"], 2)) == 1        # the Kanwil's total once, not inside others
    kanwil = squeeze_lines(text_of(build(province, "pendanaan", unit="KANWIL")))
    assert "Alokasi ini pagu satker Kanwil sendiri" in kanwil and "tidak termasuk pagu UPT" in kanwil
