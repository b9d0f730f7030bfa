"""The write path of a crawl: stage offers, then merge them into the catalogue or discard them."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.offers import Offer, StagedOffer

# Columns a crawl refreshes on an existing offer (first_seen_at stays as it was).
MERGED_COLUMNS = [
    "hotel_id",
    "departure_city_id",
    "departure_date",
    "nights",
    "meal",
    "room_type",
    "adults",
    "children",
    "price",
    "surcharge",
    "currency",
    "price_base",
    "availability",
    "url",
]


def stage_offers(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Append a batch of offers (dicts of StagedOffer columns) to the staging table."""
    if rows:
        session.execute(insert(StagedOffer), list(rows))


def merge_staged_offers(session: Session, crawl_run_id: int, seen_at: datetime) -> int:
    """Upsert the run's staged offers into `offers` on (operator, key); returns rows merged."""
    last_row_per_key = (
        select(func.max(StagedOffer.id))
        .where(StagedOffer.crawl_run_id == crawl_run_id)
        .group_by(StagedOffer.offer_key)
    )
    staged = select(
        StagedOffer.operator_id,
        StagedOffer.offer_key,
        *[getattr(StagedOffer, column) for column in MERGED_COLUMNS],
        _literal(seen_at, Offer.first_seen_at),
        _literal(seen_at, Offer.last_seen_at),
        _literal(crawl_run_id, Offer.last_crawl_run_id),
        _literal(True, Offer.is_active),
    ).where(StagedOffer.id.in_(last_row_per_key))
    columns = ["operator_id", "offer_key", *MERGED_COLUMNS]
    columns += ["first_seen_at", "last_seen_at", "last_crawl_run_id", "is_active"]
    dialect_insert = (
        postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    )
    statement = dialect_insert(Offer).from_select(columns, staged)
    refreshed = [*MERGED_COLUMNS, "last_seen_at", "last_crawl_run_id", "is_active"]
    statement = statement.on_conflict_do_update(
        index_elements=["operator_id", "offer_key"],
        set_={column: statement.excluded[column] for column in refreshed},
    )
    session.execute(statement)
    # rowcount of INSERT ... SELECT is not reported by every driver; count what the run touched.
    return session.scalar(
        select(func.count()).select_from(Offer).where(Offer.last_crawl_run_id == crawl_run_id)
    )


def deactivate_unseen_offers(session: Session, operator_id: int, crawl_run_id: int) -> int:
    """Mark the operator's offers that this (successful) run did not see as inactive."""
    result = session.execute(
        update(Offer)
        .where(
            Offer.operator_id == operator_id,
            Offer.is_active.is_(True),
            (Offer.last_crawl_run_id.is_(None)) | (Offer.last_crawl_run_id != crawl_run_id),
        )
        .values(is_active=False)
    )
    return result.rowcount


def discard_staged_offers(session: Session, crawl_run_id: int) -> None:
    session.execute(delete(StagedOffer).where(StagedOffer.crawl_run_id == crawl_run_id))


def _literal(value, column):
    # Typed, so UTC datetimes go through UTCDateTime on every database.
    return literal(value, column.type)
