"""The report's identity: a payload text carried by the QR code and the PDF's Keywords.

Payload (one line, ``;``-separated ``key=value`` after a fixed prefix)::

    RENSTRA-DESKTOP/2;unit=KANWIL;kind=pendanaan;period=2025-2029;opt=;at=2025-12-22T00:00:00Z;tz=WITA;sha256=<64 hex>;chk=<8 hex>

``unit`` is a unit code or ``SEMUA`` (the whole province), ``opt`` lists content options (``h``:
history tables shown), ``at`` is the generated-at time (UTC), ``tz`` the office zone the report's
dates are in, ``sha256`` the digest of the canonical figures the report shows, its signatory
included (see :func:`digest`), and ``chk`` the first 8 hex digits of the SHA-256 of everything
before it: a damaged or mistyped code is refused as not a valid code instead of being compared.
The same text is the PDF's ``/Keywords`` entry.  Version 1 codes (no signatory in the digest, no
check digits) are recognised and refused with what to do.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass


from ..errors import ValidationError

PREFIX = "RENSTRA-DESKTOP/2"
OLD_PREFIXES = ("RENSTRA-DESKTOP/1",)
ALL_UNITS = "SEMUA"
_HEX = re.compile(r"^[0-9a-f]{64}$")
_FIELDS = ("unit", "kind", "period", "opt", "at", "tz", "sha256", "chk")
NOT_VALID = "Kode ini bukan kode laporan yang sah"
QR_MASK = 2
RESCAN = "Pindai ulang kode QR pada laporan, atau berikan berkas PDF-nya."


def canonical(data) -> bytes:
    """Stable bytes of the figures: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def digest(data) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def _check_digits(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Payload:
    unit: str | None
    kind: str
    period: str
    options: str
    generated_at: str          # UTC, 2025-12-22T00:00:00Z
    time_zone: str             # WIB, WITA or WIT
    sha256: str

    def text(self) -> str:
        body = ";".join([PREFIX, f"unit={self.unit or ALL_UNITS}", f"kind={self.kind}",
                         f"period={self.period}", f"opt={self.options}", f"at={self.generated_at}",
                         f"tz={self.time_zone}", f"sha256={self.sha256}"])
        return f"{body};chk={_check_digits(body)}"

    @property
    def short_code(self) -> str:
        return self.sha256[:12]


def parse_payload(text: str) -> Payload:
    """Read a payload scanned from a QR code or taken from a PDF; ValidationError ("bukan kode
    laporan yang sah") when it is not one, is damaged, or comes from an older version."""
    raw = (text or "").strip()
    parts = raw.split(";")
    if parts[0] in OLD_PREFIXES:
        raise ValidationError(
            f"Kode ini dibuat oleh Renstra Desktop versi lama ({parts[0]}): sidiknya belum mencakup penanda "
            "tangan, jadi laporan itu tidak dapat diperiksa lagi. Buat ulang laporannya dengan versi ini.")
    if parts[0] != PREFIX:
        raise ValidationError(f"{NOT_VALID}: tidak diawali “{PREFIX};”. {RESCAN}")
    body, sep, check = raw.rpartition(";chk=")
    if not sep or _check_digits(body) != check:
        raise ValidationError(f"{NOT_VALID}: isinya rusak atau salah salin (angka pemeriksa tidak cocok). {RESCAN}")
    fields = {}
    for part in parts[1:]:
        key, sep, value = part.partition("=")
        if not sep or key not in _FIELDS or key in fields:
            raise ValidationError(f"{NOT_VALID}: bagian “{part[:40]}” tidak dikenal. {RESCAN}")
        fields[key] = value
    missing = [k for k in _FIELDS if k not in fields]
    if missing or not _HEX.match(fields["sha256"]):
        raise ValidationError(f"{NOT_VALID}: tidak lengkap. {RESCAN}")
    unit = None if fields["unit"] == ALL_UNITS else fields["unit"]
    return Payload(unit, fields["kind"], fields["period"], fields["opt"], fields["at"], fields["tz"],
                   fields["sha256"])


def qr_modules(text: str) -> list[list[bool]]:
    """The QR code of ``text`` (error correction M, quiet zone of 2 modules) as rows of dark/light.
    Mask pattern 2 always: trying all eight (qrcode's default) cost a third of a one-page report's
    build; over 30 payloads of this form mask 2's penalty score averages 1718 against 1730 for the
    mask chosen each time (the others 1901-2288), and every reader decodes any mask.  The version
    (size) is found once per payload length: fitting it encodes the data again for each size tried."""
    import qrcode

    code = qrcode.QRCode(version=_qr_version(len(text.encode("utf-8"))), border=2, mask_pattern=QR_MASK,
                         error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=False)
    return code.get_matrix()


@functools.lru_cache(maxsize=16)
def _qr_version(length: int) -> int:
    """The smallest QR version that holds ``length`` bytes (byte mode, error correction M)."""
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=QR_MASK)
    code.add_data(qrcode.util.QRData(b"x" * length, mode=qrcode.util.MODE_8BIT_BYTE))
    code.make(fit=True)
    return code.version


def draw_qr(canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of ``text`` as a ``size``-point square with its lower left at (x, y).

    The dark modules go out as one filled path, runs along a row merged: one drawing operation
    (reportlab's QR widget draws each module through its shape renderer, some 40 ms a code).
    """
    modules = qr_modules(text)
    n = len(modules)
    cell = size / n
    path = canvas.beginPath()
    for r, row in enumerate(modules):
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            path.rect(x + start * cell, y + size - (r + 1) * cell, (c - start) * cell, cell)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
