"""Lead scoring: how much a trip calls for a personal manager, and why.

The rules and their thresholds live in one YAML file (tourscope/config/lead_scoring.yaml, or the
file named by TOURSCOPE_LEAD_SCORING_FILE); this module reads it and applies it. The same
`score_lead` scores a lead when it is stored, and an offer or a search shown on a page
(to invite high-value visitors to a manager), so the two never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from models.leads.extras import EXTRAS
from tourscope.foundation.settings import get_settings


class ScoringConfigError(ValueError):
    """The scoring file cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    # A misspelt key must be an error, not a rule silently left out.
    model_config = ConfigDict(extra="forbid", frozen=True)


class TotalPriceRule(_Strict):
    above_eur: Decimal = Field(gt=0)
    points: int = Field(ge=0)


class HotelRule(_Strict):
    min_stars: int = Field(ge=1, le=5)
    stars_points: int = Field(ge=0)
    premium_words: list[str] = []
    premium_points: int = Field(0, ge=0)


class PartyRule(_Strict):
    children_points: int = Field(ge=0)
    adults_above: int = Field(ge=1)
    adults_points: int = Field(ge=0)


class LongStayRule(_Strict):
    min_nights: int = Field(ge=1, le=30)
    points: int = Field(ge=0)


class Extra(_Strict):
    """A service the visitor may ask for on the lead form (a checkbox)."""

    label: str = Field(min_length=1, max_length=100)
    points: int = Field(ge=0)


class ScoringRules(_Strict):
    """The whole rule set, as read from the YAML file."""

    high_value: int = Field(ge=1)
    total_price: TotalPriceRule
    hotel: HotelRule
    party: PartyRule
    long_stay: LongStayRule
    extras: dict[str, Extra] = {}

    @field_validator("extras")
    @classmethod
    def extras_of_the_one_vocabulary(cls, value: dict[str, Extra]) -> dict[str, Extra]:
        # The trip form books the same extras: a code it does not know would be lost
        # between the lead and the trip (models/leads/extras.py).
        unknown = [code for code in value if code not in EXTRAS]
        if unknown:
            raise ValueError(
                f"unknown extra {unknown[0]!r}; the extras are those of models/leads/extras.py: "
                + ", ".join(EXTRAS)
            )
        return value


@dataclass(frozen=True, slots=True)
class TripFacts:
    """What is known of a trip when it is scored; anything unknown is None (or empty)."""

    total_eur: Decimal | None = None  # the whole party's all-in price, in EUR
    stars: int | None = None
    hotel_name: str | None = None
    adults: int | None = None
    children: int = 0  # every child, infants included
    nights: int | None = None
    extras: tuple[str, ...] = ()  # codes of `ScoringRules.extras`


@dataclass(frozen=True, slots=True)
class LeadScore:
    score: int
    reasons: list[str] = field(default_factory=list)
    high_value: bool = False


def load_rules(path: Path) -> ScoringRules:
    """The validated rules in `path`; ScoringConfigError with a readable reason."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ScoringConfigError(f"{path}: cannot read the file: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ScoringConfigError(f"{path}: not valid YAML: {error}") from None
    try:
        return ScoringRules.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or '(top level)'}: {e['msg']}"
            for e in error.errors()
        )
        raise ScoringConfigError(f"{path}: {problems}") from None


@cache
def _rules_at(path: Path) -> ScoringRules:
    return load_rules(path)


def scoring_rules() -> ScoringRules:
    """The configured rules (read once per file)."""
    return _rules_at(get_settings().lead_scoring_file)


def score_lead(facts: TripFacts, rules: ScoringRules | None = None) -> LeadScore:
    """The trip's score, the reason for each rule it meets, and whether it is high value."""
    rules = rules or scoring_rules()
    score = 0
    reasons: list[str] = []

    def earn(points: int, reason: str) -> None:
        nonlocal score
        if points:
            score += points
            reasons.append(reason)

    price = rules.total_price
    if facts.total_eur is not None and facts.total_eur > price.above_eur:
        earn(price.points, f"total > {price.above_eur:,.0f} EUR")

    hotel = rules.hotel
    if facts.stars is not None and facts.stars >= hotel.min_stars:
        earn(hotel.stars_points, f"{facts.stars}* hotel")
    elif facts.hotel_name and _premium(facts.hotel_name, hotel.premium_words):
        earn(hotel.premium_points, "premium hotel")

    party = rules.party
    adults = facts.adults or 0
    if facts.children > 0:
        earn(party.children_points, f"family of {adults + facts.children}")
    if adults > party.adults_above:
        earn(party.adults_points, f"{adults} adults")

    stay = rules.long_stay
    if facts.nights is not None and facts.nights >= stay.min_nights:
        earn(stay.points, f"long stay ({facts.nights} nights)")

    for code in dict.fromkeys(facts.extras):  # each extra once, in the order asked
        extra = rules.extras.get(code)
        if extra is not None:
            earn(extra.points, f"wants: {extra.label[0].lower()}{extra.label[1:]}")

    return LeadScore(score=score, reasons=reasons, high_value=score >= rules.high_value)


def _premium(name: str, words: list[str]) -> bool:
    tokens = set(re.findall(r"\w+", name.casefold()))
    return any(word.casefold() in tokens for word in words)
