"""The cheapest price of a hotel for one search, day by day, rebuilt from price changes."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from models import PriceChange
from models.agency_time import agency_midnight, agency_today
from models.catalog.price_history import cheapest_price_by_day
from models.catalog.search_filters import SearchFilters
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)


def seed_history(session: Session):
    """Two offers of one hotel: A first seen 10 days ago at 1234, cut to 1100 six days
    ago; B seen 3 days ago at 1150, now 1180 since yesterday."""
    resort = make_resort(session, make_country(session, "TR", "Turkey"), "Antalya")
    hotel = make_hotel(session, resort, "Antalya Palace", 5)
    city = make_departure_city(session, "MOW", "Moscow")
    operator = make_operator(session, "suncoast", "SunCoast Tours")
    today = agency_today()

    def noon(days_ago: int):
        return agency_midnight(today - timedelta(days=days_ago)) + timedelta(hours=12)

    a = make_offer(session, operator=operator, hotel=hotel, departure_city=city, price="1100")
    a.first_seen_at = noon(10)
    b = make_offer(session, operator=operator, hotel=hotel, departure_city=city, price="1180")
    b.first_seen_at = noon(3)
    for offer, days_ago, old, new in ((a, 6, "1234", "1100"), (b, 1, "1150", "1180")):
        session.add(
            PriceChange(
                offer_id=offer.id,
                changed_at=noon(days_ago),
                old_price=Decimal(old),
                new_price=Decimal(new),
                currency="EUR",
                old_price_base=Decimal(old),
                new_price_base=Decimal(new),
            )
        )
    session.commit()
    return hotel, today


def test_each_day_has_the_cheapest_price_known_by_its_end(session):
    hotel, today = seed_history(session)

    history = cheapest_price_by_day(session, hotel.id, SearchFilters(currency="EUR"))

    prices = {(today - point.day).days: point.price for point in history.points}
    assert sorted(prices, reverse=True) == list(range(10, -1, -1))  # since A was first seen
    assert prices[10] == prices[7] == Decimal("1234.00")
    assert prices[6] == prices[4] == Decimal("1100.00")
    assert prices[3] == prices[0] == Decimal("1100.00")  # B never undercut A
    assert history.first.price == Decimal("1234.00")
    assert history.last.price == Decimal("1100.00")


def test_the_series_follows_the_search_and_its_currency(session):
    hotel, today = seed_history(session)

    other_party = cheapest_price_by_day(session, hotel.id, SearchFilters(adults=1))
    in_euros = cheapest_price_by_day(session, hotel.id, SearchFilters(currency="EUR"), days=3)

    assert other_party.points == []
    days = [point.day for point in in_euros.points]
    assert days == [today - timedelta(days=n) for n in (2, 1, 0)]
    assert in_euros.currency == "EUR"


def test_a_search_with_no_offers_is_an_empty_series(session):
    hotel, _ = seed_history(session)

    history = cheapest_price_by_day(session, hotel.id, SearchFilters(country="EG"))

    assert history.points == [] and history.first is None
