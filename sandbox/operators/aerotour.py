"""AeroTour: an asynchronous JSON search gate, the way the big Russian aggregators publish.

A client starts a search (`POST /api/search`), polls its status until it is done, then
reads the results page by page. Results are nested hotel -> tours, the price excludes
the fuel surcharge (quoted apart as `fuelCharge`), numbers sometimes come as strings,
and availability is two flags: the hotel's rooms and the flight's seats.

Each hotel object carries the hotel's address and its coordinates (`geo`), as AeroTour
geocoded them: a hundred metres or two off, 0, 0 for hotels it never placed, and now
and then latitude and longitude swapped.
"""

import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from sandbox.catalog import OperatorCatalog, SandboxOffer
from sandbox.hotel_content import facts
from sandbox.profiles import AEROTOUR
from sandbox.rendering import render
from sandbox.world import WorldHotel

PROFILE = AEROTOUR

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
MAX_SEARCHES = 256  # older searches are forgotten, as real gates expire them

router = APIRouter(prefix=f"/{PROFILE.code}")


@dataclass
class Search:
    """One search: the catalogue it runs on and how many times its status was asked."""

    catalog: OperatorCatalog
    running_polls: int  # the status says "running" this many times before "done"
    polls: int = 0
    totals: dict[str, int] = field(default_factory=dict)


def _searches(request: Request) -> "OrderedDict[str, Search]":
    state = request.app.state
    if not hasattr(state, "aerotour_searches"):
        state.aerotour_searches = OrderedDict()
    return state.aerotour_searches


def _search(request: Request, search_id: str) -> Search:
    search = _searches(request).get(search_id)
    if search is None:
        raise HTTPException(404, f"Unknown search {search_id!r}")
    return search


def _totals(catalog: OperatorCatalog) -> dict[str, int]:
    """How many hotels and tours a search found (one pass over the catalogue, nothing kept)."""
    hotels: set[str] = set()
    tours = 0
    for offer in catalog.offers():
        hotels.add(offer.hotel_code)
        tours += 1
    return {"hotels": len(hotels), "tours": tours}


def _price(amount) -> str:
    return f"{int(amount):,}".replace(",", " ") + f" {PROFILE.currency}"


def _index(offer: SandboxOffer) -> int:
    return int(offer.key.removeprefix(PROFILE.key_prefix))


def _sometimes_text(value: int, offer: SandboxOffer, salt: int) -> int | str:
    # The gate serializes some numbers as strings, depending on the offer's data source.
    return str(value) if (_index(offer) + salt) % 3 == 0 else value


def _flags(availability: str) -> dict[str, str]:
    hotel = {"stop_sale": "N", "on_request": "R"}.get(availability, "Y")
    flight = "N" if availability == "sold_out" else "Y"
    return {"hotelAvailable": hotel, "flightAvailable": flight}


def _tour(offer: SandboxOffer) -> dict[str, Any]:
    meal_code, _, meal_name = offer.meal_name.partition("|")
    tour: dict[str, Any] = {
        "tourId": offer.key,
        "dateFrom": offer.departure_date.strftime("%d.%m.%Y"),
        "nights": _sometimes_text(offer.nights, offer, 1),
        "cityFrom": offer.departure_city,
        "cityFromCode": offer.departure_city_code,
        "mealCode": meal_code,
        "mealName": meal_name,
        "room": offer.room_type,
        "adults": _sometimes_text(offer.adults, offer, 2),
        "children": offer.children,
        "fuelCharge": int(offer.surcharge),
        "currency": offer.currency,
        **_flags(offer.availability),
    }
    if offer.price is not None:
        tour["price"] = _sometimes_text(int(offer.price - offer.surcharge), offer, 0)
    return tour


def geo(hotel: WorldHotel) -> dict[str, float]:
    """Where AeroTour puts the hotel: its own geocoding, with its slips."""
    known = facts(hotel)
    if hotel.id % 7 == 0:
        return {"lat": 0, "lon": 0}  # never placed
    latitude = round(known.latitude + (hotel.id % 5 - 2) * 0.0009, 5)
    longitude = round(known.longitude + (hotel.id % 3 - 1) * 0.0012, 5)
    if hotel.id % 23 == 0:
        return {"lat": longitude, "lon": latitude}  # swapped
    return {"lat": latitude, "lon": longitude}


def _hotels(offers: list[SandboxOffer]) -> list[dict[str, Any]]:
    """Offers grouped by hotel, in order of first appearance on the page."""
    hotels: dict[tuple[str, str | None], dict[str, Any]] = {}
    for offer in offers:
        # An offer that lost its hotel name is listed under a hotel object without one.
        key = (offer.hotel_code, offer.hotel_name)
        if key not in hotels:
            name = {"hotelName": offer.hotel_name} if offer.hotel_name is not None else {}
            hotels[key] = {
                "hotelId": int(offer.hotel_code),
                **name,
                "stars": f"{offer.hotel.stars}*",
                "country": offer.hotel.country,
                "region": offer.hotel.resort,
                "address": facts(offer.hotel).address.upper(),
                "geo": geo(offer.hotel),
                "tours": [],
            }
        hotels[key]["tours"].append(_tour(offer))
    return list(hotels.values())


@router.api_route("/api/search", methods=["GET", "POST"])
def start_search(request: Request) -> dict[str, str]:
    """Start a search; the demo gate searches the whole catalogue whatever the parameters."""
    searches = _searches(request)
    search_id = uuid.uuid4().hex
    catalog = request.app.state.sandbox.catalog(PROFILE.code)
    searches[search_id] = Search(catalog=catalog, running_polls=1 + len(searches) % 2)
    while len(searches) > MAX_SEARCHES:
        searches.popitem(last=False)
    return {"searchId": search_id}


@router.get("/api/search/{search_id}/status")
def search_status(request: Request, search_id: str) -> dict[str, Any]:
    search = _search(request, search_id)
    search.polls += 1
    if search.polls <= search.running_polls:
        return {"state": "running", "progress": 40 * search.polls}
    if not search.totals:
        search.totals = _totals(search.catalog)
    return {"state": "done", **search.totals}


@router.get("/api/search/{search_id}/results")
def search_results(
    request: Request,
    search_id: str,
    page: int = Query(1, ge=1),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, alias="pageSize"),
) -> dict[str, Any]:
    search = _search(request, search_id)
    if not search.totals:
        raise HTTPException(409, "The search is still running")
    pages = max(1, -(-search.catalog.size // page_size))
    if page > pages:
        raise HTTPException(404, "No such page")
    # A page is a slice of the catalogue's offer slots, so it never holds more than one page.
    start = (page - 1) * page_size
    offers = list(search.catalog.offers(start, start + page_size))
    return {
        "searchId": search_id,
        "page": page,
        "pageSize": page_size,
        "pages": pages,
        "hotels": _hotels(offers),
    }


@router.get("/tour/{key}", response_class=HTMLResponse)
def tour(request: Request, key: str) -> HTMLResponse:
    offer = request.app.state.sandbox.catalog(PROFILE.code).find(key)
    if offer is None:
        raise HTTPException(404, "This tour is no longer available")
    return render(request, "aerotour_tour.html", offer=offer, price=_price)
