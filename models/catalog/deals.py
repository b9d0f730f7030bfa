"""Hot deals: the biggest recent price drops, and the cheapest tour per country, departing soon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.agency_time import agency_today
from models.catalog.currency import Rates, base_currency
from models.catalog.exchange_rates import current_rates
from models.catalog.hotels import Country, Hotel, Operator, Resort
from models.catalog.offers import Availability, Offer, PriceChange, on_sale
from models.catalog.place_names import place_name_column
from models.catalog.search import in_currency
from tourscope.foundation.i18n import current_locale

DROPS_WINDOW_DAYS = 30  # price drops: departures from today to this many days ahead
CHEAPEST_WINDOW_DAYS = 14  # cheapest per country: departures from today to this many days ahead
MAX_DROPS = 20


@dataclass(frozen=True, slots=True)
class DealOffer:
    """An offer on the deals page, priced in the visitor's currency, with its hotel."""

    offer_id: int
    hotel_id: int
    hotel_name: str
    stars: int | None
    resort_name: str
    country_code: str
    country_name: str
    operator_code: str
    operator_name: str
    departure_date: date
    nights: int
    meal: str
    room_type: str
    adults: int
    children: int
    currency: str
    price: Decimal
    on_request: bool
    url: str
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class PriceDrop:
    offer: DealOffer
    old_price: Decimal  # before the drop, in the visitor's currency
    drop_amount: Decimal
    drop_percent: Decimal  # one decimal place
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class Deals:
    currency: str
    drops_until: date
    cheapest_until: date
    price_drops: list[PriceDrop]  # biggest drop in percent first, then in amount
    cheapest_by_country: list[DealOffer]  # by country name, for `cheapest_party`
    cheapest_party: tuple[int, int]  # (adults, children): one party, so countries compare
    rates: Rates  # what the prices were converted with, and the day they are for


def _deal_columns():
    return (
        Offer.id,
        Hotel.id,
        Hotel.name,
        Hotel.stars,
        place_name_column(Resort, current_locale()),
        Country.code,
        place_name_column(Country, current_locale()),
        Operator.code,
        Operator.name,
        Offer.departure_date,
        Offer.nights,
        Offer.meal,
        Offer.room_type,
        Offer.adults,
        Offer.children,
        Offer.price_base,
        Offer.availability,
        Offer.url,
        Offer.last_seen_at,
    )


def _with_hotel(statement):
    return (
        statement.join(Hotel, Offer.hotel_id == Hotel.id)
        .join(Resort, Hotel.resort_id == Resort.id)
        .join(Country, Resort.country_id == Country.id)
        .join(Operator, Offer.operator_id == Operator.id)
    )


def _deal_offer(row, currency: str, rates: Rates) -> DealOffer:
    *head, price_base, availability, url, last_seen_at = row
    return DealOffer(
        *head,
        currency=currency,
        price=in_currency(price_base, currency, rates),
        on_request=availability == Availability.ON_REQUEST,
        url=url,
        last_seen_at=last_seen_at,
    )


def _bookable_departing(today: date, until: date):
    return (*on_sale(), Offer.departure_date >= today, Offer.departure_date <= until)


def biggest_price_drops(
    session: Session,
    *,
    currency: str | None = None,
    today: date | None = None,
    days: int = DROPS_WINDOW_DAYS,
    limit: int = MAX_DROPS,
) -> list[PriceDrop]:
    """Offers whose latest price change was a drop, biggest drop (in percent, then amount) first.

    Only the newest change of each offer counts: an offer that dropped and then rose again
    is no deal. Only active, bookable offers departing from today to `days` ahead qualify.
    """
    today = today or agency_today()
    currency = currency or base_currency()
    rates = current_rates(session)
    conditions = _bookable_departing(today, today + timedelta(days=days))
    latest = (
        select(
            PriceChange.offer_id,
            PriceChange.old_price_base,
            PriceChange.new_price_base,
            PriceChange.changed_at,
            func.row_number()
            .over(
                partition_by=PriceChange.offer_id,
                order_by=(PriceChange.changed_at.desc(), PriceChange.id.desc()),
            )
            .label("newest"),
        )
        .join(Offer, Offer.id == PriceChange.offer_id)
        .where(*conditions)
        .subquery("latest")
    )
    drop = latest.c.old_price_base - latest.c.new_price_base
    rows = session.execute(
        _with_hotel(
            select(
                *_deal_columns(),
                latest.c.old_price_base,
                latest.c.new_price_base,
                latest.c.changed_at,
            ).join(latest, latest.c.offer_id == Offer.id)
        )
        .where(latest.c.newest == 1, latest.c.new_price_base < latest.c.old_price_base)
        .order_by((drop / latest.c.old_price_base).desc(), drop.desc(), Offer.id)
        .limit(limit)
    ).all()
    drops = []
    for *columns, old_price_base, new_price_base, changed_at in rows:
        offer = _deal_offer(columns, currency, rates)
        old_price = in_currency(old_price_base, currency, rates)
        percent = (old_price_base - new_price_base) * 100 / old_price_base
        drops.append(
            PriceDrop(
                offer=offer,
                old_price=old_price,
                drop_amount=old_price - offer.price,
                drop_percent=percent.quantize(Decimal("0.1"), ROUND_HALF_UP),
                changed_at=changed_at,
            )
        )
    return drops


# The party "cheapest to each country" is for: the search's own default, two adults. A
# cheapest tour of any party would set one adult's trip beside a family's.
CHEAPEST_PARTY = (2, 0)


def cheapest_by_country(
    session: Session,
    *,
    currency: str | None = None,
    today: date | None = None,
    days: int = CHEAPEST_WINDOW_DAYS,
    party: tuple[int, int] = CHEAPEST_PARTY,
) -> list[DealOffer]:
    """Each country's cheapest active, bookable offer for `party` (adults, children)
    departing from today to `days` ahead.

    One correlated subquery per country (a dozen), each one index range scan.
    """
    today = today or agency_today()
    currency = currency or base_currency()
    cheapest_id = (
        select(Offer.id)
        .where(
            Offer.country_id == Country.id,
            *_bookable_departing(today, today + timedelta(days=days)),
            Offer.adults == party[0],
            Offer.children == party[1],
        )
        .order_by(Offer.price_base, Offer.id)
        .limit(1)
        .correlate(Country)
        .scalar_subquery()
    )
    # Two statements: as one, PostgreSQL would run each country's subquery twice.
    offer_ids = [i for i in session.scalars(select(cheapest_id).select_from(Country)) if i]
    rows = session.execute(
        _with_hotel(select(*_deal_columns())).where(Offer.id.in_(offer_ids)).order_by(Country.name)
    ).all()
    rates = current_rates(session)
    return [_deal_offer(row, currency, rates) for row in rows]


def hot_deals(session: Session, *, currency: str | None = None, today: date | None = None) -> Deals:
    """Everything the deals page shows."""
    today = today or agency_today()
    currency = currency or base_currency()
    return Deals(
        currency=currency,
        drops_until=today + timedelta(days=DROPS_WINDOW_DAYS),
        cheapest_until=today + timedelta(days=CHEAPEST_WINDOW_DAYS),
        price_drops=biggest_price_drops(session, currency=currency, today=today),
        cheapest_by_country=cheapest_by_country(session, currency=currency, today=today),
        cheapest_party=CHEAPEST_PARTY,
        rates=current_rates(session),
    )
