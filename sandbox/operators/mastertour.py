"""A replica of Megatec Master-Tour 15's price API for search systems ("API для отдачи цен в
поисковые системы"), as an operator installs it beside its search service.

Everything is a GET of `/TourSearchOwin/searchApi?action=<Method>&...` answering JSON:
reference lists with Master-Tour's integer ids and Russian names, `GetTours` (the cheapest
offers for one question, at most `count` of them, no paging) and `ActualizeTour` (one
offer recomputed now). What the research notes (docs/protocols/mastertour.md) could not
confirm is chosen here and marked "assumption": wrapper keys other than `countries`,
`tours` and `currencyRates`, the error format, the shape of ActualizeTour.
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from sandbox.catalog import OperatorCatalog, OperatorProfile, SandboxOffer
from sandbox.russian_names import COUNTRIES, DEPARTURE_CITIES, MEALS, RESORTS
from sandbox.world import COUNTRIES as WORLD_COUNTRIES
from sandbox.world import WorldHotel

# Master-Tour keeps hotel names in Latin with the category apart (hotelCategoryId).
# A replica of a published protocol: it answers queries, not a whole catalogue.
REPLICA_OF = "mastertour"
# Each search answers for one departure, country, date window and party: the demo's few
# queries find a few hundred tours in a catalogue this size (the tests set their own).
DEFAULT_SIZE = 12_000

PROFILE = OperatorProfile(
    code="mastertour",
    name="Master-Tour operator",
    currency="EUR",
    rate=1.0,
    price_factor=0.98,
    hotel_share=60,
    hotel_code=lambda h: str((h.id * 7877 + 211) % 90000 + 10000),
    hotel_name=lambda h: f"{h.first} {h.second} {h.kind.replace('Spa', 'SPA')}",
    meal_names=MEALS,
    key_prefix="MT",
)

router = APIRouter(prefix=f"/{PROFILE.code}")
API_PATH = "/TourSearchOwin/searchApi"

# Master-Tour ids: Турция 4, Египет 17, Анталья 1287, Кемер 1290 as in the notes' examples;
# the others are made up in the same style.
COUNTRY_IDS = {
    "TR": 4,
    "EG": 17,
    "AE": 76,
    "TH": 32,
    "GR": 9,
    "ES": 19,
    "CY": 58,
    "TN": 23,
    "MV": 103,
    "VN": 89,
    "LK": 95,
    "ME": 112,
}
DEPARTURE_IDS = {"MOW": 1, "LED": 2, "KZN": 47, "SVX": 61, "OVB": 64, "KRR": 88}
# Resorts numbered in the world's order from Анталья = 1287 (so Кемер is 1290).
RESORT_IDS = {
    resort: 1287 + number
    for number, resort in enumerate(
        resort for _, _, resorts in WORLD_COUNTRIES for resort in resorts
    )
}
MEAL_IDS = {"RO": 7, "BB": 3, "HB": 5, "FB": 4, "AI": 12, "UAI": 14}
# A board type of the operator's own ("as the programme says") that maps to no meal plan.
EXTRA_MEALS = [{"id": 21, "name": "По программе"}]
CATEGORY_IDS = {2: 2, 3: 3, 4: 4, 5: 5}
# Holiday villages have a category of their own in Master-Tour, not a number of stars.
EXTRA_CATEGORIES = [{"id": 11, "name": "HV-1"}]
# Master-Tour writes currencies with short names; rates are roubles per unit.
CURRENCIES = {1: ("рб", Decimal(1)), 2: ("$", Decimal("81.2435")), 3: ("EU", Decimal("94.1023"))}
EUR_ID = 3
OFFER_ID_BASE = 812_000_000_000

# Assumption: the JSON service's errors are not documented; these are the XML predecessor's
# texts (HTTP 200 with an error body), as the notes propose.
INCORRECT_REQUEST = "Incorrect request."
INCORRECT_PARAMETER = "Incorrect parametr."
PRICE_NOT_FOUND = "Данных по цене в БД не найдено"


class BadParameter(ValueError):
    pass


def error_answer(text: str) -> JSONResponse:
    return JSONResponse({"error": text})


@router.get(API_PATH)
def search_api(request: Request) -> Any:
    method = METHODS.get(request.query_params.get("action", ""))
    if method is None:
        return error_answer(INCORRECT_REQUEST)
    try:
        return method(request)
    except BadParameter:
        return error_answer(INCORRECT_PARAMETER)


# -- parameters ---------------------------------------------------------------------------


def _integer(request: Request, name: str, required: bool = True, bits: int = 32) -> int | None:
    text = request.query_params.get(name, "").strip()
    if not text:
        if required:
            raise BadParameter(name)
        return None
    try:
        value = int(text)
    except ValueError:
        raise BadParameter(name) from None
    if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        raise BadParameter(name)  # the predecessor parsed `count` as a 16-bit number
    return value


def _integers(request: Request, name: str) -> set[int] | None:
    text = request.query_params.get(name, "").strip()
    if not text:
        return None
    try:
        return {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        raise BadParameter(name) from None


def _date(request: Request, name: str) -> date:
    try:
        return datetime.strptime(request.query_params.get(name, ""), "%d.%m.%Y").date()
    except ValueError:
        raise BadParameter(name) from None


def _one_id(request: Request) -> int | None:
    # Several ids ("1,2") are not processed: the whole list is returned, as the wiki says.
    text = request.query_params.get("id", "").strip()
    if not text or "," in text:
        return None
    return _integer(request, "id")


def _only(items: list[dict[str, Any]], wanted: int | None) -> list[dict[str, Any]]:
    return [item for item in items if wanted is None or item["id"] == wanted]


# -- reference lists ----------------------------------------------------------------------


def _catalog(request: Request) -> OperatorCatalog:
    return request.app.state.sandbox.catalog(PROFILE.code)


def _sold_countries(catalog: OperatorCatalog) -> list[str]:
    return sorted({hotel.country_code for hotel in catalog.hotels}, key=COUNTRY_IDS.get)


def get_countries(request: Request) -> dict[str, Any]:
    countries = [
        {"id": COUNTRY_IDS[code], "name": COUNTRIES[code]}
        for code in _sold_countries(_catalog(request))
    ]
    return {"countries": _only(countries, _one_id(request))}


def get_departure_cities(request: Request) -> dict[str, Any]:
    # Assumption: wrapper `departureCities`; every city flies to every country sold.
    served = [{"id": COUNTRY_IDS[code]} for code in _sold_countries(_catalog(request))]
    cities = [
        {"id": city_id, "name": DEPARTURE_CITIES[code], "countriesTo": served}
        for code, city_id in DEPARTURE_IDS.items()
    ]
    return {"departureCities": _only(cities, _one_id(request))}


def get_cities(request: Request) -> dict[str, Any]:
    sold = set(_sold_countries(_catalog(request)))
    cities = [
        {"id": RESORT_IDS[resort], "name": RESORTS[resort], "countryId": COUNTRY_IDS[code]}
        for code, _, resorts in WORLD_COUNTRIES
        if code in sold
        for resort in resorts
    ]
    return {"cities": _only(cities, _one_id(request))}


def get_hotel_categories(request: Request) -> dict[str, Any]:
    categories = [
        {"id": category_id, "name": f"{stars}*"}
        for stars, category_id in sorted(CATEGORY_IDS.items(), reverse=True)
    ]
    return {"hotelCategories": _only(categories + EXTRA_CATEGORIES, _one_id(request))}


def _hotel(hotel: WorldHotel) -> dict[str, Any]:
    return {
        "id": int(PROFILE.hotel_code(hotel)),
        "name": PROFILE.hotel_name(hotel),
        "hotelCategoryId": CATEGORY_IDS[hotel.stars],
        "resortId": RESORT_IDS[hotel.resort],
    }


def get_hotels(request: Request) -> dict[str, Any]:
    hotels = [_hotel(hotel) for hotel in _catalog(request).hotels]
    return {"hotels": _only(hotels, _one_id(request))}


def get_meals(request: Request) -> dict[str, Any]:
    meals = [{"id": MEAL_IDS[code], "name": name} for code, name in MEALS.items()]
    return {"meals": _only(meals + EXTRA_MEALS, _one_id(request))}


def get_currencies(request: Request) -> dict[str, Any]:
    currencies = [{"id": key, "name": name} for key, (name, _) in CURRENCIES.items()]
    return {"currencies": _only(currencies, _one_id(request))}


def get_currency_rates(request: Request) -> dict[str, Any]:
    # `rate` in roubles per unit is seen in a client; `currencyId` beside it is assumed.
    return {
        "currencyRates": [
            {"currencyId": key, "rate": float(rate)}
            for key, (_, rate) in CURRENCIES.items()
            if key != 1
        ]
    }


# -- offers -------------------------------------------------------------------------------


def offer_id(offer: SandboxOffer) -> int:
    return OFFER_ID_BASE + int(offer.key.removeprefix(PROFILE.key_prefix))


def catalogue_key(price_key: int) -> str:
    return f"{PROFILE.key_prefix}{price_key - OFFER_ID_BASE:07d}"


def price_in(offer: SandboxOffer, currency_id: int) -> int | None:
    """The catalogue's EUR price in another currency, rounded to a whole number."""
    if offer.price is None:
        return None
    roubles = offer.price * CURRENCIES[EUR_ID][1]
    price = roubles / CURRENCIES[currency_id][1]
    return int(price.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _availability(offer: SandboxOffer) -> dict[str, Any]:
    """Hotel: 0 places, 1 stop-sale, 2 on request. Seats: 0 none, 1 available, 2 request."""
    in_stop = {"stop_sale": 1, "on_request": 2}.get(offer.availability, 0)
    seats = 0 if offer.availability == "sold_out" else 1
    index = int(offer.key.removeprefix(PROFILE.key_prefix))
    few = 1 + index % 4 if offer.availability == "available" and index % 5 == 0 else None
    return {
        "hotelIsInStop": in_stop,
        "ticketsIncluded": 1,
        "hasEconomTicketsDpt": seats,
        "hasEconomTicketsRtn": seats,
        "hasBusinessTicketsDpt": 0,
        "hasBusinessTicketsRtn": 0,
        "fewPlacesInHotel": few,
    }


def _place_name(offer: SandboxOffer) -> str:
    return f"{offer.adults} ADL" + (f" + {offer.children} CHD" if offer.children else "")


def tour(request: Request, offer: SandboxOffer, currency_id: int) -> dict[str, Any]:
    key = offer_id(offer)
    base = str(request.base_url).rstrip("/") + f"/{PROFILE.code}"
    hotel = offer.hotel
    answer: dict[str, Any] = {
        "offerId": key,
        "tourName": f"{COUNTRIES[hotel.country_code]}. {RESORTS[hotel.resort]}, "
        f"вылет: {DEPARTURE_CITIES[offer.departure_city_code]}",
        "hotelId": int(offer.hotel_code),
        "hotelUrl": f"{base}/hotel/{offer.hotel_code}",
        "resortId": RESORT_IDS[hotel.resort],
        "hotelCategoryId": CATEGORY_IDS[hotel.stars],
        "mealId": MEAL_IDS[offer.meal_code],
        "htPlaceName": _place_name(offer),
        "roomTypeName": offer.room_type,
        "tourDate": f"{offer.departure_date:%d.%m.%Y}",
        "tourEndDate": f"{offer.departure_date + timedelta(days=offer.nights):%d.%m.%Y}",
        "nights": offer.nights,
        **_availability(offer),
        "tourUrl": f"{base}/basket?priceKey={key}",
        "spoUrl": "",
        "fewTicketsDptY": None,
        "fewTicketsRtnY": None,
        "fewTicketsDptB": None,
        "fewTicketsRtnB": None,
        "flags": 8 if (offer.departure_date - date.today()).days > 30 else 0,
        "description": "",
        "receivingParty": "",
        "earlyBookingValidTill": "",
    }
    # An offer the sandbox is told to spoil lacks its field (the "missing_fields" fault).
    if offer.hotel_name is not None:
        answer["hotelName"] = offer.hotel_name
    if offer.price is not None:
        answer["price"] = price_in(offer, currency_id)
    return answer


def _currency(request: Request) -> int:
    currency_id = _integer(request, "currencyId")
    if currency_id not in CURRENCIES:
        raise BadParameter("currencyId")
    return currency_id


def _flag(request: Request, name: str, required: bool = False) -> bool:
    value = _integer(request, name, required=required)
    if value not in (None, 0, 1):
        raise BadParameter(name)
    return bool(value)


def _code_of(ids: dict[str, int], wanted: int) -> str | None:
    return next((code for code, known in ids.items() if known == wanted), None)


def get_tours(request: Request) -> dict[str, Any]:
    catalog = _catalog(request)
    if request.query_params.get("offerId"):
        # One offer found earlier: every other parameter but the currency is ignored.
        offer = catalog.find(catalogue_key(_integer(request, "offerId", bits=64)))
        currency_id = _currency(request)
        return {"tours": [tour(request, offer, currency_id)] if offer else []}
    count = _integer(request, "count", bits=16)
    country = _code_of(COUNTRY_IDS, _integer(request, "countryId"))
    departure = _code_of(DEPARTURE_IDS, _integer(request, "departCityId"))
    date_from, date_to = _date(request, "dateFrom"), _date(request, "dateTo")
    adults, kids = _integer(request, "adults"), _integer(request, "kids")
    nights_min, nights_max = _integer(request, "nightsMin"), _integer(request, "nightsMax")
    currency_id = _currency(request)
    tickets_only = _flag(request, "ticketsIncluded", required=True)
    if count < 1 or adults < 1 or kids < 0:
        raise BadParameter("count/adults/kids")
    if kids and len(_integers(request, "kidsAges") or ()) < min(kids, 2):
        raise BadParameter("kidsAges")  # the predecessor read the first two ages only
    resorts, hotels = _integers(request, "resorts"), _integers(request, "hotels")
    categories, meals = _integers(request, "hotelCategories"), _integers(request, "meals")
    price_min = _integer(request, "priceMin", required=False)
    price_max = _integer(request, "priceMax", required=False)
    not_in_stop, has_tickets = _flag(request, "hotelIsNotInStop"), _flag(request, "hasTickets")
    del tickets_only  # every tour of the demo includes its flight

    def wanted(offer: SandboxOffer) -> bool:
        hotel = offer.hotel
        price = price_in(offer, currency_id)
        return (
            offer.departure_city_code == departure
            and hotel.country_code == country
            and date_from <= offer.departure_date <= date_to
            and nights_min <= offer.nights <= nights_max
            and (offer.adults, offer.children) == (adults, kids)
            and (resorts is None or RESORT_IDS[hotel.resort] in resorts)
            and (hotels is None or int(offer.hotel_code) in hotels)
            and (categories is None or CATEGORY_IDS[hotel.stars] in categories)
            and (meals is None or MEAL_IDS[offer.meal_code] in meals)
            and (price_min is None or (price is not None and price >= price_min))
            and (price_max is None or (price is not None and price <= price_max))
            and not (not_in_stop and offer.availability == "stop_sale")
            and not (has_tickets and offer.availability == "sold_out")
        )

    found = [offer for offer in catalog.offers() if wanted(offer)]
    # The cheapest first, and no more than `count`: there is no next page to ask for.
    found.sort(key=lambda offer: (offer.price is None, offer.price or 0, offer.key))
    return {"tours": [tour(request, offer, currency_id) for offer in found[:count]]}


def actualize_tour(request: Request) -> Any:
    key = _integer(request, "offerId", bits=64)
    currency_id = _currency(request)
    offer = _catalog(request).find(catalogue_key(key)) if key >= OFFER_ID_BASE else None
    if offer is None:
        # The predecessor threw here, and the web server answered 500 with the message.
        return PlainTextResponse(PRICE_NOT_FOUND, status_code=500)
    listed = tour(request, offer, currency_id)
    availability = _availability(offer)
    # Assumption: the JSON keeps the XML element's name and fields (note "ticketsIsIncluded").
    return {
        "actualizedTour": {
            "offerId": key,
            "price": listed.get("price"),
            "hotelIsInStop": availability["hotelIsInStop"],
            "ticketsIsIncluded": 1,
            "hasEconomTicketsDpt": availability["hasEconomTicketsDpt"],
            "hasEconomTicketsRtn": availability["hasEconomTicketsRtn"],
            "hasBusinessTicketsDpt": 0,
            "hasBusinessTicketsRtn": 0,
            "fewPlacesInHotel": availability["fewPlacesInHotel"],
            "tourUrl": listed["tourUrl"],
            "services": _services(offer, currency_id),
        }
    }


def _services(offer: SandboxOffer, currency_id: int) -> list[dict[str, Any]]:
    surcharge = int(offer.surcharge * CURRENCIES[EUR_ID][1] / CURRENCIES[currency_id][1])
    services = [
        {"id": 1, "type": "DptTransport", "name": "Авиаперелет туда", "isIncluded": True},
        {"id": 2, "type": "RtnTransport", "name": "Авиаперелет обратно", "isIncluded": True},
        {"id": 3, "type": "Transfer", "name": "Групповой трансфер", "isIncluded": True},
        {"id": 4, "type": "Insurance", "name": "Медицинская страховка", "isIncluded": True},
    ]
    if surcharge:
        # The catalogue's price includes the fuel surcharge, so it is a service included.
        fuel = {"id": 5, "type": "Charge", "name": "Топливный сбор", "isIncluded": True}
        services.append({**fuel, "surcharge": surcharge})
    return services


METHODS = {
    "GetCountries": get_countries,
    "GetDepartureCities": get_departure_cities,
    "GetDepartCities": get_departure_cities,
    "GetCities": get_cities,
    "GetResorts": get_cities,
    "GetHotelCategories": get_hotel_categories,
    "GetHotels": get_hotels,
    "GetMeals": get_meals,
    "GetCurrencies": get_currencies,
    "GetCurrencyRates": get_currency_rates,
    "GetTours": get_tours,
    "ActualizeTour": actualize_tour,
}


@router.get("/basket", response_class=HTMLResponse)
def basket(request: Request, priceKey: int) -> Any:
    """The booking page a tour's `tourUrl` points at (the deep link shown to visitors)."""
    offer = _catalog(request).find(catalogue_key(priceKey)) if priceKey >= OFFER_ID_BASE else None
    if offer is None:
        return HTMLResponse("<h1>Тур не найден</h1>", status_code=404)
    price = price_in(offer, EUR_ID)
    return HTMLResponse(
        f"<h1>{offer.hotel_name} {offer.hotel.stars}*</h1>"
        f"<p>{offer.departure_date:%d.%m.%Y}, {offer.nights} ночей</p>"
        f'<p class="price">{price} EUR</p>'
    )
