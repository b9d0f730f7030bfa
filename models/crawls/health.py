"""The admins' crawl health page: each operator's last runs, its offers' freshness, and
the hotel matches waiting for review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from models.catalog.hotels import Hotel, HotelAlias, HotelMatchReview, Operator, Resort
from models.catalog.offers import Offer
from models.catalog.operator_references import unmapped_values
from models.crawls.runs import CrawlRun

RUNS_PER_OPERATOR = 5
DROPPED_STAT_PREFIX = "tourscope/dropped/"


@dataclass(frozen=True)
class RunSummary:
    id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    items_scraped: int
    items_stored: int
    items_dropped: int
    offers_deactivated: int
    error_message: str | None
    # Each reason an item was dropped, with its count, most frequent first.
    drop_reasons: list[tuple[str, int]]


@dataclass(frozen=True)
class OfferFreshness:
    active_offers: int
    newest_seen_at: datetime | None
    oldest_seen_at: datetime | None


@dataclass(frozen=True)
class OperatorHealth:
    code: str
    name: str
    enabled: bool
    freshness: OfferFreshness
    runs: list[RunSummary] = field(default_factory=list)
    # A protocol operator's reference values with no Tourscope code: (kind, id, spelling).
    # Offers that need one are dropped with a counted reason until it is mapped.
    unmapped: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def last_run(self) -> RunSummary | None:
        return self.runs[0] if self.runs else None


@dataclass(frozen=True)
class AliasRow:
    """One operator's hotel on a canonical hotel, with that operator's offers there."""

    alias_id: int
    operator_name: str
    name: str  # the operator's own spelling
    code: str
    offers: int  # its operator's active offers on the hotel


@dataclass(frozen=True)
class HotelSide:
    hotel_id: int
    name: str
    stars: int | None
    resort: str
    # Every operator's hotel on it: confirming merges the two hotels whole, so the admin
    # sees all that would come together, not only the doubtful alias.
    aliases: list[AliasRow] = field(default_factory=list)

    @property
    def offers(self) -> int:
        return sum(alias.offers for alias in self.aliases)


@dataclass(frozen=True)
class PendingMatch:
    review_id: int
    score: float
    created_at: datetime
    operator_code: str
    operator_name: str
    alias_code: str
    alias_name: str
    current: HotelSide  # the hotel the alias was given for now
    candidate: HotelSide  # the hotel it may really be
    offers: int  # the alias's active offers, which a confirmation moves


def drop_reasons(stats: dict | None) -> list[tuple[str, int]]:
    """The `tourscope/dropped/<reason>` counts of a run's Scrapy stats."""
    reasons = [
        (key.removeprefix(DROPPED_STAT_PREFIX), int(value))
        for key, value in (stats or {}).items()
        if key.startswith(DROPPED_STAT_PREFIX) and isinstance(value, int | float)
    ]
    return sorted(reasons, key=lambda pair: (-pair[1], pair[0]))


def operator_health(
    session: Session, runs_per_operator: int = RUNS_PER_OPERATOR
) -> list[OperatorHealth]:
    """Every operator, by code, with its latest runs (newest first) and offer freshness."""
    ranked = select(
        CrawlRun,
        func.row_number()
        .over(
            partition_by=CrawlRun.operator_id,
            order_by=(CrawlRun.started_at.desc(), CrawlRun.id.desc()),
        )
        .label("position"),
    ).subquery()
    run = aliased(CrawlRun, ranked)
    runs_by_operator: dict[int, list[RunSummary]] = {}
    for row in session.scalars(
        select(run)
        .where(ranked.c.position <= runs_per_operator)
        .order_by(run.operator_id, ranked.c.position)
    ):
        runs_by_operator.setdefault(row.operator_id, []).append(
            RunSummary(
                id=row.id,
                status=row.status,
                started_at=row.started_at,
                finished_at=row.finished_at,
                items_scraped=row.items_scraped,
                items_stored=row.items_stored,
                items_dropped=row.items_dropped,
                offers_deactivated=row.offers_deactivated,
                error_message=row.error_message,
                drop_reasons=drop_reasons(row.stats),
            )
        )
    freshness = {
        operator_id: OfferFreshness(count, newest, oldest)
        for operator_id, count, newest, oldest in session.execute(
            select(
                Offer.operator_id,
                func.count(),
                func.max(Offer.last_seen_at),
                func.min(Offer.last_seen_at),
            )
            .where(Offer.is_active)
            .group_by(Offer.operator_id)
        )
    }
    unmapped = unmapped_values(session)
    return [
        OperatorHealth(
            code=operator.code,
            name=operator.name,
            enabled=operator.enabled,
            freshness=freshness.get(operator.id, OfferFreshness(0, None, None)),
            runs=runs_by_operator.get(operator.id, []),
            unmapped=unmapped.get(operator.id, []),
        )
        for operator in session.scalars(select(Operator).order_by(Operator.code))
    ]


