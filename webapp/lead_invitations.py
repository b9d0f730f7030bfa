"""Invitations to a personal manager on the search and hotel pages.

Each search, hotel result and offer is scored with the lead-scoring rules
(models/leads/scoring.py), so the page can invite high-value visitors to a personal
manager; every offer gets a plain "request this tour" link to the lead form as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from models.catalog.currency import Rates
from models.catalog.hotel_page import HotelOffers
from models.catalog.search import SearchPage
from models.catalog.search_filters import SearchFilters
from models.leads.scoring import TripFacts, score_lead


@dataclass(frozen=True, slots=True)
class Invitation:
    """A link to the lead form, and whether the trip calls for a personal manager."""

    url: str
    high_value: bool
    reasons: tuple[str, ...] = ()


def search_pairs(filters: SearchFilters) -> list[tuple[str, str]]:
    return [(name, value) for name, value in filters.query_params() if name not in {"page", "sort"}]


def lead_url(filters: SearchFilters, offer_id: int | None = None) -> str:
    pairs = ([("offer_id", str(offer_id))] if offer_id is not None else []) + search_pairs(filters)
    return "/leads/new" + (f"?{urlencode(pairs)}" if pairs else "")


def search_facts(filters: SearchFilters, rates: Rates) -> TripFacts:
    """What a search says of the trip: the party, the stars, the nights, the budget floor
    (in euros, as the lead-scoring rules count)."""
    floor = None
    if filters.price_min is not None:
        floor = rates.convert(filters.price_min, filters.currency, "EUR")
    return TripFacts(
        total_eur=floor,
        stars=filters.stars_min,
        adults=filters.adults,
        children=len(filters.children_ages),
        nights=filters.nights_min,
    )


def search_invitation(filters: SearchFilters, rates: Rates) -> Invitation:
    """The search page's invitation to a manager: high value when the search scores high."""
    score = score_lead(search_facts(filters, rates))
    return Invitation(lead_url(filters), score.high_value, tuple(score.reasons))


def hotel_result_invitations(filters: SearchFilters, results: SearchPage) -> dict[int, Invitation]:
    """For each hotel of a results page, by hotel id: the lead form for its cheapest offer."""
    invitations = {}
    for hotel in results.hotels:
        score = score_lead(
            TripFacts(
                total_eur=results.rates.convert(hotel.min_price, hotel.currency, "EUR"),
                stars=hotel.stars,
                hotel_name=hotel.hotel_name,
                adults=filters.adults,
                children=len(filters.children_ages),
                nights=hotel.nights,
            )
        )
        invitations[hotel.hotel_id] = Invitation(
            lead_url(filters, hotel.offer_id), score.high_value, tuple(score.reasons)
        )
    return invitations


def hotel_offer_invitations(filters: SearchFilters, result: HotelOffers) -> dict[int, Invitation]:
    """For each offer of a hotel page, by offer id: its "request this tour" link, and
    whether it calls for a personal manager."""
    invitations = {}
    for offer in result.offers:
        score = score_lead(
            TripFacts(
                total_eur=result.rates.convert(offer.price, result.currency, "EUR"),
                stars=result.hotel.stars,
                hotel_name=result.hotel.name,
                adults=offer.adults,
                children=offer.children + filters.infants,
                nights=offer.nights,
            )
        )
        invitations[offer.offer_id] = Invitation(
            lead_url(filters, offer.offer_id), score.high_value, tuple(score.reasons)
        )
    return invitations
