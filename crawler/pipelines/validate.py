"""Drop what cannot be stored, with a reason that is logged and counted in the crawl's stats."""

import logging
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from crawler.crawlstats import DROPPED_PREFIX, OFFERS_DROPPED
from crawler.items import OfferBatch, OfferItem
from models.agency_time import agency_today
from models.catalog.exchange_rates import current_rates
from models.db import session_scope
from tourscope.foundation.settings import get_settings

# No package tour costs more, in euros; such values are errors. A crawl compares the
# price in its base currency with this limit converted at the crawl's rates.
MAX_PRICE_EUR = Decimal("200000")
logger = logging.getLogger(__name__)


class Drop(NamedTuple):
    slug: str  # stable stats key: tourscope/dropped/<slug>
    message: str  # what the log says, with the offending value


def drop_reason(
    item: OfferItem, today: date, max_price_base: Decimal = MAX_PRICE_EUR
) -> Drop | None:
    """Why `item` cannot be stored, or None when it is fine; `max_price_base` is the
    dearest believable price in the base currency."""
    checks: list[tuple[bool, str, str]] = [
        (not item.offer_key, "no_offer_key", "no offer key"),
        (not item.hotel_name_clean, "no_hotel", "no hotel name"),
        (not item.country_code, "unknown_country", f"unknown country {item.country!r}"),
        (not item.resort, "no_resort", "no resort"),
        (
            not item.departure_city_code,
            "unknown_departure_city",
            f"unknown departure city {item.departure_city!r}",
        ),
        (item.departure_date is None, "no_date", "no departure date"),
        (
            item.departure_date is not None and item.departure_date < today,
            "date_in_past",
            f"departure {item.departure_date} is in the past",
        ),
        (item.nights is None, "no_nights", "no nights"),
        (
            item.nights is not None and not 1 <= item.nights <= 30,
            "nights_out_of_range",
            f"nights {item.nights} not in 1..30",
        ),
        (item.meal is None, "unknown_meal", f"unknown meal plan {item.meal_raw!r}"),
        (item.price is None, "no_price", "no price"),
        (
            item.price is not None and item.price <= 0,
            "price_not_positive",
            f"price {item.price} <= 0",
        ),
        (
            item.price is not None and item.price_base is None,
            "unknown_currency",
            f"unknown currency {item.currency!r}",
        ),
        (
            item.price_base is not None and item.price_base > max_price_base,
            "absurd_price",
            f"absurd price {item.price} {item.currency}",
        ),
        (
            item.adults is None or not 1 <= item.adults <= 10,
            "bad_party",
            f"adults {item.adults} not in 1..10",
        ),
        (
            item.children is None or not 0 <= item.children <= 10,
            "bad_party",
            f"children {item.children} not in 0..10",
        ),
        (not item.room_type, "no_room", "no room type"),
    ]
    return next((Drop(slug, message) for failed, slug, message in checks if failed), None)


class ValidatePipeline:
    """Keeps the storable offers of each batch; logs and counts the others by reason."""

    def __init__(self, stats, max_price_base: Decimal = MAX_PRICE_EUR):
        self.stats = stats
        self.max_price_base = max_price_base

    @classmethod
    def from_crawler(cls, crawler):
        base = get_settings().base_currency.upper()
        with session_scope() as session:
            limit = current_rates(session).convert(MAX_PRICE_EUR, "EUR", base)
        return cls(crawler.stats, limit if limit is not None else MAX_PRICE_EUR)

    def process_item(self, batch):
        if not isinstance(batch, OfferBatch):  # reference lists pass through
            return batch
        today = agency_today()
        kept = []
        for offer in batch.offers:
            drop = drop_reason(offer, today, self.max_price_base)
            if drop is None:
                kept.append(offer)
                continue
            self.stats.inc_value(DROPPED_PREFIX + drop.slug)
            self.stats.inc_value(OFFERS_DROPPED)
            logger.info("Dropped offer %s: %s", offer.offer_key or "?", drop.message)
        batch.offers = kept
        return batch
