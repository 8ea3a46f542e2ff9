"""Windows DPAPI as a protection of the installation's signing key (an OS key store backend).

On Windows POSIX file modes do not protect the key file: DPAPI encrypts it with a secret of the
logged-in Windows account (CryptProtectData, through pywin32's ``win32crypt``), so a copy of the
file taken to another account or computer cannot be used, and the user types nothing.  What it does
not protect against: a program running as the same Windows user, and an administrator who resets
the user's password loses the key (then: restore a passphrase-protected backup or make a new key
and have the Kanwil re-pin it).

The class follows the key protection layer's protocol (``core/key_protection.py``: name, label,
needs_secret, available, protect, unprotect); :func:`register` adds it there when that layer is
present.  Off Windows (and without pywin32) it reports itself unavailable.
"""
from __future__ import annotations

import base64
import binascii
import importlib.util
import sys

from ..errors import FileError

ENTROPY = b"renstra-desktop/installation-key/1"   # ties the blob to this purpose, not to a secret
_UI_FORBIDDEN = 0x1                               # CRYPTPROTECT_UI_FORBIDDEN: never show a prompt


class DpapiProtector:
    name = "dpapi"
    label = "akun Windows (DPAPI)"
    needs_secret = False

    def available(self) -> bool:
        return sys.platform == "win32" and importlib.util.find_spec("win32crypt") is not None

    def _module(self):
        if not self.available():
            raise FileError("Perlindungan kunci dengan akun Windows (DPAPI) hanya tersedia di Windows. Lindungi "
                            "kunci dengan kata sandi di komputer ini.")
        import win32crypt

        return win32crypt

    def protect(self, raw_private: bytes, secret: bytes | None = None) -> str:
        win32crypt = self._module()
        try:
            blob = win32crypt.CryptProtectData(raw_private, "Renstra Desktop", ENTROPY, None, None, _UI_FORBIDDEN)
        except Exception as exc:       # pywintypes.error carries the Windows error code
            raise FileError(f"Windows menolak melindungi kunci tanda tangan (kode {_code(exc)}); kunci tidak "
                            "diubah.") from None
        return base64.b64encode(blob).decode("ascii")

    def unprotect(self, payload: str, secret: bytes | None = None) -> bytes:
        win32crypt = self._module()
        try:
            blob = base64.b64decode(payload.encode("ascii"), validate=True)
            _, raw = win32crypt.CryptUnprotectData(blob, ENTROPY, None, None, _UI_FORBIDDEN)
        except (binascii.Error, ValueError):
            raise FileError("Kunci tanda tangan (DPAPI) rusak. Pulihkan berkas kunci dari cadangan.") from None
        except Exception as exc:
            raise FileError(f"Kunci tanda tangan ini dilindungi untuk akun Windows atau komputer lain (kode "
                            f"{_code(exc)}). Masuk dengan akun yang melindunginya, atau pulihkan kunci dari "
                            "cadangan berkata sandi.") from None
        return bytes(raw)


def _code(exc: Exception) -> str:
    return str(getattr(exc, "winerror", None) or (exc.args[0] if exc.args else "?"))


def register() -> bool:
    """Add DPAPI to the key protection layer when both are present; True when registered."""
    try:
        from . import key_protection
    except ImportError:
        return False
    protector = DpapiProtector()
    if not protector.available():
        return False
    key_protection.register(protector)
    return True
