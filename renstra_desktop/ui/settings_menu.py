"""The Pengaturan menu: the reports' signature block (Penanda tangan laporan), the office identity
the kop and reports print (Identitas kantor) and the time zone the window, reports and signing
stamps show times in (Zona waktu); the last two are the Kanwil's settings, which reach the units in
its package."""
from __future__ import annotations

import json
from types import SimpleNamespace

from PySide6.QtGui import QAction

from ..core import localtime
from ..core.errors import NotFound
from ..core.rows import stable_id
from ..core.service import Edit
from . import dialogs

ZONE_KEY = "time_zone"


def install_settings_menu(window) -> None:
    tr = window.tr
    menu = window.menuBar().addMenu(tr("Pen&gaturan"))
    signatory = QAction(tr("&Penanda tangan laporan…"), window)
    signatory.triggered.connect(lambda checked=False: edit_signatory(window))
    office = QAction(tr("&Identitas kantor…"), window)
    office.triggered.connect(lambda checked=False: edit_office(window))
    time_zone = QAction(tr("&Zona waktu…"), window)
    time_zone.triggered.connect(lambda checked=False: edit_time_zone(window))
    menu.addActions([signatory, office, time_zone])
    window.add_feature("settings", SimpleNamespace(menu=menu, signatory_action=signatory, office_action=office,
                                                   time_zone_action=time_zone))


def edit_signatory(window):
    """The block of the unit shown (or the file's own unit)."""
    from .signatory_dialog import open_signatory_dialog

    return open_signatory_dialog(window, window.controller, window.selected_unit() or window.controller.unit_code)


def edit_office(window, typed: dict | None = None):
    """The office identity in a form (Kanwil only; a unit is shown it and told who sets it), saved
    off the GUI thread (ops.WriteOp); a refusal shows its line and opens the form again with what
    was typed.  Returns the running task, or None when nothing is written."""
    from ..core.plan_profile import OFFICE_LABELS, office_of
    from .form_dialog import FormField
    from .ops import WriteOp, show_failure

    tr, controller = window.tr, window.controller
    title = tr("Identitas kantor")
    office = office_of(controller.conn)
    if not controller.is_kanwil:
        dialogs.info(window, title, tr("{name}, {address}, {province}.\n\nIdentitas kantor ditetapkan Kantor "
                                       "Wilayah dan diterima bersama paket Kantor Wilayah.").format(**office))
        return None
    shown = typed or {**office, "ministry": "\n".join(office["ministry"])}    # the form's texts
    fields = [FormField(key, label, "text" if key == "ministry" else "line", shown[key])
              for key, label in OFFICE_LABELS.items()]
    values = dialogs.ask_form(window, title, fields, width=min(720, window.width() - 40))
    if values is None:
        return None
    office = {**values, "ministry": [line for line in values["ministry"].splitlines() if line.strip()]}

    def refused(exc) -> None:
        show_failure(window, title, exc, path=controller.path)
        edit_office(window, values)

    def saved(_changes) -> None:
        window.statusBar().showMessage(tr("Identitas kantor disimpan: {name}.").format(name=office["name"]), 8000)

    return WriteOp(controller, lambda service, progress: service.save_office(office), parent=window,
                   title=title).success(saved).failure(refused).run_in_background()


def zone_labels(tr) -> dict[str, str]:
    return {"WIB": tr("WIB (UTC+7): Indonesia bagian barat"),
            "WITA": tr("WITA (UTC+8): Indonesia bagian tengah (Bali, Nusa Tenggara, Kalimantan timur, Sulawesi)"),
            "WIT": tr("WIT (UTC+9): Indonesia bagian timur")}


def edit_time_zone(window) -> bool:
    """Choose WIB, WITA or WIT (one undo step through the service); a UPT is told who sets it."""
    from ..core.settings import load_settings

    tr, controller = window.tr, window.controller
    title = tr("Zona waktu")
    current = load_settings(controller.conn).time_zone
    labels = zone_labels(tr)
    if not controller.is_kanwil:
        dialogs.info(window, title, tr("Waktu ditampilkan dalam {zone}. Zona waktu ditetapkan Kantor Wilayah dan "
                                       "diterima bersama paket Kantor Wilayah.").format(zone=labels[current]))
        return False
    zones = list(localtime.ZONES)
    index = dialogs.choose_item(window, title, tr("Waktu di jendela, laporan dan cap tanda tangan ditampilkan "
                                                  "dalam zona:"), [labels[z] for z in zones], zones.index(current))
    if index is None or zones[index] == current:
        return False
    value, text = json.dumps(zones[index]), tr("Zona waktu {zone}").format(zone=zones[index])
    row_id = stable_id("setting", ZONE_KEY)
    try:
        controller.service.row("setting", row_id)
    except NotFound:
        return controller.insert("setting", [{"key": ZONE_KEY, "value": value}], text)
    return controller.apply([Edit("setting", row_id, "value", value)], text)
