"""Data dukung: files (PDF, images, spreadsheets) attached to an indicator and period, kept in the
plan file as base64 so they travel in the unit's package; listed with their SHA-256 digest.

Limits keep a package well inside what a reader accepts (64 MiB): at most 4 MiB per file and
24 MiB for all of a unit's files (base64 makes that ~32 MiB in the package).
"""
from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from ..errors import FileError, NotFound, ValidationError
from ..os_errors import os_reason
from ..numbers import format_mib
from ..schema import EVIDENCE_BYTES, PERIOD_RE
from .common import check_unit
from .indicators import indicator_info

MAX_FILE_BYTES = EVIDENCE_BYTES
MAX_UNIT_BYTES = 24 * 1024 * 1024
MAX_NAME = 120

# extension -> (media type, magic bytes it must start with; None: plain text)
TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".csv": ("text/csv", None),
}
ALLOWED = ", ".join(sorted({e.lstrip(".").upper() for e in TYPES}))


def check_file(name: str, data: bytes) -> str:
    """The media type of a file, or ValidationError saying what is wrong with it."""
    ext = Path(name).suffix.lower()
    if ext not in TYPES:
        raise ValidationError(f"Berkas {name} tidak dapat dilampirkan: jenis {ext or '(tanpa akhiran)'} tidak "
                              f"diterima. Lampirkan {ALLOWED}.")
    if not data:
        raise ValidationError(f"Berkas {name} kosong. Pilih berkas data dukung yang berisi.")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(f"Berkas {name} berukuran {format_mib(len(data))}, melebihi batas {format_mib(MAX_FILE_BYTES)} "
                              "per berkas. Perkecil (mis. pindai ulang dengan resolusi lebih rendah) lalu coba lagi.")
    media, magic = TYPES[ext]
    if magic is None:
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(f"Berkas {name} bukan teks CSV (UTF-8). Simpan ulang sebagai CSV UTF-8.") from None
    elif not data.startswith(magic):
        raise ValidationError(f"Isi berkas {name} bukan {ext.lstrip('.').upper()} (berkas rusak atau salah akhiran "
                              "nama). Buka berkasnya untuk memeriksa, lalu lampirkan yang benar.")
    return media


def add_evidence(service, unit: str, indicator_code: str, period: str, path=None, *, name: str | None = None,
                 data: bytes | None = None) -> tuple[str, object]:
    """Attach a file (``path``, or ``name`` and ``data``); returns (row id, changes)."""
    conn = service.store.conn
    unit = check_unit(conn, unit)
    info = indicator_info(conn, unit, indicator_code)
    period = str(period or "").strip().upper()
    if not PERIOD_RE.match(period):
        raise ValidationError(f"Periode “{period}” tidak sah. Contoh: 2026-TW1, 2026-S1, 2026.")
    if path is not None:
        path = Path(path)
        name = name or path.name
        if path.is_dir():
            raise FileError(f"{path} adalah folder. Pilih satu berkas data dukung.")
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            raise FileError(f"Berkas {path} tidak ditemukan. Periksa nama dan foldernya.") from None
        except OSError as exc:
            raise FileError(f"Berkas {path} tidak dapat dibaca ({os_reason(exc)}). Tutup berkasnya di aplikasi "
                            "lain atau salin ke folder Dokumen, lalu coba lagi.") from None
    name = os.path.basename(str(name or "")).strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationError(f"Nama berkas harus 1-{MAX_NAME} karakter.")
    data = bytes(data or b"")
    media = check_file(name, data)
    used = conn.execute("SELECT coalesce(sum(size), 0) FROM evidence_file WHERE unit_code = ? AND deleted = 0",
                        (unit,)).fetchone()[0]
    if used + len(data) > MAX_UNIT_BYTES:
        raise ValidationError(f"Data dukung satker {unit} sudah {format_mib(used)}; berkas ini ({format_mib(len(data))}) melebihi "
                              f"batas {format_mib(MAX_UNIT_BYTES)} per paket. Hapus lampiran lama yang tidak perlu atau "
                              "perkecil berkasnya.")
    return service.insert("evidence_file", {
        "unit_code": unit, "indicator_code": info["code"], "period": period, "file_name": name,
        "media_type": media, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "content": data})


def list_evidence(conn, unit: str | None, indicator_code: str | None = None, period: str | None = None) -> list[dict]:
    """Files without their content: id, indicator, period, name, type, size, digest."""
    sql = ("SELECT id, unit_code, indicator_code, period, file_name, media_type, size, sha256, created_at "
           "FROM evidence_file WHERE deleted = 0")
    args = []
    for col, value in (("unit_code", unit), ("indicator_code", indicator_code), ("period", period)):
        if value is not None:
            sql += f" AND {col} = ?"
            args.append(value)
    return [dict(r) for r in conn.execute(sql + " ORDER BY unit_code, indicator_code, period, file_name", args)]


def evidence_content(conn, row_id: str) -> tuple[str, bytes]:
    """(file name, bytes) of an attached file; refuses one whose bytes no longer match its digest."""
    row = conn.execute("SELECT file_name, sha256, content FROM evidence_file WHERE id = ? AND deleted = 0",
                       (row_id,)).fetchone()
    if row is None:
        raise NotFound(f"Data dukung {row_id} tidak ada (mungkin sudah dihapus). Lihat daftar: evidence list.")
    data = base64.b64decode(row["content"])
    if hashlib.sha256(data).hexdigest() != row["sha256"]:
        raise ValidationError(f"Isi data dukung {row['file_name']} tidak cocok dengan sidik SHA-256-nya: berkas "
                              "rusak. Lampirkan ulang dari sumbernya.")
    return row["file_name"], data


def save_evidence(conn, row_id: str, target) -> Path:
    """Write an attached file to ``target`` (a file name or an existing folder), never overwriting."""
    name, data = evidence_content(conn, row_id)
    target = Path(target)
    if target.is_dir():
        target = target / name
    if target.exists():
        raise FileError(f"Berkas {target} sudah ada. Pilih nama lain agar berkas itu tidak tertimpa.")
    tmp = target.with_name(target.name + ".baru")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FileError(f"Berkas {target} tidak dapat ditulis ({os_reason(exc)}). Pilih folder lain.") from None
    return target
