"""Link each operator's hotel to one canonical hotel.

An operator's hotel is known by its alias (operator + the operator's hotel code). A new
alias is compared with the canonical hotels of the same resort (and so country): names
reduced to their identifying core (crawler/parsing/hotel_names.py) are scored with
rapidfuzz, and the stars must agree. A confident, unambiguous match links the alias; a
doubtful one creates a new canonical hotel and records the candidate for an admin to
confirm or split; no candidate at all creates a new canonical hotel.
"""

from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.parsing.hotel_names import core_name, full_name
from models import Hotel, HotelAlias, HotelMatchReview
from models.base import utcnow

ACCEPT_SCORE = 90.0  # core names this close are the same hotel...
ACCEPT_MARGIN = 6.0  # ...when no other hotel of the resort comes as close
REVIEW_SCORE = 75.0  # below this, a different hotel without doubt


@dataclass(frozen=True)
class MatchDecision:
    hotel_id: int | None  # the canonical hotel to link to, None to create one
    score: float
    review_candidate: int | None = None  # a doubtful candidate an admin should look at


@dataclass
class _Candidate:
    hotel_id: int
    core: str
    full: str
    stars: int | None


@dataclass
class HotelIndex:
    """Canonical hotels by resort, with their names reduced for comparison."""

    by_resort: dict[int, list[_Candidate]] = field(default_factory=dict)

    def add(self, hotel_id: int, resort_id: int, name: str, stars: int | None) -> None:
        candidate = _Candidate(hotel_id, core_name(name), full_name(name), stars)
        self.by_resort.setdefault(resort_id, []).append(candidate)

    def match(self, name: str, stars: int | None, resort_id: int) -> MatchDecision:
        core, full = core_name(name), full_name(name)
        scored = []
        for candidate in self.by_resort.get(resort_id, []):
            if stars and candidate.stars and abs(stars - candidate.stars) > 1:
                continue
            score = max(
                fuzz.ratio(core, candidate.core),
                fuzz.token_sort_ratio(full, candidate.full) - 5,
            )
            if stars and candidate.stars and stars != candidate.stars:
                score -= 10  # a star apart: possible (re-rated hotel), but doubtful
            scored.append((score, candidate.hotel_id))
        if not scored:
            return MatchDecision(None, 0.0)
        scored.sort(reverse=True)
        best_score, best_id = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if best_score >= ACCEPT_SCORE and best_score - runner_up >= ACCEPT_MARGIN:
            return MatchDecision(best_id, best_score)
        if best_score >= REVIEW_SCORE:
            return MatchDecision(None, best_score, review_candidate=best_id)
        return MatchDecision(None, best_score)


class HotelMatcher:
    """Resolves (operator, hotel code) to a canonical hotel id, caching what it has seen."""

    def __init__(self, session: Session, operator_id: int):
        self.session = session
        self.operator_id = operator_id
        self.aliases: dict[str, int] = dict(
            session.execute(
                select(HotelAlias.operator_hotel_code, HotelAlias.hotel_id).where(
                    HotelAlias.operator_id == operator_id
                )
            ).all()
        )
        self.index = HotelIndex()
        self.stars: dict[int, int | None] = {}  # canonical stars of every indexed hotel
        self._load(select(Hotel.id, Hotel.resort_id, Hotel.name, Hotel.stars))

    def _load(self, query) -> None:
        for hotel_id, resort_id, name, stars in self.session.execute(query):
            if hotel_id not in self.stars:
                self.stars[hotel_id] = stars
                self.index.add(hotel_id, resort_id, name, stars)

    def _refresh_resort(self, resort_id: int) -> None:
        """Index hotels other crawls created in this resort since this one started."""
        self._load(
            select(Hotel.id, Hotel.resort_id, Hotel.name, Hotel.stars).where(
                Hotel.resort_id == resort_id
            )
        )

    def hotel_id(
        self, code: str, raw_name: str, clean_name: str, stars: int | None, resort_id: int
    ) -> int:
        if code in self.aliases:
            return self.aliases[code]
        decision = self.index.match(clean_name, stars, resort_id)
        if decision.hotel_id is None:
            # Before creating a hotel, see whether another crawl just did.
            self._refresh_resort(resort_id)
            decision = self.index.match(clean_name, stars, resort_id)
        hotel_id = decision.hotel_id
        if hotel_id is None:
            hotel = Hotel(name=clean_name, stars=stars, resort_id=resort_id)
            self.session.add(hotel)
            self.session.flush()
            hotel_id = hotel.id
            self.stars[hotel_id] = stars
            self.index.add(hotel_id, resort_id, clean_name, stars)
        alias = HotelAlias(
            operator_id=self.operator_id,
            hotel_id=hotel_id,
            operator_hotel_code=code,
            operator_hotel_name=raw_name,
            match_score=round(decision.score, 1),
        )
        self.session.add(alias)
        if decision.review_candidate is not None:
            self.session.flush()  # the alias needs its id
            self.session.add(
                HotelMatchReview(
                    alias_id=alias.id,
                    candidate_hotel_id=decision.review_candidate,
                    score=round(decision.score, 1),
                    created_at=utcnow(),
                )
            )
        self.session.flush()  # committed with the batch (crawler/pipelines/store.py)
        self.aliases[code] = hotel_id
        return hotel_id
