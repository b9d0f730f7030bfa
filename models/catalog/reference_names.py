"""The names a results page shows beside each hotel, by id: its resort's and country's,
the operator's and the departure city's, read once per catalogue generation.

A results page joined these four small tables to its page of offers. Planning that
seven-table join cost PostgreSQL about 0.65 ms a search, a tenth of a typical search,
for names that change only when a crawl meets a place it had not seen: it adds the row
before its landing moves the generation (models/catalog/generation.py), and nothing
renames these rows. A row added since the names were read (a landing committed after the
request read the generation) makes them be read again.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.catalog.generation import current_generation
from models.catalog.hotels import Country, DepartureCity, Operator, Resort
from models.newest_value import NewestValue


@dataclass(frozen=True, slots=True)
class Named:
    code: str
    name: str
    name_ru: str | None = None


@dataclass(frozen=True, slots=True)
class ResortName:
    name: str
    name_ru: str | None
    country: Named


@dataclass(frozen=True, slots=True)
class ReferenceNames:
    resorts: dict[int, ResortName]
    operators: dict[int, Named]
    cities: dict[int, Named]

    def know(
        self, resort_ids: Collection[int], operator_ids: Collection[int], city_ids: Collection[int]
    ) -> bool:
        return (
            self.resorts.keys() >= resort_ids
            and self.operators.keys() >= operator_ids
            and self.cities.keys() >= city_ids
        )


def read_reference_names(session: Session) -> ReferenceNames:
    countries = {
        row.id: Named(row.code, row.name, row.name_ru)
        for row in session.execute(select(Country.id, Country.code, Country.name, Country.name_ru))
    }
    resorts = select(Resort.id, Resort.name, Resort.name_ru, Resort.country_id)
    cities = select(DepartureCity.id, DepartureCity.code, DepartureCity.name, DepartureCity.name_ru)
    return ReferenceNames(
        resorts={
            row.id: ResortName(row.name, row.name_ru, countries[row.country_id])
            for row in session.execute(resorts)
        },
        operators={
            row.id: Named(row.code, row.name)
            for row in session.execute(select(Operator.id, Operator.code, Operator.name))
        },
        cities={row.id: Named(row.code, row.name, row.name_ru) for row in session.execute(cities)},
    )


_cache: NewestValue[ReferenceNames] = NewestValue()


def reference_names(
    session: Session,
    resort_ids: Collection[int],
    operator_ids: Collection[int],
    city_ids: Collection[int],
) -> ReferenceNames:
    """Names that include at least these resorts (with their countries), operators and
    departure cities; kept per (database, catalogue generation)."""
    return _cache.get(
        (session.get_bind(), current_generation(session)),
        lambda: read_reference_names(session),
        usable=lambda names: names.know(resort_ids, operator_ids, city_ids),
    )


def forget_cached_names() -> None:
    """Drop the process's cached names (a test that empties the database by hand)."""
    _cache.clear()
