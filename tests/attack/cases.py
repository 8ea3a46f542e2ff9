"""The attack on the data layer (issue 8), declared once: the good files of a user's desk, the kinds
of bad input, and every entry point of the command line with the slots a bad file can take.

``bench/attack.py`` runs all of it (every kind × every entry point that has its slot, kills, and
simultaneous commands) and prints the figures; ``tests/attack/`` runs a fast subset.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

NUMBER_CELL_READERS_SKIPPED = frozenset({"info", "verify-package", "merge", "keys show", "keys list", "keys pin",
                                         "conflicts list", "conflicts resolve", "signatory show", "signatory set",
                                         "backup"})
UNEXPECTED = "kesalahan tak terduga"          # the CLI's one line for an exception it did not expect

# Text that must never reach a user: English from Python, argparse, sqlite, the OS or pyHanko.
ENGLISH = ("Traceback", "Error", "error:", "usage:", "No such file", "Is a directory", "Permission denied",
           "invalid", "constraint", "malformed", "codec", "Expecting", "Unterminated", "choose from",
           "required", "argument", "Errno", "too large", "Exceeds", "not a ", "cannot", "database",
           "locked", "readonly", "decode")


# -- the desk ------------------------------------------------------------------------------------
def build_originals(root: Path) -> Path:
    """Real files made once with the application: the Kanwil's plan, a UPT's plan, its package, a
    report, the plan as JSON, a test PKI and its password file.  Returns ``root``."""
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from pki import make_test_pki

    from renstra_desktop.cli import main
    from renstra_desktop.core.plan_json import dump_plan, dumps
    from renstra_desktop.core.service import PlanService
    from renstra_desktop.core.store import Store

    root.mkdir(parents=True, exist_ok=True)
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        assert main(["init", str(root / "kanwil.renstra")]) == 0
        assert main(["init", str(root / "lobar.renstra"), "--unit", "LPS-LOBAR"]) == 0
        with Store.open(root / "lobar.renstra") as store:
            PlanService(store, "admin-upt").insert("realisation", {
                "unit_code": "LPS-LOBAR", "indicator_code": "IKK 17.1", "period": "2026-S1", "value": "3,3",
                "evidence": "LHE semester I"})
        assert main(["export-package", str(root / "lobar.renstra"), "-o", str(root / "lobar.rpkg")]) == 0
        assert main(["report", "capaian", str(root / "kanwil.renstra"), "-o", str(root / "laporan.pdf"),
                     "--year", "2026"]) == 0
    with Store.open(root / "kanwil.renstra", readonly=True) as store:
        (root / "rencana.json").write_text(dumps(dump_plan(store)), encoding="utf-8")
        from renstra_desktop.core.excel.export import export_workbook
        export_workbook(store.conn, root / "kanwil.xlsx", "KANWIL", 2026)
    pki = make_test_pki(root / "pki")
    shutil.copy(pki.konseptor_p12, root / "konseptor.p12")
    (root / "sandi.txt").write_bytes(pki.password + b"\n")
    shutil.rmtree(root / "pki")
    with Store.open(root / "lobar.renstra", readonly=True) as store:
        from renstra_desktop.core.packages.keys import installation_key
        (root / "sidik-jari.txt").write_text(installation_key(store.path, create=False).fingerprint)
    return root


def lay_desk(originals: Path, desk: Path) -> Path:
    """A fresh copy of the originals: each run gets its own."""
    shutil.copytree(originals, desk)
    return desk


def tree_state(root: Path) -> dict:
    """Every file below ``root`` with its digest: "nothing written" means this does not change."""
    state = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.exists():
            state[str(path.relative_to(root))] = "link"
        elif path.is_file():
            state[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif not path.is_dir():
            state[str(path.relative_to(root))] = "special"
    return state


# -- kinds of bad input ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    name: str
    slot: str                         # plan | package | json | workbook | pdf | p12 | password | output | target | backup
    make: Callable[[Path], Path]      # builds the bad file in the desk, returns its path
    skip: frozenset = field(default_factory=frozenset)   # entry points where this is not bad input
    says: str = ""                    # words the refusal must hold (a busy file is not "rusak")


def run_sql(path: Path, *statements: str) -> Path:
    """Run SQL on a file as an editor outside the application would."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()
    return path


