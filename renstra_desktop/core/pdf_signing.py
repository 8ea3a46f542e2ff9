"""Local PAdES B-B signatures (offline, no timestamp server) with a PKCS#12 file, and their check.

Two signatures per document, in this order, each an incremental update so earlier ones stay valid:
``konseptor`` ("Disiapkan oleh", field ``Sig_Konseptor``) then ``kepala`` ("Disetujui oleh",
field ``Sig_Kepala``). The visible stamp shows the heading, name, jabatan and signing time in
Indonesian (``22 Desember 2025 10:15 WITA``; WIB/WITA/WIT from the time's UTC offset, UTC
otherwise), drawn with the shipped Liberation Sans.

Where the stamp goes, first match wins:
1. an empty signature field of the role's name already in the PDF (the signature-spot marker,
   see :func:`add_signature_spots`);
2. ``field_box=(page_index, x1, y1, x2, y2)``: PDF points, origin bottom-left, page index from 0
   (negative counts from the end);
3. a default box at the bottom of the last page: konseptor left, kepala right.
"""
from __future__ import annotations

import functools
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..paths import resource_path
from .errors import SigningError


@dataclass(frozen=True)
class Role:
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
FONT_SIZE = 10
STAMP_MARGIN = 6

_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember")
_ZONES = {7.0: "WIB", 8.0: "WITA", 9.0: "WIT"}

# fontTools warns on stderr about every table it drops while subsetting the stamp font.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

_SIGNING_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


def format_signing_time(moment: datetime) -> str:
    """``22 Desember 2025 10:15 WITA``; offsets other than WIB/WITA/WIT are shown in UTC."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    zone = _ZONES.get(moment.utcoffset() / timedelta(hours=1))
    if zone is None:
        moment, zone = moment.astimezone(timezone.utc), "UTC"
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year} {moment:%H:%M} {zone}"


# --- fonts ---------------------------------------------------------------------------------


class _EmScaledGlyphs(GlyphAccumulator):
    """pyHanko writes raw font units into /W, TJ and the font descriptor, but PDF reads them as
    1/1000 em: Liberation Sans (2048 units per em) came out twice as wide. Shape at 1000."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._font_units = self.units_per_em
        self.hb_font.scale = (1000, 1000)
        self.units_per_em = 1000
        descriptor = self.cidfont_obj._font_descriptor
        for key in ("/Ascent", "/Descent", "/CapHeight"):
            descriptor[key] = type(descriptor[key])(self._em(descriptor[key]))
        descriptor["/FontBBox"] = type(descriptor["/FontBBox"])(
            type(v)(self._em(v)) for v in descriptor["/FontBBox"]
        )

    def _em(self, font_units) -> int:
        return round(int(font_units) * 1000 / self._font_units)

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        if glyph_id not in self._glyphs:
            cid, width = super()._get_cid_and_width(glyph_id)
            self._glyphs[glyph_id] = (cid, self._em(width))
        return self._glyphs[glyph_id]


@dataclass(frozen=True)
class _EmScaledFontFactory(GlyphAccumulatorFactory):
    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        with open(self.font_file, "rb") as handle:
            font_bytes = BytesIO(handle.read())
        return _EmScaledGlyphs(writer=writer, font_handle=font_bytes,
                               font_size=self.font_size, obj_stream=obj_stream)


def _font_path() -> str:
    return str(resource_path("fonts", "LiberationSans-Regular.ttf"))


def _stamp_style() -> TextStampStyle:
    font = _EmScaledFontFactory(_font_path(), font_size=FONT_SIZE)
    return TextStampStyle(
        stamp_text="%(text)s",
        text_box_style=TextBoxStyle(font=font, font_size=FONT_SIZE, leading=FONT_SIZE + 2),
        border_width=1,
        border_color=(0.35, 0.35, 0.35),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(STAMP_MARGIN),
        ),
    )


@functools.lru_cache(maxsize=1)
def _advances() -> tuple[dict[int, int], int]:
    font = TTFont(_font_path(), lazy=True)
    hmtx = font["hmtx"]
    return ({code: hmtx[glyph][0] for code, glyph in font.getBestCmap().items()},
            font["head"].unitsPerEm)


