"""A large merge's packages verified in a second process (packages/merge_aside.py): the merge takes
them from it and the result is exactly the helper thread's — the same report, the same rows, the same
audit entries; a package it declines (damaged, too large) the merge opens itself and reports why;
when it dies, cannot start or talks nonsense, the merge verifies the rest itself and finishes."""
import io
import marshal
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
from package_fixtures import add_realisations, flip_byte, make_unit_plan, merge_trusting, plan_content

from renstra_desktop.core import row_writer
from renstra_desktop.core.audit_chain import verify
from renstra_desktop.core.packages import merge_aside
from renstra_desktop.core.packages.keys import pin_key
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.package import PackageReader
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.packages.package_format import CHUNK_ROWS, PackageError
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store

UNITS = ("LPS-LOBAR", "LPS-SUMBAWA", "RTN-PRAYA", "LPKA-LOTENG", "BPS-MATARAM", "LPP-MATARAM")


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """One package of each of six units: realisations, one of them deleted, and a risk."""
    folder = tmp_path_factory.mktemp("paket")
    out = []
    for n, unit in enumerate(UNITS):
        store = make_unit_plan(folder / unit / "unit.renstra", unit)
        try:
            ids = add_realisations(store, months=range(1, 4 + n))
            service = PlanService(store, actor="admin-upt")
            service.delete("realisation", ids[-1])
            service.insert("risk", {"unit_code": unit, "program_code": "PPH", "area": "Pelayanan", "seq": 90 + n,
                                    "risk": f"Risiko uji {unit} ‘kutip’", "treatments": [], "success_indicators": []})
            out.append(export_package(store, folder=folder).path)
        finally:
            store.close()
    return out


@pytest.fixture
def asides(monkeypatch):
    """The other process used from two packages on, for every package; every one started, and what
    each take gave."""
    monkeypatch.setattr(merge_aside, "FROM_PACKAGES", 2)
    monkeypatch.setattr(merge_aside, "OWN_FIRST", 0)
    started, real_init, real_take = [], merge_aside.Aside.__init__, merge_aside.Aside.take

    def init(self, *args):
        real_init(self, *args)
        self.taken = []
        started.append(self)

    def take(self, k):
        reader = real_take(self, k)
        self.taken.append(reader is not None)
        return reader

    monkeypatch.setattr(merge_aside.Aside, "__init__", init)
    monkeypatch.setattr(merge_aside.Aside, "take", take)
    return started


def _entries(path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT table_name, row_id, action, field, old_value, new_value, row_digest "
                            "FROM audit_log WHERE table_name != 'unit_key_pin' ORDER BY seq").fetchall()


def _summary(report) -> list[tuple]:
    return [(r.path.name, r.status, r.message, {t: dict(c) for t, c in r.tables.items()}) for r in report.results]


def _merge(kanwil_path, target, packages, **kw):
    shutil.copy(kanwil_path, target)
    with Store.open(target) as store:
        report = merge_trusting(store, *packages, **kw)
        assert verify(store.conn).ok
    return report


