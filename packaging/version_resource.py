"""The Windows version resource of both executables, made from ``renstra_desktop.__version__``
(never typed by hand): Explorer's Properties → Details shows it, and the installer reads it."""
from __future__ import annotations

import re

COMPANY = "Kanwil Ditjen Pemasyarakatan Nusa Tenggara Barat"
PRODUCT = "Renstra Desktop"


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """'0.1.0' -> (0, 1, 0, 0); '1.2.3rc1' -> (1, 2, 3, 0): four 16-bit numbers, as Windows wants."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:3]]
    numbers += [0] * (4 - len(numbers))
    if any(n > 0xFFFF for n in numbers):
        raise ValueError(f"version {version!r} does not fit a Windows version resource")
    return tuple(numbers)


def version_info(version: str, *, description: str, internal_name: str, file_name: str):
    """A PyInstaller VSVersionInfo (US English, Unicode code page 1200)."""
    from PyInstaller.utils.win32.versioninfo import (FixedFileInfo, StringFileInfo, StringStruct, StringTable,
                                                     VarFileInfo, VarStruct, VSVersionInfo)

    numbers = version_tuple(version)
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers, mask=0x3F, flags=0x0, OS=0x40004,
                          fileType=0x1, subtype=0x0),
        kids=[
            StringFileInfo([StringTable("040904B0", [
                StringStruct("CompanyName", COMPANY),
                StringStruct("FileDescription", description),
                StringStruct("FileVersion", version),
                StringStruct("InternalName", internal_name),
                StringStruct("OriginalFilename", file_name),
                StringStruct("ProductName", PRODUCT),
                StringStruct("ProductVersion", version),
                StringStruct("LegalCopyright", COMPANY),
            ])]),
            VarFileInfo([VarStruct("Translation", [0x0409, 1200])]),
        ])
