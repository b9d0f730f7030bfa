"""Reference lists for search forms and API clients: resorts, departure cities, operators.

Countries come from `models.catalog.search.list_countries`. Like it, the resort and
departure-city lists hold only places with at least one bookable offer departing today or
later, so a client never offers a choice that can only find nothing. The lists change
only when the catalogue does: the web app keeps them per catalogue generation
(webapp/catalogue_cache.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.agency_time import agency_today
from models.catalog.hotels import Country, DepartureCity, Operator, Resort
from models.catalog.offers import BOOKABLE, HotelDayPrice, Offer
from models.catalog.place_names import in_reader_language


@dataclass(frozen=True, slots=True)
class ResortOption:
    id: int
    name_en: str
    country_code: str
    name_ru: str | None = None

    @property
    def name(self) -> str:
        """In the reader's language (lists are cached once for every language)."""
        return in_reader_language(self.name_en, self.name_ru)


@dataclass(frozen=True, slots=True)
class DepartureCityOption:
    code: str
    name_en: str
    name_ru: str | None = None

    @property
    def name(self) -> str:
        return in_reader_language(self.name_en, self.name_ru)


@dataclass(frozen=True, slots=True)
class OperatorOption:
    code: str
    name: str
    website: str | None


def _on_sale(today: date):
    return (
        Offer.is_active.is_(True),
        Offer.availability.in_(BOOKABLE),
        Offer.departure_date >= today,
    )


def list_resorts(
    session: Session, country_code: str | None = None, *, today: date | None = None
) -> list[ResortOption]:
    """Resorts with offers on sale, of one country (by ISO code) or of all, by name."""
    today = today or agency_today()
    # The hotels' day prices hold exactly the days with offers on sale, in a table a
    # small fraction of the offers' size.
    on_sale = select(HotelDayPrice.resort_id).where(HotelDayPrice.departure_date >= today)
    statement = (
        select(Resort.id, Resort.name, Country.code, Resort.name_ru)
        .join(Country, Resort.country_id == Country.id)
        .where(Resort.id.in_(on_sale))
        .order_by(Resort.name, Resort.id)
    )
    if country_code is not None:
        statement = statement.where(Country.code == country_code.upper())
    return [ResortOption(*row) for row in session.execute(statement)]


def list_departure_cities(
    session: Session, *, today: date | None = None
) -> list[DepartureCityOption]:
    """Departure cities with offers on sale, by name."""
    today = today or agency_today()
    on_sale = select(Offer.departure_city_id).where(*_on_sale(today))
    rows = session.execute(
        select(DepartureCity.code, DepartureCity.name, DepartureCity.name_ru)
        .where(DepartureCity.id.in_(on_sale))
        .order_by(DepartureCity.name)
    )
    return [DepartureCityOption(*row) for row in rows]


def list_operators(session: Session) -> list[OperatorOption]:
    """The enabled operators whose offers Tourscope shows, by name."""
    rows = session.execute(
        select(Operator.code, Operator.name, Operator.website)
        .where(Operator.enabled.is_(True))
        .order_by(Operator.name)
    )
    return [OperatorOption(*row) for row in rows]
