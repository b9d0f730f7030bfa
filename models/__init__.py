"""Tourscope's data model: typed SQLAlchemy 2.0 models, the database setup and query functions."""

from models.base import Base
from models.catalog import (
    Country,
    DepartureCity,
    Hotel,
    HotelAlias,
    HotelMatchReview,
    HotelMerge,
    Operator,
    OperatorHotelContent,
    Resort,
)
from models.catalogue_generation import CatalogueGeneration
from models.clients import Client, ClientChild, ClientContact, ClientPreference
from models.crawl import CrawlRun, CrawlStatus
from models.exchange_rates import ExchangeRate
from models.leads import Lead, LeadEvent, LeadStatus, OutboxMessage, RecheckJob
from models.offers import (
    Availability,
    HotelDayPrice,
    MealPlan,
    Offer,
    PriceChange,
    StagedOffer,
)
from models.operator_references import OperatorReference
from models.price_alerts import PriceAlert
from models.trips import Feedback, LetterTemplate, Trip, TripLetter
from models.users import LoginFailure, User, UserRole, UserSession

# Registers the hook that keeps the hotels' day prices in step with offers written through
# the ORM (models/min_prices.py), in every process that uses the models.
import models.min_prices  # noqa: F401  isort: skip

__all__ = [
    "Availability",
    "Base",
    "CatalogueGeneration",
    "Client",
    "ClientChild",
    "ClientContact",
    "ClientPreference",
    "Country",
    "CrawlRun",
    "CrawlStatus",
    "DepartureCity",
    "ExchangeRate",
    "Feedback",
    "Hotel",
    "HotelAlias",
    "HotelDayPrice",
    "HotelMatchReview",
    "HotelMerge",
    "Lead",
    "LeadEvent",
    "LeadStatus",
    "LetterTemplate",
    "LoginFailure",
    "MealPlan",
    "Offer",
    "Operator",
    "OperatorHotelContent",
    "OperatorReference",
    "OutboxMessage",
    "PriceAlert",
    "PriceChange",
    "RecheckJob",
    "Resort",
    "StagedOffer",
    "Trip",
    "TripLetter",
    "User",
    "UserRole",
    "UserSession",
]
