"""The printed signature area of every report: paraf table (left), QR code (middle) and the
signature block (right: place and date, a.n., jabatan, the kepala's spot, name, NIP).

It records where each role signs (``BuildState.spots``: role -> (page_index, x1, y1, x2, y2) in
PDF points, origin bottom-left) and which signature field goes there (``spot_fields``); the
canvas writes the empty fields when the page is emitted, so :func:`core.signing.sign.sign_pdf`
finds them.  ``kepala`` signs between the jabatan and the name; ``konseptor`` in the Paraf cell of
the paraf table's Konseptor row, or, without a paraf table, in a box left of the block.
``BuildState.boxes`` keeps the block's and the paraf table's boxes (tests check the stamps lie
inside).  With the TTE option the BSrE placeholder is printed in the middle of the kepala's spot.
"""
from __future__ import annotations

import datetime as _dt

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from ..numbers import format_nip
from ..signing.roles import ROLES, field_for
from .layout import FONT, FONT_BOLD, GRID, HEAD_FILL, STYLES, escape
from .qr import draw_qr
from .signature_block import Signatory

TTE_PLACEHOLDER = "^"
SPOT_SIZE = (220.0, 72.0)          # the kepala's stamp: heading, name, jabatan, time, status
QR_SIZE = 74.0
GAP = 12.0
PARAF_WIDTHS = (16.0, 54.0, 95.0, 96.0, 100.0)     # No, Pemroses, Nama, Jabatan, Paraf
PARAF_HEAD_H, PARAF_SIGN_H, PARAF_ROW_H = 13.0, 32.0, 20.0   # the Konseptor row holds its stamp


