"""Packages out of order (issue 8): a lost export counter or a package with sequence 2^53-1 made every
later genuine package "lebih lama", ignored with exit 0.  Rows are decided by their versions; a package
out of order that carries data is merged and marked to be acted on; one that brings nothing changes
nothing; the merging file's own package tells the unit the last sequence it merged."""
import json

import pytest
from package_fixtures import UPT, add_realisations, folder_state, merge_trusting, rows_of

from renstra_desktop.cli import main
from renstra_desktop.core.packages import package_format as fmt
from renstra_desktop.core.packages.keys import installation_key, peek_sequence, sequence_path
from renstra_desktop.core.packages.merge_conflicts import received_packages
from renstra_desktop.core.packages.package_export import export_package, write_package
from renstra_desktop.core.service import PlanService



merge = merge_trusting


def count(store, table="realisation", unit=UPT):
    return store.conn.execute(f"SELECT count(*) FROM {table} WHERE owner_unit = ? AND deleted = 0",
                              (unit,)).fetchone()[0]


def test_a_lost_export_counter_no_longer_hides_new_data(upt, out, kanwil_store, capsys):
    ids = add_realisations(upt, months=[1])
    for month in (2, 3):
        add_realisations(upt, months=[month])
        merge(kanwil_store, export_package(upt, folder=out).path)
    merge(kanwil_store, export_package(upt, folder=out).path)
    assert received_packages(kanwil_store.conn)[0]["sequence"] == 3
    # A new laptop with the folder copied from before the first export: the counter is gone.
    sequence_path(upt.path).unlink()
    add_realisations(upt, months=[4])
    PlanService(upt, "admin-upt").update("realisation", ids[0], {"value": "7,5"})
    pkg = export_package(upt, folder=out)
    assert pkg.manifest["sequence"] == 1

    report = merge(kanwil_store, pkg.path)
    [result] = report.results
    assert result.status == "merged" and result.out_of_order_after == 3 and result.needs_attention
    assert not report.ok and result.message.startswith("PERIKSA: paket urutan 1 datang sesudah urutan 3")
    assert result.tables["realisation"]["new"] == 1 and result.tables["realisation"]["updated"] == 1
    assert count(kanwil_store) == 4
    assert kanwil_store.conn.execute("SELECT value FROM realisation WHERE id = ?", (ids[0],)).fetchone()[0] == 7.5
    [last] = received_packages(kanwil_store.conn)
    assert last["sequence"] == 1 and last["out_of_order"] == 1

    # The command line exits 1 and says why on stderr.
    add_realisations(upt, months=[5])
    again = export_package(upt, folder=out).path
    code = main(["merge", str(kanwil_store.path), str(again), "--trust-new-keys"])
    _, err = capsys.readouterr()
    assert code == 1 and "tidak berurutan" in err and again.name in err


def test_a_package_with_the_highest_sequence_does_not_block_later_ones(upt, out, kanwil_store):
    add_realisations(upt, months=[1])
    huge = out / "besar.rpkg"
    write_package(huge, unit=UPT, schema_version=upt.schema_version, key=installation_key(upt.path),
                  sequence=fmt.MAX_SEQUENCE, tables={t: rows_of(upt, t, UPT) for t in ("realisation",)})
    assert merge(kanwil_store, huge).results[0].status == "merged"
    add_realisations(upt, months=[2, 3])
    genuine = merge(kanwil_store, export_package(upt, folder=out).path)
    [result] = genuine.results
    assert result.status == "merged" and result.tables["realisation"]["new"] == 2
    assert result.out_of_order_after == fmt.MAX_SEQUENCE and not genuine.ok
    assert count(kanwil_store) == 3


def test_a_late_package_that_brings_nothing_changes_nothing(upt, out, kanwil_store):
    ids = add_realisations(upt, months=[1, 2])
    first = export_package(upt, folder=out).path
    PlanService(upt, "admin-upt").update("realisation", ids[0], {"value": "9"})
    second = export_package(upt, folder=out).path
    merge(kanwil_store, second)
    before = folder_state(kanwil_store.path.parent)
    report = merge(kanwil_store, first)
    [result] = report.results
    assert result.status == "older" and report.ok and not result.needs_attention
    assert "tidak membawa data baru" in result.message and report.backup is None
    assert [(n.row_id, n.status) for n in result.notes] == [(ids[0], "older")]
    assert result.notes[0].fields["value"] == (9.0, 3.1)
    assert folder_state(kanwil_store.path.parent) == before


def test_the_kanwil_package_tells_the_unit_where_its_counter_resumes(upt, out, tmp_path, kanwil_store):
    add_realisations(upt, months=[1])
    for _ in range(3):
        merge(kanwil_store, export_package(upt, folder=out).path)
    kanwil_pkg = export_package(kanwil_store, folder=tmp_path)
    assert kanwil_pkg.manifest["received"] == {UPT: 3}
    sequence_path(upt.path).unlink()                 # the unit's counter is lost
    assert peek_sequence(upt.path) == 1
    result = merge(upt, kanwil_pkg.path).results[0]
    assert result.status == "merged" and "dilanjutkan sesudah 3" in result.message
    assert peek_sequence(upt.path) == 4
    assert export_package(upt, folder=out).manifest["sequence"] == 4


def test_a_hint_at_the_limit_is_ignored(upt, tmp_path):
    from renstra_desktop.core.packages.keys import resume_sequence_above

    assert not resume_sequence_above(upt.path, fmt.MAX_SEQUENCE)
    assert resume_sequence_above(upt.path, 41) and peek_sequence(upt.path) == 42
    assert not resume_sequence_above(upt.path, 12) and peek_sequence(upt.path) == 42


def test_manifest_version_1_is_still_read_and_received_is_checked(upt, tmp_path):
    pkg = export_package(upt, folder=tmp_path)
    manifest = dict(pkg.manifest)
    v1 = {k: v for k, v in manifest.items() if k != "received"} | {"format_version": 1}
    assert fmt.parse_manifest(json.dumps(v1), upt.schema_version)["received"] == {}
    for bad in ({"lps-lobar": 1}, {UPT: 0}, {UPT: fmt.MAX_SEQUENCE + 1}, [UPT]):
        with pytest.raises(fmt.PackageError, match="nomor urut paket yang diterima"):
            fmt.parse_manifest(json.dumps(manifest | {"received": bad}), upt.schema_version)
    with pytest.raises(fmt.PackageError, match="tidak dikenal"):
        fmt.parse_manifest(json.dumps(manifest | {"format_version": 3}), upt.schema_version)
