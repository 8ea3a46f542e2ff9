"""SQLite's memory count is turned off before a process's first connection (sqlite_setup), and left
alone, with SQLite working as before, once a connection is open.  Each case runs in a fresh process:
the setting is the process's."""
import subprocess
import sys

from renstra_desktop.paths import _CHECKOUT

USED = """
import ctypes, _sqlite3
def used():
    value, peak = ctypes.c_int64(), ctypes.c_int64()
    ctypes.CDLL(_sqlite3.__file__).sqlite3_status64(0, ctypes.byref(value), ctypes.byref(peak), 0)
    return value.value
"""


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", USED + code], capture_output=True, text=True, cwd=_CHECKOUT,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_count_is_off_from_the_first_store_import(tmp_path):
    configured, used = _run(f"""
import sqlite3
from renstra_desktop.core import sqlite_setup, store
conn = sqlite3.connect({str(tmp_path / 'a.db')!r})
conn.execute("CREATE TABLE t (x)"); conn.execute("INSERT INTO t VALUES (randomblob(100000))")
print(sqlite_setup.configure(), used())
""")
    assert (configured, used) == ("True", "0")          # allocations no longer counted


def test_an_open_connection_leaves_sqlite_as_it_is(tmp_path):
    configured, before, rows = _run(f"""
import sqlite3
conn = sqlite3.connect({str(tmp_path / 'a.db')!r})
conn.execute("CREATE TABLE t (x)")
before = used()
from renstra_desktop.core import sqlite_setup
configured = sqlite_setup.configure()
conn.execute("INSERT INTO t VALUES (1)")
print(configured, before > 0 and used() > 0, conn.execute("SELECT count(*) FROM t").fetchone()[0])
""")
    assert (configured, before, rows) == ("False", "True", "1")
