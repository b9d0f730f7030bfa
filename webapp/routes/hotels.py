"""The hotel page and `/api/hotels/{id}`: one hotel's matching offers across operators."""

from __future__ import annotations

from typing import Annotated, Any, get_origin
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError

from models.agency_time import agency_today
from models.catalog.hotel_merges import live_hotel_id
from models.catalog.hotel_page import (
    HOTEL_OFFERS_PER_PAGE,
    HotelOffer,
    HotelSummary,
    OperatorSummary,
    hotel_offers,
)
from models.catalog.price_history import cheapest_price_by_day
from models.catalog.search_filters import SearchFilters, SortOrder
from tourscope.foundation.i18n import gettext as _
from webapp.deps import RowId, SessionDep
from webapp.errors import NOT_FOUND_PAGES
from webapp.http_cache import PublicApiCache, PublicPageCache
from webapp.lead_invitations import hotel_offer_invitations
from webapp.locale import page_currency
from webapp.price_chart import price_chart
from webapp.routes.public import FORM_LABELS, field_errors, link_params, make_pager
from webapp.search_summary import search_summary_parts
from webapp.templating import templates

router = APIRouter()


class HotelOffersResponse(BaseModel):
    """A hotel and its offers that match the search filters, from every operator.

    Prices are for the offer's whole party (`adults`, `children`), all-in, in `currency`;
    `surcharge` is the part of the price that is fuel and other surcharges.
    """

    hotel: HotelSummary
    currency: str
    sort: SortOrder
    total_offers: int = Field(description="Matching offers in all, on every page")
    operators: list[OperatorSummary] = Field(description="Each operator's cheapest, cheapest first")
    offers: list[HotelOffer] = Field(
        description=f"Page `page` of the offers, {HOTEL_OFFERS_PER_PAGE} a page, in `sort` order"
    )
    page: int = Field(description="The page listed: the one asked, or the last one")
    pages: int


class NotFound(BaseModel):
    detail: str


def query_filters(request: Request) -> dict[str, Any]:
    """The search filters in the query string, read the way FastAPI reads a query model.

    A list field takes every value of a repeated parameter; other fields take the last one.
    """
    params = request.query_params
    values: dict[str, Any] = {}
    for name, field in SearchFilters.model_fields.items():
        if name in params:
            is_list = get_origin(field.annotation) is list
            values[name] = params.getlist(name) if is_list else params.get(name)
    return values


def _not_found_detail(hotel_id: int | str) -> str:
    return _("There is no hotel number %(number)s in our catalogue.") % {"number": hotel_id}


@router.get(
    "/api/hotels/{hotel_id}",
    response_model=HotelOffersResponse,
    responses={404: {"model": NotFound, "description": "No hotel with this id"}},
    tags=["hotels"],
)
def hotel_api(
    hotel_id: Annotated[RowId, Path(description="The hotel's id")],
    filters: Annotated[SearchFilters, Query()],
    session: SessionDep,
    _cache: PublicApiCache,
) -> HotelOffersResponse:
    """The hotel and all its active, bookable offers matching the same filters as the search.

    `sort=date` lists the earliest departures first; `price` and `stars` the cheapest first.
    """
    result = hotel_offers(session, hotel_id, filters)
    if result is None:
        raise HTTPException(status_code=404, detail=_not_found_detail(hotel_id))
    return HotelOffersResponse.model_validate(result, from_attributes=True)


@router.get("/hotels/{hotel_id}", response_class=HTMLResponse, include_in_schema=False)
def hotel_page(
    request: Request, hotel_id: RowId, session: SessionDep, cache: PublicPageCache
) -> Response:
    """The hotel page; an unknown hotel is a 404 page, bad filters show messages (422)."""
    live = live_hotel_id(session, hotel_id)
    if live is not None and live != hotel_id:
        # An admin merged this hotel into another: old links and bookmarks follow it.
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/hotels/{live}{query}", status_code=301)
    errors: dict[str, str] = {}
    try:
        typed_filters = query_filters(request)
        typed_filters["currency"] = page_currency(typed_filters.get("currency"))
        filters = SearchFilters.model_validate(typed_filters)
    except ValidationError as error:
        errors = field_errors(error)
        filters = SearchFilters()
    result = hotel_offers(session, hotel_id, filters)
    if result is None:
        return _not_found(request, hotel_id)
    # Back to the search as typed; the page number is this page's own, not the search's.
    typed = [
        (name, value)
        for name, value in request.query_params.multi_items()
        if value and name != "page"
    ]
    search = [(name, value) for name, value in link_params(filters) if name not in {"sort", "page"}]

    def page_url(page: int) -> str:
        return "?" + urlencode([*search, ("sort", filters.sort.value), ("page", str(page))])

    context = {
        "result": result,
        "errors": errors,
        "labels": FORM_LABELS,
        "search_summary": search_summary_parts(filters, agency_today(), place=False),
        "search_url": "/?" + urlencode(typed) if typed else "/",
        "sort_urls": {
            choice: "?" + urlencode([*search, ("sort", choice.value)])
            for choice in (SortOrder.PRICE, SortOrder.DATE)
        },
        # "Request this tour" on every offer; a personal manager for the high-value ones.
        "lead_offers": hotel_offer_invitations(filters, result),
        "alert_query": "?" + urlencode([*search, ("hotel_id", str(hotel_id))]),
        "price_chart": price_chart(cheapest_price_by_day(session, hotel_id, filters)),
        "pager": make_pager(result.page, result.pages, page_url),
    }
    return cache.apply(
        templates.TemplateResponse(
            request, "hotel.html", context, status_code=422 if errors else 200
        )
    )


def _not_found(request: Request, hotel_id: int | str) -> HTMLResponse:
    context = {"title": _("Hotel not found"), "reason": _not_found_detail(hotel_id)}
    return templates.TemplateResponse(request, "not_found.html", context, status_code=404)


# A malformed id (`/hotels/abc`, 5,000 digits) gets the same page (webapp/errors.py).
NOT_FOUND_PAGES["/hotels/{hotel_id}"] = _not_found
