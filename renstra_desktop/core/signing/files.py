"""The PDFs and certificate files signing reads and writes: clear Indonesian refusals, and an
atomic write so a failure leaves no partial file."""
from __future__ import annotations

import os
import tempfile
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from ..errors import FileError, SigningError
from ..safe_write import refuse_replacing_data
from ..os_errors import SPECIAL_FILE, is_special_file, os_reason


def read_file(path, what: str, hint: str = "") -> bytes:
    """The bytes of ``path``, or SigningError "``what`` ``path`` tidak dapat dibaca (reason).``hint``"."""
    if is_special_file(path):
        raise SigningError(f"{what} {path} {SPECIAL_FILE}.{hint}")
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SigningError(f"{what} {path} tidak ditemukan.{hint}") from None
    except OSError as exc:
        raise SigningError(f"{what} {path} tidak dapat dibaca ({os_reason(exc)}).{hint}") from exc


def read_pdf(path) -> bytes:
    """The bytes of a PDF file; refused when unreadable or not a PDF."""
    data = read_file(path, "Berkas PDF", " Periksa nama dan lokasinya.")
    if b"%PDF-" not in data[:1024]:
        raise SigningError(f"Berkas {path} bukan PDF. Pilih berkas PDF hasil ekspor laporan.")
    return data


def open_reader(data: bytes, path) -> PdfFileReader:
    """pyHanko's reader over ``data``; refused when damaged or password-protected."""
    return _checked(lambda: PdfFileReader(BytesIO(data)), path)


def open_writer(data: bytes, path) -> IncrementalPdfFileWriter:
    """An incremental writer over ``data`` whose reader (``.prev``) the signer also reads the fields
    and pages from: the PDF is parsed once.  Refused as :func:`open_reader` refuses."""
    writer = None

    def parse():
        nonlocal writer
        writer = IncrementalPdfFileWriter(BytesIO(data))
        return writer.prev
    _checked(parse, path)
    return writer


def _checked(parse, path) -> PdfFileReader:
    try:
        reader = parse()
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


def write_atomically(out_path, data: bytes) -> None:
    """Write next to the target and rename at the end: a failure leaves no partial file."""
    target = Path(out_path)
    try:
        refuse_replacing_data(target)
    except FileError as exc:
        raise SigningError(exc.message) from None
    try:
        handle, temp_name = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise SigningError(
            f"Folder {target.parent} tidak dapat ditulisi ({os_reason(exc)}). Pilih folder lain."
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
            f"PDF bertanda tangan tidak dapat disimpan ke {target} ({os_reason(exc)})."
            " Tutup berkas itu bila sedang terbuka, atau pilih nama lain."
        ) from exc
