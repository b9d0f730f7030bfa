"""The write path of a crawl: stage offers, then merge them into the catalogue or discard them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, text, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.catalog.min_prices import hotels_on_sale_at, refresh_min_prices
from models.catalog.offers import Offer, PriceChange, StagedOffer
from models.crawls.runs import CrawlRun, CrawlStatus

# Columns a crawl refreshes on an existing offer (first_seen_at stays as it was).
MERGED_COLUMNS = [
    "hotel_id",
    "country_id",
    "resort_id",
    "stars",
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


STAGED_COLUMNS = [
    "crawl_run_id",
    "operator_id",
    "offer_key",
    *MERGED_COLUMNS,
]


def stage_offers(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Append a batch of offers (dicts of StagedOffer columns) to the staging table.

    On PostgreSQL the batch goes in with COPY, the fastest way in; elsewhere with one
    multi-row INSERT.
    """
    if not rows:
        return
    if session.bind.dialect.name != "postgresql":
        session.execute(insert(StagedOffer), list(rows))
        return
    connection = session.connection()
    # Staged rows are expendable until the merge (a crash loses the run, not the catalogue),
    # so their commits need not wait for the disk.
    connection.execute(text("SET LOCAL synchronous_commit = off"))
    cursor = connection.connection.dbapi_connection.cursor()
    columns = ", ".join(STAGED_COLUMNS)
    with cursor.copy(f"COPY offer_staging ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in STAGED_COLUMNS])


@dataclass(frozen=True, slots=True)
class Landing:
    """What a successful run's landing did to the catalogue."""

    stored: int  # offers the run merged (new or refreshed)
    deactivated: int  # the operator's offers it no longer lists
    hotels: frozenset[int]  # hotels whose offers it may have changed


def land_staged_offers(
    session: Session, operator_id: int, crawl_run_id: int, seen_at: datetime
) -> Landing:
    """Merge a good run into the catalogue: upsert its offers, deactivate the operator's
    offers it did not see, drop its staged rows, and refresh the cheapest prices of every
    hotel it touched (those it staged offers for, and those where the operator had offers
    on sale before). The caller commits, so a run lands whole or not at all; call it last
    before the commit.
    """
    hotels = hotels_on_sale_at(session, operator_id)
    hotels |= set(
        session.scalars(
            select(StagedOffer.hotel_id).where(StagedOffer.crawl_run_id == crawl_run_id).distinct()
        )
    )
    stored = merge_staged_offers(session, operator_id, crawl_run_id, seen_at)
    deactivated = deactivate_unseen_offers(session, operator_id, crawl_run_id)
    discard_staged_offers(session, crawl_run_id)
    refresh_min_prices(session, hotels)
    return Landing(stored, deactivated, frozenset(hotels))


def merge_staged_offers(
    session: Session, operator_id: int, crawl_run_id: int, seen_at: datetime
) -> int:
    """Upsert the run's staged offers into `offers` on (operator, key); returns rows merged.

    Price changes are recorded first, while the old prices are still there to compare.
    """
    postgres = session.bind.dialect.name == "postgresql"
    if postgres:
        # Fresh statistics, or the planner takes the just-filled staging table for empty;
        # and room to sort and hash a whole crawl in memory.
        session.execute(text("ANALYZE offer_staging"))
        session.execute(text("SET LOCAL work_mem = '256MB'"))
    latest = _latest_staged_rows(crawl_run_id, postgres)
    # An operator's first landing has no offer to compare or update: a plain insert, with
    # no history to write and no conflict to look for (the crawl lock keeps other runs of
    # the operator out). A tenth faster for a first crawl of 500,000 offers.
    first_landing = not session.scalar(
        select(literal(True)).where(Offer.operator_id == operator_id).limit(1)
    )
    if not first_landing:
        _record_price_changes(session, crawl_run_id, seen_at, latest)
    staged = select(
        latest.c.operator_id,
        latest.c.offer_key,
        *[latest.c[column] for column in MERGED_COLUMNS],
        _literal(seen_at, Offer.first_seen_at),
        _literal(seen_at, Offer.last_seen_at),
        _literal(crawl_run_id, Offer.last_crawl_run_id),
        _literal(True, Offer.is_active),
    )
    if not postgres:
        staged = staged.where(
            true()
        )  # SQLite needs a WHERE to parse INSERT ... SELECT ... ON CONFLICT
    columns = ["operator_id", "offer_key", *MERGED_COLUMNS]
    columns += ["first_seen_at", "last_seen_at", "last_crawl_run_id", "is_active"]
    dialect_insert = postgresql.insert if postgres else sqlite.insert
    statement = dialect_insert(Offer).from_select(columns, staged)
    if not first_landing:
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


def _latest_staged_rows(crawl_run_id: int, postgres: bool):
    """The run's staged rows, only the last one of a key the operator listed twice."""
    rows = select(StagedOffer).where(StagedOffer.crawl_run_id == crawl_run_id)
    if postgres:
        rows = rows.ext(postgresql.distinct_on(StagedOffer.offer_key)).order_by(
            StagedOffer.offer_key, StagedOffer.id.desc()
        )
    else:
        last_ids = (
            select(func.max(StagedOffer.id))
            .where(StagedOffer.crawl_run_id == crawl_run_id)
            .group_by(StagedOffer.offer_key)
        )
        rows = rows.where(StagedOffer.id.in_(last_ids))
    return rows.subquery("latest")


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


def _record_price_changes(session: Session, crawl_run_id: int, seen_at: datetime, latest) -> None:
    changed = select(
        Offer.id,
        _literal(crawl_run_id, PriceChange.crawl_run_id),
        _literal(seen_at, PriceChange.changed_at),
        Offer.price,
        latest.c.price,
        latest.c.currency,
        Offer.price_base,
        latest.c.price_base,
    ).join(
        latest,
        (latest.c.operator_id == Offer.operator_id)
        & (latest.c.offer_key == Offer.offer_key)
        & (latest.c.price != Offer.price),
    )
    columns = [
        "offer_id",
        "crawl_run_id",
        "changed_at",
        "old_price",
        "new_price",
        "currency",
        "old_price_base",
        "new_price_base",
    ]
    session.execute(insert(PriceChange).from_select(columns, changed))


def abandon_interrupted_runs(session: Session, operator_id: int) -> None:
    """Close the runs of an operator left "running" by a crawl that died, and drop their rows.

    Called by a crawl that holds the operator's lock (models/crawls/locks.py), so no other run of
    the operator can still be alive.
    """
    dead = select(CrawlRun.id).where(
        CrawlRun.operator_id == operator_id, CrawlRun.status == CrawlStatus.RUNNING
    )
    session.execute(delete(StagedOffer).where(StagedOffer.crawl_run_id.in_(dead)))
    session.execute(
        update(CrawlRun)
        .where(CrawlRun.id.in_(dead))
        .values(status=CrawlStatus.FAILED, error_message="interrupted: the crawl process died")
    )
