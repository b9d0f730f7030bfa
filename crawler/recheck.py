"""Single-offer mode: read one offer's own page at its operator, not a whole crawl.

When a visitor asks for a manager about an offer, Tourscope asks the operator whether
that offer is still sold, and at what price. The operator's spider runs with the spider
argument `offer_url` (the offer's deep link); `OfferPageMiddleware` replaces the spider's
start requests by one request for that page, and the spider's `read_offer_page` (each
spider says where its operator writes the price; a declarative operator in its YAML
`offer_page` section) reads it. Nothing is stored by the crawler: no pipelines run, and
the reading is handed back to the caller (`tourscope recheck`).

An operator reached through a published protocol is asked through the protocol's own
actualization instead (Tourvisor's actualize.php, Master-Tour's ActualizeTour...): with
the spider argument `offer_key`, a protocol spider's `actualization_request` replaces the
page, and its `read_actualization` reads the answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.parsing.prices import parse_amount, parse_currency
from crawler.runner import UnknownOperatorError, project_settings

GONE_STATUSES = (404, 410)
UNAVAILABLE = {"stop_sale", "sold_out"}
_READING = "tourscope/recheck/reading"


@dataclass(frozen=True, slots=True)
class OfferPageReading:
    """What the operator's page said: `found` (with the price, when it shows one), `gone`
    (404, or a stop-sale/sold-out word), or `no_answer` (error, timeout, unreadable)."""

    outcome: str
    price: Decimal | None = None
    currency: str | None = None
    detail: str = ""


class OfferPageMiddleware:
    """With the `offer_url` spider argument, the spider's only request is that page."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        spider = self.crawler.spider
        url = getattr(spider, "offer_url", None)
        offer_key = getattr(spider, "offer_key", None)
        actualize = getattr(spider, "actualization_request", None)
        request = actualize(offer_key) if offer_key and actualize else None
        if request is not None:
            yield request.replace(
                callback=self.parse_actualization, errback=self.page_failed, dont_filter=True
            )
            return
        if not url:
            async for request in start:
                yield request
            return
        yield scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.page_failed,
            meta={"handle_httpstatus_list": list(GONE_STATUSES)},
            dont_filter=True,
        )

    def parse_page(self, response: Response) -> None:
        spider = self.crawler.spider
        if response.status in GONE_STATUSES:
            self._record(
                OfferPageReading("gone", detail=f"the operator answered {response.status}")
            )
            return
        try:
            price_text, word = spider.read_offer_page(response)
        except NotImplementedError as error:
            self._record(OfferPageReading("no_answer", detail=str(error)))
            return
        availability = spider.availability_map.get(word, "available") if word else "available"
        if availability in UNAVAILABLE:
            self._record(OfferPageReading("gone", detail=f"the operator says {word!r}"))
            return
        price = parse_amount(price_text, spider.number_format)
        if price is None:
            detail = f"no price on the page ({price_text!r})"
            self._record(OfferPageReading("no_answer", detail=detail))
            return
        currency = parse_currency(price_text, spider.default_currency)
        self._record(OfferPageReading("found", price, currency, detail=price_text or ""))

    def parse_actualization(self, response: Response) -> None:
        try:
            answer = self.crawler.spider.read_actualization(response)
        except Exception as error:  # an answer the protocol's reader could not make sense of
            self._record(OfferPageReading("no_answer", detail=f"unreadable answer: {error}"))
            return
        self._record(
            OfferPageReading(answer.outcome, answer.price, answer.currency, detail=answer.detail)
        )

    def page_failed(self, failure: Failure) -> None:
        problem = failure.getErrorMessage()
        if failure.check(HttpError):
            problem = f"the operator answered {failure.value.response.status}"
        self._record(OfferPageReading("no_answer", detail=problem))

    def _record(self, reading: OfferPageReading) -> None:
        self.crawler.stats.set_value(_READING, reading)


def read_offer_page(
    operator: str, url: str, timeout: float = 15, offer_key: str | None = None
) -> OfferPageReading:
    """Fetch and read one offer's page with `operator`'s spider (a protocol operator:
    actualize `offer_key` through its protocol); blocks up to ~`timeout` s.

    Runs a Scrapy reactor in this process, so call it once per process (the
    `tourscope recheck` command does).
    """
    settings = project_settings()
    settings.set("ITEM_PIPELINES", {})
    settings.set(
        "SPIDER_MIDDLEWARES",
        {"crawler.batching.OfferBatchMiddleware": None, "crawler.recheck.OfferPageMiddleware": 50},
    )
    settings.set("RETRY_ENABLED", False)
    settings.set("AUTOTHROTTLE_ENABLED", False)
    settings.set("DOWNLOAD_TIMEOUT", timeout)
    settings.set("CLOSESPIDER_TIMEOUT", timeout)
    settings.set("LOG_LEVEL", "ERROR")
    process = CrawlerProcess(settings)
    if operator not in process.spider_loader.list():
        raise UnknownOperatorError(f"unknown operator {operator!r}")
    crawler = process.create_crawler(operator)
    process.crawl(crawler, offer_url=url, offer_key=offer_key)
    process.start()
    reading = crawler.stats.get_value(_READING)
    if reading is None:
        return OfferPageReading("no_answer", detail=f"no answer within {timeout:g} s")
    return reading
