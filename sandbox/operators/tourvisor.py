"""Tourvisor: the agency search API of the Russian tour aggregator (`tourvisor.ru/xml/*.php`).

Replica of the documented behaviour (docs/protocols/tourvisor.md): every call is a GET
with `authlogin`/`authpass`; `search.php` starts a search and answers a request id;
`result.php?type=status` is polled until the search is "finished" (a few polls here);
`result.php?type=result` pages hotels, each with its tours from several real operators;
`list.php` gives the reference lists with Tourvisor's own ids; `actualize.php` re-checks
one tour; `hotel.php` describes one hotel (`data.hotel`: a Russian description in HTML,
`images.image` photo addresses, `coord1`/`coord2` latitude/longitude, `placement`,
`phone`). Errors are HTTP 200 with `{"error": {"errormessage": ...}}`. The JSON mirrors
the XML, so a list of one element comes back as a bare object: clients must cope.
Photos are small pictures the replica draws itself (`/tourvisor/hotel_pics/...`).
"""

import itertools
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sandbox.catalog import OperatorCatalog, OperatorProfile, SandboxOffer
from sandbox.hotel_content import (
    FEATURES,
    description_ru,
    facts,
    photo_response,
    placement_ru,
)
from sandbox.russian_names import COUNTRIES as COUNTRY_NAMES
from sandbox.russian_names import MEALS as MEAL_NAMES
from sandbox.russian_names import RESORTS as RESORT_NAMES
from sandbox.world import COUNTRIES as WORLD_COUNTRIES
from sandbox.world import WorldHotel

# A replica of a published protocol: it answers queries, not a whole catalogue.
REPLICA_OF = "tourvisor"
# Each search answers for one departure, country, date window and party: the demo's few
# queries find a few hundred tours in a catalogue this size (the tests set their own).
DEFAULT_SIZE = 12_000

PROFILE = OperatorProfile(
    code="tourvisor",
    name="Tourvisor",
    currency="EUR",
    rate=1.0,
    price_factor=0.98,
    hotel_share=80,
    # Tourvisor's hotel ids are plain numbers; 7919 is prime, so no two hotels share one.
    hotel_code=lambda h: str((h.id * 7919 + 11) % 90000 + 1000),
    hotel_name=lambda h: h.name.upper(),
    meal_names={code: code for code in MEAL_NAMES},
    key_prefix="TV",
)
router = APIRouter(prefix=f"/{PROFILE.code}")

LOGIN, PASSWORD = "demo@tourscope.local", "demo"
MAX_WINDOW_DAYS = 14  # dateto at most this many days after datefrom
RUNNING_POLLS = 3  # the status says "searching" this many times, then "finished"
MAX_SEARCHES = 256  # older request ids are forgotten
DEFAULT_ONPAGE = 25

# id -> (name, genitive "from" name, our IATA city code or None). Real ids from the notes;
# Краснодар's id is our guess. 99 is "no flight": hotel only, nothing in this catalogue.
# As the live list writes them: Saint Petersburg abbreviated "С.Петербург".
DEPARTURES: dict[int, tuple[str, str, str | None]] = {
    1: ("Москва", "Москвы", "MOW"),
    2: ("Пермь", "Перми", None),
    3: ("Екатеринбург", "Екатеринбурга", "SVX"),
    5: ("С.Петербург", "Санкт-Петербурга", "LED"),
    8: ("Краснодар", "Краснодара", "KRR"),
    9: ("Новосибирск", "Новосибирска", "OVB"),
    10: ("Казань", "Казани", "KZN"),
    57: ("Минск", "Минска", None),
    60: ("Алматы", "Алматы", None),
    80: ("Бишкек", "Бишкека", None),
    99: ("Без перелёта", "", None),
}
# Tourvisor country ids (1, 2, 4 checked live; the others from client code; 34 is ours).
COUNTRY_IDS = {
    "EG": 1, "TH": 2, "TR": 4, "TN": 5, "GR": 6, "MV": 8, "AE": 9,
    "LK": 12, "ES": 14, "CY": 15, "VN": 16, "ME": 34,
}  # fmt: skip
# Countries Tourvisor sells that this world has no hotels in.
OTHER_COUNTRIES = {3: "Индия", 7: "Индонезия", 10: "Куба", 11: "Доминикана", 13: "Китай",
                   24: "Италия", 32: "Франция", 46: "Абхазия", 47: "Россия"}  # fmt: skip
