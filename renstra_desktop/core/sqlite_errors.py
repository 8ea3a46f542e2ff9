"""SQLite's complaints about a plan file in one Indonesian line: what is wrong and what to do.

The store refuses bad files on open; what only shows later (a damaged page met by a query, text that
is not UTF-8, a file held past the wait, a full disk) arrives as ``sqlite3.Error`` wherever the
query ran.  The command line and the window's worker turn it into words here, never SQLite's
English.  Every writer runs in a transaction that is rolled back, so "tidak ada yang diubah" holds.
"""
from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from .journal import journal_path

SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 5, 6, 8, 10, 11
SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_TOOBIG, SQLITE_CONSTRAINT, SQLITE_NOTADB = 13, 14, 18, 19, 26
SQLITE_READONLY_ROLLBACK = 776
_DECODE = re.compile(r"Could not decode to UTF-8 column '([^']*)'")


def primary_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def damaged_message(path: str | os.PathLike | None, detail: str = "") -> str:
    """The file is damaged: restore a backup.  The restore first keeps the damaged file, and a journal
    beside it, as a copy of their own, so SQLite never replays that journal into the restored file."""
    if path is None:
        return (f"Berkas rencana rusak{detail}; tidak ada yang diubah. Gunakan salinan cadangan: Berkas → Pulihkan "
                "dari cadangan… atau renstra-desktop restore.")
    name = Path(path).name
    kept = f" ({name} dan {name}-journal disimpan dulu sebagai salinan)" if journal_path(path).exists() else ""
    return (f"Berkas {name} rusak{detail}; tidak ada yang diubah. Gunakan salinan cadangan: Berkas → Pulihkan dari "
            f"cadangan…, atau renstra-desktop backup list {name} lalu renstra-desktop restore CADANGAN {name}{kept}.")


def database_error_message(exc: sqlite3.Error, path: str | os.PathLike | None = None) -> str:
    """One Indonesian line for ``exc`` raised while working on the plan at ``path``."""
    from .file_lock import who_holds

    name = Path(path).name if path is not None else "rencana"
    match = _DECODE.search(str(exc))
    if match:
        return (f"Berkas {name} berisi teks yang bukan UTF-8 sah (kolom {match.group(1)}); teks itu ditulis di "
                "luar aplikasi. Tidak ada yang diubah. Gunakan salinan cadangan atau perbaiki teks itu.")
    code = primary_code(exc)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        holder = who_holds(path) if path is not None else "proses lain"
        return (f"Berkas {name} sedang dipakai oleh {holder}. Tidak ada yang diubah. "
                "Coba lagi setelah proses itu selesai.")
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return damaged_message(path, " (halaman basis data tidak utuh)")
    if code == SQLITE_FULL:
        return f"Ruang disk untuk berkas {name} penuh; tidak ada yang diubah. Kosongkan ruang disk lalu coba lagi."
    if code == SQLITE_READONLY:
        return (f"Berkas {name} tidak dapat ditulis (hanya-baca atau media dikunci); tidak ada yang diubah. "
                "Salin berkas ke folder Dokumen Anda lalu buka salinannya.")
    if code in (SQLITE_IOERR, SQLITE_CANTOPEN):
        return (f"Berkas {name} tidak dapat dibaca atau ditulis (kesalahan media atau izin); tidak ada yang diubah. "
                "Periksa medianya (flashdisk tercabut?) lalu coba lagi.")
    if code in (SQLITE_TOOBIG, SQLITE_CONSTRAINT):
        return (f"Berkas {name} menolak perubahan (nilai melanggar batasan tabel); tidak ada yang diubah. Bila "
                f"berkas diubah di luar aplikasi, periksa dengan: renstra-desktop check {name}")
    return (f"Basis data {name} melaporkan kesalahan (kode {code if code is not None else '-'}); tidak ada yang "
            f"diubah. Periksa berkasnya dengan: renstra-desktop check {name}")
