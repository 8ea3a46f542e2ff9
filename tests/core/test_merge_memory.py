"""Memory of a batch of large packages (issue 8: with keys pinned, 200 large packages peaked at 1.36 GB
instead of the intended 256 MB).  The rows of a package stream through verification and the merge in
chunks, and at most the budget of package bytes is held; bench/merge.py --memory measures the real
sizes, this test the shape: Python's allocations stay near one package's size, not a multiple."""
import tracemalloc

import pytest
from package_fixtures import UPT, make_unit_plan

from renstra_desktop.core.audit import accept_outside_changes
from renstra_desktop.core.packages import merge as merge_mod
from renstra_desktop.core.packages import package_format as fmt
from renstra_desktop.core.packages.keys import installation_key, pin_key
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.package_export import export_package


def _large_unit_package(tmp_path, rows: int):
    store = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    with store.atomic():
        store.conn.execute(
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?) "
            "INSERT INTO risk (id, owner_unit, created_at, updated_at, updated_by, row_version, base_version, deleted, "
            "origin, unit_code, program_code, area, seq, risk, cause, current_control, treatments, responsible, "
            "success_indicators) SELECT lower(printf('%08x-0000-4000-8000-%012x', i, i)), ?, "
            "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z', 'admin', 1, 0, 0, 'local', ?, 'PPH', "
            "'Pelayanan', 1000 + i, 'Risiko pelayanan nomor ' || i || ': antrean kunjungan panjang pada hari libur', "
            "'Keterbatasan petugas dan sarana ruang kunjungan', 'SOP kunjungan dan pengawasan berjenjang', "
            "'[\"Pelatihan petugas\", \"Pengawasan melekat\"]', 'Kepala Seksi Pelayanan', '[\"Nihil kejadian\"]' "
            "FROM k", (rows, UPT, UPT))
    # rows made with SQL for speed: accepted as an administrator would, so the package is signed
    accept_outside_changes(store, actor="admin", reason="uji: baris dibuat langsung dengan SQL")
    pkg = export_package(store, folder=tmp_path)
    fp = installation_key(store.path).fingerprint
    store.close()
    return pkg.path, fp


@pytest.mark.parametrize("budget", [0, 256 * 1024 * 1024])
def test_python_memory_of_a_large_merge_stays_near_one_package(tmp_path, kanwil_store, monkeypatch, budget):
    path, fp = _large_unit_package(tmp_path, 20_000)
    size = path.stat().st_size
    pin_key(kanwil_store, UPT, fp, actor="kanwil")                    # keys pinned: every package opened first
    monkeypatch.setattr(fmt, "CHUNK_ROWS", 1000, raising=False)
    monkeypatch.setattr(merge_mod, "BATCH_MEMORY", budget)
    tracemalloc.start()
    try:
        report = merge_packages(kanwil_store, [path], actor="kanwil")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.ok and report.results[0].tables["risk"]["new"] == 20_009
    # bytes kept for the merge (at most one copy) plus a chunk's rows; before: the package's bytes, every
    # row as Python objects (~2.5x the file) and its canonical JSON.
    assert peak < 2.2 * size, (peak, size)
