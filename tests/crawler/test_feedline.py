"""Crawls of FeedLine's bulk gzip XML export, into SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlalchemy import select

from crawler.parsing.names import match_key
from models import CrawlRun, HotelAlias
from sandbox.catalog import OperatorCatalog
from sandbox.profiles import FEEDLINE
from sandbox.world import World
from tests.crawler.conftest import offers_by_key


def catalog(sandbox, **control) -> OperatorCatalog:
    """The operator's own catalogue, the truth the crawl is compared with."""
    anchor = date.fromisoformat(sandbox.client.get("/_sandbox/world").json()["anchor"])
    return OperatorCatalog(World(seed=42, anchor=anchor), FEEDLINE, 300, **control)


def test_crawl_stores_every_offer_of_the_feed(crawl, sandbox, session):
    result = crawl("feedline")
    assert result.returncode == 0, result.stderr
    assert "succeeded" in result.stdout
    offers = offers_by_key(session)
    truth = {offer.key: offer for offer in catalog(sandbox).offers()}
    assert set(offers) == set(truth) and len(offers) == 300
    for key, offer in offers.items():
        expected = truth[key]
        assert (offer.price, offer.surcharge) == (expected.price, expected.surcharge), key
        assert offer.currency == "EUR" and offer.meal == expected.meal_code
        assert offer.availability == expected.availability, key
        assert (offer.nights, offer.adults, offer.children) == (
            expected.nights,
            expected.adults,
            expected.children,
        )
        assert offer.departure_date == expected.departure_date
        assert offer.hotel.stars == expected.hotel.stars
        # The feed's normalized name, not the original with the resort in brackets.
        assert match_key(offer.hotel.name) == match_key(expected.hotel.name), key
        assert offer.url == f"{sandbox.url}/feedline/offer/{key}"
    assert {o.availability for o in offers.values()} == {
        "available",
        "on_request",
        "stop_sale",
        "sold_out",
    }
    aliases = session.scalars(select(HotelAlias)).all()
    assert aliases and all("(" not in alias.operator_hotel_name for alias in aliases)
    run = session.scalars(select(CrawlRun)).one()
    assert run.operator.name == "FeedLine Holidays"
    assert (run.status, run.items_stored, run.items_dropped) == ("succeeded", 300, 0)
    assert run.stats["tourscope/expected_items"] == 300


@pytest.mark.parametrize("fault", ["truncated", "down"])
def test_failed_feed_leaves_live_offers_exactly_as_they_were(crawl, sandbox, session, fault):
    assert crawl("feedline").returncode == 0
    snapshot = {
        k: (o.price, o.is_active, o.last_seen_at) for k, o in offers_by_key(session).items()
    }

    sandbox.configure("feedline", epoch=1, fault=fault)
    result = crawl("feedline")
    assert result.returncode == 1
    assert "crawl failed for feedline" in result.stderr

    after = {k: (o.price, o.is_active, o.last_seen_at) for k, o in offers_by_key(session).items()}
    assert after == snapshot
    failed = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
    assert failed.status == "failed" and failed.error_message
    if fault == "truncated":
        assert "cut off" in failed.stats["tourscope/feed_error"]

    sandbox.configure("feedline", epoch=1)  # the operator recovers; so does the catalogue
    assert crawl("feedline").returncode == 0
    assert sum(1 for o in offers_by_key(session).values() if not o.is_active) > 0


def test_offers_missing_fields_are_dropped_with_counted_reasons(crawl, sandbox, session):
    sandbox.configure("feedline", fault="missing_fields")
    result = crawl("feedline")
    assert result.returncode == 0, result.stderr
    run = session.scalars(select(CrawlRun)).one()
    assert (run.items_stored, run.items_dropped) == (270, 30)
    reasons = {
        k.removeprefix("tourscope/dropped/"): v for k, v in run.stats.items() if "dropped/" in k
    }
    assert reasons == {"no_hotel": 15, "no_price": 15}
    assert "FL0000007" not in offers_by_key(session)