def _copy(desk: Path, source: str, name: str) -> Path:
    shutil.copy(desk / source, desk / name)
    return desk / name


def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(desk: Path) -> Path:
        (desk / name).write_bytes(data)
        return desk / name
    return make


def _tampered(name: str, *statements: str, source: str = "kanwil.renstra") -> Callable[[Path], Path]:
    return lambda desk: run_sql(_copy(desk, source, name), *statements)


def _cut(source: str, name: str, fraction: float) -> Callable[[Path], Path]:
    def make(desk: Path) -> Path:
        data = (desk / source).read_bytes()
        (desk / name).write_bytes(data[: int(len(data) * fraction) + 100])
        return desk / name
    return make


def _scrambled_middle(desk: Path) -> Path:
    data = bytearray((desk / "kanwil.renstra").read_bytes())
    for i in range(8192, 8192 + 4096 * 20, 7):          # pages overwritten in the middle: header intact
        data[i] ^= 0x5A
    (desk / "rusak.renstra").write_bytes(bytes(data))
    return desk / "rusak.renstra"


def _bad_page_size(desk: Path) -> Path:
    data = bytearray((desk / "kanwil.renstra").read_bytes())
    data[16:18] = (3000).to_bytes(2, "big")
    (desk / "halaman.renstra").write_bytes(bytes(data))
    return desk / "halaman.renstra"


def _other_sqlite(desk: Path) -> Path:
    return run_sql(desk / "lain.sqlite", "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)")


def _fifo(desk: Path) -> Path:
    os.mkfifo(desk / "pipa.renstra")
    return desk / "pipa.renstra"


def _device(desk: Path) -> Path:
    os.symlink("/dev/zero", desk / "perangkat.renstra")
    return desk / "perangkat.renstra"


def _folder(desk: Path) -> Path:
    (desk / "map").mkdir(exist_ok=True)
    (desk / "map" / "catatan.txt").write_text("isi folder")
    return desk / "map"


def _foreign_journal(desk: Path) -> Path:
    """The plan with the hot journal of another plan's interrupted write beside it."""
    from attack.journals import craft_crash

    other = desk / "lain"
    other.mkdir()
    before, after = _copy(desk, "kanwil.renstra", "lain/a.renstra"), _copy(desk, "kanwil.renstra", "lain/b.renstra")
    run_sql(after, "BEGIN", "INSERT INTO meta VALUES ('lampiran', hex(randomblob(60000)))", "COMMIT")
    craft_crash(before, after, other / "c.renstra")
    target = _copy(desk, "kanwil.renstra", "jurnal-lain.renstra")
    for i in range(3):      # this plan went on with its own edits
        run_sql(target, f"INSERT INTO meta VALUES ('catatan{i}', 'x')")
    shutil.copy(other / "c.renstra-journal", desk / "jurnal-lain.renstra-journal")
    shutil.rmtree(other)
    return target


def _wal(desk: Path) -> Path:
    return _tampered("wal.renstra", "PRAGMA journal_mode = WAL")(desk)


def _busy(desk: Path) -> Path:
    """The plan while another connection holds SQLite's exclusive lock (released by ``settle``)."""
    path = _copy(desk, "kanwil.renstra", "dipakai.renstra")
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("INSERT INTO meta VALUES ('dipegang', '1')")
    _HOLDERS.append(conn)
    return path


_HOLDERS: list[sqlite3.Connection] = []


def settle() -> None:
    """Release what a kind holds open (the busy plan's lock)."""
    while _HOLDERS:
        conn = _HOLDERS.pop()
        conn.execute("ROLLBACK")
        conn.close()


