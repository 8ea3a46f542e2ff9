"""The province as its users work it: a Kanwil file and two UPT files, real files in tmp_path.

The Kanwil sets each unit's target and sends its package; each UPT merges it, enters its 2026
realisations with evidence, edits a risk and a roadmap status and sends its package; the Kanwil
verifies and merges both, prints the consolidated report, has it signed twice and checks it against
the plan.  Everything a user types goes through ``renstra_desktop.cli.main``; what the command line
cannot do (editing cells) goes through the core's PlanService, as the window does.
"""
from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pdfplumber
import pytest
from package_fixtures import folder_state, sha
from pki import KEPALA_NAME, KONSEPTOR_NAME, make_test_pki

from renstra_desktop.cli import main
from renstra_desktop.core.rows import stable_id
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store

UNITS = ("LPS-LOBAR", "RTN-BIMA")

# Hand-computed capaian (higher is better, realisasi / target x 100, rolled up by the last value):
#   LPS-LOBAR IKK 17.1: target 3,5, semesters 3,3 then 3,6  -> 3,6 / 3,5  = 102,86 %
#   LPS-LOBAR IKK 19.1: target 100 %, TW1 40, TW2 85        -> 85 / 100   = 85 %
#   RTN-BIMA  IKK 17.1: target 3,4, year 3,1                -> 3,1 / 3,4  = 91,18 %
#   RTN-BIMA  IKK 19.1: target 95 %, S1 90                  -> 90 / 95    = 94,74 %
TARGETS = {("LPS-LOBAR", "IKK 17.1"): "3,5", ("LPS-LOBAR", "IKK 19.1"): "100",
           ("RTN-BIMA", "IKK 17.1"): "3,4", ("RTN-BIMA", "IKK 19.1"): "95"}
REALISATIONS = {
    "LPS-LOBAR": [("IKK 17.1", "2026-S1", "3,3", "LHE PMPU semester I, Kanwil, 12 Juli 2026"),
                  ("IKK 17.1", "2026-S2", "3,6", "LHE PMPU semester II, Kanwil, 10 Januari 2027"),
                  ("IKK 19.1", "2026-TW1", "40", "Laporan RB triwulan I"),
                  ("IKK 19.1", "2026-TW2", "85", "Laporan RB triwulan II")],
    "RTN-BIMA": [("IKK 17.1", "2026", "3,1", "LKjIP Rutan Bima 2026"),
                 ("IKK 19.1", "2026-S1", "90", "Laporan RB semester I")],
}


