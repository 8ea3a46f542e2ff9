"""Check a report against a plan file: its QR payload (scanned text) or its PDF.

A PDF carries the payload in its document information ``/Keywords`` entry (the same text as the
QR code); signing keeps that entry.  The figures the payload names (unit, kind, period, options)
are collected again from the plan file and their sha256 compared with the payload's.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import FileError, NotFound, ValidationError
from ..os_errors import SPECIAL_FILE, is_special_file, os_reason
from .base import CYCLE_KINDS, ReportOptions
from .build import collect
from .qr import PREFIX, Payload, digest, parse_payload


@dataclass(frozen=True)
class Verification:
    payload: Payload
    matches: bool
    current_digest: str
    changes_since: int        # audit entries recorded after the report was generated
    message: str


def options_from_payload(payload: Payload) -> ReportOptions:
    period = payload.period
    year = period if len(period) == 4 and period.isdigit() else None
    kwargs = {"year": int(year)} if year else {}
    if payload.kind in ("capaian", "renstra", "ringkasan", *CYCLE_KINDS) and not year:
        kwargs = {"period": period}
    return ReportOptions(payload.kind, unit=payload.unit, history="h" in payload.options, **kwargs).checked()


def verify_payload(conn, text: str) -> Verification:
    """Does the plan in ``conn`` still give the figures of the report whose payload is ``text``?"""
    payload = parse_payload(text)
    try:
        options = options_from_payload(payload)
        current = digest(collect(conn, options))
    except NotFound as exc:
        raise NotFound(f"Laporan ini untuk satker “{payload.unit}”, yang tidak ada di berkas rencana ini. "
                       "Periksa dengan berkas rencana satker tersebut atau berkas gabungan Kanwil.") from exc
    except ValidationError as exc:
        raise ValidationError(f"Kode laporan tidak dapat diperiksa: {exc.message}") from exc
    changes = _changes_since(conn, payload.generated_at)
    who = f"{payload.kind}, satker {payload.unit or 'seluruh satker'}, periode {payload.period}"
    if current == payload.sha256:
        message = (f"COCOK: angka laporan ({who}) sama dengan berkas rencana. "
                   f"Sidik sha256 {payload.sha256[:12]}… dibuat {payload.generated_at}.")
    else:
        message = (f"TIDAK COCOK: angka di berkas rencana sudah berbeda dari laporan ({who}) yang dibuat "
                   f"{payload.generated_at}. Sidik laporan {payload.sha256[:12]}…, sidik berkas sekarang "
                   f"{current[:12]}…; {changes} perubahan tercatat sejak laporan dibuat. "
                   "Buat ulang laporannya atau periksa riwayat perubahan.")
    return Verification(payload, current == payload.sha256, current, changes, message)


def _changes_since(conn, at: str) -> int:
    stamp = at.rstrip("Z") + ".999999Z"      # generated-at is cut to the second; audit times are not
    row = conn.execute("SELECT count(*) FROM audit_log WHERE at > ?", (stamp,)).fetchone()
    return int(row[0]) if row else 0


def payload_from_pdf(path) -> str:
    """The payload text a report PDF carries in ``/Keywords``; FileError when there is none."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    path = Path(path)
    if is_special_file(path):
        raise FileError(f"Berkas {path} {SPECIAL_FILE}. Berikan PDF laporan Renstra Desktop.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileError(f"Berkas {path} tidak dapat dibaca ({os_reason(exc)}). Periksa nama dan lokasinya.") from exc
    if b"%PDF-" not in data[:1024]:
        raise FileError(f"Berkas {path.name} bukan PDF. Berikan PDF laporan Renstra Desktop.")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        info = reader.trailer_view.get("/Info")
        keywords = str(info.get_object().get("/Keywords", "")) if info is not None else ""
    except Exception as exc:
        raise FileError(f"PDF {path.name} rusak dan tidak dapat dibaca.") from exc
    if not keywords.startswith(PREFIX):
        raise FileError(f"PDF {path.name} tidak membawa kode laporan Renstra Desktop. "
                        "Pindai kode QR pada cetakannya dan berikan teksnya dengan --code.")
    return keywords
