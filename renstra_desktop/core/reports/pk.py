"""Perjanjian Kinerja in the form of PermenPAN-RB 53/2014 Lampiran I: the statement with pihak
pertama and pihak kedua, their signatures (pihak kedua left, pihak pertama right; digital signing
uses the existing roles: ``konseptor`` is pihak pertama, ``kepala`` pihak kedua), then the
lampiran with the sasaran - indikator - target table and the programme and budget annex.  A PK
Perubahan says what changed and why."""
from __future__ import annotations

import datetime as _dt

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from ..cycle.agreement import agreement
from ..numbers import format_date
from ..plan_profile import load_profile
from . import layout
from .base import Context, fmt_money, fmt_value
from .cycle_parts import year_of
from .layout import STYLES, escape
from .qr import draw_qr
from .signature_area import QR_SIZE, SPOT_SIZE
from .tables import OfficialTable, para

PORTRAIT = True
OWN_HEADING = True
FIRST_ROLE, SECOND_ROLE = "konseptor", "kepala"     # core.signing roles of pihak pertama / pihak kedua


def collect(conn, options) -> dict:
    a = agreement(conn, options.unit, year_of(options))
    head = a["head"]
    sign_date = _dt.date.fromisoformat(head["sign_date"]) if head["sign_date"] else None
    return {
        "unit": a["unit"], "unit_name": a["unit_name"], "year": a["year"], "revision": a["revision"],
        "first": {"jabatan": head["first_jabatan"] or "", "name": head["first_name"] or "", "nip": head["first_nip"]},
        "second": {"jabatan": head["second_jabatan"] or "", "name": head["second_name"] or "", "nip": head["second_nip"]},
        "place_date": f"{head['place'] or load_profile(conn).place}, {format_date(sign_date)}" if sign_date else
                      f"{head['place'] or load_profile(conn).place}, ........................ {a['year']}",
        "change_reason": head["change_reason"] or "",
        "targets": [{"objective": t["objective"], "code": t["code"], "name": t["name"],
                     "target": fmt_value(t["target"], t["measure"]), "measure": t["measure"]} for t in a["targets"]],
        "budget": [{"program": b["program"], "activity": b["activity"] or "", "amount": fmt_money(b["amount"])}
                   for b in a["budget"]],
        "budget_total": fmt_money(sum(b["amount"] or 0 for b in a["budget"])) if a["budget"] else "",
        "changed": [{"code": c["code"], "before": fmt_value(c["before"]), "after": fmt_value(c["after"])}
                    for c in a["changed"]],
    }


def _title(data) -> str:
    return "PERJANJIAN KINERJA" + (" PERUBAHAN" if data["revision"] else "") + f" TAHUN {data['year']}"


def story(data: dict, ctx: Context) -> list:
    b = STYLES["body"]
    first, second = data["first"], data["second"]
    out = layout.kop(ctx.profile, data["unit_name"].upper() if data["unit"] != "KANWIL" else None, None)
    out += [Paragraph(_title(data), STYLES["title"]), Paragraph(escape(data["unit_name"]), STYLES["subtitle"]),
            Spacer(0, 6),
            Paragraph("Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, dan akuntabel serta "
                      "berorientasi pada hasil, kami yang bertanda tangan di bawah ini:", b), Spacer(0, 4)]
    for party, who in ((first, "PIHAK PERTAMA"), (second, "PIHAK KEDUA")):
        t = OfficialTable([0.18, 0.82], ctx.width * 0.9)
        t.row(["Nama", para(f": {party['name'] or '........................................'}")])
        t.row(["Jabatan", para(f": {party['jabatan']}")])
        table = t.table()
        table.setStyle([("GRID", (0, 0), (-1, -1), 0, "white"), ("FONT", (0, 0), (-1, -1), layout.FONT, 10)])
        out += [table, Paragraph(f"selanjutnya disebut <b>{who}</b>.", b), Spacer(0, 4)]
    out += [Paragraph(
        "Pihak pertama berjanji akan mewujudkan target kinerja yang seharusnya sesuai lampiran perjanjian ini, "
        "dalam rangka mencapai target kinerja jangka menengah seperti yang telah ditetapkan dalam dokumen "
        "perencanaan. Keberhasilan dan kegagalan pencapaian target kinerja tersebut menjadi tanggung jawab kami.", b),
        Spacer(0, 4), Paragraph(
        "Pihak kedua akan melakukan supervisi yang diperlukan serta akan melakukan evaluasi terhadap capaian kinerja "
        "dari perjanjian ini dan mengambil tindakan yang diperlukan dalam rangka pemberian penghargaan dan sanksi.", b)]
    if data["revision"]:
        out += [Spacer(0, 4), Paragraph(escape(f"Perjanjian ini mengubah Perjanjian Kinerja sebelumnya karena: "
                                               f"{data['change_reason']}"), b)]
    return out


def signature(data: dict, ctx: Context, area, payload, created, story) -> list:
    """The two parties' block after the statement (kept with its last paragraph), then the lampiran."""
    block = PartiesSignature(data, payload.text(), payload.short_code, area.tte)
    closing = Paragraph("Demikian perjanjian ini dibuat untuk dilaksanakan sebagaimana mestinya.", STYLES["body"])
    return [Spacer(0, 6), KeepTogether([closing, Spacer(0, 8), block]), PageBreak(), *_lampiran(data, ctx)]


