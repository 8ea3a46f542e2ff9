"""The attack's originals, made once per session with the application itself."""
import pytest

from attack import cases


@pytest.fixture(scope="session")
def originals(tmp_path_factory):
    return cases.build_originals(tmp_path_factory.mktemp("serangan") / "asli")


@pytest.fixture
def desk(originals, tmp_path):
    return cases.lay_desk(originals, tmp_path / "meja")


@pytest.fixture(autouse=True)
def short_wait(monkeypatch):
    monkeypatch.setenv("RENSTRA_DESKTOP_WAIT_SECONDS", "0.5")
