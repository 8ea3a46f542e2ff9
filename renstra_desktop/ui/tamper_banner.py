"""A red banner over the tabs naming what was changed outside the application (issue 9 §4).

After a file opens (and after the window's first paint) ``audit verify`` runs in a worker on its own
read-only connection; when it finds something the banner lists it.  The window stays usable: the
user decides (restore a backup, or have an administrator accept the change with a reason)."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

SHOWN = 5        # findings listed; the rest counted


class TamperBanner(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("TamperBanner")
        self.setStyleSheet("#TamperBanner { background: #b00020; border: none; } "
                           "#TamperBanner QLabel { color: white; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.title)
        layout.addWidget(self.label)
        self.findings: list = []
        self.verdict = None          # the last check's result (None: not checked yet)
        self.hide()

    def show_verdict(self, verdict) -> None:
        """Show the findings of a core ``audit_chain.Verdict`` (hidden when it has none)."""
        self.verdict = verdict
        self.findings = list(verdict.findings)
        if not self.findings:
            self.hide()
            return
        self.title.setText(self.tr("Berkas ini diubah di luar aplikasi ({n} temuan). Paket tidak dapat dikirim dari "
                                   "berkas ini: pulihkan dari cadangan (Berkas → Pulihkan dari cadangan) atau minta "
                                   "admin memeriksa dan menerimanya dengan alasan (renstra-desktop audit accept)."
                                   ).format(n=len(self.findings)))
        lines = ["• " + f.line() for f in self.findings[:SHOWN]]
        if len(self.findings) > SHOWN:
            lines.append(self.tr("… dan {n} temuan lainnya (renstra-desktop audit verify).").format(
                n=len(self.findings) - SHOWN))
        self.label.setText("\n".join(lines))
        self.label.setToolTip("\n".join(f.line() for f in self.findings[:200]))
        self.show()


class TamperCheck:
    """The feature (``window.feature("tamper")``): the banner and the check of each file the window opens."""

    def __init__(self, window, banner: TamperBanner):
        from .main_window import AfterFirstPaint

        self.window, self.banner = window, banner
        window.controller.file_opened.connect(lambda: QTimer.singleShot(0, self.check))
        self._after_paint = AfterFirstPaint(window, self.check)

    def check(self) -> None:
        """Run ``audit verify`` on the open file off the GUI thread (ops.ReadOp); the banner shows the result."""
        from ..core.audit_chain import verify
        from .ops import ReadOp

        controller = self.window.controller
        if controller.store is None or os.environ.get("RENSTRA_BENCH_AUDIT_CHECK") == "0":   # bench/audit_verify.py
            return
        self.banner.hide()
        self.banner.verdict = None
        ReadOp(controller, lambda store, _progress: verify(store.conn), self.banner.show_verdict,
               parent=self.window, title=self.window.tr("Memeriksa riwayat")).failure(
            lambda exc: None).run_in_background()


def install_tamper_banner(window) -> TamperBanner:
    """Put the banner above the window's tabs and check each file the window opens, after it has
    painted (start-up is not slowed)."""
    tabs = window.takeCentralWidget()
    container = QWidget(window)
    layout = QVBoxLayout(container)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    banner = TamperBanner(container)
    layout.addWidget(banner)
    layout.addWidget(tabs)
    window.setCentralWidget(container)
    window.add_feature("tamper", TamperCheck(window, banner))
    return banner
