"""Make the pictures of docs/new-office.md: the rencana template (its Indikator sheet as LibreOffice
prints it) and the Rencana baru wizard with the window on the plan it made.

    python docs/make_new_office_pictures.py

In a temporary folder: the blank template and the NTB example (export-xlsx --template rencana); the
example's Indikator sheet converted to PDF by LibreOffice (soffice --headless) and rendered by
pdftoppm; the second office of the tests (tests/second_office.py: Sulawesi Tengah, 2030-2034) typed
into the blank template; the real wizard offscreen on that workbook (both pages grabbed); the window
on the created plan at 1366 x 768 and 1024 x 768.  Settings go to the temporary folder too.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageOps  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from renstra_desktop.cli import main as cli  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402
from tests.second_office import fill_template  # noqa: E402

DOCS = ROOT / "docs"


def template_picture(folder: Path) -> Path:
    """The example's Indikator sheet, printed by LibreOffice, as a PNG."""
    from openpyxl import load_workbook

    book = load_workbook(folder / "templat-contoh.xlsx")
    for name in book.sheetnames:
        if name != "Indikator":
            del book[name]
    book["Indikator"].delete_cols(12, 10)     # Kode .. Target tahun 5: the manual's columns follow
    only = folder / "indikator.xlsx"
    book.save(only)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(only)],
                   check=True, capture_output=True, timeout=180)
    subprocess.run(["pdftoppm", "-r", "110", "-png", "-f", "1", "-l", "1", str(folder / "indikator.pdf"),
                    str(folder / "indikator")], check=True)
    out = DOCS / "new-office-template.png"
    page = Image.open(next(folder.glob("indikator*.png"))).convert("RGB")
    box = ImageOps.invert(page).getbbox()          # the printed cells, without the empty page around them
    page.crop((box[0] - 12, box[1] - 12, box[2] + 12, box[3] + 12)).save(out)
    return out


def wait(app, until, seconds=30) -> None:
    end = time.perf_counter() + seconds
    while not until():
        if time.perf_counter() > end:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(0.01)


def wizard_pictures(app, book: Path, target: Path) -> list[Path]:
    from renstra_desktop.ui.new_plan_wizard import NewPlanWizard

    wizard = NewPlanWizard(None, str(book.parent))
    wizard.source_page.choices.button(1).setChecked(True)
    wizard.source_page.source.setText(str(book))
    wizard.source_page.target.setText(str(target))
    wizard.show()
    app.processEvents()
    first = DOCS / "new-office-wizard-source.png"
    wizard.grab().save(str(first))
    wizard.next()
    wait(app, lambda: wizard.currentPage() is wizard.summary_page)
    app.processEvents()
    second = DOCS / "new-office-wizard-summary.png"
    wizard.grab().save(str(second))
    wizard.summary_page.validatePage()
    wait(app, lambda: wizard.created is not None)
    return [first, second]


def window_pictures(app, plan: Path) -> list[Path]:
    from renstra_desktop.ui.main_window import MainWindow

    out = []
    for size in ((1366, 768), (1024, 768)):
        window = MainWindow(Store.open(plan))
        window.resize(*size)
        window.show()
        window.tabs.setCurrentWidget(window.indicator_tab)
        wait(app, lambda w=window: not w.indicator_tab.model.loading)
        app.processEvents()
        path = DOCS / f"new-office-window-{size[0]}x{size[1]}.png"
        window.grab().save(str(path))
        window.close()
        window.controller.close()
        out.append(path)
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "settings"))
        app = QApplication.instance() or QApplication([])
        assert cli(["export-xlsx", "--template", "rencana", "-o", str(folder / "templat.xlsx")]) == 0
        made = [template_picture(folder)]
        book = fill_template(folder / "templat.xlsx", folder / "sulteng.xlsx")
        made += wizard_pictures(app, book, folder / "sulteng.renstra")
        made += window_pictures(app, folder / "sulteng.renstra")
        for path in made:
            print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