class SignatureArea(Flowable):
    """Kept whole; :class:`.keep.KeepWithSignature` keeps it with the rows before it."""

    def __init__(self, sig: Signatory, report_date: _dt.date, payload_text: str, short_code: str,
                 tte: bool):
        super().__init__()
        self.sig, self.report_date, self.tte = sig, report_date, tte
        self.payload_text, self.short_code = payload_text, short_code

    # -- parts --------------------------------------------------------------------------------
    def _right_parts(self):
        s = STYLES["sign"]
        top = [Paragraph(escape(self.sig.place_date(self.report_date)), s)]
        if self.sig.on_behalf:
            top.append(Paragraph(f"a.n. {escape(self.sig.on_behalf)},", s))
        top.append(Paragraph(escape(self.sig.jabatan or "Kepala"), s))
        name = escape(self.sig.name) if self.sig.name else "(" + "." * 48 + ")"
        nip = f"NIP {format_nip(self.sig.nip)}" if self.sig.nip else "NIP " + "." * 40
        bottom = [Paragraph(f"<u>{name}</u>" if self.sig.name else name, STYLES["sign_name"]),
                  Paragraph(escape(nip), s)]
        return top, bottom

    def _paraf_table(self) -> Table:
        rows = [["No", "Pemroses", "Nama", "Jabatan", "Paraf"]]
        for i, p in enumerate(self.sig.paraf, 1):
            rows.append([str(i), p["role"], Paragraph(escape(p["name"]), STYLES["small"]),
                         Paragraph(escape(p["jabatan"]), STYLES["small"]), ""])
        heights = [PARAF_HEAD_H] + [PARAF_SIGN_H if i == 1 else PARAF_ROW_H for i in range(1, len(rows))]
        table = Table(rows, colWidths=list(PARAF_WIDTHS), rowHeights=heights)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7), ("FONT", (0, 1), (-1, -1), FONT, 7),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ]))
        return table

    def _konseptor_name(self) -> str:
        first = (self.sig.paraf or [{}])[0]
        return first.get("name", "") if str(first.get("role", "")).lower() == "konseptor" else ""

    # -- flowable -----------------------------------------------------------------------------
    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        # a narrow (portrait) page: spots narrower so konseptor, QR and block still stand side by side
        self.spot_w = min(SPOT_SIZE[0], (avail_width - QR_SIZE - 2 * GAP) / 2)
        self.right_w = max(self.spot_w, min(270.0, avail_width * 0.37))
        top, bottom = self._right_parts()
        self._top = [(p, p.wrap(self.right_w, 1000)[1]) for p in top]
        self._bottom = [(p, p.wrap(self.right_w, 1000)[1]) for p in bottom]
        self.top_h = sum(h for _p, h in self._top) + 4
        self.bottom_h = sum(h for _p, h in self._bottom)
        self.paraf = self._paraf_table() if self.sig.paraf_enabled and self.sig.paraf else None
        self.paraf_h = self.paraf.wrap(avail_width, 1000)[1] if self.paraf is not None else 0
        block_h = self.top_h + SPOT_SIZE[1] + self.bottom_h
        # the paraf table beside the block when there is room, else under it
        self.stacked = self.paraf is not None and \
            avail_width - self.right_w - QR_SIZE - 2 * GAP < sum(PARAF_WIDTHS)
        if self.stacked:
            self.height = 6 + max(block_h, QR_SIZE + 24) + 8 + self.paraf_h
        else:
            self.height = 6 + max(block_h, self.paraf_h, QR_SIZE + 24)
        return self.width, self.height

    def draw(self):
        c = self.canv
        state = c._state
        page_index = c.getPageNumber() - 1
        x0 = self.width - self.right_w
        y = self.height
        for p, h in self._top:
            y -= h
            p.drawOn(c, x0, y)
        spot_top = y - 4
        spot_bottom = spot_top - SPOT_SIZE[1]
        y = spot_bottom
        for p, h in self._bottom:
            y -= h
            p.drawOn(c, x0, y)
        state.boxes["signature_block"] = self._box(page_index, x0, y, self.width, self.height)
        self._spot(state, "kepala", page_index, (x0, spot_bottom, x0 + self.spot_w, spot_top), self.sig.name)
        if self.tte:
            c.setFont(FONT, 10)
            cx, cy = x0 + self.spot_w / 2, spot_bottom + SPOT_SIZE[1] / 2 - 3
            c.drawCentredString(cx, cy, TTE_PLACEHOLDER)
            state.tte_marks.append((page_index, *c.absolutePosition(cx, cy)))
        if self.paraf is not None:
            top = self.paraf_h if self.stacked else self.height
            self.paraf.drawOn(c, 0, top - self.paraf_h)
            state.boxes["paraf_table"] = self._box(page_index, 0, top - self.paraf_h, sum(PARAF_WIDTHS), top)
            cell_top = top - PARAF_HEAD_H
            cell_left = sum(PARAF_WIDTHS[:-1])
            self._spot(state, "konseptor", page_index,
                       (cell_left, cell_top - PARAF_SIGN_H, cell_left + PARAF_WIDTHS[-1], cell_top),
                       self._konseptor_name())
            left = 0 if self.stacked else sum(PARAF_WIDTHS)
        else:   # no paraf table: the konseptor signs in a box left of the block, level with the kepala
            self._spot(state, "konseptor", page_index, (0, spot_bottom, self.spot_w, spot_top),
                       self._konseptor_name())
            left = self.spot_w
        qx = left + (x0 - left - QR_SIZE) / 2
        qy = self.height - QR_SIZE - 4
        draw_qr(c, self.payload_text, qx, qy, QR_SIZE)
        c.setFont(FONT, 6.5)
        c.drawCentredString(qx + QR_SIZE / 2, qy - 7, "Pindai untuk memeriksa")
        c.drawCentredString(qx + QR_SIZE / 2, qy - 15, f"kode {self.short_code}")

    def _box(self, page_index, x1, y1, x2, y2) -> tuple:
        ax1, ay1 = self.canv.absolutePosition(x1, y1)
        ax2, ay2 = self.canv.absolutePosition(x2, y2)
        return (page_index, round(ax1, 2), round(ay1, 2), round(ax2, 2), round(ay2, 2))

    def _spot(self, state, role_key, page_index, box, printed_name) -> None:
        state.spots[role_key] = self._box(page_index, *box)
        paraf = role_key == "konseptor" and self.paraf is not None
        what = "Paraf" if paraf else "Tanda tangan"
        state.spot_fields[role_key] = (field_for(role_key, paraf), f"{what} {ROLES[role_key].label}",
                                       printed_name or "")
