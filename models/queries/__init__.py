"""Read-side query functions: the only place the web app's SQL lives."""

from models.queries.calendar import CalendarDay, PriceCalendar, price_calendar
from models.queries.health import ping_database
from models.queries.search import (
    CountryOption,
    HotelResult,
    SearchFilters,
    SearchPage,
    SortOrder,
    Suggestion,
    count_hotels,
    list_countries,
    search_hotels,
    suggest_widening,
)

__all__ = [
    "CalendarDay",
    "CountryOption",
    "HotelResult",
    "PriceCalendar",
    "SearchFilters",
    "SearchPage",
    "SortOrder",
    "Suggestion",
    "count_hotels",
    "list_countries",
    "ping_database",
    "price_calendar",
    "search_hotels",
    "suggest_widening",
]
