"""The write path of a crawl: staged offers landing in the catalogue, with their history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import CrawlRun, Offer, PriceChange
from models.agency_time import agency_today
from models.base import utcnow
from models.crawls.ingest import land_staged_offers, stage_offers
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_operator,
    make_resort,
)


@pytest.fixture
def place(session):
    """An operator and the places its offers point at."""
    resort = make_resort(session, make_country(session, "TR", "Turkey"), "Side")
    place = {
        "operator": make_operator(session, "bench", "Bench Tours"),
        "country": resort.country,
        "resort": resort,
        "hotel": make_hotel(session, resort, "Side Palace", stars=5),
        "city": make_departure_city(session, "MOW", "Moscow"),
    }
    session.commit()
    return place


def _land(session, place, prices: list[tuple[str, str]]) -> int:
    """Stage `prices` ((offer key, price) in the order the operator listed them) as one run
    and land it; returns the run's id."""
    run = CrawlRun(operator_id=place["operator"].id, started_at=utcnow(), stats={})
    session.add(run)
    session.flush()
    rows = [
        {
            "crawl_run_id": run.id,
            "operator_id": place["operator"].id,
            "offer_key": key,
            "hotel_id": place["hotel"].id,
            "country_id": place["country"].id,
            "resort_id": place["resort"].id,
            "stars": 5,
            "departure_city_id": place["city"].id,
            "departure_date": agency_today() + timedelta(days=10),
            "nights": 7,
            "meal": "AI",
            "room_type": "Standard Room",
            "adults": 2,
            "children": 0,
            "price": Decimal(price),
            "surcharge": Decimal(0),
            "currency": "EUR",
            "price_base": Decimal(price),
            "availability": "available",
            "url": f"http://bench.example/{key}",
        }
        for key, price in prices
    ]
    stage_offers(session, rows)
    session.commit()
    land_staged_offers(session, place["operator"].id, run.id, utcnow())
    session.commit()
    return run.id


def _prices(session) -> dict[str, Decimal]:
    return dict(session.execute(select(Offer.offer_key, Offer.price)).all())


def _changes(session) -> list[tuple[str, Decimal, Decimal, int]]:
    return session.execute(
        select(
            Offer.offer_key, PriceChange.old_price, PriceChange.new_price, PriceChange.crawl_run_id
        )
        .join(Offer, Offer.id == PriceChange.offer_id)
        .order_by(Offer.offer_key)
    ).all()


def test_a_first_landing_stores_each_offer_once_at_its_last_listed_price(session, place):
    # The operator listed A twice: the later line is what it sells now.
    _land(session, place, [("A", "500"), ("B", "700"), ("A", "450")])

    assert _prices(session) == {"A": Decimal("450"), "B": Decimal("700")}
    assert _changes(session) == []  # nothing was on sale before to compare with


def test_a_later_landing_records_each_changed_price_against_its_offer(session, place):
    _land(session, place, [("A", "500"), ("B", "700"), ("C", "900")])
    second = _land(session, place, [("A", "480"), ("B", "700"), ("C", "950"), ("C", "940")])

    assert _prices(session) == {"A": Decimal("480"), "B": Decimal("700"), "C": Decimal("940")}
    assert _changes(session) == [
        ("A", Decimal("500"), Decimal("480"), second),
        ("C", Decimal("900"), Decimal("940"), second),
    ]
