"""What every operator spider shares: who the operator is, how raw fields become an item,
and when to ask the operator about a hotel's content."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

import scrapy
from scrapy import signals
from scrapy.http import Response
from sqlalchemy.exc import SQLAlchemyError
from twisted.python.failure import Failure

from crawler.content_schedule import ContentSchedule
from crawler.crawlstats import CONTENT_PREFIX
from crawler.items import HotelContentItem, OfferItem
from crawler.parsing.dates import DEFAULT_FORMATS, parse_date
from crawler.parsing.numbers import parse_int, parse_stars
from crawler.parsing.prices import NumberFormat, parse_amount, parse_currency
from crawler.redaction import redact
from models.catalog.hotel_content import content_checked_at
from models.db import get_sessionmaker
from tourscope.foundation.settings import get_settings


class OperatorSpider(scrapy.Spider):
    """Base of every operator spider. `name` is the operator's code in the catalogue."""

    operator_name: ClassVar[str]
    # Path of the operator's site inside the sandbox; a real operator sets `base_url`.
    sandbox_path: ClassVar[str] = ""
    base_url: ClassVar[str | None] = None
    date_formats: ClassVar[tuple[str, ...]] = DEFAULT_FORMATS
    default_currency: ClassVar[str | None] = None
    # The separators of the operator's prices when it declares them; None: read any.
    number_format: ClassVar[NumberFormat | None] = None
    # Minutes between scheduled crawls, when this operator needs its own rhythm.
    crawl_interval_minutes: ClassVar[float | None] = None
    # False when the operator quotes fuel and other surcharges apart from the price.
    surcharge_included: ClassVar[bool] = True
    # The operator's availability words -> available / on_request / stop_sale / sold_out.
    availability_map: ClassVar[dict[str, str]] = {}
    # The operator's own page for one offer (its deep link), read in single-offer mode
    # (`offer_url` spider argument, crawler/recheck.py): a CSS selector of the price text
    # there and, when the page states it, of the availability word.
    offer_page_price: ClassVar[str | None] = None
    offer_page_availability: ClassVar[str | None] = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.read_content_freshness, signal=signals.spider_opened)
        return spider

    @property
    def operator_url(self) -> str:
        return self.base_url or self.settings.get("TOURSCOPE_SANDBOX_URL") + self.sandbox_path

    # -- hotel content ------------------------------------------------------------------
    # A base class that reads hotels' content (a hotel page, a protocol's hotel call, fields
    # of the listing) asks `wants_hotel_content` first and yields `hotel_content_item`s;
    # the hotel-content pipeline validates them and the store keeps them.

    def read_content_freshness(self, spider=None) -> None:
        """At the crawl's start: which hotels' content this operator gave recently."""
        try:
            with get_sessionmaker()() as session:
                checked = content_checked_at(session, self.name)
        except SQLAlchemyError as error:
            self.logger.warning("Could not read which hotels' content is fresh: %s", error)
            checked = {}
        self._content_schedule = ContentSchedule(
            checked,
            timedelta(days=get_settings().hotel_content_max_age_days),
            self.hotel_content_budget(),
            self.crawler.stats,
        )

    @classmethod
    def hotel_content_budget(cls) -> int | None:
        """Extra requests a crawl may send for hotel content (hotel pages and the like)."""
        return get_settings().hotel_content_requests

    @property
    def content_schedule(self) -> ContentSchedule:
        if getattr(self, "_content_schedule", None) is None:  # not crawling: knows nothing
            self._content_schedule = ContentSchedule(
                {}, timedelta(0), self.hotel_content_budget(), self.crawler.stats
            )
        return self._content_schedule

    def wants_hotel_content(self, hotel_code: Any, *, costs_request: bool = True) -> bool:
        """Whether to read this hotel's content now: new or stale, within the budget."""
        code = str(hotel_code).strip() if hotel_code is not None else ""
        return bool(code) and self.content_schedule.wants(code, costs_request=costs_request)

    def hotel_content_item(self, hotel_code: Any, page_url: str, **raw: Any) -> HotelContentItem:
        photos = raw.pop("photos", None) or []
        return HotelContentItem(
            operator=self.name,
            hotel_code=str(hotel_code).strip(),
            page_url=page_url,
            photos=list(photos) if isinstance(photos, list | tuple) else [photos],
            **{key: value for key, value in raw.items() if value is not None},
        )

    def hotel_content_failed(self, failure: Failure) -> None:
        """A hotel-content request that failed: the hotel is asked again next crawl. Content
        is extra, so this is a warning, not an error that would fail the crawl."""
        self.crawler.stats.inc_value(CONTENT_PREFIX + "failed")
        self.logger.warning(
            "Hotel content request %s failed: %s",
            redact(failure.request.url),
            failure.getErrorMessage(),
        )

    def read_offer_page(self, response: Response) -> tuple[str | None, str | None]:
        """The raw price text and availability word on the operator's page for one offer."""
        if self.offer_page_price is None:
            raise NotImplementedError(f"{self.name} does not say how to read its offer pages")
        price = response.css(self.offer_page_price).get()
        availability = (
            response.css(self.offer_page_availability).get()
            if self.offer_page_availability
            else None
        )
        return (" ".join(price.split()) if price else None), (
            availability.strip() if availability else None
        )

    def make_offer(self, raw: Mapping[str, Any], url: str) -> OfferItem:
        """An OfferItem from the operator's raw strings, read with the shared parsing helpers."""
        text = _texts(raw)
        price_text = text["price"]
        price = parse_amount(price_text, self.number_format)
        surcharge = parse_amount(text["surcharge"], self.number_format)
        if price is not None and surcharge and not self.surcharge_included:
            price += surcharge
        availability = text["availability"]
        return OfferItem(
            operator=self.name,
            offer_key=text["offer_key"] or "",
            url=url,
            hotel_code=text["hotel_code"],
            hotel_name=text["hotel_name"],
            hotel_stars=parse_stars(text["hotel_stars"]),
            country=text["country"],
            resort=text["resort"],
            departure_city=text["departure_city"],
            departure_city_code=text["departure_city_code"],
            departure_date=parse_date(text["departure_date"], self.date_formats),
            nights=parse_int(text["nights"]),
            meal_raw=text["meal"],
            room_type=text["room_type"],
            adults=parse_int(text["adults"]),
            children=parse_int(text["children"]) or 0,
            price=price,
            currency=parse_currency(text["currency"] or price_text, self.default_currency),
            surcharge=surcharge,
            availability=self.availability_map.get(availability, "available")
            if availability
            else "available",
        )


# The raw fields `make_offer` reads: the declarative spiders' YAML `fields` name exactly these.
RAW_OFFER_FIELDS = (
    "offer_key",
    "hotel_code",
    "hotel_name",
    "hotel_stars",
    "country",
    "resort",
    "departure_city",
    "departure_city_code",
    "departure_date",
    "nights",
    "meal",
    "room_type",
    "adults",
    "children",
    "price",
    "currency",
    "surcharge",
    "availability",
)


def _texts(raw: Mapping[str, Any]) -> dict[str, str | None]:
    """Each raw field as a tidy string (trimmed, inner runs of spaces made one), None when
    blank or missing. One pass per offer, as a crawl reads hundreds of thousands."""
    texts: dict[str, str | None] = {}
    for key in RAW_OFFER_FIELDS:
        value = raw.get(key)
        if value is not None:
            value = str(value).strip()
            if "  " in value or "\n" in value or "\t" in value:  # rare: skip the work otherwise
                value = " ".join(value.split())
        texts[key] = value or None
    return texts
