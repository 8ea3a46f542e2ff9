"""How an installation's private signing key is protected at rest: a pluggable layer.

The key file next to the plan (``<plan>.kunci``) is either

- a plain PKCS#8 PEM (``-----BEGIN PRIVATE KEY-----``): protected only by the file's mode 0600 on
  POSIX (other accounts of the computer cannot read it; anyone with the disk, a copied folder, a
  USB stick or a backup can), or
- an envelope (JSON) naming its protection, the public key in the clear (so the fingerprint can be
  shown and compared without unlocking anything) and the protected private key::

      {"format": "renstra-desktop/key", "version": 1, "protection": "passphrase",
       "public_key": "<hex>", "payload": "<text the protector wrote>"}

A protector turns the raw 32-byte Ed25519 private key into a text payload and back.  ``passphrase``
(below) is built in; an OS key store (Windows DPAPI, a desktop keyring) is added by registering a
:class:`KeyProtector` under its name with :func:`register` — nothing else changes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

from ..errors import FileError, RenstraError

ENVELOPE_FORMAT = "renstra-desktop/key"
MIN_PASSPHRASE = 8


class KeyLocked(RenstraError):
    """The key is protected and its secret (a passphrase) was not given."""


class WrongSecret(KeyLocked):
    """The secret given does not unlock the key; nothing was written."""


class KeyProtector(Protocol):
    name: str                 # stored in the envelope ("passphrase", "dpapi", ...)
    label: str                # Indonesian, for `keys show` and the window
    needs_secret: bool        # whether a person must type something to unlock

    def available(self) -> bool: ...
    def protect(self, raw_private: bytes, secret: bytes | None) -> str: ...
    def unprotect(self, payload: str, secret: bytes | None) -> bytes: ...


class Passphrase:
    """PKCS#8 encrypted with the passphrase (cryptography's best available: PBES2, AES-256)."""
    name = "passphrase"
    label = "kata sandi"
    needs_secret = True

    def available(self) -> bool:
        return True

    def protect(self, raw_private: bytes, secret: bytes | None) -> str:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        check_new_passphrase(secret)
        private = Ed25519PrivateKey.from_private_bytes(raw_private)
        return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.BestAvailableEncryption(secret)).decode("ascii")

    def unprotect(self, payload: str, secret: bytes | None) -> bytes:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        if not secret:
            raise KeyLocked("Kunci tanda tangan instalasi ini dilindungi kata sandi. Ketik kata sandinya (di baris "
                            "perintah: --passphrase-file BERKAS, atau saat diminta).")
        try:
            private = serialization.load_pem_private_key(payload.encode("ascii"), password=secret)
        except (ValueError, TypeError):
            raise WrongSecret("Kata sandi kunci tanda tangan salah; tidak ada yang dibuat atau diubah. Coba lagi "
                              "dengan kata sandi yang dipakai saat kunci dilindungi.") from None
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError("not Ed25519")
        return private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                     serialization.NoEncryption())


PROTECTORS: dict[str, KeyProtector] = {}


def register(protector: KeyProtector) -> None:
    """Make a protection available by its name (e.g. a Windows DPAPI backend)."""
    PROTECTORS[protector.name] = protector


register(Passphrase())


def os_store() -> KeyProtector | None:
    """A protection by the operating system's key store that needs no typing (Windows DPAPI), when
    this computer has one."""
    return next((p for p in PROTECTORS.values() if not p.needs_secret and p.available()), None)


def _register_os_stores() -> None:
    from . import dpapi          # registers itself on Windows with pywin32; nothing elsewhere

    dpapi.register()


_register_os_stores()


def check_new_passphrase(secret: bytes | None) -> None:
    if not secret or len(secret.decode("utf-8", "replace")) < MIN_PASSPHRASE:
        raise FileError(f"Kata sandi kunci minimal {MIN_PASSPHRASE} karakter; kunci tidak diubah.")


@dataclass(frozen=True)
class Envelope:
    protection: str
    public_key: bytes
    payload: str

    def to_bytes(self) -> bytes:
        return (json.dumps({"format": ENVELOPE_FORMAT, "version": 1, "protection": self.protection,
                            "public_key": self.public_key.hex(), "payload": self.payload},
                           indent=1, sort_keys=True) + "\n").encode("ascii")


def read_envelope(data: bytes) -> Envelope | None:
    """The envelope in a key file, None for a plain PEM; ValueError for anything else."""
    if not data.lstrip().startswith(b"{"):
        return None
    doc = json.loads(data.decode("ascii"))
    if not isinstance(doc, dict) or doc.get("format") != ENVELOPE_FORMAT or doc.get("version") != 1:
        raise ValueError("not a key envelope")
    public = bytes.fromhex(doc["public_key"])
    if len(public) != 32 or not isinstance(doc.get("payload"), str) or not isinstance(doc.get("protection"), str):
        raise ValueError("bad envelope")
    return Envelope(doc["protection"], public, doc["payload"])


def protector(name: str) -> KeyProtector:
    found = PROTECTORS.get(name)
    if found is None or not found.available():
        raise FileError(f"Kunci tanda tangan dilindungi dengan cara “{name}” yang tidak tersedia di komputer ini. "
                        "Buka berkas di komputer tempat kunci itu dilindungi, atau pulihkan kunci dari cadangan.")
    return found