def _text_width(text: str) -> float:
    """Width in points at FONT_SIZE, from the font's own metrics (units per em 2048)."""
    advances, units_per_em = _advances()
    return sum(advances.get(ord(ch), units_per_em // 2) for ch in text) / units_per_em * FONT_SIZE


def _wrap(text: str, width: float) -> list[str]:
    # TextBox has no word wrap; whatever still does not fit is shrunk by the layout.
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _stamp_text(role: Role, name: str, jabatan: str, moment: datetime, box_width: float) -> str:
    width = box_width - 2 * STAMP_MARGIN - 4  # border and a little air
    lines = [role.heading, *_wrap(name, width), *_wrap(jabatan or "", width)]
    lines.append(format_signing_time(moment))
    return "\n".join(lines)


# --- inputs --------------------------------------------------------------------------------


def _read_pdf(path) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SigningError(
            f"Berkas PDF {path} tidak dapat dibaca ({exc.strerror}). Periksa nama dan lokasinya."
        ) from exc
    if b"%PDF-" not in data[:1024]:
        raise SigningError(f"Berkas {path} bukan PDF. Pilih berkas PDF hasil ekspor laporan.")
    return data


def _open_reader(data: bytes, path) -> PdfFileReader:
    try:
        reader = PdfFileReader(BytesIO(data))
        reader.root  # noqa: B018 - forces the trailer and catalogue to be parsed
    except Exception as exc:
        raise SigningError(
            f"PDF {path} rusak atau tidak dapat dibaca. Ekspor ulang dokumennya lalu coba lagi."
        ) from exc
    if reader.encrypted:
        raise SigningError(
            f"PDF {path} dikunci dengan kata sandi. Buka kuncinya dulu, lalu tanda tangani."
        )
    return reader


@dataclass(frozen=True)
class _Credentials:
    cert: x509.Certificate
    signer: signers.SimpleSigner


def _load_credentials(p12_path, password: bytes, now: datetime) -> _Credentials:
    try:
        data = Path(p12_path).read_bytes()
    except OSError as exc:
        raise SigningError(
            f"Berkas sertifikat {p12_path} tidak dapat dibaca ({exc.strerror})."
            " Periksa nama dan lokasinya."
        ) from exc
    try:
        asn1_pkcs12.Pfx.load(data, strict=True).native  # noqa: B018 - validates the structure
    except Exception as exc:
        raise SigningError(
            f"Berkas {p12_path} bukan sertifikat PKCS#12 (.p12/.pfx)."
            " Pilih berkas sertifikat tanda tangan Anda."
        ) from exc
    key = cert = None
    for candidate in (password, None) if not password else (password,):
        try:  # an empty password may mean "" or no password at all
            key, cert, extra = pkcs12.load_key_and_certificates(data, candidate)
            break
        except ValueError:
            continue
    else:
        raise SigningError(
            f"Kata sandi sertifikat {Path(p12_path).name} salah. Ketik ulang kata sandinya."
        )
    if key is None or cert is None:
        raise SigningError(
            f"Berkas {Path(p12_path).name} tidak berisi kunci privat dan sertifikat penanda"
            " tangan. Minta berkas PKCS#12 yang lengkap kepada pengelola sertifikat."
        )
    _check_certificate(cert, now)
    der = serialization.Encoding.DER
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(der)) for c in extra]
        ),
    )
    return _Credentials(cert, signer)


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def _title(cert: x509.Certificate) -> str:
    titles = cert.subject.get_attributes_for_oid(x509.NameOID.TITLE)
    return str(titles[0].value) if titles else ""


def _check_certificate(cert: x509.Certificate, now: datetime) -> None:
    who = _common_name(cert)
    starts, ends = (t.astimezone(now.tzinfo) for t in
                    (cert.not_valid_before_utc, cert.not_valid_after_utc))
    if now < starts:
        raise SigningError(
            f"Sertifikat {who} baru berlaku mulai {format_signing_time(starts)}."
            " Periksa jam komputer atau tunggu sampai sertifikat berlaku."
        )
    if now > ends:
        raise SigningError(
            f"Sertifikat {who} sudah kedaluwarsa sejak {format_signing_time(ends)}."
            " Perpanjang sertifikatnya dulu."
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return  # no restriction (RFC 5280)
    if not (usage.digital_signature or usage.content_commitment):
        raise SigningError(
            f"Sertifikat {who} tidak boleh dipakai untuk tanda tangan (key usage tanpa"
            " digitalSignature/nonRepudiation). Gunakan sertifikat tanda tangan elektronik."
        )


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


# --- output --------------------------------------------------------------------------------


def _write_atomically(out_path, data: bytes) -> None:
    """Write next to the target and rename at the end: a failure leaves no partial file."""
    target = Path(out_path)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise SigningError(
            f"Folder {target.parent} tidak dapat ditulisi ({exc.strerror}). Pilih folder lain."
        ) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, target)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise SigningError(
            f"PDF bertanda tangan tidak dapat disimpan ke {target} ({exc.strerror})."
            " Tutup berkas itu bila sedang terbuka, atau pilih nama lain."
        ) from exc


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
    pdf_bytes = _read_pdf(in_path)
    reader = _open_reader(pdf_bytes, in_path)
    credentials = _load_credentials(p12_path, password, now)
    existing = _signed_fields(reader)
    _check_order(existing, spec)

    if spec.field_name in existing:  # an empty spot prepared in the PDF
        new_field = None
        width = _existing_field_width(reader, spec.field_name)
    else:
        page, box = _resolve_box(reader, spec, field_box)
        new_field = fields.SigFieldSpec(spec.field_name, on_page=page, box=box)
        width = box[2] - box[0]
    name = signer_name or _common_name(credentials.cert)
    text = _stamp_text(spec, name, jabatan if jabatan is not None else _title(credentials.cert),
                       now, width)
    meta = signers.PdfSignatureMetadata(
        field_name=spec.field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=name,
        reason=f"{spec.heading.rstrip(':')} {spec.label}",
    )
    pdf_signer = _TimedPdfSigner(meta, credentials.signer, stamp_style=_stamp_style(),
                                 new_field_spec=new_field, signing_time=now)
    output = BytesIO()
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
        pdf_signer.sign_pdf(writer, output=output, appearance_text_params={"text": text})
    except Exception as exc:  # pyHanko's own errors: damaged or unusual PDF structure
        raise SigningError(
            f"PDF {in_path} tidak dapat ditandatangani ({type(exc).__name__}: {exc})."
            " Ekspor ulang dokumennya lalu coba lagi."
        ) from exc
    _write_atomically(out_path, output.getvalue())


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
    pdf_bytes = _read_pdf(in_path)
    reader = _open_reader(pdf_bytes, in_path)
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
    _write_atomically(out_path, output.getvalue())


