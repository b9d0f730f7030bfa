"""What the pages need that changes only with the catalogue, computed once per generation.

The reference lists (countries, resorts, departure cities, operators) fill every search
form and the reference API; they used to cost 50 ms of queries per search page. Each
worker process now computes them once per catalogue generation and day (a crawl that
lands or an admin's change to hotels moves the generation, models/catalog/generation.py;
the lists hold places with tours departing today or later) and serves them from memory
until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from models.catalog.reference_lists import (
    DepartureCityOption,
    OperatorOption,
    ResortOption,
    list_departure_cities,
    list_operators,
    list_resorts,
)
from models.catalog.search import CountryOption, list_countries
from models.newest_value import NewestValue
from webapp.deps import SessionDep
from webapp.http_cache import CatalogueVersion, CatalogueVersionDep


@dataclass(frozen=True, slots=True)
class ReferenceLists:
    countries: list[CountryOption]
    resorts: list[ResortOption]  # of every country, by name
    cities: list[DepartureCityOption]
    operators: list[OperatorOption]

    def resorts_of(self, country_code: str | None) -> list[ResortOption]:
        """The resorts of one country (by ISO code, any case), or of all."""
        if country_code is None:
            return self.resorts
        code = country_code.upper()
        return [resort for resort in self.resorts if resort.country_code == code]


def read_reference_lists(session: Session, today: date) -> ReferenceLists:
    return ReferenceLists(
        countries=list_countries(session, today=today),
        resorts=list_resorts(session, today=today),
        cities=list_departure_cities(session, today=today),
        operators=list_operators(session),
    )


class CatalogueCache:
    """One worker's lists, for the newest (generation, day) it has seen."""

    def __init__(self) -> None:
        self._lists: NewestValue[ReferenceLists] = NewestValue()

    def reference_lists(self, session: Session, version: CatalogueVersion) -> ReferenceLists:
        return self._lists.get(
            (version.generation, version.today),
            lambda: read_reference_lists(session, version.today),
        )


def reference_lists(
    request: Request, session: SessionDep, version: CatalogueVersionDep
) -> ReferenceLists:
    cache: CatalogueCache = request.app.state.catalogue_cache
    return cache.reference_lists(session, version)


ReferenceListsDep = Annotated[ReferenceLists, Depends(reference_lists)]
