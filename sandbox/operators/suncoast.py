"""SunCoast Tours: paged HTML search results, the way many small operators publish."""

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from sandbox.profiles import SUNCOAST
from sandbox.rendering import render

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
