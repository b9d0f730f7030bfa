"""TEZ TOUR: the public tour search (`tariffsearch/getResult`) and the XML-gate reference lists.

Written from docs/protocols/teztour.md. A search names everything by TEZ's numeric ids
(departure `cityId`, `countryId`, the party as `accommodationId`, the lowest hotel class
and meal with a "better" flag, the `currency` id) and asks a departure window of at most
20 days and a nights range of at most 8. The answer is JSON with positional rows, 100 at
most, cheapest first; the client pages by re-sending with `priceMin` = the last row's
total while `info[3]` says "Еще результаты: true". Errors are `{"success": false,
"message": "[...]"}` with HTTP 200; the 51st request a minute from one address is refused
with HTTP 429 (our reading: the notes found no wording).

Reference lists: `xmlgate/list/{countries,regions,cities,hotels}.xml` (English upper-case
names), `tariffsearch/hotelClasses` and `tariffsearch/randbs` (XML), and
`tariffsearch/accommodations` (JSON). No credentials anywhere.

Each row names the hotel's small picture (`row[6][2]`); TEZ keeps them on its image host
(s.tez-tour.com), the replica draws and serves them itself (`/teztour/s/hotel/...`).

`/_sandbox/teztour/requests` lets tests shrink the rate window (or its cap) and read the
highest number of requests any client sent within one window.
"""

import os
import threading
import time
import weakref
from collections import defaultdict, deque
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from sandbox.catalog import OperatorCatalog, OperatorProfile, SandboxOffer
from sandbox.hotel_content import photo_response
from sandbox.russian_names import DEPARTURE_CITIES as RUSSIAN_CITIES
from sandbox.russian_names import RESORTS as RUSSIAN_RESORTS
from sandbox.world import COUNTRIES as WORLD_COUNTRIES
from sandbox.world import WorldHotel

PROFILE = OperatorProfile(
    code="teztour",
    name="TEZ TOUR",
    currency="EUR",
    rate=1.0,
    price_factor=0.98,
    hotel_share=65,
    hotel_code=lambda h: str((h.id * 7919 + 104729) % 9_000_000 + 100_000),
    # "PRENSES SEALINE BEACH HOTEL 4 *": upper case, then the stars as "N *".
    hotel_name=lambda h: f"{h.name.upper()} {h.stars} *",
    meal_names={
        "RO": "Размещение без питания",
        "BB": "Только завтраки",
        "HB": "Завтрак и ужин",
        "FB": "Завтрак, обед и ужин",
        "AI": "Все включено",
        "UAI": "Ультра все включено",
    },
    key_prefix="TZ",
)

# A replica of a published search protocol: it answers queries, it does not publish a
# catalogue (tests/crawler/test_fault_modes.py leaves such operators to their own tests).
REPLICA_OF = "teztour"
# Each search answers for one departure, country, date window and party: the demo's few
# queries find a few hundred tours in a catalogue this size (the tests set their own).
DEFAULT_SIZE = 12_000

router = APIRouter(prefix=f"/{PROFILE.code}")

# -- TEZ's ids (real ones from the notes; those the notes lack are ours, in 9_1xx_xxx) ----

COUNTRY_IDS = {
    "TR": 1104,
    "EG": 5732,
    "AE": 7067149,
    "TH": 12695,
    "GR": 7067498,
    "ES": 5733,
    "CY": 7067673,
    "TN": 9100001,
    "MV": 166775,
    "VN": 9100002,
    "LK": 138865,
    "ME": 9100003,
}
COUNTRY_NAMES = {
    "TR": "TURKEY",
    "EG": "EGYPT",
    "AE": "UAE",
    "TH": "THAILAND",
    "GR": "GREECE",
    "ES": "SPAIN",
    "CY": "CYPRUS",
    "TN": "TUNISIA",
    "MV": "MALDIVES",
    "VN": "VIETNAM",
    "LK": "SRI LANKA",
    "ME": "MONTENEGRO",
}
# Countries TEZ lists that the demo world sells nothing in.
OTHER_COUNTRIES = [(147573, "AUSTRIA"), (158976, "BULGARIA"), (111241, "DOMINICAN REPUBLIC")]

