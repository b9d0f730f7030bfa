"""TEZ TOUR's public tour search (`tariffsearch/getResult`; docs/protocols/teztour.md).

No credentials. A crawl reads the XML-gate lists (countries, cities, regions, hotels: TEZ's
own ids, English upper-case names), the meal (`randbs`), hotel-class and party
(`accommodations`) lists, and for each swept destination the hotel classes its prices
have: a class the destination lacks is an error, so each search asks from the
destination's lowest class up (`hotelClassBetter=true`) and from the lowest meal up.

A search asks at most 20 days of departures and 8 nights of span (the plan splits the
sweep accordingly) and at most 50 requests a minute go out (crawler/ratelimit.py). Its
answer is JSON whose rows are positional arrays, 100 at most, cheapest first; while
`info[3]` says there are more, the same search is re-sent with `priceMin` = the last
row's total (rows seen already are skipped: the bound is inclusive).

TEZ has no actualization method: an offer is re-checked by searching its own hotel, date,
nights, party, class and meal again; the offer key carries those ids for that reason.

Each row names its hotel's photo (`row[6][2]`, a small picture on TEZ's image host): it is
kept as the hotel's content from TEZ, at no extra request. TEZ documents no hotel
description or coordinates in this search (docs/protocols/teztour.md).
"""

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.etree import ElementTree

import scrapy
from scrapy.http import Response

from crawler.items import HotelContentItem, OfferItem, ReferenceBatch
from crawler.parsing.prices import parse_amount
from crawler.spiders.base.search_api import ActualizationReading, SearchApiSpider
from crawler.sweep import ProtocolLimits, SearchQuery, SweepPlan

# TEZ's `currency` ids (docs, section 8.3).
CURRENCY_IDS = {"USD": 5561, "EUR": 18864, "RUB": 8390}
CURRENCY_CODES = {currency_id: code for code, currency_id in CURRENCY_IDS.items()}
PRICE_MAX = 9_999_999
# Row positions (docs, section 4).
DATE, NIGHTS, REGION, HOTEL, MEAL, ROOM, AGES, PRICE, LINKS, ROOM_WORD, SEATS = (
    0, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13,
)  # fmt: skip
KEY_FIELDS = (
    "cityId",
    "countryId",
    "tourId",
    "hotelId",
    "date",
    "nights",
    "accommodationId",
    "hotelClassId",
    "rAndBId",
    "priceOfferId",
)
STARS_IN_NAME = re.compile(r"(\d)\s*\*\s*$")


class TezTourError(Exception):
    """An answer of TEZ that says no (`success: false`), with its message."""