# Region ids known from client code; the world's other resorts get ids from 300 on.
KNOWN_REGION_IDS = {"Hurghada": 5, "Sharm El Sheikh": 6, "Alanya": 19, "Antalya": 20,
                    "Belek": 21, "Kemer": 22, "Side": 23}  # fmt: skip
MEAL_IDS = {"RO": 2, "BB": 3, "HB": 4, "FB": 5, "AI": 7, "UAI": 9}
# The real operators whose tours Tourvisor aggregates (ids from client code).
TOUR_OPERATORS = [(4, "Библио Глобус"), (11, "Coral Travel"), (12, "Pegas Touristik"),
                  (13, "Anex Tour"), (35, "TEZ TOUR"), (125, "Join UP!")]  # fmt: skip
# `currency` parameter -> the currency of the prices and its rate from EUR.
CURRENCIES = {0: ("RUB", Decimal(98)), 1: ("EUR", Decimal(1)), 2: ("BYN", Decimal("3.5")),
              3: ("KZT", Decimal(560))}  # fmt: skip


def _region_ids() -> dict[str, int]:
    ids, fresh = dict(KNOWN_REGION_IDS), itertools.count(300)
    for _, _, resorts in WORLD_COUNTRIES:
        for resort in resorts:
            ids.setdefault(resort, next(fresh))
    return ids


REGION_IDS = _region_ids()
COUNTRY_OF_REGION = {resort: code for code, _, resorts in WORLD_COUNTRIES for resort in resorts}


class BadParameter(Exception):
    """A parameter Tourvisor would refuse: the message is the API's own "<name> - bad format"."""

    def __init__(self, name: str):
        super().__init__(f"{name} - bad format")


@dataclass
class Search:
    offers: list[SandboxOffer]  # every tour the search finds, cheapest hotel first
    currency: int
    departure: int
    started: datetime = field(default_factory=datetime.now)
    polls: int = 0

    @property
    def finished(self) -> bool:
        return self.polls > RUNNING_POLLS


# -- the answers' shape ---------------------------------------------------------------


def _one_or_many(items: list[Any]) -> Any:
    """The JSON mirrors the XML: a single element is an object, not a one-item array."""
    return items[0] if len(items) == 1 else items


def _answer(request: Request, body: dict[str, Any]) -> Response:
    if request.query_params.get("format") == "json":
        return JSONResponse(body)
    return Response(
        '<?xml version="1.0" encoding="utf-8"?>' + _xml(body), media_type="application/xml"
    )


def _xml(node: Any, tag: str | None = None) -> str:
    if isinstance(node, dict):
        inner = "".join(_xml(value, key) for key, value in node.items())
    elif isinstance(node, list):
        return "".join(_xml(item, tag) for item in node)
    else:
        inner = escape(str(node))
    return f"<{tag}>{inner}</{tag}>" if tag else inner


def _error(request: Request, message: str) -> Response:
    return _answer(request, {"error": {"errormessage": message}})


def _authorised(request: Request) -> bool:
    params = request.query_params
    return params.get("authlogin") == LOGIN and params.get("authpass") == PASSWORD


def _int(request: Request, name: str, default: int | None, low: int, high: int) -> int | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadParameter(name)
    return int(value)


def _date(request: Request, name: str, default: date) -> date:
    value = request.query_params.get(name)
    if not value:
        return default
    try:
        day = datetime.strptime(value, "%d.%m.%Y").date()
    except ValueError:
        raise BadParameter(name) from None
    if day < date.today():  # a date in the past is "bad format" too
        raise BadParameter(name)
    return day


# -- search ---------------------------------------------------------------------------


def _searches(request: Request) -> "OrderedDict[str, Search]":
    state = request.app.state
    if not hasattr(state, "tourvisor_searches"):
        state.tourvisor_searches = OrderedDict()
        state.tourvisor_next_id = itertools.count(1015951847)
    return state.tourvisor_searches


def _catalog(request: Request) -> OperatorCatalog:
    return request.app.state.sandbox.catalog(PROFILE.code)


