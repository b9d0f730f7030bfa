"""Operators that publish paged HTML search results."""

import re
from collections.abc import AsyncIterator
from typing import ClassVar

import scrapy
from parsel import SelectorList
from scrapy.http import Response

from crawler.crawlstats import EXPECTED_OFFERS
from crawler.items import OfferItem
from crawler.spiders.base.operator import OperatorSpider

_COUNT = re.compile(r"\d[\d\s\u00a0\u202f.,']*")


def read_count(text: str | None) -> int | None:
    """The first number in `text`, its thousands grouped any way ("1 234", "1.234")."""
    match = _COUNT.search(text or "")
    digits = re.sub(r"\D", "", match.group()) if match else ""
    return int(digits) if digits else None


class PagedHtmlSpider(OperatorSpider):
    """Follows "next" links through result pages; one CSS selector per raw field.

    A leaf spider sets `start_path`, `offer_selector` (one node per offer),
    `field_selectors` (raw field -> CSS selector relative to that node, ending in
    ::text or ::attr(...)), `link_selector` (the offer's deep link) and, when the
    page states how many offers there are, `total_selector`.

    When each offer links to the operator's page about its hotel, `hotel_page_selector`
    finds that link (relative to the offer's node) and `hotel_page_fields` says where the
    hotel's content is on that page (content field -> CSS selector; `photos` takes every
    match, a `description` selector without ::text keeps the markup for the pipeline to
    read). A hotel's page is read when its content is new or stale, within the budget.
    """

    start_path: ClassVar[str] = "/search"
    offer_selector: ClassVar[str]
    field_selectors: ClassVar[dict[str, str]]
    link_selector: ClassVar[str]
    next_page_selector: ClassVar[str] = 'a[rel="next"]::attr(href)'
    total_selector: ClassVar[str | None] = None
    hotel_page_selector: ClassVar[str | None] = None
    hotel_page_fields: ClassVar[dict[str, str]] = {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.operator_url + self.start_path, callback=self.parse)

    def parse(self, response: Response):
        """One results page: the offers (and their hotels' pages), then the next page.

        The one paged-HTML loop: a declarative operator (crawler/spiders/base/declarative.py)
        runs it too, reading the page through its YAML selectors instead of class ones.
        """
        stats = self.crawler.stats
        if stats.get_value(EXPECTED_OFFERS) is None:
            total = read_count(self.total_text(response))
            if total is not None:
                stats.set_value(EXPECTED_OFFERS, total)
        offers = self.offer_nodes(response)
        if not offers:
            self.logger.warning("No offers on %s", response.url)
            stats.inc_value("tourscope/empty_pages")
        for node in offers:
            offer = self.parse_offer(node, response)
            yield offer
            hotel_page = self.hotel_page_request(node, offer.hotel_code, response)
            if hotel_page is not None:
                yield hotel_page
        next_page = self.next_page_link(response)
        if next_page:
            yield response.follow(next_page, callback=self.parse)

    # Where the page keeps each thing; a subclass reads them its own way.

    def total_text(self, response: Response) -> str | None:
        """The text stating how many offers the search has, if the page states it."""
        return response.css(self.total_selector).get() if self.total_selector else None

    def offer_nodes(self, response: Response) -> SelectorList:
        return response.css(self.offer_selector)

    def next_page_link(self, response: Response) -> str | None:
        return response.css(self.next_page_selector).get()

    def parse_offer(self, node, response: Response) -> OfferItem:
        raw = {field: node.css(selector).get() for field, selector in self.field_selectors.items()}
        return self.make_offer(raw, response.urljoin(node.css(self.link_selector).get() or ""))

    def hotel_page_request(
        self, node, hotel_code: str | None, response: Response
    ) -> scrapy.Request | None:
        """The request for the offer's hotel page, when its content is wanted now."""
        if not self.hotel_page_selector or not hotel_code:
            return None
        link = node.css(self.hotel_page_selector).get()
        if not link or not self.wants_hotel_content(hotel_code):
            return None
        return response.follow(
            link,
            callback=self.parse_hotel_page,
            errback=self.hotel_content_failed,
            cb_kwargs={"hotel_code": hotel_code},
        )

    def parse_hotel_page(self, response: Response, hotel_code: str):
        raw = {
            field: response.css(selector).getall()
            if field == "photos"
            else response.css(selector).get()
            for field, selector in self.hotel_page_fields.items()
        }
        yield self.hotel_content_item(hotel_code, response.url, **raw)
