"""Bad input of every kind, as a user meets it on the command line.

For every case: a non-zero exit, a message in Indonesian on stderr that says what is wrong and
what to do (one line, unless a list of errors is the point), no Python traceback or raw
sqlite/pyHanko/OS text, and nothing written: every file in the working folder keeps its bytes and
no stray file appears.
"""
from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from pki import make_test_pki

from renstra_desktop.cli import main
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store

# Text that must never reach a user: English from Python, argparse, sqlite, the OS or pyHanko.
ENGLISH = ("Traceback", "Error", "error:", "usage:", "No such file", "Is a directory", "Permission denied",
           "invalid", "constraint", "malformed", "codec", "Expecting", "Unterminated", "choose from",
           "required", "argument", "Errno", "too large", "Exceeds", "not a ", "cannot")


def run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:          # argparse exits on its own
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def tree_state(root: Path) -> dict:
    """Every file below ``root`` with its digest: "nothing written" means this does not change."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def refused(desk, *argv, says=(), list_of_errors=False, stdout_ok=False) -> str:
    """Run a command that must be refused; check the message and that nothing was written."""
    before = tree_state(desk.root)
    code, out, err = run(*argv)
    assert code not in (0, None), (argv, out, err)
    lines = err.strip().splitlines()
    assert lines and lines[0].startswith("renstra-desktop"), err
    if not list_of_errors:
        assert len(lines) == 1, err
    for english in ENGLISH:
        assert english not in err, f"{english!r} in {err!r}"
    for words in says:
        assert words in err, f"{words!r} not in {err!r}"
    if not stdout_ok:
        assert out == "", out
    assert tree_state(desk.root) == before
    return err


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    """Real files made once: the Kanwil's plan, a UPT package, a report PDF, a test PKI."""
    root = tmp_path_factory.mktemp("asli")
    kanwil, upt = root / "kanwil.renstra", root / "upt" / "lobar.renstra"
    assert main(["init", str(kanwil)]) == 0
    assert main(["init", str(upt), "--unit", "LPS-LOBAR"]) == 0
    with Store.open(upt) as store:
        PlanService(store, "admin-upt").insert("realisation", {
            "unit_code": "LPS-LOBAR", "indicator_code": "IKK 17.1", "period": "2026-S1", "value": "3,3",
            "evidence": "LHE semester I"})
    assert main(["export-package", str(upt), "-o", str(root / "lobar.rpkg")]) == 0
    assert main(["report", "capaian", str(kanwil), "-o", str(root / "laporan.pdf"), "--year", "2026"]) == 0
    with Store.open(kanwil, readonly=True) as store:
        from renstra_desktop.core.plan_json import dump_plan
        plan = dump_plan(store)
    return SimpleNamespace(root=root, kanwil=kanwil, plan=plan, pki=make_test_pki(root / "pki"))