def _json(name: str, change: Callable[[dict], object] | None = None, raw: Callable[[str], str] | None = None):
    def make(desk: Path) -> Path:
        data = json.loads((desk / "rencana.json").read_text(encoding="utf-8"))
        if change is not None:
            change(data)
        text = json.dumps(data, ensure_ascii=False)
        if raw is not None:
            text = raw(text)
        (desk / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        return desk / name
    return make


def _first_target(data: dict) -> dict:
    return next(r for r in data["tables"]["indicator_target"] if r["unit_code"] == "KANWIL" and r["value"])


def _stale_json(desk: Path) -> Path:
    """A dump made before someone else's edit: loading it must not revert that edit."""
    path = _json("basi.json")(desk)
    from renstra_desktop.core.rows import stable_id
    from renstra_desktop.core.service import PlanService
    from renstra_desktop.core.store import Store
    with Store.open(desk / "kanwil.renstra") as store:
        PlanService(store, "orang-lain").update(
            "indicator_target", stable_id("indicator_target", "KANWIL", "IKK 17.1", 2026), {"value": "77"})
    return path


def _signed_package(desk: Path, name: str, *, tables=None, sequence=2, overrides=None, unit="LPS-LOBAR") -> Path:
    from renstra_desktop.core.packages.keys import installation_key
    from renstra_desktop.core.packages.package_export import write_package
    from renstra_desktop.core.store import latest_schema_version
    write_package(desk / name, unit=unit, schema_version=latest_schema_version(), tables=tables or {},
                  key=installation_key(desk / "lobar.renstra", create=False), sequence=sequence,
                  manifest_overrides=overrides)
    return desk / name


def _flipped(desk: Path) -> Path:
    data = bytearray((desk / "lobar.rpkg").read_bytes())
    data[data.find(b"LHE semester I")] ^= 0x01
    (desk / "diubah.rpkg").write_bytes(bytes(data))
    return desk / "diubah.rpkg"


def _other_key_package(desk: Path) -> Path:
    """A valid package of LPS-LOBAR signed by another key than the one pinned for it."""
    from renstra_desktop.core.packages.keys import installation_key
    from renstra_desktop.core.newplan import create_plan_file
    from renstra_desktop.core.packages.package_export import export_package
    from renstra_desktop.core.packages.merge import merge_packages
    from renstra_desktop.core.store import Store
    with Store.open(desk / "kanwil.renstra") as kanwil:
        merge_packages(kanwil, [desk / "lobar.rpkg"], actor="kanwil", trust_new_keys=True)
    (desk / "laptop-baru").mkdir()
    with create_plan_file(desk / "laptop-baru" / "lobar.renstra", "LPS-LOBAR") as other:
        installation_key(other.path)
        export_package(other, desk / "kunci-lain.rpkg")
    shutil.rmtree(desk / "laptop-baru")
    return desk / "kunci-lain.rpkg"


def _corrupt_pdf(desk: Path) -> Path:
    data = bytearray((desk / "laporan.pdf").read_bytes())
    middle = len(data) // 2
    data[middle:middle + 2000] = os.urandom(2000)
    xref = data.rfind(b"startxref")
    data[xref:xref + 40] = b"%" * 40
    (desk / "rusak.pdf").write_bytes(bytes(data))
    return desk / "rusak.pdf"


PLAN_KINDS = [
    Kind("empty file", "plan", _bytes("kosong.renstra", b"")),
    Kind("text (TSV) file", "plan", _bytes("tabel.renstra", "No\tSatuan Kerja\n1\tKantor Wilayah\n".encode())),
    Kind("PDF as plan", "plan", lambda d: _copy(d, "laporan.pdf", "laporan-pdf.renstra")),
    Kind("JSON as plan", "plan", lambda d: _copy(d, "rencana.json", "json.renstra")),
    Kind("package as plan", "plan", lambda d: _copy(d, "lobar.rpkg", "paket.renstra")),
    Kind("another SQLite database", "plan", _other_sqlite),
    Kind("newer schema", "plan", _tampered("baru.renstra", "PRAGMA user_version = 99")),
    Kind("no schema version", "plan", _tampered("versi0.renstra", "PRAGMA user_version = 0")),
    Kind("no application id", "plan", _tampered("tanpa-id.renstra", "PRAGMA application_id = 0")),
    Kind("truncated plan", "plan", _cut("kanwil.renstra", "terpotong.renstra", 1 / 3), says="terpotong"),
    Kind("pages scrambled in the middle", "plan", _scrambled_middle),
    Kind("header page size invalid", "plan", _bad_page_size),
    Kind("SQLite magic then noise", "plan", _bytes("bising.renstra", b"SQLite format 3\x00" + os.urandom(8176))),
    Kind("zeros", "plan", _bytes("nol.renstra", bytes(8192))),
    Kind("a folder", "plan", _folder),
    Kind("a missing file", "plan", lambda d: d / "tidak-ada.renstra", skip=frozenset({"load"})),  # load makes it
    Kind("a named pipe", "plan", _fifo, says="bukan berkas biasa"),
    Kind("a device", "plan", _device),
    Kind("planted trigger", "plan", _tampered(
        "pemicu.renstra", "CREATE TRIGGER nol AFTER INSERT ON package_batch BEGIN "
        "UPDATE realisation SET value = 0 WHERE unit_code != NEW.unit_code; END"), says="pemicu (trigger) asing"),
    Kind("a view", "plan", _tampered("view.renstra", "CREATE VIEW v AS SELECT * FROM unit"), says="view asing"),
    Kind("no tables", "plan", _tampered("kosong-skema.renstra", "PRAGMA writable_schema = 1",
                                        "DELETE FROM sqlite_master", "PRAGMA writable_schema = 0")),
    Kind("missing column", "plan", _tampered("kolom.renstra", "ALTER TABLE risk DROP COLUMN responsible"), says="kolom hilang"),
    Kind("extra column", "plan", _tampered("kolom-lebih.renstra", "ALTER TABLE funding ADD COLUMN x TEXT")),
    Kind("extra index", "plan", _tampered("indeks.renstra", "CREATE INDEX i ON unit (name)")),
    Kind("guard trigger dropped", "plan", _tampered("penjaga.renstra", "DROP TRIGGER audit_log_no_update")),
    # commands that never read the unit names work on this file; the full check (check) finds it
    Kind("text that is not UTF-8", "plan", _tampered(
        "utf8.renstra", "UPDATE unit SET name = CAST(X'4C6170617320FF' AS TEXT), address = CAST(X'FF' AS TEXT)"),
        skip=frozenset({"verify-package", "merge", "keys show", "keys list", "keys pin", "conflicts list",
                        "conflicts resolve", "signatory show", "signatory set", "backup", "import-xlsx"})),
    Kind("WAL mode file", "plan", _wal, says="WAL"),
    Kind("journal of another plan beside it", "plan", _foreign_journal, says="bukan miliknya"),
    Kind("held by another process", "plan", _busy, says="dipakai"),
    # a number cell the plan would refuse: what prints, exports or sends the plan, the full check and
    # restore refuse it naming the cell (core/value_check.py); commands that only read other parts or
    # write other rows (a merge, a key pin, a signatory, a backup copy) work on the file as it is
    Kind("text in a number column", "plan", _tampered(
        "teks-angka.renstra", "UPDATE indicator_target SET value = 'tiga koma empat' WHERE unit_code = 'KANWIL'"),
        skip=NUMBER_CELL_READERS_SKIPPED),
    Kind("a value of 1e308", "plan", _tampered(
        "besar.renstra", "UPDATE indicator_target SET value = 1e308 WHERE unit_code = 'KANWIL'"),
        skip=NUMBER_CELL_READERS_SKIPPED),
]

PACKAGE_KINDS = [
    Kind("empty package", "package", _bytes("kosong.rpkg", b"")),
    Kind("truncated package", "package", _cut("lobar.rpkg", "terpotong.rpkg", 0.5)),
    Kind("one byte changed in a row", "package", _flipped),
    Kind("plan as package", "package", lambda d: _copy(d, "kanwil.renstra", "rencana.rpkg")),
    Kind("PDF as package", "package", lambda d: _copy(d, "laporan.pdf", "laporan.rpkg")),
    Kind("JSON as package", "package", lambda d: _copy(d, "rencana.json", "data.rpkg")),
    Kind("another SQLite as package", "package", lambda d: _other_sqlite(d)),
    Kind("folder as package", "package", _folder),
    Kind("missing package", "package", lambda d: d / "tidak-ada.rpkg"),
    Kind("package as a named pipe", "package", lambda d: (os.mkfifo(d / "pipa.rpkg"), d / "pipa.rpkg")[1]),
    Kind("signed package, unknown unit", "package",
         lambda d: _signed_package(d, "asing.rpkg", unit="LPS-ASING"), skip=frozenset({"verify-package"})),
    Kind("signed package, counts lie", "package",
         lambda d: _signed_package(d, "jumlah.rpkg", overrides={"row_counts": {"realisation": 5}})),
    Kind("package signed by another key", "package", _other_key_package),
]

# not bad input (a genuine package numbered 2^53-1 is merged, decided by row versions): the test
# that a later package of the unit is not silenced by it uses this maker
def huge_sequence_package(desk: Path) -> Path:
    return _signed_package(desk, "urutan.rpkg", sequence=2 ** 53 - 1)


JSON_KINDS = [
    Kind("empty JSON", "json", _bytes("kosong.json", b"")),
    Kind("not JSON", "json", _bytes("teks.json", b"ini bukan json")),
    Kind("truncated JSON", "json", lambda d: _bytes("potong.json", (d / "rencana.json").read_bytes()[:5000])(d)),
    Kind("a JSON array", "json", _bytes("larik.json", b"[1, 2, 3]")),
    Kind("PDF as JSON", "json", lambda d: _copy(d, "laporan.pdf", "laporan.json")),
    Kind("plan as JSON", "json", lambda d: _copy(d, "kanwil.renstra", "rencana-sqlite.json")),
    Kind("JSON as a named pipe", "json", lambda d: (os.mkfifo(d / "pipa.json"), d / "pipa.json")[1]),
    Kind("bytes that are not UTF-8", "json", lambda d: _bytes("latin.json", (d / "rencana.json").read_bytes()
                                                               .replace(b"Mataram", b"Mat\xe4ram", 1))(d)),
    Kind("NaN for a number", "json", _json("nan.json", raw=lambda t: t.replace('"value": 3.2', '"value": NaN', 1))),
    Kind("1e400 for a number", "json", _json("besar.json", raw=lambda t: t.replace('"value": 3.2', '"value": 1e400', 1))),
    Kind("words for a number", "json", _json("kata.json", lambda d: _first_target(d).update(value="tiga"))),
    Kind("unknown table", "json", _json("tabel.json", lambda d: d["tables"].update(rahasia=[{"x": 1}]))),
    Kind("another unit's file", "json", _json("satker.json", lambda d: d.update(installation_unit="LPS-ASING"))),
    Kind("nested 100 000 deep", "json", _bytes("dalam.json", b"[" * 100_000 + b"]" * 100_000)),
    Kind("a lone surrogate", "json", _json("surrogate.json", raw=lambda t: t.replace("Mataram", "Mat\\ud800ram", 1))),
    Kind("row_version 2^63", "json", _json("versi.json", lambda d: _first_target(d).update(row_version=2 ** 63))),
    Kind("a value of 1e308", "json", _json("1e308.json", lambda d: _first_target(d).update(value=1e308))),
    Kind("a JSON older than the file", "json", _stale_json),
]

def _workbook(name: str, changes: dict) -> Callable[[Path], Path]:
    """The Kanwil's exported workbook with {(sheet, cell): value} set, as a user's edit in Excel."""
    def make(d: Path) -> Path:
        from openpyxl import load_workbook
        book = load_workbook(d / "kanwil.xlsx")
        for (sheet, cell), value in changes.items():
            book[sheet][cell] = value
        book.save(d / name)
        return d / name
    return make


def _zip_not_workbook(d: Path) -> Path:
    import zipfile
    with zipfile.ZipFile(d / "arsip.xlsx", "w") as archive:
        archive.writestr("isi.txt", "bukan buku kerja")
    return d / "arsip.xlsx"


WORKBOOK_KINDS = [     # import-xlsx (issue 12): every one refused with its sheet, row and column, nothing written
    Kind("empty workbook file", "workbook", _bytes("kosong.xlsx", b""), says="kosong"),
    Kind("text as workbook", "workbook", _bytes("tabel.xlsx", "Satker;IKK\nKANWIL;IKK 17.1\n".encode())),
    Kind("PDF as workbook", "workbook", lambda d: _copy(d, "laporan.pdf", "laporan.xlsx"), says="PDF"),
    Kind("plan as workbook", "workbook", lambda d: _copy(d, "kanwil.renstra", "rencana.xlsx")),
    Kind("an old .xls", "workbook", _bytes("lama.xls", bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)), says=".xls"),
    Kind("truncated workbook", "workbook", _cut("kanwil.xlsx", "terpotong.xlsx", 0.5), says="terpotong"),
    Kind("a zip that is not a workbook", "workbook", _zip_not_workbook),
    Kind("folder as workbook", "workbook", _folder),
    Kind("missing workbook", "workbook", lambda d: d / "tidak-ada.xlsx"),
    Kind("workbook as a named pipe", "workbook", lambda d: (os.mkfifo(d / "pipa.xlsx"), d / "pipa.xlsx")[1]),
    Kind("\"3.2.1\" in a number cell", "workbook", _workbook("angka.xlsx", {("Pendanaan", "E2"): "3.2.1"}),
         says="baris 2, kolom E"),
    Kind("a formula in a value cell", "workbook", _workbook("rumus.xlsx", {("Risiko", "L2"): "=2+2"}), says="rumus"),
    Kind("a header renamed", "workbook", _workbook("judul.xlsx", {("Risiko", "H1"): "Kontrol"}), says="2 masalah"),
    Kind("a period that does not exist", "workbook", _workbook("periode.xlsx", {("Realisasi", "A2"): "KANWIL",
         ("Realisasi", "B2"): "KANWIL", ("Realisasi", "C2"): "IKK 17.1", ("Realisasi", "D2"): "2026-TW5",
         ("Realisasi", "E2"): 3}), says="2026-TW5"),
]

