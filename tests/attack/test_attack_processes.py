"""kill -9 and simultaneous commands from bench/attack.py, a fast subset (real processes)."""
import random
import signal

import pytest

from attack import kills, together

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
SUBSET = ("init", "merge", "export-package", "signatory set", "check (after a crash)", "period submit",
          "import-xlsx")


def test_random_kills_leave_no_corrupt_file_and_no_partial_output(originals, tmp_path):
    writers = [w for w in kills.WRITERS if w.name in SUBSET]
    tally = kills.run(tmp_path, originals, 2 * len(writers), random.Random(), writers)
    assert tally.kills == 2 * len(SUBSET)
    assert tally.corrupt == [] and tally.partial == []
    assert tally.temps_kept == []           # every temporary file a killed writer left is swept


def test_simultaneous_writers_lose_nothing(desk):
    packages, fingerprints, units = kills.unit_packages(desk, 2)
    for scenario in (together.signatories(desk), together.merges_with_readers(desk, packages),
                     together.pins(desk, units, fingerprints)):
        assert (scenario.lost, scenario.tracebacks) == (0, 0), scenario


def test_two_loads_from_one_dump_lose_nothing(desk):
    scenario = together.loads(desk)
    assert (scenario.lost, scenario.tracebacks) == (0, 0), scenario
