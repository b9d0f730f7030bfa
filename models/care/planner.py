"""The strategic planner: from the catchment area to the tours, clients and repeat
purchases the agency needs a year, beside what the CRM shows for the last 12 months.

The plan, a year:
- tours bought in the market = population x share that buys a tour a year (one tour each)
- market volume = those tours x the average tour price
- tours the agency needs = market tours x target market share (rounded up)
- clients needed = tours needed / purchases per client a year (rounded up); the rest of
  the tours are repeat purchases by the same clients.

The CRM's last 12 months (since the same date a year ago, the agency's date): booked
trips by their booking time; revenue in USD, each trip's price converted with
models/catalog/currency.py (a trip in a currency without a rate is left out of the revenue and
counted apart); clients who bought; repeat share = trips by a client who had booked an
earlier trip (at any time) / all trips.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import BigInteger, ColumnElement, and_, case, cast, distinct, func, select
from sqlalchemy.orm import Session

from models.agency_time import agency_midnight, agency_today
from models.care.trips import Trip, TripStatus
from models.catalog.currency import Rates
from models.catalog.exchange_rates import current_rates

CENT = Decimal("0.01")
# The planner's money, market prices and revenue: the owner plans in dollars.
REVENUE_CURRENCY = "USD"


@dataclass(frozen=True)
class PlanInput:
    population: int
    buying_share: Decimal  # percent
    average_price: Decimal
    target_share: Decimal  # percent
    purchases_per_client: Decimal


@dataclass(frozen=True)
class Plan:
    average_price: Decimal  # the assumed average tour price, USD
    market_tours: Decimal  # tours bought in the catchment area a year
    market_volume: Decimal  # EUR a year
    tours_needed: int
    revenue_needed: Decimal  # EUR a year
    clients_needed: int
    repeat_purchases_needed: int

    @property
    def repeat_share(self) -> Decimal | None:
        if not self.tours_needed:
            return None
        return _percent(self.repeat_purchases_needed, self.tours_needed)


def _percent(part: int | Decimal, whole: int | Decimal) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def compute_plan(values: PlanInput) -> Plan:
    market_tours = values.population * values.buying_share / 100
    market_volume = (market_tours * values.average_price).quantize(CENT, ROUND_HALF_UP)
    tours_needed = math.ceil(market_tours * values.target_share / 100)
    clients_needed = math.ceil(tours_needed / values.purchases_per_client)
    return Plan(
        average_price=values.average_price,
        market_tours=market_tours,
        market_volume=market_volume,
        tours_needed=tours_needed,
        revenue_needed=(market_volume * values.target_share / 100).quantize(CENT, ROUND_HALF_UP),
        clients_needed=clients_needed,
        repeat_purchases_needed=tours_needed - clients_needed,
    )


@dataclass(frozen=True)
class CrmActuals:
    since: date  # the first day counted, the agency's date
    trips: int
    clients: int
    repeat_trips: int
    revenue: Decimal  # EUR
    unconverted_trips: int  # trips in a currency without a rate: not in the revenue

    @property
    def repeat_share(self) -> Decimal | None:
        return _percent(self.repeat_trips, self.trips) if self.trips else None

    @property
    def average_price(self) -> Decimal | None:
        """The CRM's own average tour price, beside the one the plan assumes."""
        converted = self.trips - self.unconverted_trips
        return (self.revenue / converted).quantize(CENT, ROUND_HALF_UP) if converted else None


def _price_in_base_cents(rates: Rates) -> ColumnElement[int]:
    """A trip's price in the base currency's cents, rounded half up per trip exactly as
    models/catalog/currency.py `convert` rounds it; NULL for a currency without a rate.

    Whole-number arithmetic (cents x rate as a fraction), so both databases sum it
    exactly: SQLite has no decimal type. Prices are never negative, so the floor of
    (2 x cents x numerator + denominator) / (2 x denominator) is the half-up rounding.
    """
    cents = cast(func.round(Trip.price * 100), BigInteger)
    base = Fraction(rates.unit_values[REVENUE_CURRENCY])
    return case(
        *(
            (
                Trip.currency == code,
                (cents * (2 * ratio.numerator) + ratio.denominator) // (2 * ratio.denominator),
            )
            for code, rate in rates.unit_values.items()
            for ratio in [Fraction(rate) / base]
        )
    )


