"""The back office shows times by the agency's clock, with its zone, not in UTC."""

from datetime import UTC, datetime

from tourscope.settings import get_settings
from webapp.templating import agency_time


def test_a_late_evening_in_utc_is_already_tomorrow_in_moscow():
    assert agency_time(datetime(2026, 11, 26, 22, 5, tzinfo=UTC)) == "27 Nov 2026 01:05 MSK"
    # A snapshot keeps its timestamps as ISO text.
    assert agency_time("2026-11-26T22:05:00+00:00") == "27 Nov 2026 01:05 MSK"


def test_the_zone_follows_the_setting(monkeypatch):
    monkeypatch.setenv("TOURSCOPE_AGENCY_TIMEZONE", "America/New_York")
    get_settings.cache_clear()
    try:
        assert agency_time(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "01 Jul 2026 08:00 EDT"
    finally:
        get_settings.cache_clear()
