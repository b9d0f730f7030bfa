"""The back office shows times by the agency's clock, with its zone, not in UTC."""

from datetime import UTC, datetime

import pytest

from tourscope.foundation.i18n import use_locale
from tourscope.foundation.settings import get_settings
from webapp.templating import agency_time


@pytest.fixture(autouse=True)
def english():
    """These read the English back office's clock; the Russian one is tested below."""
    with use_locale("en"):
        yield


def test_a_late_evening_in_utc_is_already_tomorrow_in_moscow():
    assert agency_time(datetime(2026, 11, 26, 22, 5, tzinfo=UTC)) == "27 Nov 2026 01:05 MSK"
    # A snapshot keeps its timestamps as ISO text.
    assert agency_time("2026-11-26T22:05:00+00:00") == "27 Nov 2026 01:05 MSK"


def test_the_zone_follows_the_setting(monkeypatch):
    monkeypatch.setenv("TOURSCOPE_AGENCY_TIMEZONE", "America/New_York")
    get_settings.cache_clear()
    try:
        assert agency_time(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "1 Jul 2026 08:00 EDT"
    finally:
        get_settings.cache_clear()


def test_the_russian_back_office_reads_the_clock_in_russian():
    with use_locale("ru"):
        assert agency_time(datetime(2026, 11, 26, 22, 5, tzinfo=UTC)) == "27 нояб. 2026, 01:05 MSK"
