"""The signing key at rest (issue 8): mode 0600 always, a passphrase on request, and a pluggable layer
an OS key store (Windows DPAPI) registers into.  A protected key still shows its fingerprint."""
import base64
import os

import pytest
from package_fixtures import add_realisations, folder_state, make_unit_plan

from renstra_desktop.core.packages import key_protection
from renstra_desktop.core.errors import FileError
from renstra_desktop.core.packages.key_protection import KeyLocked, WrongSecret
from renstra_desktop.core.packages.keys import installation_key, key_path, key_protection_of, protect_key, public_key_of
from renstra_desktop.core.packages.package import verify_package
from renstra_desktop.core.packages.package_export import export_package

SECRET = "kata sandi satker".encode()


@pytest.fixture
def upt(tmp_path):
    store = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    add_realisations(store, months=[1])
    installation_key(store.path)
    yield store
    store.close()


def test_a_new_key_is_readable_by_its_owner_only(upt):
    if os.name != "posix":
        pytest.skip("POSIX modes")
    assert key_path(upt.path).stat().st_mode & 0o777 == 0o600
    assert key_protection_of(upt.path) == "none"


def test_a_passphrase_protects_the_key_and_keeps_its_fingerprint(upt, tmp_path):
    before = installation_key(upt.path)
    plain = key_path(upt.path).read_bytes()
    protect_key(upt.path, "passphrase", secret=SECRET)
    data = key_path(upt.path).read_bytes()
    assert data != plain and b"BEGIN PRIVATE KEY" not in data and b"ENCRYPTED PRIVATE KEY" in data
    assert key_protection_of(upt.path) == "passphrase"
    assert public_key_of(upt.path) == before.public_key                  # fingerprint without the passphrase
    if os.name == "posix":
        assert key_path(upt.path).stat().st_mode & 0o777 == 0o600

    out = tmp_path / "kirim"
    out.mkdir()
    state = folder_state(upt.path.parent), folder_state(out)
    with pytest.raises(KeyLocked, match="dilindungi kata sandi"):
        export_package(upt, folder=out)
    with pytest.raises(WrongSecret, match="salah"):
        export_package(upt, folder=out, passphrase=b"bukan kata sandinya")
    assert (folder_state(upt.path.parent), folder_state(out)) == state    # no package, no sequence taken
    pkg = export_package(upt, folder=out, passphrase=SECRET)
    assert pkg.fingerprint == before.fingerprint and pkg.manifest["sequence"] == 1
    assert verify_package(pkg.path).fingerprint == before.fingerprint


def test_a_short_passphrase_is_refused_and_the_key_left_as_it_was(upt):
    plain = key_path(upt.path).read_bytes()
    with pytest.raises(FileError, match="minimal 8"):
        protect_key(upt.path, "passphrase", secret=b"pendek")
    assert key_path(upt.path).read_bytes() == plain


def test_changing_and_removing_the_passphrase_needs_the_current_one(upt):
    fp = installation_key(upt.path).fingerprint
    protect_key(upt.path, "passphrase", secret=SECRET)
    with pytest.raises(KeyLocked):
        protect_key(upt.path, "passphrase", secret=b"sandi yang baru")
    protect_key(upt.path, "passphrase", secret=b"sandi yang baru", current=SECRET)
    with pytest.raises(WrongSecret):
        installation_key(upt.path, passphrase=SECRET)
    protect_key(upt.path, "none", current=b"sandi yang baru")
    assert key_protection_of(upt.path) == "none" and installation_key(upt.path).fingerprint == fp


class _Scrambled:
    """A stand-in OS key store: what a DPAPI backend registers (here reversible without a secret)."""
    name, label, needs_secret = "uji-os", "penyimpanan kunci OS (uji)", False

    def available(self):
        return True

    def protect(self, raw, secret):
        return base64.b64encode(bytes(b ^ 0x5A for b in raw)).decode("ascii")

    def unprotect(self, payload, secret):
        return bytes(b ^ 0x5A for b in base64.b64decode(payload))


def test_another_protection_plugs_in_by_name(upt, tmp_path, monkeypatch):
    monkeypatch.setitem(key_protection.PROTECTORS, "uji-os", _Scrambled())
    fp = installation_key(upt.path).fingerprint
    protect_key(upt.path, "uji-os")
    assert key_protection_of(upt.path) == "uji-os"
    assert export_package(upt, folder=tmp_path).fingerprint == fp         # no passphrase asked
    monkeypatch.delitem(key_protection.PROTECTORS, "uji-os")
    with pytest.raises(FileError, match="tidak tersedia di komputer ini"):
        export_package(upt, folder=tmp_path)


def test_a_copy_made_by_hand_gets_its_mode_back(upt):
    if os.name != "posix":
        pytest.skip("POSIX modes")
    os.chmod(key_path(upt.path), 0o644)
    installation_key(upt.path)
    assert key_path(upt.path).stat().st_mode & 0o777 == 0o600
