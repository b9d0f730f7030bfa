"""Hotel search: the query behind the public search page and API, and the party price.

The filters it takes are in `search_filters.py`; the wider searches suggested when it
finds nothing, in `search_widening.py`.

The party-price rule
--------------------
An offer is priced for a party of exactly `adults` adults and `children` children, so a
search matches only offers for the visitor's own party. A visitor's child under
`INFANT_MAX_AGE + 1` (2 years) is an infant: infants fly on a parent's lap and sleep in
a cot for free, so they do not count toward the offer's `children`. A search for 2 adults
and children aged [7, 1] therefore matches offers with adults=2, children=1.

The price shown is the offer's all-in total (fuel and other surcharges included; the
surcharge is also shown apart), converted from the base currency to the visitor's
currency. Per person = total / (adults + counted children); per night = total / nights.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import (
    BaseModel,
    Field,
)
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    bindparam,
    cast,
    func,
    null,
    or_,
    select,
)
from sqlalchemy.orm import Session

from models.agency_time import agency_today
from models.catalog.currency import CENT, Rates, base_currency
from models.catalog.exchange_rates import current_rates
from models.catalog.hotels import Country, DepartureCity, Hotel, Operator, Resort
from models.catalog.min_prices import parse_operator_ids
from models.catalog.offers import Availability, HotelDayPrice, MealPlan, Offer, on_sale
from models.catalog.place_names import in_reader_language
from models.catalog.price_keys import offer_id_of, price_cents_of
from models.catalog.reference_names import ReferenceNames, reference_names
from models.catalog.search_filters import SearchFilters, SortOrder
from models.catalog.search_keys import search_key
from models.paging import page_window

HALF_CENT = Decimal("0.005")


class HotelResult(BaseModel):
    """One canonical hotel with its cheapest matching offer, priced for the party."""

    hotel_id: int
    hotel_name: str
    stars: int | None
    resort_id: int
    resort_name: str
    country_code: str
    country_name: str
    currency: str = Field(description="Currency of every amount of this result")
    min_price: Decimal = Field(description="All-in total for the whole party (cheapest offer)")
    price_per_person: Decimal = Field(description="Total / (adults + children over 2)")
    price_per_night: Decimal = Field(description="Total / nights")
    surcharge: Decimal = Field(description="The part of the total that is fuel and other fees")
    operator_code: str
    operator_name: str = Field(description="Who sells the cheapest offer")
    offer_id: int
    offer_count: int = Field(description="Matching offers for this hotel, all operators")
    operator_count: int = Field(description="Distinct operators with a matching offer")
    departure_date: dt.date
    departure_city_code: str
    departure_city_name: str
    nights: int
    meal: str
    room_type: str
    offer_url: str = Field(description="The operator's own page for the cheapest offer")
    on_request: bool = Field(description="The operator must confirm availability")
    checked_at: dt.datetime = Field(description="When the price was last seen at the operator")


@dataclass(frozen=True, slots=True)
class SearchPage:
    hotels: list[HotelResult]
    total_hotels: int
    page: int
    pages: int
    page_size: int
    currency: str
    rates: Rates  # what the prices were converted with, and the day they are for


@dataclass(frozen=True, slots=True)
class CountryOption:
    code: str
    name_en: str
    name_ru: str | None = None

    @property
    def name(self) -> str:
        """In the reader's language (lists are cached once for every language)."""
        return in_reader_language(self.name_en, self.name_ru)


def base_amount_bounds(
    filters: SearchFilters, rates: Rates
) -> tuple[Decimal | None, Decimal | None]:
    """The price range in the base currency, so that a price shown in the visitor's currency
    (rounded to the cent) is inside the range exactly when its offer matches.

    A base price p shows as round(p / r) in a currency worth r base units: it shows as at
    most M when p / r < M + half a cent, and as at least m when p / r >= m - half a cent.
    """
    rate = rates.rate(filters.currency, base_currency())
    low = high = None
    if filters.price_min is not None:
        price_min = filters.price_min.quantize(CENT, ROUND_CEILING)
        low = (price_min - HALF_CENT) * rate
    if filters.price_max is not None:
        price_max = filters.price_max.quantize(CENT, ROUND_FLOOR)
        high = (price_max + HALF_CENT) * rate
    return low, high


def reads_day_prices(filters: SearchFilters) -> bool:
    """Whether the hotels' day prices (`hotel_day_prices`, models/catalog/min_prices.py) answer this
    search exactly: it filters only on what a day's row knows (place, stars, hotel name,
    party, dates), not on nights, departure city, meal plan, price or operator. The
    landing page and every broad search are such searches."""
    return (
        filters.departure_city is None
        and filters.nights_min is None
        and filters.nights_max is None
        and filters.meal_min is None
        and filters.price_min is None
        and filters.price_max is None
        and not filters.operators
    )


