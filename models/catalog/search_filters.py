"""What a visitor may search for: the filters, validated at the edge, and their rules.

One departure date (with flexible days) or a range, never both, never past, at most a year
wide; a party of adults and children by age; bounds on nights, price, stars and meal plan;
resorts, operators, a hotel's name; the sort order and the page. The rules a schema cannot
express are written in the parameters' descriptions and answered with a readable error."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import parse_qsl

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from models.agency_time import validation_today
from models.catalog.currency import DISPLAY_CURRENCIES, base_currency
from models.catalog.offers import MealPlan

MAX_PAGE = 10_000
INFANT_MAX_AGE = 1  # a child of 0 or 1 is an infant: free, not counted in the offer's party
MAX_CHILDREN = 4
MAX_FLEX_DAYS = 14
MAX_RANGE_DAYS = 366  # the widest departure window one search may ask for
DEFAULT_WINDOW_DAYS = 30  # no dates given: departures from tomorrow to 30 days later
MAX_LIST_ITEMS = 50  # resorts or operators in one search
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class SortOrder(StrEnum):
    """How hotels are ordered; ties always fall back to price, then hotel name."""

    PRICE = "price"  # cheapest first
    STARS = "stars"  # most stars first, then cheapest
    DATE = "date"  # earliest departure of the hotel's cheapest offer first, then cheapest


ResortId = Annotated[int, Field(ge=1, le=2**31 - 1)]
OperatorCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
ChildAge = Annotated[int, Field(ge=0, le=17)]


def _text_schema(pattern: str, example: str) -> WithJsonSchema:
    """The OpenAPI schema of a code the validators below check by hand (for their wording).

    The pattern allows the surrounding blanks the validators strip, so the schema accepts
    exactly what the server does.
    """
    pattern = rf"^\s*(?:{pattern})\s*$"
    return WithJsonSchema({"type": "string", "pattern": pattern, "example": example})


def _any_case(code: str) -> str:
    return "".join(f"[{letter.upper()}{letter.lower()}]" for letter in code)


MAX_NAME_LENGTH = 100
# The length limit is on the name without its surrounding blanks, so it is in the pattern.
HotelNamePart = Annotated[
    str, _text_schema(rf"[^\x00-\x1f\x7f-\x9f]{{0,{MAX_NAME_LENGTH}}}", "Rixos")
]
CityCode = Annotated[str, _text_schema("[A-Za-z]{3}", "MOW")]
CountryCode = Annotated[str, _text_schema("[A-Za-z]{2}", "TR")]
CurrencyCode = Annotated[
    str, _text_schema("|".join(_any_case(code) for code in DISPLAY_CURRENCIES), "EUR")
]
MAX_PRICE = 10**10
# A URL's price is a number (pydantic's own schema would also allow any string).
PriceFloor = Annotated[
    Decimal, WithJsonSchema({"type": "number", "minimum": 0, "exclusiveMaximum": MAX_PRICE})
]
PriceCeiling = Annotated[
    Decimal,
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": MAX_PRICE}),
]

# Fields whose blank form input means "the default" rather than "unset".
_LIST_FIELDS = {"resorts", "children_ages", "operators"}


class SearchFilters(BaseModel):
    """What a visitor searches for, as it appears in the URL.

    Every field has a default, so an empty query is a useful search (departures from
    tomorrow over the next 30 days, 2 adults, any nights). Blank form inputs mean unset.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    departure_city: CityCode | None = Field(
        default=None, description="IATA code of the departure city, such as MOW"
    )
    country: CountryCode | None = Field(default=None, description="ISO 3166-1 alpha-2 country code")
    resorts: list[ResortId] = Field(
        default=[], max_length=MAX_LIST_ITEMS, description="Resort ids (repeat the parameter)"
    )
    date_from: dt.date | None = Field(
        default=None,
        description="Earliest departure date; one in the past searches from today (and says so)",
    )
    date_to: dt.date | None = Field(
        default=None, description="Latest departure date; not in the past (a 422)"
    )
    date: dt.date | None = Field(
        default=None,
        description="One departure date, widened by `flex_days` either side; "
        "not together with `date_from` or `date_to` (a 422)",
    )
    flex_days: int = Field(
        default=0, ge=0, le=MAX_FLEX_DAYS, description="Days either side of `date`"
    )
    nights_min: int | None = Field(default=None, ge=1, le=30)
    nights_max: int | None = Field(default=None, ge=1, le=30)
    adults: int = Field(default=2, ge=1, le=6, description="Adults travelling")
    children_ages: list[ChildAge] = Field(
        default=[],
        max_length=MAX_CHILDREN,
        description="Each child's age (repeat the parameter); under 2 travels free",
    )
    stars_min: int | None = Field(default=None, ge=1, le=5, description="Hotel stars or more")
    meal_min: MealPlan | None = Field(
        default=None, description="This meal plan or better (RO < BB < HB < FB < AI < UAI)"
    )
    price_min: PriceFloor | None = Field(
        default=None, ge=0, lt=MAX_PRICE, allow_inf_nan=False, description="Total, in `currency`"
    )
    price_max: PriceCeiling | None = Field(
        default=None, gt=0, lt=MAX_PRICE, allow_inf_nan=False, description="Total, in `currency`"
    )
    currency: CurrencyCode = Field(
        default_factory=base_currency,
        description=f"Currency of prices: one of {', '.join(DISPLAY_CURRENCIES)}",
    )
    operators: list[OperatorCode] = Field(
        default=[], max_length=MAX_LIST_ITEMS, description="Operator codes (repeat the parameter)"
    )
    hotel_name: HotelNamePart | None = Field(
        default=None,
        max_length=MAX_NAME_LENGTH,
        description="Part of the hotel's or its resort's name, in Latin or Cyrillic letters; "
        "no control characters",
    )
    sort: SortOrder = Field(default=SortOrder.PRICE, description="price, stars or date")
    page: int = Field(default=1, ge=1, le=MAX_PAGE)

    @field_validator("*", mode="before")
    @classmethod
    def blank_means_unset(cls, value: Any, info: ValidationInfo) -> Any:
        # An HTML GET form sends every input, the empty ones as `name=`.
        if info.field_name in _LIST_FIELDS:
            if value is None:
                return []
            if isinstance(value, str):
                value = [value]
            if isinstance(value, list | tuple):
                values = [v.strip() if isinstance(v, str) else v for v in value]
                return [v for v in values if v != ""]
            return value
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return cls.model_fields[info.field_name].get_default(call_default_factory=True)
        return value

    @field_validator("date_from", "date_to", "date", mode="before")
    @classmethod
    def iso_date(cls, value: Any) -> Any:
        # Pydantic would also read a number as a Unix timestamp: a URL date is YYYY-MM-DD.
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not ISO_DATE.fullmatch(value):
                raise PydanticCustomError(
                    "date_parsing", "Input should be a valid date in the format YYYY-MM-DD"
                )
        elif value is not None and not isinstance(value, dt.date):
            raise PydanticCustomError("date_type", "Input should be a valid date")
        return value

    @field_validator("departure_city")
    @classmethod
    def city_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not (len(value) == 3 and value.isascii() and value.isalpha()):
            raise PydanticCustomError(
                "city_code", "Use a three-letter airport city code, such as MOW"
            )
        return value.upper()

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

    @field_validator("date_from")
    @classmethod
    def from_today_on(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        # Offers that departed are never shown: a `from` date in the past searches from
        # today, and is changed here so the form and the API's echo show what was searched.
        return None if value is None else max(value, validation_today(info))

    @field_validator("date_to")
    @classmethod
    def date_range_in_order(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if value is not None and value < validation_today(info):
            raise PydanticCustomError(
                "date_past", "Departure dates in the past have no offers: pick dates from today on"
            )
        date_from = info.data.get("date_from")
        if value is not None and date_from is not None:
            if date_from > value:
                raise PydanticCustomError(
                    "date_range", "The 'to' date must be on or after the 'from' date"
                )
            if (value - date_from).days >= MAX_RANGE_DAYS:
                raise PydanticCustomError(
                    "date_range_length",
                    "Pick departure dates at most {days} days apart",
                    {"days": MAX_RANGE_DAYS - 1},
                )
        return value

    @field_validator("date")
    @classmethod
    def one_date_or_a_range(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if value is not None and (info.data.get("date_from") or info.data.get("date_to")):
            raise PydanticCustomError(
                "date_or_range", "Give one departure date or a from/to range, not both"
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

    @field_validator("meal_min", mode="before")
    @classmethod
    def meal_code(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().upper()
            if not value:
                return None
            if value not in MealPlan.__members__:
                raise PydanticCustomError(
                    "meal_code", "Use a meal plan code: RO, BB, HB, FB, AI or UAI"
                )
        return value

    @field_validator("price_max")
    @classmethod
    def price_range_in_order(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        price_min = info.data.get("price_min")
        if value is not None and price_min is not None and price_min > value:
            raise PydanticCustomError(
                "price_range", "The maximum price must be at least the minimum price"
            )
        return value

    @field_validator("currency")
    @classmethod
    def known_currency(cls, value: str) -> str:
        value = value.upper()
        if value not in DISPLAY_CURRENCIES:
            raise PydanticCustomError(
                "currency",
                "Pick a currency among {known}",
                {"known": ", ".join(DISPLAY_CURRENCIES)},
            )
        return value

    @field_validator("hotel_name")
    @classmethod
    def printable_name(cls, value: str | None) -> str | None:
        # Control characters (a NUL, a line break inside the name) are refused: PostgreSQL
        # stores no NUL, and no name has them. Other rare characters simply match nothing.
        if value is not None and any(unicodedata.category(char) == "Cc" for char in value):
            raise PydanticCustomError("hotel_name", "Use letters, digits and spaces only")
        return value

    # -- derived values -------------------------------------------------------------------

    @property
    def children(self) -> int:
        """Children counted in the offer's party: infants (under 2) travel free."""
        return sum(1 for age in self.children_ages if age > INFANT_MAX_AGE)

    @property
    def infants(self) -> int:
        return len(self.children_ages) - self.children

    @property
    def party_size(self) -> int:
        """People who pay: adults and counted children."""
        return self.adults + self.children

    def departure_window(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The departure dates searched, inclusive: the range, the date ± flex, or the default.

        Past dates are part of the window but never match (offers departing before today
        are not shown).
        """
        if self.date is not None:
            return shift_day(self.date, -self.flex_days), shift_day(self.date, self.flex_days)
        if self.date_from is None and self.date_to is None:
            start = today + dt.timedelta(days=1)
            return start, start + dt.timedelta(days=DEFAULT_WINDOW_DAYS)
        if self.date_to is None:  # only a `from` date: the default window's length after it
            start = self.date_from
            end = shift_day(max(start, today), DEFAULT_WINDOW_DAYS)
        else:  # a `to` date, and perhaps a `from` date
            end = self.date_to
            start = self.date_from or min(today, end)
        if (end - start).days >= MAX_RANGE_DAYS:
            start = end - dt.timedelta(days=MAX_RANGE_DAYS - 1)
        return start, end

    def query_params(self) -> list[tuple[str, str]]:
        """The filters as URL query pairs, defaults left out: for links to this search."""
        pairs: list[tuple[str, str]] = []
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if value == field.get_default(call_default_factory=True):
                continue
            for item in value if isinstance(value, list) else [value]:
                pairs.append((name, item.isoformat() if isinstance(item, dt.date) else str(item)))
        return pairs

    def widened(self, **changes: Any) -> SearchFilters:
        """A copy with `changes`, back on the first page."""
        return self.model_copy(update={"page": 1, **changes})


def _query_values(query: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in parse_qsl(query, keep_blank_values=False)[:100]:
        if name not in SearchFilters.model_fields:
            continue
        if name in _LIST_FIELDS:
            values.setdefault(name, []).append(value)
        else:
            values[name] = value
    return values


def filters_from_query(query: str) -> SearchFilters:
    """The search in a stored or forwarded query string (a lead's, an alert's); a search
    that does not validate counts as the default one."""
    try:
        return SearchFilters.model_validate(_query_values(query))
    except ValidationError:
        return SearchFilters()


def dates_have_passed(query: str) -> bool:
    """Whether the search in `query` was for departure dates that are now past (refused
    by its validation, so `filters_from_query` would read it as the default search)."""
    try:
        SearchFilters.model_validate(_query_values(query))
    except ValidationError as error:
        return any(detail["type"] == "date_past" for detail in error.errors())
    return False


def shift_day(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min
