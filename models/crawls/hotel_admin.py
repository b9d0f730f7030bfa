"""What the admins' hotel section of the crawl health page shows: one hotel with all its
operators' hotels, and the latest merges (which can be undone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from models.accounts.users import User
from models.catalog.hotels import Hotel, HotelMerge, Resort
from models.crawls.health import AliasRow, aliases_of, offer_counts_of

RECENT_MERGES = 20


@dataclass(frozen=True)
class HotelCard:
    hotel_id: int
    name: str
    name_set_by_admin: bool
    stars: int | None
    resort: str
    merged_into_id: int | None
    aliases: list[AliasRow]


@dataclass(frozen=True)
class MergeSummary:
    merge_id: int
    surviving_id: int
    surviving_name: str
    merged_id: int
    merged_name: str
    aliases_moved: int
    offers_moved: int
    merged_at: datetime
    merged_by: str | None
    undone_at: datetime | None


def hotel_card(session: Session, hotel_id: int) -> HotelCard | None:
    row = session.execute(
        select(Hotel, Resort.name).join(Resort).where(Hotel.id == hotel_id)
    ).first()
    if row is None:
        return None
    hotel, resort = row
    aliases = aliases_of(session, {hotel.id}, offer_counts_of(session, {hotel.id}))
    return HotelCard(
        hotel.id,
        hotel.name,
        hotel.name_set_by_admin,
        hotel.stars,
        resort,
        hotel.merged_into_id,
        aliases.get(hotel.id, []),
    )


def recent_merges(session: Session, limit: int = RECENT_MERGES) -> list[MergeSummary]:
    """The latest merges, newest first, undone ones included (marked)."""
    surviving, merged = aliased(Hotel), aliased(Hotel)
    rows = session.execute(
        select(HotelMerge, surviving.name, merged.name, User.name)
        .join(surviving, surviving.id == HotelMerge.surviving_hotel_id)
        .join(merged, merged.id == HotelMerge.merged_hotel_id)
        .outerjoin(User, User.id == HotelMerge.merged_by_id)
        .order_by(HotelMerge.merged_at.desc(), HotelMerge.id.desc())
        .limit(limit)
    )
    return [
        MergeSummary(
            merge.id,
            merge.surviving_hotel_id,
            surviving_name,
            merge.merged_hotel_id,
            merged_name,
            len(merge.alias_ids),
            len(merge.offer_ids),
            merge.merged_at,
            by,
            merge.undone_at,
        )
        for merge, surviving_name, merged_name, by in rows
    ]