PDF_KINDS = [
    Kind("empty PDF", "pdf", _bytes("kosong.pdf", b"")),
    Kind("truncated PDF", "pdf", _cut("laporan.pdf", "terpotong.pdf", 0.4)),
    Kind("PDF with a damaged middle", "pdf", _corrupt_pdf),
    Kind("JSON as PDF", "pdf", lambda d: _copy(d, "rencana.json", "data.pdf")),
    Kind("plan as PDF", "pdf", lambda d: _copy(d, "kanwil.renstra", "rencana.pdf")),
    Kind("folder as PDF", "pdf", _folder),
    Kind("missing PDF", "pdf", lambda d: d / "tidak-ada.pdf"),
    Kind("PDF as a named pipe", "pdf", lambda d: (os.mkfifo(d / "pipa.pdf"), d / "pipa.pdf")[1]),
    Kind("unsigned report", "pdf", lambda d: d / "laporan.pdf", skip=frozenset({"sign-pdf", "verify-report"})),
]

KEY_KINDS = [
    Kind("not a PKCS#12", "p12", lambda d: _copy(d, "rencana.json", "bukan.p12")),
    Kind("empty PKCS#12", "p12", _bytes("kosong.p12", b"")),
    Kind("missing PKCS#12", "p12", lambda d: d / "tidak-ada.p12"),
    Kind("wrong password", "password", _bytes("salah.txt", b"bukan-sandinya\n")),
    Kind("empty password file", "password", _bytes("sandi-kosong.txt", b"")),
    Kind("missing password file", "password", lambda d: d / "tidak-ada.txt"),
]

