"""How the cheapest price of a hotel for one search moved, day by day (the hotel page's chart).

Rebuilt from the offers that match the search today and their `price_changes`: an offer's
price at an instant is the old price of its first change after that instant, or its price
now when it has not changed since. A day's price is the cheapest of the offers known by
the end of that day (the agency's day, `models.agency_time`). Offers that have left the
catalogue are not in the series: it tells the story of what can still be bought.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.agency_time import agency_midnight, agency_today
from models.catalog.exchange_rates import current_rates
from models.catalog.offers import Offer, PriceChange
from models.catalog.search import in_currency, offer_conditions
from models.catalog.search_filters import SearchFilters

HISTORY_DAYS = 28  # the chart's span: four weeks, today included


@dataclass(frozen=True, slots=True)
class PricePoint:
    day: date
    price: Decimal  # the day's cheapest, for the offer's whole party, in the series' currency


@dataclass(frozen=True, slots=True)
class PriceHistory:
    currency: str
    points: list[PricePoint]  # oldest first; only days with an offer known

    @property
    def first(self) -> PricePoint | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> PricePoint | None:
        return self.points[-1] if self.points else None

    @property
    def lowest(self) -> Decimal | None:
        return min((point.price for point in self.points), default=None)

    @property
    def highest(self) -> Decimal | None:
        return max((point.price for point in self.points), default=None)


def cheapest_price_by_day(
    session: Session,
    hotel_id: int,
    filters: SearchFilters,
    *,
    days: int = HISTORY_DAYS,
    now: datetime | None = None,
) -> PriceHistory:
    """The cheapest price of the hotel's offers matching `filters`, for each of the last
    `days` agency days (today included), in `filters.currency` at today's rates."""
    today = agency_today(now)
    first_day = today - timedelta(days=days - 1)
    rates = current_rates(session)
    conditions = [Offer.hotel_id == hotel_id, *offer_conditions(filters, today, rates)]
    offers = session.execute(
        select(Offer.id, Offer.price_base, Offer.first_seen_at).where(*conditions)
    ).all()
    if not offers:
        return PriceHistory(filters.currency, [])
    changes: dict[int, list[tuple[datetime, Decimal]]] = defaultdict(list)
    matching_ids = select(Offer.id).where(*conditions)
    for offer_id, changed_at, old_price in session.execute(
        select(PriceChange.offer_id, PriceChange.changed_at, PriceChange.old_price_base)
        .where(
            PriceChange.offer_id.in_(matching_ids),
            PriceChange.changed_at >= agency_midnight(first_day),
        )
        .order_by(PriceChange.offer_id, PriceChange.changed_at, PriceChange.id)
    ):
        changes[offer_id].append((changed_at, Decimal(old_price)))

    points = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        day_end = agency_midnight(day + timedelta(days=1))
        prices = [
            price_at(Decimal(price), changes.get(offer_id, []), day_end)
            for offer_id, price, first_seen in offers
            if first_seen < day_end
        ]
        if prices:
            points.append(PricePoint(day, in_currency(min(prices), filters.currency, rates)))
    return PriceHistory(filters.currency, points)


def price_at(
    price_now: Decimal, changes: list[tuple[datetime, Decimal]], moment: datetime
) -> Decimal:
    """An offer's base price at `moment`, from its price now and its changes (oldest
    first) since some earlier instant: the old price of its first change at or after
    `moment`, or its price now when it has not changed since."""
    return next((old for changed_at, old in changes if changed_at >= moment), price_now)
