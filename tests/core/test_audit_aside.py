"""verify's second process (core/audit_aside.py): it builds buckets from the first one up while the
caller checks the chain, the caller builds from the last one down until they meet.  A change in a
bucket only the other process built is named; when that process cannot start, is busy, sees another
file state or dies part way, the caller builds what it did not and the verdict is the same; it ends
quietly when the caller stops listening; the frozen build's entry script runs it."""
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_audit_chain import findings, outside

from renstra_desktop.core import audit_aside, audit_chain
from renstra_desktop.core.schema import TABLES
from renstra_desktop.core.store import Store, readonly_uri

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def every_file(monkeypatch):
    """The second process for every file, however small."""
    monkeypatch.setattr(audit_chain, "ASIDE_MIN_BUCKETS", 0)


@pytest.fixture
def built(monkeypatch):
    """The number of buckets the caller's connection built, per verify (what is left the other
    process built)."""
    counts: list[int] = []
    real_result, real_build = audit_chain._Buckets.result, audit_chain._Buckets._build

    def result(self):
        counts.append(0)
        return real_result(self)

    def build(self, cur, first, last, other=None):
        left = real_build(self, cur, first, last, other)
        counts[-1] += last - max(left, first - 1)
        return left

    monkeypatch.setattr(audit_chain._Buckets, "result", result)
    monkeypatch.setattr(audit_chain._Buckets, "_build", build)
    return counts


