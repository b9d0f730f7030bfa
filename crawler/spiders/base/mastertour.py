"""Operators on Megatec Master-Tour 15's price API for search systems (TourSearchOwin).

Every call is a GET of `{endpoint}/TourSearchOwin/searchApi?action=<Method>` answering
JSON (docs/protocols/mastertour.md). A crawl reads the reference lists (countries,
departure cities, cities, hotel categories, hotels, meals, currencies), then asks
`GetTours` once per planned query. GetTours has no paging: it answers the cheapest
`count` offers and drops the rest, so an answer of exactly `count` offers may have lost
some; the query is then asked again in two halves (dates first, then nights), and a
query that cannot be narrowed further is counted (`tourscope/mastertour/capped_answers`)
and logged, never silently cut.

The protocol documents no authentication and no limits. Account options:
`count` (offers per answer, default 500), `application` (the service's path segment when
the operator renamed it, e.g. `TourSearchOwin2`), `version` (sent as is, e.g. "1.08").
Credentials `login`/`password`, when given, go as HTTP Basic auth (some operators put
the service behind a proxy that asks for it).

An offer's key is "<offerId>:<currencyId>": the price key, and the currency its price was
asked in, which ActualizeTour needs to re-check it in the same currency.
"""

import base64
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawler.items import OfferItem, ReferenceBatch, ReferenceEntry
from crawler.spiders.base.search_api import ActualizationReading, SearchApiSpider
from crawler.sweep import ProtocolLimits, SearchQuery

DATE_FORMAT = "%d.%m.%Y"
DEFAULT_COUNT = 500
# Master-Tour's short currency names (GetCurrencies) -> ISO codes.
CURRENCY_NAMES = {
    "рб": "RUB",
    "руб": "RUB",
    "rub": "RUB",
    "rur": "RUB",
    "$": "USD",
    "usd": "USD",
    "eu": "EUR",
    "eur": "EUR",
    "€": "EUR",
}
# ActualizeTour of a price key the service no longer has: the predecessor threw
# "Данных по цене в БД не найдено", which the web server turns into an HTTP 500.
PRICE_GONE_WORDS = ("не найден", "not found")
STATS = "tourscope/mastertour/"
# kind, the list's key in the answer, the method's spellings: the notes are sure only of
# GetCountries and GetHotels; the predecessor said GetDepartCities and GetResorts.
REFERENCE_LISTS = [
    ("country", "countries", ("GetCountries",)),
    ("departure", "departureCities", ("GetDepartureCities", "GetDepartCities")),
    ("region", "cities", ("GetCities", "GetResorts")),
    ("stars", "hotelCategories", ("GetHotelCategories",)),
    ("hotel", "hotels", ("GetHotels",)),
    ("meal", "meals", ("GetMeals",)),
    ("currency", "currencies", ("GetCurrencies",)),
]


