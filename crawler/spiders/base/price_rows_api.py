"""Operators that publish a paged JSON API of flat price rows (SAMO-tour's SearchTour_PRICES)."""

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawler.crawlstats import SKIPPED_PREFIX
from crawler.items import OfferItem
from crawler.spiders.base.operator import OperatorSpider

GROUP_ROW_STAT = SKIPPED_PREFIX + "group_row"
# Worst first: an offer is as available as its least available part (hotel, flights).
AVAILABILITY_SEVERITY = ("sold_out", "stop_sale", "on_request", "available")


class PriceRowsApiSpider(OperatorSpider):
    """Reads every page of a JSON API whose answer is a flat list of price rows.

    A leaf spider sets `api_path` and `api_params` (the fixed query), `page_param`,
    `result_key` (the object of the answer that holds the rows and the paging),
    `row_fields` (raw field -> key of a row) and `offer_path` (the deep link, formatted
    with the raw fields). Optional: `group_flag`, the key that marks rows that are
    group minimums rather than bookable offers (they are skipped and counted), and
    `availability_fields` (part -> key of its availability letter), read into marks
    such as "hotel:N" that `availability_map` translates; the worst part wins.

    The first page announces the number of offers (`total_key`) and of pages
    (`pages_key`); the other pages are then requested all at once.
    """

    api_path: ClassVar[str]
    api_params: ClassVar[dict[str, str]] = {}
    page_param: ClassVar[str] = "page"
    result_key: ClassVar[str | None] = None
    rows_key: ClassVar[str] = "prices"
    pages_key: ClassVar[str] = "pages"
    total_key: ClassVar[str | None] = "total"
    row_fields: ClassVar[dict[str, str]]
    availability_fields: ClassVar[dict[str, str]] = {}
    group_flag: ClassVar[str | None] = None
    offer_path: ClassVar[str] = "/tour/{offer_key}"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.page_request(1)

    def page_request(self, page: int) -> scrapy.Request:
        query = urlencode({**self.api_params, self.page_param: page})
        return scrapy.Request(
            f"{self.operator_url}{self.api_path}?{query}",
            callback=self.parse,
            cb_kwargs={"page": page},
        )

    def parse(self, response: Response, page: int) -> Iterator[OfferItem | scrapy.Request]:
        result = self.read_result(response, page)
        if result is None:
            return
        if page == 1:
            total = result.get(self.total_key) if self.total_key else None
            if total is not None:
                self.crawler.stats.set_value("tourscope/expected_items", int(total))
            for next_page in range(2, int(result.get(self.pages_key) or 1) + 1):
                yield self.page_request(next_page)
        rows = result[self.rows_key]
        if not rows:
            self.logger.warning("No price rows on page %s: %s", page, response.url)
            self.crawler.stats.inc_value("tourscope/empty_pages")
        for row in rows:
            if self.group_flag and row.get(self.group_flag):
                # A group minimum ("from 540 USD") is not an offer: never stored, and not
                # part of the count the operator announced, so it must not reach the items.
                self.crawler.stats.inc_value(GROUP_ROW_STAT)
                key = row.get(self.row_fields.get("offer_key", ""))
                self.logger.info("Dropped row %s: a group minimum, not a bookable offer", key)
                continue
            yield self.parse_row(row)

    def read_result(self, response: Response, page: int) -> Mapping[str, Any] | None:
        """The answer's object holding rows and paging; None (and an error) if unreadable."""
        try:
            answer = response.json()
        except (AttributeError, ValueError):
            self.logger.error(
                "Page %s of the price API is not JSON (cut off?): %s", page, response.url
            )
            return None
        result = (
            answer.get(self.result_key) if self.result_key and isinstance(answer, dict) else answer
        )
        if not isinstance(result, dict) or not isinstance(result.get(self.rows_key), list):
            self.logger.error(
                "Page %s of the price API has no %r rows: %s", page, self.rows_key, response.url
            )
            return None
        return result

    def parse_row(self, row: Mapping[str, Any]) -> OfferItem:
        raw = {field: row.get(key) for field, key in self.row_fields.items()}
        if self.availability_fields:
            raw["availability"] = self.availability_mark(row)
        return self.make_offer(raw, self.operator_url + self.offer_path.format_map(raw))

    def availability_mark(self, row: Mapping[str, Any]) -> str | None:
        """The mark ("hotel:N") of the least available part of the offer, for availability_map."""
        marks = [
            f"{part}:{row[key]}" for part, key in self.availability_fields.items() if row.get(key)
        ]
        known = [mark for mark in marks if mark in self.availability_map]
        if not known:
            return marks[0] if marks else None
        return min(known, key=lambda mark: AVAILABILITY_SEVERITY.index(self.availability_map[mark]))