OUTPUT_KINDS = [
    Kind("output into a missing folder", "output", lambda d: d / "tidak-ada" / "keluar.out"),
    Kind("output is a folder", "output", _folder, skip=frozenset({"export-package", "backup"})),
    Kind("output is the plan itself", "output", lambda d: d / "kanwil.renstra"),
    Kind("output is an existing package", "output", lambda d: d / "lobar.rpkg",
         skip=frozenset({"report", "export-xlsx", "sign-pdf"})),
    Kind("new plan over an existing file", "target", lambda d: d / "lobar.rpkg"),
    Kind("new plan named like a folder", "target", _folder),
    Kind("new plan at a named pipe", "target", _fifo),
]

BACKUP_KINDS = [    # restore's BACKUP also meets every plan kind
    Kind("another unit's backup", "backup", lambda d: d / "lobar.renstra", says="satker LPS-LOBAR"),
]

KINDS = PLAN_KINDS + PACKAGE_KINDS + JSON_KINDS + WORKBOOK_KINDS + PDF_KINDS + KEY_KINDS + OUTPUT_KINDS + BACKUP_KINDS


# -- entry points --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    name: str
    argv: Callable[[Path, dict], list]
    lists_errors: bool = False        # load lists every error of a JSON file, one per line
    summary_on_stdout: bool = False   # merge prints a line per package on stdout

    def slots(self) -> set[str]:
        probe = _SlotProbe()
        self.argv(Path("/meja"), probe)
        return probe.asked


