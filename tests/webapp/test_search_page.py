"""The public search page: results as a visitor sees them, and readable form errors."""

import re
from datetime import timedelta
from html import unescape

import pytest

from models.agency_time import agency_today
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)
from tourscope.foundation.settings import get_settings
from webapp.routes.public import FORM_LABELS


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
    assert "from €1,234 at SunCoast Tours" in text
    assert "from €980.50 at BlueSky Travel" in text
    assert "7 nights · All inclusive · Deluxe Sea View" in text
    assert "2 offers match your search" in text
    departure = agency_today() + timedelta(days=30)
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

    select = re.search(r'<select id="country".*?</select>', html, flags=re.S).group(0)
    options = re.findall(r'<option value="([A-Z]*)"[^>]*>([^<]+)</option>', select)
    assert options == [("", "Any country"), ("EG", "Egypt"), ("TR", "Turkey")]


def test_every_input_has_a_label(client, offers):
    html = client.get("/").text

    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    names = set(re.findall(r'<(?:input|select)[^>]*\bname="([^"]+)"', html))
    # Every search parameter has an input (resorts appear once a country is chosen), and
    # a hidden one says which currency the price bounds are in.
    assert names == set(FORM_LABELS) - {"resorts", "sort", "page"} | {"bounds_currency"}
    assert {"child-age-1", "child-age-4", "operator-suncoast", "operator-bluesky"} <= set(ids)
    for input_id in ids:
        assert re.search(rf'<label [^>]*for="{input_id}"', html), input_id
    with_country = client.get("/?country=TR").text
    assert re.search(r'<label [^>]*for="resort-\d+"><input type="checkbox"', with_country)
    assert "Side" in visible_text(with_country)


def test_nothing_matched_says_why_and_links_wider_searches(client, offers):
    response = client.get("/?price_max=10&meal_min=HB&country=TR")

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "No tours matched your search" in text
    assert "No operator has a bookable tour for 2 adults, departing" in text
    assert "in Turkey" in text and "half board or better" in text and "up to €10" in text
    assert "Any price finds 2 hotels" in text
    assert "Any country" not in text.split("Try widening it:")[1]  # finds nothing more
    link = re.search(r'<a href="([^"]+)">Any price</a>', response.text).group(1)
    assert unescape(link) == "?country=TR&meal_min=HB"
    assert "2 hotels found" in visible_text(client.get(unescape(link)).text)


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
    assert '<a rel="prev" href="?country=TR">' in second  # page 1 is the default
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
            "date_from=2099-06-10&date_to=2099-06-01",
            "date_to",
            "2099-06-01",
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


def test_a_result_shows_party_prices_operator_freshness_and_links(client, session):
    from datetime import UTC, datetime
    from decimal import Decimal

    hotel = make_hotel(session, make_resort(session, make_country(session)), "Family Club", 4)
    operator = make_operator(session, "suncoast", "SunCoast Tours")
    departure = agency_today() + timedelta(days=5)
    offer = make_offer(
        session,
        operator=operator,
        hotel=hotel,
        departure_city=make_departure_city(session),
        departure_date=departure,
        price="1380.00",
        adults=2,
        children=1,
        nights=10,
    )
    offer.surcharge = Decimal("138.00")
    offer.availability = "on_request"
    offer.last_seen_at = datetime.now(UTC) - timedelta(hours=2, minutes=5)
    session.commit()

    response = client.get("/?children_ages=7&children_ages=1&currency=USD&sort=stars")

    assert response.status_code == 200
    text = visible_text(response.text)
    # 1380 EUR = 1500 USD, for 2 adults + 1 child (the infant is free), 10 nights.
    assert "from $1,500 at SunCoast Tours" in text
    assert "$500 per person · $150 per night" in text
    assert "includes $150 fuel and other surcharges" in text
    assert "On request" in text
    assert "checked 2 h ago" in text
    assert "1 offer matches your search, from 1 operator" in text
    assert "Why does one hotel cost differently at different operators?" in text
    link = re.search(r'<a href="(/hotels/\d+[^"]*)">Family Club</a>', response.text).group(1)
    assert unescape(link) == (f"/hotels/{hotel.id}?children_ages=7&children_ages=1&currency=USD")
    # The children's selects show the ages back; the sort is kept for the next search.
    assert re.search(r'id="child-age-1"[^>]*>.*?<option value="7" selected>', response.text, re.S)
    assert re.search(r'id="child-age-2"[^>]*>.*?<option value="1" selected>', response.text, re.S)
    assert '<input type="hidden" name="sort" value="stars">' in response.text
    sort_links = dict(
        (label, unescape(href))
        for href, label in re.findall(
            r'<a href="([^"]+)"[^>]*>(price|stars|departure date)</a>', response.text
        )
    )
    assert sort_links["departure date"] == (
        "?children_ages=7&children_ages=1&currency=USD&sort=date"
    )
    assert 'aria-current="true">stars</a>' in response.text


