"""Mediterra Voyages: a French operator's offers as one table, European numbers and dates."""

from decimal import Decimal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from sandbox.profiles import MEDITERRA
from sandbox.rendering import render

PAGE_SIZE = 25
PAGER_RADIUS = 2  # page links shown each side of the current page

PROFILE = MEDITERRA

router = APIRouter(prefix=f"/{PROFILE.code}")

COUNTRY_NAMES = {
    "TR": "Turquie",
    "EG": "Égypte",
    "AE": "Émirats arabes unis",
    "TH": "Thaïlande",
    "GR": "Grèce",
    "ES": "Espagne",
    "CY": "Chypre",
    "TN": "Tunisie",
    "MV": "Maldives",
    "VN": "Vietnam",
    "LK": "Sri Lanka",
    "ME": "Monténégro",
}
CITY_NAMES = {
    "MOW": "Moscou",
    "LED": "Saint-Pétersbourg",
    "KZN": "Kazan",
    "SVX": "Iekaterinbourg",
    "OVB": "Novossibirsk",
    "KRR": "Krasnodar",
}
AVAILABILITY_WORDS = {
    "available": "Disponible",
    "on_request": "Sur demande",
    "stop_sale": "Arrêt des ventes",
    "sold_out": "Complet",
}


def _count(number: int) -> str:
    # French groups thousands with a narrow no-break space: "1 500".
    return f"{number:,}".replace(",", "\u202f")


def _price(amount: Decimal) -> str:
    # "1.234,00 €": dots group thousands, a comma marks the cents.
    text = f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text}\u00a0€"


def _party(adults: int, children: int) -> str:
    text = f"{adults} adulte{'s' if adults > 1 else ''}"
    if children:
        text += f", {children} enfant{'s' if children > 1 else ''}"
    return text


def _pager(page: int, pages: int) -> list[int | None]:
    """Page numbers to link, with None where a run of pages is left out ("…")."""
    shown = {1, pages, *range(page - PAGER_RADIUS, page + PAGER_RADIUS + 1)}
    numbers: list[int | None] = []
    for number in sorted(n for n in shown if 1 <= n <= pages):
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


HELPERS = {
    "count": _count,
    "price": _price,
    "party": _party,
    "countries": COUNTRY_NAMES,
    "cities": CITY_NAMES,
    "availability": AVAILABILITY_WORDS,
}


@router.get("/offres", response_class=HTMLResponse)
def offers(request: Request, page: int = Query(1, ge=1)) -> HTMLResponse:
    catalog = request.app.state.sandbox.catalog(PROFILE.code)
    pages = max(1, -(-catalog.size // PAGE_SIZE))
    if page > pages:
        raise HTTPException(404, "Page introuvable")
    start = (page - 1) * PAGE_SIZE
    return render(
        request,
        "mediterra_offres.html",
        offers=list(catalog.offers(start, start + PAGE_SIZE)),
        page=page,
        pages=pages,
        pager=_pager(page, pages),
        total=catalog.size,
        **HELPERS,
    )


@router.get("/offre/{key}", response_class=HTMLResponse)
def offer(request: Request, key: str) -> HTMLResponse:
    found = request.app.state.sandbox.catalog(PROFILE.code).find(key)
    if found is None:
        raise HTTPException(404, "Cette offre n'est plus disponible")
    return render(request, "mediterra_offre.html", offer=found, **HELPERS)
