"""Every package the merge must refuse: a clear Indonesian message, and the consolidated file (and
its folder) unchanged byte for byte."""
import sqlite3

import pytest
from package_fixtures import UPT, add_realisations, flip_byte, folder_state, make_unit_plan, rows_of

from renstra_desktop.core.packages import package_format as fmt
from renstra_desktop.core.packages.keys import installation_key, pin_key
from renstra_desktop.core.packages.merge import KeysNotPinned, merge_packages
from renstra_desktop.core.packages.package import PackageError, verify_package
from renstra_desktop.core.packages.package_export import export_package, write_package
from renstra_desktop.core.store import Store, latest_schema_version


@pytest.fixture(scope="module")
def good_package(tmp_path_factory):
    """One genuine UPT package (and its unit's rows) shared by the cases below; each case copies it."""
    folder = tmp_path_factory.mktemp("upt")
    store = make_unit_plan(folder / "lobar.renstra")
    add_realisations(store, months=range(1, 7))
    result = export_package(store, folder / "asli.rpkg")
    rows = {t: rows_of(store, t, UPT) for t in ("realisation", "risk")}
    store.close()
    return result.path, rows, folder / "lobar.renstra"


@pytest.fixture
def case(tmp_path, good_package, kanwil_path):
    """(package path to spoil, unit rows, unit plan path); the Kanwil lives in its own folder."""
    pkg = tmp_path / "paket" / "kiriman.rpkg"
    pkg.parent.mkdir()
    pkg.write_bytes(good_package[0].read_bytes())
    return pkg, good_package[1], good_package[2]


def _merge_refused(kanwil_path, pkg, expected, *, pinned=None):
    """Merge ``pkg`` (trusting new keys unless ``pinned`` gives the unit's pin) and check the refusal."""
    kanwil = Store.open(kanwil_path)
    try:
        if pinned:
            pin_key(kanwil, UPT, pinned, actor="kanwil")
        before = folder_state(kanwil_path.parent)
        report = merge_packages(kanwil, [pkg], actor="kanwil", trust_new_keys=pinned is None)
        result = report.results[0]
        assert result.status == "rejected", result.message
        assert expected in result.message
        assert report.backup is None and not report.ok
    finally:
        kanwil.close()
    assert folder_state(kanwil_path.parent) == before
    return result.message


def _sign(pkg, rows, unit_plan, **kw):
    key = installation_key(unit_plan)
    pkg.unlink()
    write_package(pkg, unit=kw.pop("unit", UPT), schema_version=latest_schema_version(), tables=rows, key=key,
                  sequence=kw.pop("sequence", 99), **kw)


