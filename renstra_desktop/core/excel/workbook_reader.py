"""Reading a workbook someone else made, defensively: the general helpers of every Excel import.

A workbook is untrusted input.  :func:`open_workbook` refuses what is not an .xlsx (an old .xls,
a CSV, a PDF, a damaged zip) and a zip whose parts unpack to far more than any plan needs (a zip
bomb), before openpyxl reads it in read-only (streaming) mode.  :func:`sheet_rows` reads at most
``MAX_ROWS`` rows and ``MAX_COLUMNS`` columns of a sheet whatever its dimension claims.
:class:`CellProblem` is one refused cell with its sheet, row and Excel column letter;
:func:`read_value` turns a cell into the value a schema field keeps (``core/validation.py``), refusing
a formula where a value is expected.

The workbook is read with ``data_only=False``: a formula is seen as a formula (openpyxl keeps its
text), so a value column holding ``=B2*2`` is refused rather than taking a cached result that
Excel or LibreOffice may or may not have stored.  Nothing here knows the plan's sheets; the plan's
import (:mod:`.importer`) and the new-plan reader of issue 12 section 2 both build on it.
"""
from __future__ import annotations

import datetime as _dt
import logging
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter

from ..errors import FileError, ValidationError
from ..os_errors import SPECIAL_FILE, is_special_file, os_reason
from ..schema import Field
from ..validation import clean_value

log = logging.getLogger(__name__)

MAX_ROWS = 20_000              # a sheet of a plan: 530 units x 3 IKK x 19 periods would still fit
MAX_COLUMNS = 80
MAX_FILE_BYTES = 50 * 2 ** 20
MAX_UNPACKED_BYTES = 400 * 2 ** 20   # all parts unpacked; a zip bomb claims (or reaches) far more
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"      # .xls (Excel 97-2003), also .doc
HINT = "Buka berkas di Excel atau LibreOffice lalu simpan sebagai Buku Kerja Excel (.xlsx)."


@dataclass(frozen=True)
class CellProblem:
    """One refused cell (or row, or sheet): where, and what is wrong in Indonesian."""
    sheet: str
    row: int | None
    column: int | None       # 1-based; shown as Excel's letters
    message: str

    @property
    def column_letter(self) -> str | None:
        return None if self.column is None else get_column_letter(self.column)

    def __str__(self) -> str:
        where = [f"Lembar “{self.sheet}”"]
        if self.row is not None:
            where.append(f"baris {self.row}")
        if self.column is not None:
            where.append(f"kolom {get_column_letter(self.column)}")
        return f"{', '.join(where)}: {self.message}"


class WorkbookProblems(ValidationError):
    """Every problem found in a workbook, one line each; nothing was written."""

    def __init__(self, name: str, problems: list[CellProblem], limit: int = 200):
        self.problems = problems
        lines = [str(p) for p in problems[:limit]]
        if len(problems) > limit:
            lines.append(f"… dan {len(problems) - limit} masalah lain.")
        head = (f"1 masalah di buku kerja {name}; tidak ada yang disimpan:" if len(problems) == 1 else
                f"{len(problems)} masalah di buku kerja {name}; tidak ada yang disimpan:")
        super().__init__(head + ("\n" if len(lines) > 1 else " ") + "\n".join(lines), path=name)


