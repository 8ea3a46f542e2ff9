"""Printing a report: the PDF itself wherever the printer takes it, pixels only where it must.

The route is chosen from what the user picked in Qt's print dialog (read on the GUI thread into a
:class:`PrintRequest`); the work runs in a worker thread with a progress bar:

- ``file``: "Print to File (PDF)": the report PDF is written to the chosen file, byte for byte
  (vector pages, signatures kept); a page range writes a copy holding those pages (pdfium).
- ``cups``: a named printer where the ``lp`` command exists (Linux, macOS): the PDF is handed to the
  print system (``lp -d NAME``), which renders it as vectors at the printer's own resolution.
- ``raster``: otherwise (Windows printers): each page is rendered by pdfium at the printer's
  resolution, capped at :data:`MAX_RASTER_DPI`, and painted with a QPainter on the QPrinter in the
  worker thread, one page in memory at a time.  Qt allows this (Qt 6 docs, "Thread-Support in Qt
  Modules", Painting in Threads: QPainter may paint on a QPrinter in a thread, one thread at a time
  per device); the GUI thread does not touch the printer until the job has ended.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from ..core.errors import FileError, RenstraError
from ..core.os_errors import os_reason
from . import pdf_pages

MAX_RASTER_DPI = 300        # sharp text on paper; 600 dpi would quadruple the data sent
STRIP_ROWS = 128            # one drawImage of a whole 300 dpi page holds the GIL ~0.3 s; a strip ~10 ms
LP_TIMEOUT_S = 60


def tr(text: str) -> str:
    return QCoreApplication.translate("printing", text)


@dataclass
class PrintRequest:
    """What the print dialog asked for, as plain data a worker thread may read."""
    route: str                       # file | cups | raster
    pages: list[int]                 # 0-based page indexes, in order
    output_file: str = ""
    printer_name: str = ""
    copies: int = 1
    duplex: str = ""                 # "" | long | short
    title: str = "Laporan Renstra"
    page_ranges: str = ""            # "1-2,4" as typed (cups)
    page_total: int = 0              # pages in the document (0: unknown)
    lp: str = field(default="", repr=False)

    def describe(self) -> str:
        n = len(self.pages)
        if self.route == "file":
            return tr("{n} halaman dicetak ke berkas {path}").format(n=n, path=self.output_file)
        return tr("{n} halaman dikirim ke pencetak {name}").format(n=n, name=self.printer_name)


def prepare_printer(printer: QPrinter, page_size: tuple[float, float], title: str, output_file: Path) -> None:
    """Before the dialog: the report's paper and orientation, no extra margin, the document name and,
    for "Print to File", a file name in the user's folder (not the program's)."""
    width, height = page_size
    portrait = QSizeF(min(width, height), max(width, height))
    orientation = QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
    printer.setPageLayout(QPageLayout(QPageSize(portrait, QPageSize.Unit.Point), orientation, QMarginsF(0, 0, 0, 0)))
    printer.setFullPage(True)
    printer.setDocName(title)
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        printer.setOutputFileName(str(output_file))


def chosen_pages(printer: QPrinter, page_count: int) -> list[int]:
    """The 0-based pages the dialog asked for (a range such as 1-2,4, or all)."""
    ranges = printer.pageRanges()
    if printer.printRange() == QPrinter.PrintRange.PageRange and not ranges.isEmpty():
        pages = [i - 1 for i in range(1, page_count + 1) if ranges.contains(i)]
        if pages:
            return pages
    return list(range(page_count))


def request_from(printer: QPrinter, page_count: int, title: str) -> PrintRequest:
    """Read the dialog's choices (GUI thread) and pick the route."""
    pages = chosen_pages(printer, page_count)
    duplex = {QPrinter.DuplexMode.DuplexLongSide: "long", QPrinter.DuplexMode.DuplexShortSide: "short"}.get(
        printer.duplex(), "")
    request = PrintRequest("raster", pages, printer_name=printer.printerName(), copies=max(1, printer.copyCount()),
                           duplex=duplex, title=title, page_total=page_count,
                           page_ranges="" if len(pages) == page_count else printer.pageRanges().toString())
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        request.route, request.output_file = "file", printer.outputFileName()
    else:
        lp = lp_command()
        if lp and request.printer_name:
            request.route, request.lp = "cups", lp
    return request


