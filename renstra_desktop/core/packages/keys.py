"""Installation signing keys and the Kanwil's pins of units' public keys (DESIGN.md, principle 4).

Each installation has one Ed25519 key, created lazily at its first export (or when the fingerprint
is first shown) and kept next to the plan file as ``<plan>.kunci`` (PKCS#8 PEM, mode 0600, or
protected further: :mod:`.key_protection`).  The
export sequence of that key lives beside it in ``<plan>.kunci.urutan``: it belongs to the key, not
to the plan file, so restoring an old plan file from a backup never rewinds it.

The installation that merges packages pins each unit's key by its fingerprint (table
``unit_key_pin``, append-only): the first pin after a phone confirmation, a re-pin only with a
reason.  Both are also written to the audit trail.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import key_protection as protection
from ..errors import FileError, ValidationError
from ..file_lock import plan_lock
from .package_format import MAX_SEQUENCE
from ..safe_write import publish, remove_temp, sweep_stale_temps, temp_path

KEY_SUFFIX = ".kunci"
SEQUENCE_SUFFIX = ".kunci.urutan"
_MAX_KEY_FILE = 16384
_FINGERPRINT_RE = re.compile(r"^[0-9A-F]{4}(-[0-9A-F]{4}){7}$")


def fingerprint(public_key: bytes) -> str:
    """What people compare by phone: SHA-256 of the raw public key, first 128 bits, ``ABCD-…``."""
    digest = hashlib.sha256(public_key).hexdigest()[:32].upper()
    return "-".join(digest[i:i + 4] for i in range(0, 32, 4))


def normalise_fingerprint(text: str) -> str:
    """Accept a fingerprint typed with spaces, dashes or lower case; refuse anything else."""
    hexdigits = re.sub(r"[\s:-]", "", text or "").upper()
    candidate = "-".join(hexdigits[i:i + 4] for i in range(0, len(hexdigits), 4))
    if not _FINGERPRINT_RE.match(candidate):
        raise ValidationError(
            f"Sidik jari “{text}” tidak sah. Tulis 32 digit heksadesimal, misalnya "
            "1A2B-3C4D-5E6F-7081-92A3-B4C5-D6E7-F809.", field="fingerprint")
    return candidate


def key_path(plan_path: str | os.PathLike) -> Path:
    plan_path = Path(plan_path)
    return plan_path.with_name(plan_path.name + KEY_SUFFIX)


def sequence_path(plan_path: str | os.PathLike) -> Path:
    plan_path = Path(plan_path)
    return plan_path.with_name(plan_path.name + SEQUENCE_SUFFIX)


@dataclass(frozen=True)
class InstallationKey:
    """The private key of one installation (never leaves the machine) and its public half."""
    path: Path
    private: object              # cryptography Ed25519PrivateKey
    public_key: bytes            # raw, 32 bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def installation_key(plan_path: str | os.PathLike, *, create: bool = True,
                     passphrase: bytes | None = None) -> InstallationKey:
    """The key next to ``plan_path``; created (plain PEM, 0600) when missing and ``create`` is set.
    A protected key needs its secret (:class:`KeyLocked`, :class:`WrongSecret` otherwise)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_path(plan_path)
    if not path.exists():
        if not create:
            raise FileError(f"Kunci tanda tangan {path.name} belum ada. Ekspor paket sekali untuk membuatnya.")
        try:
            _write_private(path, _plain_pem(Ed25519PrivateKey.generate()), replace=False)
        except FileError:           # another process made the key a moment ago: that one is the key
            pass
    elif os.name == "posix" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)     # a copy made by hand may have lost the restrictive mode
    envelope, private = _read_key(path)
    if envelope is not None:
        raw = protection.protector(envelope.protection).unprotect(envelope.payload, passphrase)
        private = Ed25519PrivateKey.from_private_bytes(raw)
        if _raw_public(private) != envelope.public_key:
            raise _damaged(path)
    return InstallationKey(path, private, _raw_public(private))


def public_key_of(plan_path: str | os.PathLike) -> bytes:
    """The installation's public key (for its fingerprint) without unlocking the private key."""
    path = key_path(plan_path)
    if not path.exists():
        raise FileError(f"Kunci tanda tangan {path.name} belum ada. Ekspor paket sekali untuk membuatnya.")
    envelope, private = _read_key(path)
    return envelope.public_key if envelope is not None else _raw_public(private)


def key_protection_of(plan_path: str | os.PathLike) -> str:
    """``none`` (a plain file, mode 0600) or the name of the key's protector (``passphrase``, ...)."""
    envelope, _ = _read_key(key_path(plan_path))
    return "none" if envelope is None else envelope.protection


def protect_key(plan_path: str | os.PathLike, method: str, *, secret: bytes | None = None,
                current: bytes | None = None) -> str:
    """Protect the key with ``method`` (``passphrase``, another registered protector, or ``none`` to
    keep only the file mode); ``current`` unlocks it first when it is already protected.  The file
    is replaced atomically; the key itself (and so its fingerprint and pins) does not change."""
    from cryptography.hazmat.primitives import serialization

    key = installation_key(plan_path, create=False, passphrase=current)
    if method == "none":
        data = _plain_pem(key.private)
    else:
        raw = key.private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                        serialization.NoEncryption())
        payload = protection.protector(method).protect(raw, secret)
        data = protection.Envelope(method, key.public_key, payload).to_bytes()
    _write_private(key.path, data, replace=True)
    return method


