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
    dearest believable price in the base currency. The first failed check names the
    reason; messages are written only for a dropped offer."""
    if not item.offer_key:
        return Drop("no_offer_key", "no offer key")
    if not item.hotel_name_clean:
        return Drop("no_hotel", "no hotel name")
    if not item.country_code:
        return Drop("unknown_country", f"unknown country {item.country!r}")
    if not item.resort:
        return Drop("no_resort", "no resort")
    if not item.departure_city_code:
        return Drop("unknown_departure_city", f"unknown departure city {item.departure_city!r}")
    if item.departure_date is None:
        return Drop("no_date", "no departure date")
    if item.departure_date < today:
        return Drop("date_in_past", f"departure {item.departure_date} is in the past")
    if item.nights is None:
        return Drop("no_nights", "no nights")
    if not 1 <= item.nights <= 30:
        return Drop("nights_out_of_range", f"nights {item.nights} not in 1..30")
    if item.meal is None:
        return Drop("unknown_meal", f"unknown meal plan {item.meal_raw!r}")
    if item.price is None:
        return Drop("no_price", "no price")
    if item.price <= 0:
        return Drop("price_not_positive", f"price {item.price} <= 0")
    if item.price_base is None:
        return Drop("unknown_currency", f"unknown currency {item.currency!r}")
    if item.price_base > max_price_base:
        return Drop("absurd_price", f"absurd price {item.price} {item.currency}")
    if item.adults is None or not 1 <= item.adults <= 10:
        return Drop("bad_party", f"adults {item.adults} not in 1..10")
    if item.children is None or not 0 <= item.children <= 10:
        return Drop("bad_party", f"children {item.children} not in 0..10")
    if not item.room_type:
        return Drop("no_room", "no room type")
    return None


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
