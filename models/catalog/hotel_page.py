"""One hotel and all its matching offers, side by side across operators (the hotel page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.agency_time import agency_today
from models.catalog.currency import Rates
from models.catalog.exchange_rates import current_rates
from models.catalog.hotels import Country, DepartureCity, Hotel, Operator, Resort
from models.catalog.offers import Availability, Offer
from models.catalog.place_names import in_reader_language, place_name_column
from models.catalog.search import in_currency, offer_conditions, party_price
from models.catalog.search_filters import SearchFilters, SortOrder
from models.paging import page_window
from tourscope.foundation.i18n import current_locale

# A hotel can have thousands of matching offers at scale: they come in pages of this many,
# in the chosen order. A page of 50 renders in a fraction of the time 300 took, and the
# visitor can still reach every offer.
HOTEL_OFFERS_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class HotelPhoto:
    url: str
    operator_name: str  # the operator whose directory has the photo


@dataclass(frozen=True, slots=True)
class HotelLocation:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class HotelSummary:
    """The hotel, with the content merged from its operators (models/catalog/hotel_content.py);
    what no operator gave is None or empty."""

    hotel_id: int
    name: str
    stars: int | None
    resort_name: str
    country_code: str
    country_name: str
    description: str | None = None  # plain text, paragraphs apart by a blank line
    description_operator: str | None = None  # whose description it is
    photos: list[HotelPhoto] = field(default_factory=list)
    location: HotelLocation | None = None
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class HotelOffer:
    """One offer, priced for its whole party in the visitor's currency (the party-price rule
    of `models.catalog.search`)."""

    offer_id: int
    operator_code: str
    operator_name: str
    departure_city_code: str
    departure_city_name: str
    departure_date: date
    nights: int
    room_type: str
    meal: str
    adults: int
    children: int
    currency: str
    price: Decimal  # all-in, for the whole party
    surcharge: Decimal  # the part of `price` that is fuel and other surcharges
    price_per_person: Decimal
    price_per_night: Decimal
    on_request: bool
    url: str
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class OperatorSummary:
    """An operator's cheapest matching offer for the hotel, and how many it has."""

    operator_code: str
    operator_name: str
    min_price: Decimal
    offer_count: int


@dataclass(frozen=True, slots=True)
class HotelOffers:
    hotel: HotelSummary
    currency: str
    sort: SortOrder
    total_offers: int
    operators: list[OperatorSummary]  # cheapest first
    offers: list[HotelOffer]  # page `page` of `pages`, in `sort` order
    page: int
    pages: int
    rates: Rates  # what the prices were converted with, and the day they are for


def get_hotel(session: Session, hotel_id: int) -> HotelSummary | None:
    """The hotel, its place and its content; None when there is no such hotel."""
    row = session.execute(
        select(Hotel, Resort.name, Resort.name_ru, Country.code, Country.name, Country.name_ru)
        .join(Resort, Hotel.resort_id == Resort.id)
        .join(Country, Resort.country_id == Country.id)
        .where(Hotel.id == hotel_id)
    ).one_or_none()
    if row is None:
        return None
    hotel, resort_name, resort_name_ru, country_code, country_name, country_name_ru = row
    description_source = (hotel.content_sources or {}).get("description")
    photos = hotel.photos or []
    operator_ids = {photo["operator_id"] for photo in photos} | {description_source}
    operator_ids.discard(None)
    names = {
        operator_id: name
        for operator_id, name in session.execute(
            select(Operator.id, Operator.name).where(Operator.id.in_(operator_ids))
        )
    }
    located = hotel.latitude is not None and hotel.longitude is not None
    return HotelSummary(
        hotel_id=hotel.id,
        name=hotel.name,
        stars=hotel.stars,
        resort_name=in_reader_language(resort_name, resort_name_ru),
        country_code=country_code,
        country_name=in_reader_language(country_name, country_name_ru),
        description=hotel.description,
        description_operator=names.get(description_source),
        photos=[
            HotelPhoto(photo["url"], names.get(photo["operator_id"], "an operator"))
            for photo in photos
        ],
        location=HotelLocation(hotel.latitude, hotel.longitude) if located else None,
        address=hotel.address,
        phone=hotel.phone,
    )


def hotel_offers(
    session: Session,
    hotel_id: int,
    filters: SearchFilters,
    *,
    page_size: int = HOTEL_OFFERS_PER_PAGE,
    today: date | None = None,
) -> HotelOffers | None:
    """The hotel and every active, bookable offer for it that matches the search filters.

    The conditions are the search's own (`offer_conditions`: the party, the departure
    window, nights...), so the hotel page shows exactly the offers the search counted for
    this hotel. Prices are in `filters.currency`; sorted cheapest first, or by departure
    date for `sort=date` (every offer has the hotel's stars, so `stars` sorts by price);
    one page of `page_size` (`filters.page`, or the last page when it asks past the end).
    None when there is no such hotel.
    """
    currency = filters.currency
    hotel = get_hotel(session, hotel_id)
    if hotel is None:
        return None
    rates = current_rates(session)
    conditions = [
        Offer.hotel_id == hotel_id,
        *offer_conditions(filters, today or agency_today(), rates),
    ]

    per_operator = session.execute(
        select(Operator.code, Operator.name, func.min(Offer.price_base), func.count())
        .join(Operator, Offer.operator_id == Operator.id)
        .where(*conditions)
        .group_by(Operator.code, Operator.name)
        .order_by(func.min(Offer.price_base), Operator.name)
    ).all()
    operators = [
        OperatorSummary(code, name, in_currency(min_price, currency, rates), count)
        for code, name, min_price, count in per_operator
    ]

    total = sum(summary.offer_count for summary in operators)
    page, pages, offset = page_window(total, filters.page, page_size)
    ordering = (
        (Offer.departure_date, Offer.price_base, Offer.id)
        if filters.sort is SortOrder.DATE
        else (Offer.price_base, Offer.departure_date, Offer.id)
    )
    rows = session.execute(
        select(
            Offer,
            Operator.code,
            Operator.name,
            DepartureCity.code,
            place_name_column(DepartureCity, current_locale()),
        )
        .join(Operator, Offer.operator_id == Operator.id)
        .join(DepartureCity, Offer.departure_city_id == DepartureCity.id)
        .where(*conditions)
        .order_by(*ordering)
        .limit(page_size)
        .offset(offset)
    ).all()
    return HotelOffers(
        hotel=hotel,
        currency=currency,
        sort=filters.sort,
        total_offers=total,
        operators=operators,
        offers=[_priced(*row, currency=currency, rates=rates) for row in rows],
        page=page,
        pages=pages,
        rates=rates,
    )


def _priced(
    offer: Offer,
    operator_code: str,
    operator_name: str,
    city_code: str,
    city_name: str,
    *,
    currency: str,
    rates: Rates,
) -> HotelOffer:
    price = party_price(offer, currency, offer.adults + offer.children, rates)
    return HotelOffer(
        offer_id=offer.id,
        operator_code=operator_code,
        operator_name=operator_name,
        departure_city_code=city_code,
        departure_city_name=city_name,
        departure_date=offer.departure_date,
        nights=offer.nights,
        room_type=offer.room_type,
        meal=offer.meal,
        adults=offer.adults,
        children=offer.children,
        currency=currency,
        price=price.total,
        surcharge=price.surcharge,
        price_per_person=price.per_person,
        price_per_night=price.per_night,
        on_request=offer.availability == Availability.ON_REQUEST,
        url=offer.url,
        last_seen_at=offer.last_seen_at,
    )
