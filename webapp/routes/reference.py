"""Reference lists in JSON: countries, resorts, departure cities and operators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from models.queries import CountryOption, list_countries
from models.queries.reference import (
    DepartureCityOption,
    OperatorOption,
    ResortOption,
    list_departure_cities,
    list_operators,
    list_resorts,
)
from webapp.deps import SessionDep

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
def countries(session: SessionDep) -> list[CountryOption]:
    """Countries with tours on sale, by name."""
    return list_countries(session)


@router.get("/resorts", response_model=list[ResortOption])
def resorts(session: SessionDep, country: CountryCode = None) -> list[ResortOption]:
    """Resorts with tours on sale, of one country or of all, by name."""
    return list_resorts(session, country)


@router.get("/departure-cities", response_model=list[DepartureCityOption])
def departure_cities(session: SessionDep) -> list[DepartureCityOption]:
    """Cities that tours on sale depart from, by name."""
    return list_departure_cities(session)


@router.get("/operators", response_model=list[OperatorOption])
def operators(session: SessionDep) -> list[OperatorOption]:
    """The tour operators whose offers Tourscope compares, by name."""
    return list_operators(session)
