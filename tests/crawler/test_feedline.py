"""Crawls of FeedLine's bulk gzip XML export, into SQLite and PostgreSQL."""

from sqlalchemy import select

from crawler.parsing.tidy_names import match_key
from models import CrawlRun, HotelAlias
from sandbox.profiles import FEEDLINE
from tests.crawler.conftest import offers_by_key, published


def test_crawl_stores_every_offer_of_the_feed(crawl, sandbox, session):
    result = crawl("feedline")
    assert result.returncode == 0, result.stderr
    assert "succeeded" in result.stdout
    offers = offers_by_key(session)
    truth = published(sandbox, FEEDLINE)
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
