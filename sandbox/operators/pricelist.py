"""Pricelist Travel: the whole catalogue as one downloadable CSV price list.

Semicolon-separated, dates as dd/mm/yyyy, amounts with a decimal comma, stars as
"4 stars", the operator's own board and status words. The price excludes the fuel
surcharge, which has its own column. The last line states how many price rows the
file holds, so a reader can tell a complete file from a cut one.
"""

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from sandbox.catalog import OperatorCatalog, SandboxOffer
from sandbox.profiles import PRICELIST
from sandbox.rendering import render

PROFILE = PRICELIST

router = APIRouter(prefix=f"/{PROFILE.code}")

COLUMNS = [
    "tour_id",
    "hotel_code",
    "hotel",
    "stars",
    "country",
    "resort",
    "from",
    "date",
    "nights",
    "room",
    "board",
    "adults",
    "children",
    "price",
    "fuel",
    "currency",
    "status",
]
STATUS_WORDS = {
    "available": "OK",
    "on_request": "Request",
    "stop_sale": "Stop",
    "sold_out": "Sold out",
}
FOOTER = "# END OF PRICE LIST;{rows} rows"
CHUNK_ROWS = 500  # rows per chunk of the streamed file


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def csv_row(offer: SandboxOffer) -> list[str]:
    hotel = offer.hotel
    price = "" if offer.price is None else _amount(offer.price - offer.surcharge)
    return [
        offer.key,
        offer.hotel_code,
        offer.hotel_name or "",
        f"{hotel.stars} stars",
        hotel.country,
        hotel.resort,
        offer.departure_city,
        offer.departure_date.strftime("%d/%m/%Y"),
        str(offer.nights),
        offer.room_type,
        offer.meal_name,
        str(offer.adults),
        str(offer.children),
        price,
        _amount(offer.surcharge),
        offer.currency,
        STATUS_WORDS[offer.availability],
    ]


def price_list(catalog: OperatorCatalog) -> Iterator[str]:
    """The CSV in chunks of rows, so a catalogue of millions never sits in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = 0
    for offer in catalog.offers():
        writer.writerow(csv_row(offer))
        rows += 1
        if rows % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue() + FOOTER.format(rows=rows) + "\n"


@router.get("/prices.csv")
def prices(request: Request) -> StreamingResponse:
    catalog = request.app.state.sandbox.catalog(PROFILE.code)
    return StreamingResponse(
        price_list(catalog),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="prices.csv"'},
    )


@router.get("/tour/{key}", response_class=HTMLResponse)
def tour(request: Request, key: str) -> HTMLResponse:
    offer = request.app.state.sandbox.catalog(PROFILE.code).find(key)
    if offer is None:
        raise HTTPException(404, "This tour is no longer available")
    return render(request, "pricelist_tour.html", offer=offer)
