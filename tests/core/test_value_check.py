"""Number cells a plan would refuse, written with another SQLite tool (issue 8): what prints,
exports or sends the plan, and the full check, name the cell in one Indonesian line instead of a
traceback; nothing is written (no key made by a refused export)."""
from __future__ import annotations

import sqlite3

import pytest

from renstra_desktop.core.errors import FileError
from renstra_desktop.core.integrity import full_check
from renstra_desktop.core.packages.keys import key_path
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.reports.build import ReportOptions, build_report
from renstra_desktop.core.store import Store
from renstra_desktop.core.value_check import invalid_numbers


def _tamper(path, sql):
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("value", ["'tiga koma empat'", "1e308", "-5"])
def test_a_bad_number_is_named_by_reports_and_the_full_check(kanwil_path, value):
    _tamper(kanwil_path, f"UPDATE indicator_target SET value = {value} WHERE unit_code = 'KANWIL' AND year = 2026 "
                         "AND indicator_code = 'IKK 17.1'")
    with Store.open(kanwil_path, readonly=True) as store:
        [(table, _id, column, _v)] = invalid_numbers(store.conn)
        assert (table, column) == ("indicator_target", "value")
        with pytest.raises(FileError, match="nilai yang tidak sah.*Target.*laporan tidak dibuat"):
            build_report(store.conn, ReportOptions("capaian", unit="KANWIL", year=2026))
        report = full_check(store.conn, store.path)
    assert not report.ok and "nilai yang tidak sah" in report.message


def test_text_in_a_whole_number_column_is_found_and_a_clean_plan_has_none(kanwil_path):
    with Store.open(kanwil_path, readonly=True) as store:
        assert invalid_numbers(store.conn) == []
    _tamper(kanwil_path, "UPDATE risk SET seq = 'satu' WHERE id = (SELECT min(id) FROM risk)")
    with Store.open(kanwil_path, readonly=True) as store:
        assert [(t, c) for t, _i, c, _v in invalid_numbers(store.conn)] == [("risk", "seq")]


def test_a_refused_export_leaves_no_key_and_takes_no_sequence(upt, tmp_path):
    path = upt.path
    upt.close()
    _tamper(path, "UPDATE indicator_target SET value = 1e308 WHERE id = (SELECT min(id) FROM indicator_target)")
    assert not key_path(path).exists()
    with Store.open(path) as store:
        with pytest.raises(FileError, match="paket tidak dibuat"):
            export_package(store, tmp_path / "keluar.rpkg")
    assert not key_path(path).exists() and not (tmp_path / "keluar.rpkg").exists()