def _last_realisation(path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id FROM realisation ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def test_a_change_in_a_bucket_only_the_second_process_built_is_named(merged, every_file, built, monkeypatch):
    path, _ids, _digest = merged
    real_result = audit_chain._Buckets.result

    def after_the_other(self):                  # the other process builds every bucket first
        assert self.other is not None
        self.other.proc.wait(30)
        self.other.reader.join(30)
        return real_result(self)

    monkeypatch.setattr(audit_chain._Buckets, "result", after_the_other)
    assert findings(path) == [] and built == [0]
    row_id = _last_realisation(path)
    outside(path, ("UPDATE realisation SET updated_by = 'luar' WHERE id = ?", (row_id,)))
    assert [(f.kind, f.table, f.row_id) for f in findings(path)] == [("changed", "realisation", row_id)]
    assert built[1] == 0


def test_inside_a_transaction_there_is_no_second_process(merged, every_file, monkeypatch):
    path, _ids, _digest = merged
    started = []
    monkeypatch.setattr(audit_aside, "start", lambda *a: started.append(a))
    with Store.open(path) as store, store.atomic():
        assert audit_chain.verify(store.conn).ok
    assert started == []


def test_the_second_process_is_stopped_when_verify_fails_on_the_way(merged, every_file, monkeypatch):
    """Something raises between the start of the second process and the buckets (here the chain's
    check): the process is stopped then, not left holding its read lock on the file (which would
    keep every write of the window waiting); the file is written afterwards."""
    path, _ids, _digest = merged
    started = []
    real_start = audit_aside.start

    def start(*a):
        started.append(real_start(*a))
        return started[-1]

    def broken(conn, head):
        raise RuntimeError("rusak di tengah jalan")

    monkeypatch.setattr(audit_aside, "start", start)
    monkeypatch.setattr(audit_chain, "_chain_intact", broken)
    hanging = 'import sys, time; sys.stdin.buffer.read(); time.sleep(120)'     # a slow child, still at work
    monkeypatch.setattr(audit_aside, "command", lambda: [sys.executable, "-c", hanging])
    with Store.open(path, readonly=True) as store, pytest.raises(RuntimeError):
        audit_chain.verify(store.conn)
    [other] = started
    assert other.proc.poll() is not None and not other.reader.is_alive()
    conn = sqlite3.connect(path, timeout=0)        # no reader left: a write goes through at once
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE meta SET value = value WHERE key = 'schema'")
        conn.execute("COMMIT")
    finally:
        conn.close()


def _child(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "anak.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    return [sys.executable, "-I", "-S", str(script)]


MODULE = str(ROOT / "renstra_desktop" / "core" / "audit_aside.py")
CHILDREN = {
    "cannot start": None,
    "busy": 'import sys; sys.stdin.buffer.read(); print("busy")',
    "another file state": 'import sys; sys.stdin.buffer.read(); print("9999 " + "0" * 64)',
    # the real module, its output passing through a stand-in that goes wrong after a few lines
    "not this protocol": ("GARBLE", 3),
    "dies part way": ("DIE", 5),
}
GOING_WRONG = '''
    import io, os, runpy, sys
    real = sys.stdout.buffer
    class GoingWrong(io.RawIOBase):
        lines = 0
        def write(self, b):
            self.lines += b.count(b"\\n")
            if self.lines >= LINE and "ACTION" == "DIE":
                real.flush()
                os._exit(9)
            return real.write(b"x y z\\n" if self.lines >= LINE else b)
        def flush(self):
            real.flush()
    runpy.run_path(MODULE)["main"](out=GoingWrong())
'''


REPORTED = {"cannot start": 0, "busy": 0, "another file state": 0, "not this protocol": 1, "dies part way": 3}


@pytest.mark.parametrize("child", list(CHILDREN))
def test_what_the_second_process_did_not_build_the_caller_does(merged, every_file, built, monkeypatch, tmp_path,
                                                                child):
    """Each failing child in turn (the caller waits for it to end first): the change is named all the
    same; what it reported before it went wrong is taken, nothing after."""
    path, _ids, _digest = merged
    body = CHILDREN[child]
    if isinstance(body, tuple):
        body = GOING_WRONG.replace("ACTION", body[0]).replace("LINE", str(body[1]))
    command = [str(tmp_path / "tidak-ada")] if body is None else _child(tmp_path, body.replace("MODULE", repr(MODULE)))
    monkeypatch.setattr(audit_aside, "command", lambda: command)
    real_result = audit_chain._Buckets.result

    def after_the_other(self):
        if self.other is not None:
            self.other.proc.wait(30)
            self.other.reader.join(30)
        return real_result(self)

    monkeypatch.setattr(audit_chain._Buckets, "result", after_the_other)
    row_id = _last_realisation(path)
    outside(path, ("UPDATE realisation SET value = value + 1 WHERE id = ?", (row_id,)))
    with Store.open(path, readonly=True) as store:
        jobs = sum(len(audit_chain.all_buckets(store.conn, t)) for t in TABLES)
        verdict = audit_chain.verify(store.conn)
    assert [(f.kind, f.table, f.row_id) for f in verdict.findings] == [("changed", "realisation", row_id)]
    assert built == [jobs - REPORTED[child]]


def _work(path) -> tuple[str, list[str]]:
    with Store.open(path, readonly=True) as store:
        conn = store.conn
        lines = [f"{t}\t{len(audit_chain.all_buckets(conn, t))}\t"
                 f"{audit_chain.bucket_sql(t, audit_chain.columns(conn, t), blobs=False)}" for t in TABLES]
        expected = [digest for t in TABLES for digest in _digests(conn, t)]
        head = "%d %s" % tuple(audit_chain._last_entry(conn))
    return "\n".join([readonly_uri(path), str(audit_chain.BUCKET_BITS), *lines]) + "\n", [head, *expected]


def _digests(conn, table) -> list[str]:
    found = audit_chain.bucket_digests(conn, table, blobs=False)
    return [f"{d} {n}" if n else "- 0" for d, n in
            (found.get(b, (None, 0)) for b in audit_chain.all_buckets(conn, table))]


def test_the_frozen_builds_entry_script_runs_the_second_process(merged, monkeypatch):
    """packaging/launch.py (the frozen executable's script) given the argument runs the same protocol:
    the head, then each bucket's digest as the caller's connection builds it."""
    path, _ids, _digest = merged
    work, expected = _work(path)
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "launch.py"), audit_aside.ARG],
                          input=work.encode(), capture_output=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0] == expected[0]
    assert [line.split(" ", 1)[1] for line in lines[1:]] == expected[1:]
    assert [int(line.split()[0]) for line in lines[1:]] == list(range(len(expected) - 1))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert audit_aside.command() == [sys.executable, audit_aside.ARG]


def test_the_second_process_ends_quietly_when_the_caller_stops_listening(kanwil_path):
    """A caller killed with kill -9 leaves nobody reading: the other process ends at its next line,
    without a traceback, instead of building on."""
    work = "\n".join([readonly_uri(kanwil_path), "8", "realisation\t10000000\tSELECT 0, NULL"]) + "\n"
    proc = subprocess.Popen(audit_aside.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdin.write(work.encode())
    proc.stdin.close()
    assert proc.stdout.readline()               # the head: it runs
    proc.stdout.close()
    try:
        assert proc.wait(30) == 0
    finally:
        proc.kill()
    assert proc.stderr.read() == b""
    proc.stderr.close()
