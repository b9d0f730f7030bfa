"""Crawls of AeroTour's asynchronous JSON gate, into SQLite and PostgreSQL."""

import asyncio
import logging

from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from crawler.parsing.currency import to_base
from crawler.spiders.aerotour import AerotourSpider
from models import CrawlRun
from models.catalog.currency import BUILT_IN_RATES
from sandbox.profiles import AEROTOUR
from tests.crawler.conftest import offers_by_key, published


def test_crawl_stores_every_offer_with_its_all_in_price(crawl, sandbox, session):
    result = crawl("aerotour")
    assert result.returncode == 0, result.stderr
    assert "succeeded" in result.stdout
    offers = offers_by_key(session)
    truth = published(sandbox, AEROTOUR)
    assert set(offers) == set(truth) and len(offers) == 300
    for key, offer in offers.items():
        expected = truth[key]
        # The gate quotes the price without the fuel charge; we store the all-in price.
        assert (offer.price, offer.surcharge) == (expected.price, expected.surcharge), key
        assert offer.currency == "RUB" and offer.price_base == to_base(
            expected.price, "RUB", "EUR", BUILT_IN_RATES
        )
        assert offer.meal == expected.meal_code
        assert offer.availability == expected.availability
        assert (offer.nights, offer.adults) == (expected.nights, expected.adults)
        assert offer.departure_date == expected.departure_date
    assert {o.availability for o in offers.values()} == {
        "available",
        "on_request",
        "stop_sale",
        "sold_out",
    }
    offer = offers["AT0000001"]
    assert offer.operator.name == "AeroTour" and offer.url.endswith("/aerotour/tour/AT0000001")
    assert offer.hotel.stars == truth["AT0000001"].hotel.stars
    run = session.scalars(select(CrawlRun)).one()
    assert (run.status, run.items_stored, run.items_dropped) == ("succeeded", 300, 0)
    assert run.stats["tourscope/expected_items"] == 300


def status_response(body: bytes) -> TextResponse:
    return TextResponse("http://gate/aerotour/api/search/s1/status", body=body, encoding="utf-8")


def test_a_search_that_never_finishes_is_an_error(caplog):
    crawler = get_crawler(AerotourSpider, {"TOURSCOPE_SANDBOX_URL": "http://gate"})
    spider = AerotourSpider.from_crawler(crawler)
    running = status_response(b'{"state": "running", "progress": 40}')

    async def parse(polls: int) -> list:
        return [r async for r in spider.parse_status(running, search_id="s1", polls=polls)]

    spider.poll_interval = 0
    [next_poll] = asyncio.run(parse(1))
    assert next_poll.cb_kwargs == {"search_id": "s1", "polls": 2} and next_poll.dont_filter
    with caplog.at_level(logging.ERROR):
        assert asyncio.run(parse(spider.max_polls)) == []
    assert "did not finish after 30 polls" in caplog.text
    assert spider.crawler.stats.get_value("tourscope/gate_errors/search_unfinished") == 1