def pending_matches(session: Session) -> list[PendingMatch]:
    """The doubtful hotel matches waiting for an admin, oldest first."""
    current_hotel, candidate_hotel = aliased(Hotel), aliased(Hotel)
    current_resort, candidate_resort = aliased(Resort), aliased(Resort)
    rows = session.execute(
        select(
            HotelMatchReview,
            HotelAlias,
            Operator,
            current_hotel,
            current_resort.name,
            candidate_hotel,
            candidate_resort.name,
        )
        .join(HotelAlias, HotelAlias.id == HotelMatchReview.alias_id)
        .join(Operator, Operator.id == HotelAlias.operator_id)
        .join(current_hotel, current_hotel.id == HotelAlias.hotel_id)
        .join(current_resort, current_resort.id == current_hotel.resort_id)
        .join(candidate_hotel, candidate_hotel.id == HotelMatchReview.candidate_hotel_id)
        .join(candidate_resort, candidate_resort.id == candidate_hotel.resort_id)
        .where(HotelMatchReview.status == "pending")
        .order_by(HotelMatchReview.created_at, HotelMatchReview.id)
    ).all()
    hotel_ids = {alias.hotel_id for _review, alias, *_rest in rows} | {
        review.candidate_hotel_id for review, *_rest in rows
    }
    offer_counts = offer_counts_of(session, hotel_ids)
    aliases = aliases_of(session, hotel_ids, offer_counts)

    def side(hotel: Hotel, resort: str) -> HotelSide:
        return HotelSide(hotel.id, hotel.name, hotel.stars, resort, aliases.get(hotel.id, []))

    return [
        PendingMatch(
            review_id=review.id,
            score=review.score,
            created_at=review.created_at,
            operator_code=operator.code,
            operator_name=operator.name,
            alias_code=alias.operator_hotel_code,
            alias_name=alias.operator_hotel_name,
            current=side(current, current_resort),
            candidate=side(candidate, candidate_resort),
            offers=offer_counts.get((alias.operator_id, alias.hotel_id), 0),
        )
        for review, alias, operator, current, current_resort, candidate, candidate_resort in rows
    ]


def offer_counts_of(session: Session, hotel_ids: set[int]) -> dict[tuple[int, int], int]:
    """Active offers by (operator id, hotel id)."""
    return {
        (operator_id, hotel_id): count
        for operator_id, hotel_id, count in session.execute(
            select(Offer.operator_id, Offer.hotel_id, func.count())
            .where(Offer.is_active, Offer.hotel_id.in_(hotel_ids))
            .group_by(Offer.operator_id, Offer.hotel_id)
        )
    }


def aliases_of(
    session: Session, hotel_ids: set[int], offer_counts: dict[tuple[int, int], int]
) -> dict[int, list[AliasRow]]:
    """Each hotel's aliases, by operator name then code."""
    aliases: dict[int, list[AliasRow]] = {}
    for alias, operator_name in session.execute(
        select(HotelAlias, Operator.name)
        .join(Operator, Operator.id == HotelAlias.operator_id)
        .where(HotelAlias.hotel_id.in_(hotel_ids))
        .order_by(Operator.name, HotelAlias.operator_hotel_code)
    ):
        aliases.setdefault(alias.hotel_id, []).append(
            AliasRow(
                alias.id,
                operator_name,
                alias.operator_hotel_name,
                alias.operator_hotel_code,
                offer_counts.get((alias.operator_id, alias.hotel_id), 0),
            )
        )
    return aliases
