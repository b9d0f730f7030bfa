"""The price calendar: every date of the window, the party's minimum price each day."""

import random
from datetime import date
from decimal import Decimal

import pytest

from models.catalog.calendar import MAX_CALENDAR_DAYS, price_calendar
from models.catalog.search_filters import SearchFilters
from tests.factories import (
    in_days,
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)


@pytest.fixture
def make(session):
    operator = make_operator(session)
    city = make_departure_city(session)
    turkey = make_country(session, "TR", "Turkey")
    egypt = make_country(session, "EG", "Egypt")
    hotels = {
        "TR": make_hotel(session, make_resort(session, turkey, "Side"), "Side Garden"),
        "EG": make_hotel(session, make_resort(session, egypt, "Hurghada"), "Reef"),
    }

    def offer(days: int, price: str, country: str = "TR", **fields):
        return make_offer(
            session,
            operator=operator,
            hotel=hotels[country],
            departure_city=city,
            departure_date=in_days(days),
            price=price,
            **fields,
        )

    return offer


def prices(calendar) -> dict[date, Decimal | None]:
    return {day.day: day.min_price for day in calendar.days}


def test_every_date_of_the_window_with_its_minimum_or_none(session, make):
    make(10, "900.00")
    make(10, "750.00")
    make(12, "800.00")
    make(12, "1200.00", is_active=False)
    make(11, "100.00", country="EG")  # another country
    make(11, "50.00", adults=2, children=1)  # another party

    calendar = price_calendar(
        session, SearchFilters(country="TR", date_from=in_days(9), date_to=in_days(13))
    )

    assert prices(calendar) == {
        in_days(9): None,
        in_days(10): Decimal("750.00"),
        in_days(11): None,
        in_days(12): Decimal("800.00"),
        in_days(13): None,
    }
    assert (calendar.cheapest, calendar.dearest) == (Decimal("750.00"), Decimal("800.00"))
    assert calendar.level(Decimal("750.00")) == 0
    assert calendar.level(Decimal("800.00")) == 4
    assert calendar.level(None) is None


def test_the_party_rule_and_other_filters_apply(session, make):
    make(5, "500.00", adults=2, children=0)
    make(5, "900.00", adults=2, children=1, nights=10)
    make(5, "800.00", adults=2, children=1, nights=3)

    filters = SearchFilters(date=in_days(5), children_ages=[7, 0], nights_min=7)
    calendar = price_calendar(session, filters)

    assert prices(calendar) == {in_days(5): Decimal("900.00")}


def test_prices_are_in_the_visitor_currency(session, make):
    make(3, "920.00")

    calendar = price_calendar(session, SearchFilters(date=in_days(3), flex_days=1, currency="USD"))

    assert calendar.currency == "USD"
    assert prices(calendar) == {in_days(2): None, in_days(3): Decimal("1000.00"), in_days(4): None}


def test_the_default_window_is_the_searchs_and_long_windows_are_cut(session, make):
    default = price_calendar(session, SearchFilters())
    assert default.days[0].day == in_days(1)
    assert len(default.days) == 31
    assert default.cheapest is None

    wide = price_calendar(session, SearchFilters(date_from=in_days(1), date_to=in_days(300)))
    assert len(wide.days) == MAX_CALENDAR_DAYS
    assert wide.days[-1].day == in_days(MAX_CALENDAR_DAYS)


def test_a_past_from_date_starts_the_calendar_today(session, make):
    make(0, "300.00")

    calendar = price_calendar(session, SearchFilters(date_from=in_days(-2), date_to=in_days(1)))

    assert prices(calendar) == {in_days(0): Decimal("300.00"), in_days(1): None}


def test_each_days_minimum_is_over_the_whole_nights_range_and_only_offers_on_sale(session, make):
    make(3, "700.00", nights=7)
    make(3, "650.00", nights=9)
    make(3, "600.00", nights=9, is_active=False)  # no longer listed
    make(3, "500.00", nights=6)  # shorter than the range
    make(3, "400.00", nights=11)  # longer
    make(4, "820.00", nights=10)
    make(4, "810.00", nights=10, country="EG")
    make(4, "300.00", nights=10, children=1)  # another party
    stop_sale = make(5, "200.00", nights=8)
    stop_sale.availability = "stop_sale"
    make(5, "990.00", nights=8)
    session.flush()

    filters = SearchFilters(
        country="TR", date_from=in_days(2), date_to=in_days(6), nights_min=7, nights_max=10
    )

    assert prices(price_calendar(session, filters)) == {
        in_days(2): None,
        in_days(3): Decimal("650.00"),
        in_days(4): Decimal("820.00"),
        in_days(5): Decimal("990.00"),
        in_days(6): None,
    }
    only_max = filters.model_copy(update={"nights_min": None})
    assert prices(price_calendar(session, only_max))[in_days(3)] == Decimal("500.00")
    only_min = filters.model_copy(update={"nights_max": None})
    assert prices(price_calendar(session, only_min))[in_days(3)] == Decimal("400.00")


def test_a_calendar_read_day_by_day_matches_one_read_of_every_offer(session, make):
    """On PostgreSQL a calendar reads the offers one day at a time; the reference reads
    them all at once (`from_offers`): the two agree, whatever the filters."""
    rng = random.Random(12)
    for _ in range(300):
        offer = make(
            rng.randrange(1, 21),
            f"{rng.randrange(300, 2000)}.{rng.choice(['00', '50', '99'])}",
            country=rng.choice(["TR", "TR", "EG"]),
            nights=rng.randrange(3, 15),
            adults=rng.choice([2, 2, 1]),
            children=rng.choice([0, 0, 1]),
            meal=rng.choice(["BB", "HB", "AI"]),
            is_active=rng.random() > 0.1,
        )
        offer.availability = rng.choice(["available"] * 4 + ["on_request", "stop_sale"])
    session.flush()

    window = {"date_from": in_days(1), "date_to": in_days(20)}
    searches = [
        SearchFilters(country="TR", nights_min=7, nights_max=10, **window),
        SearchFilters(country="EG", nights_min=5, children_ages=[7], **window),
        SearchFilters(nights_max=8, meal_min="HB", **window),
        SearchFilters(country="TR", price_max=900, currency="USD", **window),
        SearchFilters(country="TR", departure_city="MOW", adults=1, **window),
        SearchFilters(date=in_days(10), flex_days=3, nights_min=10),
    ]
    for filters in searches:
        calendar = price_calendar(session, filters)
        assert calendar == price_calendar(session, filters, from_offers=True), filters
        assert calendar.cheapest is not None, filters
