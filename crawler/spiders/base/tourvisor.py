"""Tourvisor's agency search API (`tourvisor.ru/xml/*.php`; docs/protocols/tourvisor.md).

Every call is a GET carrying the account's `authlogin`/`authpass` and `format=json`. A
crawl reads the reference lists (`list.php`, Tourvisor's own ids), then for each query
starts a search (`search.php` -> request id), polls `result.php?type=status` until the
search is finished, and only then reads the results whole, page by page of hotels with
their tours. Tourvisor aggregates many operators: each tour names its real operator,
and its `tourid` (unique per tour) is the offer key and what `actualize.php` re-checks.

The JSON mirrors Tourvisor's XML, so a list of one element comes as a bare object:
every list is read through `as_list`. A refusal comes as HTTP 200 with
`{"error": {"errormessage": ...}}` ("Authorisation Error", "dateto - bad format").

A hotel found whose content is new or stale is also asked about once (`hotel.php`:
description, photos in `images.image`, `coord1`/`coord2` for latitude/longitude, phone),
within the requests the sweep leaves of the account's budget.
"""

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from math import ceil
from typing import Any, ClassVar
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.accounts import resolve_credential
from crawler.crawlstats import CONTENT_PREFIX, EXPECTED_OFFERS
from crawler.items import HotelContentItem, OfferItem, ReferenceBatch
from crawler.parsing.numbers import parse_int
from crawler.parsing.prices import parse_amount
from crawler.spiders.base.search_api import ActualizationReading, SearchApiSpider
from crawler.sweep import ProtocolLimits, SearchQuery, SweepPlan

# Tourvisor's `currency` parameter: 0 roubles, 1 "у.е." (EUR or USD by country), 2, 3.
CURRENCY_PARAMS = {"RUB": 0, "EUR": 1, "USD": 1, "BYN": 2, "KZT": 3}
FINISHED_STATES = frozenset({"finished"})
# States some clients treat as final failures (docs: "Uncertain").
FAILED_STATES = frozenset({"error", "no search results"})


def as_list(node: Any) -> list[Any]:
    """A Tourvisor list: absent, one bare object (the XML mirror), or an array."""
    if node is None or node == "" or node == {}:
        return []
    return node if isinstance(node, list) else [node]


# kind -> list.php's plural and singular keys, and what to keep beside the id and name.
# A meal's `name` is its code (AI, UAI...): a surer key to map than its Russian words.
# Countries come first: regions and hotels are mapped within their country.
REFERENCE_LISTS = {
    "country": ("countries", "country", ()),
    "departure": ("departures", "departure", ("namefrom",)),
    "meal": ("meals", "meal", ("russian",)),
    "stars": ("stars", "star", ()),
    "operator": ("operators", "operator", ()),
    "region": ("regions", "region", ("country",)),
    "hotel": ("hotels", "hotel", ("stars", "rating", "region", "subregion")),
}


def reference(entry: Mapping[str, Any], extra: Iterable[str]) -> tuple[str, str, dict]:
    """(id, name, data) of one list.php entry, for `remember`."""
    return str(entry.get("id")), str(entry.get("name", "")), {k: entry.get(k) for k in extra}


def list_entries(lists: Mapping[str, Any], plural: str, singular: str) -> list[dict[str, Any]]:
    group = lists.get(plural)
    entries = as_list(group.get(singular)) if isinstance(group, dict) else []
    return [entry for entry in entries if isinstance(entry, dict)]


