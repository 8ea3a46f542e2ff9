"""A problem report to send to whoever maintains the application (e-mail, chat): one ZIP with the
logs, the versions of the program and its libraries, the plan file's ``info`` (identity, schema,
units, row counts) and, only when the user asks for it, the plan's data as JSON.

Nothing else leaves the machine: no key, no certificate, no password.  The ZIP is written under a
temporary name and renamed, so a half-written report never has the final name.
"""
from __future__ import annotations

import json
import os
import platform
import sys
import uuid
import zipfile
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..logs import LOG_NAME
from ..paths import log_dir, portable_dir
from .errors import FileError, RenstraError
from .os_errors import os_reason

DISTRIBUTIONS = ("PySide6-Essentials", "reportlab", "pyhanko", "pyhanko-certvalidator", "cryptography",
                 "openpyxl", "qrcode", "platformdirs", "pypdfium2")
README = """Laporan masalah Renstra Desktop
===============================
versions.json  versi aplikasi, Python, sistem operasi dan pustaka
info.json      identitas berkas rencana (satker, versi skema, jumlah baris) - tanpa isi data
log/           catatan kerja aplikasi (kesalahan beserta rinciannya)
plan.json      seluruh isi rencana - HANYA bila pengguna mencentang "sertakan data rencana"
"""


def suggested_name(moment: str | None = None) -> str:
    """``laporan-masalah-renstra-YYYYmmdd-HHMM.zip`` in the office time zone (default: now)."""
    from .localtime import office_zone, to_local
    from .rows import utc_now

    return f"laporan-masalah-renstra-{to_local(moment or utc_now(), office_zone()):%Y%m%d-%H%M}.zip"


def versions() -> dict:
    libraries = {}
    for name in DISTRIBUTIONS:
        try:
            libraries[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libraries[name] = None
    return {
        "renstra_desktop": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "portable": portable_dir() is not None,
        "libraries": libraries,
    }


def _plan_info(plan_path: Path, include_data: bool) -> tuple[dict, dict | None]:
    from ..cli.plan import file_info
    from . import plan_json
    from .store import Store

    try:
        with Store.open(plan_path, readonly=True) as store:
            return file_info(store), (plan_json.dump_plan(store) if include_data else None)
    except RenstraError as exc:     # the report is most wanted when the plan does not open
        return {"file": str(plan_path), "error": exc.message}, None


def write_problem_report(target: str | os.PathLike, *, plan_path: str | os.PathLike | None = None,
                         include_data: bool = False, logs: Path | None = None) -> Path:
    """Write the report ZIP to ``target`` and return its path.  ``logs``: the log folder (default:
    the data folder's).  Raises FileError (Indonesian) when it cannot be written."""
    target = Path(target)
    if target.is_dir():
        raise FileError(f"{target} adalah folder. Beri nama berkas, misalnya {target / suggested_name()}.")
    info, data = _plan_info(Path(plan_path), include_data) if plan_path is not None else ({}, None)
    folder = logs or log_dir()
    log_files = sorted(folder.glob(LOG_NAME + "*")) if folder.is_dir() else []
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", README)
            archive.writestr("versions.json", json.dumps(versions(), ensure_ascii=False, indent=1))
            archive.writestr("info.json", json.dumps(info, ensure_ascii=False, indent=1))
            for log in log_files:
                try:
                    archive.writestr(f"log/{log.name}", log.read_bytes())
                except OSError as exc:     # rotated away meanwhile: say so inside the report
                    archive.writestr(f"log/{log.name}.tidak-terbaca.txt", os_reason(exc))
            if data is not None:
                archive.writestr("plan.json", json.dumps(data, ensure_ascii=False, indent=1))
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FileError(f"Laporan masalah tidak dapat ditulis ke {target} ({os_reason(exc)}). "
                        "Pilih folder lain, misalnya Dokumen.") from None
    return target
