"""The Laporan tab: choose a report, build it off the GUI thread, preview its pages, save, print,
sign, and check a report against the open plan.

Building, saving, printing and signing run through :func:`.worker.run_in_background` (the worker
opens its own Store when it needs one).  The preview draws the pages with pdfium as they scroll
into view (:mod:`.pdf_preview`: a report of 2 441 pages is placed at once and holds a few pages);
printing hands the PDF itself to the printer where it can (:mod:`.printing`).  File dialogs open
in the folder last used for reports (:mod:`.folders`).  A PKCS#12 password is asked through
:mod:`.dialogs` for one signature and never stored; a signed PDF is offered for saving at once.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from ..core import queries
from ..core.reports.base import KINDS, PERIOD_KINDS, TITLES, ReportOptions
from . import dialogs, folders
from .pdf_pages import page_sizes
from .pdf_preview import PdfPreview
from .worker import run_in_background

PERIODS = [("", "Tahunan"), ("S1", "Semester I"), ("S2", "Semester II"), ("TW1", "Triwulan I"),
           ("TW2", "Triwulan II"), ("TW3", "Triwulan III"), ("TW4", "Triwulan IV")]

TRUSTED_CERTS_KEY = "signing/trusted_certificates"   # QSettings: root certificates this user trusts


class ReportTab(QWidget):
    """Form on the left, page preview on the right."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ReportTab")
        self.controller = controller
        self.result = None            # core.reports.ReportResult of the last build
        self.pdf: bytes | None = None  # what is previewed: the built or the signed PDF
        self.signed_roles: list[str] = []
        self.unsaved_signature = False   # signed in memory, not yet written to a file
        self.task = None
        self._printer = None             # the QPrinter of a running print job (kept alive)

        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(self.tr(TITLES[kind]), kind)
        self.unit = QComboBox()
        self.year = QSpinBox()
        self.year.setRange(controller.plan_years[0], controller.plan_years[-1])
        self.year.setValue(controller.current_year())        # this year, as the Indikator tab (not always 2025)
        self.period = QComboBox()
        for code, label in PERIODS:
            self.period.addItem(self.tr(label), code)
        self.paper = QComboBox()
        self.paper.addItem("A4", "a4")
        self.paper.addItem("F4 (215 × 330 mm)", "f4")
        self.tte = QCheckBox(self.tr("Tanda penempatan TTE BSrE (^)"))
        self.history = QCheckBox(self.tr("Sertakan capaian 2020-2024"))
        form = QFormLayout()
        form.addRow(self.tr("Laporan"), self.kind)
        form.addRow(self.tr("Satker"), self.unit)
        form.addRow(self.tr("Tahun"), self.year)
        form.addRow(self.tr("Periode"), self.period)
        form.addRow(self.tr("Kertas"), self.paper)
        form.addRow(self.tte)
        form.addRow(self.history)

        self.build_button = QPushButton(self.tr("Buat laporan"))
        self.save_button = QPushButton(self.tr("Simpan PDF…"))
        self.print_button = QPushButton(self.tr("Cetak…"))
        self.sign_button = QPushButton(self.tr("Tandatangani…"))
        self.verify_button = QPushButton(self.tr("Periksa laporan…"))
        self.check_signatures_button = QPushButton(self.tr("Periksa tanda tangan PDF…"))
        self.signatory_button = QPushButton(self.tr("Penanda tangan…"))
        self.signatory_button.setToolTip(self.tr("Tempat, tanggal, jabatan, nama dan NIP yang tercetak di blok "
                                                 "tanda tangan, serta baris paraf"))
        # lambdas: clicked(bool) must not arrive as an argument (it once arrived as the printer)
        self.build_button.clicked.connect(lambda: self.build())
        self.save_button.clicked.connect(lambda: self.save())
        self.print_button.clicked.connect(lambda: self.print_report())
        self.sign_button.clicked.connect(lambda: self.sign())
        self.verify_button.clicked.connect(lambda: self.verify())
        self.check_signatures_button.clicked.connect(lambda: self.check_signatures())
        self.signatory_button.clicked.connect(lambda: self.edit_signatory())
        self.status = QLabel()
        self.status.setWordWrap(True)
        left = QVBoxLayout()
        left.addLayout(form)
        for button in (self.build_button, self.signatory_button, self.save_button, self.print_button,
                       self.sign_button, self.verify_button, self.check_signatures_button):
            left.addWidget(button)
        left.addWidget(self.status)
        left.addStretch(1)
        panel = QWidget()
        panel.setLayout(left)
        panel.setMaximumWidth(320)

        self.preview = PdfPreview()
        layout = QHBoxLayout(self)
        layout.addWidget(panel)
        layout.addWidget(self.preview, 1)

        self.kind.currentIndexChanged.connect(self._update_enabled)
        self._unit_chosen = False        # until the user picks a unit here, follow the window's selector
        self.unit.activated.connect(lambda *_: setattr(self, "_unit_chosen", True))
        controller.file_opened.connect(self.reload_units)
        self.reload_units()
        self._update_enabled()

    # -- form -----------------------------------------------------------------------------------
    def reload_units(self) -> None:
        if self.controller.store is None:
            return
        self.unit.clear()
        own = self.controller.unit_code
        for u in queries.units(self.controller.conn):
            if self.controller.is_kanwil or u["code"] == own:
                self.unit.addItem(u["name"], u["code"])
        if self.controller.is_kanwil:
            self.unit.addItem(self.tr("Semua satker (gabungan)"), "")   # as the window's selector
        index = self.unit.findData(own)
        self.unit.setCurrentIndex(max(index, 0))
        self._unit_chosen = False
        self._clear()

    def showEvent(self, event) -> None:
        """Open on the unit the window shows ("Semua satker" -> the whole province), unless the user
        already chose one here."""
        super().showEvent(event)
        selected = getattr(self.window(), "selected_unit", None)
        if not self._unit_chosen and callable(selected):
            index = self.unit.findData(selected() or "")
            if index >= 0:
                self.unit.setCurrentIndex(index)

    def options(self) -> ReportOptions:
        kind = self.kind.currentData()
        period = self.period.currentData()
        return ReportOptions(kind, unit=self.unit.currentData() or None, year=self.year.value(),
                             period=f"{self.year.value()}-{period}" if period else None,
                             paper=self.paper.currentData(), tte=self.tte.isChecked(),
                             history=self.history.isChecked())

    def _update_enabled(self) -> None:
        with_period = self.kind.currentData() in PERIOD_KINDS
        for widget in (self.year, self.period, self.history):
            widget.setEnabled(with_period)
        ready = self.pdf is not None
        for button in (self.save_button, self.print_button, self.sign_button):
            button.setEnabled(ready)
        if self._printer is not None:
            self.print_button.setEnabled(False)     # one print job at a time

    # -- build and preview ----------------------------------------------------------------------
    def build(self) -> None:
        if self.unsaved_signature and not dialogs.ask(self, self.tr("Buat laporan"), self.tr(
                "PDF yang sudah ditandatangani belum disimpan; membuat laporan baru membuang tanda tangannya.\n\n"
                "Lanjutkan tanpa menyimpan?")):
            return
        options = self.options()
        title = self.tr("Membuat laporan")

        def work(store, progress):
            from ..core.reports import build_report
            result = build_report(store.conn, options, progress=lambda done, total: progress(
                int(90 * done / max(total, 1)), self.tr("Menyusun halaman…")))
            progress(95, self.tr("Menyiapkan pratinjau…"))
            return result, page_sizes(result.pdf)

        self.status.setText(self.tr("Membuat laporan…"))
        self.build_button.setEnabled(False)
        self.task = run_in_background(self, title, work, self._built, self._failed,
                                      store_path=self.controller.path, readonly=True)

    def _built(self, payload) -> None:
        self.result, sizes = payload
        self.signed_roles = []
        self.unsaved_signature = False
        self._show(self.result.pdf, sizes)
        self.status.setText(self.tr("{pages} halaman · kode {code}").format(
            pages=self.result.page_count, code=self.result.digest[:12]))
        self.build_button.setEnabled(True)

    def _failed(self, exc) -> None:
        self.build_button.setEnabled(True)
        self.status.setText("")
        dialogs.warn(self, self.tr("Laporan"), getattr(exc, "message", str(exc)))

    def _show(self, pdf: bytes, sizes: list[tuple[float, float]], keep_position: bool = False) -> None:
        """Preview ``pdf``: its pages laid out from their sizes, drawn as they scroll into view."""
        self.pdf = pdf
        self.preview.set_pdf(pdf, sizes, keep_position)
        self._update_enabled()

    def _clear(self) -> None:
        """No report: the empty preview says what to do."""
        self.pdf = None
        self.preview.show_hint(self.tr("Pilih laporan, satker dan tahun di sebelah kiri, lalu klik “Buat laporan”.\n"
                                       "Halaman laporan tampil di sini."))
        self._update_enabled()

    def page_count(self) -> int:
        return self.preview.page_count()

    # -- save, print ----------------------------------------------------------------------------
    def suggested_name(self) -> str:
        opts = self.options()
        signed = "-ttd" if self.signed_roles else ""
        return f"{opts.kind}-{opts.unit or 'semua'}-{opts.report_period}{signed}.pdf"

    def page_size(self) -> tuple[float, float]:
        return tuple(self.result.page_size) if self.result and self.result.page_size else (842.0, 595.0)

    def save(self):
        """Simpan PDF: ask where (the folder last used for reports), write in the background."""
        if self.pdf is None:
            return None
        title = self.tr("Simpan laporan")
        path = dialogs.choose_pdf_save(self, title, folders.last_folder(folders.REPORTS) / self.suggested_name())
        if path is None:
            return None
        folders.remember_folder(folders.REPORTS, path)
        pdf = self.pdf

        def work(_store, progress):
            from ..core.reports.build import write_pdf
            progress(20, self.tr("Menyimpan {name}…").format(name=path.name))
            return write_pdf(path, pdf)

        def done(saved):
            if self.pdf is pdf:
                self.unsaved_signature = False
            self.status.setText(self.tr("Disimpan: {path}").format(path=saved))

        self.task = run_in_background(self, title, work, done, self._action_failed(title))
        return self.task

    def print_report(self):
        """Cetak: Qt's print dialog (paper and orientation of the report preset), then the job off
        the GUI thread (see :mod:`.printing`)."""
        from PySide6.QtPrintSupport import QPrinter

        from .printing import prepare_printer

        if self.pdf is None or self._printer is not None:
            return None
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        prepare_printer(printer, self.page_size(), self.kind.currentText(),
                        folders.last_folder(folders.REPORTS) / self.suggested_name())
        if not dialogs.print_setup(self, printer, self.page_count()):
            return None
        return self.print_with(printer)

    def print_with(self, printer):
        """Print the previewed PDF on a printer set up by the print dialog (GUI thread: reads the
        choices; the job itself runs in a worker)."""
        from .printing import request_from, run_print

        request = request_from(printer, self.page_count(), self.kind.currentText())
        if request.route == "file":
            folders.remember_folder(folders.REPORTS, request.output_file)
        pdf, title = self.pdf, self.tr("Mencetak")
        self._printer = printer
        self.print_button.setEnabled(False)

        def done(req):
            self._printer = None
            self._update_enabled()
            self.status.setText(self.tr("Dicetak: {what}.").format(what=req.describe()))

        def failed(exc):
            self._printer = None
            self._update_enabled()
            self._action_failed(self.tr("Cetak"))(exc)

        self.task = run_in_background(self, title, lambda _store, progress: run_print(request, pdf, printer, progress),
                                      done, failed)
        return self.task

    def _action_failed(self, title: str):
        def show(exc) -> None:
            dialogs.warn(self, title, getattr(exc, "message", None) or self.tr(
                "Terjadi kesalahan tak terduga: {error}").format(error=exc))
        return show

    def edit_signatory(self):
        """Penanda tangan: the block of the chosen unit (the Kanwil's for "Semua satker"); a report
        already built is made again so the preview shows the new block."""
        from .signatory_dialog import open_signatory_dialog

        dialog = open_signatory_dialog(self, self.controller, self.unit.currentData() or "KANWIL")
        if dialog.saved is not None and self.result is not None and not self.signed_roles:
            self.build()
        return dialog

    # -- sign -----------------------------------------------------------------------------------
    def sign(self) -> None:
        if self.pdf is None:
            return
        roles = ["konseptor", "kepala"]
        labels = [self.tr("Konseptor (disiapkan oleh)"), self.tr("Kepala (disetujui oleh)")]
        index = dialogs.choose_item(self, self.tr("Tandatangani"), self.tr("Tanda tangan sebagai"), labels,
                                    1 if "konseptor" in self.signed_roles else 0)
        if index is None:
            return
        role = roles[index]
        if (why := self.controller.signing_refusal(role)) is not None:
            dialogs.warn(self, self.tr("Tandatangani"), why)
            return
        p12 = dialogs.choose_p12(self, self.tr("Sertifikat penanda tangan (.p12)"),
                                 str(folders.last_folder(folders.CERTIFICATES)))
        if p12 is None:
            return
        folders.remember_folder(folders.CERTIFICATES, p12)
        password = dialogs.ask_password(self, self.tr("Kata sandi sertifikat"),
                                        self.tr("Kata sandi {file}:").format(file=p12.name))
        if password is None:
            return
        pdf, spot = self.pdf, (self.result.spots.get(role) if self.result else None)

        def work(_store, progress):
            import tempfile
            from ..core.signing.sign import sign_pdf
            with tempfile.TemporaryDirectory() as tmp:
                src, out = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
                src.write_bytes(pdf)
                progress(20, self.tr("Menandatangani…"))
                result = sign_pdf(src, out, p12, password, role, field_box=spot)   # time in the report's zone
                signed = out.read_bytes()
            progress(80, self.tr("Menyiapkan pratinjau…"))
            return signed, page_sizes(signed), result.warnings

        def done(payload):
            signed, sizes, warnings = payload
            self.signed_roles.append(role)
            self._show(signed, sizes, keep_position=True)      # on the page where the stamp is, if shown
            self.unsaved_signature = True
            self.status.setText(self.tr("Ditandatangani sebagai {role}; belum disimpan.").format(role=labels[index]))
            if warnings:           # e.g. the certificate's name is not the name printed for the role
                dialogs.warn(self, self.tr("Tandatangani"), "\n".join(warnings))
            if dialogs.ask(self, self.tr("Simpan PDF bertanda tangan"), self.tr(
                    "Ditandatangani sebagai {role}. Tanda tangan baru tersimpan setelah PDF-nya disimpan.\n\n"
                    "Simpan PDF sekarang?").format(role=labels[index])):
                self.save()

        self.task = run_in_background(self, self.tr("Menandatangani"), work, done, self._failed)

    # -- verify ---------------------------------------------------------------------------------
    def verify(self) -> None:
        """Check a report (QR text or PDF) against the open plan file."""
        from ..core.errors import RenstraError
        from ..core.reports.verify import payload_from_pdf, verify_payload

        choice = dialogs.choose_item(self, self.tr("Periksa laporan"), self.tr("Periksa dari"),
                                     [self.tr("Teks kode QR hasil pindaian"), self.tr("Berkas PDF laporan")])
        if choice is None:
            return
        try:
            if choice == 0:
                text = dialogs.ask_text(self, self.tr("Periksa laporan"), self.tr("Teks kode QR:"))
                if not text:
                    return
            else:
                path = dialogs.choose_pdf_open(self, self.tr("PDF laporan"), str(folders.last_folder(folders.REPORTS)))
                if path is None:
                    return
                folders.remember_folder(folders.REPORTS, path)
                text = payload_from_pdf(path)
            result = verify_payload(self.controller.conn, text)
        except RenstraError as exc:
            dialogs.warn(self, self.tr("Periksa laporan"), exc.message)
            return
        (dialogs.info if result.matches else dialogs.warn)(self, self.tr("Periksa laporan"), result.message)

    def check_signatures(self) -> None:
        """Check the digital signatures of a PDF against the root certificates this user trusts
        (remembered in the settings; the first check asks for one)."""
        import logging

        from PySide6.QtCore import QSettings

        from ..core.errors import RenstraError
        from ..core.signing.verify import describe, verify_pdf

        title = self.tr("Periksa tanda tangan PDF")
        path = dialogs.choose_pdf_open(self, self.tr("PDF bertanda tangan"), str(folders.last_folder(folders.REPORTS)))
        if path is None:
            return
        folders.remember_folder(folders.REPORTS, path)
        settings = QSettings()
        trusted = [p for p in (settings.value(TRUSTED_CERTS_KEY, []) or []) if Path(p).is_file()]
        if not trusted:
            chosen = dialogs.choose_certificate(self, self.tr("Sertifikat akar yang Anda percayai (boleh dilewati)"),
                                                str(folders.last_folder(folders.CERTIFICATES)))
            if chosen is not None:
                trusted = [str(chosen)]
        logging.getLogger("pyhanko").setLevel(logging.ERROR)   # the report says what a log would
        try:
            report = verify_pdf(path, trusted)
            lines = describe(report, None if trusted else self.tr(
                "pilih sertifikat akar saat pemeriksaan berikutnya."))
        except RenstraError as exc:
            dialogs.warn(self, title, exc.message)
            return
        if trusted:
            settings.setValue(TRUSTED_CERTS_KEY, trusted)
        (dialogs.info if report["all_ok"] else dialogs.warn)(self, title, "\n".join(lines))
