"""Samo Travel: a flat price-rows JSON API, after SAMO-tour's `SearchTour_PRICES`.

One row per price, paged with `PRICEPAGE`. As on real SAMO installations, the price is a
string in the tour's own currency (USD, EUR for European destinations) beside a price
converted to roubles for display, and availability is one letter for the hotel and one
for the flights: Y yes, F few left, R on request, N none. Each page also opens with a
"grouped" row, the cheapest price of one hotel on the page, which cannot be booked.
"""

from decimal import Decimal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from sandbox.catalog import SandboxOffer
from sandbox.profiles import SAMO
from sandbox.rendering import render

PAGE_SIZE = 100
ACTION = "SearchTour_PRICES"

PROFILE = SAMO

router = APIRouter(prefix=f"/{PROFILE.code}")

# Destinations the operator prices in euros, as SAMO operators do for Europe.
EURO_COUNTRIES = {"GR", "ES", "CY", "ME"}
USD_PER_EUR = Decimal(str(PROFILE.rate))
RUB_PER_USD = Decimal("90")
# Stable numeric keys, the way SAMO numbers its dictionaries.
MEAL_KEYS = {"RO": 1, "BB": 2, "HB": 3, "FB": 4, "AI": 5, "UAI": 6}
CENT = Decimal("0.01")


def _key(text: str) -> int:
    return sum(ord(c) * 31**i for i, c in enumerate(text)) % 9000 + 1000


def _letters(offer: SandboxOffer) -> tuple[str, str]:
    """(hotel, tickets) availability letters for the offer's availability."""
    few = "F" if int(offer.key[len(PROFILE.key_prefix) :]) % 7 == 0 else "Y"
    return {
        "available": (few, "Y"),
        "on_request": ("R", "Y"),
        "stop_sale": ("N", "Y"),
        "sold_out": ("Y", "N"),
    }[offer.availability]


def price_row(offer: SandboxOffer, grouped: bool = False) -> dict:
    """One row of `SearchTour_PRICES.prices`; fields the sandbox omits stay out."""
    hotel = offer.hotel
    currency = "EUR" if hotel.country_code in EURO_COUNTRIES else "USD"
    hotel_letter, tickets_letter = _letters(offer)
    row: dict = {
        "id": f"{offer.key}-G" if grouped else offer.key,
        "priceKey": int(offer.key[len(PROFILE.key_prefix) :]) * 10 + 7,
        "grouped": grouped,
        "checkIn": offer.departure_date.strftime("%Y%m%d"),
        "nights": offer.nights,
        "townFromKey": _key(offer.departure_city),
        "townFrom": offer.departure_city,
        "stateKey": _key(hotel.country),
        "state": hotel.country,
        "townKey": _key(hotel.resort),
        "town": hotel.resort,
        "hotelKey": int(offer.hotel_code),
        "star": f"{hotel.stars}*",
        "mealKey": MEAL_KEYS[offer.meal_code],
        "meal": offer.meal_name,
        "room": offer.room_type,
        "adult": offer.adults,
        "child": offer.children,
        "currency": currency,
        "hotelAvailability": hotel_letter,
        "ticketsAvailability": tickets_letter,
    }
    if offer.hotel_name is not None:
        row["hotel"] = offer.hotel_name
    if offer.price is not None:
        usd, fuel = offer.price, offer.surcharge
        if currency == "EUR":
            amount, fuel = (usd / USD_PER_EUR).quantize(CENT), (fuel / USD_PER_EUR).quantize(CENT)
        else:
            amount = usd
        rub = int(usd * RUB_PER_USD)
        row |= {
            "price": str(amount),
            "fuelCharge": str(fuel),
            "convertedPrice": rub,
            "convertedCurrency": "RUB",
            "convertedPriceFormatted": f"{rub:,}".replace(",", " ") + " RUB",
        }
    return row


@router.get("/export/default.php")
def export(
    request: Request,
    samo_action: str = Query(...),
    action: str = Query(...),
    response_type: str = Query("json", alias="type"),
    page: int = Query(1, ge=1, alias="PRICEPAGE"),
) -> dict:
    if samo_action != "api" or action != ACTION or response_type != "json":
        raise HTTPException(400, f"Only samo_action=api&type=json&action={ACTION} is served")
    catalog = request.app.state.sandbox.catalog(PROFILE.code)
    pages = max(1, -(-catalog.size // PAGE_SIZE))
    if page > pages:
        raise HTTPException(404, "No such page")
    start = (page - 1) * PAGE_SIZE
    offers = list(catalog.offers(start, start + PAGE_SIZE))
    rows = [price_row(offer) for offer in offers]
    priced = [offer for offer in offers if offer.price is not None]
    if priced:
        cheapest = min(priced, key=lambda offer: offer.price)
        rows.insert(0, price_row(cheapest, grouped=True))
    # `total` counts bookable prices only, never the grouped rows.
    return {ACTION: {"prices": rows, "page": page, "pages": pages, "total": catalog.size}}


@router.get("/tour/{key}", response_class=HTMLResponse)
def tour(request: Request, key: str) -> HTMLResponse:
    offer = request.app.state.sandbox.catalog(PROFILE.code).find(key)
    if offer is None:
        raise HTTPException(404, "This tour is no longer available")
    row = price_row(offer)
    price = f"{row['price']} {row['currency']}" if "price" in row else None
    return render(request, "samotravel_tour.html", offer=offer, price=price)