# --- verification --------------------------------------------------------------------------


def _load_trust(items: Iterable) -> list[asn1_x509.Certificate]:
    roots = []
    for item in items:
        data = item if isinstance(item, bytes) else None
        if data is None:
            try:
                data = Path(item).read_bytes()
            except OSError as exc:
                raise SigningError(
                    f"Sertifikat tepercaya {item} tidak dapat dibaca ({exc.strerror})."
                ) from exc
        try:
            blocks = ([der for _type, _headers, der in asn1_pem.unarmor(data, multiple=True)]
                      if asn1_pem.detect(data) else [data])
            certs = [asn1_x509.Certificate.load(der) for der in blocks]
            for cert in certs:
                cert.native  # noqa: B018 - parse now, not halfway through validation
            roots += certs
        except Exception as exc:
            label = item if not isinstance(item, bytes) else "yang diberikan"
            raise SigningError(
                f"Sertifikat tepercaya {label} bukan sertifikat X.509 (PEM/DER)."
            ) from exc
    return roots


def _coverage(status) -> str:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return "entire_file"
    if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and status.docmdp_ok:
        return "later_changes_harmless"
    return "altered"


def _check_signature(embedded, context: ValidationContext) -> dict:
    result = {
        "field": embedded.field_name,
        "signer": "",
        "signing_time": None,
        "intact": False,
        "coverage": "altered",
        "trusted": False,
        "ok": False,
        "problem": "",
    }
    moment = embedded.self_reported_timestamp
    if moment is not None:
        result["signing_time"] = moment.isoformat()
    try:
        cert = embedded.signer_cert
        result["signer"] = cert.subject.native.get("common_name", cert.subject.human_friendly)
        status = validate_pdf_signature(embedded, signer_validation_context=context,
                                        key_usage_settings=_SIGNING_USAGE)
    except Exception as exc:  # a broken signature is a finding, not a crash
        result["problem"] = f"tanda tangan tidak dapat diperiksa ({type(exc).__name__})"
        return result
    result["intact"] = bool(status.intact and status.valid)
    result["coverage"] = _coverage(status)
    result["trusted"] = bool(status.trusted)
    result["ok"] = result["intact"] and result["trusted"] and result["coverage"] != "altered"
    if not result["intact"]:
        result["problem"] = "isi dokumen berubah setelah ditandatangani"
    elif result["coverage"] == "altered":
        result["problem"] = "dokumen diubah setelah ditandatangani"
    elif not result["trusted"]:
        result["problem"] = ("sertifikat penanda tangan tidak tepercaya: tidak berantai ke"
                             " sertifikat akar yang diberikan, atau sudah tidak berlaku")
    return result


def verify_pdf(path, trust: Iterable = ()) -> dict:
    """Check every signature of a PDF against ``trust`` (paths or PEM/DER bytes of root certs).

    Returns ``{"path", "signatures": [{"field", "signer", "signing_time" (ISO 8601 or None),
    "intact", "coverage" ("entire_file" | "later_changes_harmless" | "altered"), "trusted",
    "ok", "problem"}], "all_ok"}``; ``all_ok`` needs at least one signature and every one
    intact, trusted and not altered. Certificates are checked at the current time, offline.
    """
    data = _read_pdf(path)
    reader = _open_reader(data, path)
    context = ValidationContext(trust_roots=_load_trust(trust), allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        embedded = list(reader.embedded_regular_signatures)
    except Exception as exc:
        raise SigningError(
            f"Tanda tangan di PDF {path} rusak dan tidak dapat dibaca."
        ) from exc
    signatures = [_check_signature(sig, context) for sig in embedded]
    return {
        "path": str(path),
        "signatures": signatures,
        "all_ok": bool(signatures) and all(s["ok"] for s in signatures),
    }