def search_values(
    filters: SearchFilters, today: dt.date, rates: Rates | None = None
) -> dict[str, Any]:
    """The search's values, by the name of the bound parameter that takes each one: a
    search's statement is built once per shape of search (`_page_statement`), and these
    values are all that differs between the searches of one shape. A price range needs
    the `rates` it is converted with."""
    start, end = filters.departure_window(today)
    values: dict[str, Any] = {
        "adults": filters.adults,
        "children": filters.children,
        "departure_from": max(start, today),
        "departure_to": end,
        "country": filters.country,
        "resorts": list(filters.resorts) or None,
        "stars_min": filters.stars_min,
        "hotel_name": filters.hotel_name or None,
        "departure_city": filters.departure_city,
        "nights_min": filters.nights_min,
        "nights_max": filters.nights_max,
        "meals": meals_at_least(filters.meal_min) if filters.meal_min is not None else None,
        "operators": list(filters.operators) or None,
    }
    if filters.price_min is not None or filters.price_max is not None:
        values["price_low"], values["price_high"] = base_amount_bounds(filters, rates)
    values["departure_days"] = _listed_days(filters, values["departure_from"], end)
    return {name: value for name, value in values.items() if value is not None}


# The widest window whose days a search lists one by one (see `_listed_days`).
MAX_LISTED_DAYS = 62


def _listed_days(filters: SearchFilters, first: dt.date, last: dt.date) -> list[dt.date] | None:
    """Each departure day of a search with a nights range, when the window is short.

    The search index is keyed on (country, party, departure date, nights). Over a range of
    dates a nights range cannot bound the index scan, so every night count of every day is
    read and most are dropped; with the days listed (`IN`), each day is a scan of its own,
    bounded by the nights range too. A typical search (two weeks, a few night counts) then
    reads a third to a half of the index entries it did. The range conditions stay, so the
    matches are the same.
    """
    if filters.nights_min is None and filters.nights_max is None:
        return None
    if not 0 <= (last - first).days < MAX_LISTED_DAYS:
        return None
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _bound(values: dict[str, Any], name: str) -> BindParameter:
    value = values[name]
    return bindparam(name, value, expanding=isinstance(value, list))


def common_conditions(
    rows: type[Offer] | type[HotelDayPrice], values: dict[str, Any]
) -> list[ColumnElement[bool]]:
    """The conditions offers and day prices share (both carry these columns): the party,
    the departure window, never past departures, the place, the stars, the hotel's name.

    The leading columns of both search indexes are always constrained by equality (a
    search without a country looks in each country in turn), then by the departure range.
    """
    conditions = [
        rows.adults == _bound(values, "adults"),
        rows.children == _bound(values, "children"),
        rows.departure_date >= _bound(values, "departure_from"),
        rows.departure_date <= _bound(values, "departure_to"),
    ]
    if "departure_days" in values:
        conditions.append(rows.departure_date.in_(_bound(values, "departure_days")))
    if "country" in values:
        country_id = select(Country.id).where(Country.code == _bound(values, "country"))
        conditions.append(rows.country_id == country_id.scalar_subquery())
    else:
        conditions.append(rows.country_id.in_(select(Country.id)))
    if "resorts" in values:
        conditions.append(rows.resort_id.in_(_bound(values, "resorts")))
    if "stars_min" in values:
        conditions.append(rows.stars >= _bound(values, "stars_min"))
    if "hotel_name" in values:
        conditions.append(rows.hotel_id.in_(hotels_named(values["hotel_name"])))
    return conditions


def hotels_named(text: str) -> Select:
    """Ids of the hotels a name typed in the search finds, in either script: the hotels
    whose name contains it as typed, or reads as it ("Риксос" finds Rixos), and the hotels
    of the resorts whose English or Russian name reads as it ("Анталья" finds Antalya's).

    Compared with the stored sound keys (models/catalog/search_keys.py): a plain LIKE on a column
    of a few hundred thousand short strings at most, no function per row.
    """
    contains = Hotel.name.icontains(text, autoescape=True)
    key = search_key(text)
    if not key:
        return select(Hotel.id).where(contains)
    pattern = f"%{key}%"  # keys hold letters, digits and spaces only
    resorts = select(Resort.id).where(Resort.search_key.like(pattern))
    return select(Hotel.id).where(
        or_(contains, Hotel.search_key.like(pattern), Hotel.resort_id.in_(resorts))
    )


