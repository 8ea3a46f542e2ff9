"""The Windows DPAPI key protector: unavailable (with a clear message) off Windows; a real round
trip on the Windows runner."""
from __future__ import annotations

import sys

import pytest

from renstra_desktop.core.packages.dpapi import DpapiProtector, register
from renstra_desktop.core.errors import FileError


@pytest.mark.skipif(sys.platform == "win32", reason="off Windows only")
def test_off_windows_dpapi_is_unavailable_and_says_what_to_do():
    protector = DpapiProtector()
    assert not protector.available()
    assert register() is False
    with pytest.raises(FileError) as caught:
        protector.protect(b"\x01" * 32)
    assert "hanya tersedia di Windows" in caught.value.message and "kata sandi" in caught.value.message


@pytest.mark.skipif(sys.platform != "win32", reason="needs Windows DPAPI (runs on the Windows CI runner)")
def test_dpapi_round_trip_on_windows():
    protector = DpapiProtector()
    assert protector.available()
    raw = bytes(range(32))
    payload = protector.protect(raw)
    assert raw.hex() not in payload and bytes(range(32)) not in payload.encode()
    assert protector.unprotect(payload) == raw
    with pytest.raises(FileError):
        protector.unprotect(payload[:-8] + "AAAAAAA=")
