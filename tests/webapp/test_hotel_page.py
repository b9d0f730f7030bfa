"""The hotel page and /api/hotels/{id}: offers of every operator side by side."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from models import DepartureCity, Hotel, Operator
from models.agency_time import agency_today
from models.base import utcnow
from models.catalog.hotel_page import HOTEL_OFFERS_PER_PAGE
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)
from tests.webapp.pages import main_text, visible_text

DEPARTURE = agency_today() + timedelta(days=10)


@pytest.fixture
def palace(session: Session) -> Hotel:
    """Antalya Palace, offered by three operators (and another hotel beside it)."""
    antalya = make_resort(session, make_country(session, "TR", "Turkey"), "Antalya")
    palace = make_hotel(session, antalya, "Antalya Palace", 5)
    other = make_hotel(session, antalya, "Other Hotel", 3)
    city = make_departure_city(session, "MOW", "Moscow")
    suncoast = make_operator(session, "suncoast", "SunCoast Tours")
    bluesky = make_operator(session, "bluesky", "BlueSky Travel")
    aerotour = make_operator(session, "aerotour", "AeroTour")

    def offer(operator, hotel=palace, **fields):
        extra = {name: fields.pop(name) for name in ("surcharge", "last_seen_at") if name in fields}
        availability = fields.pop("availability", "available")
        made = make_offer(session, operator=operator, hotel=hotel, departure_city=city, **fields)
        made.availability = availability
        for name, value in extra.items():
            setattr(made, name, value)

    offer(
        suncoast,
        price="1234.00",
        surcharge=Decimal("120.00"),
        departure_date=DEPARTURE,
        nights=7,
        room_type="Deluxe Sea View",
        last_seen_at=utcnow() - timedelta(hours=2, minutes=5),
    )
    offer(
        bluesky,
        price="1100.00",
        departure_date=DEPARTURE + timedelta(days=5),
        nights=10,
        meal="HB",
        last_seen_at=utcnow() - timedelta(minutes=20),
    )
    offer(
        aerotour,
        price="1500.00",
        departure_date=DEPARTURE - timedelta(days=3),
        availability="on_request",
    )
    offer(bluesky, price="999.00", is_active=False)
    offer(bluesky, price="998.00", availability="sold_out")
    offer(suncoast, hotel=other, price="500.00")
    session.commit()
    return palace


def rows(html: str) -> list[str]:
    return [visible_text(row) for row in re.findall(r'<tr class="offer-row">.*?</tr>', html, re.S)]


def test_the_page_shows_the_hotel_and_every_operators_offers(client, palace):
    response = client.get(f"/hotels/{palace.id}")

    assert response.status_code == 200
    text = main_text(response.text)
    assert "Antalya Palace ★★★★★" in text
    assert "Antalya, Turkey" in text
    assert "3 offers from 3 operators" in text
    assert "BlueSky Travel from €1,100 1 offer" in text
    assert "Other Hotel" not in text
    offers = rows(response.text)
    assert [row.split()[0] for row in offers] == ["BlueSky", "SunCoast", "AeroTour"]
    sun = offers[1]
    assert f"{DEPARTURE.day} {DEPARTURE.strftime('%b %Y')}" in sun
    assert "from Moscow" in sun
    assert "7 nights" in sun
    assert "Deluxe Sea View All inclusive" in sun
    assert "2 adults" in sun
    assert "€1,234 €617 per person · €176.29 per night" in sun
    assert "incl. €120 fuel and other surcharges" in sun
    assert "checked 2 h ago" in sun
    assert "checked 20 min ago" in offers[0]
    assert "On request: the operator confirms seats" in offers[2]
    assert "On request" not in sun


def test_offer_links_open_the_operator_page_safely(client, palace):
    html = client.get(f"/hotels/{palace.id}").text

    links = re.findall(r"<a [^>]*>View at [^<]+<", html)
    assert len(links) == 3
    for link in links:
        assert re.search(r'href="http://\w+\.example/tour/\d+"', link)
        assert 'rel="nofollow noopener"' in link
        assert 'target="_blank"' in link


def test_offers_sort_by_price_or_date(client, palace):
    by_date = client.get(f"/hotels/{palace.id}?sort=date&nights_min=").text
    by_price = client.get(f"/hotels/{palace.id}?sort=price").text

    assert [row.split()[0] for row in rows(by_date)] == ["AeroTour", "SunCoast", "BlueSky"]
    assert [row.split()[0] for row in rows(by_price)] == ["BlueSky", "SunCoast", "AeroTour"]
    assert re.search(r'<a href="\?sort=date" aria-current="true">departure date</a>', by_date)
    assert 'href="?sort=price"' in by_date


def test_many_offers_come_in_pages_with_links_between_them(client, palace, session):
    suncoast = session.query(Operator).filter_by(code="suncoast").one()
    moscow = session.query(DepartureCity).filter_by(code="MOW").one()
    for index in range(HOTEL_OFFERS_PER_PAGE):  # 50 dearer ones beside the fixture's 3
        make_offer(
            session,
            operator=suncoast,
            hotel=palace,
            departure_city=moscow,
            departure_date=DEPARTURE,
            price=f"{2000 + index}.00",
        )
    session.commit()

    first = client.get(f"/hotels/{palace.id}")
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first.text).group(1)
    second = client.get(f"/hotels/{palace.id}{next_link.replace('&amp;', '&')}")

    assert "53 offers" in visible_text(first.text)
    assert "Page 1 of 2" in visible_text(first.text)
    assert len(rows(first.text)) == HOTEL_OFFERS_PER_PAGE
    # The second page goes on where the first stopped: the three dearest, cheapest first.
    prices = [re.search(r"€[\d,]+", row).group() for row in rows(second.text)]
    assert prices == ["€2,047", "€2,048", "€2,049"]
    assert "Page 2 of 2" in visible_text(second.text)
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
    # Sorting again starts from the first page.
    assert "page=" not in re.search(r'href="(\?[^"]*sort=date[^"]*)"', second.text).group(1)


def test_the_search_filters_apply_and_lead_back_to_the_search(client, palace):
    response = client.get(f"/hotels/{palace.id}?country=TR&nights_min=8&currency=USD&page=2")

    text = main_text(response.text)
    assert "1 offer from 1 operator" in text
    assert [row.split()[0] for row in rows(response.text)] == ["BlueSky"]
    assert "$1,195.65" in text
    assert "Offers for 2 adults · departing" in text
    assert "at least 8 nights" in text
    # The page number is the hotel page's own: the way back is to the search's first page.
    assert 'href="/?country=TR&amp;nights_min=8&amp;currency=USD"' in response.text
    assert 'href="?country=TR&amp;nights_min=8&amp;currency=USD&amp;sort=date"' in response.text


def test_the_party_is_part_of_the_search(client, palace):
    text = main_text(client.get(f"/hotels/{palace.id}?adults=2&children_ages=6").text)

    assert "No offers for this hotel match the search" in text
    assert "2 adults + 1 child" in text
    assert "Change the search" in text


def test_bad_filters_say_what_is_wrong(client, palace):
    response = client.get(f"/hotels/{palace.id}?nights_min=abc")

    assert response.status_code == 422
    text = main_text(response.text)
    assert "Nights, at least: Enter a whole number." in text
    assert "Antalya Palace" in text


@pytest.mark.parametrize("hotel_id", ["999999", "abc", "0", "99999999999999999999", "-1", "1.5"])
def test_an_unknown_hotel_is_a_404_page_with_a_reason(client, palace, hotel_id):
    response = client.get(f"/hotels/{hotel_id}")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    text = main_text(response.text)
    assert "Hotel not found" in text
    assert f"There is no hotel number {hotel_id} in our catalogue." in text
    assert "Search all tours" in text


def test_markup_in_names_is_escaped(client, session):
    country = make_country(session)
    hotel = make_hotel(session, make_resort(session, country), "<b>Bold</b> Inn")
    make_offer(
        session,
        operator=make_operator(session, "x", "<i>X</i> Tours"),
        hotel=hotel,
        departure_city=make_departure_city(session),
    )
    session.commit()

    html = client.get(f"/hotels/{hotel.id}").text

    assert "<b>Bold</b>" not in html and "<i>X</i>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; Inn" in html


def test_the_api_lists_the_offers_with_their_prices(client, palace):
    response = client.get(f"/api/hotels/{palace.id}?sort=date")

    assert response.status_code == 200
    body = response.json()
    assert body["hotel"] == {
        "hotel_id": palace.id,
        "name": "Antalya Palace",
        "stars": 5,
        "resort_name": "Antalya",
        "country_code": "TR",
        "country_name": "Turkey",
        # No operator described it (tests/webapp/test_hotel_content_page.py has one that did).
        "description": None,
        "description_operator": None,
        "photos": [],
        "location": None,
        "address": None,
        "phone": None,
    }
    assert (body["currency"], body["sort"], body["total_offers"]) == ("EUR", "date", 3)
    assert (body["page"], body["pages"]) == (1, 1)
    assert [o["operator_code"] for o in body["offers"]] == ["aerotour", "suncoast", "bluesky"]
    suncoast = body["offers"][1]
    assert (suncoast["price"], suncoast["surcharge"]) == ("1234.00", "120.00")
    assert (suncoast["price_per_person"], suncoast["price_per_night"]) == ("617.00", "176.29")
    assert suncoast["url"].startswith("http://suncoast.example/tour/")
    assert [o["on_request"] for o in body["offers"]] == [True, False, False]
    assert [o["operator_code"] for o in body["operators"]] == ["bluesky", "suncoast", "aerotour"]


def test_the_api_says_404_and_422_readably(client, palace):
    missing = client.get("/api/hotels/999999")
    bad_id = client.get("/api/hotels/abc")
    bad_filter = client.get(f"/api/hotels/{palace.id}?nights_min=10&nights_max=7")

    assert missing.status_code == 404
    assert missing.json() == {"detail": "There is no hotel number 999999 in our catalogue."}
    assert bad_id.status_code == 422
    assert bad_id.json()["detail"][0]["loc"] == ["path", "hotel_id"]
    assert bad_filter.status_code == 422
    [error] = bad_filter.json()["detail"]
    assert error["loc"] == ["query", "nights_max"]
    assert "Maximum nights must be at least the minimum nights" in error["msg"]


def test_the_price_chart_shows_how_the_cheapest_price_moved(client, russian_client, session):
    from tests.models.catalog.test_price_history import seed_history

    hotel, _ = seed_history(session)

    html = client.get(f"/hotels/{hotel.id}?currency=EUR").text
    russian = russian_client.get(f"/hotels/{hotel.id}?currency=EUR").text

    chart = re.search(r'<section class="price-history".*?</section>', html, re.S)[0]
    assert "How the price moved" in chart
    assert "Lowest price: €1,234 → €1,100" in visible_text(chart)
    assert "<svg" in chart and 'role="img"' in chart and "<script" not in chart
    assert len(re.findall(r"<circle ", chart)) == 11
    assert re.search(r"<text [^>]*>€1,234</text>", chart)
    assert re.search(r"<text [^>]*>€1,100</text>", chart)
    assert "Самая низкая цена: 1\xa0234\xa0€ → 1\xa0100\xa0€" in russian
    in_dollars = client.get(f"/hotels/{hotel.id}?currency=USD").text
    assert "Lowest price: $1,341.30 → $1,195.65" in visible_text(in_dollars)
