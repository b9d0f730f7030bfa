"""Reference lists in JSON: countries, resorts, departure cities and operators.

Served from the worker's cache, computed once per catalogue generation
(webapp/catalogue_cache.py), with validators of that generation (webapp/http_cache.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from models.catalog.reference_lists import OperatorOption
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


PLACE_NAME = "In the reader's language (Accept-Language): Russian or English"


class _Place(BaseModel):
    # Read from the cached lists' objects, whose `name` follows the request's language.
    model_config = ConfigDict(from_attributes=True)


class Country(_Place):
    code: str
    name: str = Field(description=PLACE_NAME)


class Resort(_Place):
    id: int
    name: str = Field(description=PLACE_NAME)
    country_code: str


class DepartureCity(_Place):
    code: str
    name: str = Field(description=PLACE_NAME)


@router.get("/countries")
def countries(lists: ReferenceListsDep, _cache: PublicApiCache) -> list[Country]:
    """Countries with tours on sale, by name."""
    return [Country.model_validate(option) for option in lists.countries]


@router.get("/resorts")
def resorts(
    lists: ReferenceListsDep, _cache: PublicApiCache, country: CountryCode = None
) -> list[Resort]:
    """Resorts with tours on sale, of one country or of all, by name."""
    return [Resort.model_validate(option) for option in lists.resorts_of(country)]


@router.get("/departure-cities")
def departure_cities(lists: ReferenceListsDep, _cache: PublicApiCache) -> list[DepartureCity]:
    """Cities that tours on sale depart from, by name."""
    return [DepartureCity.model_validate(option) for option in lists.cities]


@router.get("/operators", response_model=list[OperatorOption])
def operators(lists: ReferenceListsDep, _cache: PublicApiCache) -> list[OperatorOption]:
    """The tour operators whose offers Tourscope compares, by name."""
    return lists.operators
