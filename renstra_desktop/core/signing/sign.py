"""Sign a report PDF as konseptor or kepala, in the spot the report prepared for the role.

Every report carries an empty signature field per role (core/signing/roles.py); the stamp goes
there.  ``field_box=(page_index, x1, y1, x2, y2)`` (PDF points, origin bottom-left, page index
from 0, negative from the end) places it in a PDF without a prepared spot; a PDF with neither is
refused (no stamp lands in a corner under the NIP).

Refused, with nothing written: a role signing twice, the konseptor after the kepala, the kepala
before the konseptor's paraf when the report has a paraf table, and one certificate signing as
both roles.  A certificate whose name differs from the name printed for the spot is signed with a
warning (``SignResult.warnings``).  The stamp shows the signing time in the office zone: the
report's own (its code's ``tz``), else ``zone``, else WITA.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from io import BytesIO

from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers

from .. import localtime
from ..errors import SigningError
from .credentials import common_name, load_credentials, title
from .files import open_writer, read_pdf, write_atomically
from .roles import PARAF_FIELD, ROLES, Role
from .stamp import stamp_style, stamp_text

_ZONE_IN_CODE = re.compile(r";tz=(WIB|WITA|WIT);")


@dataclass
class SignResult:
    """What signing did: the field filled, and warnings to show the signer (none: all as expected)."""
    field_name: str
    warnings: list = field(default_factory=list)


# --- placement -----------------------------------------------------------------------------


def _page_count(reader: PdfFileReader) -> int:
    return int(reader.root["/Pages"]["/Count"])


def _media_box(reader: PdfFileReader, page_index: int) -> tuple[float, float, float, float]:
    node = reader.find_page_for_modification(page_index)[0].get_object()
    while "/MediaBox" not in node and "/Parent" in node:
        node = node["/Parent"].get_object()
    return tuple(float(v) for v in node.get("/MediaBox", (0, 0, 595.28, 841.89)))


def _resolve_box(reader: PdfFileReader, field_box) -> tuple[int, tuple]:
    pages = _page_count(reader)
    page, x1, y1, x2, y2 = field_box
    if not -pages <= page < pages:
        raise SigningError(
            f"Kotak tanda tangan menunjuk halaman {page + 1}, padahal PDF hanya {pages} halaman."
        )
    page %= pages
    left, bottom, right, top = _media_box(reader, page)
    if not (left <= x1 < x2 <= right and bottom <= y1 < y2 <= top):
        raise SigningError(
            "Kotak tanda tangan berada di luar halaman atau ukurannya nol."
            " Periksa koordinat (x1, y1, x2, y2) dalam poin PDF."
        )
    return page, (x1, y1, x2, y2)


@dataclass(frozen=True)
class _Field:
    name: str
    signed: bool
    obj: object          # the field dictionary (merged with its widget in our reports)

    @property
    def rect(self) -> tuple[float, float, float, float] | None:
        widget = self.obj if "/Rect" in self.obj else self.obj.get("/Kids", [{}])[0].get_object()
        rect = widget.get("/Rect")
        return tuple(float(v) for v in rect) if rect else None

    @property
    def printed_name(self) -> str:
        return str(self.obj.get("/RenstraNama", "") or "")


def _sig_fields(reader: PdfFileReader) -> dict[str, _Field]:
    return {name: _Field(name, value is not None, ref.get_object())
            for name, value, ref in fields.enumerate_sig_fields(reader)}


def _role_field(existing: dict[str, _Field], role: Role) -> _Field | None:
    for name in role.field_names:
        if name in existing:
            return existing[name]
    return None


def _check_order(existing: dict[str, _Field], role: Role) -> None:
    mine = _role_field(existing, role)
    if mine is not None and mine.signed:
        raise SigningError(
            f"Dokumen ini sudah ditandatangani sebagai {role.label}."
            " Satu peran hanya menandatangani sekali; gunakan berkas aslinya bila perlu mengulang."
        )
    kepala = _role_field(existing, ROLES["kepala"])
    if role.key == "konseptor" and kepala is not None and kepala.signed:
        raise SigningError(
            "Dokumen ini sudah disetujui Kepala, jadi Konseptor tidak dapat menandatangani lagi."
            " Konseptor menandatangani lebih dulu, baru Kepala."
        )
    paraf = existing.get(PARAF_FIELD)
    if role.key == "kepala" and paraf is not None and not paraf.signed:
        raise SigningError(
            "Laporan ini memiliki tabel paraf, dan Konseptor belum memarafnya."
            " Minta Konseptor menandatangani (paraf) lebih dulu, baru Kepala."
        )


def _check_other_certificate(reader: PdfFileReader, role: Role, cert, path) -> None:
    """One person may not sign as both roles: refuse the certificate of the other role's signature."""
    mine = cert.public_bytes(serialization.Encoding.DER)
    try:
        signed = [(e.field_name, e.signer_cert.dump()) for e in reader.embedded_regular_signatures]
    except Exception as exc:  # an unreadable earlier signature
        raise SigningError(
            f"Tanda tangan yang sudah ada di PDF {path} tidak dapat dibaca. Gunakan berkas asli laporan."
        ) from exc
    for field_name, der in signed:
        other = next((r for r in ROLES.values() if field_name in r.field_names), None)
        if other is None or other.key == role.key:
            continue
        if der == mine:
            raise SigningError(
                f"Sertifikat {common_name(cert)} sudah dipakai untuk tanda tangan {other.label} pada dokumen ini."
                f" {role.label} menandatangani dengan sertifikatnya sendiri."
            )


