"""Fixtures of the package and merge tests: a unit's own plan file and a folder to send packages to."""
import pytest
from package_fixtures import make_unit_plan


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
