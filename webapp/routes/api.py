"""The JSON API: hotel search, the price calendar and the health probe."""

import logging
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from models.agency_time import agency_today
from models.catalog.calendar import price_calendar
from models.catalog.search import HotelResult, search_hotels
from models.catalog.search_filters import SearchFilters, SortOrder
from models.catalog.search_widening import suggest_widening
from models.liveness import ping_database
from webapp.deps import DatabaseUnavailable, SessionDep, SettingsDep, open_session
from webapp.http_cache import PublicApiCache

logger = logging.getLogger(__name__)

router = APIRouter()


class WiderSearch(BaseModel):
    """A wider search, offered when a search finds nothing."""

    label: str = Field(description="What is widened, such as '3 more days either side'")
    hotel_count: int = Field(description="Hotels the wider search finds")
    query: str = Field(description="Its query string, for /api/search or the search page")


class SearchResponse(BaseModel):
    """One page of matching hotels in `sort` order; every amount is in `currency`.

    Prices are for the party searched: `adults` and `children` (children of 2 or more;
    infants travel free and are not counted). Each total is all-in, surcharges included.
    """

    currency: str
    sort: SortOrder
    adults: int
    children: int = Field(description="Children counted in the party (aged 2 or more)")
    infants: int = Field(description="Children under 2: free, not counted in the party")
    date_from: date = Field(description="First departure date searched")
    date_to: date = Field(description="Last departure date searched")
    total_hotels: int
    page: int
    pages: int
    page_size: int
    hotels: list[HotelResult]
    suggestions: list[WiderSearch] = Field(
        description="When nothing matched: wider searches and how many hotels each finds"
    )


class CalendarDay(BaseModel):
    date: date
    min_price: Decimal | None = Field(
        description="Cheapest all-in party price departing that day; null: no tour"
    )


class CalendarResponse(BaseModel):
    """The cheapest party price for each departure date of the search's window."""

    currency: str
    date_from: date
    date_to: date
    cheapest: Decimal | None = Field(description="The lowest price of the window")
    days: list[CalendarDay] = Field(description="Every date of the window, in order")


class Health(BaseModel):
    status: str
    reason: str | None = None


@router.get("/api/search", response_model=SearchResponse, tags=["search"])
def search(
    filters: Annotated[SearchFilters, Query()],
    session: SessionDep,
    settings: SettingsDep,
    _cache: PublicApiCache,
) -> SearchResponse:
    """Hotels with bookable offers for the party matching the filters, grouped by hotel.

    Each hotel comes with its cheapest offer (operator, date, nights, meal, room, link),
    the count of matching offers and operators, and how fresh the price is. Repeat a
    list parameter for several values: `children_ages=7&children_ages=1`. The answer
    carries an ETag that changes when the catalogue does: send it back in If-None-Match
    to get 304 Not Modified while it is current.
    """
    today = agency_today()
    page = search_hotels(session, filters, settings.search_page_size, today=today)
    suggestions = [] if page.hotels else suggest_widening(session, filters, today=today)
    date_from, date_to = filters.departure_window(today)
    return SearchResponse(
        currency=page.currency,
        sort=filters.sort,
        adults=filters.adults,
        children=filters.children,
        infants=filters.infants,
        date_from=date_from,
        date_to=date_to,
        total_hotels=page.total_hotels,
        page=page.page,
        pages=page.pages,
        page_size=page.page_size,
        hotels=page.hotels,
        suggestions=[
            WiderSearch(label=s.label, hotel_count=s.hotel_count, query=s.query)
            for s in suggestions
        ],
    )


@router.get("/api/calendar", response_model=CalendarResponse, tags=["search"])
def calendar(
    filters: Annotated[SearchFilters, Query()], session: SessionDep, _cache: PublicApiCache
) -> CalendarResponse:
    """The party's cheapest price on each departure date of the search's window.

    Takes the same parameters as /api/search (`sort` and `page` do not matter); a window
    longer than 62 days is cut to its first 62 days.
    """
    result = price_calendar(session, filters)
    return CalendarResponse(
        currency=result.currency,
        date_from=result.days[0].day,
        date_to=result.days[-1].day,
        cheapest=result.cheapest,
        days=[CalendarDay(date=day.day, min_price=day.min_price) for day in result.days],
    )


@router.get(
    "/healthz",
    response_model=Health,
    response_model_exclude_none=True,
    responses={503: {"model": Health, "description": "The database is unreachable"}},
    tags=["ops"],
)
def healthz() -> Health | JSONResponse:
    """200 when the database answers `SELECT 1`, 503 with a reason otherwise."""
    try:
        with open_session() as session:
            ping_database(session)
    except (SQLAlchemyError, DatabaseUnavailable) as error:
        # The full error goes to the log only: it may name hosts and paths.
        logger.warning("health check failed: %s", error)
        health = Health(
            status="unavailable", reason=f"database unreachable ({type(error).__name__})"
        )
        return JSONResponse(status_code=503, content=health.model_dump())
    return Health(status="ok")
