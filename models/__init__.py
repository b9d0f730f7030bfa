"""Tourscope's data model: typed SQLAlchemy 2.0 models, the database setup and query functions."""

from models.accounts.users import LoginFailure, User, UserRole, UserSession
from models.alerts.records import PriceAlert
from models.base import Base
from models.care.clients import Client, ClientChild, ClientContact, ClientPreference
from models.care.trips import Feedback, LetterTemplate, Trip, TripLetter
from models.catalog.exchange_rates import ExchangeRate
from models.catalog.generation import CatalogueGeneration
from models.catalog.hotels import (
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
from models.catalog.offers import (
    Availability,
    HotelDayPrice,
    MealPlan,
    Offer,
    PriceChange,
    StagedOffer,
)
from models.catalog.operator_references import OperatorReference
from models.crawls.runs import CrawlRun, CrawlStatus
from models.leads.records import Lead, LeadEvent, LeadStatus, OutboxMessage, RecheckJob

# Registers the hook that keeps the hotels' day prices in step with offers written through
# the ORM (models/catalog/min_prices.py), in every process that uses the models.
import models.catalog.min_prices  # noqa: F401  isort: skip

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
