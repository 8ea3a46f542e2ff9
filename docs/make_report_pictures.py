"""Make docs/report-*.png: a page of each report kind, rendered as a reader sees it.

    python docs/make_report_pictures.py [--keep FOLDER]

The Kanwil's plan from the embedded Renstra, with DEMO realisations and spending (below, generated
for these pictures, not figures of the Kanwil) so the charts and the budget absorption have
something to show; the Kanwil's signatory with a demo NIP and paraf table; the Pendanaan report
signed by the throw-away test PKI (tests/pki.py) to show where the stamps land.  Pages are rendered
with poppler's pdftoppm at 60 dpi.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from renstra_desktop.core import queries  # noqa: E402
from renstra_desktop.core.newplan import create_plan_file  # noqa: E402
from renstra_desktop.core.reports import ReportOptions, build_report  # noqa: E402
from renstra_desktop.core.reports.signature_block import load_signatory, save_signatory  # noqa: E402
from renstra_desktop.core.service import PlanService  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402

DOCS = ROOT / "docs"
DPI = 60

# --- DEMO DATA (generated, not real figures) ------------------------------------------------------
DEMO_REALISATIONS = [("IKK 17.1", "2025", "3,3", "Data demo: LKjIP Kanwil 2025"),
                     ("IKK 19.1", "2025", "96", "Data demo: laporan RB 2025"),
                     ("IKK 19.2", "2025", "3,48", "Data demo: survei kepuasan 2025")]
DEMO_SPENDING = {("SK 17", 2025): "701,20", ("IKK 19.1", 2025): "3.050,10"}
DEMO_NIP = "196610181992031001"
DEMO_PARAF = [{"role": "Konseptor", "name": "Baiq Nurul Hidayati, S.E.", "jabatan": "Analis Perencanaan Ahli Muda"},
              {"role": "Pemeriksa", "name": "Lalu Uji Coba, S.H.", "jabatan": "Kepala Subbagian Program"}]
# ---------------------------------------------------------------------------------------------------

PICTURES = {   # file -> (kind, page: 1 = first, -1 = last, signed)
    "report-capaian.png": ("capaian", 1, False),
    "report-risiko.png": ("risiko", 1, False),
    "report-pendanaan.png": ("pendanaan", 1, False),
    "report-roadmap.png": ("roadmap", 1, False),
    "report-lampiran.png": ("lampiran", 1, False),
    "report-ttd.png": ("pendanaan", -1, True),
}


def demo_plan(folder: Path) -> Path:
    path = folder / "kanwil.renstra"
    create_plan_file(path, "KANWIL").close()
    store = Store.open(path)
    service = PlanService(store, actor="demo")
    for code, period, value, evidence in DEMO_REALISATIONS:
        service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": code, "period": period,
                                       "value": value, "evidence": evidence})
    for line in queries.funding_rows(store.conn, "KANWIL"):
        for year, realised in [(y, v) for (c, y), v in DEMO_SPENDING.items() if c == line["line_code"]]:
            service.update("funding", line["ids"][year], {"realised": realised})
    sig = load_signatory(store.conn, "KANWIL")
    sig.nip, sig.paraf_enabled, sig.paraf = DEMO_NIP, True, DEMO_PARAF
    save_signatory(store, sig, actor="demo")
    store.close()
    return path


def signed(pdf: Path, folder: Path) -> Path:
    import logging

    from pki import make_test_pki

    from renstra_desktop.core.signing.sign import sign_pdf

    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    keys = make_test_pki(folder / "pki")
    sign_pdf(pdf, folder / "1.pdf", keys.konseptor_p12, keys.password, "konseptor")
    sign_pdf(folder / "1.pdf", folder / "2.pdf", keys.kepala_p12, keys.password, "kepala")
    return folder / "2.pdf"


def render(pdf: Path, page: int, target: Path) -> None:
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    number = pages if page == -1 else page
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", "-f", str(number), "-l", str(number),
                    str(pdf), str(stem)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", metavar="FOLDER", help="keep the plan and the PDFs here")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="report-pictures-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        store = Store.open(demo_plan(work), readonly=True)
        for name, (kind, page, sign) in PICTURES.items():
            pdf = work / f"{kind}.pdf"
            build_report(store.conn, ReportOptions(kind, unit="KANWIL", year=2025), pdf)
            render(signed(pdf, work) if sign else pdf, page, DOCS / name)
            print(f"docs/{name}: {kind}, page {'last' if page == -1 else page}{', signed' if sign else ''}")
        store.close()
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
