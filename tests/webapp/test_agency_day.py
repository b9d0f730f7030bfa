"""The public site counts days as the agency does: "tomorrow" is tomorrow in its time zone.

The back office already read the agency's day while the search read the server's: late
in the evening UTC, a Moscow visitor's "from tomorrow" started a day early, and the
managers' and the visitors' "today" disagreed.
"""

from datetime import date, datetime, timedelta

import pytest

from models.agency_time import agency_today
from tourscope.foundation.settings import get_settings

# UTC+14 and UTC-12: at any hour, one of them is on another date than the server.
FAR_ZONES = ("Etc/GMT-14", "Etc/GMT+12")


@pytest.fixture
def zone_on_another_day(monkeypatch) -> date:
    """An agency time zone whose date is not the server's; its today."""
    server_today = datetime.now().date()
    for zone in FAR_ZONES:
        monkeypatch.setenv("TOURSCOPE_AGENCY_TIMEZONE", zone)
        get_settings.cache_clear()
        if agency_today() != server_today:
            yield agency_today()
            get_settings.cache_clear()
            return
    pytest.fail("no far zone is on another date: the server's clock zone is unusual")


def test_the_search_window_starts_on_the_agencys_tomorrow(client, offers, zone_on_another_day):
    answer = client.get("/api/search").json()
    assert answer["date_from"] == (zone_on_another_day + timedelta(days=1)).isoformat()


def test_a_past_date_is_past_by_the_agencys_calendar(client, offers, zone_on_another_day):
    yesterday = (zone_on_another_day - timedelta(days=1)).isoformat()
    today = zone_on_another_day.isoformat()
    refused = client.get("/api/search", params={"date_from": yesterday, "date_to": yesterday})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["type"] == "date_past"
    accepted = client.get("/api/search", params={"date_from": today, "date_to": today})
    assert accepted.status_code == 200
