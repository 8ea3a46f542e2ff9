"""The signature block of a unit's reports: stored settings (table ``report_signatory``,
db/0008_local_rows.sql: one versioned local row per unit, written through the one write door).
:mod:`.signature_area` prints it."""
from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field

from ..errors import ValidationError
from ..numbers import MONTHS, format_date, format_nip, parse_nip
from ..plan_profile import load_profile

PARAF_ROLES = ("Konseptor", "Pemeriksa")


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


def default_signatory(conn, unit_code: str) -> Signatory:
    """Before anything is stored: the plan's office head (plan_profile; the embedded NTB document's
    block) for the Kanwil, the head of the unit (name left for the user) for a UPT."""
    if unit_code == "KANWIL":
        office = load_profile(conn)
        return Signatory(unit_code, place=office.place, jabatan=office.head_title, name=office.head_name)
    row = conn.execute("SELECT name FROM unit WHERE code = ? AND deleted = 0", (unit_code,)).fetchone()
    return Signatory(unit_code, jabatan=f"Kepala {row['name']}" if row else "Kepala")


def load_signatory(conn, unit_code: str) -> Signatory:
    row = conn.execute("SELECT * FROM report_signatory WHERE unit_code = ? AND deleted = 0", (unit_code,)).fetchone()
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
    """Store the block of ``sig.unit_code`` through the door (:meth:`..service.PlanService.save_signatory`);
    returns it as stored."""
    from ..service import PlanService

    PlanService(store, actor).save_signatory(sig)
    return clean_signatory(sig)


def save_with(service, sig: Signatory):
    """The door's signature block: validated, then one ``report_signatory`` row per unit written by
    the row-write primitive (versions, audit entry per changed field).  Returns the Changes."""
    sig = clean_signatory(sig)
    conn = service.store.conn
    if conn.execute("SELECT 1 FROM unit WHERE code = ? AND deleted = 0", (sig.unit_code,)).fetchone() is None:
        raise ValidationError(f"Kode satker “{sig.unit_code}” tidak dikenal.", field="unit_code")
    writer = service.writer()
    with service.store.atomic():
        service.upsert(writer, "report_signatory", {
            "unit_code": sig.unit_code, "place": sig.place,
            "sign_date": sig.sign_date.isoformat() if sig.sign_date else None, "on_behalf": sig.on_behalf,
            "jabatan": sig.jabatan, "name": sig.name, "nip": sig.nip, "paraf_enabled": int(sig.paraf_enabled),
            "paraf": json.dumps(sig.paraf, ensure_ascii=False)})
    return writer.changes