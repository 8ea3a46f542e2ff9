"""The pictures of docs/excel.md: each template (and the export for people) as LibreOffice prints it.

    .venv/bin/python docs/make_excel_pictures.py

Builds a LPS-LOBAR plan with a few realisations and the Kanwil's embedded plan, writes the four
templates and the export with the application's own commands, converts them with
``soffice --headless --convert-to pdf`` and renders the first page of the data sheet with
``pdftoppm``, cropped to the top left (the sheets are wide; LibreOffice prints the full width).
Generated demo data, not official figures.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path[:0] = [str(DOCS.parent), str(DOCS.parent / "tests")]

from renstra_desktop.cli import main  # noqa: E402
from renstra_desktop.core.newplan import create_plan_file  # noqa: E402
from renstra_desktop.core.service import PlanService  # noqa: E402

# (dpi, x, y, width, height) of the crop: the sheets are printed fitted to the page width
CROP = {"realisasi": (110, 70, 95, 830, 330), "risiko": (240, 160, 225, 1500, 330),
        "roadmap": (150, 100, 130, 1000, 330), "pendanaan": (220, 150, 205, 1500, 330),
        "ekspor": (220, 150, 205, 1500, 200)}


def main_() -> int:
    work = Path(tempfile.mkdtemp(prefix="renstra-excel-pictures-"))
    try:
        unit = create_plan_file(work / "lobar.renstra", "LPS-LOBAR")
        service = PlanService(unit, "admin")
        for month, value in ((1, "3,1"), (2, "3,2"), (3, "3,3")):
            service.insert("realisation", {"unit_code": "LPS-LOBAR", "indicator_code": "IKK 17.1",
                                           "period": f"2026-{month:02d}", "value": value,
                                           "evidence": f"Laporan bulanan {month}"})
        from renstra_desktop.core import queries
        risk = queries.risk_rows(unit.conn, "LPS-LOBAR")[0]
        service.update("risk", risk["id"], {
            "risk": "Over kapasitas hunian", "cause": "Arus masuk tahanan melebihi daya tampung",
            "current_control": "Redistribusi triwulanan", "treatments": "Koordinasi redistribusi\nPercepatan PB",
            "responsible": "Kasi Binadik", "success_indicators": "Hunian turun 10 %",
            "inherent_likelihood": "4", "inherent_impact": "4", "residual_likelihood": "3", "residual_impact": "3"})
        line = next(f for f in queries.funding_rows(unit.conn, "LPS-LOBAR"))
        for year, amount in zip(range(2025, 2030), ("1.250", "1.300", "1.350", "1.400", "1.450")):
            if year in line["ids"]:
                service.update("funding", line["ids"][year], {"allocation": amount})
        unit.close()
        create_plan_file(work / "kanwil.renstra", "KANWIL").close()
        for kind in CROP:
            out = work / f"{kind}.xlsx"
            if kind == "ekspor":
                args = ["export-xlsx", str(work / "kanwil.renstra"), "--unit", "KANWIL", "--year", "2026"]
            else:
                args = ["export-xlsx", str(work / "lobar.renstra"), "--template", kind, "--unit", "LPS-LOBAR",
                        "--year", "2026"]
            assert main([*args, "-o", str(out)]) == 0
            subprocess.run(["soffice", f"-env:UserInstallation=file://{work / 'lo'}", "--headless", "--convert-to",
                            "pdf", "--outdir", str(work), str(out)], check=True, capture_output=True, timeout=300)
            dpi, x, y, w, h = CROP[kind]
            # page 1 is Petunjuk; the export's last page is its last sheet, Pendanaan
            page = _pages(work / f"{kind}.pdf") if kind == "ekspor" else 2
            subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-x", str(x),
                            "-y", str(y), "-W", str(w), "-H", str(h), "-singlefile", str(work / f"{kind}.pdf"),
                            str(DOCS / f"excel-{kind}")], check=True)
            print(DOCS / f"excel-{kind}.png")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


if __name__ == "__main__":
    sys.exit(main_())