KNOWN_RESORT_IDS = {
    "Antalya": 1285,
    "Alanya": 4433,
    "Belek": 12689,
    "Kemer": 5736,
    "Side": 12691,
    "Bodrum": 12706,
    "Marmaris": 4434,
    "Hurghada": 5734,
    "Sharm El Sheikh": 5735,
    "El Gouna": 14351,
    "Makadi Bay": 14355,
    "Marsa Alam": 111466,
    "Crete": 7067584,
}
RESORT_IDS = {
    resort: KNOWN_RESORT_IDS.get(resort, 9_110_000 + 10 * country_no + resort_no)
    for country_no, (_, _, resorts) in enumerate(WORLD_COUNTRIES)
    for resort_no, resort in enumerate(resorts)
}
RESORT_COUNTRY = {resort: code for code, _, resorts in WORLD_COUNTRIES for resort in resorts}
# The tariff (arrival) region a resort is sold under: Side is sold as "ANTALYA"; by default
# a country's first resort.
RESORT_COUNTRY_FIRST = {code: resorts[0] for code, _, resorts in WORLD_COUNTRIES}
ARRIVAL_REGION = {"Bodrum": "Bodrum", "Marmaris": "Marmaris", "Sharm El Sheikh": "Sharm El Sheikh"}

CITY_IDS = {"MOW": 345, "LED": 521, "KZN": 1107, "SVX": 2729, "OVB": 2190, "KRR": 2141}
CITY_NAMES = {
    "MOW": "MOSCOW",
    "LED": "SAINT PETERSBURG",
    "KZN": "KAZAN",
    "SVX": "YEKATERINBURG",
    "OVB": "NOVOSIBIRSK",
    "KRR": "KRASNODAR",
}
OTHER_CITIES = [(786, "MINSK"), (523, "RIGA"), (2707, "ALMATY")]

HOTEL_CLASSES = {  # classId -> (name, weight, stars)
    269506: ("Special Cat.", 0, None),
    2566: ("1*", 1, 1),
    2567: ("2*", 2, 2),
    2568: ("3*", 3, 3),
    2569: ("4*", 4, 4),
    2570: ("5*", 5, 5),
}
SPECIAL_CATEGORY_COUNTRIES = {"TR", "EG", "AE"}
CLASS_BY_STARS = {stars: class_id for class_id, (_, _, stars) in HOTEL_CLASSES.items() if stars}

MEALS = {  # rAndBId -> (code, weight)
    15350: ("RO", 0),
    2424: ("BB", 1),
    2474: ("HB", 3),
    2749: ("FB", 5),
    5737: ("AI", 7),
    5738: ("UAI", 8),
}
MEAL_IDS = {code: meal_id for meal_id, (code, _) in MEALS.items()}

ACCOMMODATIONS = {  # accommodationId -> (adults, children)
    1: (1, 0),
    14317: (1, 1),
    14357: (1, 2),
    2: (2, 0),
    14258: (2, 1),
    14356: (2, 2),
    3: (3, 0),
    21347: (3, 1),
    26274: (3, 2),
    15352: (4, 0),
    26275: (4, 1),
    31212: (4, 2),
    26273: (5, 0),
    15351: (6, 0),
}
ACCOMMODATION_IDS = {party: acc_id for acc_id, party in ACCOMMODATIONS.items()}

CURRENCIES = {
    5561: ("USD", "$", Decimal("1.09")),
    18864: ("EUR", "€", 1),
    8390: ("RUB", "руб.", 98),
}

ROOM_TYPE_IDS = {
    "Standard Room": 402618,
    "Standard Sea View": 402620,
    "Superior Room": 160053,
    "Deluxe Room": 160071,
    "Family Room": 402633,
    "Junior Suite": 160090,
    "Bungalow": 402651,
}
# What the row says of the room ("Есть" has rooms) and of the seats, per catalogue status.
ROOM_WORDS = {"available": "Есть", "on_request": "Запрос", "stop_sale": "Нет", "sold_out": "Есть"}
WEEKDAYS = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]

MAX_WINDOW_DAYS = 20
MAX_NIGHTS_SPAN = 8
PAGE_SIZE = 100
RATE_LIMIT = 50
RATE_WINDOW_VARIABLE = "TOURSCOPE_SANDBOX_TEZTOUR_RATE_WINDOW"


