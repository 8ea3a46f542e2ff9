"""The writer thread killed (kill -9) while edits are queued: what was committed is whole and in the
order typed, the file is intact and its audit chain agrees; nothing half-written."""
from __future__ import annotations

import signal
import subprocess
import sys

from conftest_ui import read_db
from renstra_desktop.core.audit_chain import verify
from renstra_desktop.core.store import Store

CHILD = r"""
import os, signal, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from renstra_desktop.core.service import Edit
from renstra_desktop.core.store import Store
from renstra_desktop.ui.main_window import MainWindow

app = QApplication([])
window = MainWindow(Store.open(sys.argv[1]))
controller = window.controller
row_id = sys.argv[2]
taken = []
for i in range(1, 61):                     # 60 edits queued at once, as fast typing would
    controller.apply([Edit("indicator_target", row_id, "value", f"{i},5")], f"ubah {i}",
                     done=lambda ok, i=i: taken.append(i))

def kill_after_some():
    if len(taken) >= 5:                    # some results taken, more still queued or running
        print(len(taken), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    QTimer.singleShot(0, kill_after_some)

QTimer.singleShot(0, kill_after_some)
app.exec()
"""


def test_kill_9_with_queued_edits_leaves_a_whole_file_and_an_ordered_prefix(kanwil_path):
    row_id, before = read_db(kanwil_path, "SELECT id, value FROM indicator_target WHERE unit_code = 'KANWIL' AND "
                                          "indicator_code = 'IKK 17.1' AND year = 2026")[0]
    seq_before = read_db(kanwil_path, "SELECT coalesce(max(seq), 0) FROM audit_log")[0][0]
    child = subprocess.run([sys.executable, "-c", CHILD, str(kanwil_path), row_id], capture_output=True, text=True,
                           timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr
    taken = int(child.stdout.split()[0])
    with Store.open(kanwil_path) as store:                 # opens (and rolls back anything half-done)
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert verify(store.conn).ok                       # the chain and every row's tie agree
        value = store.conn.execute("SELECT value FROM indicator_target WHERE id = ?", (row_id,)).fetchone()[0]
        written = [r[0] for r in store.conn.execute(
            "SELECT new_value FROM audit_log WHERE row_id = ? AND seq > ? ORDER BY seq", (row_id, seq_before))]
    assert value != before
    n = round(value - 0.5)                                 # the last edit committed: "n,5"
    assert taken <= n <= 60                                # every result taken was committed, maybe a few more
    assert len(written) == n                               # edits 1..n, each once, none skipped
    assert [round(float(v) - 0.5) for v in written] == list(range(1, n + 1))
    print(f"results taken before the kill: {taken}; committed: {n} of 60")