class TourvisorSpider(SearchApiSpider):
    answers_json = True
    protocol = "tourvisor"
    # "dateto at most 14 days after datefrom"; no documented span of nights or rate cap.
    limits = ProtocolLimits(max_window_days=14)
    # list.php for departures, countries, meals, stars and operators; one for regions;
    # hotels are one more per swept country (see `plan`).
    reference_request_count = 2
    # search.php, status polls (about 4 until finished), one page of results.
    requests_per_query = 6
    check_path = "/list.php"
    asks_hotel_information = True
    surcharge_included = True  # `fuelcharge` is quoted for information, inside `price`
    hotels_per_page: ClassVar[int] = 100
    max_polls: ClassVar[int] = 40

    @classmethod
    def plan(cls, today=None) -> SweepPlan:
        plan = super().plan(today)
        hotel_lists = len(set(cls.account.sweep.countries))
        return replace(plan, reference_requests=plan.reference_requests + hotel_lists)

    @classmethod
    def check_target(cls, sandbox_url: str) -> tuple[str, dict[str, str]]:
        url, _ = super().check_target(sandbox_url)
        credentials = {
            "authlogin": resolve_credential(cls.account, "login"),
            "authpass": resolve_credential(cls.account, "password"),
        }
        return url, {**credentials, "format": "json", "type": "departure"}

    @classmethod
    def refusal(cls, answer: Any) -> str | None:
        return error_message(answer)

    @property
    def poll_interval(self) -> float:
        """Seconds between status polls: 1.5-2 s is what Tourvisor's clients use."""
        default = 0.2 if self.account.on_sandbox else 2.0
        return float(self.account.options.get("poll_seconds", default))

    # -- requests ---------------------------------------------------------------------

    def api_request(self, script: str, params: Mapping[str, Any], **kwargs) -> scrapy.Request:
        query = {
            "authlogin": self.credential("login"),
            "authpass": self.credential("password"),
            "format": "json",
            **params,
        }
        return scrapy.Request(
            f"{self.operator_url}/{script}?{urlencode(query)}",
            dont_filter=True,
            errback=self.request_failed,
            **kwargs,
        )

    @property
    def currency_param(self) -> dict[str, int]:
        currency = self.account.currency
        return {"currency": CURRENCY_PARAMS[currency]} if currency in CURRENCY_PARAMS else {}

    # -- reference lists --------------------------------------------------------------

    async def sync_references(self) -> AsyncIterator[ReferenceBatch]:
        asks = [{"type": "departure,country,meal,stars,operator"}, {"type": "region"}]
        for params in asks:
            lists = await self.fetch_lists(params)
            if lists is None:
                return
            for batch in self.read_lists(lists):
                yield batch
        # Hotels come one country at a time (`hotcountry` is required): the swept ones.
        for country in dict.fromkeys(self.account.sweep.countries):
            country_id = self.references.id_for("country", country)
            if country_id is None:
                continue
            lists = await self.fetch_lists({"type": "hotel", "hotcountry": country_id})
            if lists is None:
                return
            for batch in self.read_lists(lists, hotel_country=country_id):
                yield batch

    def read_lists(
        self, lists: Mapping[str, Any], hotel_country: str | None = None
    ) -> Iterator[ReferenceBatch]:
        """Remember every reference list of one list.php answer (countries before regions)."""
        for kind, (plural, singular, extra) in REFERENCE_LISTS.items():
            if plural not in lists:
                continue
            values = [reference(entry, extra) for entry in list_entries(lists, plural, singular)]
            if kind == "hotel":
                country = self.references.code("country", hotel_country)
                values = [(i, name, {**data, "country": hotel_country}) for i, name, data in values]
                yield self.remember(kind, values, country=country)
            else:
                yield self.remember(kind, values)

    async def fetch_lists(self, params: Mapping[str, Any]) -> dict[str, Any] | None:
        request = self.api_request("list.php", params)
        try:
            response = await self.fetch(request)
        except Exception as error:  # the download failed for good, after its retries
            failure = Failure(error)
            failure.request = request
            self.request_failed(failure)
            return None
        answer = self.read_answer(response)
        if answer is None:
            return None
        lists = answer.get("lists")
        if not isinstance(lists, dict):
            self.answer_error("unexpected_json", "No lists", response)
            return None
        return lists

    # -- searching --------------------------------------------------------------------

    def search_params(self, query: SearchQuery) -> dict[str, Any]:
        params: dict[str, Any] = {
            "departure": self.references.id_for("departure", query.departure),
            "country": self.references.id_for("country", query.country),
            "datefrom": f"{query.date_from:%d.%m.%Y}",
            "dateto": f"{query.date_to:%d.%m.%Y}",
            "nightsfrom": query.nights_min,
            "nightsto": query.nights_max,
            "adults": query.adults,
            "child": len(query.children_ages),
            **self.currency_param,
        }
        for number, age in enumerate(query.children_ages, 1):
            params[f"childage{number}"] = max(1, age)  # an infant is 1 for Tourvisor
        return params

    def search_requests(self, query: SearchQuery) -> Iterable[scrapy.Request]:
        yield self.api_request(
            "search.php",
            self.search_params(query),
            callback=self.parse_search,
            cb_kwargs={"query": query},
        )

    async def parse_search(
        self, response: Response, query: SearchQuery
    ) -> AsyncIterator[scrapy.Request]:
        answer = self.read_answer(response)
        if answer is None:
            return
        result = answer.get("result")
        request_id = result.get("requestid") if isinstance(result, dict) else None
        if not request_id:
            self.answer_error("unexpected_json", "No request id", response)
            return
        yield await self.poll(str(request_id), query, 1)

    async def poll(self, request_id: str, query: SearchQuery, polls: int) -> scrapy.Request:
        await asyncio.sleep(self.poll_interval)  # the search needs time to ask the operators
        return self.api_request(
            "result.php",
            {"requestid": request_id, "type": "status"},
            callback=self.parse_status,
            cb_kwargs={"request_id": request_id, "query": query, "polls": polls},
        )

    async def parse_status(
        self, response: Response, request_id: str, query: SearchQuery, polls: int
    ) -> AsyncIterator[scrapy.Request]:
        answer = self.read_answer(response)
        if answer is None:
            return
        status = (answer.get("data") or {}).get("status")
        if not isinstance(status, dict):
            self.answer_error("unexpected_json", "No search status", response)
            return
        state = str(status.get("state", ""))
        if state in FINISHED_STATES:
            for request in self.result_requests(request_id, query, status):
                yield request
        elif state in FAILED_STATES:
            self.answer_error("search_failed", "Search failed", response)
        elif polls >= self.max_polls:
            message = f"Search {request_id} did not finish after {polls} polls"
            self.answer_error("search_unfinished", message)
        else:
            yield await self.poll(request_id, query, polls + 1)

    def result_requests(
        self, request_id: str, query: SearchQuery, status: Mapping[str, Any]
    ) -> Iterator[scrapy.Request]:
        """Every page of a finished search: the hotels it found, `hotels_per_page` a page."""
        hotels, tours = parse_int(status.get("hotelsfound")), parse_int(status.get("toursfound"))
        if hotels is None or tours is None:
            message = f"Search {request_id} finished without its counts: {status!r:.200}"
            self.answer_error("unexpected_json", message)
            return
        # Every tour found is read below, so the count is what the crawl must store.
        self.crawler.stats.inc_value(EXPECTED_OFFERS, tours)
        for page in range(1, ceil(hotels / self.hotels_per_page) + 1):
            yield self.api_request(
                "result.php",
                {"requestid": request_id, "type": "result", "page": page,
                 "onpage": self.hotels_per_page},
                callback=self.parse_results,
                cb_kwargs={"query": query},
            )  # fmt: skip

    def parse_results(self, response: Response, query: SearchQuery) -> Iterator[Any]:
        answer = self.read_answer(response)
        if answer is None:
            return
        result = (answer.get("data") or {}).get("result")
        if not isinstance(result, dict):
            self.answer_error("unexpected_json", "No result", response)
            return
        for hotel in as_list(result.get("hotel")):
            tours = hotel.get("tours") if isinstance(hotel, dict) else None
            for tour in as_list(tours.get("tour") if isinstance(tours, dict) else None):
                yield self.parse_tour(hotel, tour, query)
            if isinstance(hotel, dict) and self.wants_hotel_content(hotel.get("hotelcode")):
                yield self.hotel_info_request(str(hotel.get("hotelcode")).strip())

    def parse_tour(
        self, hotel: Mapping[str, Any], tour: Mapping[str, Any], query: SearchQuery | None
    ) -> OfferItem:
        """One offer from a tour and the hotel it is listed under."""
        departure_id = (
            self.references.id_for("departure", query.departure) if query is not None else None
        )
        raw = {
            "offer_key": tour.get("tourid"),
            "hotel_code": hotel.get("hotelcode"),
            "hotel_name": hotel.get("hotelname"),
            "hotel_stars": hotel.get("hotelstars"),
            "country": hotel.get("countryname"),
            "resort": hotel.get("regionname"),
            "departure_city": self.references.name("departure", departure_id),
            "departure_date": tour.get("flydate"),
            "nights": tour.get("nights"),
            "meal": tour.get("mealrussian") or tour.get("meal"),
            "room_type": tour.get("room"),
            "adults": tour.get("adults"),
            "children": tour.get("child"),
            "price": tour.get("price"),
            "surcharge": tour.get("fuelcharge"),
            "currency": tour.get("currency"),
        }
        item = self.make_offer(raw, self.tour_link(tour))
        item.availability = "on_request" if str(tour.get("onrequest")) == "1" else "available"
        item.country_code = self.references.code("country", hotel.get("countrycode"))
        item.departure_city_code = self.references.code("departure", departure_id)
        item.meal = self.references.code("meal", tour.get("mealcode"))
        item.resort = self.references.code("region", hotel.get("regioncode")) or item.resort
        return item

    def tour_link(self, tour: Mapping[str, Any]) -> str:
        """Tourvisor's own link when it gives one, else its site's page of the tour."""
        link = str(tour.get("tourlink") or "")
        return link or f"https://tourvisor.ru/search.php#tvtourid={tour.get('tourid', '')}"

    # -- hotel content --------------------------------------------------------------------

    def hotel_info_request(self, hotel_code: str) -> scrapy.Request:
        """`hotel.php` for one hotel: large photos, lists without HTML tags."""
        request = self.api_request(
            "hotel.php",
            {"hotelcode": hotel_code, "imgbig": 1, "removetags": 1},
            callback=self.parse_hotel_info,
            cb_kwargs={"hotel_code": hotel_code},
        )
        return request.replace(errback=self.hotel_content_failed)

    def parse_hotel_info(self, response: Response, hotel_code: str) -> Iterator[HotelContentItem]:
        """The hotel's content from `data.hotel`; a refusal stops hotel calls this crawl
        (the account may lack that module) without failing the crawl."""
        try:
            answer = response.json()
        except (AttributeError, ValueError):
            answer = None
        message = error_message(answer)
        hotel = (
            ((answer or {}).get("data") or {}).get("hotel") if isinstance(answer, dict) else None
        )
        if message or not isinstance(hotel, dict):
            self.crawler.stats.inc_value(CONTENT_PREFIX + "failed")
            self.logger.warning(
                "No hotel information for %s: %s",
                hotel_code,
                f"Tourvisor says {message!r}" if message else f"{response.text[:120]!r}",
            )
            if message and message.lower().startswith("authori"):
                self.content_schedule.stop_asking()  # the account lacks hotel information
            return
        images = hotel.get("images")
        photos = as_list(images.get("image") if isinstance(images, dict) else images)
        located = str(hotel.get("iscoords", "1")) != "0"  # 0: Tourvisor has no coordinates
        yield self.hotel_content_item(
            hotel_code,
            response.url,
            description=hotel.get("description"),
            photos=[photo_address(photo) for photo in photos],
            latitude=hotel.get("coord1") if located else None,
            longitude=hotel.get("coord2") if located else None,
            phone=hotel.get("phone"),
        )

    # -- actualization ----------------------------------------------------------------

    def actualization_request(self, offer_key: str) -> scrapy.Request | None:
        return self.api_request("actualize.php", {"tourid": offer_key, **self.currency_param})

    def read_actualization(self, response: Response) -> ActualizationReading:
        answer = response.json()
        message = error_message(answer)
        if message:
            return ActualizationReading("no_answer", detail=f"Tourvisor says {message!r}")
        data = answer.get("data") or {}
        if str(data.get("iserror", "0")) not in ("0", "", "False", "false"):
            return ActualizationReading("gone", detail=str(data.get("errormessage") or ""))
        tour = data.get("tour")
        price = parse_amount(str(tour.get("price"))) if isinstance(tour, dict) else None
        if price is None:
            return ActualizationReading("no_answer", detail=f"no tour price in {answer!r:.200}")
        return ActualizationReading(
            "found", Decimal(price), tour.get("currency"), detail=f"{price} {tour.get('currency')}"
        )

    # -- answers ----------------------------------------------------------------------

    def read_answer(self, response: Response) -> dict[str, Any] | None:
        """The answer as a JSON object; None when it is a refusal or unreadable (both said)."""
        answer = self.read_json_object(response)
        if answer is None:
            return None
        message = self.refusal(answer)
        if message:
            self.protocol_error(message)
            return None
        return answer


def photo_address(photo: Any) -> Any:
    """A photo of `images.image`: its address, or (some clients see) an object holding it."""
    if isinstance(photo, dict):
        return next((photo[key] for key in ("url", "image", "link") if photo.get(key)), None)
    return photo


def error_message(answer: Any) -> str | None:
    """Tourvisor's refusal, `{"error": {"errormessage": ...}}`, in its own words."""
    if not isinstance(answer, dict) or "error" not in answer:
        return None
    error = answer["error"]
    if isinstance(error, dict):
        return str(error.get("errormessage") or error)
    return str(error) or "an error without a message"