def _by_thread(kanwil_path, tmp_path, packages, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(merge_aside, "FROM_PACKAGES", 10_000)
        return _merge(kanwil_path, tmp_path / "thread.renstra", packages)


def test_a_large_batch_is_verified_in_the_other_process_and_merged_as_by_the_thread(
        kanwil_path, tmp_path, packages, asides, monkeypatch):
    report = _merge(kanwil_path, tmp_path / "aside.renstra", packages)
    [aside] = asides
    assert aside.taken == [True] * len(packages)                 # every package came from the other process
    assert aside.proc.poll() is not None                         # and it was stopped
    assert all(r.status == "merged" for r in report.results)
    thread = _by_thread(kanwil_path, tmp_path, packages, monkeypatch)
    assert _summary(report) == _summary(thread)
    assert plan_content(tmp_path / "aside.renstra") == plan_content(tmp_path / "thread.renstra")
    assert _entries(tmp_path / "aside.renstra") == _entries(tmp_path / "thread.renstra")


def test_the_first_packages_are_verified_here_while_the_other_process_starts(kanwil_path, tmp_path, packages,
                                                                             asides, monkeypatch):
    monkeypatch.setattr(merge_aside, "OWN_FIRST", 2)
    report = _merge(kanwil_path, tmp_path / "aside.renstra", packages)
    assert asides[0].paths == packages[2:] and asides[0].taken == [True] * (len(packages) - 2)
    assert _summary(report) == _summary(_by_thread(kanwil_path, tmp_path, packages, monkeypatch))
    assert _entries(tmp_path / "aside.renstra") == _entries(tmp_path / "thread.renstra")


def test_digests_built_in_the_other_process_are_the_ones_the_file_gives(kanwil_path, tmp_path, packages, asides,
                                                                        monkeypatch):
    """The short digests of the rows and the digest of a bucket a package's rows fill alone, built in
    the other process from the package: the same audit entries as a merge reading the rows back."""
    real_ties, known = row_writer.ties, []

    def ties(*args, **kw):
        known.extend((kw.get("known") or {}).values())
        return real_ties(*args, **kw)

    monkeypatch.setattr(row_writer, "ties", ties)
    _merge(kanwil_path, tmp_path / "aside.renstra", packages)
    assert known                                   # the fourth unit's roadmap starts a bucket of its own
    with monkeypatch.context() as m:
        m.setattr(PackageReader, "ahead_for", lambda self, table, chunk: None)
        _merge(kanwil_path, tmp_path / "file.renstra", packages)
    assert _entries(tmp_path / "aside.renstra") == _entries(tmp_path / "file.renstra")


def test_a_damaged_package_is_declined_and_rejected_with_its_reason(kanwil_path, tmp_path, packages, asides,
                                                                   monkeypatch):
    batch = [shutil.copy(p, tmp_path / p.name) for p in packages]
    flip_byte(batch[2], os.path.getsize(batch[2]) // 2)
    report = _merge(kanwil_path, tmp_path / "aside.renstra", batch)
    assert asides[0].taken == [True, True, False, True, True, True]
    assert [r.status for r in report.results] == ["merged", "merged", "rejected", "merged", "merged", "merged"]
    assert _summary(report) == _summary(_by_thread(kanwil_path, tmp_path, batch, monkeypatch))


DIES_AFTER_TWO = """
import os, sys
sys.path.insert(0, {root!r})
from renstra_desktop.core.packages import merge_aside

class Out:
    sent = 0
    def write(self, data):
        if self.sent == 2:
            os._exit(9)
        sys.stdout.buffer.write(data)
        self.sent += 1
    def flush(self):
        sys.stdout.buffer.flush()

merge_aside.main(out=Out())
"""


def test_the_merge_goes_on_when_the_other_process_dies(kanwil_path, tmp_path, packages, asides, monkeypatch):
    root = str(merge_aside.Path(merge_aside.__file__).resolve().parents[3])
    monkeypatch.setattr(merge_aside, "command", lambda: [sys.executable, "-c", DIES_AFTER_TWO.format(root=root)])
    report = _merge(kanwil_path, tmp_path / "aside.renstra", packages)
    assert asides[0].taken == [True, True, False, False, False, False]
    assert all(r.status == "merged" for r in report.results)
    thread = _by_thread(kanwil_path, tmp_path, packages, monkeypatch)
    assert _summary(report) == _summary(thread)
    assert plan_content(tmp_path / "aside.renstra") == plan_content(tmp_path / "thread.renstra")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_the_merge_goes_on_when_the_other_process_is_killed(kanwil_path, tmp_path, packages, asides, monkeypatch):
    real_take = merge_aside.Aside.take

    def take(self, k):
        if k == 1:
            os.kill(self.proc.pid, signal.SIGKILL)
        return real_take(self, k)

    monkeypatch.setattr(merge_aside.Aside, "take", take)
    report = _merge(kanwil_path, tmp_path / "aside.renstra", packages)
    assert all(r.status == "merged" for r in report.results)
    _by_thread(kanwil_path, tmp_path, packages, monkeypatch)
    assert plan_content(tmp_path / "aside.renstra") == plan_content(tmp_path / "thread.renstra")


@pytest.mark.parametrize("command", [["/tidak/ada/python"],
                                     [sys.executable, "-c", "print('bukan bingkai ' * 1000)"],
                                     [sys.executable, "-c", "import sys; sys.stdout.buffer.write(b'\\x08' + bytes(7))"]],
                         ids=["cannot start", "nonsense", "a frame cut short"])
def test_the_merge_goes_on_without_an_other_process_that_does_not_work(kanwil_path, tmp_path, packages, asides,
                                                                        monkeypatch, command):
    monkeypatch.setattr(merge_aside, "command", lambda: command)
    report = _merge(kanwil_path, tmp_path / "aside.renstra", packages)
    assert all(r.status == "merged" for r in report.results)
    assert not any(a.taken and any(a.taken) for a in asides)
    _by_thread(kanwil_path, tmp_path, packages, monkeypatch)
    assert plan_content(tmp_path / "aside.renstra") == plan_content(tmp_path / "thread.renstra")


def test_keys_pinned_first_then_the_packages_come_from_the_other_process(kanwil_path, tmp_path, packages, asides):
    with Store.open(kanwil_path) as store:
        for path in packages:
            with PackageReader.open(path) as reader:
                pin_key(store, reader.unit, reader.fingerprint, actor="kanwil", public_key=reader.public_key)
        report = merge_packages(store, packages, actor="kanwil")
        assert [r.status for r in report.results] == ["merged"] * len(packages)
        assert [r.key_status for r in report.results] == ["pinned"] * len(packages)
        assert asides[0].taken == [True] * len(packages)


YEARS = (2025, 2026, 2027, 2028, 2029)


def _run_main(paths, years=YEARS, merged=()) -> list:
    work = marshal.dumps((years, [str(p) for p in paths], list(merged)))
    out = io.BytesIO()
    assert merge_aside.main(io.BytesIO(len(work).to_bytes(8, "little") + work), out) == 0
    data, frames = out.getvalue(), []
    while data:
        n = int.from_bytes(data[:8], "little")
        frames.append(marshal.loads(data[8:8 + n]))
        data = data[8 + n:]
    return frames


def test_what_the_other_process_sends_stands_for_the_verified_reader(packages):
    [state] = _run_main(packages[:1])
    shipped = PackageReader.from_state(packages[0], state)
    with PackageReader.open(packages[0]) as reader:
        reader.verify()
        assert (shipped.unit, shipped.sequence, shipped.package_digest, shipped.fingerprint) == \
            (reader.unit, reader.sequence, reader.package_digest, reader.fingerprint)
        for table in reader.tables():
            assert shipped.rows(table) == reader.rows(table)
    [chunk] = list(PackageReader.from_state(packages[0], state).chunks("realisation"))
    assert len(chunk) == 3
    shipped = PackageReader.from_state(packages[0], state)
    [chunk] = list(shipped.chunks("realisation"))
    assert shipped.ahead_for("realisation", chunk).ids == [r[0] for r in chunk]
    assert shipped.invalid_in("realisation", shipped.tables()["realisation"], chunk, YEARS) == {}


def test_rows_asked_for_again_are_read_from_the_file_and_verified_again(packages, tmp_path):
    package = shutil.copy(packages[1], tmp_path / packages[1].name)
    [state] = _run_main([package])
    shipped = PackageReader.from_state(package, state)
    first = shipped.rows("realisation")
    assert shipped.rows("realisation") == first              # again: from the file, verified again
    shipped.close()
    shipped = PackageReader.from_state(package, state)
    shipped.rows("realisation")
    flip_byte(package, os.path.getsize(package) // 2)
    with pytest.raises(PackageError, match="tidak sah"):
        shipped.rows("realisation")


def test_it_declines_a_damaged_package_and_one_too_large_to_send(packages, tmp_path, monkeypatch):
    damaged = shutil.copy(packages[0], tmp_path / packages[0].name)
    flip_byte(damaged, os.path.getsize(damaged) // 2)
    assert _run_main([damaged, tmp_path / "tidak-ada.rpkg", packages[1]])[:2] == [None, None]
    with PackageReader.open(packages[0]) as reader:
        largest = max(reader.manifest["row_counts"].values())
    assert largest < CHUNK_ROWS
    monkeypatch.setattr("renstra_desktop.core.packages.package_format.CHUNK_ROWS", largest + 1)
    assert _run_main(packages[:1]) != [None]
    monkeypatch.setattr("renstra_desktop.core.packages.package_format.CHUNK_ROWS", largest)
    assert _run_main(packages[:1]) == [None]            # a table of CHUNK_ROWS rows is not sent


def test_the_frozen_builds_entry_script_runs_the_second_process(packages, monkeypatch):
    """packaging/launch.py (the frozen executable's script) given the argument runs the same protocol."""
    root = merge_aside.Path(merge_aside.__file__).resolve().parents[3]
    work = marshal.dumps((YEARS, [str(p) for p in packages[:2]], []))
    done = subprocess.run([sys.executable, str(root / "packaging" / "launch.py"), merge_aside.ARG],
                          input=len(work).to_bytes(8, "little") + work, capture_output=True, timeout=60, cwd=root)
    assert done.returncode == 0, done.stderr
    n = int.from_bytes(done.stdout[:8], "little")
    with PackageReader.open(packages[0]) as reader:
        assert PackageReader.from_state(packages[0], marshal.loads(done.stdout[8:8 + n])).rows("risk") == \
            reader.verify().rows("risk")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert merge_aside.command() == [sys.executable, merge_aside.ARG]


def test_packages_merged_already_are_only_opened_there_and_skipped_here(kanwil_path, tmp_path, packages, asides,
                                                                         monkeypatch):
    """A second merge of the same batch: the other process opens each package (its digest) without
    verifying it, and nothing is verified here either; every package is skipped."""
    _merge(kanwil_path, tmp_path / "aside.renstra", packages)
    verified = []
    real_verify = PackageReader.verify
    monkeypatch.setattr(PackageReader, "verify", lambda self, **kw: verified.append(self) or real_verify(self, **kw))
    with Store.open(tmp_path / "aside.renstra") as store:
        again = merge_trusting(store, *packages)
    assert [r.status for r in again.results] == ["already_merged"] * len(packages)
    assert asides[1].taken == [True] * len(packages) and verified == []
    with PackageReader.open(packages[0]) as reader:
        [state] = _run_main(packages[:1], merged=[reader.package_digest])
    shipped = PackageReader.from_state(packages[0], state)
    assert shipped.package_digest == reader.package_digest and shipped.rows("risk")   # read and verified here


def test_one_core_keeps_the_helper_thread(kanwil_path, tmp_path, packages, asides, monkeypatch):
    """On a machine of one core the second process would take the merging thread's own core."""
    monkeypatch.setattr(merge_aside.os, "cpu_count", lambda: 1)
    report = _merge(kanwil_path, tmp_path / "aside.renstra", packages)
    assert asides == [] and all(r.status == "merged" for r in report.results)


KILLED_SCRIPT = """
import sys
from renstra_desktop.core.packages import merge_aside
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.store import Store
merge_aside.FROM_PACKAGES, merge_aside.OWN_FIRST = 2, 0
real_init = merge_aside.Aside.__init__
def init(self, *args):
    real_init(self, *args)
    print(self.proc.pid, flush=True)
merge_aside.Aside.__init__ = init
def progress(done, total, name):
    if done == 2:
        print("dua", flush=True)
        sys.stdin.readline()          # held here until killed
store = Store.open(sys.argv[1])
merge_packages(store, sys.argv[2:], actor="kanwil", trust_new_keys=True, progress=progress)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not os.path.exists("/proc/self/stat"),
                    reason="needs SIGKILL and /proc")
def test_a_merge_killed_leaves_no_second_process_behind(kanwil_path, packages):
    """kill -9 of the merging process: its second process, still at work (a batch larger than the
    pipe holds: the six packages 400 times over, seconds of work), ends at once by itself (its pipe has no reader any
    more) instead of running on, and the file opens intact with the packages merged before."""
    import time

    root = merge_aside.Path(merge_aside.__file__).resolve().parents[3]
    batch = [str(p) for p in packages] * 400
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SCRIPT, str(kanwil_path), *batch], cwd=root,
                            env={**os.environ, "PYTHONPATH": str(root)}, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    child = int(proc.stdout.readline())
    assert proc.stdout.readline().strip() == "dua"
    time.sleep(0.5)
    assert _running(child)                       # waiting for the merge to read what it sent
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        stream.close()
    deadline = time.monotonic() + 3
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(child)
    with Store.open(kanwil_path) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("SELECT count(*) FROM package_batch").fetchone()[0] == 2
        assert verify(store.conn).ok


def _running(pid: int) -> bool:
    """Whether the process runs (a zombie, dead but not yet reaped by its parent, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