def _same_name(a: str, b: str) -> bool:
    """Names compared without case, accents, punctuation and the academic titles after a comma."""
    def norm(text: str) -> str:
        text = unicodedata.normalize("NFKD", text.split(",")[0]).encode("ascii", "ignore").decode()
        return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())
    return norm(a) == norm(b)


def _office_zone(reader: PdfFileReader, zone):
    """``zone``, else the zone of the report's code (``tz=`` in /Keywords), else the default (WITA)."""
    if zone is not None:
        return zone
    try:
        info = reader.trailer_view.get("/Info")
        keywords = str(info.get_object().get("/Keywords", "")) if info is not None else ""
    except Exception:  # no readable document information: the default zone
        keywords = ""
    found = _ZONE_IN_CODE.search(keywords + ";")
    return localtime.office_zone(found.group(1) if found else None)


# --- signing -------------------------------------------------------------------------------


class _TimedPdfSigner(signers.PdfSigner):
    """PdfSigner whose signing time is the caller's, so the stamp and /M show the same time."""

    def __init__(self, *args, signing_time: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signing_time
        return session


def _role(role: str) -> Role:
    try:
        return ROLES[role]
    except KeyError:
        raise SigningError(
            f"Peran penanda tangan '{role}' tidak dikenal. Pilih konseptor atau kepala."
        ) from None


def sign_pdf(in_path, out_path, p12_path, password: bytes, role: str, *, field_box=None,
             signer_name: str | None = None, jabatan: str | None = None,
             now: datetime | None = None, zone=None) -> SignResult:
    """Sign ``in_path`` as ``role`` into ``out_path`` (may be the same file).

    ``signer_name`` defaults to the certificate's common name, ``jabatan`` to its title
    attribute; ``now`` (default: the clock) is both the signing time and the moment the
    certificate must be valid; ``zone`` the office zone shown (default: the report's).  Raises
    :class:`SigningError` and writes nothing on refusal.
    """
    spec = _role(role)
    writer = open_writer(read_pdf(in_path), in_path)     # parsed once: the checks read writer.prev
    reader = writer.prev
    office = _office_zone(reader, zone)
    now = localtime.to_local(now or datetime.now(timezone.utc), office)
    credentials = load_credentials(p12_path, password, now)
    existing = _sig_fields(reader)
    _check_order(existing, spec)
    _check_other_certificate(reader, spec, credentials.cert, in_path)

    prepared = _role_field(existing, spec)
    name = signer_name or common_name(credentials.cert)
    warnings = []
    if prepared is not None:
        new_field, field_name, rect = None, prepared.name, prepared.rect
        if prepared.printed_name and not _same_name(prepared.printed_name, name):
            warnings.append(f"Nama pada sertifikat ({name}) berbeda dengan nama yang tercetak untuk {spec.label}"
                            f" ({prepared.printed_name}). Periksa bahwa penanda tangannya benar.")
    elif field_box is not None:
        page, rect = _resolve_box(reader, field_box)
        field_name = spec.field_name
        new_field = fields.SigFieldSpec(field_name, on_page=page, box=rect)
    else:
        raise SigningError(
            f"PDF {in_path} tidak memiliki tempat tanda tangan {spec.label}. Buat ulang laporannya dengan"
            " Renstra Desktop (setiap laporan kini menyiapkan tempat tanda tangan), lalu tandatangani."
        )
    rect = rect or (0, 0, 220, 72)
    paraf = field_name == PARAF_FIELD
    text, size = stamp_text("Paraf:" if paraf else spec.heading, name,
                            jabatan if jabatan is not None else title(credentials.cert), now,
                            (abs(rect[2] - rect[0]), abs(rect[3] - rect[1])), office, compact=paraf)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=name,
        reason=f"{spec.heading.rstrip(':')} {spec.label}",
    )
    pdf_signer = _TimedPdfSigner(meta, credentials.signer, stamp_style=stamp_style(size),
                                 new_field_spec=new_field, signing_time=now)
    output = BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=output, appearance_text_params={"text": text})
    except Exception as exc:  # pyHanko's own errors: damaged or unusual PDF structure
        raise SigningError(
            f"PDF {in_path} tidak dapat ditandatangani: susunan berkasnya rusak atau tidak biasa."
            " Ekspor ulang dokumennya dari Renstra Desktop lalu coba lagi."
        ) from exc
    write_atomically(out_path, output.getvalue())
    return SignResult(field_name, warnings)
