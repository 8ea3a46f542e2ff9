"""Laporan → Cetak…: the real button, the real QPrintDialog (driven by a timer as a user would fill
it), the job off the GUI thread; the printed file read back.  The three routes of ui/printing.py:
the PDF itself to a file, the PDF handed to the print system (lp), pixels painted in a worker."""
from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QComboBox, QLineEdit

from conftest_ui import drive_modal
from renstra_desktop.ui import printing


def built(qtbot, tab, kind="capaian"):
    tab.kind.setCurrentIndex(tab.kind.findData(kind))
    tab.build()
    qtbot.waitUntil(lambda: tab.pdf is not None and tab.build_button.isEnabled(), timeout=20000)
    return tab


def printed(qtbot, tab):
    qtbot.waitUntil(lambda: tab.status.text().startswith("Dicetak"), timeout=30000)
    assert tab.print_button.isEnabled()


def test_the_print_button_prints_the_report_pdf_through_the_real_print_dialog(qtbot, window, tmp_path, fake_dialogs):
    fake_dialogs.use_real("print_setup")
    tab = built(qtbot, window.report_tab)
    assert tab.page_count() == 2
    target = tmp_path / "dicetak.pdf"
    seen = {}

    def fill(dialog):
        seen["printers"] = [dialog.findChild(QComboBox, "printers").itemText(i)
                            for i in range(dialog.findChild(QComboBox, "printers").count())]
        name = dialog.findChild(QLineEdit, "filename")
        seen["suggested"] = name.text()
        seen["paper"] = dialog.printer().pageLayout().pageSize().id()
        seen["landscape"] = dialog.printer().pageLayout().orientation()
        name.setText(str(target))
        dialog.accept()

    driver = drive_modal(QPrintDialog, fill)
    qtbot.mouseClick(tab.print_button, Qt.MouseButton.LeftButton)      # clicked(bool) must not break it
    driver.check()
    printed(qtbot, tab)
    # the report as made: vector pages (text extractable), same bytes as "Simpan PDF" writes
    assert target.read_bytes() == tab.pdf
    reader = PdfReader(target)
    assert len(reader.pages) == 2 and "Capaian" in reader.pages[0].extract_text()
    assert seen["suggested"].endswith(tab.suggested_name()) and ".local" not in seen["suggested"]
    from PySide6.QtGui import QPageLayout, QPageSize
    assert seen["paper"] == QPageSize.PageSizeId.A4 and seen["landscape"] == QPageLayout.Orientation.Landscape
    assert str(target) in tab.status.text() and "2 halaman" in tab.status.text()


def test_a_page_range_prints_those_pages_only(qtbot, window, tmp_path):
    from PySide6.QtGui import QPageRanges

    tab = built(qtbot, window.report_tab)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "hal2.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    ranges = QPageRanges()
    ranges.addPage(2)
    printer.setPageRanges(ranges)
    tab.print_with(printer)
    printed(qtbot, tab)
    pages = PdfReader(tmp_path / "hal2.pdf").pages
    full = PdfReader(__import__("io").BytesIO(tab.pdf)).pages
    assert len(pages) == 1 and pages[0].extract_text() == full[1].extract_text()


@pytest.fixture
def fake_lp(tmp_path, monkeypatch):
    """An ``lp`` on PATH that records its arguments and the file it was given (as CUPS would queue it)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "lp-args.txt"
    script = folder / "lp"
    script.write_text(f"""#!/bin/sh
printf '%s\\n' "$@" > {log}
for last; do :; done
cp "$last" {tmp_path}/lp-job.pdf
[ "$2" = "Rusak" ] && {{ echo 'lp: The printer or class does not exist.' >&2; exit 1; }}
echo 'request id is Kantor-7 (1 file(s))'
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def test_a_named_printer_gets_the_pdf_through_lp(qtbot, window, tmp_path, fake_lp):
    tab = built(qtbot, window.report_tab)
    request = printing.PrintRequest("cups", [0, 1], printer_name="Kantor", copies=2, duplex="long",
                                    lp=printing.lp_command())
    assert request.lp.endswith("lp")
    printing.run_print(request, tab.pdf, None, lambda *a: None)
    args = fake_lp.read_text().splitlines()
    assert args[:4] == ["-d", "Kantor", "-n", "2"] and "sides=two-sided-long-edge" in args
    assert (tmp_path / "lp-job.pdf").read_bytes() == tab.pdf            # vector, as built
    assert not any(Path(a).exists() for a in args[-1:])                  # the temporary copy is gone


def test_a_printer_that_refuses_says_so_in_one_line(qtbot, window, tmp_path, fake_lp, fake_dialogs):
    tab = built(qtbot, window.report_tab)
    request = printing.PrintRequest("cups", [0, 1], printer_name="Rusak", lp=printing.lp_command())
    with pytest.raises(printing.RenstraError) as err:
        printing.run_print(request, tab.pdf, None, lambda *a: None)
    assert "Rusak" in err.value.message and "does not exist" in err.value.message and "\n" not in err.value.message


def test_the_route_follows_the_dialog_choice(qapp, tmp_path, fake_lp):
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "x.pdf"))
    assert printing.request_from(printer, 3, "Laporan").route == "file"
    printer.setOutputFileName("")
    assert printing.request_from(printer, 3, "Laporan").route == "raster"    # no printer name: pixels


def test_pixels_only_where_needed_painted_in_a_worker_at_capped_resolution(qtbot, window, tmp_path, monkeypatch):
    """The raster route (Windows printers): one page at a time, painted off the GUI thread."""
    tab = built(qtbot, window.report_tab)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)       # 1200 dpi asked: capped
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "raster.pdf"))
    printing.prepare_printer(printer, tab.page_size(), "Capaian", tmp_path / "raster.pdf")
    assert printing.raster_dpi(printer) == printing.MAX_RASTER_DPI
    threads, scales = set(), []
    real_iter = printing.pdf_pages.iter_pages

    def spy(pdf, scale, pages=None):
        threads.add(threading.current_thread() is threading.main_thread())
        scales.append(scale)
        return real_iter(pdf, scale, pages)

    monkeypatch.setattr(printing.pdf_pages, "iter_pages", spy)
    monkeypatch.setattr(printing, "request_from", lambda p, n, t: printing.PrintRequest("raster", list(range(n))))
    task = tab.print_with(printer)
    progress = []
    task.signals.progress.connect(lambda percent, text: progress.append(text))
    printed(qtbot, tab)
    assert threads == {False} and scales == [printing.MAX_RASTER_DPI / 72]
    assert any("Halaman 2 dari 2" in t for t in progress)
    reader = PdfReader(tmp_path / "raster.pdf")
    assert len(reader.pages) == 2 and round(float(reader.pages[0].mediabox.width)) == 842


@pytest.mark.parametrize("where", ["a folder", "a missing folder"])
def test_a_file_that_cannot_be_written_says_so_and_writes_nothing(qtbot, window, tmp_path, fake_dialogs, where):
    tab = built(qtbot, window.report_tab)
    target = tmp_path / "arsip" if where == "a folder" else tmp_path / "tidak-ada" / "cetak.pdf"
    if where == "a folder":
        target.mkdir()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    tab.print_with(printer)
    qtbot.waitUntil(lambda: bool(fake_dialogs.warnings()), timeout=20000)
    message = fake_dialogs.warnings()[-1]
    assert "\n" not in message and ("folder" in message.lower()) and "Traceback" not in message
    assert list(tmp_path.rglob("*.pdf")) == [] and tab.print_button.isEnabled()      # no PDF, no half file
