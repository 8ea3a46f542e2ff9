"""The main window: four editing tabs over one open plan file, the unit selector, the Berkas and
Sunting menus, and the status bar.

Extension points for later features (packages, reports):
- ``window.file_menu`` and :meth:`add_file_actions` (Ekspor Paket / Gabungkan Paket go there),
- :meth:`add_menu` (a "Laporan" menu, before Bantuan) and :meth:`add_tab` (a "Laporan" tab),
- :meth:`add_feature` / :meth:`feature`: a feature installed from its own module keeps its actions
  and state in an object of its own (``window.feature("packages").merge_action``); no module sets
  attributes on the window,
- ``window.controller.plan_changed`` (also ``window.plan_changed``): emitted with the Changes
  after every change,
- :class:`renstra_desktop.ui.ops.WriteOp` for every write of the plan (off the GUI thread; the views
  and the undo stack follow its Changes), :class:`~renstra_desktop.ui.ops.ReadOp` for a read,
  :func:`renstra_desktop.ui.worker.run_in_background` for other work (reports, backups).
There is no "unsaved" state: the service commits every change at once.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QPainter
from PySide6.QtWidgets import (QComboBox, QLabel, QMainWindow, QMenu, QSizePolicy, QTabWidget, QToolBar,
                               QWidget)

from .. import APP_NAME, __version__
from ..core.os_errors import os_reason
from ..core.errors import RenstraError
from ..core.gc_pause import freeze_long_lived, thaw
from ..core.store import Store
from . import dialogs, folders
from .controller import PlanController
from .funding_tab import FundingTab
from .indicator_tab import IndicatorTab
from .risk_tab import RiskTab
from .roadmap_tab import RoadmapTab
from .screen_fit import FIRST_RUN_SIZE, available_geometry, fits
from .tab_base import PlanTab

RECENT_KEY = "recent_files"
GEOMETRY_KEY = "main_window/geometry"
STATE_KEY = "main_window/state"
MAX_RECENT = 8
ALL_UNITS = None    # the unit selector's data for "Semua satker"


class AfterFirstPaint(QObject):
    """Calls ``action`` from the event loop after ``widget``'s next paint (start-up is the time to
    the first paint: what the first paint does not need waits for it)."""

    def __init__(self, widget: QWidget, action):
        super().__init__(widget)
        self._action = action
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and self._action is not None:
            action, self._action = self._action, None
            obj.removeEventFilter(self)
            QTimer.singleShot(0, action)
        return False


class MainWindow(QMainWindow):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self._features: dict[str, object] = {}     # see add_feature()
        self.controller = PlanController(self)
        self.controller.dialog_parent = self
        self.controller.open_store(store)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.indicator_tab = IndicatorTab(self.controller)
        self.risk_tab = RiskTab(self.controller)
        self.roadmap_tab = RoadmapTab(self.controller)
        self.funding_tab = FundingTab(self.controller)
        self.add_tab(self.indicator_tab, self.tr("Indikator"))
        self.add_tab(self.risk_tab, self.tr("Risiko"))
        self.add_tab(self.roadmap_tab, self.tr("Roadmap"))
        self.add_tab(self.funding_tab, self.tr("Pendanaan"))
        self._lazy_tabs: dict[QWidget, tuple[str, object]] = {}
        self.tabs.currentChanged.connect(self._build_lazy_tab)
        self._report_placeholder = self.add_lazy_tab(self._make_report_tab, self.tr("Laporan"))   # issue 4
        self._cycle_placeholder = self.add_lazy_tab(self._make_cycle_tab, self.tr("Siklus Kinerja"))   # issue 10
        self._summary_placeholder = self.add_lazy_tab(self._make_summary_tab, self.tr("Ringkasan"))   # issue 14

        self.unit_combo = QComboBox()
        self.unit_combo.setMinimumContentsLength(28)
        self.unit_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.unit_combo.currentIndexChanged.connect(self._on_unit_selected)
        bar = QToolBar(self.tr("Satker"))
        bar.setObjectName("unit_toolbar")
        bar.setMovable(False)
        bar.addWidget(QLabel(self.tr(" Satker: ")))
        bar.addWidget(self.unit_combo)
        self.addToolBar(bar)

        self.file_label = ElidedLabel()            # a long path must not push the unit off a 1024 screen
        self.unit_label = QLabel()
        self.statusBar().addWidget(self.file_label, 1)
        self.statusBar().addPermanentWidget(self.unit_label)

        self._build_menus()
        from .package_menu import install_package_features   # issue 3: Ekspor/Gabungkan Paket, drop, Paket masuk
        install_package_features(self)
        from .feature_menus import install_problem_report_action   # issue 13: Bantuan → Kirim laporan masalah
        install_problem_report_action(self)
        from .feature_menus import install_search   # issue 12: Sunting → Cari di rencana (Ctrl+F), F3
        install_search(self)
        from .excel_import_dialog import install_excel_import   # issue 12: Berkas → Impor dari Excel…
        install_excel_import(self)
        from .feature_menus import install_backup_features   # issue 9: Pulihkan dari cadangan, Cadangan
        install_backup_features(self)
        from .period_tab import install_period_workflow   # issue 9 §2: the Status verifikasi tab
        install_period_workflow(self)
        from .accounts_dialog import install_accounts   # issue 9: Akun pengguna, the account in the status bar
        install_accounts(self)
        from .tamper_banner import install_tamper_banner   # issue 9 §4: changes made outside, after open
        install_tamper_banner(self)
        from .accessibility import install_accessible_names   # issue 13: names for screen readers
        install_accessible_names(self)
        self.controller.file_opened.connect(self._on_file_opened)
        self.controller.notice.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.controller.file_opened.connect(self._place_summary_tab)
        self.controller.file_opened.connect(lambda: QTimer.singleShot(0, self._check_file_in_background))
        self._on_file_opened()
        self._place_summary_tab()
        self._restore_geometry()
        self._check_after_paint = AfterFirstPaint(self, self._after_first_paint)
        # long-lived objects out of the full collections (core/gc_pause.py): the window once painted
        # (a big table's rows are frozen by the worker that reads them, models.py); a file opened or
        # closed gives the old file's objects back
        self.controller.file_opened.connect(self._file_changed_thaw)

    # -- extension points -------------------------------------------------------------------------
    def add_feature(self, name: str, feature):
        """Keep ``feature`` (the object holding a feature's actions and state, made by its own
        module) under ``name``: no module sets attributes on the window; :meth:`feature` finds it."""
        self._features[name] = feature
        return feature

    def feature(self, name: str):
        """The feature object added under ``name``, or None (not installed, or not yet)."""
        return self._features.get(name)

    @property
    def plan_changed(self):
        """The controller's signal: every view listens to it (argument: core Changes)."""
        return self.controller.plan_changed

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a tab (a later "Laporan" tab); PlanTab tabs also get the unit filter and Edit menu."""
        return self.tabs.addTab(widget, title)

    def add_lazy_tab(self, factory, title: str) -> QWidget:
        """A tab built by ``factory()`` when it is first shown (or asked for): start-up does not pay
        for tabs nobody has opened yet.  Returns the placeholder; see :meth:`built_tab`."""
        placeholder = QWidget()
        self._lazy_tabs[placeholder] = (title, factory)
        self.tabs.addTab(placeholder, title)
        return placeholder

    def built_tab(self, placeholder: QWidget) -> QWidget:
        """The real tab behind a lazy placeholder, built now if it was not yet."""
        if placeholder not in self._lazy_tabs:
            return placeholder
        title, factory = self._lazy_tabs.pop(placeholder)
        index = self.tabs.indexOf(placeholder)
        current = self.tabs.currentIndex()
        widget = factory()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        placeholder.deleteLater()
        return widget

    def _build_lazy_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget in self._lazy_tabs:
            self.built_tab(widget)

    def _make_report_tab(self) -> QWidget:
        from .report_tab import ReportTab   # reportlab & co. load only when the tab is opened
        self._report_tab = ReportTab(self.controller)
        return self._report_tab

    def _make_cycle_tab(self) -> QWidget:
        from .cycle_tab import CycleTab
        self._cycle_tab = CycleTab(self.controller)
        return self._cycle_tab

    def _make_summary_tab(self) -> QWidget:
        from .summary_tab import SummaryTab
        self._summary_tab = SummaryTab(self.controller)
        return self._summary_tab

    @property
    def summary_tab(self):
        """The Ringkasan tab (issue 14), built on first use."""
        return self.built_tab(self._summary_placeholder) if self._summary_placeholder in self._lazy_tabs \
            else self._summary_tab

    def _place_summary_tab(self) -> None:
        """Ringkasan is the Kanwil's first tab; a UPT has its own after Pendanaan."""
        if self.controller.store is None:
            return
        widget = self._summary_placeholder if self._summary_placeholder in self._lazy_tabs else self._summary_tab
        target = 0 if self.controller.is_kanwil else self.tabs.indexOf(self.funding_tab) + 1
        index = self.tabs.indexOf(widget)
        if index != target:
            self.tabs.tabBar().moveTab(index, target if target < index else target - 1)

    def show_summary(self) -> None:
        """Bring the Ringkasan forward."""
        self.tabs.setCurrentWidget(self.summary_tab)

    def show_summary_after_paint(self) -> None:
        """Bring the Ringkasan forward once the window has painted: start-up is not slowed by it."""
        self._after_paint = AfterFirstPaint(self, self.show_summary)

    @property
    def cycle_tab(self):
        """The Siklus Kinerja tab (issue 10), built on first use."""
        return self.built_tab(self._cycle_placeholder) if self._cycle_placeholder in self._lazy_tabs \
            else self._cycle_tab

    @property
    def report_tab(self):
        """The Laporan tab (issue 4), built on first use."""
        return self.built_tab(self._report_placeholder) if self._report_placeholder in self._lazy_tabs \
            else self._report_tab

    def add_file_actions(self, actions: list[QAction]) -> None:
        """Insert actions in the Berkas menu, between Simpan Sebagai and Keluar."""
        self.file_menu.insertActions(self._file_extension_anchor, actions)

    def add_menu(self, title: str) -> QMenu:
        """A new top-level menu before Pengaturan and Bantuan (e.g. "Laporan")."""
        menu = QMenu(title, self)
        self.menuBar().insertMenu(self.feature("settings").menu.menuAction(), menu)
        return menu

    # -- menus -----------------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(lambda checked=False: slot())
        return action

    def _build_menus(self) -> None:
        tr = self.tr
        self.file_menu = self.menuBar().addMenu(tr("&Berkas"))
        self.new_action = self._action(tr("&Rencana baru…"), self.new_plan, QKeySequence.StandardKey.New)
        self.open_action = self._action(tr("&Buka…"), self.open_file_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = QMenu(tr("Berkas &terakhir"), self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.save_as_action = self._action(tr("&Simpan Sebagai…"), self.save_as, "Ctrl+Shift+S")
        self.exit_action = self._action(tr("&Keluar"), self.close, QKeySequence.StandardKey.Quit)
        self.file_menu.addActions([self.new_action, self.open_action])
        self.file_menu.addMenu(self.recent_menu)
        self.file_menu.addAction(self.save_as_action)
        self.file_menu.addSeparator()
        self._file_extension_anchor = self.file_menu.addSeparator()   # add_file_actions() inserts above
        self.file_menu.addAction(self.exit_action)

        self.edit_menu = self.menuBar().addMenu(tr("&Sunting"))
        stack = self.controller.undo_stack
        self.undo_action = stack.createUndoAction(self, tr("Urungkan"))
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = stack.createRedoAction(self, tr("Ulangi"))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.copy_action = self._action(tr("&Salin"), lambda: self._tab_call("copy"), QKeySequence.StandardKey.Copy)
        self.paste_action = self._action(tr("&Tempel"), lambda: self._tab_call("paste"),
                                         QKeySequence.StandardKey.Paste)
        self.add_row_action = self._action(tr("Tambah &baris"), lambda: self._tab_call("add_row"), "Ctrl+Ins")
        self.remove_row_action = self._action(tr("&Hapus baris"), lambda: self._tab_call("remove_rows"), "Ctrl+Del")
        self.edit_menu.addActions([self.undo_action, self.redo_action])
        self.edit_menu.addSeparator()
        self.edit_menu.addActions([self.copy_action, self.paste_action])
        self.edit_menu.addSeparator()
        self.edit_menu.addActions([self.add_row_action, self.remove_row_action])

        from .settings_menu import install_settings_menu   # Penanda tangan laporan, Zona waktu
        install_settings_menu(self)

        self.help_menu = self.menuBar().addMenu(tr("Ban&tuan"))
        self.guide_action = self._action(tr("&Panduan"), self.show_guide, QKeySequence.StandardKey.HelpContents)
        self.help_menu.addAction(self.guide_action)
        self.help_menu.addAction(self._action(tr("&Tentang Renstra Desktop"), self._about))

    def current_plan_tab(self) -> PlanTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, PlanTab) else None

    def _tab_call(self, name: str):
        tab = self.current_plan_tab()
        if tab is None:
            return None
        focus = self.focusWidget()
        if name in ("copy", "paste") and focus is not None and not any(
                v is focus or v.isAncestorOf(focus) for v in tab.views()):
            return None    # focus is in another widget (the unit selector): not a table action
        return getattr(tab, name)()

    def show_guide(self):
        """Bantuan → Panduan (F1): the four everyday tasks, with pictures."""
        from .help_view import show_guide
        return show_guide(self)

    def _about(self) -> None:
        dialogs.info(self, self.tr("Tentang Renstra Desktop"), self.tr(
            "{app} {version}\nRencana Strategis {years} {office} dan UPT-nya, luring.\n\n"
            "Berkas rencana: {path}").format(
            app=APP_NAME, version=__version__, path=self.controller.path, office=self.controller.profile.name.title(),
            years=self.controller.profile.span_label))

    # -- unit selector and status bar ----------------------------------------------------------
    def plan_tabs(self) -> list[PlanTab]:
        return [w for w in (self.tabs.widget(i) for i in range(self.tabs.count())) if isinstance(w, PlanTab)]

    def _on_file_opened(self) -> None:
        if self.controller.store is None:     # closed: the tabs have emptied themselves
            return
        units = self.controller.units()
        own = self.controller.unit_code
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        if self.controller.is_kanwil:
            self.unit_combo.addItem(self.tr("Semua satker"), ALL_UNITS)
            for u in units:
                self.unit_combo.addItem(u["name"], u["code"])
            self.unit_combo.setEnabled(True)
        else:
            name = next((u["name"] for u in units if u["code"] == own), own)
            self.unit_combo.addItem(name, own)
            self.unit_combo.setEnabled(False)
            self.unit_combo.setToolTip(self.tr("Berkas UPT hanya memuat data satkernya sendiri."))
        # the installation's own plan first (what it edits); "Semua satker" puts every unit side by side
        self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(own)))
        self.unit_combo.blockSignals(False)
        self._on_unit_selected()
        self.file_label.setText(self.tr("Berkas: {path}").format(path=self.controller.path))
        self.file_label.setToolTip(str(self.controller.path))
        self.setWindowTitle(self.tr("{file} ({unit}) – {app}").format(
            file=self.controller.path.name, unit=self._unit_name(own), app=APP_NAME))

    def _after_first_paint(self) -> None:
        freeze_long_lived()
        self._check_file_in_background()
        if self.controller.store is not None:       # the writer thread's Store opened before the first edit
            self.controller.writer.prepare(self.controller.path, self.controller.store.readonly)

    def _file_changed_thaw(self) -> None:
        thaw()
        self._freeze_after_paint = AfterFirstPaint(self, freeze_long_lived)

    def _check_file_in_background(self) -> None:
        """SQLite's quick check, which a file's first edit runs before writing (core.integrity; 110–550 ms
        at 90 MB), done once in a worker after the file opened: the first edit then skips it."""
        from ..core.integrity import check_before_write
        from .worker import run_in_background

        if self.controller.store is None or self.controller.store.readonly:
            return
        path = self.controller.path
        run_in_background(self, self.tr("Memeriksa berkas"), lambda _store, _progress: check_before_write(None, path),
                          lambda _result: None, lambda exc: dialogs.warn(self, self.tr("Berkas rusak"), getattr(
                              exc, "message", str(exc))), show_dialog=False)

    def selected_unit(self) -> str | None:
        return self.unit_combo.currentData()

    def set_selected_unit(self, unit_code: str | None) -> None:
        self.unit_combo.setCurrentIndex(self.unit_combo.findData(unit_code))

    def _on_unit_selected(self, *args) -> None:
        """Every plan tab follows; only the one showing reads its rows now (the others when shown)."""
        unit = self.selected_unit()
        for tab in self.plan_tabs():
            tab.set_unit(unit)
        shown = self.tr("Semua satker") if unit is ALL_UNITS else self._unit_name(unit)
        self.unit_label.setText(self.tr("Satker berkas: {own}  ·  Ditampilkan: {shown}").format(
            own=self._unit_name(self.controller.unit_code), shown=shown))

    def _unit_name(self, code: str | None) -> str:
        return self.controller.unit_names().get(code, code or "")

    # -- Berkas -------------------------------------------------------------------------------------
    def open_path(self, path: str | Path) -> bool:
        """Open another plan file in this window; a bad file leaves the current one open."""
        try:
            store = Store.open(path)
        except RenstraError as exc:
            dialogs.warn(self, self.tr("Berkas tidak dapat dibuka"), exc.message)
            return False
        self.controller.open_store(store)
        self.remember_recent(store.path)
        return True

    def open_file_dialog(self) -> bool:
        """Buka: ask for a file until one opens or the user cancels."""
        directory = str(folders.last_folder(folders.PLANS))
        while True:
            path = dialogs.choose_open_file(self, self.tr("Buka berkas rencana"), directory)
            if path is None:
                return False
            if self.open_path(path):
                folders.remember_folder(folders.PLANS, path)
                return True
            directory = str(Path(path).parent)

    def new_plan(self) -> bool:
        """Rencana baru…: the wizard (embedded NTB Renstra, a filled template or a plan JSON); the
        plan it created opens in this window."""
        from .new_plan_wizard import run_new_plan_wizard

        path = run_new_plan_wizard(self, str(folders.last_folder(folders.PLANS)))
        if path is None:
            return False
        folders.remember_folder(folders.PLANS, path)
        return self.open_path(path)

    def save_as(self) -> bool:
        """Simpan Sebagai: a consistent copy (SQLite backup API); work continues in the open file."""
        path = dialogs.choose_save_file(self, self.tr("Simpan Sebagai"), str(folders.last_folder(folders.PLANS)))
        if path is None:
            return False
        folders.remember_folder(folders.PLANS, path)
        from ..core.packages.keys import save_copy_keeping_key

        try:
            saved = save_copy_keeping_key(self.controller.store, path)     # the copy signs as this unit
        except RenstraError as exc:
            dialogs.warn(self, self.tr("Simpan Sebagai"), exc.message)
            return False
        except OSError as exc:
            dialogs.warn(self, self.tr("Simpan Sebagai"), self.tr(
                "Salinan tidak dapat ditulis ke {path} ({error}). Pilih folder lain.").format(
                path=path, error=os_reason(exc)))
            return False
        self.remember_recent(saved)
        self.statusBar().showMessage(self.tr("Salinan disimpan: {path}").format(path=saved), 8000)
        return True

    def recent_files(self) -> list[str]:
        value = QSettings().value(RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def remember_recent(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        files = [path] + [f for f in self.recent_files() if f != path]
        QSettings().setValue(RECENT_KEY, files[:MAX_RECENT])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        if not files:
            empty = self.recent_menu.addAction(self.tr("(belum ada)"))
            empty.setEnabled(False)
            return
        for i, path in enumerate(files, 1):
            action = self.recent_menu.addAction(f"&{i} {path}")
            action.triggered.connect(lambda checked=False, p=path: self.open_path(p))

    # -- geometry -----------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value(GEOMETRY_KEY)
        self.restored_geometry = geometry is not None and self.restoreGeometry(geometry)
        if not self.restored_geometry:
            self.resize(FIRST_RUN_SIZE)
        state = settings.value(STATE_KEY)
        if state is not None:
            self.restoreState(state)

    def show_on_screen(self) -> str:
        """Show the window where it fits: the last size and place; on the first run 1280×800 in the
        middle of the screen, or maximised when that does not fit (1366×768, 1024×768 screens).
        Returns how it was shown: restored, centred or maximised."""
        available = available_geometry(self)
        if self.isMaximized() or not fits(self.size(), available):
            self.showMaximized()
            return "maximised"
        if self.restored_geometry:
            self.show()
            return "restored"
        frame = self.rect()
        frame.moveCenter(available.center())
        self.move(frame.topLeft())
        self.show()
        return "centred"

    def save_geometry(self) -> None:
        settings = QSettings()
        settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        settings.setValue(STATE_KEY, self.saveState())

    def closeEvent(self, event) -> None:
        self.save_geometry()
        super().closeEvent(event)
        if event.isAccepted():
            self.controller.close()


class ElidedLabel(QLabel):
    """A one-line label that shortens its text in the middle ("…") when it has less room."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, rect.width())
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), text)
        painter.end()