def test_the_price_calendar_is_a_row_of_dates_linking_to_one_day_searches(client, offers):
    response = client.get("/?country=TR")

    text = visible_text(response.text)
    assert "Cheapest price by departure date" in text
    days = re.findall(r'<li class="calendar-day[^"]*">', response.text)
    assert len(days) == 31  # tomorrow and the 30 days after
    departure = agency_today() + timedelta(days=30)
    cheapest = re.search(
        rf'<li class="calendar-day level-0 cheapest">\s*<a href="([^"]+)">\s*'
        rf'<span class="calendar-date"><time datetime="{departure.isoformat()}">',
        response.text,
    )
    assert cheapest, "the only date with tours is the cheapest"
    assert unescape(cheapest.group(1)) == f"?country=TR&date={departure.isoformat()}"
    assert "€980.50" in text
    assert text.count("no tours") == 30
    one_day = visible_text(client.get(unescape(cheapest.group(1))).text)
    assert "2 hotels found" in one_day


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("children_ages=18", "Children's ages: Enter 17 or less."),
        ("adults=9", "Adults: Enter 6 or less."),
        ("meal_min=XL", "Meals: Use a meal plan code: RO, BB, HB, FB, AI or UAI."),
        ("currency=BTC", "Currency: Pick a currency among EUR, USD, GBP, RUB, TRY, AED."),
        ("date=2026-05-01&date_from=2026-05-01", "Departure date: Give one departure date"),
        ("sort=cheap", "Sort by: Pick one of: 'price', 'stars' or 'date'."),
        ("hotel_name=" + "x" * 101, "Hotel name contains: Use at most 100 characters."),
        ("departure_city=Moscow", "Departure city: Use a three-letter airport city code"),
    ],
)
def test_new_filters_show_readable_errors(client, offers, query, message):
    response = client.get(f"/?{query}")

    assert response.status_code == 422
    assert message in visible_text(response.text)


def test_after_a_search_the_form_folds_into_a_summary_above_the_results(
    client, russian_client, offers
):
    html = client.get("/?country=TR&nights_min=7").text
    landing = client.get("/").text
    wrong = client.get("/?adults=99").text

    folded = re.search(r'<details class="search-change">\s*<summary>(.*?)</summary>', html, re.S)
    assert folded, "the results page folds its form"
    assert "Tours for 2 adults" in visible_text(folded[1])
    assert "at least 7 nights" in visible_text(folded[1])
    assert "Change search" in visible_text(folded[1])
    assert html.index('<form class="search-form"') > html.index("<details")
    assert html.index("</details>") < html.index('id="results-heading"')
    assert "<details" not in landing and '<form class="search-form"' in landing
    assert "<details" not in wrong and "Please correct the search" in visible_text(wrong)
    assert "Изменить поиск" in russian_client.get("/?country=TR").text


def test_the_results_offer_a_price_alert_for_the_search(client, offers):
    html = client.get("/?country=TR&nights_min=7").text

    assert '<a href="/alerts/new?country=TR&amp;nights_min=7">' in html
    assert "Tell me when this gets cheaper" in visible_text(html)
