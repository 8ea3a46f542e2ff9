"""Properties of the merge (hypothesis): any order gives the same content, twice equals once, and a
single flipped byte anywhere in a package is refused with nothing written."""
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from package_fixtures import add_realisations, flip_byte, folder_state, make_unit_plan, plan_content, sha

from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store

UNITS = ("LPS-LOBAR", "LPS-SUMBAWA", "RTN-PRAYA")
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """Three packages in a row from each of three units: inserts, then updates and a tombstone, then
    a restore, more rows and a risk edit.  Returns ({(unit, seq): path}, Kanwil template)."""
    root = tmp_path_factory.mktemp("pool")
    out = root / "kiriman"
    out.mkdir()
    packages = {}
    for n, unit in enumerate(UNITS):
        store = make_unit_plan(root / unit / "plan.renstra", unit)
        service = PlanService(store, "admin")
        ids = add_realisations(store, months=range(1, 5), base=n)
        packages[unit, 1] = export_package(store, folder=out).path
        service.update("realisation", ids[0], {"value": 10 + n})
        service.delete("realisation", ids[1])
        packages[unit, 2] = export_package(store, folder=out).path
        service.restore("realisation", ids[1])
        add_realisations(store, months=range(5, 7), base=n)
        risk = store.conn.execute("SELECT id FROM risk WHERE owner_unit = ? LIMIT 1", (unit,)).fetchone()[0]
        service.update("risk", risk, {"risk": f"Risiko {unit}", "treatments": ["Perlakuan 1", "Perlakuan 2"]})
        packages[unit, 3] = export_package(store, folder=out).path
        store.close()
    template = root / "kanwil" / "template.renstra"
    create_plan_file(template).close()
    return packages, template


def _fresh(template, tmp_path, name):
    folder = tmp_path / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    shutil.copy(template, folder / "kanwil.renstra")
    return folder / "kanwil.renstra"


def _merge(path, packages):
    store = Store.open(path)
    try:
        report = merge_packages(store, packages, actor="kanwil", trust_new_keys=True)
    finally:
        store.close()
    assert report.ok, [r.message for r in report.results]
    return report


_reference_cache = {}


def _reference(pool, keys, tmp_path):
    """Content after merging, unit by unit, only the newest package of each unit in ``keys``."""
    packages, template = pool
    newest = tuple(sorted(max((k for k in keys if k[0] == unit), key=lambda k: k[1])
                          for unit in {k[0] for k in keys}))
    if newest not in _reference_cache:
        path = _fresh(template, tmp_path, "acuan")
        _merge(path, [packages[k] for k in newest])
        _reference_cache[newest] = plan_content(path)
    return _reference_cache[newest]


@settings(max_examples=12, **SETTINGS)
@given(data=st.data())
def test_any_order_gives_the_same_content_and_twice_equals_once(pool, tmp_path, data):
    packages, template = pool
    keys = data.draw(st.lists(st.sampled_from(sorted(packages)), min_size=1, max_size=9, unique=True), "packages")
    path = _fresh(template, tmp_path, "gabung")
    _merge(path, [packages[k] for k in keys])
    assert plan_content(path) == _reference(pool, keys, tmp_path)
    once = folder_state(path.parent)
    again = data.draw(st.permutations(keys), "again")
    report = _merge(path, [packages[k] for k in again])
    assert {r.status for r in report.results} <= {"already_merged", "older"}
    assert folder_state(path.parent) == once


@pytest.fixture(scope="module")
def target(pool, tmp_path_factory):
    """One Kanwil file that every flipped package is merged into; it must never change."""
    path = tmp_path_factory.mktemp("target") / "kanwil.renstra"
    shutil.copy(pool[1], path)
    return path


@settings(max_examples=60, **SETTINGS)
@given(where=st.floats(min_value=0, max_value=1, exclude_max=True), bit=st.integers(min_value=0, max_value=7))
def test_a_single_flipped_byte_is_always_refused_and_nothing_written(pool, target, tmp_path, where, bit):
    original = pool[0]["LPS-LOBAR", 3]
    pkg = tmp_path / "kiriman.rpkg"
    shutil.copy(original, pkg)
    offset = int(where * pkg.stat().st_size)
    flip_byte(pkg, offset, 1 << bit)
    before = folder_state(target.parent)
    store = Store.open(target)
    try:
        report = merge_packages(store, [pkg], actor="kanwil", trust_new_keys=True)
    finally:
        store.close()
    assert report.results[0].status == "rejected", f"byte {offset} bit {bit} accepted"
    assert folder_state(target.parent) == before
    assert sha(original) != sha(pkg)