def hotel_id(hotel: WorldHotel) -> int:
    return int(PROFILE.hotel_code(hotel))


def price_offer_id(offer: SandboxOffer) -> int:
    """TEZ's id of the price offer: stable for a catalogue slot."""
    return 21_000_000 + int(offer.key.removeprefix(PROFILE.key_prefix))


# -- errors and the per-address rate limit -----------------------------------------------


class TezError(Exception):
    def __init__(self, message: str, status: int = 200):
        super().__init__(message)
        self.message, self.status = message, status


def error_answer(error: TezError) -> JSONResponse:
    # TEZ writes its messages in square brackets; errors come with HTTP 200 (not 429).
    return JSONResponse(
        {"success": False, "message": f"[{error.message}]"}, status_code=error.status
    )


class RateControl(BaseModel):
    window_seconds: float | None = Field(None, gt=0, le=3600)
    limit: int = Field(RATE_LIMIT, ge=1)


class RequestCounter:
    """Requests per client address in a sliding window; remembers the busiest window seen."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset(RateControl())

    def reset(self, control: RateControl) -> None:
        with self.lock:
            self.control = control
            self.times: dict[str, deque[float]] = defaultdict(deque)
            self.highest = 0
            self.total = 0
            self.refused = 0

    @property
    def window(self) -> float:
        if self.control.window_seconds:
            return self.control.window_seconds
        return float(os.environ.get(RATE_WINDOW_VARIABLE) or 60)

    def admit(self, address: str) -> bool:
        """Count one request; False when it is over the limit (a refused one is counted too:
        a client that keeps knocking stays locked out, as a quota does)."""
        now = time.monotonic()
        with self.lock:
            times = self.times[address]
            while times and now - times[0] >= self.window:
                times.popleft()
            times.append(now)
            self.total += 1
            self.highest = max(self.highest, len(times))
            if len(times) > self.control.limit:
                self.refused += 1
                return False
            return True

    def report(self) -> dict[str, Any]:
        return {
            "window_seconds": self.window,
            "limit": self.control.limit,
            "highest_in_window": self.highest,
            "total": self.total,
            "refused": self.refused,
        }


def _counter(request: Request) -> RequestCounter:
    state = request.app.state
    if not hasattr(state, "teztour_requests"):
        state.teztour_requests = RequestCounter()
    return state.teztour_requests


def _count_request(request: Request) -> None:
    address = request.client.host if request.client else "unknown"
    if not _counter(request).admit(address):
        raise TezError(
            f"Превышен лимит: не более {_counter(request).control.limit} запросов в минуту "
            "с одного IP-адреса",
            status=429,
        )


def _refused_xml(request: Request) -> Response | None:
    """The rate limit for the reference lists (every request counts towards the minute)."""
    try:
        _count_request(request)
    except TezError as error:
        return _xml(
            f"<error><success>false</success><message>[{escape(error.message)}]</message></error>",
            status=error.status,
        )
    return None


def read_requests(request: Request) -> dict[str, Any]:
    return _counter(request).report()


def reset_requests(request: Request, control: RateControl) -> dict[str, Any]:
    _counter(request).reset(control)
    return _counter(request).report()


# Control routes live beside the other sandbox controls (/_sandbox/...), outside the replica's
# prefix, so a fault injected into the replica never hides the counter from a test.
router.routes.append(APIRoute("/_sandbox/teztour/requests", read_requests, methods=["GET"]))
router.routes.append(APIRoute("/_sandbox/teztour/requests", reset_requests, methods=["PUT"]))


# -- the search --------------------------------------------------------------------------

_OFFERS: "weakref.WeakKeyDictionary[OperatorCatalog, list[SandboxOffer]]" = (
    weakref.WeakKeyDictionary()
)


def _all_offers(catalog: OperatorCatalog) -> list[SandboxOffer]:
    """The catalogue's offers, generated once per catalogue (each search filters them all)."""
    if catalog not in _OFFERS:
        _OFFERS[catalog] = list(catalog.offers())
    return _OFFERS[catalog]