def _party(request: Request) -> tuple[int, int]:
    adults = _int(request, "adults", 2, 1, 4)
    children = _int(request, "child", 0, 0, 3)
    ages = [_int(request, f"childage{n}", None, 0, 17) for n in range(1, children + 1)]
    if any(age is None for age in ages):
        return adults, -1  # no ages: the search finds no hotel at all, as the real one does
    return adults, children


def _matching_offers(request: Request) -> tuple[list[SandboxOffer], int, int]:
    """The tours a search.php call asks for; raises BadParameter as the API refuses them."""
    departure = _int(request, "departure", None, 1, 10**6)
    country = _int(request, "country", None, 1, 10**6)
    if departure is None:
        raise BadParameter("departure")
    if country is None:
        raise BadParameter("country")
    today = date.today()
    date_from = _date(request, "datefrom", today + timedelta(days=1))
    date_to = _date(request, "dateto", date_from + timedelta(days=7))
    if not date_from <= date_to <= date_from + timedelta(days=MAX_WINDOW_DAYS):
        raise BadParameter("dateto")
    nights_from = _int(request, "nightsfrom", 7, 2, 29)
    nights_to = _int(request, "nightsto", max(10, nights_from), 2, 29)
    if nights_to < nights_from:
        raise BadParameter("nightsto")
    adults, children = _party(request)
    currency = _int(request, "currency", 0, 0, 3)
    city = DEPARTURES.get(departure, ("", "", None))[2]
    country_code = next((code for code, id_ in COUNTRY_IDS.items() if id_ == country), None)
    offers = [
        offer
        for offer in _catalog(request).offers()
        if offer.departure_city_code == city
        and offer.hotel.country_code == country_code
        and date_from <= offer.departure_date <= date_to
        and nights_from <= offer.nights <= nights_to
        and (offer.adults, offer.children) == (adults, children)
        # A search shows what can be sold: stop-sale and sold-out tours are left out.
        and offer.availability in ("available", "on_request")
        and offer.price is not None
    ]
    return _by_cheapest_hotel(offers), currency, departure


def _by_cheapest_hotel(offers: list[SandboxOffer]) -> list[SandboxOffer]:
    cheapest: dict[str, Decimal] = {}
    for offer in offers:
        cheapest[offer.hotel_code] = min(offer.price, cheapest.get(offer.hotel_code, offer.price))
    return sorted(offers, key=lambda o: (cheapest[o.hotel_code], o.hotel_code, o.price, o.key))


@router.get("/search.php")
def search(request: Request) -> Response:
    if not _authorised(request):
        return _error(request, "Authorisation Error")
    try:
        offers, currency, departure = _matching_offers(request)
    except BadParameter as error:
        return _error(request, str(error))
    searches = _searches(request)
    request_id = str(next(request.app.state.tourvisor_next_id))
    searches[request_id] = Search(offers, currency, departure)
    while len(searches) > MAX_SEARCHES:
        searches.popitem(last=False)
    return _answer(request, {"result": {"requestid": request_id}})


# -- results --------------------------------------------------------------------------


def _price(amount: Decimal, currency: int) -> int:
    return int((amount * CURRENCIES[currency][1]).quantize(Decimal(1)))


def _offer_index(offer: SandboxOffer) -> int:
    return int(offer.key.removeprefix(PROFILE.key_prefix))


def _tour_operator(offer: SandboxOffer) -> tuple[int, str]:
    return TOUR_OPERATORS[_offer_index(offer) % len(TOUR_OPERATORS)]


def tour_id(offer: SandboxOffer) -> str:
    """Tourvisor's long numeric tour id: the operator's code, then the offer's slot."""
    return f"{_tour_operator(offer)[0]}{_offer_index(offer):012d}"


def _placement(adults: int, children: int) -> str:
    room = {1: "SGL", 2: "DBL", 3: "TRPL"}.get(adults, f"{adults} ADL")
    return room + (f" + {children} CHD" if children else "")


