"""Who the plan belongs to and which years it spans: read from the plan, never assumed.

Two Kanwil-owned settings (``setting`` table, sent to the units in the Kanwil's packages):
``office`` (kop lines, the office's name, address, province, the place printed before a date) and
``plan_years`` (the first and last year of the five-year Renstra).  A file without them is the
embedded NTB plan, whose values are the defaults below.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from .errors import ValidationError
from .schema import HISTORY_YEAR, PLAN_YEARS

DEFAULT_OFFICE = {
    "ministry": ["KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN", "REPUBLIK INDONESIA"],
    "name": "KANTOR WILAYAH DITJEN PEMASYARAKATAN NUSA TENGGARA BARAT",
    "address": "Jalan Majapahit 44 Kota Mataram",
    "province": "Nusa Tenggara Barat",
    "place": "Mataram",
    "head_title": "Kepala Kantor Wilayah",    # the Kanwil's signature block until one is saved
    "head_name": "AMAK AGUNG GDE KRISNA",
}
OPTIONAL_OFFICE_KEYS = ("head_name",)
OFFICE_LABELS = {"ministry": "Baris kop kementerian", "name": "Nama kantor", "address": "Alamat",
                 "province": "Provinsi", "place": "Tempat penandatanganan", "head_title": "Jabatan kepala kantor",
                 "head_name": "Nama kepala kantor"}
OFFICE_SETTING = "office"
DEFAULT_SPAN = [PLAN_YEARS[0], PLAN_YEARS[-1]]
SPAN_LENGTH = 5                      # a Renstra is a five-year plan
OFFICE_KEYS = tuple(DEFAULT_OFFICE)


@dataclass(frozen=True)
class PlanProfile:
    ministry: tuple[str, ...]        # the kop's first lines
    name: str                        # the office's name as the kop prints it
    address: str
    province: str
    place: str                       # printed before a date: "Mataram, 22 Desember 2025"
    head_title: str
    head_name: str
    years: tuple[int, ...]           # the Renstra's years, first to last

    @property
    def span_label(self) -> str:
        return f"{self.years[0]}-{self.years[-1]}"

    @property
    def history_years(self) -> tuple[int, ...]:
        """The five years before the plan (the Renstra's own Tabel 1.2-1.7)."""
        return tuple(range(self.years[0] - SPAN_LENGTH, self.years[0]))


def check_span(value) -> list[int]:
    """[first, last] of a plan span: five consecutive years, or ValidationError in Indonesian."""
    ok = (isinstance(value, (list, tuple)) and len(value) == 2
          and all(isinstance(v, int) and not isinstance(v, bool) for v in value))
    if not ok or value[1] - value[0] != SPAN_LENGTH - 1 or not HISTORY_YEAR[0] <= value[0] <= HISTORY_YEAR[1] - 4:
        raise ValidationError(f"Periode Renstra {value!r} tidak sah: tulis tahun pertama dan terakhir lima tahun "
                              f"berurutan, misalnya 2030 dan 2034.", field="plan_years")
    return [int(value[0]), int(value[1])]


def check_office(value) -> dict:
    """The ``office`` setting with every key a text (ministry: a list of lines), or ValidationError."""
    if not isinstance(value, dict):
        raise ValidationError("Identitas kantor harus berisi nama, alamat, provinsi dan tempat.", field="office")
    out = {}
    for key, default in DEFAULT_OFFICE.items():
        v = value.get(key, default)
        if key == "ministry":
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v) or not v:
                raise ValidationError("Baris kop kementerian wajib diisi: satu baris teks atau lebih.", field=key)
            out[key] = [x.strip() for x in v]
        else:
            if not isinstance(v, str) or (not v.strip() and key not in OPTIONAL_OFFICE_KEYS):
                raise ValidationError(f"Identitas kantor: {OFFICE_LABELS[key]} wajib diisi.", field=key)
            out[key] = v.strip()
        if max(map(len, out[key] if key == "ministry" else [out[key]])) > 200:
            raise ValidationError(f"Identitas kantor: {OFFICE_LABELS[key]} terlalu panjang (paling banyak 200 "
                                  "huruf).", field=key)
    return out


def office_of(conn) -> dict:
    """The office identity as stored (the default when none is, or when it is malformed)."""
    try:
        return check_office(_setting(conn, OFFICE_SETTING) or DEFAULT_OFFICE)
    except ValidationError:
        return dict(DEFAULT_OFFICE)


def save_office_with(service, office: dict):
    """Set the office identity (the Kanwil's ``office`` setting: kop, reports, window title; it
    reaches the units in the Kanwil's package).  Keys not given keep their stored value; checked by
    :func:`check_office`; a unit's file refuses it (settings are reference data)."""
    from .errors import PermissionDenied
    from .write_rules import KANWIL
    if service.unit_code != KANWIL:
        raise PermissionDenied("Identitas kantor ditetapkan Kantor Wilayah dan sampai ke satker bersama paket "
                               "Kantor Wilayah.")
    clean = check_office({**office_of(service.store.conn), **office})
    writer = service.writer()
    with service.store.atomic():
        service.upsert(writer, "setting", {"key": OFFICE_SETTING,
                                           "value": json.dumps(clean, ensure_ascii=False, sort_keys=True)})
    return writer.changes


def _setting(conn, key: str):
    row = conn.execute("SELECT value FROM setting WHERE key = ? AND deleted = 0", (key,)).fetchone()
    return None if row is None else json.loads(row[0])


def load_profile(conn) -> PlanProfile:
    """The plan's office and span (a malformed stored value falls back to the default)."""
    office = office_of(conn)
    try:
        span = check_span(_setting(conn, "plan_years") or DEFAULT_SPAN)
    except ValidationError:
        span = DEFAULT_SPAN
    return PlanProfile(ministry=tuple(office["ministry"]), name=office["name"], address=office["address"],
                       province=office["province"], place=office["place"],
                       head_title=office["head_title"], head_name=office["head_name"],
                       years=tuple(range(span[0], span[1] + 1)))


def plan_years(conn) -> tuple[int, ...]:
    """The plan's years, first to last (2025-2029 for the embedded NTB plan)."""
    return load_profile(conn).years


def year_within(years: tuple[int, ...], today=None) -> int:
    """This year (``today``'s), kept inside ``years``: the year shown or reported when none is chosen."""
    import datetime as _dt
    year = (today or _dt.date.today()).year
    return min(max(year, years[0]), years[-1])


def current_year(conn, today=None) -> int:
    """This year kept inside the plan's years."""
    return year_within(plan_years(conn), today)


def target_column(conn, year: int) -> str:
    """The unit_indicator column of a plan year: its five target columns (named target_2025 ..
    target_2029 by db/0006_cycle.sql) hold the plan's first to fifth year, whatever the span."""
    years = plan_years(conn)
    if year not in years:
        raise ValidationError(f"Tahun {year} di luar Renstra {years[0]}-{years[-1]}.")
    return f"target_{PLAN_YEARS[years.index(year)]}"
