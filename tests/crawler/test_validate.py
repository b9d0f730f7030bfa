"""Every dropped offer has a readable reason and a stable stats key."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from crawler.items import OfferItem
from crawler.pipelines.validate import drop_reason

TODAY = date(2026, 11, 26)

GOOD = OfferItem(
    operator="suncoast",
    offer_key="SC-1",
    url="http://127.0.0.1/tour/SC-1",
    hotel_code="H1",
    hotel_name="Sea Breeze 4*",
    hotel_stars=4,
    country="Turkey",
    resort="Antalya",
    departure_city="Moscow",
    departure_city_code="MOW",
    departure_date=TODAY + timedelta(days=10),
    nights=7,
    meal_raw="All Inclusive",
    room_type="Standard Room",
    adults=2,
    children=0,
    price=Decimal("1200"),
    currency="EUR",
    meal="AI",
    country_code="TR",
    hotel_name_clean="Sea Breeze",
    price_base=Decimal("1200"),
)


def test_a_complete_offer_passes():
    assert drop_reason(GOOD, TODAY) is None


@pytest.mark.parametrize(
    ("changes", "slug", "message"),
    [
        ({"price": None, "price_base": None}, "no_price", "no price"),
        ({"price": Decimal("0"), "price_base": Decimal("0")}, "price_not_positive", "price 0 <= 0"),
        (
            {"price": Decimal("-5"), "price_base": Decimal("-5")},
            "price_not_positive",
            "price -5 <= 0",
        ),
        ({"nights": 0}, "nights_out_of_range", "nights 0 not in 1..30"),
        ({"nights": 45}, "nights_out_of_range", "nights 45 not in 1..30"),
        (
            {"departure_date": TODAY - timedelta(days=1)},
            "date_in_past",
            "departure 2026-11-25 is in the past",
        ),
        ({"departure_date": None}, "no_date", "no departure date"),
        ({"meal": None, "meal_raw": "chef's"}, "unknown_meal", 'unknown meal plan "chef\'s"'),
        (
            {"country_code": None, "country": "Atlantis"},
            "unknown_country",
            "unknown country 'Atlantis'",
        ),
        ({"price_base": None, "currency": "XXX"}, "unknown_currency", "unknown currency 'XXX'"),
        ({"price_base": Decimal("9000000")}, "absurd_price", "absurd price 1200 EUR"),
        ({"hotel_name_clean": None}, "no_hotel", "no hotel name"),
        ({"adults": 0}, "bad_party", "adults 0 not in 1..10"),
    ],
)
def test_each_problem_has_its_reason(changes, slug, message):
    assert drop_reason(replace(GOOD, **changes), TODAY) == (slug, message)
