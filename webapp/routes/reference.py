"""Reference lists in JSON: countries, resorts, departure cities and operators.

Served from the worker's cache, computed once per catalogue generation
(webapp/catalogue_cache.py), with validators of that generation (webapp/http_cache.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from models.queries import CountryOption
from models.queries.reference import DepartureCityOption, OperatorOption, ResortOption
from webapp.catalogue_cache import ReferenceListsDep
from webapp.http_cache import PublicApiCache

router = APIRouter(prefix="/api", tags=["reference"])

CountryCode = Annotated[
    str | None,
    Query(
        pattern="^[A-Za-z]{2}$",
        description="ISO 3166-1 alpha-2 country code, such as TR",
        examples=["TR"],
    ),
]


@router.get("/countries", response_model=list[CountryOption])
def countries(lists: ReferenceListsDep, _cache: PublicApiCache) -> list[CountryOption]:
    """Countries with tours on sale, by name."""
    return lists.countries


@router.get("/resorts", response_model=list[ResortOption])
def resorts(
    lists: ReferenceListsDep, _cache: PublicApiCache, country: CountryCode = None
) -> list[ResortOption]:
    """Resorts with tours on sale, of one country or of all, by name."""
    return lists.resorts_of(country)


@router.get("/departure-cities", response_model=list[DepartureCityOption])
def departure_cities(lists: ReferenceListsDep, _cache: PublicApiCache) -> list[DepartureCityOption]:
    """Cities that tours on sale depart from, by name."""
    return lists.cities


@router.get("/operators", response_model=list[OperatorOption])
def operators(lists: ReferenceListsDep, _cache: PublicApiCache) -> list[OperatorOption]:
    """The tour operators whose offers Tourscope compares, by name."""
    return lists.operators