def _scramble_page(pkg, page_no):
    data = bytearray(pkg.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    for i in range(size * (page_no - 1), size * page_no):
        data[i] = (data[i] * 7 + 13) % 256
    pkg.write_bytes(bytes(data))


def _add_sql(sql):
    def spoil(pkg, rows, plan):
        conn = sqlite3.connect(pkg)
        conn.execute(sql)
        conn.commit()
        conn.close()
    return spoil


def _other_sqlite(pkg, rows, plan):
    pkg.unlink()
    conn = sqlite3.connect(pkg)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def _plan_file(pkg, rows, plan):
    pkg.write_bytes(plan.read_bytes())


def _alter_value(pkg, rows, plan):
    data = pkg.read_bytes()
    at = data.index(b"Laporan bulan 3")
    pkg.write_bytes(data[:at] + b"Laporan bulan 9" + data[at + 15:])


def _newer_schema(pkg, rows, plan):
    data = bytearray(pkg.read_bytes())
    data[60:64] = (latest_schema_version() + 1).to_bytes(4, "big")
    pkg.write_bytes(bytes(data))


def _claims_another_key(pkg, rows, plan):
    other = installation_key(plan.parent / "penyusup.renstra")
    _sign(pkg, rows, plan, manifest_overrides={"public_key": other.public_key.hex()})


def _foreign_owner(pkg, rows, plan):
    bad = list(rows["realisation"])
    bad[0] = (bad[0][0], "LPS-SUMBAWA") + bad[0][2:]
    _sign(pkg, {**rows, "realisation": bad}, plan)


def _foreign_unit_code(pkg, rows, plan):
    bad = list(rows["realisation"])
    i = 9   # unit_code: after the nine META columns
    bad[0] = bad[0][:i] + ("LPS-SUMBAWA",) + bad[0][i + 1:]
    _sign(pkg, {**rows, "realisation": bad}, plan)


def _reference_row_from_a_unit(pkg, rows, plan):
    unit_row = ("9c1f0b8e-1d0c-4c3a-9b8e-0d6f6a1e2b3c", UPT, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "x",
                1, 0, 0, "local", "LPS-BARU", 99, "Lapas Baru", "lapas", None, None, None)
    _sign(pkg, {**rows, "unit": [unit_row]}, plan)


def _wrong_counts(pkg, rows, plan):
    counts = {t: 0 for t in fmt.package_schema(latest_schema_version()).tables}
    counts.update({t: len(r) for t, r in rows.items()})
    counts["realisation"] += 1
    _sign(pkg, rows, plan, manifest_overrides={"row_counts": counts})


def _rows_in_a_table_said_empty(pkg, rows, plan):
    """The manifest says a table holding rows is empty (verification reads no table it is told is
    empty without counting it first)."""
    counts = {t: 0 for t in fmt.package_schema(latest_schema_version()).tables}
    counts.update({t: len(r) for t, r in rows.items()})
    counts["realisation"] = 0
    _sign(pkg, rows, plan, manifest_overrides={"row_counts": counts})


def _rows_said_in_an_empty_table(pkg, rows, plan):
    counts = {t: 0 for t in fmt.package_schema(latest_schema_version()).tables}
    counts.update({t: len(r) for t, r in rows.items()})
    counts["roadmap_item"] = 1
    _sign(pkg, rows, plan, manifest_overrides={"row_counts": counts})


def _absurd_counts(pkg, rows, plan):
    counts = {t: 10 ** 9 for t in fmt.package_schema(latest_schema_version()).tables}
    _sign(pkg, rows, plan, manifest_overrides={"row_counts": counts})


def _wrong_digest(pkg, rows, plan):
    _sign(pkg, rows, plan, manifest_overrides={"content_digest": "0" * 64})


def _unknown_unit(pkg, rows, plan):
    moved = {t: [(r[0], "LPS-XYZ") + r[2:9] + ("LPS-XYZ",) + r[10:] for r in rs] for t, rs in rows.items()}
    _sign(pkg, moved, plan, unit="LPS-XYZ")


CASES = [
    ("text file", lambda p, r, u: p.write_text("No\tSatuan Kerja\n1\tKantor Wilayah\n"), "bukan paket"),
    ("empty", lambda p, r, u: p.write_bytes(b""), "kosong"),
    ("other sqlite", _other_sqlite, "bukan paket Renstra Desktop"),
    ("plan file", _plan_file, "berkas rencana (.renstra), bukan paket"),
    ("truncated", lambda p, r, u: p.write_bytes(p.read_bytes()[:-1500]), "terpotong"),
    ("truncated to a page", lambda p, r, u: p.write_bytes(p.read_bytes()[:8192]), "terpotong"),
    ("corrupt page", lambda p, r, u: _scramble_page(p, 3), "rusak"),
    ("corrupt first page", lambda p, r, u: _scramble_page(p, 1), "bukan paket"),
    ("altered value", _alter_value, "Tanda tangan paket kiriman.rpkg tidak sah"),
    ("altered free byte", lambda p, r, u: flip_byte(p, p.stat().st_size - 10), "tidak sah"),
    ("signed by another key", _claims_another_key, "tidak sah"),
    ("newer schema", _newer_schema, "lebih baru"),
    ("trigger", _add_sql("CREATE TRIGGER t AFTER INSERT ON risk BEGIN SELECT 1; END"), "trigger “t”"),
    ("view", _add_sql("CREATE VIEW v AS SELECT * FROM risk"), "view “v”"),
    ("extra table", _add_sql("CREATE TABLE tambahan (x)"), "tabel “tambahan”"),
    ("extra index", _add_sql("CREATE INDEX i ON risk (area)"), "indeks “i”"),
    ("extra column", _add_sql("ALTER TABLE risk ADD COLUMN x TEXT"), "Struktur tabel paket kiriman.rpkg tidak sesuai skema paket (risk)"),
    ("row of another unit", _foreign_owner, "milik/untuk satker LPS-SUMBAWA"),
    ("data for another unit", _foreign_unit_code, "milik/untuk satker LPS-SUMBAWA"),
    ("reference data from a unit", _reference_row_from_a_unit, "Satuan kerja"),
    ("counts differ", _wrong_counts, "tidak utuh"),
    ("rows in a table said empty", _rows_in_a_table_said_empty, "tabel Realisasi berisi 6 baris, manifest menyebut 0"),
    ("rows said in an empty table", _rows_said_in_an_empty_table, "berisi 0 baris, manifest menyebut 1"),
    ("absurd counts", _absurd_counts, "jumlah baris per tabel"),
    ("digest differs", _wrong_digest, "ringkasan (digest)"),
    ("unit not in the directory", _unknown_unit, "tidak ada di direktori satker"),
]


@pytest.mark.parametrize("spoil,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_spoiled_package_is_refused_and_nothing_written(case, kanwil_path, spoil, expected):
    pkg, rows, plan = case
    spoil(pkg, rows, plan)
    _merge_refused(kanwil_path, pkg, expected)
    if expected != "tidak ada di direktori satker":
        with pytest.raises(PackageError, match=expected.replace("(", r"\(").replace(")", r"\)")):
            verify_package(pkg)


def test_absurd_file_size_is_refused_before_reading(case, kanwil_path, monkeypatch):
    monkeypatch.setattr(fmt, "MAX_FILE_BYTES", 4096)
    _merge_refused(kanwil_path, case[0], "terlalu besar")


def test_missing_file_and_folder(case, kanwil_path):
    _merge_refused(kanwil_path, case[0].parent / "tidak-ada.rpkg", "tidak ditemukan")
    _merge_refused(kanwil_path, case[0].parent, "folder")


def test_key_not_pinned_stops_before_anything_is_written(case, kanwil_path):
    kanwil = Store.open(kanwil_path)
    before = folder_state(kanwil_path.parent)
    try:
        with pytest.raises(KeysNotPinned) as info:
            merge_packages(kanwil, [case[0]], actor="kanwil")
    finally:
        kanwil.close()
    fp = verify_package(case[0]).fingerprint
    assert info.value.keys == [(UPT, fp, "kiriman.rpkg")] and fp in info.value.message
    assert folder_state(kanwil_path.parent) == before


def test_key_other_than_the_pinned_one_is_refused_with_both_fingerprints(case, kanwil_path):
    message = _merge_refused(kanwil_path, case[0], "ditandatangani kunci lain", pinned="0123-4567-89AB-CDEF-0123-4567-89AB-CDEF")
    assert verify_package(case[0]).fingerprint in message and "sematkan ulang dengan alasan" in message


def test_own_package_and_packages_between_units_are_refused(case, tmp_path):
    pkg, _, _ = case
    own = make_unit_plan(tmp_path / "sendiri" / "lobar.renstra")
    other = make_unit_plan(tmp_path / "lain" / "sumbawa.renstra", "LPS-SUMBAWA")
    try:
        for store, expected in ((own, "satker berkas ini sendiri"), (other, "hanya menerima paket dari Kantor Wilayah")):
            before = folder_state(store.path.parent)
            report = merge_packages(store, [pkg], actor="x", trust_new_keys=True)
            assert report.results[0].status == "rejected" and expected in report.results[0].message
            assert folder_state(store.path.parent) == before
    finally:
        own.close()
        other.close()
