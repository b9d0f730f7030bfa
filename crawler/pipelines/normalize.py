"""Normalize raw operator spellings into our codes, keeping the raw values beside them."""

from crawler.items import OfferBatch, OfferItem
from crawler.parsing.currency import to_base
from crawler.parsing.geo import country_code, departure_city_code
from crawler.parsing.meals import normalize_meal
from crawler.parsing.tidy_names import clean_hotel_name, tidy
from models.catalog.currency import Rates
from models.catalog.exchange_rates import current_rates
from models.db import session_scope
from tourscope.foundation.settings import get_settings


class NormalizePipeline:
    """Our codes beside the operator's spellings; prices converted to the base currency
    with the exchange rates in use when the crawl began (models/catalog/exchange_rates.py)."""

    def __init__(self, base_currency: str, rates: Rates):
        self.base_currency = base_currency.upper()
        self.rates = rates

    @classmethod
    def from_crawler(cls, crawler):
        with session_scope() as session:
            rates = current_rates(session)
        return cls(get_settings().base_currency, rates)

    def process_item(self, batch):
        if not isinstance(batch, OfferBatch):  # reference lists pass through
            return batch
        for offer in batch.offers:
            self.normalize(offer)
        return batch

    def normalize(self, item: OfferItem) -> None:
        # A spider that knows the operator's meal words has set the code already.
        item.meal = item.meal or normalize_meal(item.meal_raw)
        # A protocol spider maps countries through the operator's references itself.
        item.country_code = item.country_code or country_code(item.country)
        item.departure_city_code = (
            item.departure_city_code.upper()
            if item.departure_city_code
            else departure_city_code(item.departure_city)
        )
        if item.hotel_name:
            item.hotel_name_clean, stars_in_name = clean_hotel_name(item.hotel_name)
            if item.hotel_name_clean.isupper():  # "AZURE WAVES HOTEL" would become canonical
                item.hotel_name_clean = item.hotel_name_clean.title()
            item.hotel_stars = item.hotel_stars or stars_in_name
        if item.room_type:
            item.room_type = tidy(item.room_type)
        if item.resort:
            item.resort = tidy(item.resort)
        if item.currency:
            item.currency = item.currency.upper()
        if item.price is not None and item.currency:
            item.price_base = to_base(item.price, item.currency, self.base_currency, self.rates)