class _SlotProbe(dict):
    def __init__(self):
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return default


def _fingerprint(d: Path) -> str:
    path = d / "sidik-jari.txt"
    return path.read_text() if path.exists() else "1111-2222-3333-4444-5555-6666-7777-8888"


ENTRIES = [
    Entry("init", lambda d, s: ["init", s.get("target", d / "baru.renstra")]),
    Entry("info", lambda d, s: ["info", s.get("plan", d / "kanwil.renstra")]),
    Entry("dump", lambda d, s: ["dump", s.get("plan", d / "kanwil.renstra")]),
    Entry("load", lambda d, s: ["load", s.get("plan", d / "kanwil.renstra"), s.get("json", d / "rencana.json")],
          lists_errors=True),
    Entry("export-xlsx", lambda d, s: ["export-xlsx", s.get("plan", d / "kanwil.renstra"), "-o",
                                       s.get("output", d / "keluar.xlsx")]),
    Entry("export-package", lambda d, s: ["export-package", s.get("plan", d / "lobar.renstra"), "-o",
                                          s.get("output", d / "keluar.rpkg")]),
    Entry("verify-package", lambda d, s: ["verify-package", s.get("package", d / "lobar.rpkg"), "--plan",
                                          s.get("plan", d / "kanwil.renstra")]),
    Entry("merge", lambda d, s: ["merge", s.get("plan", d / "kanwil.renstra"), s.get("package", d / "lobar.rpkg"),
                                 "--trust-new-keys"], summary_on_stdout=True),
    Entry("keys show", lambda d, s: ["keys", "show", s.get("plan", d / "lobar.renstra")]),
    Entry("keys list", lambda d, s: ["keys", "list", s.get("plan", d / "kanwil.renstra")]),
    Entry("keys pin", lambda d, s: ["keys", "pin", s.get("plan", d / "kanwil.renstra"), "LPS-LOBAR", _fingerprint(d)]),
    Entry("conflicts list", lambda d, s: ["conflicts", "list", s.get("plan", d / "kanwil.renstra")]),
    Entry("conflicts resolve", lambda d, s: ["conflicts", "resolve", s.get("plan", d / "kanwil.renstra"), "1",
                                             "--keep", "package"]),
    Entry("report", lambda d, s: ["report", "capaian", s.get("plan", d / "kanwil.renstra"), "-o",
                                  s.get("output", d / "keluar.pdf"), "--year", "2026"]),
    Entry("verify-report", lambda d, s: ["verify-report", s.get("pdf", d / "laporan.pdf"), "--db",
                                         s.get("plan", d / "kanwil.renstra")]),
    Entry("signatory show", lambda d, s: ["signatory", "show", s.get("plan", d / "kanwil.renstra")]),
    Entry("signatory set", lambda d, s: ["signatory", "set", s.get("plan", d / "kanwil.renstra"), "--place", "Bima"]),
    Entry("sign-pdf", lambda d, s: ["sign-pdf", s.get("pdf", d / "laporan.pdf"), "--p12",
                                    s.get("p12", d / "konseptor.p12"), "--as", "konseptor", "-o",
                                    s.get("output", d / "ditandatangani.pdf"), "--password-file",
                                    s.get("password", d / "sandi.txt")]),
    Entry("verify-pdf", lambda d, s: ["verify-pdf", s.get("pdf", d / "laporan.pdf")]),
    Entry("check", lambda d, s: ["check", s.get("plan", d / "kanwil.renstra")]),
    Entry("backup", lambda d, s: ["backup", s.get("plan", d / "kanwil.renstra"), "-o", s.get("output", d)]),
    Entry("restore", lambda d, s: ["restore", s.get("backup", s.get("plan", d / "kanwil.renstra")),
                                   s.get("target", d / "kanwil.renstra")]),
    Entry("import-xlsx", lambda d, s: ["import-xlsx", s.get("plan", d / "kanwil.renstra"),
                                       s.get("workbook", d / "kanwil.xlsx")], lists_errors=True),
]


