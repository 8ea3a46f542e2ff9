"""Item 2 of issue 8: a plan held by another process is waited for and then called busy (by whom
when known), never damaged; nothing is changed.  Real second processes hold SQLite's locks."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from renstra_desktop.cli import main
from renstra_desktop.core.errors import FileBusy
from renstra_desktop.core.file_lock import WAIT_ENV
from renstra_desktop.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute(sys.argv[2])                                  # BEGIN EXCLUSIVE or BEGIN IMMEDIATE
conn.execute("INSERT INTO meta (key, value) VALUES ('dipegang', '1')")
print("ready", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""
RENSTRA_HOLDER = """
import sys
from renstra_desktop.core import store as store_mod
store_mod.hold_writer_lock_while_open("renstra-desktop merge")
store = store_mod.Store.open(sys.argv[1])
store.conn.execute("BEGIN IMMEDIATE")
print("ready", flush=True)
sys.stdin.readline()
store.conn.execute("ROLLBACK")
store.close()
"""
WINDOW = """
import sys
from renstra_desktop.core.store import Store
store = Store.open(sys.argv[1])          # as the window keeps its file open, idle
store.conn.execute("SELECT count(*) FROM unit").fetchone()
print("ready", flush=True)
sys.stdin.readline()
store.close()
"""


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Holder:
    def __init__(self, script: str, *args: str):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.proc.stdout.readline().strip() == "ready"

    def release(self):
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.wait(timeout=30) == 0
        self.proc.stdout.close()
        self.proc.stdin.close()


@pytest.fixture(autouse=True)
def short_wait(monkeypatch):
    monkeypatch.setenv(WAIT_ENV, "0.6")


def test_an_exclusive_lock_is_busy_not_damaged(kanwil_path):
    holder = Holder(HOLDER, str(kanwil_path), "BEGIN EXCLUSIVE")
    try:
        for readonly in (True, False):
            with pytest.raises(FileBusy) as busy:
                Store.open(kanwil_path, readonly=readonly)
            message = busy.value.message
            assert "sedang dipakai" in message and "Tidak ada yang diubah" in message
            assert "rusak" not in message and "cadangan" not in message
            assert "PID" in message                          # /proc/locks names the holder
    finally:
        holder.release()
    with Store.open(kanwil_path) as store:
        assert store.meta("dipegang") is None


def test_a_reserved_lock_lets_readers_read_and_writers_wait_then_refuse(kanwil_path):
    holder = Holder(HOLDER, str(kanwil_path), "BEGIN IMMEDIATE")
    try:
        with Store.open(kanwil_path, readonly=True) as store:
            assert store.unit_code == "KANWIL"
        store = Store.open(kanwil_path)
        try:
            with pytest.raises(FileBusy, match="sedang dipakai"):
                store.set_meta("milik", "saya")
        finally:
            store.close()
    finally:
        holder.release()
    with Store.open(kanwil_path) as store:
        assert store.meta("milik") is None
        store.set_meta("milik", "saya")                       # free again: the write goes through
        assert store.meta("milik") == "saya"


def test_the_command_line_says_busy_and_who_in_one_line(kanwil_path, capsys):
    before = sha(kanwil_path)
    holder = Holder(HOLDER, str(kanwil_path), "BEGIN EXCLUSIVE")
    try:
        for argv in (["info", kanwil_path], ["dump", kanwil_path],
                     ["keys", "pin", kanwil_path, "LPS-LOBAR", "1111-2222-3333-4444-5555-6666-7777-8888"]):
            assert main([str(a) for a in argv]) == 1
            captured = capsys.readouterr()
            lines = captured.err.strip().splitlines()
            assert lines[0].endswith("menunggu…") and "sedang dipakai" in lines[-1]
            assert len(lines) == 2 and "Traceback" not in captured.err and "rusak" not in captured.err
            assert captured.out == ""
    finally:
        holder.release()
    assert sha(kanwil_path) == before


def test_another_renstra_writer_is_named(kanwil_path):
    holder = Holder(RENSTRA_HOLDER, str(kanwil_path))
    try:
        store = Store.open(kanwil_path)
        try:
            with pytest.raises(FileBusy) as busy:
                store.set_meta("x", "1")
        finally:
            store.close()
        assert "Renstra Desktop (renstra-desktop merge, PID" in busy.value.message
        from renstra_desktop.core import store as store_mod
        store_mod.hold_writer_lock_while_open("renstra-desktop load")
        try:
            with pytest.raises(FileBusy, match="renstra-desktop merge"):
                Store.open(kanwil_path)
        finally:
            store_mod.hold_writer_lock_while_open(None)
    finally:
        holder.release()
    assert not Path(str(kanwil_path) + ".dipakai").exists()


def test_the_windows_own_open_blocks_nobody(kanwil_path, tmp_path, capsys):
    """The window keeps its file open all day: commands still read and write it."""
    window = Holder(WINDOW, str(kanwil_path))
    try:
        assert main(["info", str(kanwil_path)]) == 0
        assert main(["signatory", "set", str(kanwil_path), "--place", "Bima"]) == 0
        assert "disimpan" in capsys.readouterr().out
    finally:
        window.release()
    assert main(["signatory", "show", str(kanwil_path)]) == 0
    assert "Bima" in capsys.readouterr().out