def crm_actuals(session: Session, now: datetime | None = None) -> CrmActuals:
    """What the CRM shows for the last 12 months (see the module's docstring).

    Counted in the database, not trip by trip here: a year of a large agency is hundreds
    of thousands of trips.
    """
    today = agency_today(now)
    since = _year_before(today)
    start = agency_midnight(since)
    booked = Trip.status == TripStatus.BOOKED
    in_year = and_(booked, Trip.created_at >= start)
    price_cents = _price_in_base_cents(current_rates(session))
    trips, clients, converted, revenue_cents = session.execute(
        select(
            func.count(),
            func.count(distinct(Trip.client_id)),
            func.count(price_cents),
            func.coalesce(func.sum(price_cents), 0),
        ).where(in_year)
    ).one()
    returning = session.scalar(
        select(func.count(distinct(Trip.client_id))).where(
            in_year,
            Trip.client_id.in_(select(Trip.client_id).where(booked, Trip.created_at < start)),
        )
    )
    # Every trip is a repeat but a client's first booking ever; a client who had booked
    # before the year has no first booking in it, a new client exactly one.
    first_bookings = clients - (returning or 0)
    return CrmActuals(
        since=since,
        trips=trips,
        clients=clients,
        repeat_trips=trips - first_bookings,
        revenue=(Decimal(int(revenue_cents)) / 100).quantize(CENT),
        unconverted_trips=trips - converted,
    )


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class PlanGap:
    """What the CRM's last 12 months lack against the plan (negative: ahead of it)."""

    tours: int
    clients: int
    revenue: Decimal
    average_price: Decimal | None  # the assumed price over the CRM's own
    repeat_purchases: int
    repeat_share_points: Decimal | None  # percentage points

    @classmethod
    def between(cls, plan: Plan, actuals: CrmActuals) -> PlanGap:
        planned_share, actual_share = plan.repeat_share, actuals.repeat_share
        return cls(
            tours=plan.tours_needed - actuals.trips,
            clients=plan.clients_needed - actuals.clients,
            revenue=plan.revenue_needed - actuals.revenue,
            average_price=plan.average_price - actuals.average_price
            if actuals.average_price is not None
            else None,
            repeat_purchases=plan.repeat_purchases_needed - actuals.repeat_trips,
            repeat_share_points=planned_share - actual_share
            if planned_share is not None and actual_share is not None
            else None,
        )


# The figures a plan and the CRM's year both have, in the order an owner reads them:
# the tours, the clients who buy them, the repeat purchases, the money.
COMPARED = ("tours", "clients", "repeat_purchases", "revenue")


@dataclass(frozen=True)
class Comparison:
    """One figure of the plan's year beside the CRM's last 12 months."""

    figure: str  # one of COMPARED
    plan: int | Decimal
    actual: int | Decimal

    @property
    def percent_of_plan(self) -> int | None:
        """How much of the plan the CRM's year reached, whole percent; None with no plan."""
        if not self.plan:
            return None
        return int(
            (Decimal(self.actual) * 100 / Decimal(self.plan)).to_integral_value(ROUND_HALF_UP)
        )


def plan_against_actuals(plan: Plan, actuals: CrmActuals) -> list[Comparison]:
    """The figures both hold, each as a plan-and-actual pair (the planner's chart)."""
    return [
        Comparison("tours", plan.tours_needed, actuals.trips),
        Comparison("clients", plan.clients_needed, actuals.clients),
        Comparison("repeat_purchases", plan.repeat_purchases_needed, actuals.repeat_trips),
        Comparison("revenue", plan.revenue_needed, actuals.revenue),
    ]