def _tour(offer: SandboxOffer, currency: int, departure: int) -> dict[str, Any]:
    operator_code, operator_name = _tour_operator(offer)
    price = _price(offer.price, currency)
    meal = offer.meal_code
    return {
        "tourid": tour_id(offer),
        "operatorcode": operator_code,
        "operatorname": operator_name,
        "flydate": offer.departure_date.strftime("%d.%m.%Y"),
        "nights": offer.nights,
        "placement": _placement(offer.adults, offer.children),
        "adults": offer.adults,
        "child": offer.children,
        "meal": offer.meal_name,
        "mealcode": MEAL_IDS[meal],
        "mealrussian": f"{meal} - {MEAL_NAMES[meal]}",
        "room": offer.room_type,
        "tourname": f"{offer.hotel.country_code}: {RESORT_NAMES[offer.hotel.resort]} из "
        f"{DEPARTURES[departure][1]}",
        "price": price,
        "fuelcharge": _price(offer.surcharge, currency),  # included in `price`
        "priceue": _price(offer.price, 1),
        "currency": CURRENCIES[currency][0],
        "regular": int(_offer_index(offer) % 5 == 0),
        "promo": 0,
        "onrequest": int(offer.availability == "on_request"),
        "flightstatus": 1,
        "hotelstatus": 1,
        "nightflight": 0,
        "tourlink": "",
    }


def _hotel(offer: SandboxOffer, price: int, base: str, described: bool = True) -> dict[str, Any]:
    hotel = offer.hotel
    description = {"hoteldescription": description_ru(hotel)[0]} if described else {}
    return {
        "hotelcode": int(offer.hotel_code),
        "price": price,
        "countrycode": COUNTRY_IDS[hotel.country_code],
        "countryname": COUNTRY_NAMES[hotel.country_code],
        "regioncode": REGION_IDS[hotel.resort],
        "regionname": RESORT_NAMES[hotel.resort],
        "subregioncode": 0,
        "hotelname": offer.hotel_name,
        "hotelstars": hotel.stars,
        "hotelrating": _rating(hotel.id),
        "seadistance": (hotel.id * 37) % 900 + 20,
        **description,
        "fulldesclink": f"https://tourvisor.ru/hotel/{offer.hotel_code}",
        "picturelink": photo_url(base, "main400", offer.hotel_code, 1),
        "isphoto": 1,
        "iscoords": int(located(hotel)),
        "isdescription": 1,
        "isreviews": int(hotel.id % 4 != 0),
    }


def _rating(hotel_id: int) -> str:
    return f"{3 + (hotel_id * 7) % 21 / 10:.1f}"


def _hotels(
    offers: list[SandboxOffer], currency: int, departure: int, base: str, described: bool
) -> list[dict[str, Any]]:
    grouped: dict[str, list[SandboxOffer]] = {}
    for offer in offers:
        grouped.setdefault(offer.hotel_code, []).append(offer)
    hotels = []
    for tours in grouped.values():
        hotel = _hotel(tours[0], _price(tours[0].price, currency), base, described)
        hotel["tours"] = {"tour": _one_or_many([_tour(t, currency, departure) for t in tours])}
        hotels.append(hotel)
    return hotels


