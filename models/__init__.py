"""Tourscope's data model: typed SQLAlchemy 2.0 models, the database setup and query functions."""

from models.base import Base
from models.catalog import (
    Country,
    DepartureCity,
    Hotel,
    HotelAlias,
    HotelMatchReview,
    Operator,
    Resort,
)
from models.crawl import CrawlRun, CrawlStatus
from models.offers import Availability, MealPlan, Offer, PriceChange, StagedOffer

__all__ = [
    "Availability",
    "Base",
    "Country",
    "CrawlRun",
    "CrawlStatus",
    "DepartureCity",
    "Hotel",
    "HotelAlias",
    "HotelMatchReview",
    "MealPlan",
    "Offer",
    "Operator",
    "PriceChange",
    "Resort",
    "StagedOffer",
]