def _param(request: Request, name: str) -> str:
    value = request.query_params.get(name)
    if value is None or value == "":
        raise TezError(f"Не задан обязательный параметр {name}")
    return value


def _int(request: Request, name: str) -> int:
    value = _param(request, name)
    try:
        return int(value)
    except ValueError:
        raise TezError(f"Неверное значение параметра {name}: {value}") from None


def _number(request: Request, name: str) -> Decimal:
    value = _param(request, name)
    try:
        return Decimal(value)
    except ArithmeticError:
        raise TezError(f"Неверное значение параметра {name}: {value}") from None


def _date(request: Request, name: str) -> date:
    value = _param(request, name)
    try:
        return datetime.strptime(value, "%d.%m.%Y").date()
    except ValueError:
        raise TezError(f"Неверный формат даты {name}: {value} (ожидается дд.мм.гггг)") from None


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "false").lower() == "true"


def _ids(request: Request, name: str) -> set[int] | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    try:
        return {int(value) for value in values}
    except ValueError:
        raise TezError(f"Неверное значение параметра {name}") from None


def _lookup(table: dict, key: int, what: str) -> Any:
    if key not in table:
        raise TezError(f"{what} {key} не найден(а) в справочнике")
    return table[key]


class Search:
    """One getResult request, validated: what it asks of the catalogue."""

    def __init__(self, request: Request, catalog: OperatorCatalog):
        # TEZ's pictures live on its image host; the replica draws and serves them itself.
        self.image_host = f"{str(request.base_url).rstrip('/')}/{PROFILE.code}/s"
        country_codes = {v: k for k, v in COUNTRY_IDS.items()}
        city_codes = {v: k for k, v in CITY_IDS.items()}
        self.country_id = _int(request, "countryId")
        self.country = _lookup(country_codes, self.country_id, "Страна")
        self.city_id = _int(request, "cityId")
        self.city = _lookup(city_codes, self.city_id, "Город вылета")
        self.after, self.before = _date(request, "after"), _date(request, "before")
        if self.before < self.after:
            raise TezError("Дата before раньше даты after")
        if (self.before - self.after).days > MAX_WINDOW_DAYS:
            raise TezError(
                f"Период дат заезда не может превышать {MAX_WINDOW_DAYS} дней "
                f"({self.after:%d.%m.%Y} - {self.before:%d.%m.%Y})"
            )
        self.nights_min, self.nights_max = _int(request, "nightsMin"), _int(request, "nightsMax")
        if not 1 <= self.nights_min <= self.nights_max:
            raise TezError("nightsMin должен быть от 1 и не больше nightsMax")
        if self.nights_max - self.nights_min > MAX_NIGHTS_SPAN:
            raise TezError(
                f"Разница между nightsMax и nightsMin не может превышать {MAX_NIGHTS_SPAN} ночей"
            )
        party = _lookup(ACCOMMODATIONS, _int(request, "accommodationId"), "Размещение")
        self.adults, self.children = party
        self.currency_id = _int(request, "currency")
        self.currency = _lookup(CURRENCIES, self.currency_id, "Валюта")
        self.price_min, self.price_max = _number(request, "priceMin"), _number(request, "priceMax")
        class_id = _int(request, "hotelClassId")
        class_name, class_weight, _ = _lookup(HOTEL_CLASSES, class_id, "Звездность отеля")
        self.class_weight, self.class_better = class_weight, _flag(request, "hotelClassBetter")
        meal_id = _int(request, "rAndBId")
        self.meal_weight = _lookup(MEALS, meal_id, "Тип питания")[1]
        self.meal_better = _flag(request, "rAndBBetter")
        self.tour_ids, self.hotel_ids = _ids(request, "tourId"), _ids(request, "hotelId")
        classes = destination_classes(catalog, self.country)
        if class_id not in classes:
            # The notes' only literal error: a class the destination's prices do not have.
            raise TezError(
                f"Звездность отеля {class_id}: {class_name} отсутствует в ценах "
                "запрошенного направления"
            )

    def price(self, offer: SandboxOffer) -> Decimal | None:
        if offer.price is None:
            return None
        return (offer.price * self.currency[2]).quantize(Decimal("0.0001"))

    def wants(self, offer: SandboxOffer) -> bool:
        hotel = offer.hotel
        class_weight = HOTEL_CLASSES[CLASS_BY_STARS[hotel.stars]][1]
        meal_weight = MEALS[MEAL_IDS[offer.meal_code]][1] if offer.meal_code in MEAL_IDS else -1
        return (
            hotel.country_code == self.country
            and offer.departure_city_code == self.city
            and self.after <= offer.departure_date <= self.before
            and self.nights_min <= offer.nights <= self.nights_max
            and (offer.adults, offer.children) == (self.adults, self.children)
            and (
                class_weight >= self.class_weight
                if self.class_better
                else class_weight == self.class_weight
            )
            and (
                meal_weight >= self.meal_weight
                if self.meal_better
                else meal_weight == self.meal_weight
            )
            and (self.tour_ids is None or RESORT_IDS[hotel.resort] in self.tour_ids)
            and (self.hotel_ids is None or hotel_id(hotel) in self.hotel_ids)
        )


