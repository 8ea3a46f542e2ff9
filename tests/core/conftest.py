"""Fixtures of the package and merge tests: a unit's own plan file and a folder to send packages to."""
import pytest
from package_fixtures import add_realisations, make_unit_plan

from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.store import Store


@pytest.fixture
def upt(tmp_path):
    """LPS-LOBAR's plan file (the unit's own installation), in its own folder."""
    store = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    yield store
    store.close()


@pytest.fixture
def out(tmp_path):
    """A folder the unit's packages are written to."""
    folder = tmp_path / "kiriman"
    folder.mkdir()
    return folder


@pytest.fixture
def merged(kanwil_path, tmp_path):
    """The Kanwil's file after merging a unit's package of realisations: (path, the merged ids, digest)."""
    unit = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    ids = add_realisations(unit, months=[1, 2, 3, 4, 5, 6])
    pkg = export_package(unit, folder=tmp_path)
    unit.close()
    with Store.open(kanwil_path) as kanwil:
        merge_packages(kanwil, [pkg.path], actor="kanwil", trust_new_keys=True)
    return kanwil_path, ids, pkg.package_digest
