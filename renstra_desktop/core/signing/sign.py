"""Sign a PDF as konseptor or kepala, and mark where each role will sign.

Where the stamp goes, first match wins:
1. an empty signature field of the role's name already in the PDF (the signature-spot marker,
   see :func:`add_signature_spots`);
2. ``field_box=(page_index, x1, y1, x2, y2)``: PDF points, origin bottom-left, page index from 0
   (negative counts from the end);
3. a default box at the bottom of the last page: konseptor left, kepala right.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers

from ..errors import SigningError
from .credentials import common_name, load_credentials, title
from .files import open_reader, read_pdf, write_atomically
from .stamp import stamp_style, stamp_text


@dataclass(frozen=True)
class Role:
    """Who signs: the role's key, its signature field, the stamp's heading, its name in messages."""
    key: str
    field_name: str
    heading: str
    label: str


ROLES = {
    "konseptor": Role("konseptor", "Sig_Konseptor", "Disiapkan oleh:", "Konseptor"),
    "kepala": Role("kepala", "Sig_Kepala", "Disetujui oleh:", "Kepala"),
}

DEFAULT_BOX_SIZE = (220.0, 80.0)  # points; room for 5 lines at 10 pt
DEFAULT_MARGIN = 42.0


# --- placement -----------------------------------------------------------------------------


def _page_count(reader: PdfFileReader) -> int:
    return int(reader.root["/Pages"]["/Count"])


def _media_box(reader: PdfFileReader, page_index: int) -> tuple[float, float, float, float]:
    node = reader.find_page_for_modification(page_index)[0].get_object()
    while "/MediaBox" not in node and "/Parent" in node:
        node = node["/Parent"].get_object()
    return tuple(float(v) for v in node.get("/MediaBox", (0, 0, 595.28, 841.89)))


def _resolve_box(reader: PdfFileReader, role: Role, field_box) -> tuple[int, tuple]:
    pages = _page_count(reader)
    if field_box is None:
        page = pages - 1
        left, bottom, right, _top = _media_box(reader, page)
        width, height = DEFAULT_BOX_SIZE
        x1 = left + DEFAULT_MARGIN if role.key == "konseptor" else right - DEFAULT_MARGIN - width
        y1 = bottom + DEFAULT_MARGIN
        return page, (x1, y1, x1 + width, y1 + height)
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


def _signed_fields(reader: PdfFileReader) -> dict[str, bool]:
    """Signature field name -> whether it already holds a signature."""
    return {name: value is not None for name, value, _ref in fields.enumerate_sig_fields(reader)}


def _check_order(existing: dict[str, bool], role: Role) -> None:
    if existing.get(role.field_name):
        raise SigningError(
            f"Dokumen ini sudah ditandatangani sebagai {role.label}."
            " Satu peran hanya menandatangani sekali; gunakan berkas aslinya bila perlu mengulang."
        )
    if role.key == "konseptor" and existing.get(ROLES["kepala"].field_name):
        raise SigningError(
            "Dokumen ini sudah disetujui Kepala, jadi Konseptor tidak dapat menandatangani lagi."
            " Konseptor menandatangani lebih dulu, baru Kepala."
        )


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
             now: datetime | None = None) -> None:
    """Sign ``in_path`` as ``role`` into ``out_path`` (may be the same file).

    ``signer_name`` defaults to the certificate's common name, ``jabatan`` to its title
    attribute; ``now`` (default: the computer's clock) is both the signing time and the moment
    the certificate must be valid. Raises :class:`SigningError` and writes nothing on refusal.
    """
    spec = _role(role)
    if now is None or now.tzinfo is None:
        now = (now or datetime.now()).astimezone()  # naive means the computer's local time
    pdf_bytes = read_pdf(in_path)
    reader = open_reader(pdf_bytes, in_path)
    credentials = load_credentials(p12_path, password, now)
    existing = _signed_fields(reader)
    _check_order(existing, spec)

    if spec.field_name in existing:  # an empty spot prepared in the PDF
        new_field = None
        width = _existing_field_width(reader, spec.field_name)
    else:
        page, box = _resolve_box(reader, spec, field_box)
        new_field = fields.SigFieldSpec(spec.field_name, on_page=page, box=box)
        width = box[2] - box[0]
    name = signer_name or common_name(credentials.cert)
    text = stamp_text(spec.heading, name, jabatan if jabatan is not None else title(credentials.cert),
                      now, width)
    meta = signers.PdfSignatureMetadata(
        field_name=spec.field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=name,
        reason=f"{spec.heading.rstrip(':')} {spec.label}",
    )
    pdf_signer = _TimedPdfSigner(meta, credentials.signer, stamp_style=stamp_style(),
                                 new_field_spec=new_field, signing_time=now)
    output = BytesIO()
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
        pdf_signer.sign_pdf(writer, output=output, appearance_text_params={"text": text})
    except Exception as exc:  # pyHanko's own errors: damaged or unusual PDF structure
        raise SigningError(
            f"PDF {in_path} tidak dapat ditandatangani: susunan berkasnya rusak atau tidak biasa."
            " Ekspor ulang dokumennya dari Renstra Desktop lalu coba lagi."
        ) from exc
    write_atomically(out_path, output.getvalue())


def _existing_field_width(reader: PdfFileReader, field_name: str) -> float:
    for _name, _value, ref in fields.enumerate_sig_fields(reader, with_name=field_name):
        field = ref.get_object()
        widget = field if "/Rect" in field else field.get("/Kids", [{}])[0].get_object()
        rect = widget.get("/Rect")
        if rect:
            return abs(float(rect[2]) - float(rect[0]))
    return DEFAULT_BOX_SIZE[0]


def add_signature_spots(in_path, out_path, spots: Mapping[str, tuple]) -> None:
    """Mark where each role will sign: ``{"kepala": (page_index, x1, y1, x2, y2), ...}``.

    Adds empty signature fields (the marker :func:`sign_pdf` looks for) as an incremental update.
    Call it on an unsigned export, before anyone signs.
    """
    pdf_bytes = read_pdf(in_path)
    reader = open_reader(pdf_bytes, in_path)
    existing = _signed_fields(reader)
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    for role_key, field_box in spots.items():
        spec = _role(role_key)
        if spec.field_name in existing:
            raise SigningError(f"Tempat tanda tangan {spec.label} sudah ada di PDF ini.")
        page, box = _resolve_box(reader, spec, field_box)
        fields.append_signature_field(
            writer, fields.SigFieldSpec(spec.field_name, on_page=page, box=box)
        )
    output = BytesIO()
    writer.write(output)
    write_atomically(out_path, output.getvalue())