def commands() -> set[str]:
    """The commands the code under attack has (bench/attack.py also runs against older code)."""
    from renstra_desktop.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return set(sub.choices)


def pairs(kinds=None, entries=None):
    """Every (kind, entry) where the entry has the kind's slot."""
    have = commands()
    for kind in kinds or KINDS:
        for entry in entries or [e for e in ENTRIES if e.name.split()[0] in have]:
            if kind.slot in entry.slots() and entry.name not in kind.skip:
                yield kind, entry


# -- one run ---------------------------------------------------------------------------------------
@dataclass
class Outcome:
    kind: str
    entry: str
    verdict: str          # refused | accepted | changed | unclear | traceback | hang
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.verdict == "refused"


class Hang(Exception):
    """A command did not finish within HANG_SECONDS (e.g. it opened a named pipe and waits forever)."""


HANG_SECONDS = 8


def _alarm(signum, frame):
    raise Hang(f"hangs (no answer after {HANG_SECONDS} s)")


def run_cli(argv: list) -> tuple[int, str, str, str | None]:
    """The command line in this process: (exit code, stdout, stderr, escaped exception or None)."""
    import signal

    from renstra_desktop.cli import main

    out, err = io.StringIO(), io.StringIO()
    escaped = None
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:     # noqa: BLE001 - an escaped exception is what is counted
            code, escaped = -1, f"{type(exc).__name__}: {str(exc)[:120]}"
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    return code, out.getvalue(), err.getvalue(), escaped


