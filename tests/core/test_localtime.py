"""Times shown to people are in the office's zone and written the Indonesian way."""
import datetime as dt

from renstra_desktop.core import localtime
from renstra_desktop.core.settings import load_settings


def test_evening_utc_is_next_day_in_wita():
    # 15.18 UTC on the 29th is 23.18 WITA on the 29th; 16.30 UTC is already the 30th in WITA
    assert localtime.format_datetime("2026-11-29T15:18:00.000000Z") == "29 November 2026 pukul 23.18 WITA"
    assert localtime.local_date("2026-11-29T16:30:00Z") == dt.date(2026, 11, 30)


def test_zone_setting_and_unknown_zone_falls_back_to_wita():
    moment = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.timezone.utc)
    assert localtime.format_datetime(moment, localtime.office_zone("WIB")) == "5 Januari 2026 pukul 09.00 WIB"
    assert localtime.format_datetime(moment, localtime.office_zone("WIT")) == "5 Januari 2026 pukul 11.00 WIT"
    assert localtime.office_zone("Mars").tzname(None) == "WITA"
    assert localtime.format_datetime(None) == ""


def test_plan_setting_default_is_wita(kanwil_store):
    assert load_settings(kanwil_store.conn).time_zone == "WITA"
    assert localtime.zone_of(kanwil_store.conn).tzname(None) == "WITA"
