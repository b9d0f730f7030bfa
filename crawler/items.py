"""The one item type every spider yields."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class OfferItem:
    """One tour offer as an operator publishes it.

    Spiders fill the raw fields (the operator's own spellings, kept for review and
    matching); the normalize pipeline fills the normalized ones. A field a spider could
    not read stays None, and validation drops the item with the reason.
    """

    operator: str  # operator code, the spider's name
    offer_key: str  # the operator's stable id for this offer
    url: str  # deep link to the offer on the operator's site
    hotel_code: str | None
    hotel_name: str | None  # as the operator wrote it
    hotel_stars: int | None
    country: str | None  # country name as the operator wrote it
    resort: str | None
    departure_city: str | None
    departure_city_code: str | None
    departure_date: date | None
    nights: int | None
    meal_raw: str | None  # the operator's words for the meal plan
    room_type: str | None
    adults: int | None
    children: int | None
    price: Decimal | None  # in `currency`, all-in (surcharges included)
    currency: str | None
    surcharge: Decimal | None = None  # the part of `price` that is fuel and other surcharges
    # available / on_request / stop_sale / sold_out (models.Availability)
    availability: str = "available"
    # Filled by the normalize pipeline:
    meal: str | None = None
    country_code: str | None = None
    hotel_name_clean: str | None = None
    price_base: Decimal | None = None


@dataclass
class OfferBatch:
    """Offers travelling through the pipelines together.

    Spiders yield OfferItems one by one; crawler.batching groups each response's offers
    into batches, so Scrapy's per-item machinery runs once per batch, not once per offer.
    """

    offers: list[OfferItem]


@dataclass
class ReferenceEntry:
    """One value of an operator's reference list, with the Tourscope code it maps to."""

    kind: str  # country, region, departure, meal, stars, hotel, ...
    ref_id: str  # the operator's id
    name: str  # the operator's spelling
    code: str | None  # ours (ISO country, IATA city, meal plan, stars, resort name); None: unmapped
    data: dict = field(default_factory=dict)  # what else the protocol says (stars, region, photos)


@dataclass
class ReferenceBatch:
    """One reference list of a protocol operator, on its way to the store pipeline."""

    entries: list[ReferenceEntry]


@dataclass
class HotelContentItem:
    """What an operator says of one of its hotels: description, photos, location, contacts.

    Spiders fill it with the operator's raw values (a description may be HTML, a photo a
    relative address, coordinates text); the hotel-content pipeline keeps what can be
    shown and drops the rest with a logged, counted reason. A field left None is one the
    operator did not give this time: the store keeps its earlier value.
    """

    operator: str  # operator code, the spider's name
    hotel_code: str  # the operator's code of the hotel, as on its offers
    page_url: str  # where the content was read: relative photo addresses resolve against it
    description: str | None = None
    photos: list[str] = field(default_factory=list)
    latitude: str | float | None = None
    longitude: str | float | None = None
    address: str | None = None
    phone: str | None = None
