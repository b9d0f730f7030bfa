"""Places by name in the visitor's language: countries, resorts and departure cities.

Each place keeps its English name (`name`, what the catalogue files it under) and its
Russian one (`name_ru`, filled by the crawler from its gazetteer: crawler/place_names.py).
A locale asks for one; a place without a Russian name shows its English one. Hotels' and
operators' own names are never translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from models.catalog.hotels import Country, DepartureCity, Resort
from tourscope.foundation.i18n import current_locale

Place = Country | Resort | DepartureCity
LOCALES = ("ru", "en")


def _is_russian(locale: str) -> bool:
    return locale.split("-")[0].split("_")[0].lower() == "ru"


def in_reader_language(name: str, name_ru: str | None) -> str:
    """A place's name in the language of the page being built (tourscope/foundation/i18n.py)."""
    return name_ru if name_ru and _is_russian(current_locale()) else name


def place_display_name(place: Place, locale: str) -> str:
    """The place's name in `locale` ("ru" or "en"; "ru-RU" and the like read as "ru"):
    its Russian name for Russian when it has one, else its English name."""
    if _is_russian(locale) and place.name_ru:
        return place.name_ru
    return place.name


def place_name_column(
    model: type[Country] | type[Resort] | type[DepartureCity], locale: str
) -> ColumnElement[str] | InstrumentedAttribute[str]:
    """The same choice in SQL, for a query that selects places' names by locale."""
    if _is_russian(locale):
        return func.coalesce(model.name_ru, model.name)
    return model.name


@dataclass(frozen=True, slots=True)
class PlaceNames:
    """Every place's name in one locale: countries and departure cities by code, resorts
    by id (the keys search results and hotel pages carry)."""

    locale: str
    countries: dict[str, str]
    resorts: dict[int, str]
    departure_cities: dict[str, str]

    def country(self, code: str, default: str = "") -> str:
        return self.countries.get(code, default or code)

    def resort(self, resort_id: int, default: str = "") -> str:
        return self.resorts.get(resort_id, default)

    def departure_city(self, code: str, default: str = "") -> str:
        return self.departure_cities.get(code, default or code)


def place_names(session: Session, locale: str) -> PlaceNames:
    """Every country's, resort's and departure city's name in `locale` (three small
    queries; a caller keeps it per catalogue generation, like the reference lists)."""
    return PlaceNames(
        locale=locale,
        countries=dict(
            session.execute(select(Country.code, place_name_column(Country, locale))).all()
        ),
        resorts=dict(session.execute(select(Resort.id, place_name_column(Resort, locale))).all()),
        departure_cities=dict(
            session.execute(
                select(DepartureCity.code, place_name_column(DepartureCity, locale))
            ).all()
        ),
    )
