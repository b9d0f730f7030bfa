"""The hotel page's query: every matching offer of every operator, on both databases."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from models import DepartureCity, Hotel, Operator
from models.base import utcnow
from models.catalog.hotel_page import hotel_offers
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


@dataclass
class World:
    suncoast: Operator
    bluesky: Operator
    aerotour: Operator
    city: DepartureCity
    palace: Hotel
    other: Hotel


@pytest.fixture
def world(session: Session) -> World:
    antalya = make_resort(session, make_country(session, "TR", "Turkey"), "Antalya")
    return World(
        suncoast=make_operator(session, "suncoast", "SunCoast Tours"),
        bluesky=make_operator(session, "bluesky", "BlueSky Travel"),
        aerotour=make_operator(session, "aerotour", "AeroTour"),
        city=make_departure_city(session),
        palace=make_hotel(session, antalya, "Antalya Palace", stars=5),
        other=make_hotel(session, antalya, "Other Hotel", stars=3),
    )


def offer(session: Session, world: World, operator: Operator, **fields):
    fields.setdefault("hotel", world.palace)
    extra = {
        name: fields.pop(name)
        for name in ("availability", "surcharge", "last_seen_at")
        if name in fields
    }
    made = make_offer(session, operator=operator, departure_city=world.city, **fields)
    for name, value in extra.items():
        setattr(made, name, value)
    session.flush()
    return made


def offers_of(session, hotel: Hotel, **filters):
    return hotel_offers(session, hotel.id, SearchFilters(**filters))


def test_every_matching_offer_of_every_operator_side_by_side(session, world):
    offer(session, world, world.suncoast, price="1200.00")
    offer(session, world, world.suncoast, price="1100.00", departure_date=in_days(9))
    offer(session, world, world.bluesky, price="1150.00")
    offer(session, world, world.aerotour, price="990.00", availability="on_request")
    offer(session, world, world.bluesky, price="500.00", hotel=world.other)

    result = offers_of(session, world.palace)

    assert (result.hotel.name, result.hotel.stars) == ("Antalya Palace", 5)
    assert (result.hotel.resort_name, result.hotel.country_code) == ("Antalya", "TR")
    assert result.total_offers == 4
    assert [(o.operator_name, o.price) for o in result.offers] == [
        ("AeroTour", Decimal("990.00")),
        ("SunCoast Tours", Decimal("1100.00")),
        ("BlueSky Travel", Decimal("1150.00")),
        ("SunCoast Tours", Decimal("1200.00")),
    ]
    assert [o.on_request for o in result.offers] == [True, False, False, False]
    assert [(s.operator_name, s.min_price, s.offer_count) for s in result.operators] == [
        ("AeroTour", Decimal("990.00"), 1),
        ("SunCoast Tours", Decimal("1100.00"), 2),
        ("BlueSky Travel", Decimal("1150.00"), 1),
    ]


def test_only_active_bookable_future_offers_are_shown(session, world):
    shown = offer(session, world, world.suncoast)
    offer(session, world, world.suncoast, is_active=False)
    offer(session, world, world.bluesky, availability="sold_out")
    offer(session, world, world.bluesky, availability="stop_sale")
    offer(session, world, world.aerotour, departure_date=in_days(-1))

    result = offers_of(session, world.palace, date_from=in_days(-5), date_to=in_days(30))

    assert [o.offer_id for o in result.offers] == [shown.id]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"nights_min": 8}, ["10 nights"]),
        ({"date_from": in_days(20), "date_to": in_days(25)}, ["late"]),
        ({"operators": ["bluesky"]}, ["bluesky"]),
        ({"meal_min": "AI"}, ["7 nights", "late"]),
        ({"adults": 2, "children_ages": [7]}, ["family"]),
        ({"adults": 2, "children_ages": [7, 1]}, ["family"]),
        ({"price_max": "1000"}, ["7 nights"]),
    ],
)
def test_the_search_filters_apply(session, world, filters, expected):
    made = {
        "7 nights": offer(session, world, world.suncoast, price="900.00"),
        "10 nights": offer(session, world, world.suncoast, nights=10, meal="HB", price="1500.00"),
        "late": offer(session, world, world.suncoast, departure_date=in_days(22), price="1600.00"),
        "bluesky": offer(session, world, world.bluesky, meal="BB", price="1700.00"),
        "family": offer(session, world, world.aerotour, children=1, price="1800.00"),
    }
    names = {made_offer.id: name for name, made_offer in made.items()}

    result = offers_of(session, world.palace, **filters)

    assert [names[o.offer_id] for o in result.offers] == expected


def test_sorted_by_departure_date_on_request(session, world):
    offer(session, world, world.suncoast, price="900.00", departure_date=in_days(20))
    offer(session, world, world.bluesky, price="1500.00", departure_date=in_days(5))
    offer(session, world, world.aerotour, price="1200.00", departure_date=in_days(5))

    by_date = offers_of(session, world.palace, sort="date")
    by_price = offers_of(session, world.palace, sort="price")

    assert [o.price for o in by_date.offers] == [Decimal("1200"), Decimal("1500"), Decimal("900")]
    assert [o.price for o in by_price.offers] == [Decimal("900"), Decimal("1200"), Decimal("1500")]


def test_prices_are_for_the_party_in_the_visitors_currency(session, world):
    checked = utcnow() - timedelta(hours=2)
    offer(
        session,
        world,
        world.suncoast,
        price="1000.00",
        surcharge=Decimal("100.00"),
        children=1,
        nights=8,
        last_seen_at=checked,
    )

    [in_euros] = offers_of(session, world.palace, children_ages=[5]).offers
    [in_dollars] = offers_of(session, world.palace, children_ages=[5], currency="USD").offers

    assert (in_euros.currency, in_euros.price, in_euros.surcharge) == (
        "EUR",
        Decimal("1000.00"),
        Decimal("100.00"),
    )
    assert in_euros.price_per_person == Decimal("333.33")  # 2 adults + 1 child
    assert in_euros.price_per_night == Decimal("125.00")
    assert (in_euros.adults, in_euros.children) == (2, 1)
    assert in_euros.last_seen_at == checked
    assert (in_dollars.currency, in_dollars.price) == ("USD", Decimal("1086.96"))
    assert in_dollars.surcharge == Decimal("108.70")


def test_a_hotel_without_matching_offers_is_still_found(session, world):
    offer(session, world, world.suncoast, nights=7)

    result = offers_of(session, world.palace, nights_min=14)

    assert result.hotel.name == "Antalya Palace"
    assert (result.total_offers, result.offers, result.operators) == (0, [], [])


def test_an_unknown_hotel_is_none(session, world):
    assert hotel_offers(session, 999_999, SearchFilters()) is None


def test_the_offers_come_in_pages_and_the_total_counts_every_offer(session, world):
    for day in range(1, 6):
        offer(session, world, world.suncoast, departure_date=in_days(day))

    def page(number: int):
        filters = SearchFilters(sort="date", page=number)
        return hotel_offers(session, world.palace.id, filters, page_size=3)

    first, second, past_the_end = page(1), page(2), page(9)

    assert (first.total_offers, first.page, first.pages) == (5, 1, 2)
    assert [o.departure_date for o in first.offers] == [in_days(1), in_days(2), in_days(3)]
    assert [o.departure_date for o in second.offers] == [in_days(4), in_days(5)]
    # A page past the end (an old link, a catalogue that shrank) shows the last one.
    assert (past_the_end.page, past_the_end.offers) == (2, second.offers)
