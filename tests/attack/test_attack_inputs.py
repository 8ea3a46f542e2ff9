"""The bad-input matrix of bench/attack.py, a fast subset: every kind of bad input once, against
entry points taken in turn so every entry point is met (bench/attack.py runs the whole matrix).

Each run: non-zero exit, one Indonesian line on stderr, no traceback, every file byte-identical."""
import pytest

from attack import cases


def _subset() -> list:
    """Each kind once, with the entry point that has met bad input least often so far."""
    met = {e.name: 0 for e in cases.ENTRIES}
    chosen = []
    for kind in cases.KINDS:
        entries = [e for e in cases.ENTRIES if kind.slot in e.slots() and e.name not in kind.skip]
        entry = min(entries, key=lambda e: met[e.name])
        met[entry.name] += 1
        chosen.append((kind, entry))
    return chosen


PAIRS = _subset()


@pytest.mark.parametrize("kind, entry", PAIRS, ids=[f"{k.name}|{e.name}" for k, e in PAIRS])
def test_bad_input_is_refused_cleanly(kind, entry, desk):
    outcome = cases.attack(kind, entry, desk)
    assert outcome.ok, f"{outcome.verdict}: {outcome.detail}"


def test_every_entry_point_meets_bad_input_and_enough_kinds():
    met = {e.name for _, e in PAIRS}
    assert met == {e.name for e in cases.ENTRIES}
    assert len(cases.KINDS) >= 40


# -- what the write-path part of issue 8 fixed (these were strict xfails until it landed) ----------

def _kind(name):
    return next(k for k in cases.KINDS if k.name == name)


def _entry(name):
    return next(e for e in cases.ENTRIES if e.name == name)


WRITE_PATH_GENERIC = [("a JSON older than the file", "load"), ("a value of 1e308", "load"),
                      ("nested 100 000 deep", "load"), ("a lone surrogate", "load"), ("row_version 2^63", "load"),
                      ("package signed by another key", "verify-package")]


@pytest.mark.parametrize("kind, entry", WRITE_PATH_GENERIC, ids=[f"{k}|{e}" for k, e in WRITE_PATH_GENERIC])
def test_write_path_refusals(kind, entry, desk):
    entry = _entry(entry)
    for kind in [k for k in cases.KINDS if k.name == kind and k.slot in entry.slots()]:   # the plan and the JSON
        outcome = cases.attack(kind, entry, desk)
        assert outcome.ok, f"{outcome.verdict}: {outcome.detail}"


def test_a_package_with_sequence_2_53_does_not_silence_later_ones(desk):
    """After a package numbered 2^53-1, the unit's genuine package is not ignored with exit 0."""
    huge = cases.huge_sequence_package(desk)
    assert cases.run_cli(["merge", desk / "kanwil.renstra", huge, "--trust-new-keys"])[0] == 0
    code, out, err, escaped = cases.run_cli(["merge", desk / "kanwil.renstra", desk / "lobar.rpkg"])
    merged = "Digabung" in out
    assert escaped is None and (merged or code != 0), out


def test_text_in_a_number_column_survives_dump_and_load(desk):
    """dump either refuses, naming the cell, or writes what load takes back."""
    plan = _kind("text in a number column").make(desk)
    code, out, err, escaped = cases.run_cli(["dump", plan])
    assert escaped is None
    if code != 0:
        assert "indicator_target" in err and len(err.strip().splitlines()) == 1
        return
    (desk / "dump.json").write_text(out, encoding="utf-8")
    code, out, err, escaped = cases.run_cli(["load", desk / "salinan.renstra", desk / "dump.json"])
    assert escaped is None and code == 0, err