def offer_conditions(
    filters: SearchFilters, today: dt.date, rates: Rates
) -> list[ColumnElement[bool]]:
    """Active, bookable offers for the party that match the filters; never past departures.

    Written to run on the partial index `ix_offers_party_search` (migration 0005).
    """
    return offer_conditions_of(search_values(filters, today, rates))


def offer_conditions_of(values: dict[str, Any]) -> list[ColumnElement[bool]]:
    conditions = [*on_sale(), *common_conditions(Offer, values)]
    if "departure_city" in values:
        city_id = select(DepartureCity.id).where(
            DepartureCity.code == _bound(values, "departure_city")
        )
        conditions.append(Offer.departure_city_id == city_id.scalar_subquery())
    if "nights_min" in values:
        conditions.append(Offer.nights >= _bound(values, "nights_min"))
    if "nights_max" in values:
        conditions.append(Offer.nights <= _bound(values, "nights_max"))
    if "meals" in values:
        conditions.append(Offer.meal.in_(_bound(values, "meals")))
    if "price_low" in values:
        conditions.append(Offer.price_base >= _bound(values, "price_low"))
    if "price_high" in values:
        conditions.append(Offer.price_base < _bound(values, "price_high"))
    if "operators" in values:
        operator_ids = select(Operator.id).where(Operator.code.in_(_bound(values, "operators")))
        conditions.append(Offer.operator_id.in_(operator_ids))
    return conditions


def day_price_conditions(filters: SearchFilters, today: dt.date) -> list[ColumnElement[bool]]:
    """The day prices of a search that `reads_day_prices`: exactly the days, parties,
    places and hotels its offers would have."""
    return common_conditions(HotelDayPrice, search_values(filters, today))


def meals_at_least(meal: MealPlan) -> list[str]:
    """The meal plan codes that include at least as much as `meal`."""
    return [m.value for m in MealPlan if m.rank >= MealPlan(meal).rank]


def _hotel_groups(values: dict[str, Any], from_day_prices: bool):
    """Per matching hotel: its cheapest offer (by base price, then id) and its counts.

    From the hotels' day prices when they answer the search (`reads_day_prices`): a
    hotel's days summed up, its operator count left to `_operator_counts`. Otherwise from
    the offers, with two hash aggregations and no sort: per (hotel, operator) first, which
    also counts the hotel's distinct operators, then per hotel. The cheapest offer and its
    price are both read from the minimum of the packed (price, id) keys
    (models/catalog/price_keys.py): no minimum of the NUMERIC price, which cost a third
    of the grouping's time.
    """
    if from_day_prices:
        days = HotelDayPrice
        return (
            select(
                days.hotel_id,
                price_cents_of(func.min(days.cheapest_key)).label("price_cents"),
                offer_id_of(func.min(days.cheapest_key)).label("offer_id"),
                cast(func.sum(days.offer_count), Integer).label("offer_count"),
                null().label("operator_count"),
            )
            .where(*common_conditions(HotelDayPrice, values))
            .group_by(days.hotel_id)
            .subquery("groups")
        )
    per_operator = (
        select(
            Offer.hotel_id,
            func.min(Offer.cheapest_key).label("cheapest"),
            func.count().label("offers"),
        )
        .where(*offer_conditions_of(values))
        .group_by(Offer.hotel_id, Offer.operator_id)
        .subquery("per_operator")
    )
    return (
        select(
            per_operator.c.hotel_id,
            price_cents_of(func.min(per_operator.c.cheapest)).label("price_cents"),
            offer_id_of(func.min(per_operator.c.cheapest)).label("offer_id"),
            cast(func.sum(per_operator.c.offers), Integer).label("offer_count"),
            func.count().label("operator_count"),
        )
        .group_by(per_operator.c.hotel_id)
        .subquery("groups")
    )


def _operator_counts(
    session: Session, filters: SearchFilters, today: dt.date, hotel_ids: list[int]
) -> dict[int, int]:
    """Distinct operators of each of these hotels over the search's days, from the day
    prices' operator lists (a page's hotels: a few hundred rows)."""
    operators: dict[int, set[int]] = {hotel_id: set() for hotel_id in hotel_ids}
    if hotel_ids:
        rows = session.execute(
            select(HotelDayPrice.hotel_id, HotelDayPrice.operator_ids).where(
                *day_price_conditions(filters, today), HotelDayPrice.hotel_id.in_(hotel_ids)
            )
        )
        for hotel_id, listed in rows:
            operators[hotel_id] |= parse_operator_ids(listed)
    return {hotel_id: len(ids) for hotel_id, ids in operators.items()}


