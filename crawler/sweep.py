"""Sweep planning for operators reached through a search API, not a bulk feed.

A search API answers one question at a time (from this city, to this country, departing
in this window, for so many nights, for this party). A sweep is the set of questions
that covers what the agency sells, planned inside the protocol's documented limits (the
longest date window, the widest nights range) and the account's request budget.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Party(BaseModel):
    model_config = ConfigDict(extra="forbid")

    adults: int = Field(2, ge=1, le=6)
    children_ages: list[int] = Field(default_factory=list, max_length=3)

    @field_validator("children_ages")
    @classmethod
    def child_ages(cls, ages: list[int]) -> list[int]:
        if any(not 0 <= age <= 17 for age in ages):
            raise ValueError("children's ages must be 0..17")
        return ages


class SweepConfig(BaseModel):
    """What an operator account's crawl asks: in Tourscope's own codes."""

    model_config = ConfigDict(extra="forbid")

    departures: list[str] = Field(min_length=1)  # IATA city codes: MOW, LED...
    countries: list[str] = Field(min_length=1)  # ISO 3166 codes: TR, EG...
    # Departure dates from `days_ahead[0]` to `days_ahead[1]` days after today.
    days_ahead: tuple[int, int] = (3, 45)
    nights: tuple[int, int] = (6, 14)
    parties: list[Party] = Field(default_factory=lambda: [Party()], min_length=1)
    # At most this many requests a crawl; a plan over budget is refused, not cut.
    max_requests: int = Field(2000, ge=1)

    @model_validator(mode="after")
    def ranges_in_order(self) -> "SweepConfig":
        first, last = self.days_ahead
        if not 0 <= first <= last <= 400:
            raise ValueError("days_ahead must be two numbers 0 <= from <= to <= 400")
        low, high = self.nights
        if not 1 <= low <= high <= 30:
            raise ValueError("nights must be two numbers 1 <= from <= to <= 30")
        return self


@dataclass(frozen=True)
class ProtocolLimits:
    """What a protocol's documentation allows one search to ask, and how often."""

    max_window_days: int | None = None  # the longest span from the first to the last date
    max_nights_span: int | None = None  # nights_max - nights_min at most
    requests_per_minute: int | None = None  # a hard cap, whatever AutoThrottle says


@dataclass(frozen=True)
class SearchQuery:
    departure: str
    country: str
    date_from: date
    date_to: date
    nights_min: int
    nights_max: int
    adults: int
    children_ages: tuple[int, ...] = ()

    def describe(self) -> str:
        party = f"{self.adults} ad." + (
            f" + children {','.join(map(str, self.children_ages))}" if self.children_ages else ""
        )
        return (
            f"{self.departure}->{self.country} {self.date_from:%d.%m}-{self.date_to:%d.%m} "
            f"{self.nights_min}-{self.nights_max} n. {party}"
        )


def split_span(first: int, last: int, widest: int | None) -> list[tuple[int, int]]:
    """[first, last] cut into consecutive spans whose last - first is at most `widest`."""
    if widest is None:
        return [(first, last)]
    spans, start = [], first
    while start <= last:
        end = min(last, start + widest)
        spans.append((start, end))
        start = end + 1
    return spans


def plan_queries(sweep: SweepConfig, limits: ProtocolLimits, today: date) -> list[SearchQuery]:
    """Every query of the sweep, each inside the protocol's limits."""
    windows = split_span(*sweep.days_ahead, limits.max_window_days)
    nights = split_span(*sweep.nights, limits.max_nights_span)
    return [
        SearchQuery(
            departure=departure,
            country=country,
            date_from=today + timedelta(days=first),
            date_to=today + timedelta(days=last),
            nights_min=low,
            nights_max=high,
            adults=party.adults,
            children_ages=tuple(party.children_ages),
        )
        for departure in sweep.departures
        for country in sweep.countries
        for party in sweep.parties
        for first, last in windows
        for low, high in nights
    ]


@dataclass(frozen=True)
class SweepPlan:
    queries: list[SearchQuery]
    reference_requests: int
    requests_per_query: int  # an estimate for protocols that poll or page
    budget: int

    @property
    def request_count(self) -> int:
        return self.reference_requests + len(self.queries) * self.requests_per_query

    @property
    def over_budget(self) -> bool:
        return self.request_count > self.budget

    def minutes_at_least(self, limits: ProtocolLimits) -> float:
        """The shortest time the plan can take under the protocol's per-minute cap."""
        if not limits.requests_per_minute:
            return 0.0
        return max(0.0, (self.request_count - limits.requests_per_minute)) / (
            limits.requests_per_minute
        )
