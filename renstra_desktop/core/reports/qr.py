"""The report's identity: a payload text carried by the QR code and the PDF's Keywords.

Payload (one line, ``;``-separated ``key=value`` after a fixed prefix)::

    RENSTRA-DESKTOP/1;unit=KANWIL;kind=pendanaan;period=2025-2029;opt=;at=2025-12-22T00:00:00Z;sha256=<64 hex>

``unit`` is a unit code or ``SEMUA`` (the whole province), ``opt`` lists content options (``h``:
history tables shown), ``at`` is the generated-at time (UTC), ``sha256`` the digest of the
canonical figures the report shows (see :func:`digest`).  The same text is the PDF's
``/Keywords`` entry, so a PDF can be checked without scanning its QR code.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass


from ..errors import ValidationError

PREFIX = "RENSTRA-DESKTOP/1"
ALL_UNITS = "SEMUA"
_HEX = re.compile(r"^[0-9a-f]{64}$")


def canonical(data) -> bytes:
    """Stable bytes of the figures: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def digest(data) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


@dataclass(frozen=True)
class Payload:
    unit: str | None
    kind: str
    period: str
    options: str
    generated_at: str
    sha256: str

    def text(self) -> str:
        return ";".join([PREFIX, f"unit={self.unit or ALL_UNITS}", f"kind={self.kind}",
                         f"period={self.period}", f"opt={self.options}", f"at={self.generated_at}",
                         f"sha256={self.sha256}"])

    @property
    def short_code(self) -> str:
        return self.sha256[:12]


def parse_payload(text: str) -> Payload:
    """Read a payload scanned from a QR code or taken from a PDF; ValidationError if it is not one."""
    raw = (text or "").strip()
    parts = raw.split(";")
    if not parts or parts[0] != PREFIX:
        raise ValidationError(
            "Kode ini bukan kode laporan Renstra Desktop (harus diawali “RENSTRA-DESKTOP/1;”). "
            "Pindai ulang kode QR pada laporan atau berikan berkas PDF-nya.")
    fields = {}
    for part in parts[1:]:
        key, sep, value = part.partition("=")
        if not sep:
            raise ValidationError(f"Bagian “{part}” pada kode laporan rusak. Pindai ulang kode QR-nya.")
        fields[key] = value
    missing = [k for k in ("unit", "kind", "period", "opt", "at", "sha256") if k not in fields]
    if missing:
        raise ValidationError(f"Kode laporan tidak lengkap (tidak ada: {', '.join(missing)}). "
                              "Pindai ulang kode QR-nya.")
    if not _HEX.match(fields["sha256"]):
        raise ValidationError("Sidik (sha256) pada kode laporan rusak. Pindai ulang kode QR-nya.")
    unit = None if fields["unit"] == ALL_UNITS else fields["unit"]
    return Payload(unit, fields["kind"], fields["period"], fields["opt"], fields["at"], fields["sha256"])


def qr_modules(text: str) -> list[list[bool]]:
    """The QR code of ``text`` (error correction M, quiet zone of 2 modules) as rows of dark/light."""
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


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