@pytest.fixture
def desk(originals, tmp_path, capsys):
    """A user's folder: the good files and the bad ones a user might pick by mistake."""
    root = tmp_path / "meja"
    root.mkdir()
    for name in ("kanwil.renstra", "lobar.rpkg", "laporan.pdf"):
        shutil.copy(originals.root / name, root / name)
    data = (root / "kanwil.renstra").read_bytes()
    (root / "kosong.renstra").write_bytes(b"")
    (root / "terpotong.renstra").write_bytes(data[: len(data) // 3 + 100])
    corrupt = bytearray(data)
    for i in range(8192, 8192 + 4096 * 20, 7):   # pages overwritten in the middle: header intact
        corrupt[i] ^= 0x5A
    (root / "rusak.renstra").write_bytes(bytes(corrupt))
    (root / "data.json").write_text('{"laporan": 1}', encoding="utf-8")
    (root / "map").mkdir()
    (root / "map" / "catatan.txt").write_text("isi folder", encoding="utf-8")
    pkg = bytearray((root / "lobar.rpkg").read_bytes())
    at = pkg.find(b"LHE semester I")
    pkg[at] ^= 0x01                                   # one changed byte inside a row
    (root / "diubah.rpkg").write_bytes(bytes(pkg))
    (root / "terpotong.rpkg").write_bytes(bytes(pkg[: len(pkg) // 2]))
    (root / "sandi-salah.txt").write_text("bukan-sandinya\n", encoding="utf-8")
    (root / "sandi.txt").write_bytes(originals.pki.password + b"\n")
    capsys.readouterr()
    return SimpleNamespace(root=root, plan=root / "kanwil.renstra", pkg=root / "lobar.rpkg",
                           pdf=root / "laporan.pdf", pki=originals.pki, data=originals.plan)


# --- the wrong file given as the plan ---------------------------------------------------------

WRONG_PLAN = {
    "a PDF": ("laporan.pdf", ["bukan berkas Renstra Desktop", "Pilih berkas .renstra"]),
    "a package": ("lobar.rpkg", ["paket satker", "bukan berkas rencana", "gabungkan"]),
    "a JSON file": ("data.json", ["bukan berkas Renstra Desktop", "Pilih berkas .renstra"]),
    "an empty file": ("kosong.renstra", ["kosong", "Pilih berkas rencana yang lain"]),
    "a truncated plan": ("terpotong.renstra", ["terpotong", "salinan cadangan"]),
    "a damaged plan": ("rusak.renstra", ["rusak", "salinan cadangan"]),
    "a folder": ("map", ["folder", "Pilih berkas .renstra"]),
    "a missing file": ("tidak-ada.renstra", ["tidak ditemukan", "Periksa nama"]),
}


@pytest.mark.parametrize("case", WRONG_PLAN)
@pytest.mark.parametrize("command", ["info", "dump", "report", "export-package", "merge", "export-xlsx"])
def test_wrong_file_as_plan(desk, case, command):
    name, says = WRONG_PLAN[case]
    plan = desk.root / name
    argv = {"info": ["info", plan], "dump": ["dump", plan],
            "report": ["report", "capaian", plan, "-o", desk.root / "keluar.pdf"],
            "export-package": ["export-package", plan, "-o", desk.root / "keluar.rpkg"],
            "merge": ["merge", plan, desk.pkg, "--trust-new-keys"],
            "export-xlsx": ["export-xlsx", plan, "-o", desk.root / "keluar.xlsx"]}[command]
    refused(desk, *argv, says=says)


# --- load: the wrong file, or numbers typed wrong ----------------------------------------------

@pytest.mark.parametrize("name, says", [
    ("lobar.rpkg", ["bukan JSON", "dump"]),
    ("kanwil.renstra", ["bukan JSON", "dump"]),
    ("laporan.pdf", ["PDF", "bukan JSON", "dump"]),
    ("kosong.renstra", ["kosong", "dump"]),
    ("map", ["folder", "berkas JSON"]),
    ("tidak-ada.json", ["tidak ditemukan", "Periksa nama"]),
])
def test_load_refuses_what_is_not_plan_json(desk, name, says):
    refused(desk, "load", desk.plan, desk.root / name, says=says)
    refused(desk, "load", desk.root / "baru.renstra", desk.root / name, says=says)


def test_load_refuses_truncated_json_with_the_place(desk):
    text = json.dumps(desk.data, ensure_ascii=False, indent=1)
    (desk.root / "terpotong.json").write_text(text[:5000], encoding="utf-8")
    refused(desk, "load", desk.plan, desk.root / "terpotong.json", says=["terpotong atau rusak", "baris", "dump"])


def _mutated(desk, change, name="salah.json", raw=None) -> Path:
    data = copy.deepcopy(desk.data)
    change(data["tables"])
    text = json.dumps(data, ensure_ascii=False) if raw is None else raw(json.dumps(data, ensure_ascii=False))
    path = desk.root / name
    path.write_text(text, encoding="utf-8")
    return path


def _first(tables, table, **where):
    return next(r for r in tables[table] if all(r[k] == v for k, v in where.items()))


TYPED_WRONG = {
    "decimal comma as text": (lambda t: _first(t, "indicator_target", unit_code="KANWIL", indicator_code="IKK 17.1",
                                               year=2026).update(value="3,4"), "harus berupa angka JSON"),
    "a word for a number": (lambda t: _first(t, "funding", line_code="SK 17", year=2026).update(
        allocation="tujuh ratus"), "harus berupa angka JSON"),
    "true for a number": (lambda t: _first(t, "funding", line_code="SK 17", year=2027).update(allocation=True),
                          "harus berupa angka JSON"),
    "likelihood 9": (lambda t: t["risk"][0].update(inherent_likelihood=9), "harus 1 sampai 5"),
    "likelihood 2.5": (lambda t: t["risk"][0].update(inherent_impact=2.5), "bilangan bulat"),
    "year 2031": (lambda t: t["indicator_target"][0].update(year=2031), "2025–2029"),
    "staff count -3": (lambda t: t["unit"][0].update(staff_count=-3), "tidak boleh negatif"),
    "status unknown": (lambda t: t["roadmap_item"][0].update(status="hampir"), "Pilihan: rencana"),
}


@pytest.mark.parametrize("case", TYPED_WRONG)
def test_load_lists_numbers_typed_wrong_with_their_path(desk, case):
    change, words = TYPED_WRONG[case]
    path = _mutated(desk, change)
    refused(desk, "load", desk.plan, path, says=["1 kesalahan di berkas JSON: $.tables.", words])


def test_load_lists_every_error_at_once(desk):
    def change(t):
        t["indicator_target"][0]["value"] = "3,2"
        t["risk"][0]["inherent_likelihood"] = 0
        t["funding"][0]["allocation"] = "1.234"
    err = refused(desk, "load", desk.plan, _mutated(desk, change), says=["3 kesalahan"], list_of_errors=True)
    assert len(err.strip().splitlines()) == 4


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "1" + "0" * 400, "1" + "0" * 5000])
def test_load_refuses_numbers_that_are_no_numbers(desk, literal):
    """Python's json reads NaN, Infinity and numbers beyond a float; none of them is a figure."""
    def raw(text):
        return text.replace('"value": 3.2', f'"value": {literal}', 1)
    assert '"value": 3.2' in json.dumps(desk.data, ensure_ascii=False)
    path = _mutated(desk, lambda t: None, raw=raw)
    refused(desk, "load", desk.plan, path, says=["angka"], list_of_errors=True)
    refused(desk, "load", desk.root / "baru.renstra", path, says=["angka"], list_of_errors=True)


def test_load_refuses_a_second_row_with_the_same_natural_key(desk):
    def change(t):
        twin = dict(_first(t, "indicator_target", unit_code="KANWIL", indicator_code="IKK 17.1", year=2026))
        twin["id"] = "00000000-0000-4000-8000-000000000001"
        t["indicator_target"].append(twin)
    refused(desk, "load", desk.plan, _mutated(desk, change),
            says=["KANWIL · IKK 17.1 · 2026", "sudah"], list_of_errors=True)


def test_load_refuses_a_row_of_the_file_under_another_id(desk):
    """A JSON row with a new id but the natural key of a row already in the file."""
    def change(t):
        row = _first(t, "indicator_target", unit_code="KANWIL", indicator_code="IKK 17.1", year=2026)
        row["id"] = "00000000-0000-4000-8000-000000000002"
    refused(desk, "load", desk.plan, _mutated(desk, change), says=["KANWIL · IKK 17.1 · 2026", "sudah ada"],
            list_of_errors=True)


@pytest.mark.parametrize("field, value", [("unit_code", "LPS-XXX"), ("owner_unit", "LPS-XXX"),
                                          ("indicator_code", "IKK 99.9")])
def test_load_refuses_codes_that_are_not_in_the_plan(desk, field, value):
    def change(t):
        (t["indicator_target"] if field == "indicator_code" else t["risk"])[0][field] = value
    refused(desk, "load", desk.plan, _mutated(desk, change), says=[value, "tidak ada"], list_of_errors=True)


def test_load_refuses_a_file_for_an_unknown_unit(desk):
    data = copy.deepcopy(desk.data)
    data["installation_unit"] = "LPS-XXX"
    (desk.root / "satker.json").write_text(json.dumps(data), encoding="utf-8")
    refused(desk, "load", desk.root / "baru.renstra", desk.root / "satker.json", says=["LPS-XXX"],
            list_of_errors=True)


# --- packages -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, says", [
    ("kanwil.renstra", ["berkas rencana (.renstra), bukan paket", "Ekspor Paket"]),
    ("laporan.pdf", ["bukan paket Renstra Desktop", "Pilih berkas .rpkg"]),
    ("kosong.renstra", ["kosong", "mengirim ulang"]),
    ("diubah.rpkg", ["tidak sah", "mengirim ulang"]),
    ("terpotong.rpkg", ["terpotong", "mengirim ulang"]),
    ("tidak-ada.rpkg", ["tidak ditemukan", "Periksa nama"]),
])
def test_wrong_or_damaged_package(desk, name, says):
    package = desk.root / name
    refused(desk, "verify-package", package, "--plan", desk.plan, says=says)
    # merge prints its summary per package on stdout, and one line on stderr
    refused(desk, "merge", desk.plan, package, "--trust-new-keys", says=says[:1], stdout_ok=True)


def test_a_damaged_package_in_a_batch_stops_only_itself(desk):
    err = refused(desk, "merge", desk.plan, desk.root / "diubah.rpkg", "--trust-new-keys", stdout_ok=True)
    assert "1 paket ditolak" in err


# --- PDFs and certificates --------------------------------------------------------------------

def test_verify_pdf_of_an_unsigned_report(desk):
    refused(desk, "verify-pdf", desk.pdf, "--trust", desk.pki.root_pem,
            says=["belum ditandatangani", "Tanda tangani"])


@pytest.mark.parametrize("name, says", [
    ("data.json", ["bukan PDF"]), ("kanwil.renstra", ["bukan PDF"]),
    ("tidak-ada.pdf", ["tidak ditemukan", "Periksa nama"]),
])
def test_verify_pdf_of_what_is_not_a_pdf(desk, name, says):
    refused(desk, "verify-pdf", desk.root / name, says=says)


def test_sign_pdf_refusals(desk):
    out = desk.root / "ditandatangani.pdf"
    pki = desk.pki
    common = ["--as", "konseptor", "-o", out]
    refused(desk, "sign-pdf", desk.pdf, "--p12", pki.konseptor_p12, *common, "--password-file",
            desk.root / "sandi-salah.txt", says=["Kata sandi", "salah"])
    refused(desk, "sign-pdf", desk.pdf, "--p12", pki.konseptor_p12, *common, "--password-file",
            desk.root / "tidak-ada.txt", says=["tidak ditemukan", "--password-file"])
    refused(desk, "sign-pdf", desk.pdf, "--p12", desk.root / "data.json", *common, "--password-file",
            desk.root / "sandi.txt", says=["bukan sertifikat PKCS#12"])
    refused(desk, "sign-pdf", desk.plan, "--p12", pki.konseptor_p12, *common, "--password-file",
            desk.root / "sandi.txt", says=["bukan PDF"])
    refused(desk, "sign-pdf", desk.pdf, "--p12", pki.konseptor_p12, "--as", "direktur", "-o", out,
            "--password-file", desk.root / "sandi.txt", says=["direktur", "konseptor, kepala"])


def test_verify_report_refusals(desk):
    refused(desk, "verify-report", desk.root / "data.json", "--db", desk.plan, says=["bukan PDF"])
    refused(desk, "verify-report", "--code", "halo", "--db", desk.plan, says=["bukan kode laporan", "Pindai ulang"])
    refused(desk, "verify-report", desk.pdf, "--db", desk.root / "lobar.rpkg", says=["paket satker"])


# --- options typed wrong ------------------------------------------------------------------------

@pytest.mark.parametrize("argv, says", [
    (["report", "capaian", "{plan}", "-o", "{root}/x.pdf", "--unit", "LPS-XXX"], ["LPS-XXX", "Pilihan: KANWIL"]),
    (["export-xlsx", "{plan}", "-o", "{root}/x.xlsx", "--unit", "LPS-XXX"], ["LPS-XXX", "Pilihan: KANWIL"]),
    (["signatory", "show", "{plan}", "--unit", "LPS-XXX"], ["LPS-XXX", "Pilihan: KANWIL"]),
    (["init", "{root}/baru.renstra", "--unit", "LPS-XXX"], ["LPS-XXX", "Pilihan: KANWIL"]),
    (["init", "{root}/map"], ["adalah folder", "Beri nama berkas"]),
    (["init", "{plan}"], ["sudah ada", "Pilih nama lain"]),
    (["keys", "pin", "{plan}", "LPS-XXX", "1111-2222-3333-4444-5555-6666-7777-8888"], ["LPS-XXX", "Pilihan:"]),
    (["report", "capaian", "{plan}", "-o", "{root}/x.pdf", "--year", "2031"], ["2031", "2025 sampai 2029"]),
    (["export-xlsx", "{plan}", "-o", "{root}/x.xlsx", "--year", "2031"], ["2031", "2025"]),
    (["report", "capaian", "{plan}", "-o", "{root}/x.pdf", "--period", "2026-S3"], ["2026-S3", "2026-S1"]),
    (["report", "capaian", "{plan}", "-o", "{root}/x.pdf", "--year", "2026", "--period", "2027-S1"],
     ["2027-S1", "2026"]),
    (["report", "capaian", "{plan}", "-o", "{root}/x.pdf", "--year", "dua"], ["dua", "bilangan bulat"]),
    (["report", "laporan", "{plan}", "-o", "{root}/x.pdf"], ["laporan", "capaian, risiko"]),
    (["merge", "{plan}"], ["PKG", "--help"]),
    (["info", "{plan}", "--warna"], ["--warna", "--help"]),
    (["bersihkan", "{plan}"], ["bersihkan", "Pilihan: init"]),
])
def test_options_typed_wrong(desk, argv, says):
    argv = [a.format(plan=desk.plan, root=desk.root) for a in argv]
    refused(desk, *argv, says=says)


@pytest.mark.parametrize("command", ["report", "export-xlsx"])
@pytest.mark.parametrize("target, says", [("map", ["folder"]), ("tidak-ada/x.out", ["tidak ada", "folder"])])
def test_output_into_a_folder_or_a_missing_folder(desk, command, target, says):
    out = desk.root / target
    argv = (["report", "capaian", desk.plan, "-o", out] if command == "report"
            else ["export-xlsx", desk.plan, "-o", out])
    refused(desk, *argv, says=says)
    assert not (desk.root.parent / "map.tmp").exists() and not (desk.root / "map.tmp").exists()


# --- the same rules where the window types them ------------------------------------------------

@pytest.mark.parametrize("typed, says", [("1" + "0" * 400, "terlalu besar"), ("3.193.72", "bukan angka"),
                                         ("1.234", "ambigu"), ("tiga", "bukan angka")])
def test_a_number_typed_wrong_in_a_cell_is_refused_and_nothing_written(desk, typed, says):
    """The window writes through PlanService; a typed figure beyond a float became infinity."""
    from renstra_desktop.core.errors import ValidationError
    from renstra_desktop.core.rows import stable_id

    before = tree_state(desk.root)
    with Store.open(desk.plan) as store:
        service = PlanService(store, actor="penguji")
        with pytest.raises(ValidationError, match=says) as refused_value:
            service.update("indicator_target", stable_id("indicator_target", "KANWIL", "IKK 17.1", 2026),
                           {"value": typed})
    assert not any(english in refused_value.value.message for english in ENGLISH)
    assert tree_state(desk.root) == before
