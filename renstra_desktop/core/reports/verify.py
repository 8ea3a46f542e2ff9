"""Check a report against a plan file: its QR payload (scanned text) or its PDF.

The figures the payload names (unit, kind, period, options, signature block, date) are collected
again from the plan file and their sha256 compared with the payload's.

From a PDF the code is read where a change after signing cannot reach it: the revision the first
signature covers (the whole report as signed; the PDF as a whole when it is unsigned), from the QR
code drawn on its page and from that revision's ``/Keywords``.  The two must agree, and the final
``/Keywords`` must still be the signed one; otherwise the PDF was altered and is refused.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from .. import localtime
from ..errors import FileError, NotFound, ValidationError
from ..os_errors import SPECIAL_FILE, is_special_file, os_reason
from ..queries import unit_names
from .base import KIND_ALIASES, PERIOD_KINDS, TITLES, ReportOptions, period_label
from .build import collect
from .qr import PREFIX, Payload, digest, parse_payload

QR_DPI = 200          # a module of the printed code is 4-5 pixels: enough for the decoder
QR_PAGES = 3          # the code is in the signature area, which closes the report: its last pages


@dataclass(frozen=True)
class Verification:
    payload: Payload
    matches: bool
    current_digest: str
    changes_since: int        # audit entries recorded after the report was generated
    message: str


def options_from_payload(payload: Payload, conn=None) -> ReportOptions:
    kind = KIND_ALIASES.get(payload.kind, payload.kind)
    period = payload.period
    year = period if len(period) == 4 and period.isdigit() else None
    kwargs = {"year": int(year)} if year else {}
    if kind in PERIOD_KINDS and not year:
        kwargs = {"period": period}
    try:
        at = _dt.datetime.fromisoformat(payload.generated_at.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError("Waktu pada kode laporan rusak. Pindai ulang kode QR-nya.") from None
    return ReportOptions(kind, unit=payload.unit, history="h" in payload.options, generated_at=at,
                         time_zone=payload.time_zone, **kwargs).checked(conn)


def verify_payload(conn, text: str) -> Verification:
    """Does the plan in ``conn`` still give the figures of the report whose payload is ``text``?"""
    payload = parse_payload(text)
    try:
        options = options_from_payload(payload, conn)
        current = digest(collect(conn, options))
    except NotFound as exc:
        raise NotFound(f"Laporan ini untuk satker “{payload.unit}”, yang tidak ada di berkas rencana ini. "
                       "Periksa dengan berkas rencana satker tersebut atau berkas gabungan Kanwil.") from exc
    except ValidationError as exc:
        raise ValidationError(f"Kode laporan tidak dapat diperiksa: {exc.message}") from exc
    changes = _changes_since(conn, payload.generated_at)
    unit = unit_names(conn).get(payload.unit, payload.unit) if payload.unit else "seluruh satker"
    who = f"{TITLES.get(options.kind, options.kind)}, {unit}, {period_label(payload.period)}"
    made = localtime.format_datetime(payload.generated_at, localtime.office_zone(payload.time_zone))
    if current == payload.sha256:
        message = (f"COCOK: angka dan penanda tangan laporan ({who}) sama dengan berkas rencana. "
                   f"Kode {payload.short_code}, dibuat {made}.")
    else:
        message = (f"TIDAK COCOK: berkas rencana sudah berbeda dari laporan ({who}) yang dibuat {made} "
                   f"(angka atau penanda tangannya). Kode laporan {payload.short_code}, kode berkas sekarang "
                   f"{current[:12]}; {changes} perubahan tercatat sejak laporan dibuat. "
                   "Buat ulang laporannya atau periksa riwayat perubahan.")
    return Verification(payload, current == payload.sha256, current, changes, message)


def _changes_since(conn, at: str) -> int:
    stamp = at.rstrip("Z") + ".999999Z"      # generated-at is cut to the second; audit times are not
    row = conn.execute("SELECT count(*) FROM audit_log WHERE at > ?", (stamp,)).fetchone()
    return int(row[0]) if row else 0


# -- the code a PDF carries ---------------------------------------------------------------------
def payload_from_pdf(path) -> str:
    """The payload text of a report PDF, from its signed revision (QR code and /Keywords); FileError
    when there is none, or when the PDF was altered so that they disagree."""
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
        final = _keywords(reader)
        signatures = sorted(reader.embedded_regular_signatures, key=lambda s: s.signed_revision)
        if signatures:
            byte_range = [int(v) for v in signatures[0].byte_range]
            signed = data[:byte_range[2] + byte_range[3]]      # the file as the first signer signed it
            keywords = _keywords(PdfFileReader(BytesIO(signed), strict=False))
        else:
            signed, keywords = data, final
    except Exception as exc:
        raise FileError(f"PDF {path.name} rusak dan tidak dapat dibaca.") from exc
    drawn = qr_code_on_pages(signed)
    if signatures and final != keywords:
        raise FileError(f"PDF {path.name} diubah setelah ditandatangani: kode laporan dalam metadatanya diganti. "
                        "Periksa berkas aslinya, atau pindai kode QR pada cetakannya dan berikan teksnya dengan --code.")
    if drawn and keywords and drawn != keywords:
        raise FileError(f"Kode laporan dalam metadata PDF {path.name} berbeda dengan kode QR yang tercetak: "
                        "PDF ini diubah. Periksa berkas aslinya, atau pindai kode QR pada cetakannya.")
    code = drawn or keywords
    if not code.startswith(PREFIX.split("/")[0]):
        raise FileError(f"PDF {path.name} tidak membawa kode laporan Renstra Desktop. "
                        "Pindai kode QR pada cetakannya dan berikan teksnya dengan --code.")
    return code


def _keywords(reader) -> str:
    info = reader.trailer_view.get("/Info")
    return str(info.get_object().get("/Keywords", "")) if info is not None else ""


def qr_code_on_pages(pdf: bytes) -> str:
    """The report code of the first QR code found on the last pages, from the last back; "" when none is."""
    import pypdfium2 as pdfium
    import zxingcpp

    doc = pdfium.PdfDocument(pdf)
    try:
        for index in list(reversed(range(len(doc))))[:QR_PAGES]:
            page = doc[index]
            try:
                image = page.render(scale=QR_DPI / 72).to_pil()
            finally:
                page.close()
            for found in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
                if found.text.startswith(PREFIX.split("/")[0]):
                    return found.text
    finally:
        doc.close()
    return ""