def _read_key(path: Path):
    """(envelope, None) for a protected key, (None, private key) for a plain PEM."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        if path.stat().st_size > _MAX_KEY_FILE:
            raise ValueError("too large")
        data = path.read_bytes()
        envelope = protection.read_envelope(data)
        if envelope is not None:
            return envelope, None
        private = serialization.load_pem_private_key(data, password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError("not Ed25519")
    except (ValueError, TypeError, KeyError, OSError, UnicodeDecodeError):
        raise _damaged(path) from None
    return None, private


def _damaged(path: Path) -> FileError:
    return FileError(
        f"Kunci tanda tangan {path.name} rusak atau bukan kunci Ed25519. Pulihkan dari cadangan; bila "
        "hilang, hapus berkas itu agar kunci baru dibuat, lalu minta Kantor Wilayah menyematkan ulang "
        "sidik jarinya.")


def _plain_pem(private) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())


def _raw_public(private) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _write_private(path: Path, data: bytes, *, replace: bool) -> None:
    """Write a key file under a unique temporary name with mode 0600, then publish it (a new key
    never replaces one that appeared meanwhile: FileError)."""
    sweep_stale_temps(path)
    tmp = temp_path(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        publish(tmp, path, replace=replace)
    except BaseException:
        remove_temp(tmp)
        raise


def save_copy_keeping_key(store, target: str | os.PathLike) -> Path:
    """Simpan Sebagai: a consistent copy of the plan that keeps the unit's signing key.

    The key (and its export counter) lives next to the plan path; a copy without it would make a
    new key at its first export, and the Kanwil would refuse its packages.  So the key is copied
    beside the copy (mode 0600), created first if the unit never exported.  A different key
    already lying at the target is never overwritten: the copy is refused and nothing written."""
    target = Path(target)
    source, dest = key_path(store.path), key_path(target)
    if dest.exists() and source.exists() and dest.read_bytes() != source.read_bytes():
        raise FileError(f"Di folder tujuan sudah ada kunci tanda tangan lain ({dest.name}); salinan tidak dibuat agar "
                        "kunci itu tidak tertimpa. Pilih nama atau folder lain.")
    saved = store.save_copy(target)
    if not store.readonly and not source.exists():
        installation_key(store.path)          # one key for the unit, whichever copy exports first
    if source.exists() and not dest.exists():
        _write_private(dest, source.read_bytes(), replace=False)
    counter, dest_counter = sequence_path(store.path), sequence_path(target)
    if counter.exists():
        with plan_lock(dest_counter, "nomor urut ekspor"):
            _write_sequence(dest_counter, max(_last_sequence(counter), _last_sequence(dest_counter)))
    return saved


def _last_sequence(path: Path) -> int:
    if not path.exists():
        return 0
    text = path.read_text(encoding="ascii", errors="replace").strip()
    if not text.isdigit():
        raise FileError(f"Berkas urutan ekspor {path.name} rusak (“{text[:20]}”). Perbaiki atau hapus berkas itu.")
    return int(text)


def peek_sequence(plan_path: str | os.PathLike) -> int:
    """The number the next export will take (for a suggested file name); takes nothing."""
    return _last_sequence(sequence_path(plan_path)) + 1


def next_sequence(plan_path: str | os.PathLike) -> int:
    """Take the next export sequence number of this installation's key (persisted, rising)."""
    path = sequence_path(plan_path)
    with plan_lock(path, "nomor urut ekspor"):      # two exports at once never take the same number
        last = _last_sequence(path)
        if last >= MAX_SEQUENCE:
            raise FileError(f"Nomor urut ekspor di {path.name} sudah mencapai batas ({last}). Buat kunci baru "
                            f"(hapus {key_path(plan_path).name} dan {path.name}) lalu minta Kantor Wilayah "
                            "menyematkannya ulang.")
        _write_sequence(path, last + 1)
    return last + 1


def resume_sequence_above(plan_path: str | os.PathLike, merged: int) -> bool:
    """After merging a package saying the other side already merged ``merged`` from this unit: the
    next export takes a number above it (a counter lost with a laptop, or restored from a backup,
    would otherwise make every new package look older).  A hint at the very limit is ignored, as
    no package could follow it.  True when the counter was raised."""
    path = sequence_path(plan_path)
    if merged >= MAX_SEQUENCE:
        return False
    with plan_lock(path, "nomor urut ekspor"):
        if _last_sequence(path) >= merged:
            return False
        _write_sequence(path, merged)
    return True


def _write_sequence(path: Path, value: int) -> None:
    """Write the counter under a unique temporary name, then rename it (call under plan_lock); what a
    killed writer left under such a name is swept first."""
    sweep_stale_temps(path)
    tmp = temp_path(path)
    tmp.write_text(f"{value}\n", encoding="ascii")
    os.replace(tmp, path)


