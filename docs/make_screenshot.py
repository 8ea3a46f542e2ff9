"""Make docs/screenshot.png: the Kanwil's consolidated file after two unit packages, in the window.

    python docs/make_screenshot.py [--keep FOLDER]

The province is built the way its users build it, through the real core: a Kanwil plan file and two
UPT plan files (LPS-LOBAR, RTN-BIMA) from the embedded NTB Renstra; the Kanwil sets each unit's 2026
targets and sends its package; each UPT merges it, enters its 2026 realisations with evidence and
sends its package; the Kanwil merges both.  The window is then shown offscreen at 1280 x 800 on the
Indikator tab, "Semua satker", year 2026, and grabbed.

DEMO DATA: the unit targets and every realisation below are GENERATED FOR THIS SCREENSHOT.  They are
not figures of any unit and do not come from the Renstra document; only the Kanwil's own targets
(3,4 / 100 / 3,52 for 2026) are the document's.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from renstra_desktop.core.packages.merge import merge_packages  # noqa: E402
from renstra_desktop.core.newplan import create_plan_file  # noqa: E402
from renstra_desktop.core.packages.package_export import export_package  # noqa: E402
from renstra_desktop.core.rows import stable_id  # noqa: E402
from renstra_desktop.core.service import PlanService  # noqa: E402
from renstra_desktop.core.store import Store  # noqa: E402

OUTPUT = ROOT / "docs" / "screenshot.png"
SIZE = (1280, 800)
YEAR = 2026

# --- DEMO DATA (generated, not real figures) ------------------------------------------------------
DEMO_TARGETS = {          # (unit, IKK) -> 2026 target the Kanwil cascades
    ("LPS-LOBAR", "IKK 17.1"): "3,5", ("LPS-LOBAR", "IKK 19.1"): "100", ("LPS-LOBAR", "IKK 19.2"): "3,4",
    ("RTN-BIMA", "IKK 17.1"): "3,4", ("RTN-BIMA", "IKK 19.1"): "95", ("RTN-BIMA", "IKK 19.2"): "3,3",
}
DEMO_REALISATIONS = {     # unit -> [(IKK, period, value, evidence)]
    "KANWIL": [("IKK 17.1", "2026", "3,45", "Data demo: LKjIP Kanwil 2026"),
               ("IKK 19.1", "2026", "92", "Data demo: laporan RB 2026")],
    "LPS-LOBAR": [("IKK 17.1", "2026-S1", "3,3", "Data demo: LHE PMPU semester I"),
                  ("IKK 17.1", "2026-S2", "3,6", "Data demo: LHE PMPU semester II"),
                  ("IKK 19.1", "2026-TW2", "62", "Data demo: laporan RB triwulan II"),
                  ("IKK 19.1", "2026-TW3", "78", "Data demo: laporan RB triwulan III"),
                  ("IKK 19.2", "2026", "3,2", "Data demo: survei kepuasan 2026")],
    "RTN-BIMA": [("IKK 17.1", "2026", "3,1", "Data demo: LKjIP Rutan Bima 2026"),
                 ("IKK 19.1", "2026-S1", "50", "Data demo: laporan RB semester I"),
                 ("IKK 19.2", "2026", "3,4", "Data demo: survei kepuasan 2026")],
}
# ---------------------------------------------------------------------------------------------------


def enter_realisations(store: Store, unit: str) -> None:
    service = PlanService(store, actor=f"demo-{unit.lower()}")
    for ikk, period, value, evidence in DEMO_REALISATIONS[unit]:
        service.insert("realisation", {"unit_code": unit, "indicator_code": ikk, "period": period,
                                       "value": value, "evidence": evidence})


def build_province(folder: Path) -> Path:
    """The Kanwil's consolidated plan file with both units' packages merged; returns its path."""
    kanwil_path = folder / "kanwil" / "kanwil.renstra"
    outbox = folder / "kiriman"
    for sub in (kanwil_path.parent, outbox):
        sub.mkdir(parents=True)
    with create_plan_file(kanwil_path, "KANWIL") as kanwil:
        service = PlanService(kanwil, actor="demo-kanwil")
        for (unit, ikk), value in DEMO_TARGETS.items():
            service.update("indicator_target", stable_id("indicator_target", unit, ikk, YEAR), {"value": value})
        enter_realisations(kanwil, "KANWIL")
        kanwil_package = export_package(kanwil, folder=outbox).path
    packages = []
    for unit in ("LPS-LOBAR", "RTN-BIMA"):
        path = folder / unit.lower() / "rencana.renstra"
        path.parent.mkdir()
        with create_plan_file(path, unit) as upt:
            merged = merge_packages(upt, [kanwil_package], actor=f"demo-{unit.lower()}", trust_new_keys=True)
            assert merged.ok, merged.results[0].message
            enter_realisations(upt, unit)
            packages.append(export_package(upt, folder=outbox, unit=unit).path)
    with Store.open(kanwil_path) as kanwil:
        report = merge_packages(kanwil, packages, actor="demo-kanwil", trust_new_keys=True)
        assert report.ok and [r.status for r in report.results] == ["merged", "merged"], \
            [r.message for r in report.results]
    return kanwil_path


def grab_window(plan: Path, output: Path, settings_dir: Path) -> None:
    from PySide6.QtCore import QSettings

    from renstra_desktop.ui.app import ensure_application
    from renstra_desktop.ui.main_window import MainWindow

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)      # not the user's window geometry
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    app = ensure_application([sys.argv[0]])
    window = MainWindow(Store.open(plan))
    window.resize(*SIZE)
    window.show()
    window.set_selected_unit(None)                              # Semua satker
    tab = window.indicator_tab
    tab.year_combo.setCurrentIndex(tab.year_combo.findData(YEAR))
    window.tabs.setCurrentWidget(tab)
    app.processEvents()
    tab.splitter.setSizes([560, 150])                           # more of the province, two periods below
    model = tab.model
    deadline = time.monotonic() + 30            # every unit's rows are read in a worker
    while not any(r["unit_code"] == "LPS-LOBAR" for r in model.rows()) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    lobar = next(i for i, r in enumerate(model.rows())
                 if r["unit_code"] == "LPS-LOBAR" and r["indicator_code"] == "IKK 17.1")
    tab.view.setCurrentIndex(model.index(lobar, model.column_index("indicator_code")))   # capaian stays coloured
    for _ in range(5):
        app.processEvents()
    image = window.grab().toImage()
    assert (image.width(), image.height()) == SIZE, (image.width(), image.height())
    image.save(str(output))
    window.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", metavar="FOLDER", help="keep the demo plan files in FOLDER (must not exist)")
    parser.add_argument("-o", "--output", default=str(OUTPUT), help="PNG to write (default docs/screenshot.png)")
    args = parser.parse_args(argv)
    fixed = Path(tempfile.gettempdir()) / "renstra-demo"      # the status bar shows the path: keep it tidy
    try:
        fixed.mkdir()
        work = fixed
    except FileExistsError:
        work = Path(tempfile.mkdtemp(prefix="renstra-demo-"))
    try:
        plan = build_province(work / "provinsi")
        grab_window(plan, Path(args.output), work / "settings")
        if args.keep:
            shutil.copytree(work / "provinsi", args.keep)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.output}: {SIZE[0]}x{SIZE[1]}, Indikator, Semua satker, {YEAR} (data demo)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
