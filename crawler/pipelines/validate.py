"""Drop what cannot be stored, with a reason that is logged and counted in the crawl's stats."""

from datetime import date
from decimal import Decimal

from scrapy.exceptions import DropItem

from crawler.items import OfferItem

MAX_PRICE_BASE = Decimal("200000")  # no package tour costs more; such values are errors
DROP_STAT_PREFIX = "tourscope/dropped/"


def drop_reason(item: OfferItem, today: date) -> str | None:
    """The reason `item` cannot be stored, or None when it is fine."""
    checks: list[tuple[bool, str]] = [
        (not item.offer_key, "no offer key"),
        (not item.hotel_name_clean, "no hotel name"),
        (not item.country_code, f"unknown country {item.country!r}"),
        (not item.resort, "no resort"),
        (not item.departure_city_code, f"unknown departure city {item.departure_city!r}"),
        (item.departure_date is None, "no departure date"),
        (item.departure_date is not None and item.departure_date < today, "departure in the past"),
        (item.nights is None, "no nights"),
        (
            item.nights is not None and not 1 <= item.nights <= 30,
            f"nights {item.nights} not in 1..30",
        ),
        (item.meal is None, f"unknown meal plan {item.meal_raw!r}"),
        (item.price is None, "no price"),
        (item.price is not None and item.price <= 0, f"price {item.price} <= 0"),
        (item.price is not None and item.price_base is None, f"unknown currency {item.currency!r}"),
        (
            item.price_base is not None and item.price_base > MAX_PRICE_BASE,
            f"absurd price {item.price} {item.currency}",
        ),
        (item.adults is None or not 1 <= item.adults <= 10, f"adults {item.adults} not in 1..10"),
        (item.children is None or not 0 <= item.children <= 10, "children not in 0..10"),
        (not item.room_type, "no room type"),
    ]
    return next((reason for failed, reason in checks if failed), None)


def reason_slug(reason: str) -> str:
    """A stable stats key for a reason: the words before any quoted or numeric detail."""
    words = []
    for word in reason.split():
        if any(ch.isdigit() for ch in word) or word[:1] in "'\"<":
            continue
        words.append(word.strip(".,:"))
    return "_".join(words).lower()


class ValidatePipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item: OfferItem) -> OfferItem:
        reason = drop_reason(item, date.today())
        if reason:
            self.stats.inc_value(DROP_STAT_PREFIX + reason_slug(reason))
            raise DropItem(reason)
        return item
