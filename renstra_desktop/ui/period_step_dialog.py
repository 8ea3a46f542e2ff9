"""The note dialog of a workflow step (Ajukan / Kembalikan / Verifikasi / Sahkan / Buka kunci) and the
one function that runs the step off the GUI thread through the core (PlanService: submit, return_,
verify, approve, unlock).  A refusal is one Indonesian line (dialogs.warn); nothing is written."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from .ops import WriteOp

STEPS = ("submit", "return", "verify", "approve", "unlock")


def step_texts(tr) -> dict[str, dict[str, str]]:
    """Per step: its button, the dialog's title, what it does and the note's label."""
    return {
        "submit": {"button": tr("Ajukan…"), "title": tr("Ajukan periode"), "note": tr("Catatan (boleh kosong)"),
                   "what": tr("Nilai periode ini dibekukan sebagai nilai yang diajukan dan tidak dapat diubah "
                              "sampai Kantor Wilayah mengembalikannya.")},
        "return": {"button": tr("Kembalikan…"), "title": tr("Kembalikan periode"),
                   "note": tr("Catatan untuk satker (wajib): apa yang perlu diperbaiki"),
                   "what": tr("Satker dapat mengubah nilainya lagi lalu mengajukan ulang.")},
        "verify": {"button": tr("Verifikasi…"), "title": tr("Verifikasi periode"), "note": tr("Catatan (boleh kosong)"),
                   "what": tr("Periode diteruskan kepada Kepala Kantor Wilayah untuk disahkan.")},
        "approve": {"button": tr("Sahkan…"), "title": tr("Sahkan periode"), "note": tr("Catatan (boleh kosong)"),
                    "what": tr("Periode dikunci: datanya tidak dapat diubah lagi kecuali Kantor Wilayah membuka "
                               "kuncinya.")},
        "unlock": {"button": tr("Buka kunci…"), "title": tr("Buka kunci periode"),
                   "note": tr("Alasan membuka kunci (wajib, dicatat)"),
                   "what": tr("Satker dapat mengubah nilainya lagi lalu mengajukan ulang.")},
    }


REQUIRED = ("return", "unlock")


class PeriodStepDialog(QDialog):
    """Asks for the note of one step on one unit's period; :meth:`note` is the text typed."""

    def __init__(self, parent: QWidget | None, step: str, unit_label: str, period: str, status_label: str):
        super().__init__(parent)
        texts = step_texts(self.tr)[step]
        self.step = step
        self.setWindowTitle(texts["title"])
        heading = QLabel(self.tr("{title}: {period}, {unit}\nStatus sekarang: {status}.").format(
            title=texts["title"], period=period, unit=unit_label, status=status_label))
        heading.setWordWrap(True)
        what = QLabel(texts["what"])
        what.setWordWrap(True)
        self.note_label = QLabel(texts["note"])
        self.note_edit = QPlainTextEdit()
        self.note_edit.setMinimumSize(420, 90)
        self.note_label.setBuddy(self.note_edit)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(texts["title"], QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (heading, what, self.note_label, self.note_edit, buttons):
            layout.addWidget(w)
        self.note_edit.textChanged.connect(self._check)
        self._check()

    def note(self) -> str:
        return self.note_edit.toPlainText().strip()

    def _check(self) -> None:
        self.ok_button.setEnabled(self.step not in REQUIRED or bool(self.note()))


def ask_step(parent: QWidget | None, step: str, unit_label: str, period: str, status_label: str) -> str | None:
    """The note typed for ``step`` (possibly empty), or None when the user cancelled."""
    dialog = PeriodStepDialog(parent, step, unit_label, period, status_label)
    return dialog.note() if dialog.exec() == QDialog.DialogCode.Accepted else None


def run_step(controller, parent: QWidget | None, step: str, unit: str, period: str, note: str,
             on_done: Callable[[object], None]):
    """Record ``step`` on ``unit``'s ``period`` off the GUI thread through ops.WriteOp, as the window's
    actor; the views reload from what changed, then ``on_done(changes)`` runs on the GUI thread."""
    title = step_texts(parent.tr if parent else str)[step]["title"]

    def work(service, _progress):
        calls = {"submit": lambda: service.submit(unit, period, note=note),
                 "return": lambda: service.return_(unit, period, note=note),
                 "verify": lambda: service.verify(unit, period, note=note),
                 "approve": lambda: service.approve(unit, period, note=note),
                 "unlock": lambda: service.unlock(unit, period, reason=note)}
        return calls[step]()

    # a refusal (RenstraError) is shown as one line under the step's title (ops.show_failure)
    return WriteOp(controller, work, parent=parent, title=title).with_progress().success(on_done).run_in_background()
