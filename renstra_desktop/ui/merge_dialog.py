"""Packages in the window: what Berkas → Ekspor Paket… and Gabungkan Paket… and package files dropped
on the window open (the menu entries, the drop and the "Paket masuk" tab are :mod:`.package_menu`).

The merge dialog lists the chosen files, runs a dry run at once and shows what each package would
do per table (new, updated, unchanged, conflicts, ignored-locked, rejected) with a reason per row.
"Gabungkan" first lists every key seen for the first time in one dialog (:mod:`.key_confirm_dialog`:
the user ticks each unit whose fingerprint the unit read out on the phone), pins the ticked ones,
then merges; packages whose key was not ticked are left out.  Dry run, pins and merge run off the
GUI thread with a progress bar through :class:`.ops.WriteOp` (a Store and PlanService of their own); afterwards every view reloads from the merge's Changes and
the undo steps on rows the merge changed are dropped.  Export reads, through the worker.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from ..core import queries
from ..core.localtime import zone_of
from ..core.packages.merge_report import STATUSES
from ..core.service import Changes
from . import dialogs, folders
from .package_menu import package_paths


# -- export -----------------------------------------------------------------------------------------
def export_package_from(window, target=None, passphrase: bytes | None = None):
    """Berkas → Ekspor Paket: ask where, write the package in the background, say what was made.
    A key protected by a passphrase: the worker says so, the passphrase is asked, and it runs again."""
    from ..core.packages.key_protection import KeyLocked, WrongSecret
    from ..core.packages.package_export import suggested_file_name
    from .worker import run_in_background

    controller = window.controller
    if target is None:
        suggested = folders.last_folder(folders.PACKAGES_OUT) / suggested_file_name(controller.store)
        target = dialogs.choose_package_save(window, window.tr("Ekspor Paket"), str(suggested))
    if target is None:
        return None
    folders.remember_folder(folders.PACKAGES_OUT, target)

    def work(store, progress):
        from ..core.packages.package_export import export_package
        progress(10, window.tr("Membaca data satker dan menandatangani paket…"))
        return export_package(store, target, passphrase=passphrase)

    def failed(exc):
        if not isinstance(exc, KeyLocked):
            return dialogs.warn(window, window.tr("Ekspor Paket"), getattr(exc, "message", str(exc)))
        label = (window.tr("Kata sandi salah. Ketik lagi kata sandi kunci tanda tangan:") if isinstance(exc, WrongSecret)
                 else window.tr("Kunci tanda tangan satker ini dilindungi kata sandi. Ketik kata sandinya:"))
        secret = dialogs.ask_password(window, window.tr("Kata sandi kunci"), label)
        if secret:
            export_package_from(window, target, secret)

    def done(result):
        m = result.manifest
        unit_name = queries.unit_names(controller.conn).get(m["unit"], m["unit"])
        window.statusBar().showMessage(window.tr("Paket dibuat: {path}").format(path=result.path), 10000)
        send = window.tr("Kirim berkas ini ke satker (UPT) melalui USB, surel atau pesan. Saat paket pertama "
                         "diterima, satker menelepon: bacakan sidik jari di atas.") if m["unit"] == "KANWIL" else \
            window.tr("Kirim berkas ini ke Kantor Wilayah melalui USB, surel atau pesan. Saat paket pertama "
                      "diterima, Kantor Wilayah menelepon: bacakan sidik jari di atas.")
        dialogs.offer_open_folder(window, window.tr("Paket dibuat"), window.tr(
            "Paket disimpan di:\n{path}\n\nSatker {unit}, urutan {seq}, {rows} baris.\n\n"
            "Sidik jari kunci satker ini:\n{fp}\n\n{send}").format(
            path=result.path, unit=unit_name, seq=m["sequence"], rows=result.total_rows, fp=result.fingerprint,
            send=send), Path(result.path).parent)

    return run_in_background(window, window.tr("Ekspor paket"), work, done, failed, store_path=controller.path,
                             readonly=True)


# -- merge ------------------------------------------------------------------------------------------
EXPANDED_UP_TO = 50       # packages whose tables are shown at once; more are listed folded (the user unfolds)


class _Summarised:
    """A merge's report with its summary's lines, built in the worker; ``changes`` for ops.WriteOp."""

    def __init__(self, report, tree):
        self.report, self.tree = report, tree

    @property
    def changes(self):
        return self.report.changes


def open_merge_dialog(window, paths=None) -> "MergeDialog | None":
    """Gabungkan Paket: the files dropped, or chosen now; the dialog runs the dry run at once."""
    if paths is None:
        paths = dialogs.choose_package_files(window, window.tr("Gabungkan Paket"),
                                             str(folders.last_folder(folders.PACKAGES_IN)))
        if not paths:
            return None
        folders.remember_folder(folders.PACKAGES_IN, paths[0])
    dialog = MergeDialog(window.controller, paths, window)
    dialog.open()
    dialog.dry_run()
    return dialog


class MergeDialog(QDialog):
    """The chosen package files, what merging them does (dry run first), and the merge itself."""

    def __init__(self, controller, paths, parent=None):
        from PySide6.QtWidgets import (QAbstractItemView, QDialogButtonBox, QHBoxLayout, QLabel,
                                       QListView, QPushButton, QSplitter, QTreeView, QVBoxLayout, QWidget)

        from .merge_models import FileListModel, MergeReportModel

        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(self.tr("Gabungkan Paket"))
        self.setModal(True)
        self.setAcceptDrops(True)
        self.report = None              # the last MergeReport shown
        self.applied = False

        self.files = FileListModel(self)
        self.file_list = QListView()
        self.file_list.setModel(self.files)
        self.file_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        add_button = QPushButton(self.tr("Tambah berkas…"))
        remove_button = QPushButton(self.tr("Hapus dari daftar"))
        add_button.clicked.connect(self._choose_more)
        remove_button.clicked.connect(self._remove_selected)
        files_side = QVBoxLayout()
        files_side.addWidget(QLabel(self.tr("<b>Berkas paket</b> (bisa juga diseret ke sini)")))
        files_side.addWidget(self.file_list)
        row = QHBoxLayout()
        row.addWidget(add_button)
        row.addWidget(remove_button)
        files_side.addLayout(row)

        self.model = MergeReportModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()     # fixed widths: fitting to contents measures every line
        header.setStretchLastSection(True)
        for column, width in enumerate((430, 56, 56, 56, 56, 64, 60)):
            header.resizeSection(column, width)
        self.tree.selectionModel().currentChanged.connect(self._show_detail)
        self.detail = QLabel()           # the whole text of the chosen package or row
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setMinimumHeight(90)
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left.setLayout(files_side)
        splitter.addWidget(left)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.tree, 1)
        right_layout.addWidget(self.detail)
        right_layout.addWidget(self.summary)
        splitter.addWidget(right)

        self.buttons = QDialogButtonBox()
        self.repin_button = self.buttons.addButton(self.tr("Terima kunci baru satker…"),
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.repin_button.setToolTip(self.tr("Untuk paket yang ditolak karena kuncinya berbeda dengan kunci yang "
                                             "tercatat untuk satker itu (satker memasang ulang aplikasi)."))
        self.repin_button.clicked.connect(self.repin)
        self.repin_button.setEnabled(False)
        self.dry_run_button = self.buttons.addButton(self.tr("Uji coba"), QDialogButtonBox.ButtonRole.ActionRole)
        self.apply_button = self.buttons.addButton(self.tr("Gabungkan"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(self.tr("Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        self.dry_run_button.clicked.connect(self.dry_run)
        self.apply_button.clicked.connect(self.apply)
        self.close_button.clicked.connect(self.reject)
        self.apply_button.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        from .screen_fit import fitted_size
        self.resize(fitted_size(self, 1180, 640))          # 1180 px does not fit a 1024×768 screen
        files_width = min(280, self.width() // 4)
        splitter.setSizes([files_width, self.width() - files_width])
        # the counts stay in view on a narrow screen: the package/table/row column gives way
        header.resizeSection(0, max(200, min(430, self.width() - files_width - 390)))
        self.add_paths(paths)

    # -- files ------------------------------------------------------------------------------------
    def paths(self) -> list[Path]:
        return list(self.files.paths)

    def add_paths(self, paths) -> None:
        self.files.add(paths)
        self._files_changed()

    def _choose_more(self) -> None:
        chosen = dialogs.choose_package_files(self, self.tr("Tambah paket"), str(folders.last_folder(folders.PACKAGES_IN)))
        if chosen:
            folders.remember_folder(folders.PACKAGES_IN, chosen[0])
            self.add_paths(chosen)
            self.dry_run()

    def _remove_selected(self) -> None:
        self.files.remove({i.row() for i in self.file_list.selectionModel().selectedRows()})
        self._files_changed()

    def _files_changed(self) -> None:
        self.apply_button.setEnabled(False)      # a new dry run first
        self.dry_run_button.setEnabled(bool(self.paths()))

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and package_paths(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = package_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)
            self.dry_run()

    # -- dry run and merge ---------------------------------------------------------------------------
    def dry_run(self):
        """Verify every package and show what merging would do; nothing is written."""
        paths = self.paths()
        if not paths:
            return None
        self.apply_button.setEnabled(False)
        return self._run(self.tr("Uji coba penggabungan"), paths, dry_run=True)

    def apply(self):
        """Confirm new keys, then (off the GUI thread) pin the confirmed ones and merge for real."""
        if self.report is None or not self.report.dry_run:
            return None
        ready = [r for r in self.report.results if r.status == "would_merge"]
        new = [r for r in ready if r.key_status == "new"]
        trusted: set[Path] = set()
        if new:
            names = queries.unit_names(self.controller.conn)
            rows = [(names.get(r.unit, r.unit), r.fingerprint, self.tr(
                        "PERHATIAN: kunci ini sudah tercatat untuk {others}. Satu kunci untuk dua satker berarti "
                        "satu satker dapat mengirim data atas nama satker lain.").format(
                        others=", ".join(names.get(u, u) for u in r.key_shared_with)) if r.key_shared_with else "")
                    for r in new]
            ticked = dialogs.confirm_keys(self, rows)
            if ticked is None:
                return None
            trusted = {new[i].path for i in ticked}
        chosen = [r.path for r in ready if r.key_status != "new" or r.path in trusted]
        confirmed = [(r.unit, r.fingerprint) for r in new if r.path in trusted]
        if not chosen:
            dialogs.info(self, self.tr("Gabungkan Paket"), self.tr("Tidak ada paket yang dapat digabungkan."))
            return None
        self.apply_button.setEnabled(False)
        self.dry_run_button.setEnabled(False)
        return self._run(self.tr("Menggabungkan paket"), chosen, dry_run=False, pins=confirmed)

    def _run(self, title: str, paths: list[Path], *, dry_run: bool, pins=()):
        """Pin the confirmed keys and merge (or only try) through ops.WriteOp, off the GUI thread
        with a progress bar; the report is shown, the views and the undo stack follow its changes."""
        from .ops import WriteOp

        reason = self.tr("sidik jari dikonfirmasi melalui telepon")
        checking = self.tr("Memeriksa paket…")

        def work(service, progress):
            pinned = Changes()
            with service.store.atomic():    # all confirmed keys, or none (a refusal is shown as the error)
                for unit, fp in pins:       # a key shared with another unit was confirmed with a warning
                    pinned.merge(service.pin_key(unit, fp, reason=reason, allow_shared=True))
            progress(0, checking)
            shown = [0]

            def step(done, total, name):   # at most one update per percent: each is a call into Qt
                percent = 100 * done // max(total, 1)
                if percent != shown[0] or done == total:
                    shown[0] = percent
                    progress(percent, f"{done}/{total}: {name}")

            report = service.merge_packages(paths, dry_run=dry_run, progress=step)
            report.changes.merge(pinned)
            from .merge_models import build_tree

            conn = service.store.conn      # the summary's lines built here too: 530 packages took 33 ms
            return _Summarised(report, build_tree(report, queries.unit_names(conn), zone_of(conn)))

        op = WriteOp(self.controller, work, parent=self, title=title).success(self._show).failure(self._failed)
        return op.with_progress().run_in_background()

    def _show_detail(self, current, previous=None) -> None:
        self.detail.setText(current.data(self.model.DETAIL_ROLE) or "")
        result = self.model.result_at(current)
        self.repin_button.setEnabled(result is not None and result.key_status == "mismatch")

    def repin(self):
        """Pin the new key of the chosen package's unit, after a phone check, with a reason (off the
        GUI thread), then try the packages again."""
        result = self.model.result_at(self.tree.currentIndex())
        if result is None or result.key_status != "mismatch":
            return None
        question = self.tr(
            "Paket dari {unit} ditandatangani kunci lain daripada kunci yang tercatat untuk satker itu.\n\nSidik jari "
            "kunci baru:\n{fp}\n\nTelepon satker itu: apakah mereka memang memasang ulang aplikasi, dan apakah "
            "sidik jari kunci mereka sama persis?").format(unit=self.unit_name(result.unit), fp=result.fingerprint)
        title = self.tr("Terima kunci baru satker")
        if not dialogs.ask(self, title, question):
            return None
        reason = dialogs.ask_text(self, title,
                                  self.tr("Alasan (dicatat), mis. “laptop diganti, dikonfirmasi via telepon”:"))
        if not (reason or "").strip():
            dialogs.warn(self, title, self.tr("Tanpa alasan, kunci baru tidak diterima."))
            return None
        from .ops import WriteOp

        unit, fingerprint = result.unit, result.fingerprint
        return WriteOp(self.controller, lambda service, progress: service.pin_key(unit, fingerprint, reason=reason),
                       parent=self, title=title).success(lambda changes: self.dry_run()).run_in_background()

    def _failed(self, exc) -> None:
        from .ops import show_failure

        self.dry_run_button.setEnabled(bool(self.paths()))
        show_failure(self, self.windowTitle(), exc, path=self.controller.path,
                     retry=self.dry_run if self.report is None or self.report.dry_run else None)

    def unit_name(self, code: str) -> str:
        return queries.unit_names(self.controller.conn).get(code, code)

    def _show(self, result) -> None:
        """Show a merge's report (a :class:`_Summarised` from the worker, or a bare MergeReport)."""
        report = getattr(result, "report", result)
        self.report = report
        if isinstance(result, _Summarised):
            self.model.set_tree(result.tree)
        else:
            self.model.set_report(report, queries.unit_names(self.controller.conn), zone_of(self.controller.conn))
        if len(report.results) <= EXPANDED_UP_TO:
            self.tree.expandToDepth(0)
        self.detail.setText(self.tr("Pilih paket atau baris untuk melihat keterangan lengkapnya."))
        counts = {s: sum(r.totals()[s] for r in report.results) for s in STATUSES}
        head = self.tr("Uji coba, belum ada yang disimpan.") if report.dry_run else self.tr("Selesai.")
        text = self.tr("{head} {n} paket: {new} baru, {updated} diubah, {unchanged} tetap, {conflicts} konflik, "
                       "{ignored_locked} diabaikan (periode terkunci), {rejected} baris ditolak; {bad} paket ditolak."
                       ).format(head=head, n=len(report.results), bad=sum(r.status == "rejected" for r in report.results),
                                **counts)
        late = sum(r.needs_attention and r.status != "rejected" for r in report.results)
        if late:
            text += " " + self.tr("{n} paket tidak berurutan (merah): periksa keterangannya.").format(n=late)
        if counts["conflicts"] and not report.dry_run:
            text += " " + self.tr("Putuskan konflik di tab “Paket masuk”.")
        if report.backup:
            text += " " + self.tr("Cadangan sebelum penggabungan: {path}").format(path=report.backup)
        self.summary.setText(text)
        if report.dry_run:
            self.apply_button.setEnabled(any(r.status == "would_merge" for r in report.results))
            self.dry_run_button.setEnabled(True)
        else:
            self.applied = True
            self.dry_run_button.setEnabled(True)