class MasterTourSpider(SearchApiSpider):
    answers_json = True
    protocol = "mastertour"
    limits = ProtocolLimits()  # none documented; the polite defaults still apply
    reference_request_count = len(REFERENCE_LISTS)
    requests_per_query = 1  # more only when a capped answer is split
    date_formats = (DATE_FORMAT,)

    # -- requests ---------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return self.api_url_of(self.operator_url)

    @classmethod
    def api_url_of(cls, base_url: str) -> str:
        application = cls.account.options.get("application", "TourSearchOwin")
        return f"{base_url}/{application}/searchApi"

    @classmethod
    def check_target(cls, sandbox_url: str) -> tuple[str, dict[str, str]]:
        return cls.api_url_of(cls.account.url(sandbox_url)), {"action": "GetCountries"}

    @classmethod
    def refusal(cls, answer: Any) -> str | None:
        # Not documented for the JSON service: a top-level "error", as the XML one had.
        if isinstance(answer, dict) and "error" in answer:
            return str(answer["error"])
        return None

    def api_request(self, action: str, params: dict[str, Any] | None = None, **kwargs):
        query = {"action": action, **(params or {})}
        version = self.account.options.get("version")
        if version and action == "GetTours":
            query["version"] = version
        return scrapy.Request(
            f"{self.api_url}?{urlencode(query)}",
            headers=self.auth_headers(),
            dont_filter=True,
            **kwargs,
        )

    def auth_headers(self) -> dict[str, str]:
        if "login" not in self.account.credentials:
            return {}
        pair = f"{self.credential('login')}:{self.credential('password')}"
        return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}

    @property
    def count(self) -> int:
        return int(self.account.options.get("count", DEFAULT_COUNT))

    # -- answers ----------------------------------------------------------------------

    def read_answer(self, response: Response, action: str) -> dict[str, Any] | None:
        """The answer as a JSON object; None after logging why when it is not a good one.

        The JSON service's error format is not documented: any non-2xx status, a body that
        is not JSON and a top-level "error" key all count as a failed call.
        """
        if not 200 <= response.status < 300:
            self.answer_error("http_status", f"{action} answered HTTP {response.status}", response)
            return None
        answer = self.read_json_object(response)
        if answer is None:
            return None
        message = self.refusal(answer)
        if message:
            self.protocol_error(f"{action}: {message}")
            return None
        return answer

    @staticmethod
    def listed(answer: dict[str, Any], key: str) -> list[dict[str, Any]] | None:
        """The answer's list under `key`; or its only list, since the wrapper keys of most
        lists are not documented."""
        value = answer.get(key)
        if value is None:
            lists = [item for item in answer.values() if isinstance(item, list)]
            value = lists[0] if len(lists) == 1 else None
        if not isinstance(value, list):
            return None
        return [item for item in value if isinstance(item, dict) and "id" in item]

    # -- references -------------------------------------------------------------------

    async def reference_list(self, key: str, *actions: str) -> list[dict[str, Any]] | None:
        """A reference list; `actions` are the method's spellings, tried in turn (the notes
        are unsure whether it is GetDepartureCities or the predecessor's GetDepartCities)."""
        first_failure = None
        for action in actions:
            try:
                response = await self.fetch(self.api_request(action))
            except Exception as error:  # refused connection, timeout after the retries
                self.logger.error("%s could not be fetched: %s", action, error)
                self.crawler.stats.inc_value("tourscope/gate_errors/request_failed")
                return None
            if response.status == 200 and _error_text(response) is not None:
                first_failure = first_failure or (response, action)
                continue  # perhaps the other spelling
            answer = self.read_answer(response, action)
            if answer is None:
                return None
            values = self.listed(answer, key)
            if values is None:
                self.answer_error("unexpected_json", f"{action} has no list {key!r}", response)
            return values
        if first_failure:
            self.read_answer(*first_failure)  # the service's own words, as a protocol error
        return None

    async def sync_references(self) -> AsyncIterator[ReferenceBatch]:
        count = str(self.account.options.get("count", DEFAULT_COUNT))
        if not count.isdigit() or int(count) < 1:
            self.protocol_error(f"the account's option count must be a whole number, not {count}")
            return
        for kind, key, actions in REFERENCE_LISTS:
            values = await self.reference_list(key, *actions)
            if values is None:
                return
            yield self.remember(kind, self.reference_values(kind, values))
        if self.currency_id is None:
            offered = ", ".join(
                sorted(entry.data.get("iso") or entry.name for entry in self.currencies)
            )
            self.protocol_error(
                f"the operator quotes no prices in {self.currency} (it offers {offered})"
            )

    def reference_values(
        self, kind: str, values: list[dict[str, Any]]
    ) -> list[tuple[Any, str, dict[str, Any]]]:
        """(id, name, data) of one reference list, with what else the list says in data."""
        if kind == "hotel":
            return [self.hotel_reference(hotel) for hotel in values]
        extra: dict[str, Any] = {
            "departure": lambda value: {"countries_to": _ids(value.get("countriesTo"))},
            "region": lambda value: {"country": value.get("countryId")},
            "currency": lambda value: {"iso": _iso(value.get("name"))},
        }.get(kind, lambda value: {})
        return [(value["id"], str(value.get("name", "")), extra(value)) for value in values]

    def hotel_reference(self, hotel: dict[str, Any]) -> tuple[Any, str, dict[str, Any]]:
        region = self.references.get("region", hotel.get("resortId"))
        return (
            hotel["id"],
            hotel.get("name", ""),
            {
                "country": region.data.get("country") if region else None,
                "resort": hotel.get("resortId"),
                "category": hotel.get("hotelCategoryId"),
                "stars": self.references.code("stars", hotel.get("hotelCategoryId")),
            },
        )

    @property
    def currency(self) -> str:
        # Master-Tour prices natively in roubles; an account may ask another currency.
        return self.account.currency or "RUB"

    @property
    def currencies(self) -> list[ReferenceEntry]:
        return list(self.references.entries.get("currency", {}).values())

    @property
    def currency_id(self) -> str | None:
        return next(
            (entry.ref_id for entry in self.currencies if entry.data.get("iso") == self.currency),
            None,
        )

    # -- search -----------------------------------------------------------------------

    def search_requests(self, query: SearchQuery) -> Iterator[scrapy.Request]:
        params = {
            "count": self.count,
            "countryId": self.references.id_for("country", query.country),
            "departCityId": self.references.id_for("departure", query.departure),
            "dateFrom": f"{query.date_from:{DATE_FORMAT}}",
            "dateTo": f"{query.date_to:{DATE_FORMAT}}",
            "adults": query.adults,
            "kids": len(query.children_ages),
            "nightsMin": query.nights_min,
            "nightsMax": query.nights_max,
            "currencyId": self.currency_id,
            "ticketsIncluded": 1,  # package tours: the flight in the price
            "hotelIsNotInStop": 0,  # stop-sales too: they are stored, flagged
        }
        if query.children_ages:
            params["kidsAges"] = ",".join(map(str, query.children_ages))
        yield self.api_request(
            "GetTours",
            params,
            callback=self.parse_tours,
            errback=self.request_failed,
            cb_kwargs={"query": query},
        )

    def parse_tours(self, response: Response, query: SearchQuery) -> Iterator[Any]:
        answer = self.read_answer(response, "GetTours")
        if answer is None:
            return
        tours = answer.get("tours")
        if not isinstance(tours, list):
            self.answer_error("unexpected_json", "GetTours has no list 'tours'", response)
            return
        if len(tours) >= self.count:
            halves = narrower(query)
            if halves:
                # Only the cheapest `count` came back: ask each half, drop this answer.
                self.crawler.stats.inc_value(STATS + "split_queries")
                for half in halves:
                    yield from self.search_requests(half)
                return
            self.crawler.stats.inc_value(STATS + "capped_answers")
            self.logger.warning(
                "GetTours for %s returned its cap of %d offers and cannot be narrowed: "
                "more expensive offers may be missing (raise the account's option count)",
                query.describe(),
                self.count,
            )
        for tour in tours:
            item = self.read_tour(tour, query, response)
            if item is not None:
                yield item

    def read_tour(self, tour: Any, query: SearchQuery, response: Response) -> OfferItem | None:
        if not isinstance(tour, dict) or tour.get("offerId") in (None, ""):
            self.answer_error("unexpected_json", "GetTours tour without offerId", response)
            return None
        refs = self.references
        country_id = refs.id_for("country", query.country)
        departure_id = refs.id_for("departure", query.departure)
        hotel_id, region_id, meal_id = tour.get("hotelId"), tour.get("resortId"), tour.get("mealId")
        currency_id = self.currency_id
        raw = {
            "offer_key": f"{tour['offerId']}:{currency_id}",
            "hotel_code": hotel_id,
            "hotel_name": tour.get("hotelName") or refs.name("hotel", hotel_id),
            "hotel_stars": refs.code("stars", tour.get("hotelCategoryId")),
            "country": refs.name("country", country_id),
            "resort": refs.name("region", region_id),
            "departure_city": refs.name("departure", departure_id),
            "departure_date": tour.get("tourDate"),
            "nights": tour.get("nights") or _nights(tour),
            "meal": refs.name("meal", meal_id),
            # The room; the accommodation ("2 ADL + 1 CHD") only when the room is not named.
            "room_type": tour.get("roomTypeName") or tour.get("htPlaceName"),
            "adults": query.adults,
            "children": len(query.children_ages),
            "price": tour.get("price"),
            "currency": self.currency,
        }
        url = (
            tour.get("tourUrl")
            or self.api_request(
                "GetTours", {"offerId": tour["offerId"], "currencyId": currency_id}
            ).url
        )
        item = self.make_offer(raw, url)
        item.country_code = refs.code("country", country_id)
        item.departure_city_code = refs.code("departure", departure_id)
        item.meal = refs.code("meal", meal_id)
        item.resort = refs.code("region", region_id) or item.resort
        item.availability = availability(tour)
        return item

    # -- actualization ----------------------------------------------------------------

    def actualization_request(self, offer_key: str) -> scrapy.Request | None:
        offer_id, _, currency_id = offer_key.partition(":")
        if not (offer_id.isdigit() and currency_id.isdigit()):
            return None
        return self.api_request(
            "ActualizeTour",
            {"offerId": offer_id, "currencyId": currency_id},
            meta={"handle_httpstatus_list": [500]},
        )

    def read_actualization(self, response: Response) -> ActualizationReading:
        if response.status == 500:
            text = response.text.strip()
            if any(words in text.lower() for words in PRICE_GONE_WORDS):
                return ActualizationReading("gone", detail=f"the operator says: {text[:200]}")
            return ActualizationReading("no_answer", detail="the operator answered HTTP 500")
        answer = response.json()
        if "error" in answer:
            return ActualizationReading("no_answer", detail=f"the operator says: {answer['error']}")
        tour = answer.get("actualizedTour", answer)
        state = availability(tour)
        if state in ("stop_sale", "sold_out"):
            return ActualizationReading("gone", detail=f"the operator says {state}")
        try:
            price = Decimal(str(tour["price"]))
        except (KeyError, InvalidOperation):
            return ActualizationReading("no_answer", detail="no price in the answer")
        detail = "on request" if state == "on_request" else "available"
        return ActualizationReading("found", price, self.currency, detail=detail)


