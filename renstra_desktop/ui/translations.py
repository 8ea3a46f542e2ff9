"""Qt's own texts in Indonesian: the Batal/Ya/Tidak buttons, the file and print dialogs, the
context menus of text fields, and Indonesian number and date formats in Qt's widgets.

Qt ships no ``qtbase_id`` (not in PySide6 6.11, nor in Qt's translations repository), so the
application carries its own: ``resources/translations/qtbase_id.ts``, compiled with
``pyside6-lrelease qtbase_id.ts -qm qtbase_id.qm`` (both committed, the .qm is what ships).  A Qt
that does ship one is loaded first; ours is searched before it, so our wording wins where both have
a text.
"""
from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

from ..paths import resource_path

LOCALE = QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia)
_PROPERTY = "renstra_translations"


def translations_dir():
    return resource_path("translations")


def install_translations(app) -> list[QTranslator]:
    """Install the Indonesian translators on ``app`` once; returns those installed."""
    if app.property(_PROPERTY):
        return []
    QLocale.setDefault(LOCALE)
    installed = []
    for folder in (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), str(translations_dir())):
        translator = QTranslator(app)
        if translator.load(LOCALE, "qtbase", "_", folder) and app.installTranslator(translator):
            installed.append(translator)
    app.setProperty(_PROPERTY, True)
    return installed
