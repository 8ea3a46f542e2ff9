"""The ringkasan report: one landscape page for the province read back with pdfplumber, its figures
are core/summary.py's, its charts are vector drawings, its code checks against the plan, and the
command line builds it (and refuses bad input with one line)."""
from __future__ import annotations

import subprocess
import sys

import pdfplumber
import pytest
import summary_scenario as scenario
from summary_scenario import built, store  # noqa: F401  (fixtures)

from renstra_desktop.core import summary
from renstra_desktop.core.reports import ringkasan
from renstra_desktop.core.reports.base import KINDS, ReportOptions
from renstra_desktop.core.reports.build import build_report, collect
from renstra_desktop.core.reports.verify import verify_payload


def read(pdf: bytes, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return pdfplumber.open(path)


def test_kind_is_registered():
    assert "ringkasan" in KINDS
    assert ReportOptions("ringkasan", period="2026-TW3").checked().report_period == "2026-TW3"


def test_one_landscape_page_for_the_province_with_the_summarys_figures(store, tmp_path):
    result = build_report(store.conn, ReportOptions("ringkasan", unit=None, period="2026-TW3"))
    with read(result.pdf, tmp_path) as pdf:
        assert len(pdf.pages) == 1 and result.page_count == 1
        page = pdf.pages[0]
        assert page.width > page.height                       # landscape
        text = page.extract_text()
        assert not page.images                                 # charts and QR are vector drawings
        assert len(page.rects) > 60 and len(page.curves) + len(page.lines) > 20
    assert "RINGKASAN KINERJA" in text and "Seluruh Satuan Kerja · Triwulan III 2026" in text
    assert "KANTOR WILAYAH DITJEN PEMASYARAKATAN" in text and "Halaman 1 dari 1" in text
    grid = summary.achievement_grid(store.conn, None, "2026-TW3")
    lobar = next(r for r in grid["rows"] if r["unit_code"] == "LPS-LOBAR")
    # TW III against the Rencana Aksi's TW III targets (issue 10): 2,9 of 3,0; 70 of 75
    assert lobar["cells"]["IKK 17.1"]["achievement"] == pytest.approx(96.6666666667)
    assert lobar["cells"]["IKK 19.1"]["achievement"] == pytest.approx(93.3333333333)
    assert "Lapas Kelas IIA Lombok Barat 96,7% 93,3% " in text
    risks = summary.risk_summary(store.conn, None)
    assert (f"{risks['total']} risiko terdaftar ({risks['unscored']} belum dinilai). Di atas selera risiko (10): "
            f"{risks['above_appetite']}; tanpa perlakuan: {risks['untreated']}.") in " ".join(text.split("\n"))
    assert "Kantor Wilayah 7.500,25 / 15.453,00 · 48,5%" in text
    assert "Konflik penggabungan terbuka: 0" in text
    assert "AMAK AGUNG GDE KRISNA" in text                   # the signature block is on the same page
    assert set(result.spots) >= {"kepala", "konseptor"} and all(s[0] == 0 for s in result.spots.values())


def test_figures_come_from_core_summary(store):
    figures = collect(store.conn, ReportOptions("ringkasan", unit=None, period="2026-TW3"))["figures"]
    data = summary.summary(store.conn, None, "2026-TW3")
    assert figures["indicators"] == [i["code"] for i in data["grid"]["indicators"]]
    assert [r["unit"] for r in figures["grid"]["rows"]] == [r["unit_name"] for r in data["grid"]["rows"]]
    assert figures["risks"]["inherent"] == sorted([k, d, n] for (k, d), n in data["risks"]["inherent"].items())
    trend = next(t for t in figures["trends"] if t["code"] == "IKK 19.2")
    source = next(t for t in data["trends"] if t["code"] == "IKK 19.2")
    assert trend["history"] == [[2024, 3.1, 3.86]]
    assert trend["quarters"] == [list(q) for q in source["quarters"]]
    assert trend["actuals"] == [[y, v] for y, v in sorted(source["actuals"].items()) if v is not None]


def test_a_unit_on_itself_and_the_code_checks(store, tmp_path):
    options = ReportOptions("ringkasan", unit="LPS-LOBAR", period="2026-TW3")
    result = build_report(store.conn, options, tmp_path / "lobar.pdf")
    with pdfplumber.open(tmp_path / "lobar.pdf") as pdf:
        assert len(pdf.pages) == 1
        text = pdf.pages[0].extract_text()
    assert "LAPAS KELAS IIA LOMBOK BARAT" in text and "Bapas Kelas I Mataram" not in text
    assert "IKK 19.1 · satker ini" in text
    assert verify_payload(store.conn, result.payload).matches
    from renstra_desktop.core.service import PlanService
    row = store.conn.execute("SELECT id FROM realisation WHERE unit_code = 'KANWIL' AND period = '2025'").fetchone()
    PlanService(store, "kanwil-staf").update("realisation", row["id"], {"value": "2,5"})
    assert verify_payload(store.conn, result.payload).matches      # the Kanwil's own figure is not on LOBAR's page
    row = store.conn.execute("SELECT id FROM indicator_target WHERE unit_code = 'LPS-LOBAR' AND year = 2026 "
                             "AND indicator_code = 'IKK 17.1'").fetchone()
    PlanService(store, "kanwil-staf").update("indicator_target", row["id"], {"value": "3,0"})
    assert not verify_payload(store.conn, result.payload).matches


def test_many_units_show_those_with_the_lowest_capaian(store, monkeypatch):
    monkeypatch.setattr(ringkasan, "MAX_GRID_ROWS", 2)
    figures = collect(store.conn, ReportOptions("ringkasan", unit=None, period="2026-TW2"))["figures"]
    shown = figures["grid"]["rows"]
    assert len(shown) == 2 and figures["grid"]["total"] == 12
    assert {r["unit"] for r in shown} == {"Lapas Kelas IIA Lombok Barat", "Bapas Kelas I Mataram"}
    assert figures["grid"]["note"].startswith("2 dari 12 satker dengan capaian terendah")


def test_command_line_and_bad_input(built, tmp_path):
    path = scenario.copy_of(built, tmp_path)
    out = tmp_path / "ringkasan.pdf"
    exe = [sys.executable, "-c", "import sys; from renstra_desktop.cli import main; sys.exit(main(sys.argv[1:]))"]
    done = subprocess.run([*exe, "report", "ringkasan", str(path), "--unit", "SEMUA", "--period", "2026-TW3",
                           "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Laporan ringkasan ditulis" in done.stdout and out.stat().st_size > 10_000
    check = subprocess.run([*exe, "verify-report", str(out), "--db", str(path)], capture_output=True, text=True,
                           timeout=120)
    assert check.returncode == 0 and check.stdout.startswith("COCOK")
    bad = tmp_path / "salah.pdf"
    for args, words in ((["--period", "2031-TW1"], "di luar Renstra"), (["--unit", "TIDAK-ADA"], "tidak ada"),
                        (["--period", "2026-TW5"], "tidak sah")):
        done = subprocess.run([*exe, "report", "ringkasan", str(path), *args, "-o", str(bad)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode != 0 and words in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and not bad.exists()