def run(*argv) -> tuple[int, str, str]:
    """The command as a user types it: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def ok(*argv) -> str:
    code, out, err = run(*argv)
    assert code == 0, (argv, out, err)
    assert err == "", err
    return out


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def upt_work(path: Path, unit: str) -> None:
    """What a UPT administrator does in the window during 2026 (same core calls as the window)."""
    with Store.open(path) as store:
        service = PlanService(store, actor=f"admin-{unit.lower()}")
        for ikk, period, value, evidence in REALISATIONS[unit]:
            service.insert("realisation", {"unit_code": unit, "indicator_code": ikk, "period": period,
                                           "value": value, "evidence": evidence})
        risk = store.conn.execute("SELECT id FROM risk WHERE unit_code = ? AND area = 'Pengamanan'",
                                  (unit,)).fetchone()["id"]
        service.update("risk", risk, {"risk": "Gangguan keamanan dan ketertiban", "inherent_likelihood": "4",
                                      "inherent_impact": "5", "residual_likelihood": "2",
                                      "residual_impact": "3"})
        item = store.conn.execute("SELECT id FROM roadmap_item WHERE unit_code = ? AND year = 2026 "
                                  "ORDER BY aspect, seq LIMIT 1", (unit,)).fetchone()["id"]
        service.update("roadmap_item", item, {"text": "Perbaikan pagar keliling", "status": "berjalan"})


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """The Kanwil's consolidated file after both units' packages; every step checked on the way."""
    root = tmp_path_factory.mktemp("provinsi")
    kanwil = root / "kanwil" / "kanwil.renstra"
    upt = {u: root / u.lower() / "rencana.renstra" for u in UNITS}
    inbox, outbox = root / "kiriman-upt", root / "kiriman-kanwil"
    for folder in (kanwil.parent, *(p.parent for p in upt.values()), inbox, outbox):
        folder.mkdir()
    assert "satker KANWIL" in ok("init", kanwil)
    for unit, path in upt.items():
        assert f"satker {unit}" in ok("init", path, "--unit", unit)

    # The Kanwil sets the targets it cascades to the units, then sends its package.
    with Store.open(kanwil) as store:
        service = PlanService(store, actor="perencana-kanwil")
        for (unit, ikk), value in TARGETS.items():
            service.update("indicator_target", stable_id("indicator_target", unit, ikk, 2026), {"value": value})
    assert "satker KANWIL" in ok("export-package", kanwil, "-o", outbox)
    [kanwil_pkg] = outbox.glob("KANWIL_*_0001.rpkg")

    packages = {}
    for unit, path in upt.items():
        out = ok("merge", path, kanwil_pkg, "--trust-new-keys")
        assert "Digabung:" in out and "kunci baru satker KANWIL" in out
        with Store.open(path, readonly=True) as store:     # the unit sees the targets the Kanwil set
            targets = {r["indicator_code"]: r["value"] for r in store.conn.execute(
                "SELECT indicator_code, value FROM indicator_target WHERE unit_code = ? AND year = 2026", (unit,))}
        assert targets["IKK 17.1"] == float(TARGETS[(unit, "IKK 17.1")].replace(",", "."))
        assert targets["IKK 19.1"] == float(TARGETS[(unit, "IKK 19.1")])
        upt_work(path, unit)
        out = ok("export-package", path, "--unit", unit, "-o", inbox)
        packages[unit] = Path(out.split("Paket dibuat: ")[1].split("\n")[0])
        assert packages[unit].name.startswith(f"{unit}_") and packages[unit].parent == inbox

    for unit, pkg in packages.items():
        out = ok("verify-package", pkg, "--plan", kanwil)
        assert f"satker {unit}" in out and "tanda tangannya sah" in out and "BELUM disematkan" in out

    # Without --trust-new-keys the merge stops at the unknown keys and writes nothing.
    before = folder_state(kanwil.parent)
    code, _, err = run("merge", kanwil, *packages.values())
    assert code == 1 and "--trust-new-keys" in err and all(u in err for u in UNITS)
    assert folder_state(kanwil.parent) == before

    out = ok("merge", kanwil, *packages.values(), "--trust-new-keys")
    assert out.count("Digabung:") == 2 and "Cadangan sebelum penggabungan" in out
    for pkg in packages.values():
        assert "sudah disematkan" in ok("verify-package", pkg, "--plan", kanwil)
    return {"root": root, "kanwil": kanwil, "upt": upt, "packages": packages, "kanwil_pkg": kanwil_pkg}


def test_merging_the_same_packages_again_changes_nothing_and_says_so(province):
    kanwil = province["kanwil"]
    before = folder_state(kanwil.parent)
    out = ok("merge", kanwil, *province["packages"].values())
    assert out.count("sudah digabungkan") == 2 and "Cadangan" not in out
    assert folder_state(kanwil.parent) == before


def test_an_older_package_after_a_newer_one_changes_nothing(province, tmp_path):
    """LPS-LOBAR sends a correction (package 2); its first package arriving late changes nothing."""
    work = tmp_path / "salinan"
    shutil.copytree(province["root"], work)
    kanwil, lobar = work / "kanwil" / "kanwil.renstra", work / "lps-lobar" / "rencana.renstra"
    first = work / "kiriman-upt" / province["packages"]["LPS-LOBAR"].name
    # A fresh Kanwil file that has not seen package 1 yet: it gets package 2 first, then package 1.
    fresh = work / "kanwil-baru" / "kanwil.renstra"
    fresh.parent.mkdir()
    ok("init", fresh)
    with Store.open(lobar) as store:
        rid = stable_id("realisation", "LPS-LOBAR", "IKK 17.1", "2026-S2")
        PlanService(store, actor="admin-lps-lobar").update("realisation", rid, {"value": "3,7"})
    out = ok("export-package", lobar, "-o", work / "kiriman-upt")
    second = Path(out.split("Paket dibuat: ")[1].split("\n")[0])
    assert "urutan 2" in out
    for target in (fresh, kanwil):
        ok("merge", target, second, "--trust-new-keys")
        before = folder_state(target.parent)
        out = ok("merge", target, first, "--trust-new-keys")
        assert ("lebih lama" in out) or ("sudah digabungkan" in out)
        assert folder_state(target.parent) == before
        with Store.open(target, readonly=True) as store:
            assert store.conn.execute("SELECT value FROM realisation WHERE id = ?", (rid,)).fetchone()[0] == 3.7
    # the fresh file really met the older package after the newer one
    assert "lebih lama" in ok("merge", fresh, first, "--dry-run")


def test_info_counts_the_whole_province(province):
    info = json.loads(ok("info", province["kanwil"], "--json"))
    assert info["installation_unit"] == "KANWIL"
    assert info["row_counts"]["realisation"] == sum(len(r) for r in REALISATIONS.values())
    with Store.open(province["kanwil"], readonly=True) as store:
        per_unit = dict(store.conn.execute("SELECT unit_code, count(*) FROM realisation GROUP BY unit_code"))
        edited = {r["unit_code"]: (r["inherent_likelihood"], r["inherent_impact"]) for r in store.conn.execute(
            "SELECT unit_code, inherent_likelihood, inherent_impact FROM risk WHERE risk = ?",
            ("Gangguan keamanan dan ketertiban",))}
        statuses = dict(store.conn.execute("SELECT unit_code, status FROM roadmap_item WHERE text = ?",
                                           ("Perbaikan pagar keliling",)))
    assert per_unit == {u: len(REALISATIONS[u]) for u in UNITS}
    assert edited == {u: (4, 5) for u in UNITS}
    assert statuses == {u: "berjalan" for u in UNITS}
    # the unit's own file, for comparison: its realisations and the Kanwil's reference rows
    upt_info = json.loads(ok("info", province["upt"]["RTN-BIMA"], "--json"))
    assert upt_info["installation_unit"] == "RTN-BIMA"
    assert upt_info["row_counts"]["realisation"] == len(REALISATIONS["RTN-BIMA"])


def test_consolidated_capaian_report_shows_both_units(province, tmp_path):
    pdf = tmp_path / "capaian.pdf"
    out = ok("report", "capaian", province["kanwil"], "-o", pdf, "--unit", "SEMUA", "--year", "2026")
    assert "Laporan capaian ditulis" in out
    text = pdf_text(pdf)
    for name in ("Lapas Kelas IIA Lombok Barat", "Rutan Kelas IIB Raba Bima"):
        assert name in text
    for figure in ("3,6", "102,86", "85", "3,1", "91,18", "90", "94,74"):
        assert figure in text, figure
    assert "Tahun 2026" in text


def test_renstra_report_for_one_unit(province, tmp_path):
    pdf = tmp_path / "renstra.pdf"
    ok("report", "renstra", province["kanwil"], "-o", pdf, "--unit", "RTN-BIMA", "--year", "2026")
    text = pdf_text(pdf)
    assert "Rutan Kelas IIB Raba Bima" in text and "Gangguan keamanan" in text   # the risk text wraps
    assert "91,18%" in text and "Perbaikan pagar keliling" in text and "(berjalan)" in text
    assert "Lapas Kelas IIA Lombok Barat" not in text


def test_signed_report_verifies_and_a_later_merge_is_detected(province, tmp_path):
    pki = make_test_pki(tmp_path / "pki")
    password = tmp_path / "sandi.txt"
    password.write_bytes(pki.password + b"\n")
    work = tmp_path / "salinan"
    shutil.copytree(province["root"], work)
    kanwil = work / "kanwil" / "kanwil.renstra"

    report = tmp_path / "capaian.pdf"
    ok("signatory", "set", kanwil, "--name", KEPALA_NAME)    # the head who signs, as printed under the spot
    ok("report", "capaian", kanwil, "-o", report, "--unit", "SEMUA", "--year", "2026")   # spots always prepared
    konseptor, kepala = tmp_path / "konseptor.pdf", tmp_path / "kepala.pdf"
    ok("sign-pdf", report, "--p12", pki.konseptor_p12, "--as", "konseptor", "-o", konseptor,
       "--password-file", password)
    ok("sign-pdf", konseptor, "--p12", pki.kepala_p12, "--as", "kepala", "-o", kepala, "--password-file", password)
    out = ok("verify-pdf", kepala, "--trust", pki.root_pem)
    assert KONSEPTOR_NAME in out and KEPALA_NAME in out and "Semua tanda tangan utuh dan tepercaya" in out

    assert ok("verify-report", kepala, "--db", kanwil).startswith("COCOK")

    bima = work / "rtn-bima" / "rencana.renstra"

    def send(change):
        with Store.open(bima) as store:
            change(PlanService(store, actor="admin-rtn-bima"))
        out = ok("export-package", bima, "-o", work / "kiriman-upt")
        ok("merge", kanwil, Path(out.split("Paket dibuat: ")[1].split("\n")[0]))

    # A semester value under an annual one does not change the year's figure: still COCOK.
    send(lambda s: s.insert("realisation", {"unit_code": "RTN-BIMA", "indicator_code": "IKK 17.1",
                                            "period": "2026-S2", "value": "3,2", "evidence": "LHE semester II"}))
    assert ok("verify-report", kepala, "--db", kanwil).startswith("COCOK")
    # RTN-BIMA corrects its annual value and sends a new package: the signed report no longer matches.
    send(lambda s: s.update("realisation", stable_id("realisation", "RTN-BIMA", "IKK 17.1", "2026"),
                            {"value": "3,2"}))
    code, out, err = run("verify-report", kepala, "--db", kanwil)
    assert code == 3 and out.startswith("TIDAK COCOK") and err == ""


def test_excel_export_holds_both_units(province, tmp_path):
    from openpyxl import load_workbook

    book_path = tmp_path / "provinsi.xlsx"
    ok("export-xlsx", province["kanwil"], "-o", book_path, "--unit", "SEMUA", "--year", "2026")
    book = load_workbook(book_path, read_only=True)
    rows = list(book["Realisasi"].iter_rows(values_only=True))
    assert {r[1] for r in rows[1:]} == set(UNITS)          # column 0 names the unit, column 1 its code
    assert ("Rutan Kelas IIB Raba Bima", "RTN-BIMA", "IKK 17.1", "2026", 3.1, "LKjIP Rutan Bima 2026") in [
        r[:6] for r in rows]                                # then the hidden row id
    book.close()
    from excel_fixtures import SOFFICE, libreoffice_copy
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: the capaian formulas are computed by it here")
    computed = load_workbook(libreoffice_copy(book_path, tmp_path / "lo"), read_only=True, data_only=True)
    indicator = {(r[1], r[2]): r for r in computed["Indikator"].iter_rows(values_only=True)}
    header = next(iter(computed["Indikator"].iter_rows(values_only=True)))
    col = header.index("Capaian 2026 (%)")       # a formula: LibreOffice computes it as the core does
    assert round(indicator[("LPS-LOBAR", "IKK 17.1")][col], 2) == 102.86
    assert round(indicator[("RTN-BIMA", "IKK 17.1")][col], 2) == 91.18
    computed.close()


def test_dump_load_dump_of_the_consolidated_file_is_identical(province, tmp_path):
    first = ok("dump", province["kanwil"])
    plan = tmp_path / "rencana.json"
    plan.write_text(first, encoding="utf-8")
    copy = tmp_path / "salinan.renstra"
    assert "Dimuat" in ok("load", copy, plan)
    assert ok("dump", copy) == first
    assert sha(province["kanwil"]) != sha(copy)       # a new file, not a copy of the bytes
