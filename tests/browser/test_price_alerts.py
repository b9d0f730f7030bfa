"""In a browser, at desktop and phone widths: the folded search form, the price chart and a
price-alert subscription (screenshots in test-artifacts/)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from models import PriceChange
from models.agency_time import agency_today
from models.base import utcnow
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.fixture
def hotel_with_history(session):
    country = make_country(session, "TR", "Turkey")
    resort = make_resort(session, country, "Antalya")
    city = make_departure_city(session)
    operator = make_operator(session, "suncoast", "SunCoast Tours")
    hotels = [make_hotel(session, resort, f"Antalya Palace {n}", 5) for n in range(1, 6)]
    for number, hotel in enumerate(hotels):
        offer = make_offer(
            session,
            operator=operator,
            hotel=hotel,
            departure_city=city,
            departure_date=agency_today() + timedelta(days=10),
            price=str(900 + 50 * number),
        )
        offer.first_seen_at = utcnow() - timedelta(days=12)
        for days_ago, old, new in ((8, 1200, 1050), (3, 1050, 900 + 50 * number)):
            session.add(
                PriceChange(
                    offer_id=offer.id,
                    changed_at=utcnow() - timedelta(days=days_ago),
                    old_price=Decimal(old),
                    new_price=Decimal(new),
                    currency="EUR",
                    old_price_base=Decimal(old),
                    new_price_base=Decimal(new),
                )
            )
    session.commit()
    return hotels[0]


@pytest.mark.parametrize("size", SIZES)
def test_results_first_a_chart_and_an_alert_at_each_width(
    browser, web, hotel_with_history, artifacts, size
):
    context = browser.new_context(viewport=SIZES[size], locale="en-US", is_mobile=size == "phone")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{web}/?country=TR&currency=EUR")
        folded = page.locator("details.search-change")
        expect(folded.locator("summary")).to_contain_text("Change search")
        expect(page.locator("form.search-form")).to_be_hidden()
        # The folded form is one line: the results begin right under the title.
        summary_height = folded.locator("summary").bounding_box()["height"]
        assert summary_height < 80, f"the folded form is {summary_height}px tall"
        assert _overflow(page) <= 0
        page.screenshot(path=artifacts / f"results-folded-{size}.png", full_page=False)
        folded.locator("summary").click()
        expect(page.locator("form.search-form")).to_be_visible()

        page.goto(f"{web}/hotels/{hotel_with_history.id}?country=TR&currency=EUR")
        chart = page.locator("section.price-history")
        expect(chart).to_contain_text("Lowest price: €1,200 → €900")
        assert chart.locator("svg").bounding_box()["width"] <= SIZES[size]["width"]
        assert _overflow(page) <= 0
        chart.screenshot(path=artifacts / f"price-history-{size}.png")

        page.get_by_role("link", name="Tell me when this gets cheaper").click()
        page.fill("input[name=email]", f"ann-{size}@example.com")
        page.get_by_role("button", name="Send me the alerts").click()
        expect(page.locator("h1")).to_have_text("Check your mail")
        assert _overflow(page) <= 0
        page.screenshot(path=artifacts / f"alert-subscribed-{size}.png")
    finally:
        context.close()


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