def _ordering(sort: SortOrder, price_cents) -> tuple:
    by_price = (price_cents, Hotel.name, Hotel.id)
    if sort is SortOrder.STARS:
        return (Hotel.stars.desc().nulls_last(), *by_price)
    if sort is SortOrder.DATE:
        return (Offer.departure_date, *by_price)
    return by_price


def search_hotels(
    session: Session,
    filters: SearchFilters,
    page_size: int,
    *,
    today: dt.date | None = None,
    from_offers: bool = False,
) -> SearchPage:
    """Matching hotels, each with its cheapest offer for the party and its counts, one page.

    Grouped by canonical hotel (`_hotel_groups`): a hotel's cheapest offer is the one with
    the lowest (base price, id). Sorted by `filters.sort`. A page past the last one is
    clamped to the last. `from_offers` reads the offers even when the hotels' day prices
    would answer: the reference the day prices are checked against.
    """
    today = today or agency_today()
    from_day_prices = not from_offers and reads_day_prices(filters)
    rates = current_rates(session)
    values = search_values(filters, today, rates)
    statement = _page_statement(values, filters.sort, from_day_prices)
    page = filters.page

    def read_page(offset: int) -> list:
        return session.execute(statement, {**values, "limit": page_size, "offset": offset}).all()

    # The page first, its total alongside (one query); the count alone only when the page
    # asked for is past the last one, to show the last instead.
    rows = read_page((page - 1) * page_size)
    total_hotels = rows[0].total if rows else 0
    if not rows and page > 1:
        groups = _hotel_groups(values, from_day_prices)
        total_hotels = session.scalar(select(func.count()).select_from(groups)) or 0
        page, _pages, offset = page_window(total_hotels, page, page_size)
        rows = read_page(offset)
    page, pages, _offset = page_window(total_hotels, page, page_size)
    if from_day_prices:
        counts = _operator_counts(session, filters, today, [row.hotel_id for row in rows])
    else:
        counts = {row.hotel_id: row.operator_count for row in rows}
    names = reference_names(
        session,
        {row.resort_id for row in rows},
        {row.Offer.operator_id for row in rows},
        {row.Offer.departure_city_id for row in rows},
    )
    return SearchPage(
        hotels=[_hotel_result(row, filters, counts[row.hotel_id], rates, names) for row in rows],
        total_hotels=total_hotels,
        page=page,
        pages=pages,
        page_size=page_size,
        currency=filters.currency,
        rates=rates,
    )


def statement_by_shape(
    cache: dict[tuple, Select], key: tuple, values: dict[str, Any], build: Callable[[], Select]
) -> Select:
    """The statement `build` makes for a search with these `values`, built once per shape:
    `key` (what else the statement depends on, such as the sort) and which filters the
    search has, list or not; their values are bound parameters. Building one costs about
    as much as PostgreSQL takes to answer a typical search, and the shapes are few (a few
    dozen in practice). A search by hotel name is built each time: its escaped pattern is
    part of the statement."""
    if "hotel_name" in values:
        return build()
    shape = (*key, tuple(sorted((name, isinstance(value, list)) for name, value in values.items())))
    statement = cache.get(shape)
    if statement is None:
        statement = cache[shape] = build()
    return statement


_page_statements: dict[tuple, Select] = {}


def _page_statement(values: dict[str, Any], sort: SortOrder, from_day_prices: bool) -> Select:
    """One page of the search's hotels; the page's size and offset are bound parameters
    (`limit`, `offset`) beside the search's `values`."""
    return statement_by_shape(
        _page_statements,
        (from_day_prices, sort),
        values,
        lambda: _result_rows(_hotel_groups(values, from_day_prices), sort),
    )


def _result_rows(groups, sort: SortOrder) -> Select:
    """One page of the hotels with their cheapest offers, and the count of all of them.

    By price or stars the page is cut from the groups first and only its hotels' offers
    are read (the landing page's 400 hotels cost 400 offer look-ups otherwise); by date,
    every group's offer is needed to sort.
    """
    by_date = sort is SortOrder.DATE
    ranked = groups
    if not by_date:
        ranked = (
            select(groups, func.count().over().label("total"))
            .join(Hotel, Hotel.id == groups.c.hotel_id)
            .order_by(*_ordering(sort, groups.c.price_cents))
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
            .subquery("page")
        )
    # The places', operator's and city's names come from `reference_names`, not joins.
    statement = (
        select(
            Hotel.id.label("hotel_id"),
            Hotel.name.label("hotel_name"),
            Hotel.stars,
            Hotel.resort_id,
            Offer,
            ranked.c.offer_count,
            ranked.c.operator_count,
            func.count().over().label("total") if by_date else ranked.c.total,
        )
        .select_from(ranked)
        .join(Offer, Offer.id == ranked.c.offer_id)
        .join(Hotel, Hotel.id == ranked.c.hotel_id)
        .order_by(*_ordering(sort, ranked.c.price_cents))
    )
    if by_date:
        statement = statement.limit(bindparam("limit")).offset(bindparam("offset"))
    return statement


