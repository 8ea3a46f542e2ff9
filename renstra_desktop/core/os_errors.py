"""Operating-system errors in Indonesian: a user reads "folder tidak ada", not "No such file or directory".

``os_reason(exc)`` is the short reason put in brackets in a FileError message; the message around
it says which file and what to do.
"""
from __future__ import annotations

import errno
import os
import stat

_REASONS = {
    errno.ENOENT: "berkas atau folder tidak ada",
    errno.ENOTDIR: "bagian jalurnya bukan folder",
    errno.EISDIR: "itu sebuah folder",
    errno.EACCES: "tidak ada izin",
    errno.EPERM: "tidak ada izin",
    errno.EROFS: "media hanya-baca",
    errno.ENOSPC: "ruang disk penuh",
    errno.EDQUOT: "kuota disk habis",
    errno.EEXIST: "sudah ada",
    errno.EBUSY: "sedang dipakai program lain",
    errno.ETXTBSY: "sedang dipakai program lain",
    errno.ENAMETOOLONG: "nama terlalu panjang",
    errno.EIO: "kesalahan baca/tulis pada media",
    errno.EXDEV: "berada di disk lain",
}
_WINDOWS_SHARING_VIOLATION = 32     # the file is open in another program (Excel, a PDF reader)


def os_reason(exc: OSError) -> str:
    """A short Indonesian reason for an OSError (never the English strerror)."""
    if getattr(exc, "winerror", None) == _WINDOWS_SHARING_VIOLATION:
        return "sedang dibuka program lain"
    reason = _REASONS.get(exc.errno)
    if reason:
        return reason
    return f"kesalahan sistem {exc.errno}" if exc.errno else "kesalahan sistem"


SPECIAL_FILE = "bukan berkas biasa (perangkat atau pipa)"


def is_special_file(path) -> bool:
    """A named pipe, socket or device: opening or reading it can block forever or never end, so
    every reader refuses it (``SPECIAL_FILE`` says why)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))