class TezTourSpider(SearchApiSpider):
    protocol = "teztour"
    limits = ProtocolLimits(max_window_days=20, max_nights_span=8, requests_per_minute=50)
    # countries, cities, regions, hotels, hotel classes, meals, parties; plus the classes
    # of each swept destination (see `plan`).
    reference_request_count = 7
    requests_per_query = 1  # one page of 100 rows covers a demo query; more pages cost more
    check_path = "/xmlgate/list/countries.xml"
    availability_map = {
        "Есть": "available",
        "Запрос": "on_request",
        "Нет": "stop_sale",
        "seats=No": "sold_out",
    }
    custom_settings = {
        # A refused request (429: over 50 a minute) is not retried: the quota would count it.
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408],
        "CONCURRENT_REQUESTS": 2,
    }

    @classmethod
    def reference_url_of(cls, search_url: str) -> str:
        """Where the reference lists are: TEZ serves them from another host than the search
        (xml.tez-tour.com, opened by IP address), the account's `reference_endpoint`."""
        return str(cls.account.options.get("reference_endpoint") or search_url).rstrip("/")

    @classmethod
    def check_target(cls, sandbox_url: str) -> tuple[str, dict[str, str]]:
        return cls.reference_url_of(cls.account.url(sandbox_url)) + cls.check_path, {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # (cityId, countryId) -> the lowest hotel class the destination's prices have.
        self.lowest_class: dict[tuple[str, str], str] = {}
        self.lowest_meal: str | None = None
        self.parties: dict[tuple[int, int], str] = {}

    @classmethod
    def plan(cls, today: date | None = None) -> SweepPlan:
        plan = super().plan(today)
        sweep = cls.account.sweep
        destinations = len(sweep.departures) * len(sweep.countries)
        return SweepPlan(
            plan.queries,
            plan.reference_requests + destinations,
            plan.requests_per_query,
            plan.budget,
        )

    @property
    def currency_id(self) -> int:
        return CURRENCY_IDS.get(self.account.currency or "EUR", CURRENCY_IDS["EUR"])

    # -- reference lists --------------------------------------------------------------

    async def sync_references(self) -> AsyncIterator[ReferenceBatch]:
        if self.account.currency and self.account.currency not in CURRENCY_IDS:
            known = ", ".join(CURRENCY_IDS)
            self.protocol_error(f"TEZ quotes prices in {known}, not {self.account.currency}")
            return
        countries = await self.fetch_list("/xmlgate/list/countries.xml")
        if countries is None:
            return
        yield self.remember("country", [(i, n, {}) for i, n, _ in countries])
        cities = await self.fetch_list("/xmlgate/list/cities.xml")
        if cities is None:
            return
        yield self.remember("departure", [(i, n, props) for i, n, props in cities])
        regions = await self.fetch_list("/xmlgate/list/regions.xml")
        if regions is None:
            return
        yield self.remember(
            "region", [(i, n, {"country": props.get("Country")}) for i, n, props in regions]
        )
        classes = await self.fetch_xml(
            "/tariffsearch/hotelClasses", {"xml": "true"}, "hotelClasses"
        )
        if classes is None:
            return
        yield self.remember("stars", read_classes(classes))
        meals = await self.fetch_xml("/tariffsearch/randbs", {"xml": "true"}, "rAndBs")
        if meals is None:
            return
        meal_values = read_meals(meals)
        yield self.remember("meal", meal_values)
        if meal_values:
            self.lowest_meal = min(meal_values, key=lambda m: m[2]["weight"])[0]
        parties = await self.fetch_json("/tariffsearch/accommodations", {"xml": "false"})
        if parties is None:
            return
        yield self.remember("accommodation", self.read_parties(parties))
        hotels = await self.fetch_list("/xmlgate/list/hotels.xml")
        if hotels is None:
            return
        yield self.remember(
            "hotel",
            [
                (i, n, {"country": p.get("Country"), "region": p.get("Region")})
                for i, n, p in hotels
            ],
        )
        await self.sync_destination_classes()

    async def sync_destination_classes(self) -> None:
        """The lowest hotel class of each swept destination (asking a missing one is an error)."""
        sweep = self.account.sweep
        for departure in sweep.departures:
            for country in sweep.countries:
                city_id = self.references.id_for("departure", departure)
                country_id = self.references.id_for("country", country)
                if city_id is None or country_id is None:
                    continue  # the plan's query is skipped and counted (`sweep_covers`)
                params = {"countryId": country_id, "cityId": city_id, "xml": "true"}
                root = await self.fetch_xml("/tariffsearch/hotelClasses", params, "hotelClasses")
                if root is None:
                    return
                values = read_classes(root)
                if values:
                    lowest = min(values, key=lambda value: value[2]["weight"])
                    self.lowest_class[(city_id, country_id)] = lowest[0]

    def read_parties(self, answer: dict[str, Any]) -> list[tuple[Any, str, dict[str, Any]]]:
        values = []
        for party in answer.get("accommodations") or []:
            if not isinstance(party, dict) or "accommodationId" not in party:
                continue
            adults, children = int(party.get("adult") or 0), int(party.get("children") or 0)
            self.parties.setdefault((adults, children), str(party["accommodationId"]))
            values.append(
                (party["accommodationId"], party.get("name", ""), {"adults": adults,
                 "children": children})
            )  # fmt: skip
        return values

    async def fetch_list(self, path: str) -> list[tuple[str, str, dict[str, str]]] | None:
        root = await self.fetch_xml(path, {}, "reference")
        return None if root is None else read_reference_list(root)

    async def fetch_xml(
        self, path: str, params: dict[str, Any], root_tag: str
    ) -> ElementTree.Element | None:
        response = await self.fetch_reference(path, params)
        if response is None:
            return None
        try:
            root = ElementTree.fromstring(response.body)
        except ElementTree.ParseError as error:
            self.answer_error("malformed_xml", f"Malformed XML from {response.url}: {error}")
            return None
        if (root.findtext("success") or "").strip() == "false":
            self.protocol_error(plain_message(root.findtext("message")))
            return None
        if root.tag != root_tag:
            # A maintenance page is XML too, but no list: an empty list would unsell everything.
            self.answer_error("unexpected_xml", f"Expected <{root_tag}> from {response.url}")
            return None
        return root

    async def fetch_json(self, path: str, params: dict[str, Any]) -> dict[str, Any] | None:
        response = await self.fetch_reference(path, params)
        if response is None:
            return None
        answer = self.read_json_object(response)
        if answer is None:
            return None
        if answer.get("success") is False:
            self.protocol_error(plain_message(answer.get("message")))
            return None
        return answer

    async def fetch_reference(self, path: str, params: dict[str, Any]) -> Response | None:
        url = self.reference_url_of(self.operator_url) + path
        url += f"?{urlencode(params)}" if params else ""
        request = scrapy.Request(url, dont_filter=True)
        try:
            response = await self.fetch(request)
        except Exception as error:  # connection refused, timeout: after the retries
            self.answer_error("request_failed", f"Request to {url} failed: {error}")
            return None
        if response.status == 429:
            self.protocol_error(refusal(response))
            return None
        if response.status >= 400:
            self.answer_error("request_failed", f"{url} answered HTTP {response.status}")
            return None
        return response

    # -- searches ---------------------------------------------------------------------

    def search_requests(self, query: SearchQuery) -> Iterable[scrapy.Request]:
        city_id = self.references.id_for("departure", query.departure)
        country_id = self.references.id_for("country", query.country)
        party = self.parties.get((query.adults, len(query.children_ages)))
        if party is None:
            self.crawler.stats.inc_value(
                f"tourscope/sweep_skipped/party_{query.adults}_{len(query.children_ages)}"
            )
            return
        hotel_class = self.lowest_class.get((city_id, country_id))
        if hotel_class is None or self.lowest_meal is None:
            self.crawler.stats.inc_value(f"tourscope/sweep_skipped/classes_{query.country}")
            return
        params = {
            "countryId": country_id,
            "cityId": city_id,
            "after": f"{query.date_from:%d.%m.%Y}",
            "before": f"{query.date_to:%d.%m.%Y}",
            "nightsMin": query.nights_min,
            "nightsMax": query.nights_max,
            "accommodationId": party,
            "hotelClassId": hotel_class,
            "hotelClassBetter": "true",
            "rAndBId": self.lowest_meal,
            "rAndBBetter": "true",
            "currency": self.currency_id,
            "priceMin": 0,
            "priceMax": PRICE_MAX,
            "xml": "false",
        }
        yield self.search_request(params, seen=set())

    def search_request(self, params: dict[str, Any], seen: set[str]) -> scrapy.Request:
        return scrapy.Request(
            f"{self.operator_url}/tariffsearch/getResult?{urlencode(params)}",
            callback=self.parse_result,
            errback=self.request_failed,
            cb_kwargs={"params": params, "seen": seen},
            meta={"handle_httpstatus_list": [429]},
            dont_filter=True,
        )

    def parse_result(
        self, response: Response, params: dict[str, Any], seen: set[str]
    ) -> Iterator[Any]:
        try:
            rows, more = self.read_result(response)
        except TezTourError as error:
            self.protocol_error(str(error))
            return
        if rows is None:
            return
        new = 0
        last_total = None
        for row in rows:
            try:
                item = self.read_row(row, params)
            except (IndexError, KeyError, TypeError, ValueError) as error:
                self.answer_error("unexpected_row", f"Unreadable row ({error}): {str(row)[:200]}")
                continue
            last_total = row[PRICE].get("total") or last_total
            if item.offer_key in seen:
                continue
            seen.add(item.offer_key)
            new += 1
            yield item
            photo = self.row_photo(row, response)
            if photo is not None:
                yield photo
        if not more:
            return
        if not new or last_total is None:
            # 100 rows of one price: raising priceMin cannot get past them.
            self.answer_error("paging_stuck", f"Paging stuck at priceMin {params['priceMin']}")
            return
        yield self.search_request({**params, "priceMin": last_total}, seen)

    def read_result(self, response: Response) -> tuple[list[Any] | None, bool]:
        """The answer's rows and whether more exist; TezTourError for a refusal."""
        if response.status == 429:
            raise TezTourError(refusal(response))
        answer = self.read_json_object(response)
        if answer is None:
            return None, False
        if answer.get("success") is not True:
            raise TezTourError(plain_message(answer.get("message")))
        rows = answer.get("data")
        if not isinstance(rows, list):
            self.answer_error("unexpected_json", f"No data rows in {response.url}")
            return None, False
        return rows, info_value(answer.get("info"), 3) == "true"

    def read_row(self, row: list[Any], params: dict[str, Any]) -> OfferItem:
        """One offer from a positional row of getResult (docs, section 4)."""
        region, hotel, meal, room, price = row[REGION], row[HOTEL], row[MEAL], row[ROOM], row[PRICE]
        ages = row[AGES][0]
        link = row[LINKS][0][0] if row[LINKS] and row[LINKS][0] else ""
        price_offer = (parse_qs(urlsplit(link).query).get("priceOfferId") or [""])[0]
        departure = datetime.strptime(row[DATE], "%d.%m.%Y").date()
        hotel_name = hotel[1]
        stars = STARS_IN_NAME.search(hotel_name or "")
        key = {
            "cityId": params["cityId"],
            "countryId": params["countryId"],
            "tourId": region[2],
            "hotelId": hotel[3],
            "date": f"{departure:%Y%m%d}",
            "nights": row[NIGHTS],
            "accommodationId": params["accommodationId"],
            "hotelClassId": self.class_of_stars(stars.group(1) if stars else None),
            "rAndBId": meal[2],
            "priceOfferId": price_offer or f"{room[0]}.{room[2]}",
        }
        currency = CURRENCY_CODES.get(price.get("currencyId"), self.account.currency)
        raw = {
            "offer_key": "-".join(str(key[field]) for field in KEY_FIELDS),
            "hotel_code": hotel[3],
            "hotel_name": hotel_name,
            "hotel_stars": stars.group(1) if stars else None,
            "country": self.references.name("country", params["countryId"]),
            "resort": region[0],
            "departure_city": self.references.name("departure", params["cityId"]),
            "departure_date": row[DATE],
            "nights": row[NIGHTS],
            "meal": meal[0],
            "room_type": room[1],
            "adults": ages[0],
            "children": ages[1],
            "price": price.get("total"),
            "currency": currency,
            "availability": availability_word(row),
        }
        item = self.make_offer(raw, link or f"https://www.tez-tour.com{hotel[4]}")
        item.country_code = self.references.code("country", params["countryId"])
        item.departure_city_code = self.references.code("departure", params["cityId"])
        item.meal = self.references.code("meal", meal[2])
        item.resort = self.references.code("region", region[2]) or item.resort
        item.currency = currency
        return item

    def row_photo(self, row: list[Any], response: Response) -> HotelContentItem | None:
        """The row's hotel photo, when the crawl wants this hotel's content now."""
        hotel = row[HOTEL]
        if (
            len(hotel) < 4
            or not hotel[2]
            or not self.wants_hotel_content(hotel[3], costs_request=False)
        ):
            return None
        return self.hotel_content_item(hotel[3], response.url, photos=[hotel[2]])

    def class_of_stars(self, stars: str | None) -> str:
        """The hotel-class id of a star count, as the stars list names it ("4*": 2569)."""
        for ref_id, entry in self.references.entries.get("stars", {}).items():
            if stars is not None and entry.code == stars:
                return ref_id
        return "0"

    # -- re-check of one offer --------------------------------------------------------

    def actualization_request(self, offer_key: str) -> scrapy.Request | None:
        """The offer's own search again: its hotel, date, nights, party, class and meal."""
        parts = offer_key.split("-")
        if len(parts) != len(KEY_FIELDS):
            return None
        key = dict(zip(KEY_FIELDS, parts, strict=True))
        day = datetime.strptime(key["date"], "%Y%m%d").strftime("%d.%m.%Y")
        params = {
            "countryId": key["countryId"],
            "cityId": key["cityId"],
            "after": day,
            "before": day,
            "nightsMin": key["nights"],
            "nightsMax": key["nights"],
            "accommodationId": key["accommodationId"],
            "hotelClassId": key["hotelClassId"],
            "hotelClassBetter": "false",
            "rAndBId": key["rAndBId"],
            "rAndBBetter": "false",
            "currency": self.currency_id,
            "priceMin": 0,
            "priceMax": PRICE_MAX,
            "tourId": key["tourId"],
            "hotelId": key["hotelId"],
            "xml": "false",
        }
        return scrapy.Request(
            f"{self.operator_url}/tariffsearch/getResult?{urlencode(params)}",
            meta={"handle_httpstatus_list": [429], "offer_key": offer_key},
            dont_filter=True,
        )

    def read_actualization(self, response: Response) -> ActualizationReading:
        offer_key = response.meta.get("offer_key") or ""
        wanted = dict(zip(KEY_FIELDS, offer_key.split("-"), strict=False))
        try:
            rows, _ = self.read_result(response)
        except TezTourError as error:
            return ActualizationReading("no_answer", detail=str(error))
        if rows is None:
            return ActualizationReading("no_answer", detail="unreadable answer")
        for row in rows:
            link = row[LINKS][0][0] if row[LINKS] and row[LINKS][0] else ""
            price_offer = (parse_qs(urlsplit(link).query).get("priceOfferId") or [""])[0]
            if str(row[HOTEL][3]) != wanted.get("hotelId") or price_offer != wanted.get(
                "priceOfferId"
            ):
                continue
            word = availability_word(row)
            if word in ("Нет", "seats=No"):
                return ActualizationReading("gone", detail=f"TEZ says {word!r}")
            total = row[PRICE].get("total")
            currency = CURRENCY_CODES.get(row[PRICE].get("currencyId"), self.account.currency)
            return ActualizationReading(
                "found", parse_amount(total), currency, detail=f"{total} {currency}"
            )
        return ActualizationReading("gone", detail="TEZ no longer finds this tour")


def read_reference_list(root: ElementTree.Element) -> list[tuple[str, str, dict[str, str]]]:
    """An XML-gate list: items with id, name and <prop name="..."> values."""
    values = []
    for item in root.iter("item"):
        item_id, name = (item.findtext("id") or "").strip(), item.findtext("name") or ""
        if item_id:
            props = {prop.get("name", ""): (prop.text or "").strip() for prop in item.iter("prop")}
            values.append((item_id, name, props))
    return values


def read_classes(root: ElementTree.Element) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (
            (node.findtext("classId") or "").strip(),
            node.findtext("name") or "",
            {"weight": int(node.findtext("weight") or 0)},
        )
        for node in root.iter("hotelClass")
        if (node.findtext("classId") or "").strip()
    ]