@dataclass(frozen=True, slots=True)
class PartyPrice:
    """An offer's all-in total in the visitor's currency, and its shares."""

    total: Decimal
    per_person: Decimal
    per_night: Decimal
    surcharge: Decimal


def party_price(offer: Offer, currency: str, payers: int, rates: Rates) -> PartyPrice:
    """The party-price rule (see the module docstring) applied to one offer.

    The total is converted from the base price; the surcharge, quoted in the operator's
    currency as part of its price, keeps the same share of the converted total.
    """
    total = in_currency(offer.price_base, currency, rates)
    surcharge = Decimal("0.00")
    if offer.surcharge and offer.price:
        surcharge = (total * Decimal(offer.surcharge) / Decimal(offer.price)).quantize(
            CENT, ROUND_HALF_UP
        )
    return PartyPrice(
        total=total,
        per_person=share(total, payers),
        per_night=share(total, offer.nights),
        surcharge=surcharge,
    )


def in_currency(amount_base: Decimal, currency: str, rates: Rates) -> Decimal:
    """An amount in the base currency (`TOURSCOPE_BASE_CURRENCY`), in `currency`, to the
    cent; the base amount itself when a rate is missing."""
    converted = rates.convert(Decimal(amount_base), base_currency(), currency)
    return converted if converted is not None else Decimal(amount_base).quantize(CENT)


def share(amount: Decimal, parts: int) -> Decimal:
    return (amount / max(parts, 1)).quantize(CENT, ROUND_HALF_UP)


def _hotel_result(
    row, filters: SearchFilters, operator_count: int, rates: Rates, names: ReferenceNames
) -> HotelResult:
    offer: Offer = row.Offer
    price = party_price(offer, filters.currency, offer.adults + offer.children, rates)
    resort = names.resorts[row.resort_id]
    operator = names.operators[offer.operator_id]
    city = names.cities[offer.departure_city_id]
    return HotelResult(
        hotel_id=row.hotel_id,
        hotel_name=row.hotel_name,
        stars=row.stars,
        resort_id=row.resort_id,
        resort_name=in_reader_language(resort.name, resort.name_ru),
        country_code=resort.country.code,
        country_name=in_reader_language(resort.country.name, resort.country.name_ru),
        currency=filters.currency,
        min_price=price.total,
        price_per_person=price.per_person,
        price_per_night=price.per_night,
        surcharge=price.surcharge,
        operator_code=operator.code,
        operator_name=operator.name,
        offer_id=offer.id,
        offer_count=row.offer_count,
        operator_count=operator_count,
        departure_date=offer.departure_date,
        departure_city_code=city.code,
        departure_city_name=in_reader_language(city.name, city.name_ru),
        nights=offer.nights,
        meal=offer.meal,
        room_type=offer.room_type,
        offer_url=offer.url,
        on_request=offer.availability == Availability.ON_REQUEST,
        checked_at=offer.last_seen_at,
    )


def count_hotels(
    session: Session,
    filters: SearchFilters,
    *,
    today: dt.date | None = None,
    from_offers: bool = False,
) -> int:
    """How many hotels the search finds (all pages)."""
    today = today or agency_today()
    if not from_offers and reads_day_prices(filters):
        hotel_id, conditions = HotelDayPrice.hotel_id, day_price_conditions(filters, today)
    else:
        rates = current_rates(session)
        hotel_id, conditions = Offer.hotel_id, offer_conditions(filters, today, rates)
    hotels = select(hotel_id).where(*conditions).group_by(hotel_id).subquery()
    return session.scalar(select(func.count()).select_from(hotels)) or 0


def list_countries(session: Session, *, today: dt.date | None = None) -> list[CountryOption]:
    """Countries with at least one active offer departing today or later, by name.

    One EXISTS probe per country into the hotels' day prices (a row exists exactly for a
    day with an offer on sale), each answered by the leading column of their index.
    """
    today = today or agency_today()
    has_offers = (
        select(HotelDayPrice.id)
        .where(HotelDayPrice.country_id == Country.id, HotelDayPrice.departure_date >= today)
        .exists()
    )
    rows = session.execute(
        select(Country.code, Country.name, Country.name_ru).where(has_offers).order_by(Country.name)
    )
    return [CountryOption(*row) for row in rows]
