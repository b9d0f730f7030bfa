"""Hotel search: the filter object and the query behind the public search page and API."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from models import Country, Hotel, Offer, Operator, Resort
from models.offers import BOOKABLE

MAX_PAGE = 10_000


class SearchFilters(BaseModel):
    """What a visitor searches for; every field is optional and blank form inputs mean unset."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 country code")
    date_from: date | None = Field(default=None, description="Earliest departure date")
    date_to: date | None = Field(default=None, description="Latest departure date")
    nights_min: int | None = Field(default=None, ge=1, le=30)
    nights_max: int | None = Field(default=None, ge=1, le=30)
    price_max: Decimal | None = Field(
        default=None, gt=0, lt=10**10, allow_inf_nan=False, description="In the base currency"
    )
    page: int = Field(default=1, ge=1, le=MAX_PAGE)

    @field_validator("*", mode="before")
    @classmethod
    def blank_means_unset(cls, value: Any, info: ValidationInfo) -> Any:
        # An HTML GET form sends every input, the empty ones as `name=`.
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return 1 if info.field_name == "page" else None
        return value

    @field_validator("country")
    @classmethod
    def country_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not (len(value) == 2 and value.isascii() and value.isalpha()):
            raise PydanticCustomError(
                "country_code", "Use a two-letter country code, such as TR or EG"
            )
        return value.upper()

    @field_validator("date_to")
    @classmethod
    def date_range_in_order(cls, value: date | None, info: ValidationInfo) -> date | None:
        date_from = info.data.get("date_from")
        if value is not None and date_from is not None and date_from > value:
            raise PydanticCustomError(
                "date_range", "The 'to' date must be on or after the 'from' date"
            )
        return value

    @field_validator("nights_max")
    @classmethod
    def nights_range_in_order(cls, value: int | None, info: ValidationInfo) -> int | None:
        nights_min = info.data.get("nights_min")
        if value is not None and nights_min is not None and nights_min > value:
            raise PydanticCustomError(
                "nights_range", "Maximum nights must be at least the minimum nights"
            )
        return value


@dataclass(frozen=True, slots=True)
class HotelResult:
    """One canonical hotel with its cheapest matching offer."""

    hotel_id: int
    hotel_name: str
    stars: int | None
    resort_name: str
    country_code: str
    country_name: str
    min_price: Decimal
    operator_code: str
    operator_name: str
    departure_date: date
    nights: int
    meal: str
    room_type: str
    offer_url: str
    offer_count: int


@dataclass(frozen=True, slots=True)
class SearchPage:
    hotels: list[HotelResult]
    total_hotels: int
    page: int
    pages: int
    page_size: int


@dataclass(frozen=True, slots=True)
class CountryOption:
    code: str
    name: str


def _offer_conditions(filters: SearchFilters, today: date) -> list[ColumnElement[bool]]:
    """Active offers matching the filters; past departures are never shown."""
    earliest = max(filters.date_from or today, today)
    conditions = [
        Offer.is_active.is_(True),
        Offer.availability.in_(BOOKABLE),
        Offer.departure_date >= earliest,
    ]
    if filters.date_to is not None:
        conditions.append(Offer.departure_date <= filters.date_to)
    if filters.nights_min is not None:
        conditions.append(Offer.nights >= filters.nights_min)
    if filters.nights_max is not None:
        conditions.append(Offer.nights <= filters.nights_max)
    if filters.price_max is not None:
        conditions.append(Offer.price_base <= filters.price_max)
    if filters.country is not None:
        in_country = (
            select(Hotel.id)
            .join(Resort, Hotel.resort_id == Resort.id)
            .join(Country, Resort.country_id == Country.id)
            .where(Country.code == filters.country)
        )
        conditions.append(Offer.hotel_id.in_(in_country))
    return conditions


def search_hotels(
    session: Session, filters: SearchFilters, page_size: int, *, today: date | None = None
) -> SearchPage:
    """Matching hotels, cheapest first, each with its cheapest offer and its count of offers.

    Offers are ranked per hotel by (price_base, id) with `row_number()`, which SQLite and
    PostgreSQL both support; rank 1 is the hotel's cheapest offer. A page past the last one
    is clamped to the last page.
    """
    today = today or date.today()
    ranked = (
        select(
            Offer.id.label("offer_id"),
            func.row_number()
            .over(partition_by=Offer.hotel_id, order_by=(Offer.price_base, Offer.id))
            .label("rank"),
            func.count().over(partition_by=Offer.hotel_id).label("offer_count"),
        )
        .where(*_offer_conditions(filters, today))
        .subquery("ranked")
    )
    cheapest = ranked.c.rank == 1

    total_hotels = session.execute(select(func.count()).where(cheapest)).scalar_one()
    pages = max(1, math.ceil(total_hotels / page_size))
    page = min(filters.page, pages)

    rows = session.execute(
        select(
            Hotel.id,
            Hotel.name,
            Hotel.stars,
            Resort.name,
            Country.code,
            Country.name,
            Offer.price_base,
            Operator.code,
            Operator.name,
            Offer.departure_date,
            Offer.nights,
            Offer.meal,
            Offer.room_type,
            Offer.url,
            ranked.c.offer_count,
        )
        .select_from(ranked)
        .join(Offer, Offer.id == ranked.c.offer_id)
        .join(Operator, Offer.operator_id == Operator.id)
        .join(Hotel, Offer.hotel_id == Hotel.id)
        .join(Resort, Hotel.resort_id == Resort.id)
        .join(Country, Resort.country_id == Country.id)
        .where(cheapest)
        .order_by(Offer.price_base, Hotel.name, Hotel.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return SearchPage(
        hotels=[HotelResult(*row) for row in rows],
        total_hotels=total_hotels,
        page=page,
        pages=pages,
        page_size=page_size,
    )


def list_countries(session: Session, *, today: date | None = None) -> list[CountryOption]:
    """Countries with at least one active offer departing today or later, by name."""
    today = today or date.today()
    rows = session.execute(
        select(Country.code, Country.name)
        .join(Resort, Resort.country_id == Country.id)
        .join(Hotel, Hotel.resort_id == Resort.id)
        .join(Offer, Offer.hotel_id == Hotel.id)
        .where(
            Offer.is_active.is_(True),
            Offer.availability.in_(BOOKABLE),
            Offer.departure_date >= today,
        )
        .distinct()
        .order_by(Country.name)
    ).all()
    return [CountryOption(code, name) for code, name in rows]