def destination_classes(catalog: OperatorCatalog, country: str | None) -> dict[int, int]:
    """Hotel classes (id -> weight) the operator sells in a country (everywhere when None).
    "Special Cat." (unrated hotels) only some destinations have: asking it elsewhere is the
    error the notes quote."""
    stars = {h.stars for h in catalog.hotels if country is None or h.country_code == country}
    classes = {269506: 0} if country is None or country in SPECIAL_CATEGORY_COUNTRIES else {}
    classes.update({CLASS_BY_STARS[s]: HOTEL_CLASSES[CLASS_BY_STARS[s]][1] for s in stars})
    return classes


def _seat_set(word: str) -> dict[str, str]:
    return {"seatSet": word, "charge": "0", "childCharge": "0", "infantCharge": "0"}


def _row(offer: SandboxOffer, search: Search, total: Decimal | None) -> list[Any]:
    """One offer as TEZ's 26-position row (docs/protocols/teztour.md, section 4)."""
    hotel = offer.hotel
    resort_id = RESORT_IDS[hotel.resort]
    arrival = ARRIVAL_REGION.get(hotel.resort) or RESORT_COUNTRY_FIRST[hotel.country_code]
    arrival_id = RESORT_IDS[arrival]
    russian_resort = RUSSIAN_RESORTS.get(hotel.resort, hotel.resort)
    russian_arrival = RUSSIAN_RESORTS.get(arrival, arrival)
    hid = hotel_id(hotel)
    check_out = offer.departure_date + timedelta(days=offer.nights)
    meal_id = MEAL_IDS.get(offer.meal_code, 0)
    room_id = ROOM_TYPE_IDS.get(offer.room_type, 402699)
    seats = "No" if offer.availability == "sold_out" else ("Few" if hid % 3 == 0 else "Available")
    symbol = search.currency[1]
    tourists = offer.adults + offer.children
    link = (
        "https://online.tez-tour.com/armmanager/workplace/section/new-order?"
        f"depCity={search.city_id}&arrivalCity={search.city_id}&hotStType=1&locale=ru"
        f"&priceOfferId={price_offer_id(offer)}&cResId={hid * 1000 + room_id % 1000}"
        f"&cFlyIds={231_000_000 + price_offer_id(offer) % 1_000_000}"
        f"&ftt=3635&ltt=3635&ftv=&ltv=&sk=1&promo=1&rar={arrival_id}&rdr={arrival_id}"
    )
    flights = [{"description": "adult", "touristCount": tourists, "price": "0"}]
    return [
        offer.departure_date.strftime("%d.%m.%Y"),
        [],
        WEEKDAYS[offer.departure_date.weekday()],
        offer.nights,
        check_out.strftime("%d.%m"),
        [
            russian_resort,
            arrival.upper(),
            resort_id,
            7_078_305,
            russian_arrival,
            arrival_id,
            russian_arrival,
            arrival_id,
            russian_resort,
        ],
        [
            f"https://www.tez-tour.com/hotel.html?id={hid}",
            offer.hotel_name,
            f"{search.image_host}/hotel/{hid}/main_small.svg",
            hid,
            f"/hotel.html?id={hid}",
        ],
        [offer.meal_code, offer.meal_name, meal_id, hid * 10 + meal_id % 10],
        [room_id, offer.room_type, hid * 100 + room_id % 100],
        [[offer.adults, offer.children, 0]],
        {
            "currency": symbol,
            "currencyId": search.currency_id,
            "residences": ["0"],
            "flightsTo": flights,
            "flightsFrom": flights,
            "insurance": "0",
            "other": "0",
            "priceTypes": [True, True, True, True],
            "specialSell": False,
            "total": None if total is None else f"{total.normalize():f}",
        },
        [[link, ""]],
        ROOM_WORDS[offer.availability],
        [
            {
                "to": {"econom": _seat_set(seats), "price": "0"},
                "from": {"econom": _seat_set(seats), "price": "0"},
            }
        ],
        {
            "baseHotel": {"value": hid % 5 == 0, "comment": "Tez рекомендует"},
            "earlyBooking": {"value": False},
            "promos": [],
        },
        1,
        [RUSSIAN_CITIES[offer.departure_city_code], "Россия"],
        60_000 + hid % 9000,
        "",
        "",
        {},
        "",
        [3635, 3635],
        [{}, {}],
        {},
        {},
    ]