def _found(search: Search) -> list[SandboxOffer]:
    """What the search has found so far: a growing share until it finishes."""
    if search.finished:
        return search.offers
    return search.offers[: len(search.offers) * search.polls // (RUNNING_POLLS + 1)]


def _status(search: Search) -> dict[str, Any]:
    found = _found(search)
    return {
        "state": "finished" if search.finished else "searching",
        "hotelsfound": len({offer.hotel_code for offer in found}),
        "toursfound": len(found),
        "minprice": min((_price(o.price, search.currency) for o in found), default=0),
        "progress": 100 if search.finished else 100 * search.polls // (RUNNING_POLLS + 1),
        "timepassed": int((datetime.now() - search.started).total_seconds()),
    }


@router.get("/result.php")
def result(request: Request) -> Response:
    if not _authorised(request):
        return _error(request, "Authorisation Error")
    search = _searches(request).get(request.query_params.get("requestid", ""))
    if search is None:
        return _error(request, "requestid - bad format")
    kind = request.query_params.get("type", "result")
    if kind not in ("status", "result"):
        return _error(request, "type - bad format")
    try:
        page = _int(request, "page", 1, 1, 10**6)
        onpage = _int(request, "onpage", DEFAULT_ONPAGE, 1, 10**4)
    except BadParameter as error:
        return _error(request, str(error))
    if kind == "status":
        search.polls += 1
        return _answer(request, {"data": {"status": _status(search)}})
    described = request.query_params.get("nodescription") != "1"
    hotels = _hotels(_found(search), search.currency, search.departure, _base(request), described)
    page_hotels = hotels[(page - 1) * onpage : page * onpage]
    data: dict[str, Any] = {"status": _status(search), "result": {}}
    if page_hotels:
        data["result"] = {"hotel": _one_or_many(page_hotels)}
    return _answer(request, {"data": data})


# -- reference lists ------------------------------------------------------------------


def _hotel_entries(request: Request, country: int) -> list[dict[str, Any]]:
    country_code = next((code for code, id_ in COUNTRY_IDS.items() if id_ == country), None)
    catalog = _catalog(request)
    return [
        {
            "id": catalog.profile.hotel_code(hotel),
            "name": catalog.profile.hotel_name(hotel),
            "stars": str(hotel.stars),
            "rating": _rating(hotel.id),
            "region": str(REGION_IDS[hotel.resort]),
            "subregion": "0",
            "beach": "1",
            "family": str(int(hotel.stars >= 4)),
        }
        for hotel in catalog.hotels
        if hotel.country_code == country_code
    ]


def _list(request: Request, kind: str) -> tuple[str, str, list[dict[str, Any]]] | None:
    """One list.php type: (plural key, singular key, entries); None for a type we ignore."""
    if kind == "departure":
        entries = [{"id": str(i), "name": n, "namefrom": f} for i, (n, f, _) in DEPARTURES.items()]
        return "departures", "departure", entries
    if kind == "country":
        names = {COUNTRY_IDS[code]: COUNTRY_NAMES[code] for code in COUNTRY_IDS} | OTHER_COUNTRIES
        entries = [{"id": str(i), "name": names[i]} for i in sorted(names)]
        return "countries", "country", entries
    if kind == "region":
        only = _int(request, "regcountry", None, 1, 10**6)
        entries = [
            {
                "id": str(i),
                "name": RESORT_NAMES[r],
                "country": str(COUNTRY_IDS[COUNTRY_OF_REGION[r]]),
            }
            for r, i in sorted(REGION_IDS.items(), key=lambda item: item[1])
        ]
        entries = [e for e in entries if only is None or e["country"] == str(only)]
        return "regions", "region", entries
    if kind == "meal":
        entries = [
            {
                "id": str(i),
                "name": code,
                "russian": MEAL_NAMES[code],
                "russianfull": MEAL_NAMES[code],
            }
            for code, i in MEAL_IDS.items()
        ]
        return "meals", "meal", entries
    if kind == "stars":
        return "stars", "star", [{"id": str(s), "name": f"{s}*"} for s in range(1, 6)]
    if kind == "operator":
        entries = [{"id": str(i), "name": n, "onlinebooking": "1"} for i, n in TOUR_OPERATORS]
        return "operators", "operator", entries
    if kind == "hotel":
        country = _int(request, "hotcountry", None, 1, 10**6)
        if country is None:
            raise BadParameter("hotcountry")
        return "hotels", "hotel", _hotel_entries(request, country)
    return None


@router.get("/list.php")
def lists(request: Request) -> Response:
    if not _authorised(request):
        return _error(request, "Authorisation Error")
    kinds = [k.strip() for k in request.query_params.get("type", "").split(",") if k.strip()]
    if not kinds:
        return _error(request, "type - bad format")
    body: dict[str, Any] = {}
    try:
        for kind in kinds:
            found = _list(request, kind)
            if found:
                plural, singular, entries = found
                body[plural] = {singular: _one_or_many(entries)} if entries else {}
    except BadParameter as error:
        return _error(request, str(error))
    return _answer(request, {"lists": body})


# -- actualization --------------------------------------------------------------------


def find_tour(catalog: OperatorCatalog, tourid: str) -> SandboxOffer | None:
    if not tourid.isdigit() or len(tourid) <= 12:
        return None
    index = int(tourid[-12:])
    offer = catalog.offer(index) if index < catalog.size else None
    if offer is None or tour_id(offer) != tourid:
        return None
    return offer


@router.get("/actualize.php")
def actualize(request: Request) -> Response:
    if not _authorised(request):
        return _error(request, "Authorisation Error")
    tourid = request.query_params.get("tourid", "")
    if not tourid.isdigit():
        return _error(request, "tourid - bad format")
    try:
        currency = _int(request, "currency", 0, 0, 3)
        _int(request, "request", 0, 0, 2)
    except BadParameter as error:
        return _error(request, str(error))
    offer = find_tour(_catalog(request), tourid)
    if offer is None or offer.price is None or offer.availability in ("stop_sale", "sold_out"):
        # The tour is no longer sold: the answer flags an error instead of a tour.
        return _answer(request, {"data": {"iserror": 1, "errormessage": "Тур не найден"}})
    departure = next(i for i, (_, _, c) in DEPARTURES.items() if c == offer.departure_city_code)
    tour = _tour(offer, currency, departure)
    hotel = _hotel(offer, tour["price"], _base(request))
    detail = {"visacharge": 0, "priceold": tour["price"], "detailavailable": 1}
    return _answer(request, {"data": {"tour": {**hotel, **tour, **detail}}})


# -- hotel information --------------------------------------------------------------------


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def located(hotel: WorldHotel) -> bool:
    """Tourvisor has coordinates for most hotels, not all (`iscoords`)."""
    return hotel.id % 11 != 0


def photo_url(base: str, size: str, hotel_code: str, number: int) -> str:
    return f"{base}/{PROFILE.code}/hotel_pics/{size}/{hotel_code}/{number}.svg"


def _photo_addresses(base: str, size: str, hotel_code: str, hotel: WorldHotel) -> list[str]:
    urls = [photo_url(base, size, hotel_code, n) for n in range(1, len(facts(hotel).photos) + 1)]
    if hotel.id % 5 == 0:  # some come without a scheme, as the live service writes them
        urls = [url.split(":", 1)[1] for url in urls]
    return urls


@router.get("/hotel.php")
def hotel_info(request: Request) -> Response:
    """One hotel's description: `data.hotel`, names (not ids) for country and region."""
    if not _authorised(request):
        return _error(request, "Authorisation Error")
    code = request.query_params.get("hotelcode", "")
    if not code.isdigit():
        return _error(request, "hotelcode - bad format")
    hotel = _catalog(request).hotel_by_code(code)
    if hotel is None:
        return _answer(request, {"data": {}})
    known = facts(hotel)
    size = "big" if request.query_params.get("imgbig") == "1" else "main400"
    photos = _photo_addresses(_base(request), size, code, hotel)
    paragraphs = description_ru(hotel)
    features = [FEATURES[index][1] for index in known.features]
    separator = "; " if request.query_params.get("removetags") == "1" else ""
    services = separator.join(features) if separator else "".join(f"<li>{f}</li>" for f in features)
    coordinates = (
        {"coord1": f"{known.latitude:.6f}", "coord2": f"{known.longitude:.6f}"}
        if located(hotel)
        else {"coord1": "0", "coord2": "0"}
    )
    answer = {
        "name": PROFILE.hotel_name(hotel),
        "stars": str(hotel.stars),
        "rating": _rating(hotel.id),
        "country": COUNTRY_NAMES[hotel.country_code],
        "region": RESORT_NAMES[hotel.resort],
        "subregion": "",
        "placement": placement_ru(hotel),
        "build": str(1990 + hotel.id % 30),
        "repair": str(2015 + hotel.id % 10),
        "phone": known.phone,
        "site": "",
        **coordinates,
        "description": "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs),
        "services": services,
        "imagescount": str(len(photos)),
        "images": {"image": _one_or_many(photos)},
        "reviewscount": "0",
        "isphoto": 1,
        "iscoords": int(located(hotel)),
        "isdescription": 1,
        "isreviews": 0,
    }
    return _answer(request, {"data": {"hotel": answer}})


@router.get("/hotel_pics/{size}/{hotel_code}/{number}.svg")
def hotel_photo(request: Request, size: str, hotel_code: str, number: int) -> Response:
    return photo_response(_catalog(request).hotel_by_code(hotel_code), number)
