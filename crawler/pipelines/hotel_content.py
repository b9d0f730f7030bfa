"""Keep the hotel content an operator gave that can be shown; log and count the rest.

Validation at the edge: a description becomes plain text (markup removed, counted), bad
coordinates (out of range, 0, 0, one of the two missing, not a number), photo addresses
that are not http(s) and phones that are not numbers are dropped, each with its reason in
the crawl's log and stats (`tourscope/hotel_content/rejected/<reason>`). Only the field is
dropped: the rest of what the operator said of the hotel is kept.
"""

import logging

from crawler.crawlstats import CONTENT_PREFIX, CONTENT_REJECTED_PREFIX
from crawler.items import HotelContentItem
from crawler.parsing.hotel_content import (
    MAX_PHOTOS,
    Rejected,
    has_markup,
    read_address,
    read_description,
    read_location,
    read_phone,
    read_photo_url,
)

logger = logging.getLogger(__name__)


class HotelContentPipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if not isinstance(item, HotelContentItem):  # offers and reference lists pass through
            return item
        self.stats.inc_value(CONTENT_PREFIX + "read")
        raw_description = item.description
        item.description = self.checked(item, "description", read_description, raw_description)
        if item.description is not None and has_markup(raw_description or ""):
            self.stats.inc_value(CONTENT_PREFIX + "markup_removed")
            logger.debug(
                "Hotel %s of %s: description given as HTML, kept as text",
                item.hotel_code,
                item.operator,
            )
        location = self.checked(item, "coordinates", read_location, item.latitude, item.longitude)
        item.latitude, item.longitude = location if location else (None, None)
        photos: list[str] = []
        for raw in item.photos:
            url = self.checked(item, "photo", read_photo_url, raw, item.page_url)
            if url is not None and url not in photos:
                photos.append(url)
        item.photos = photos[:MAX_PHOTOS]
        item.address = self.checked(item, "address", read_address, item.address)
        item.phone = self.checked(item, "phone", read_phone, item.phone)
        return item

    def checked(self, item: HotelContentItem, what: str, reader, *raw):
        """The reader's value, or None (logged and counted) when it rejects the raw one."""
        try:
            return reader(*raw)
        except Rejected as rejected:
            self.stats.inc_value(CONTENT_REJECTED_PREFIX + rejected.slug)
            logger.info(
                "Dropped the %s of hotel %s of %s: %s",
                what,
                item.hotel_code,
                item.operator,
                rejected.message,
            )
            return None