@router.get("/tariffsearch/getResult")
def get_result(request: Request) -> Response:
    started = time.monotonic()
    try:
        _count_request(request)
        if request.query_params.get("xml", "false").lower() == "true":
            raise TezError("Реплика отвечает только в JSON: задайте xml=false")
        catalog = request.app.state.sandbox.catalog(PROFILE.code)
        search = Search(request, catalog)
    except TezError as error:
        return error_answer(error)
    found = []
    for offer in _all_offers(catalog):
        if not search.wants(offer):
            continue
        total = search.price(offer)
        if total is not None and not search.price_min <= total <= search.price_max:
            continue
        found.append((total if total is not None else Decimal(0), offer.key, offer, total))
    found.sort(key=lambda entry: (entry[0], entry[1]))
    page = found[:PAGE_SIZE]
    rows = [_row(offer, search, total) for _, _, offer, total in page]
    answer = {
        "success": True,
        "serverName": "amba.teztour.com",
        "data": rows,
        "info": [
            ["Время выполненения", f"{time.monotonic() - started:.2f}"],
            ["Кол-во результатов", str(len(rows))],
            ["Примечания", "доплата за авиабилет с одного человека в одну сторону"],
            ["Еще результаты", "true" if len(found) > PAGE_SIZE else "false"],
            ["timestamp", datetime.now().strftime("%d.%m.%Y %H:%M:%S")],
        ],
        "scalePrice": 0,
        "departureCityId": search.city_id,
        "arrivalCountryId": search.country_id,
    }
    return JSONResponse(answer)


@router.get("/s/hotel/{hid}/main_small.svg")
def hotel_photo(request: Request, hid: str) -> Response:
    """The hotel's picture that search rows name (on TEZ's image host, s.tez-tour.com)."""
    return photo_response(request.app.state.sandbox.catalog(PROFILE.code).hotel_by_code(hid), 1)


# -- reference lists ---------------------------------------------------------------------


def _xml(body: str, status: int = 200) -> Response:
    return Response(
        f'<?xml version="1.0" encoding="UTF-8"?>\n{body}',
        media_type="application/xml",
        status_code=status,
    )


def _reference_list(name: str, item_type: str, items: list[tuple[int, str, dict]]) -> Response:
    """The XML-gate list shape: <reference><listName/><itemCount/><item type row>..."""
    lines = [f"<reference><listName>{name}</listName><itemCount>{len(items)}</itemCount>"]
    for row, (item_id, item_name, props) in enumerate(items, start=1):
        prop_text = "".join(f'<prop name="{k}">{escape(str(v))}</prop>' for k, v in props.items())
        lines.append(
            f'<item type="{item_type}" row="{row}"><id>{item_id}</id>'
            f"<name>{escape(item_name)}</name>{prop_text}</item>"
        )
    lines.append("</reference>")
    return _xml("\n".join(lines))


