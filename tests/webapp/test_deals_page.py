"""The hot deals page and /api/deals, and the header link to them."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from models import PriceChange
from models.base import utcnow
from tests.factories import (
    in_days,
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)
from tests.webapp.pages import main_text, visible_text


@pytest.fixture
def deals(session: Session) -> dict[str, int]:
    """Two price drops in Turkey (one a family's), a couple's offer in Egypt; returns hotel
    ids by name."""
    turkey = make_country(session, "TR", "Turkey")
    egypt = make_country(session, "EG", "Egypt")
    operator = make_operator(session, "suncoast", "SunCoast Tours")
    city = make_departure_city(session)
    palace = make_hotel(session, make_resort(session, turkey, "Antalya"), "Antalya Palace", 5)
    garden = make_hotel(session, make_resort(session, turkey, "Side"), "Side Garden", 4)
    reef = make_hotel(session, make_resort(session, egypt, "Hurghada"), "Hurghada Reef", 3)
    for hotel, old, new, days, children in [
        (palace, "1000.00", "900.00", 20, 0),
        (garden, "1000.00", "750.00", 25, 1),
        (reef, None, "640.00", 6, 0),
    ]:
        offer = make_offer(
            session,
            operator=operator,
            hotel=hotel,
            departure_city=city,
            departure_date=in_days(days),
            price=new,
            children=children,
            nights=9,
        )
        if old:
            session.add(
                PriceChange(
                    offer_id=offer.id,
                    changed_at=utcnow() - timedelta(hours=3),
                    old_price=Decimal(old),
                    new_price=Decimal(new),
                    currency="EUR",
                    old_price_base=Decimal(old),
                    new_price_base=Decimal(new),
                )
            )
    session.commit()
    return {"palace": palace.id, "garden": garden.id, "reef": reef.id}


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(0)


def test_the_page_shows_the_biggest_drops_first(client, deals):
    response = client.get("/deals")

    assert response.status_code == 200
    text = main_text(response.text)
    assert "Hot deals" in text
    drops = visible_text(section(response.text, "drops-heading"))
    assert "Biggest price drops, departing by" in drops
    assert drops.index("Side Garden") < drops.index("Antalya Palace")
    assert "−25.0% €750 was €1,000 , €250 less at SunCoast Tours" in drops
    assert "−10.0% €900" in drops
    assert "Hurghada Reef" not in drops


def test_the_page_shows_the_cheapest_tour_per_country(client, deals):
    html = client.get("/deals?currency=usd").text

    cheapest = visible_text(section(html, "cheapest-heading"))
    assert "Cheapest tour to each country for 2 adults, departing by" in cheapest
    assert re.search(r"Egypt Hurghada Reef .*\$695.65", cheapest)
    assert "2 adults" in cheapest and "child" not in cheapest
    assert "Side Garden" not in cheapest  # departs in 25 days


def test_deals_link_to_the_hotel_page_showing_that_offer(client, deals):
    html = client.get("/deals").text

    reef_link = re.search(rf'href="(/hotels/{deals["reef"]}\?[^"]+)"', html).group(1)
    departure = in_days(6)
    assert f"date={departure.isoformat()}" in reef_link
    assert "nights_min=9&amp;nights_max=9" in reef_link
    page = client.get(reef_link.replace("&amp;", "&"))
    assert page.status_code == 200
    text = main_text(page.text)
    assert "1 offer from 1 operator" in text
    assert "Hurghada Reef" in text and "2 adults" in text
    # A family's deal links to the search for that family.
    garden_link = re.search(rf'href="(/hotels/{deals["garden"]}\?[^"]+)"', html).group(1)
    family = main_text(client.get(garden_link.replace("&amp;", "&")).text)
    assert "Side Garden" in family and "2 adults + 1 child" in family


def test_nothing_to_show_says_so(client, db_url):
    text = main_text(client.get("/deals").text)

    assert "No prices have dropped on tours departing in the next weeks." in text
    assert "No tours depart in the next two weeks." in text


def test_every_page_links_to_the_deals_in_its_header(client, deals):
    for url in ["/", "/deals", f"/hotels/{deals['palace']}", "/hotels/0"]:
        header = re.search(r"<header.*?</header>", client.get(url).text, re.S).group(0)
        assert re.search(r'<nav [^>]*aria-label="Main">', header)
        assert '<a href="/deals">Hot deals</a>' in header


def test_the_api_returns_both_lists(client, deals):
    response = client.get("/api/deals?currency=USD")

    assert response.status_code == 200
    body = response.json()
    assert body["currency"] == "USD"
    assert body["drops_until"] == (in_days(30)).isoformat()
    assert [d["offer"]["hotel_name"] for d in body["price_drops"]] == [
        "Side Garden",
        "Antalya Palace",
    ]
    first = body["price_drops"][0]
    assert (first["drop_percent"], first["old_price"], first["offer"]["price"]) == (
        "25.0",
        "1086.96",
        "815.22",
    )
    assert [o["country_code"] for o in body["cheapest_by_country"]] == ["EG"]  # TR: too late


def test_the_api_refuses_an_unknown_currency(client, deals):
    response = client.get("/api/deals?currency=XYZ")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "currency"]
