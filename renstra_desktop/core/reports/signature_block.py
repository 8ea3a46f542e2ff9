"""The signature block of a unit's reports: stored settings (table ``report_signatory``,
db/0003_reports.sql) and the flowable that prints it.

The flowable records where a signature goes (``BuildState.spots``: role -> (page_index, x1, y1,
x2, y2) in PDF points, origin bottom-left), the box :func:`core.signing.sign.sign_pdf` takes as
``field_box``: ``kepala`` is the space between the jabatan and the name, ``konseptor`` the box on
the left (above the paraf table when there is one).  With the TTE option the BSrE placeholder
character is printed in the middle of the ``kepala`` box.
"""
from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from dataclasses import asdict, dataclass, field

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from ..audit import write_audit
from ..errors import ValidationError
from ..numbers import MONTHS, format_date, format_nip, parse_nip
from .layout import FONT, FONT_BOLD, GRID, HEAD_FILL, STYLES, escape
from .qr import draw_qr

TTE_PLACEHOLDER = "^"
SPOT_SIZE = (220.0, 72.0)          # room for the signing stamp's five lines at 10 pt (leading 12)
PARAF_ROLES = ("Konseptor", "Pemeriksa")
QR_SIZE = 74.0


@dataclass
class Signatory:
    unit_code: str
    place: str = ""
    sign_date: _dt.date | None = None          # None: the report's date
    on_behalf: str = ""                        # "a.n. <on_behalf>," above the jabatan
    jabatan: str = ""
    name: str = ""
    nip: str = ""
    paraf_enabled: bool = False
    paraf: list = field(default_factory=lambda: [{"role": r, "name": "", "jabatan": ""} for r in PARAF_ROLES])

    def canonical(self, report_date: _dt.date) -> dict:
        """What the block shows, for the report digest."""
        return {"place_date": self.place_date(report_date), "on_behalf": self.on_behalf,
                "jabatan": self.jabatan, "name": self.name, "nip": format_nip(self.nip),
                "paraf": self.paraf if self.paraf_enabled else []}

    def place_date(self, report_date: _dt.date) -> str:
        day = format_date(self.sign_date or report_date)
        return f"{self.place}, {day}" if self.place else day


@functools.lru_cache(maxsize=1)
def _document_signatory() -> dict:
    from ..dataset import read_embedded   # the embedded Renstra's own signature block
    try:
        doc = read_embedded().get("document", {})
    except Exception:  # a damaged dataset must not stop a report
        return {}
    return {"place": doc.get("place") or "", "jabatan": doc.get("head_title") or "",
            "name": doc.get("head_name") or ""}


def default_signatory(conn, unit_code: str) -> Signatory:
    """Before anything is stored: the embedded document's block for the Kanwil, the head of the
    unit (name left for the user) for a UPT."""
    if unit_code == "KANWIL":
        return Signatory(unit_code, **_document_signatory())
    row = conn.execute("SELECT name FROM unit WHERE code = ? AND deleted = 0", (unit_code,)).fetchone()
    return Signatory(unit_code, jabatan=f"Kepala {row['name']}" if row else "Kepala")


def load_signatory(conn, unit_code: str) -> Signatory:
    try:
        row = conn.execute("SELECT * FROM report_signatory WHERE unit_code = ?", (unit_code,)).fetchone()
    except Exception:   # a file not migrated yet (opened read-only): use the defaults
        row = None
    if row is None:
        return default_signatory(conn, unit_code)
    return Signatory(unit_code, row["place"] or "",
                     _dt.date.fromisoformat(row["sign_date"]) if row["sign_date"] else None,
                     row["on_behalf"] or "", row["jabatan"] or "", row["name"] or "", row["nip"] or "",
                     bool(row["paraf_enabled"]), json.loads(row["paraf"] or "[]"))


