"""Hot deals, as a page (`/deals`) and as JSON (`/api/deals`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from models.catalog.currency import DISPLAY_CURRENCIES
from models.catalog.deals import DealOffer, PriceDrop, hot_deals
from models.catalog.search_filters import INFANT_MAX_AGE, SearchFilters
from webapp.deps import SessionDep, SettingsDep
from webapp.http_cache import PublicApiCache, PublicPageCache
from webapp.locale import page_currency
from webapp.templating import templates

router = APIRouter()

Currency = StrEnum("Currency", {code: code for code in DISPLAY_CURRENCIES})


class DealsResponse(BaseModel):
    """Deals departing soon; every price is all-in for the offer's party, in `currency`."""

    currency: str
    drops_until: date = Field(description="Price drops depart by this date")
    cheapest_until: date = Field(description="The cheapest offers depart by this date")
    price_drops: list[PriceDrop] = Field(
        description="Offers whose latest price change was a drop, biggest drop (%) first"
    )
    cheapest_by_country: list[DealOffer] = Field(
        description="Each country's cheapest offer for 2 adults, by country name"
    )


def hotel_link(offer: DealOffer) -> str:
    """The hotel page, searched for the deal's own date, nights, party and currency.

    The party is part of every search (the party-price rule); a child of the youngest
    counted age stands for each of the offer's children.
    """
    filters = SearchFilters(
        date=offer.departure_date,
        nights_min=offer.nights,
        nights_max=offer.nights,
        adults=offer.adults,
        children_ages=[INFANT_MAX_AGE + 1] * offer.children,
        currency=offer.currency,
    )
    return f"/hotels/{offer.hotel_id}?{urlencode(filters.query_params())}"


@router.get("/api/deals", response_model=DealsResponse, tags=["deals"])
def deals_api(
    session: SessionDep,
    settings: SettingsDep,
    _cache: PublicApiCache,
    currency: Annotated[Currency | None, Query(description="Currency for the prices")] = None,
) -> DealsResponse:
    """The biggest price drops departing in the next 30 days, and each country's cheapest
    offer departing in the next 14 days."""
    deals = hot_deals(session, currency=currency.value if currency else settings.base_currency)
    return DealsResponse.model_validate(deals, from_attributes=True)


@router.get("/deals", response_class=HTMLResponse, include_in_schema=False)
def deals_page(request: Request, session: SessionDep, cache: PublicPageCache) -> HTMLResponse:
    """The hot deals page; an unknown currency falls back to the page's default."""
    currency = request.query_params.get("currency", "").upper()
    chosen = currency if currency in DISPLAY_CURRENCIES else None
    deals = hot_deals(session, currency=page_currency(chosen))
    context = {"deals": deals, "hotel_link": hotel_link}
    return cache.apply(templates.TemplateResponse(request, "deals.html", context))