def _lampiran(data: dict, ctx: Context) -> list:
    out = [Paragraph(f"LAMPIRAN {_title(data)}", STYLES["title"]), Paragraph(escape(data["unit_name"]), STYLES["subtitle"])]
    t = OfficialTable([0.05, 0.33, 0.47, 0.15], ctx.width, number_cols=(3,), center_cols=(0,))
    t.header(["No", "Sasaran", "Indikator Kinerja", "Target"])
    previous = None
    for i, row in enumerate(data["targets"], 1):
        t.row([str(i), para(row["objective"] if row["objective"] != previous else ""),
               para(f"{row['code']} {row['name']}" if not row["code"].startswith("IKK") else f"{row['code']}: {row['name']}"),
               row["target"]])
        previous = row["objective"]
    out += [t.table(), Spacer(0, 10), Paragraph("Program dan Anggaran", STYLES["section"])]
    t = OfficialTable([0.05, 0.35, 0.4, 0.2], ctx.width, number_cols=(3,), center_cols=(0,))
    t.header(["No", "Program", "Kegiatan", "Anggaran (juta Rp)"])
    for i, row in enumerate(data["budget"], 1):
        t.row([str(i), para(row["program"]), para(row["activity"]), row["amount"]])
    if data["budget"]:
        t.row(["", para("Jumlah", "cell_bold"), "", data["budget_total"]], bold=True)
    out.append(t.table())
    if data["changed"]:
        out += [Spacer(0, 10), Paragraph("Perubahan target terhadap PK sebelumnya", STYLES["section"])]
        t = OfficialTable([0.4, 0.3, 0.3], ctx.width, number_cols=(1, 2))
        t.header(["Indikator", "Target semula", "Target perubahan"])
        for c in data["changed"]:
            t.row([c["code"], c["before"], c["after"]])
        out += [t.table(), Paragraph(escape(f"Alasan perubahan: {data['change_reason']}"), STYLES["cell"])]
    return out


class PartiesSignature(Flowable):
    """Place and date; PIHAK KEDUA (left) and PIHAK PERTAMA (right), each jabatan, space to sign,
    name and NIP; the QR code between them.  Records the signature spots of both roles."""

    def __init__(self, data: dict, payload_text: str, short_code: str, tte: bool):
        super().__init__()
        self.data, self.payload_text, self.short_code, self.tte = data, payload_text, short_code, tte

    def _column(self, title, party, width):
        s = STYLES["sign"]
        top = [Paragraph(title, s), Paragraph(escape(party["jabatan"] or ""), s)]
        name = escape(party["name"]) if party["name"] else "(" + "." * 40 + ")"
        bottom = [Paragraph(f"<u>{name}</u>" if party["name"] else name, STYLES["sign_name"]),
                  Paragraph(escape(f"NIP {party['nip']}" if party["nip"] else "NIP " + "." * 36), s)]
        return [(p, p.wrap(width, 1000)[1]) for p in top], [(p, p.wrap(width, 1000)[1]) for p in bottom]

    def wrap(self, avail_width, _h):
        self.width = avail_width
        self.col_w = min(SPOT_SIZE[0] + 10, (avail_width - QR_SIZE - 20) / 2)
        self.place = Paragraph(escape(self.data["place_date"]), STYLES["sign"])
        self.place_h = self.place.wrap(self.col_w, 1000)[1]
        self.left = self._column("PIHAK KEDUA,", self.data["second"], self.col_w)
        self.right = self._column("PIHAK PERTAMA,", self.data["first"], self.col_w)
        top_h = max(sum(h for _p, h in self.left[0]), sum(h for _p, h in self.right[0]))
        bottom_h = max(sum(h for _p, h in self.left[1]), sum(h for _p, h in self.right[1]))
        self.top_h = top_h
        self.height = self.place_h + 4 + top_h + 4 + SPOT_SIZE[1] + bottom_h + 4
        return self.width, self.height

    def draw(self):
        c = self.canv
        x_right = self.width - self.col_w
        y = self.height - self.place_h
        self.place.drawOn(c, x_right, y)
        top = y - 4
        for x, (upper, lower), role in ((0, self.left, SECOND_ROLE), (x_right, self.right, FIRST_ROLE)):
            yy = top
            for p, h in upper:
                yy -= h
                p.drawOn(c, x, yy)
            spot_bottom = top - self.top_h - 4 - SPOT_SIZE[1]
            self._record(role, x, spot_bottom)
            if self.tte:
                c.setFont(layout.FONT, 10)
                c.drawCentredString(x + SPOT_SIZE[0] / 2, spot_bottom + SPOT_SIZE[1] / 2, "^")
                c._state.tte_marks.append((c.getPageNumber() - 1,
                                           *c.absolutePosition(x + SPOT_SIZE[0] / 2, spot_bottom + SPOT_SIZE[1] / 2)))
            yy = spot_bottom
            for p, h in lower:
                yy -= h
                p.drawOn(c, x, yy)
        qx = (self.width - QR_SIZE) / 2
        qy = top - self.top_h - 4 - SPOT_SIZE[1] / 2 - QR_SIZE / 2 + 6
        draw_qr(c, self.payload_text, qx, qy, QR_SIZE)
        c.setFont(layout.FONT, 6.5)
        c.drawCentredString(qx + QR_SIZE / 2, qy - 7, f"kode {self.short_code}")

    def _record(self, role, x, y):
        x1, y1 = self.canv.absolutePosition(x, y)
        self.canv._state.spots[role] = (self.canv.getPageNumber() - 1, round(x1, 2), round(y1, 2),
                                        round(x1 + SPOT_SIZE[0], 2), round(y1 + SPOT_SIZE[1], 2))
