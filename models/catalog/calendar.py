"""The price calendar: the cheapest party price for each departure date of a search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Select, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from models.agency_time import agency_today
from models.catalog.currency import Rates
from models.catalog.exchange_rates import current_rates
from models.catalog.offers import HotelDayPrice, Offer
from models.catalog.price_keys import price_of
from models.catalog.search import (
    common_conditions,
    in_currency,
    offer_conditions_of,
    reads_day_prices,
    search_values,
    statement_by_shape,
)
from models.catalog.search_filters import SearchFilters

# A calendar shows at most this many days, from the start of the search's window.
MAX_CALENDAR_DAYS = 62


@dataclass(frozen=True, slots=True)
class CalendarDay:
    day: dt.date
    min_price: Decimal | None  # in the calendar's currency; None: nothing departs that day


@dataclass(frozen=True, slots=True)
class PriceCalendar:
    currency: str
    days: list[CalendarDay]  # every date of the window, in order
    cheapest: Decimal | None
    dearest: Decimal | None

    def level(self, price: Decimal | None, levels: int = 5) -> int | None:
        """Where `price` sits between the cheapest and dearest day, 0 (cheapest) .. levels-1."""
        if price is None or self.cheapest is None or self.dearest is None:
            return None
        spread = self.dearest - self.cheapest
        if spread <= 0:
            return 0
        return min(levels - 1, int((price - self.cheapest) / spread * levels))


def min_price_by_date(
    session: Session,
    filters: SearchFilters,
    *,
    today: dt.date,
    rates: Rates,
    from_offers: bool = False,
) -> dict[dt.date, Decimal]:
    """The cheapest base price of the search's offers on each departure date that has one:
    from the hotels' day prices when they answer the search (`reads_day_prices`), else
    from the offers: on PostgreSQL one day at a time (`_per_day_statement`), elsewhere
    and with `from_offers` (the reference the others are checked against) in one
    grouping. A price range is converted with `rates`."""
    from_day_prices = not from_offers and reads_day_prices(filters)
    values = search_values(filters, today, rates)
    first, last = values["departure_from"], values["departure_to"]
    by_day = (
        not from_offers
        and not from_day_prices
        and session.get_bind().dialect.name == "postgresql"
        and 0 <= (last - first).days < MAX_CALENDAR_DAYS
    )
    if by_day:
        values = {name: value for name, value in values.items() if name != "departure_days"}
        values["calendar_days"] = [
            first + dt.timedelta(days=n) for n in range((last - first).days + 1)
        ]
        key, build = ("per day",), lambda: _per_day_statement(values)
    else:
        key, build = (from_day_prices,), lambda: _calendar_statement(values, from_day_prices)
    statement = statement_by_shape(_calendar_statements, key, values, build)
    rows = session.execute(statement, values)
    return {day: price_of(key) for day, key in rows if key is not None}


_calendar_statements: dict[tuple, Select] = {}


def _per_day_statement(values: dict[str, Any]) -> Select:
    """Each day of `calendar_days` with the cheapest key of the search's offers departing
    that day (None: none does), one subquery a day.

    Each day is then a scan of its own part of the search index, bounded by the nights
    range, and a plain minimum: for a typical calendar (two weeks of 7,000-11,000 offers
    at 5 million) about a fifth faster than one scan of every day's part hashed into
    days, as `_calendar_statement` does. PostgreSQL only (`unnest` of an array).
    """
    day = func.unnest(bindparam("calendar_days", type_=ARRAY(Date)))
    day = day.table_valued("day").render_derived("days")
    cheapest = (
        select(func.min(Offer.cheapest_key))
        .where(*offer_conditions_of(values), Offer.departure_date == day.c.day)
        .scalar_subquery()
    )
    return select(day.c.day, cheapest).select_from(day)


def _calendar_statement(values: dict[str, Any], from_day_prices: bool) -> Select:
    """Each departure date's cheapest (price, offer) key among the search's day prices or
    offers (models/catalog/price_keys.py: a BIGINT minimum, much cheaper than a NUMERIC
    one); every value a bound parameter named as in `values`."""
    if from_day_prices:
        day, key = HotelDayPrice.departure_date, HotelDayPrice.cheapest_key
        conditions = common_conditions(HotelDayPrice, values)
    else:
        day, key = Offer.departure_date, Offer.cheapest_key
        conditions = offer_conditions_of(values)
    return select(day, func.min(key)).where(*conditions).group_by(day)


def price_calendar(
    session: Session,
    filters: SearchFilters,
    *,
    today: dt.date | None = None,
    from_offers: bool = False,
) -> PriceCalendar:
    """Every date of the search's departure window (at most MAX_CALENDAR_DAYS from its
    start) with the party's minimum price that day, in the visitor's currency.

    Every other filter applies as in the search, so a day's price is what a search on
    that one day would show first.
    """
    today = today or agency_today()
    start, end = filters.departure_window(today)
    if (end - start).days >= MAX_CALENDAR_DAYS:
        end = start + dt.timedelta(days=MAX_CALENDAR_DAYS - 1)
    window = filters.model_copy(update={"date": None, "date_from": start, "date_to": end})
    rates = current_rates(session)
    minimum = min_price_by_date(session, window, today=today, rates=rates, from_offers=from_offers)
    days = []
    day = start
    while day <= end:
        price = minimum.get(day)
        days.append(
            CalendarDay(day, in_currency(price, filters.currency, rates) if price else None)
        )
        if day == dt.date.max:
            break
        day += dt.timedelta(days=1)
    prices = [d.min_price for d in days if d.min_price is not None]
    return PriceCalendar(
        currency=filters.currency,
        days=days,
        cheapest=min(prices) if prices else None,
        dearest=max(prices) if prices else None,
    )