@router.get("/xmlgate/list/countries.xml")
def countries(request: Request) -> Response:
    if refused := _refused_xml(request):
        return refused
    items = [(COUNTRY_IDS[code], COUNTRY_NAMES[code], {}) for code, _, _ in WORLD_COUNTRIES]
    items += [(country_id, name, {}) for country_id, name in OTHER_COUNTRIES]
    return _reference_list("countries", "Country", sorted(items, key=lambda item: item[1]))


@router.get("/xmlgate/list/regions.xml")
def regions(request: Request) -> Response:
    if refused := _refused_xml(request):
        return refused
    items = [
        (RESORT_IDS[resort], resort.upper(), {"Country": COUNTRY_IDS[RESORT_COUNTRY[resort]]})
        for resort in RESORT_IDS
    ]
    return _reference_list("regions", "Region", items)


@router.get("/xmlgate/list/cities.xml")
def cities(request: Request) -> Response:
    if refused := _refused_xml(request):
        return refused
    items = [(CITY_IDS[code], CITY_NAMES[code], {}) for code in CITY_IDS]
    items += [(city_id, name, {}) for city_id, name in OTHER_CITIES]
    return _reference_list("cities", "City", items)


@router.get("/xmlgate/list/hotels.xml")
def hotels(request: Request) -> Response:
    if refused := _refused_xml(request):
        return refused
    catalog = request.app.state.sandbox.catalog(PROFILE.code)
    items = [
        (
            hotel_id(h),
            PROFILE.hotel_name(h),
            {"Country": COUNTRY_IDS[h.country_code], "Region": RESORT_IDS[h.resort]},
        )
        for h in catalog.hotels
    ]
    return _reference_list("hotels", "Hotel", items)


def _optional_country(request: Request) -> str | None:
    value = request.query_params.get("countryId")
    if not value:
        return None
    codes = {str(v): k for k, v in COUNTRY_IDS.items()}
    if value not in codes:
        raise TezError(f"Страна {value} не найдена в справочнике")
    return codes[value]


def _xml_error(error: TezError) -> Response:
    return _xml(
        f"<hotelClasses><success>false</success><message>[{escape(error.message)}]"
        "</message></hotelClasses>"
    )


@router.get("/tariffsearch/hotelClasses")
def hotel_classes(request: Request) -> Response:
    """The hotel classes, or those a destination's prices have (countryId, cityId)."""
    if refused := _refused_xml(request):
        return refused
    try:
        country = _optional_country(request)
    except TezError as error:
        return _xml_error(error)
    classes = destination_classes(request.app.state.sandbox.catalog(PROFILE.code), country)
    lines = ["<hotelClasses>"]
    for class_id in sorted(classes, key=classes.get):
        name, weight, _ = HOTEL_CLASSES[class_id]
        lines.append(
            f"<hotelClass><classId>{class_id}</classId><name>{escape(name)}</name>"
            f"<weight>{weight}</weight></hotelClass>"
        )
    lines.append("</hotelClasses>")
    return _xml("".join(lines))


@router.get("/tariffsearch/randbs")
def meals(request: Request) -> Response:
    if refused := _refused_xml(request):
        return refused
    lines = ["<rAndBs>"]
    for meal_id, (code, weight) in MEALS.items():
        lines.append(
            f"<rAndB><rAndBId>{meal_id}</rAndBId><name>{code}</name>"
            f"<russianName>{escape(PROFILE.meal_names[code])}</russianName>"
            f"<weight>{weight}</weight></rAndB>"
        )
    lines.append("</rAndBs>")
    return _xml("".join(lines))


def _party_name(adults: int, children: int) -> str:
    grown = f"{adults} Взрослый" if adults == 1 else f"{adults} Взрослых"
    if not children:
        return grown
    return f"{grown} и {children} " + ("Ребенок" if children == 1 else "Ребенка")


@router.get("/tariffsearch/accommodations")
def accommodations(request: Request) -> Any:
    try:
        _count_request(request)
    except TezError as error:
        return error_answer(error)
    return {
        "success": True,
        "accommodations": [
            {
                "accommodationId": acc_id,
                "name": _party_name(*party),
                "adult": party[0],
                "children": party[1],
            }
            for acc_id, party in ACCOMMODATIONS.items()
        ],
    }
