"""The pictures of docs/backups.md: Berkas → Pulihkan dari cadangan… on a 1024 × 768 screen and
Pengaturan → Cadangan…, grabbed from the real window (offscreen) over demo files.

    .venv/bin/python docs/make_backup_pictures.py
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCREEN = (1024, 768)


def main() -> int:
    if "--child" not in sys.argv:         # a child with an offscreen screen of the units' size
        with tempfile.TemporaryDirectory(prefix="renstra-gambar-") as folder:
            config = Path(folder) / "layar.json"
            config.write_text(json.dumps({"screens": [{"name": "layar", "x": 0, "y": 0, "width": SCREEN[0],
                                                       "height": SCREEN[1], "logicalDpi": 96, "logicalBaseDpi": 96,
                                                       "dpr": 1}]}))
            env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "HOME": folder,
                   "XDG_DATA_HOME": f"{folder}/share", "XDG_CONFIG_HOME": f"{folder}/config",
                   "XDG_DOCUMENTS_DIR": f"{folder}/Dokumen", "PYTHONPATH": str(HERE.parent)}
            env.pop("RENSTRA_DESKTOP_BACKUP_DIR", None)
            return subprocess.run([sys.executable, __file__, "--child", folder], env=env).returncode
    work = Path(sys.argv[sys.argv.index("--child") + 1])
    from PySide6.QtWidgets import QApplication

    from renstra_desktop.core.backup_settings import default_folder
    from renstra_desktop.core.backups import make_backup
    from renstra_desktop.core.newplan import create_plan_file
    from renstra_desktop.core.store import Store
    from renstra_desktop.ui.app import ensure_application
    from renstra_desktop.ui.backup_settings_dialog import BackupSettingsDialog
    from renstra_desktop.ui.main_window import MainWindow
    from renstra_desktop.ui.restore_dialog import open_restore_dialog

    app = ensure_application()
    folder = default_folder()
    folder.mkdir(parents=True)
    plan = work / "rencana.renstra"
    create_plan_file(plan, "KANWIL").close()
    lobar = create_plan_file(work / "lobar.renstra", "LPS-LOBAR")
    foreign = make_backup(lobar, "manual", folder=folder)
    lobar.close()
    foreign.rename(folder / "rencana.renstra.cadangan-harian-20261127-081502")
    (folder / "rencana.renstra.cadangan-harian-20261126-080011").write_bytes(b"bukan rencana\n" * 400)
    with Store.open(plan, readonly=True) as store:
        for kind, where in (("gabung", None), ("manual", folder), ("harian", folder)):
            make_backup(store, kind, folder=where)
            time.sleep(1.1)                 # one second apart: three distinct times in the list
    window = MainWindow(Store.open(plan))
    window.showMaximized()
    dialog = open_restore_dialog(window)
    started = time.monotonic()
    while (dialog.model.rowCount() == 0 or dialog.progress.isVisible()) and time.monotonic() - started < 30:
        app.processEvents()
        time.sleep(0.02)
    dialog.table.selectRow(0)
    for _ in range(30):
        app.processEvents()
    dialog.grab().save(str(HERE / "restore-dialog-1024x768.png"))
    dialog.close()
    settings = BackupSettingsDialog(window)
    settings.show()
    for _ in range(30):
        app.processEvents()
    settings.grab().save(str(HERE / "backup-settings.png"))
    print(f"{HERE / 'restore-dialog-1024x768.png'} ({dialog.width()}×{dialog.height()}), "
          f"{HERE / 'backup-settings.png'}")
    QApplication.instance().quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
