"""The short audit digests of a package's rows built ahead, on the merge's helper thread from the
package's own database (audit_chain.Ahead): they are the digests the file gives for the same rows —
the same compact entries, byte for byte, as a merge that reads the rows back from the file — for
awkward values too; a write that does not insert every row of the chunk builds them from the file;
a merge already waiting for the package does without them.  The file verifies after each."""
import shutil
import sqlite3
import threading
from contextlib import closing

import pytest
from package_fixtures import UPT, add_realisations, make_unit_plan, merge_trusting

from renstra_desktop.core import row_writer
from renstra_desktop.core.audit import accept_outside_changes
from renstra_desktop.core.audit_chain import verify
from renstra_desktop.core.packages.package import PackageReader
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store

AWKWARD = ['kutip "ganda" dan \\ garis miring', "baris\nbaru\ttab", "ünïcödé · ‘kutip’ — ✓ 🙂", "", "\x01 kendali"]
VALUES = [0.1, 1e-7, 123456.789, 5.0, 3, 2.675, 1 / 3, 99.99999999999999, 0.0, 7e5, 42.5, 999999.999999]


def _awkward_package(folder, unit: str):
    """A unit's package with realisations of awkward values and texts, one of them deleted (a
    tombstone) and a risk with empty lists."""
    store = make_unit_plan(folder / "unit.renstra", unit)
    try:
        service = PlanService(store, actor="admin-upt")
        ids = [service.insert("realisation", {"unit_code": unit, "indicator_code": "IKK 17.1", "period": f"2026-{m:02d}",
                                              "value": value, "evidence": AWKWARD[m % len(AWKWARD)]})[0]
               for m, value in zip(range(1, 13), VALUES)]
        service.delete("realisation", ids[-1])
        service.insert("risk", {"unit_code": unit, "program_code": "PPH", "area": "Pelayanan", "seq": 98,
                                "risk": AWKWARD[2], "treatments": [], "success_indicators": []})
        return export_package(store, folder=folder).path
    finally:
        store.close()


@pytest.fixture
def always_ahead(monkeypatch):
    """The helper builds the digests even when the merge already waits (timing would decide otherwise),
    and what each write of a package's rows took: (rows, taken ahead)."""
    real_ahead, real_takes = PackageReader.digest_ahead, row_writer.RowWriter._takes
    taken = []

    def takes(ahead, span, inserted, origin, cols):
        found = real_takes(ahead, span, inserted, origin, cols)
        if ahead is not None:
            taken.append((len(inserted), found))
        return found

    monkeypatch.setattr(PackageReader, "digest_ahead", lambda self, stop=None: real_ahead(self))
    monkeypatch.setattr(row_writer.RowWriter, "_takes", staticmethod(takes))
    return taken


def _entries(path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT table_name, row_id, action, new_value, row_digest FROM audit_log "
                            "WHERE table_name != 'unit_key_pin' ORDER BY seq").fetchall()


def _merged(kanwil_path, target, packages, monkeypatch, *, ahead: bool):
    shutil.copy(kanwil_path, target)
    with monkeypatch.context() as m:
        if not ahead:
            m.setattr(PackageReader, "ahead_for", lambda self, table, chunk: None)
        with Store.open(target) as store:
            report = merge_trusting(store, *packages)
            assert all(r.status == "merged" for r in report.results), [r.message for r in report.results]
            assert verify(store.conn).ok
    return _entries(target)


def test_digests_built_ahead_are_the_ones_the_file_gives(kanwil_path, tmp_path, monkeypatch, always_ahead):
    """Three units' packages: the second and third are prepared by the helper while the one before
    commits; their compact entries are those of a merge reading the rows back."""
    packages = [_awkward_package(tmp_path / unit, unit) for unit in (UPT, "LPS-SUMBAWA", "RTN-PRAYA")]
    with_ahead = _merged(kanwil_path, tmp_path / "ahead.renstra", packages, monkeypatch, ahead=True)
    assert always_ahead.count((12, True)) == 2                  # the realisations of the second and third
    assert len(always_ahead) >= 6 and all(found for _n, found in always_ahead)   # and their other tables
    assert with_ahead == _merged(kanwil_path, tmp_path / "file.renstra", packages, monkeypatch, ahead=False)


def test_a_chunk_with_a_row_left_out_builds_its_digests_from_the_file(kanwil_path, tmp_path, always_ahead):
    """A row breaking the value rules is rejected: the rows written are not the chunk's, so the write
    builds their digests from the file; the file verifies."""
    first = make_unit_plan(tmp_path / "first" / "unit.renstra", "LPS-SUMBAWA")
    add_realisations(first, months=[1, 2])
    packages = [export_package(first, folder=tmp_path / "first").path]
    first.close()
    upt = make_unit_plan(tmp_path / "upt" / "unit.renstra")
    ids = add_realisations(upt, months=[1, 2, 3])
    upt.conn.execute("UPDATE realisation SET period = '2031-01' WHERE id = ?", (ids[0],))
    accept_outside_changes(upt, actor="admin", reason="uji: periode di luar rencana")
    packages.append(export_package(upt, folder=tmp_path / "upt").path)
    upt.close()
    with Store.open(kanwil_path) as kanwil:
        result = merge_trusting(kanwil, *packages).results[1]
        assert result.tables["realisation"]["rejected"] == 1 and result.tables["realisation"]["new"] == 2
        assert (2, False) in always_ahead                 # built for 3 rows, 2 written: not taken
        assert verify(kanwil.conn).ok


def _package(tmp_path, months=(1, 2)):
    upt = make_unit_plan(tmp_path / "upt" / "unit.renstra")
    add_realisations(upt, months=list(months))
    try:
        return export_package(upt, folder=tmp_path).path
    finally:
        upt.close()


def test_digests_built_ahead_are_for_that_chunk_only(tmp_path):
    """The digests are taken for the very chunk they were built for, once."""
    package = _package(tmp_path)
    with PackageReader.open(package) as reader:
        reader.verify(texts=True)
        reader.digest_ahead()
        [chunk] = list(reader.chunks("realisation"))
        assert reader.ahead_for("realisation", list(chunk)) is None        # another list: not taken
    with PackageReader.open(package) as reader:
        reader.verify(texts=True)
        reader.digest_ahead()
        [chunk] = list(reader.chunks("realisation"))
        ahead = reader.ahead_for("realisation", chunk)
        assert ahead.origin == reader.package_digest and ahead.ids == [r[0] for r in chunk]
        assert len(ahead.short) == 2 * 8
        assert reader.ahead_for("realisation", chunk) is None              # taken once


def test_a_merge_waiting_for_the_package_does_without_them(tmp_path):
    """Once the merge waits for the package (the helper is late), the helper builds no more digests:
    the write reads the rows back instead of waiting longer."""
    package = _package(tmp_path)
    waiting = threading.Event()
    waiting.set()
    with PackageReader.open(package) as reader:
        reader.verify(texts=True)
        reader.digest_ahead(waiting)
        [chunk] = list(reader.chunks("realisation"))
        assert reader.ahead_for("realisation", chunk) is None
