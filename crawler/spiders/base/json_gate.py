"""Operators that publish an asynchronous JSON search gate: start, poll, then page results."""

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, ClassVar

import scrapy
from scrapy.http import JsonRequest, Response
from twisted.python.failure import Failure

from crawler.items import HotelContentItem, OfferItem
from crawler.parsing.numbers import parse_int
from crawler.spiders.base.operator import OperatorSpider

# A raw field read from one JSON key, or from several joined by a space ("AI Все включено").
FieldSource = str | tuple[str, ...]


class AsyncJsonGateSpider(OperatorSpider):
    """Starts a search, polls its status until it is done, then reads every results page.

    The gate answers the start with a search id; its status says "running" a while, then
    "done" with the number of tours found (the crawl's expected count). Results come in
    pages of hotels, each with its list of tours; every tour becomes one offer.

    A leaf spider sets the gate's paths (`search_path`; `status_path` and `results_path`
    with {search_id}, {page} and {page_size} placeholders; `link_path` with any raw
    field, e.g. {offer_key}), the JSON keys of the answers (`search_id_key`, `state_key`,
    `done_states`, `failed_states`, `total_key`, `pages_key`, `hotels_key`, `tours_key`),
    and which raw field comes from which key of a hotel (`hotel_fields`) and of a tour
    (`tour_fields`). When availability is a set of yes/no flags, `availability_flags`
    names them: the first flag not `flag_available` becomes the raw availability
    "<flag>=<value>", for `availability_map` to translate.

    When the listing's hotel objects carry the hotel's content, `hotel_content_fields`
    says where (content field -> key, a dotted path such as "geo.lat" for a nested one);
    it is read once a crawl for a hotel whose content is new or stale, at no extra request.
    """

    search_path: ClassVar[str]
    status_path: ClassVar[str]
    results_path: ClassVar[str]
    link_path: ClassVar[str]
    # Sent as the JSON body of the search; a demo gate searches everything anyway.
    search_params: ClassVar[dict[str, Any]] = {}
    page_size: ClassVar[int] = 100
    poll_interval: ClassVar[float] = 2.0  # seconds between status polls
    max_polls: ClassVar[int] = 30

    search_id_key: ClassVar[str]
    state_key: ClassVar[str]
    done_states: ClassVar[frozenset[str]] = frozenset({"done"})
    failed_states: ClassVar[frozenset[str]] = frozenset({"failed", "error"})
    total_key: ClassVar[str]
    pages_key: ClassVar[str]
    hotels_key: ClassVar[str]
    tours_key: ClassVar[str]

    hotel_fields: ClassVar[dict[str, FieldSource]]
    tour_fields: ClassVar[dict[str, FieldSource]]
    availability_flags: ClassVar[tuple[str, ...]] = ()
    flag_available: ClassVar[str] = "Y"
    hotel_content_fields: ClassVar[dict[str, str]] = {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield JsonRequest(
            self.operator_url + self.search_path,
            data=self.search_params,
            callback=self.parse_search,
            errback=self.request_failed,
            dont_filter=True,
        )

    async def parse_search(self, response: Response) -> AsyncIterator[scrapy.Request]:
        answer = self.read_json(response)
        search_id = answer.get(self.search_id_key) if answer is not None else None
        if answer is not None and not search_id:
            self.gate_error("unexpected_json", "No search id in %s: %.200s", response)
        if search_id:
            yield await self.poll(str(search_id), 1)

    async def parse_status(
        self, response: Response, search_id: str, polls: int
    ) -> AsyncIterator[scrapy.Request]:
        answer = self.read_json(response)
        if answer is None:
            return
        state = str(answer.get(self.state_key, ""))
        if state in self.done_states:
            total = parse_int(answer.get(self.total_key))
            if total is not None:
                self.crawler.stats.set_value("tourscope/expected_items", total)
            yield self.results_request(search_id, 1)
        elif state in self.failed_states:
            self.gate_error("search_failed", "Search failed at %s: %.200s", response)
        elif polls >= self.max_polls:
            self.logger.error("Search %s did not finish after %d polls", search_id, polls)
            self.crawler.stats.inc_value("tourscope/gate_errors/search_unfinished")
        else:
            yield await self.poll(search_id, polls + 1)

    def parse_results(self, response: Response, search_id: str, page: int) -> Iterator[Any]:
        answer = self.read_json(response)
        if answer is None:
            return
        hotels = answer.get(self.hotels_key)
        if not isinstance(hotels, list):
            self.gate_error("unexpected_json", "No hotel list in %s: %.200s", response)
            return
        if page == 1:
            pages = parse_int(answer.get(self.pages_key)) or 1
            for later in range(2, pages + 1):
                yield self.results_request(search_id, later)
        for hotel in hotels:
            for tour in hotel.get(self.tours_key) or []:
                yield self.parse_tour(hotel, tour)
            content = self.listed_hotel_content(hotel, response)
            if content is not None:
                yield content

    def listed_hotel_content(
        self, hotel: Mapping[str, Any], response: Response
    ) -> HotelContentItem | None:
        """The content a listed hotel carries, when the crawl wants it now."""
        if not self.hotel_content_fields:
            return None
        code = self.read_fields(hotel, {"code": self.hotel_fields["hotel_code"]})["code"]
        if not self.wants_hotel_content(code, costs_request=False):
            return None
        raw = {field: dig(hotel, path) for field, path in self.hotel_content_fields.items()}
        return self.hotel_content_item(code, response.url, **raw)

    def parse_tour(self, hotel: Mapping[str, Any], tour: Mapping[str, Any]) -> OfferItem:
        """One offer from a tour and the hotel it is listed under."""
        raw = {
            **self.read_fields(hotel, self.hotel_fields),
            **self.read_fields(tour, self.tour_fields),
        }
        raw["availability"] = self.availability_text(tour)
        link = self.link_path.format_map({k: v if v is not None else "" for k, v in raw.items()})
        return self.make_offer(raw, self.operator_url + link)

    @staticmethod
    def read_fields(node: Mapping[str, Any], fields: dict[str, FieldSource]) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        for field, source in fields.items():
            keys = (source,) if isinstance(source, str) else source
            values = [str(node[key]) for key in keys if node.get(key) is not None]
            raw[field] = " ".join(values) if values else None
        return raw

    def availability_text(self, tour: Mapping[str, Any]) -> str | None:
        """The first availability flag that is not "available", as "<flag>=<value>"."""
        for flag in self.availability_flags:
            value = tour.get(flag)
            if value is not None and str(value) != self.flag_available:
                return f"{flag}={value}"
        return None

    async def poll(self, search_id: str, polls: int) -> scrapy.Request:
        """The next status request, after the polling delay (the gate needs time to search)."""
        await asyncio.sleep(self.poll_interval)
        return JsonRequest(
            self.operator_url + self.status_path.format(search_id=search_id),
            callback=self.parse_status,
            errback=self.request_failed,
            cb_kwargs={"search_id": search_id, "polls": polls},
            dont_filter=True,
        )

    def results_request(self, search_id: str, page: int) -> scrapy.Request:
        path = self.results_path.format(search_id=search_id, page=page, page_size=self.page_size)
        return JsonRequest(
            self.operator_url + path,
            callback=self.parse_results,
            errback=self.request_failed,
            cb_kwargs={"search_id": search_id, "page": page},
            dont_filter=True,
        )

    def read_json(self, response: Response) -> dict[str, Any] | None:
        """The answer as a JSON object; None (with a logged, counted error) when it is not one."""
        try:
            answer = response.json()
        except (AttributeError, ValueError):
            self.gate_error("malformed_json", "Malformed JSON from %s: %.200r", response)
            return None
        if not isinstance(answer, dict):
            self.gate_error("unexpected_json", "Expected a JSON object from %s: %.200s", response)
            return None
        return answer

    def gate_error(self, reason: str, message: str, response: Response) -> None:
        self.logger.error(message, response.url, response.text if hasattr(response, "text") else "")
        self.crawler.stats.inc_value(f"tourscope/gate_errors/{reason}")

    def request_failed(self, failure: Failure) -> None:
        """A gate request that failed for good (after retries): the crawl cannot be complete."""
        self.logger.error(
            "Request to %s failed: %s", failure.request.url, failure.getErrorMessage()
        )
        self.crawler.stats.inc_value("tourscope/gate_errors/request_failed")


def dig(node: Any, path: str) -> Any:
    """The value at a dotted path of nested objects ("geo.lat"); None where it stops."""
    for key in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node
