"""Read-side query functions: the only place the web app's SQL lives."""

from models.queries.health import ping_database
from models.queries.search import (
    CountryOption,
    HotelResult,
    SearchFilters,
    SearchPage,
    list_countries,
    search_hotels,
)

__all__ = [
    "CountryOption",
    "HotelResult",
    "SearchFilters",
    "SearchPage",
    "list_countries",
    "ping_database",
    "search_hotels",
]
