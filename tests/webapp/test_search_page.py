"""The public search page: results as a visitor sees them, and readable form errors."""

import re
from datetime import date, timedelta
from html import unescape

import pytest

from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)
from tourscope.settings import get_settings


def visible_text(html: str) -> str:
    """The page's text with tags removed and whitespace collapsed, as a reader sees it."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def input_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*\bvalue="([^"]*)"', html)
    assert match, f"no input named {name}"
    return unescape(match.group(1))


def test_the_page_lists_hotels_cheapest_first_with_their_best_offer(client, offers):
    response = client.get("/")

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Tourscope" in text
    assert "3 hotels found" in text
    assert text.index("Side Garden") < text.index("Antalya Palace") < text.index("Hurghada Reef")
    assert "Antalya Palace ★★★★★" in text
    assert "Antalya, Turkey" in text
    assert "from 1 234 EUR at SunCoast Tours" in text
    assert "from 980.50 EUR at BlueSky Travel" in text
    assert "7 nights · All inclusive · Deluxe Sea View" in text
    assert "2 offers match your search" in text
    departure = date.today() + timedelta(days=30)
    assert f'datetime="{departure.isoformat()}"' in response.text
    assert f"{departure.day} {departure.strftime('%b %Y')}" in text


def test_offer_links_open_the_operator_page_safely(client, offers):
    html = client.get("/?country=EG").text

    links = re.findall(r"<a [^>]*>View offer at [^<]+</a>", html)
    assert len(links) == 1
    assert 'href="http://suncoast.example/tour/' in links[0]
    assert 'rel="nofollow noopener"' in links[0]
    assert 'target="_blank"' in links[0]


def test_filters_narrow_the_results_and_stay_in_the_form(client, offers):
    response = client.get("/?country=tr&nights_min=8&price_max=")

    text = visible_text(response.text)
    assert "1 hotel found" in text
    assert "Side Garden" in text
    assert "Antalya Palace" not in text
    assert input_value(response.text, "nights_min") == "8"
    assert re.search(r'<option value="TR" selected>Turkey</option>', response.text)


def test_the_country_select_offers_countries_with_offers(client, offers):
    html = client.get("/").text

    options = re.findall(r'<option value="([A-Z]*)"[^>]*>([^<]+)</option>', html)
    assert options == [("", "Any country"), ("EG", "Egypt"), ("TR", "Turkey")]


def test_every_input_has_a_label(client, offers):
    html = client.get("/").text

    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert len(ids) == 6
    for input_id in ids:
        assert f'<label for="{input_id}">' in html


def test_nothing_matched_suggests_widening_the_search(client, offers):
    response = client.get("/?price_max=10")

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "No tours matched your search" in text
    assert "longer date range" in text
    assert "raise the maximum price" in text


def test_hotel_names_are_escaped(client, session):
    country = make_country(session)
    hotel = make_hotel(session, make_resort(session, country), "<script>alert(1)</script> Inn")
    make_offer(
        session,
        operator=make_operator(session),
        hotel=hotel,
        departure_city=make_departure_city(session),
    )
    session.commit()

    html = client.get("/").text

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Inn" in html


def test_pager_links_keep_the_search(client, session, monkeypatch):
    monkeypatch.setenv("TOURSCOPE_SEARCH_PAGE_SIZE", "2")
    get_settings.cache_clear()
    country = make_country(session)
    resort = make_resort(session, country)
    operator = make_operator(session)
    city = make_departure_city(session)
    for number in range(5):
        hotel = make_hotel(session, resort, f"Hotel {number}")
        make_offer(
            session, operator=operator, hotel=hotel, departure_city=city, price=f"{100 + number}"
        )
    session.commit()

    first = client.get("/?country=TR&nights_min=&page=1").text
    second = client.get("/?country=TR&page=2").text

    assert "Page 1 of 3" in visible_text(first)
    assert 'href="?country=TR&amp;page=2"' in first
    assert 'rel="prev"' not in first
    assert re.findall(r"Hotel \d", visible_text(second)) == ["Hotel 2", "Hotel 3"]
    assert 'href="?country=TR&amp;page=1"' in second
    assert 'href="?country=TR&amp;page=3"' in second


@pytest.mark.parametrize(
    ("query", "field", "typed", "message"),
    [
        ("nights_min=abc", "nights_min", "abc", "Nights, at least: Enter a whole number."),
        ("nights_max=45", "nights_max", "45", "Nights, at most: Enter 30 or less."),
        (
            "date_from=2026-13-40",
            "date_from",
            "2026-13-40",
            "Departure from: Enter a real date, as YYYY-MM-DD.",
        ),
        (
            "date_from=2026-06-10&date_to=2026-06-01",
            "date_to",
            "2026-06-01",
            "Departure to: The 'to' date must be on or after the 'from' date.",
        ),
        (
            "nights_min=10&nights_max=7",
            "nights_max",
            "7",
            "Nights, at most: Maximum nights must be at least the minimum nights.",
        ),
        ("price_max=-5", "price_max", "-5", "Maximum price: Enter more than 0."),
        ("price_max=lots", "price_max", "lots", "Maximum price: Enter a number, such as 1500."),
    ],
)
def test_bad_input_shows_a_readable_error_and_keeps_what_was_typed(
    client, offers, query, field, typed, message
):
    response = client.get(f"/?{query}")

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    text = visible_text(response.text)
    assert message in text
    assert "Please correct the search" in text
    assert input_value(response.text, field) == typed
    assert f'id="{field}-error"' in response.text
    assert "hotels found" not in text


def test_typed_markup_is_escaped_when_shown_back(client, offers):
    response = client.get("/", params={"nights_min": '"><script>x()</script>'})

    assert response.status_code == 422
    assert "<script>x()</script>" not in response.text
    assert input_value(response.text, "nights_min") == '"><script>x()</script>'


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=99999999999999999999999",
        "country=%00%00",
        "country=Türkiye",
        "price_max=1e999",
        "price_max=NaN",
        "date_to=0000-00-00",
        "nights_min=1.5",
        "page=2&page=x",
    ],
)
def test_odd_input_never_breaks_the_page(client, offers, query):
    response = client.get(f"/?{query}")

    assert response.status_code == 422
    assert "Please correct the search" in visible_text(response.text)
