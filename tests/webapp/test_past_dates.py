"""Past departure dates: the page and the API agree, and say what was searched.

A range wholly in the past was answered 200 with nothing found (the page even read
"departing 29 Nov 2026 – 5 Jan 2020"); a past `from` date searched from today while the
form still showed the old date.
"""

import re
from datetime import timedelta

from models.agency_time import agency_today
from tests.webapp.pages import main_text

PAST_RANGE = {"date_from": "2020-01-01", "date_to": "2020-01-05"}


def test_a_range_in_the_past_is_a_form_error_on_the_page(client, offers):
    response = client.get("/", params=PAST_RANGE)
    assert response.status_code == 422
    assert "These dates are in the past: pick departure dates from today on." in main_text(
        response.text
    )


def test_a_range_in_the_past_is_a_422_in_the_api(client, offers):
    for path in ("/api/search", "/api/calendar", "/api/hotels/1"):
        response = client.get(path, params=PAST_RANGE)
        assert response.status_code == 422, path
        detail = response.json()["detail"][0]
        assert detail["loc"] == ["query", "date_to"]
        assert detail["type"] == "date_past"


def test_the_page_speaks_russian_about_past_dates(russian_client, offers):
    response = russian_client.get("/", params=PAST_RANGE)
    assert "Эти даты уже прошли" in response.text


def test_a_past_from_date_searches_from_today_and_the_form_and_api_say_so(client, offers):
    today = agency_today()
    until = (today + timedelta(days=40)).isoformat()
    api = client.get("/api/search", params={"date_from": "2020-01-01", "date_to": until})
    assert api.status_code == 200
    assert api.json()["date_from"] == today.isoformat()
    assert api.json()["total_hotels"] == 3
    page = client.get("/", params={"date_from": "2020-01-01", "date_to": until})
    assert page.status_code == 200
    shown = re.search(r'name="date_from"[^>]*value="([^"]*)"', page.text)
    assert shown and shown.group(1) == today.isoformat()
    assert "2020" not in main_text(page.text)


def test_the_schema_documents_the_date_rules_and_blank_filters(client):
    parameters = {
        p["name"]: p
        for p in client.get("/openapi.json").json()["paths"]["/api/search"]["get"]["parameters"]
    }
    assert "not together with `date_from` or `date_to`" in parameters["date"]["description"]
    assert "not in the past" in parameters["date_to"]["description"]
    # `nights_max=` is accepted as unset: the schema says a blank is a valid value.
    blank = {"type": "string", "pattern": r"^\s*$", "description": "blank: unset"}
    assert blank in parameters["nights_max"]["schema"]["anyOf"]
    assert blank in parameters["adults"]["schema"]["anyOf"]
    assert blank in parameters["resorts"]["schema"]["items"]["anyOf"]
    assert client.get("/api/search?nights_max=").status_code == 200