def attack(kind: Kind, entry: Entry, desk: Path) -> Outcome:
    """Give ``entry`` the bad file of ``kind`` in a fresh ``desk``; judge what happened."""
    bad = kind.make(desk)
    try:
        before = tree_state(desk)
        code, out, err, escaped = run_cli(entry.argv(desk, {kind.slot: bad}))
        after = tree_state(desk)
    finally:
        settle()
    if escaped:
        return Outcome(kind.name, entry.name, "hang" if escaped.startswith("Hang") else "traceback", escaped)
    if "Traceback" in err or UNEXPECTED in err:    # the CLI logs a defect and says "kesalahan tak terduga"
        return Outcome(kind.name, entry.name, "traceback", err.strip().splitlines()[-1][:160])
    if after != before:
        changed = sorted(set(after.items()) ^ set(before.items()))
        return Outcome(kind.name, entry.name, "changed", f"exit {code}; {changed[0][0]}")
    if code == 0:
        return Outcome(kind.name, entry.name, "accepted", out.strip().splitlines()[-1][:160] if out.strip() else "")
    lines = [line for line in err.strip().splitlines() if not line.endswith("menunggu…")]
    if not lines or not lines[0].startswith("renstra-desktop"):
        return Outcome(kind.name, entry.name, "unclear", f"exit {code}; stderr {err[:160]!r}")
    if len(lines) != 1 and not entry.lists_errors:
        return Outcome(kind.name, entry.name, "unclear", f"{len(lines)} lines: {err[:160]!r}")
    english = [w for w in ENGLISH if w in err]
    if english:
        return Outcome(kind.name, entry.name, "unclear", f"English {english[0]!r}: {err.strip()[:160]!r}")
    if out and not entry.summary_on_stdout:
        return Outcome(kind.name, entry.name, "unclear", f"stdout {out[:80]!r}")
    if kind.says and kind.says not in lines[0]:
        return Outcome(kind.name, entry.name, "unclear", f"wrong reason (not “{kind.says}”): {lines[0][:160]!r}")
    return Outcome(kind.name, entry.name, "refused", lines[0][:200])
