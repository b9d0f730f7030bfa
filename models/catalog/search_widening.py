"""Widening a search that found nothing: each looser search that applies, with the number
of hotels it would find."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from models.agency_time import agency_today
from models.catalog.search import count_hotels
from models.catalog.search_filters import (
    MAX_FLEX_DAYS,
    MAX_RANGE_DAYS,
    SearchFilters,
    shift_day,
)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A wider search than the one that found nothing, and what it would find."""

    label: str  # what is widened, such as "3 more days either side"
    hotel_count: int  # hotels the wider search finds
    filters: SearchFilters
    query: str  # the wider search as a URL query string


def widenings(filters: SearchFilters, today: dt.date) -> Iterator[tuple[str, SearchFilters]]:
    """Each way to widen the search that applies to it, most helpful first."""
    start, end = filters.departure_window(today)
    if filters.date is not None:
        flex = min(filters.flex_days + 3, MAX_FLEX_DAYS)
        if flex != filters.flex_days:
            yield f"{flex} days either side of the date", filters.widened(flex_days=flex)
    else:
        wider_start = max(shift_day(start, -3), today)
        wider_end = shift_day(end, 3)
        if 0 <= (wider_end - wider_start).days < MAX_RANGE_DAYS:
            yield (
                "3 more days either side",
                filters.widened(date_from=wider_start, date_to=wider_end),
            )
    if filters.nights_min is not None or filters.nights_max is not None:
        nights_min = max(1, filters.nights_min - 3) if filters.nights_min else None
        nights_max = min(30, filters.nights_max + 3) if filters.nights_max else None
        yield (
            "3 nights more or fewer",
            filters.widened(nights_min=nights_min, nights_max=nights_max),
        )
    if filters.meal_min is not None:
        yield "any meal plan", filters.widened(meal_min=None)
    if filters.price_max is not None or filters.price_min is not None:
        yield "any price", filters.widened(price_min=None, price_max=None)
    if filters.stars_min is not None:
        yield "any number of stars", filters.widened(stars_min=None)
    if filters.operators:
        yield "every operator", filters.widened(operators=[])
    if filters.resorts:
        yield "every resort of the country", filters.widened(resorts=[])
    if filters.departure_city is not None:
        yield "any departure city", filters.widened(departure_city=None)
    if filters.hotel_name:
        yield "any hotel name", filters.widened(hotel_name=None)
    if filters.country is not None:
        yield "any country", filters.widened(country=None, resorts=[])


def suggest_widening(
    session: Session, filters: SearchFilters, *, today: dt.date | None = None
) -> list[Suggestion]:
    """Ways to widen a search, each with the number of hotels it would find."""
    today = today or agency_today()
    return [
        Suggestion(
            label=label,
            hotel_count=count_hotels(session, wider, today=today),
            filters=wider,
            query=urlencode(wider.query_params()),
        )
        for label, wider in widenings(filters, today)
    ]
