"""Item 4 of issue 8: a plan's schema is checked on open as strictly as a package's; items 6 and 8:
the integrity scan is not run on every open, its result is one Indonesian line."""
import hashlib
import sqlite3
from pathlib import Path

import pytest
from attack.cases import run_sql as tamper

from renstra_desktop.cli import main
from renstra_desktop.core.errors import FileError
from renstra_desktop.core.store import Store


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


ZERO_FIGURES = ("CREATE TRIGGER nol AFTER INSERT ON package_batch BEGIN "
                "UPDATE realisation SET value = 0 WHERE unit_code != NEW.unit_code; END")
TAMPERED = {
    "a planted trigger": ([ZERO_FIGURES], "pemicu (trigger) asing “nol” pada tabel package_batch"),
    "a view": (["CREATE VIEW ringkas AS SELECT * FROM unit"], "view asing “ringkas”"),
    "an extra table": (["CREATE TABLE catatan (x)"], "tabel asing “catatan”"),
    "an extra index": (["CREATE INDEX cepat ON unit (name)"], "indeks asing “cepat” pada tabel unit"),
    "a dropped guard trigger": (["DROP TRIGGER audit_log_no_update"], "“audit_log_no_update” tidak ada"),
    "a missing column": (["ALTER TABLE risk DROP COLUMN responsible"], "tabel risk berbeda (kolom hilang: responsible)"),
    "an extra column": (["ALTER TABLE funding ADD COLUMN catatan TEXT"], "kolom tambahan: catatan"),
    "no tables": ([f"DROP TABLE {t}" for t in ()] + ["PRAGMA writable_schema = 1",
                                                     "DELETE FROM sqlite_master", "PRAGMA writable_schema = 0"],
                  "tidak berisi satu tabel pun"),
}


@pytest.mark.parametrize("case", TAMPERED)
def test_a_tampered_schema_is_refused_with_what_differs(kanwil_path, case, capsys):
    statements, says = TAMPERED[case]
    tamper(kanwil_path, *statements)
    before = sha(kanwil_path)
    for readonly in (True, False):
        with pytest.raises(FileError) as refused:
            Store.open(kanwil_path, readonly=readonly)
        message = refused.value.message
        assert says in message and "tidak sesuai skema" in message and "\n" not in message
    for argv in (["info", kanwil_path], ["dump", kanwil_path], ["merge", kanwil_path, kanwil_path]):
        assert main([str(a) for a in argv]) == 1
        err = capsys.readouterr().err
        assert says in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert sha(kanwil_path) == before


def test_text_that_is_not_utf8_is_one_indonesian_line(kanwil_path, capsys):
    tamper(kanwil_path, "UPDATE unit SET name = CAST(X'4C6170617320FF4D6174' AS TEXT) WHERE code = 'KANWIL'")
    before = sha(kanwil_path)
    assert main(["dump", str(kanwil_path)]) == 1
    captured = capsys.readouterr()
    assert "bukan UTF-8 sah (kolom name)" in captured.err and len(captured.err.strip().splitlines()) == 1
    assert captured.out == "" and sha(kanwil_path) == before
    assert main(["check", str(kanwil_path)]) == 1       # commands that never read it work; check finds it
    err = capsys.readouterr().err
    assert "bukan UTF-8 sah di unit.name" in err and len(err.strip().splitlines()) == 1
    assert sha(kanwil_path) == before


def test_open_runs_no_integrity_scan(kanwil_path, monkeypatch):
    """Issue 11: PRAGMA quick_check on every open cost 70 ms at 87 MB."""
    seen = []
    real_connect = sqlite3.connect

    def traced(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)
    for readonly in (True, False):
        Store.open(kanwil_path, readonly=readonly).close()
    assert seen and not [s for s in seen if "check" in s.lower()]
    store = Store.open(kanwil_path)
    try:
        store.set_meta("a", "1")             # the first write is preceded by the check
        store.set_meta("b", "2")             # once
    finally:
        store.close()
    assert len([s for s in seen if "quick_check" in s]) == 1


def test_an_integrity_failure_is_one_line_with_the_count(kanwil_path, capsys):
    data = bytearray(kanwil_path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    conn = sqlite3.connect(kanwil_path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'indicator_target'").fetchone()[0]
    conn.close()
    for i in range((root - 1) * page, root * page):      # scramble one table's b-tree page
        data[i] = (data[i] * 7 + 13) % 256
    kanwil_path.write_bytes(bytes(data))
    before = sha(kanwil_path)
    assert main(["check", str(kanwil_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "rusak" in err and "masalah" in err
    assert "Page" not in err and "*** in database" not in err and "salinan cadangan" in err
    assert main(["signatory", "set", str(kanwil_path), "--place", "Bima"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "rusak" in err and "tidak ada yang diubah" in err
    assert sha(kanwil_path) == before


def test_check_of_a_sound_file(kanwil_path, capsys):
    assert main(["check", str(kanwil_path)]) == 0
    out = capsys.readouterr().out
    assert "utuh" in out and "WITA" in out
