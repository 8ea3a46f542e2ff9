"""Building the command line parser stays light: heavy libraries load only in the command that
needs them, so `renstra-desktop` (the window) and quick commands start fast."""
import subprocess
import sys

HEAVY = ("PySide6", "reportlab", "pyhanko", "openpyxl", "qrcode", "pdfplumber", "pypdf")


def test_parser_imports_no_heavy_library():
    script = (
        "import sys\n"
        "from renstra_desktop.cli import build_parser\n"
        "build_parser()\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""
