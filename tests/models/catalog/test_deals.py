"""Hot deals: price drops and the cheapest offer per country, on both databases."""

from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from sqlalchemy.orm import Session

from models import Offer, PriceChange
from models.base import utcnow
from models.catalog.deals import biggest_price_drops, cheapest_by_country, hot_deals
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
def make(session: Session):
    """Makes offers in Turkey (or Egypt) with one operator and city; `changes` adds history."""
    turkey = make_country(session, "TR", "Turkey")
    egypt = make_country(session, "EG", "Egypt")
    hotels = {
        "TR": make_hotel(session, make_resort(session, turkey, "Antalya"), "Antalya Palace"),
        "EG": make_hotel(session, make_resort(session, egypt, "Hurghada"), "Hurghada Reef"),
    }
    operator = make_operator(session, "suncoast", "SunCoast Tours")
    city = make_departure_city(session)

    def offer(
        price: str,
        *,
        days: int = 10,
        country: str = "TR",
        changes: tuple[str, ...] = (),
        availability: str = "available",
        **fields,
    ) -> Offer:
        made = make_offer(
            session,
            operator=operator,
            hotel=hotels[country],
            departure_city=city,
            departure_date=in_days(days),
            price=price,
            **fields,
        )
        made.availability = availability
        # `changes` are the offer's earlier prices, oldest first, each changed a day apart.
        history = [*changes, price]
        for number, (old, new) in enumerate(pairwise(history)):
            session.add(
                PriceChange(
                    offer_id=made.id,
                    changed_at=utcnow() - timedelta(days=len(history) - number),
                    old_price=Decimal(old),
                    new_price=Decimal(new),
                    currency="EUR",
                    old_price_base=Decimal(old),
                    new_price_base=Decimal(new),
                )
            )
        session.flush()
        return made

    return offer


def test_drops_are_ordered_by_percent_then_amount(session, make):
    ten_percent = make("900.00", changes=("1000.00",))
    half = make("500.00", changes=("1000.00",))
    ten_percent_bigger = make("1800.00", changes=("2000.00",))
    make("1100.00", changes=("1000.00",))  # a rise is no deal
    make("700.00")  # never changed

    drops = biggest_price_drops(session)

    assert [drop.offer.offer_id for drop in drops] == [
        half.id,
        ten_percent_bigger.id,
        ten_percent.id,
    ]
    assert (drops[0].old_price, drops[0].offer.price) == (Decimal("1000.00"), Decimal("500.00"))
    assert (drops[0].drop_amount, drops[0].drop_percent) == (Decimal("500.00"), Decimal("50.0"))
    assert (drops[1].drop_amount, drops[1].drop_percent) == (Decimal("200.00"), Decimal("10.0"))


def test_only_the_newest_change_of_an_offer_counts(session, make):
    make("950.00", changes=("1000.00", "800.00"))  # dropped, then rose again: no deal
    dropped_twice = make("700.00", changes=("1000.00", "900.00"))

    [drop] = biggest_price_drops(session)

    assert drop.offer.offer_id == dropped_twice.id
    assert drop.old_price == Decimal("900.00")


def test_only_active_bookable_offers_departing_within_30_days(session, make):
    shown = make("900.00", changes=("1000.00",), days=30)
    on_request = make("900.00", changes=("1000.00",), availability="on_request")
    make("900.00", changes=("1000.00",), days=31)
    make("900.00", changes=("1000.00",), days=-1)
    make("900.00", changes=("1000.00",), is_active=False)
    make("900.00", changes=("1000.00",), availability="sold_out")
    make("900.00", changes=("1000.00",), availability="stop_sale")

    drops = biggest_price_drops(session)

    assert {drop.offer.offer_id for drop in drops} == {shown.id, on_request.id}
    assert {drop.offer.on_request for drop in drops} == {False, True}


def test_drops_in_the_visitors_currency(session, make):
    make("920.00", changes=("1840.00",))

    [drop] = biggest_price_drops(session, currency="USD")

    assert (drop.offer.currency, drop.offer.price, drop.old_price) == (
        "USD",
        Decimal("1000.00"),
        Decimal("2000.00"),
    )
    assert (drop.drop_amount, drop.drop_percent) == (Decimal("1000.00"), Decimal("50.0"))


def test_cheapest_offer_per_country_departing_within_14_days(session, make):
    make("800.00", country="TR", days=5)
    cheapest_turkey = make("700.00", country="TR", days=14)
    make("100.00", country="TR", days=15)  # too late
    make("50.00", country="TR", is_active=False)
    make("60.00", country="TR", availability="sold_out")
    make("70.00", country="TR", days=-1)
    cheapest_egypt = make("1200.00", country="EG", days=1, availability="on_request")
    make("300.00", country="EG", adults=1)  # one adult's trip: not beside the couples'

    offers = cheapest_by_country(session)

    assert [(o.country_name, o.offer_id, o.price) for o in offers] == [
        ("Egypt", cheapest_egypt.id, Decimal("1200.00")),
        ("Turkey", cheapest_turkey.id, Decimal("700.00")),
    ]
    assert (offers[0].hotel_name, offers[0].on_request) == ("Hurghada Reef", True)


def test_nothing_to_show_is_empty(session, make):
    deals = hot_deals(session)

    assert (deals.price_drops, deals.cheapest_by_country) == ([], [])
    assert deals.drops_until == in_days(30)
    assert deals.cheapest_until == in_days(14)