def read_meals(root: ElementTree.Element) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (
            (node.findtext("rAndBId") or "").strip(),
            node.findtext("name") or "",
            {
                "weight": int(node.findtext("weight") or 0),
                "russian_name": node.findtext("russianName"),
            },
        )
        for node in root.iter("rAndB")
        if (node.findtext("rAndBId") or "").strip()
    ]


def info_value(info: Any, position: int) -> str | None:
    """The value of an `info` pair ([label, value]); TEZ's labels are read by position."""
    try:
        return str(info[position][1]).strip().lower()
    except (IndexError, KeyError, TypeError):
        return None


def availability_word(row: list[Any]) -> str:
    """The room word ("Есть", "Запрос", "Нет"), or "seats=No" when no seat is left either way."""
    seats = row[SEATS][0] if len(row) > SEATS and row[SEATS] else {}
    for way in ("to", "from"):
        if ((seats.get(way) or {}).get("econom") or {}).get("seatSet") == "No":
            return "seats=No"
    return str(row[ROOM_WORD])


def plain_message(message: Any) -> str:
    """TEZ's message without its square brackets."""
    text = " ".join(str(message or "no reason given").split())
    return text[1:-1] if text.startswith("[") and text.endswith("]") else text


def refusal(response: Response) -> str:
    """The message of a refused request (HTTP 429), JSON or XML alike."""
    text = response.text if hasattr(response, "text") else ""
    found = re.search(r"\[([^\]]+)\]", text)
    return found.group(1) if found else f"HTTP {response.status}: too many requests"