def parse_date_text(text: str | None) -> _dt.date | None:
    """2025-12-22, 22-12-2025, 22/12/2025 or 22 Desember 2025; '' gives None."""
    s = (text or "").strip()
    if not s:
        return None
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}$", s):
            return _dt.date.fromisoformat(s)
        m = re.match(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$", s)
        if m:
            return _dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = re.match(r"^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})$", s)
        if m and m.group(2).capitalize() in MONTHS:
            return _dt.date(int(m.group(3)), MONTHS.index(m.group(2).capitalize()) + 1, int(m.group(1)))
    except ValueError:
        pass
    raise ValidationError(f"Tanggal “{text}” tidak dikenal. Tulis misalnya 22 Desember 2025 atau 2025-12-22.",
                          field="sign_date")


def clean_signatory(sig: Signatory) -> Signatory:
    """Validate and tidy; raises ValidationError (Indonesian) without changing anything."""
    nip = parse_nip(sig.nip)
    paraf = []
    for i, entry in enumerate(sig.paraf or []):
        if not isinstance(entry, dict) or not str(entry.get("role", "")).strip():
            raise ValidationError(f"Baris paraf ke-{i + 1} tidak memiliki peran (Konseptor/Pemeriksa).",
                                  field="paraf")
        paraf.append({"role": str(entry["role"]).strip(), "name": str(entry.get("name") or "").strip(),
                      "jabatan": str(entry.get("jabatan") or "").strip()})
    text = {k: (getattr(sig, k) or "").strip() for k in ("place", "on_behalf", "jabatan", "name")}
    if len(text["jabatan"]) > 200 or len(text["name"]) > 120:
        raise ValidationError("Jabatan atau nama terlalu panjang untuk blok tanda tangan.", field="jabatan")
    return Signatory(sig.unit_code, text["place"], sig.sign_date, text["on_behalf"], text["jabatan"],
                     text["name"], nip, bool(sig.paraf_enabled), paraf)


def save_signatory(store, sig: Signatory, actor: str) -> Signatory:
    """Store the block of ``sig.unit_code`` in one transaction with an audit entry per changed field."""
    sig = clean_signatory(sig)
    if store.conn.execute("SELECT 1 FROM unit WHERE code = ? AND deleted = 0", (sig.unit_code,)).fetchone() is None:
        raise ValidationError(f"Kode satker “{sig.unit_code}” tidak dikenal.", field="unit_code")
    old = load_signatory(store.conn, sig.unit_code)
    row = {"place": sig.place, "sign_date": sig.sign_date.isoformat() if sig.sign_date else None,
           "on_behalf": sig.on_behalf, "jabatan": sig.jabatan, "name": sig.name, "nip": sig.nip,
           "paraf_enabled": int(sig.paraf_enabled), "paraf": json.dumps(sig.paraf, ensure_ascii=False)}
    before = {**asdict(old), "sign_date": old.sign_date.isoformat() if old.sign_date else None,
              "paraf_enabled": int(old.paraf_enabled), "paraf": json.dumps(old.paraf, ensure_ascii=False)}
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with store.atomic():
        store.conn.execute(
            "INSERT INTO report_signatory (unit_code, place, sign_date, on_behalf, jabatan, name, nip, "
            "paraf_enabled, paraf, updated_at, updated_by) VALUES (:unit, :place, :sign_date, :on_behalf, "
            ":jabatan, :name, :nip, :paraf_enabled, :paraf, :at, :actor) ON CONFLICT (unit_code) DO UPDATE SET "
            "place = excluded.place, sign_date = excluded.sign_date, on_behalf = excluded.on_behalf, "
            "jabatan = excluded.jabatan, name = excluded.name, nip = excluded.nip, "
            "paraf_enabled = excluded.paraf_enabled, paraf = excluded.paraf, updated_at = excluded.updated_at, "
            "updated_by = excluded.updated_by", {**row, "unit": sig.unit_code, "at": now, "actor": actor})
        for key, value in row.items():
            if before.get(key) != value:
                write_audit(store.conn, actor=actor, unit_code=store.unit_code, table="report_signatory",
                            row_id=sig.unit_code, action="update", field=key, old=before.get(key), new=value)
    return sig


# -- the printed block -------------------------------------------------------------------------
class SignatureArea(Flowable):
    """Paraf table and konseptor spot (left), QR code (middle), signature block (right); kept whole."""

    def __init__(self, sig: Signatory, report_date: _dt.date, payload_text: str, short_code: str,
                 tte: bool):
        super().__init__()
        self.sig, self.report_date, self.tte = sig, report_date, tte
        self.payload_text, self.short_code = payload_text, short_code

    def _right_parts(self, width):
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

    def _paraf_table(self):
        rows = [["No", "Pemroses", "Nama", "Jabatan", "Paraf"]]
        for i, p in enumerate(self.sig.paraf, 1):
            rows.append([str(i), p["role"], Paragraph(escape(p["name"]), STYLES["small"]),
                         Paragraph(escape(p["jabatan"]), STYLES["small"]), ""])
        table = Table(rows, colWidths=[20, 62, 110, 120, 56], rowHeights=[13] + [19] * (len(rows) - 1))
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7), ("FONT", (0, 1), (-1, -1), FONT, 7),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ]))
        return table

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.right_w = min(290.0, avail_width * 0.36)
        top, bottom = self._right_parts(self.right_w)
        self._top = [(p, p.wrap(self.right_w, 1000)[1]) for p in top]
        self._bottom = [(p, p.wrap(self.right_w, 1000)[1]) for p in bottom]
        self.top_h = sum(h for _p, h in self._top) + 4
        self.bottom_h = sum(h for _p, h in self._bottom)
        self.paraf = self._paraf_table() if self.sig.paraf_enabled else None
        self.paraf_h = self.paraf.wrap(avail_width, 1000)[1] if self.paraf else 0
        below = max(self.bottom_h, 8 + self.paraf_h if self.paraf else 0)   # under the two boxes
        self.height = 6 + max(self.top_h + SPOT_SIZE[1] + below, QR_SIZE + 24)
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
        self._record(state, "kepala", page_index, x0, spot_bottom)
        if self.tte:
            c.setFont(FONT, 10)
            cx, cy = x0 + SPOT_SIZE[0] / 2, spot_bottom + SPOT_SIZE[1] / 2 - 3
            c.drawCentredString(cx, cy, TTE_PLACEHOLDER)
            state.tte_marks.append((page_index, *c.absolutePosition(cx, cy)))
        # konseptor box on the left at the height of the kepala box; paraf table under it
        self._record(state, "konseptor", page_index, 0, spot_bottom)
        if self.paraf is not None:
            self.paraf.drawOn(c, 0, spot_bottom - 8 - self.paraf_h)
        left = max(SPOT_SIZE[0], self.paraf._width if self.paraf is not None else 0)
        qx = left + (x0 - left - QR_SIZE) / 2
        qy = self.height - QR_SIZE - 4
        draw_qr(c, self.payload_text, qx, qy, QR_SIZE)
        c.setFont(FONT, 6.5)
        c.drawCentredString(qx + QR_SIZE / 2, qy - 7, "Pindai untuk memeriksa")
        c.drawCentredString(qx + QR_SIZE / 2, qy - 15, f"kode {self.short_code}")

    def _record(self, state, role, page_index, x, y):
        x1, y1 = self.canv.absolutePosition(x, y)
        state.spots[role] = (page_index, round(x1, 2), round(y1, 2),
                             round(x1 + SPOT_SIZE[0], 2), round(y1 + SPOT_SIZE[1], 2))