def lp_command() -> str:
    """The print system's ``lp`` (CUPS) where it exists; '' on Windows."""
    if sys.platform.startswith("win"):
        return ""
    return shutil.which("lp") or ""


def lp_arguments(request: PrintRequest, path: Path) -> list[str]:
    args = [request.lp, "-d", request.printer_name, "-n", str(request.copies), "-t", request.title]
    if request.page_ranges:
        args += ["-P", request.page_ranges]
    if request.duplex:
        args += ["-o", f"sides=two-sided-{request.duplex}-edge"]
    return args + ["--", str(path)]


def run_print(request: PrintRequest, pdf: bytes, printer: QPrinter | None, progress) -> PrintRequest:
    """The print job (worker thread).  ``progress(percent, text)`` as in :mod:`.worker`."""
    if request.route == "file":
        return _to_file(request, pdf, progress)
    if request.route == "cups":
        return _to_cups(request, pdf, progress)
    return _raster(request, pdf, printer, progress)


def _subset(request: PrintRequest, pdf: bytes) -> bytes:
    """The PDF itself when every page is asked for, else a copy holding the chosen pages."""
    total = request.page_total or pdf_pages.page_count(pdf)
    return pdf if request.pages == list(range(total)) else pdf_pages.select_pages(pdf, request.pages)


def _to_file(request: PrintRequest, pdf: bytes, progress) -> PrintRequest:
    from ..core.reports.build import write_pdf

    progress(30, tr("Menulis berkas PDF…"))
    write_pdf(request.output_file, _subset(request, pdf))
    progress(100, "")
    return request


def _to_cups(request: PrintRequest, pdf: bytes, progress) -> PrintRequest:
    progress(20, tr("Mengirim ke pencetak {name}…").format(name=request.printer_name))
    handle, tmp = tempfile.mkstemp(prefix="renstra-cetak-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(pdf)     # page ranges go to lp (-P): the print system picks the pages
        try:
            done = subprocess.run(lp_arguments(request, Path(tmp)), capture_output=True, text=True,
                                  timeout=LP_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else tr("tidak menjawab dalam {s} detik").format(
                s=LP_TIMEOUT_S)
            raise RenstraError(tr("Sistem cetak tidak dapat dipakai ({reason}). Periksa pencetaknya, atau "
                                  "simpan PDF lalu cetak dari pembaca PDF.").format(reason=reason)) from exc
        if done.returncode != 0:
            said = (done.stderr or done.stdout or "").strip().splitlines()
            raise RenstraError(tr("Pencetak {name} menolak pekerjaan cetak{said}. Periksa pencetaknya (menyala, "
                                  "kertas, antrean), lalu cetak lagi.").format(
                name=request.printer_name, said=f" ({said[-1]})" if said else ""))
    finally:
        Path(tmp).unlink(missing_ok=True)     # lp has copied the file into the print queue
    progress(100, "")
    return request


def raster_dpi(printer: QPrinter) -> int:
    return max(72, min(printer.resolution() or MAX_RASTER_DPI, MAX_RASTER_DPI))


def _raster(request: PrintRequest, pdf: bytes, printer: QPrinter, progress) -> PrintRequest:
    dpi = raster_dpi(printer)
    painter = QPainter()
    if not painter.begin(printer):
        raise FileError(tr("Pencetak {name} tidak dapat dipakai. Periksa pencetaknya, atau simpan PDF lalu "
                           "cetak dari pembaca PDF.").format(name=request.printer_name or request.output_file))
    try:
        total = len(request.pages)
        for n, image in enumerate(pdf_pages.iter_pages(pdf, dpi / 72.0, request.pages)):
            progress(int(100 * n / max(total, 1)), tr("Halaman {n} dari {total}…").format(n=n + 1, total=total))
            if n:
                printer.newPage()
            _paint_in_strips(painter, printer, image)
    finally:
        painter.end()
    progress(100, "")
    return request


def _paint_in_strips(painter: QPainter, printer: QPrinter, image) -> None:
    """The page image scaled onto the paper, in horizontal strips: QPainter.drawImage keeps Python's
    GIL for its whole run, and a whole page would freeze the window's event loop that long."""
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    scale = min(paper.width() / image.width(), paper.height() / image.height())
    for top in range(0, image.height(), STRIP_ROWS):
        rows = min(STRIP_ROWS, image.height() - top)
        painter.drawImage(QRectF(0, top * scale, image.width() * scale, rows * scale), image,
                          QRectF(0, top, image.width(), rows))