def verify_signature(public_key: bytes, signature: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


# -- pins (in the merging installation's plan file) -------------------------------------------
def current_pin(conn, unit_code: str) -> dict | None:
    row = conn.execute("SELECT * FROM unit_key_pin WHERE unit_code = ? AND deleted = 0", (unit_code,)).fetchone()
    return _pin(row) if row else None


def _pin(row) -> dict:
    """A pin as callers read it: the row, and when and by whom the key was pinned."""
    return {**dict(row), "pinned_at": row["updated_at"], "pinned_by": row["updated_by"]}


def key_status(conn, unit_code: str, public_key: bytes) -> str:
    """``pinned`` (this key is the unit's pin), ``new`` (no pin yet) or ``mismatch``."""
    pin = current_pin(conn, unit_code)
    if pin is None:
        return "new"
    return "pinned" if pin["fingerprint"] == fingerprint(public_key) else "mismatch"


def pins(conn) -> list[dict]:
    """The current pin of every unit, in unit order."""
    return [_pin(r) for r in conn.execute("SELECT * FROM unit_key_pin WHERE deleted = 0 ORDER BY unit_code")]


def units_sharing(conn, fingerprint_text: str, unit_code: str) -> list[str]:
    """Other units whose current pin is this fingerprint (one key for two units: a unit could then
    send data in the other's name)."""
    # one pass over the table (no index on fingerprint), sorted here: ORDER BY in SQL would walk the
    # unit_code index and look up each row (a merge asks twice per package, ~2x slower at 530 units)
    return sorted(r[0] for r in conn.execute("SELECT unit_code FROM unit_key_pin WHERE deleted = 0 AND fingerprint = ? "
                                             "AND unit_code != ?", (fingerprint_text, unit_code)))


class SharedKey(ValidationError):
    """The key is already pinned for another unit; pinning it again needs ``allow_shared``."""


def pin_key(store, unit_code: str, fingerprint_text: str, *, actor: str, reason: str = "",
            public_key: bytes | None = None, allow_shared: bool = False) -> dict:
    """Pin ``unit_code`` to a key through the door (:meth:`.service.PlanService.pin_key`); returns the
    pin.  See :func:`pin_with`."""
    from ..service import PlanService

    PlanService(store, actor).pin_key(unit_code, fingerprint_text, reason=reason, public_key=public_key,
                                      allow_shared=allow_shared)
    return current_pin(store.conn, (unit_code or "").strip().upper())


def pin_with(service, unit_code: str, fingerprint_text: str, *, reason: str = "", public_key: bytes | None = None,
             allow_shared: bool = False):
    """Pin ``unit_code`` to a key.  A first pin may go without a reason; replacing a pin needs one.
    A key already pinned for another unit is refused (:class:`SharedKey`) unless ``allow_shared``
    (a person confirmed it; the CLI's --force).  Pinning the key already pinned changes nothing.
    The pin is a row of ``unit_key_pin`` written through the door: its versions and the audit trail
    keep every earlier pin."""
    store = service.store
    fp = normalise_fingerprint(fingerprint_text)
    if public_key is not None and fingerprint(public_key) != fp:
        raise ValidationError("Sidik jari tidak cocok dengan kunci paket. Periksa kembali angka yang dibacakan.")
    unit_code = (unit_code or "").strip().upper()
    if not store.conn.execute("SELECT 1 FROM unit WHERE code = ? AND deleted = 0", (unit_code,)).fetchone():
        codes = [r[0] for r in store.conn.execute("SELECT code FROM unit WHERE deleted = 0 ORDER BY seq")]
        raise ValidationError(f"Satker “{unit_code}” tidak ada di direktori satker berkas ini. "
                              f"Pilihan: {', '.join(codes)}.", field="unit_code")
    if unit_code == service.unit_code:
        raise ValidationError("Kunci satker berkas ini sendiri tidak perlu disematkan.", field="unit_code")
    reason = (reason or "").strip()
    writer = service.writer()
    with store.atomic():
        old = current_pin(store.conn, unit_code)
        if old and old["fingerprint"] == fp:
            return writer.changes
        if old and not reason:
            raise ValidationError(
                f"Satker {unit_code} sudah memakai kunci {old['fingerprint']}. Menyematkan kunci lain "
                "memerlukan alasan (mis. “laptop diganti, dikonfirmasi via telepon”).", field="reason")
        shared = units_sharing(store.conn, fp, unit_code)
        if shared and not allow_shared:
            raise SharedKey(
                f"Kunci {fp} sudah disematkan untuk satker {', '.join(shared)}. Satu kunci untuk dua satker berarti "
                f"satu satker dapat mengirim data atas nama satker lain; kunci {unit_code} tidak disematkan. Periksa "
                "sidik jarinya lagi melalui telepon; bila memang benar, sematkan dengan --force.", field="fingerprint")
        service.upsert(writer, "unit_key_pin", {
            "unit_code": unit_code, "fingerprint": fp, "public_key": public_key.hex() if public_key else None,
            "reason": reason or "sidik jari dikonfirmasi"})
    return writer.changes