def availability(tour: dict[str, Any]) -> str:
    """Master-Tour's codes -> ours. Hotel (hotelIsInStop): 0 places, 1 stop-sale, 2 on
    request. Seats out and back: 0 none, 1 available, 2 on request; only when the flight
    is in the price (the key is ticketsIncluded in GetTours, ticketsIsIncluded after
    ActualizeTour)."""
    hotel = _number(tour.get("hotelIsInStop"))
    with_flight = _number(tour.get("ticketsIncluded", tour.get("ticketsIsIncluded", 1))) != 0
    seats = {
        direction: {
            _number(tour.get(f"has{cls}Tickets{direction}")) for cls in ("Econom", "Business")
        }
        for direction in ("Dpt", "Rtn")
    }
    if hotel == 1:
        return "stop_sale"
    # Sold out when no class has a seat (or a seat on request) out or back.
    if with_flight and any(not ({1, 2} & classes) for classes in seats.values()):
        return "sold_out"
    if hotel == 2 or any(2 in classes and 1 not in classes for classes in seats.values()):
        return "on_request"
    return "available"


def narrower(query: SearchQuery) -> list[SearchQuery]:
    """The query in two halves (dates first, then nights); [] when it is a single day and
    a single number of nights."""
    if query.date_from < query.date_to:
        middle = query.date_from + (query.date_to - query.date_from) // 2
        return [
            replace(query, date_to=middle),
            replace(query, date_from=middle + timedelta(days=1)),
        ]
    if query.nights_min < query.nights_max:
        middle = (query.nights_min + query.nights_max) // 2
        return [replace(query, nights_max=middle), replace(query, nights_min=middle + 1)]
    return []


def _number(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ids(values: Any) -> list[Any]:
    return [value.get("id") for value in values or [] if isinstance(value, dict)]


def _iso(name: Any) -> str | None:
    text = str(name or "").strip()
    return CURRENCY_NAMES.get(text.lower()) or (text.upper() if len(text) == 3 else None)


def _nights(tour: dict[str, Any]) -> int | None:
    """Nights from the start and end dates, when the answer leaves `nights` out."""
    try:
        start = datetime.strptime(str(tour.get("tourDate")), DATE_FORMAT)
        end = datetime.strptime(str(tour.get("tourEndDate")), DATE_FORMAT)
    except ValueError:
        return None
    return (end - start).days


def _error_text(response: Response) -> str | None:
    try:
        answer = response.json()
    except (AttributeError, ValueError):
        return None
    return str(answer["error"]) if isinstance(answer, dict) and "error" in answer else None
