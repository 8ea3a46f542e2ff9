"""Small rules shared by the cycle modules: quarter periods, the writer's unit, row look-ups."""
from __future__ import annotations

import re

from ..errors import NotFound, ValidationError
from ..rows import stable_id
from ..plan_profile import plan_years
from ..schema import TABLES

QUARTER_RE = re.compile(r"^(20\d\d)-TW([1-4])$")
ROMAN = ("I", "II", "III", "IV")


def check_year(conn, year) -> int:
    """A year of the plan's span (plan_profile.plan_years), or ValidationError in Indonesian."""
    years = plan_years(conn)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(f"Tahun “{year}” tidak sah. Tulis tahun {years[0]}-{years[-1]}.") from None
    if year not in years:
        raise ValidationError(f"Tahun {year} di luar Renstra {years[0]}-{years[-1]}.")
    return year


def check_quarter(conn, period: str) -> tuple[int, int]:
    """(year, quarter) of '2026-TW3' in the plan's span; refuses anything else in Indonesian."""
    text = str(period or "").strip().upper()
    m = QUARTER_RE.match(text)
    if not m or int(m.group(1)) not in plan_years(conn):
        raise ValidationError(f"Periode “{period}” bukan triwulan. Tulis misalnya 2026-TW1 sampai 2026-TW4.")
    return int(m.group(1)), int(m.group(2))


def check_unit(conn, unit: str) -> str:
    unit = (unit or "").strip().upper()
    if conn.execute("SELECT 1 FROM unit WHERE code = ? AND deleted = 0", (unit,)).fetchone() is None:
        codes = [r[0] for r in conn.execute("SELECT code FROM unit WHERE deleted = 0 ORDER BY seq")]
        raise NotFound(f"Satker “{unit}” tidak ada di berkas rencana ini. Pilihan: {', '.join(codes)}.")
    return unit


def keyed_id(table: str, *key) -> str:
    """The id the service gives the row with this natural key."""
    return stable_id(table, *key)


def live_row(conn, table: str, row_id: str) -> dict | None:
    row = conn.execute(f"SELECT * FROM {table} WHERE id = ? AND deleted = 0", (row_id,)).fetchone()
    return dict(row) if row else None


def upsert(service, table: str, key_values: dict, values: dict):
    """Insert the row with this natural key, or update its fields (a tombstoned row is restored)."""
    spec = TABLES[table]
    row_id = keyed_id(table, *(key_values[k] for k in spec.key))
    conn = service.store.conn
    existing = conn.execute(f"SELECT deleted FROM {table} WHERE id = ?", (row_id,)).fetchone()
    if existing is None or existing["deleted"]:
        return service.insert(table, {**key_values, **values}, row_id=row_id)[1]
    return service.update(table, row_id, values)
