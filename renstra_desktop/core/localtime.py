"""Times shown to people: in the office's time zone (a plan setting; NTB is WITA, UTC+8), written
the Indonesian way ("29 November 2026 pukul 23.18 WITA").  Stored times stay UTC (rows.utc_now).

One place for this rule: the window, the reports, the signing stamps and the CLI all call it, so a
document signed in the evening of the 29th never reads as signed on a different day than it is dated.
"""
from __future__ import annotations

import datetime as _dt

from .numbers import format_date

# Indonesia's three zones; the setting ``time_zone`` names one of them.
ZONES = {"WIB": 7, "WITA": 8, "WIT": 9}
DEFAULT_ZONE = "WITA"


def office_zone(name: str | None = None) -> _dt.timezone:
    """The named zone (WIB, WITA, WIT) as a tzinfo; the default, WITA, for None or an unknown name."""
    name = name if name in ZONES else DEFAULT_ZONE
    return _dt.timezone(_dt.timedelta(hours=ZONES[name]), name)


def zone_of(conn) -> _dt.timezone:
    """The plan's office zone (the ``time_zone`` setting, default WITA)."""
    from .settings import load_settings
    return office_zone(load_settings(conn).time_zone)


def parse_utc(iso_utc: str) -> _dt.datetime:
    """A stored UTC time ('2026-11-29T15:18:00.123456Z') as an aware datetime."""
    return _dt.datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))


def to_local(moment: _dt.datetime | str, zone: _dt.tzinfo | None = None) -> _dt.datetime:
    """``moment`` (aware, naive = this computer's local time, or a stored UTC string) in ``zone``."""
    if isinstance(moment, str):
        moment = parse_utc(moment)
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(zone or office_zone())


def format_datetime(moment: _dt.datetime | str | None, zone: _dt.tzinfo | None = None) -> str:
    """'29 November 2026 pukul 23.18 WITA'; '' for None."""
    if moment is None or moment == "":
        return ""
    local = to_local(moment, zone)
    return f"{format_date(local.date())} pukul {local:%H.%M} {local.tzname()}"


def local_date(moment: _dt.datetime | str, zone: _dt.tzinfo | None = None) -> _dt.date:
    """The calendar day of ``moment`` in the office's zone (the date a document is dated)."""
    return to_local(moment, zone).date()
