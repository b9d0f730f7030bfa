"""SunCoast Tours: paged HTML search results, the way many small operators publish.

Each tour links to a page about its hotel (schema.org Hotel microdata: description,
photos, address, phone and, for most hotels, its coordinates).
"""

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from sandbox.hotel_content import description_en, facts, photo_response
from sandbox.profiles import SUNCOAST
from sandbox.rendering import render
from sandbox.world import WorldHotel

PAGE_SIZE = 50

PROFILE = SUNCOAST

router = APIRouter(prefix=f"/{PROFILE.code}")


def _price(amount) -> str:
    # SunCoast writes thousands with a space: "1 234 EUR".
    return f"{int(amount):,}".replace(",", " ") + f" {PROFILE.currency}"


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, page: int = Query(1, ge=1)) -> HTMLResponse:
    catalog = request.app.state.sandbox.catalog(PROFILE.code)
    pages = max(1, -(-catalog.size // PAGE_SIZE))
    if page > pages:
        raise HTTPException(404, "No such page")
    start = (page - 1) * PAGE_SIZE
    offers = list(catalog.offers(start, start + PAGE_SIZE))
    return render(
        request,
        "suncoast_search.html",
        offers=offers,
        page=page,
        pages=pages,
        total=catalog.size,
        price=_price,
    )


@router.get("/tour/{key}", response_class=HTMLResponse)
def tour(request: Request, key: str) -> HTMLResponse:
    offer = request.app.state.sandbox.catalog(PROFILE.code).find(key)
    if offer is None:
        raise HTTPException(404, "This tour is no longer available")
    return render(request, "suncoast_tour.html", offer=offer, price=_price)


def shown_photos(hotel: WorldHotel) -> int:
    """SunCoast shows two to four of a hotel's photos."""
    return min(len(facts(hotel).photos), 2 + hotel.id % 3)


@router.get("/hotel/{code}", response_class=HTMLResponse)
def hotel(request: Request, code: str) -> HTMLResponse:
    found = request.app.state.sandbox.catalog(PROFILE.code).hotel_by_code(code)
    if found is None:
        raise HTTPException(404, "No such hotel")
    return render(
        request,
        "suncoast_hotel.html",
        hotel=found,
        code=code,
        facts=facts(found),
        paragraphs=description_en(found),
        photos=shown_photos(found),
        # SunCoast has not placed every hotel on its map.
        located=found.id % 9 != 0,
    )


@router.get("/photos/{code}/{number}.svg")
def photo(request: Request, code: str, number: int) -> Response:
    found = request.app.state.sandbox.catalog(PROFILE.code).hotel_by_code(code)
    if found is not None and number > shown_photos(found):
        found = None
    return photo_response(found, number)