def open_workbook(path: str | os.PathLike):
    """The workbook at ``path`` opened read-only for streaming; FileError/ValidationError otherwise."""
    from openpyxl import load_workbook

    path = Path(path)
    name = path.name
    if path.is_dir():
        raise FileError(f"{path} adalah folder, bukan buku kerja Excel. Pilih berkas .xlsx.")
    if is_special_file(path):
        raise FileError(f"{path} {SPECIAL_FILE}, bukan buku kerja Excel. Pilih berkas .xlsx.")
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise FileError(f"Buku kerja {path} tidak ditemukan. Periksa nama dan foldernya.") from None
    except OSError as exc:
        raise FileError(f"Buku kerja {path} tidak dapat dibaca ({os_reason(exc)}). Tutup berkas itu di "
                        "program lain, atau salin ke folder Dokumen lalu coba lagi.") from None
    if head.startswith(OLE_MAGIC):
        raise ValidationError(f"Berkas {name} berformat Excel 97-2003 (.xls), yang tidak dibaca. {HINT}", path=name)
    if not head.startswith(b"PK\x03\x04"):
        what = "adalah PDF, bukan" if head.startswith(b"%PDF") else "kosong, bukan" if not head else "bukan"
        raise ValidationError(f"Berkas {name} {what} buku kerja Excel (.xlsx). {HINT}", path=name)
    if size > MAX_FILE_BYTES:
        raise ValidationError(f"Berkas {name} terlalu besar ({size // 2 ** 20} MB; paling besar "
                              f"{MAX_FILE_BYTES // 2 ** 20} MB untuk sebuah rencana). Periksa berkasnya.", path=name)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(f"Berkas {name} rusak atau terpotong (bukan arsip .xlsx yang utuh). {HINT}",
                              path=name) from None
    if "xl/workbook.xml" not in names:
        raise ValidationError(f"Berkas {name} adalah arsip ZIP tetapi bukan buku kerja Excel. {HINT}", path=name)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(f"Berkas {name} terurai menjadi {unpacked // 2 ** 20} MB (paling banyak "
                              f"{MAX_UNPACKED_BYTES // 2 ** 20} MB): ini bukan buku kerja rencana.", path=name)
    try:
        return load_workbook(path, read_only=True, data_only=False)
    except Exception:       # openpyxl raises many kinds for a damaged part
        log.info("workbook %s refused by openpyxl", path, exc_info=True)
        raise ValidationError(f"Buku kerja {name} tidak dapat dibaca: isinya rusak. {HINT}", path=name) from None


def sheet_rows(sheet, problems: list[CellProblem], *, max_rows: int = MAX_ROWS) -> list[tuple]:
    """The rows of ``sheet`` (cells, not values: a formula is told by its data type), at most
    ``max_rows`` (one problem when there are more) and ``MAX_COLUMNS`` columns; trailing empty
    rows dropped."""
    rows = []
    for cells in sheet.iter_rows(min_row=1, max_row=max_rows + 1, max_col=MAX_COLUMNS):
        rows.append(tuple(cells))
    if len(rows) > max_rows and any(not is_empty(c) for c in rows[-1]):
        problems.append(CellProblem(sheet.title, None, None, f"lebih dari {max_rows} baris; bagi isinya ke "
                                                             "beberapa buku kerja."))
    rows = rows[:max_rows]
    while rows and all(is_empty(c) for c in rows[-1]):
        rows.pop()
    return rows


def is_empty(cell) -> bool:
    value = getattr(cell, "value", None)
    return value is None or (isinstance(value, str) and not value.strip())


def is_formula(cell) -> bool:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        return True
    return value is not None and not isinstance(value, (str, int, float, bool, _dt.datetime, _dt.date, _dt.time))


def header_text(cell) -> str:
    """A header as compared: spaces collapsed (a header typed with a double space still matches)."""
    value = getattr(cell, "value", None)
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def text_of(cell) -> str | None:
    """A key cell (a code, a period) as text: 2026 typed as a number reads "2026"."""
    value = getattr(cell, "value", None)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def read_value(f: Field, cell, sheet: str, row: int, column: int, problems: list[CellProblem]):
    """The cell's value as field ``f`` keeps it, or None after adding a problem (``_BAD``)."""
    if is_formula(cell):
        problems.append(CellProblem(sheet, row, column, f"berisi rumus ({_short(cell.value)}), padahal kolom "
                                                        f"“{f.label or f.name}” harus berisi nilai. Ganti rumusnya "
                                                        "dengan nilainya (Tempel Khusus → Nilai)."))
        return BAD
    value = cell.value if cell is not None else None
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        problems.append(CellProblem(sheet, row, column, f"berisi tanggal/waktu, padahal kolom “{f.label or f.name}” "
                                                        "tidak. Format sel sebagai Umum lalu ketik ulang nilainya."))
        return BAD
    if f.kind in ("period", "text", "enum") and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = text_of(cell)
    try:
        return clean_value(f, value)
    except ValidationError as exc:
        problems.append(CellProblem(sheet, row, column, exc.message))
        return BAD


BAD = object()      # read_value's answer for a refused cell (its problem is recorded)


def _short(value) -> str:
    text = str(getattr(value, "text", value))
    return text if len(text) <= 40 else text[:37] + "…"
