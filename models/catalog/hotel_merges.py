"""Admins' changes to hotel identity: merge two canonical hotels whole, undo a merge,
split one alias off, rename a hotel.

A merge moves everything of the merged hotel to the surviving one (aliases, offers with
their copied place and stars, trips, pending reviews) and leaves the merged hotel empty,
pointing at the survivor, so its old address still leads somewhere. Each merge is
recorded in `hotel_merges` with what it moved, so that a mistaken one can be undone.

Content (description, photos, location) follows the aliases: each change here merges
the hotels' content anew from their aliases' operators (models/catalog/hotel_content.py), so a
merged hotel shows the union and an operator's hotel split off takes its content along.

Every change that moves offers refreshes the cheapest prices of the hotels on both sides
(models/catalog/min_prices.py), and every change moves the catalogue's generation on, so cached
lists and pages follow.

Callers own the transaction: these functions change and flush, the caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session, aliased

from models.base import utcnow
from models.care.trips import Trip
from models.catalog.display_names import display_name, refresh_display_names
from models.catalog.generation import bump_generation
from models.catalog.hotel_content import refresh_hotel_content
from models.catalog.hotels import Hotel, HotelAlias, HotelMatchReview, HotelMerge, Resort
from models.catalog.min_prices import refresh_min_prices
from models.catalog.offers import Offer, StagedOffer

PENDING, CONFIRMED, SPLIT = "pending", "confirmed", "split"
MAX_REDIRECTS = 20  # a merged hotel's chain of merges is never near this long


class HotelIdentityError(ValueError):
    """The merge, undo, split or rename cannot be done as asked; the message says why."""


def _locked_hotel(session: Session, hotel_id: int) -> Hotel:
    hotel = session.scalar(select(Hotel).where(Hotel.id == hotel_id).with_for_update())
    if hotel is None:
        raise HotelIdentityError(f"there is no hotel number {hotel_id}")
    return hotel


def _move_offers(session: Session, condition, hotel: Hotel) -> None:
    """Give offers `hotel`'s id and the copies of its place and stars the search filters on."""
    session.execute(
        update(Offer)
        .where(condition)
        .values(
            hotel_id=hotel.id,
            resort_id=hotel.resort_id,
            country_id=hotel.resort.country_id,
            stars=hotel.stars,
        )
        .execution_options(synchronize_session=False)
    )


def move_offers(session: Session, operator_id: int | None, from_hotel_id: int, to: Hotel) -> None:
    """Move one operator's offers (every operator's, with None) from one hotel to another."""
    condition = Offer.hotel_id == from_hotel_id
    if operator_id is not None:
        condition = and_(condition, Offer.operator_id == operator_id)
    _move_offers(session, condition, to)


def merge_hotels(
    session: Session,
    surviving_id: int,
    merged_id: int,
    *,
    by_user_id: int | None = None,
    review_id: int | None = None,
    now: datetime | None = None,
) -> HotelMerge:
    """Merge hotel `merged_id` whole into `surviving_id`, and record the merge."""
    now = now or utcnow()
    if surviving_id == merged_id:
        raise HotelIdentityError("a hotel cannot be merged into itself")
    surviving = _locked_hotel(session, surviving_id)
    merged = _locked_hotel(session, merged_id)
    for hotel in (surviving, merged):
        if hotel.merged_into_id is not None:
            raise HotelIdentityError(f"hotel #{hotel.id} was already merged into another")
    alias_ids = list(session.scalars(select(HotelAlias.id).where(HotelAlias.hotel_id == merged.id)))
    offer_ids = list(session.scalars(select(Offer.id).where(Offer.hotel_id == merged.id)))
    trip_ids = list(session.scalars(select(Trip.id).where(Trip.hotel_id == merged.id)))
    _move_offers(session, Offer.hotel_id == merged.id, surviving)
    for model in (HotelAlias, Trip):
        session.execute(
            update(model)
            .where(model.hotel_id == merged.id)
            .values(hotel_id=surviving.id)
            .execution_options(synchronize_session=False)
        )
    merged.merged_into_id = surviving.id
    _settle_pending_reviews(session, merged.id, surviving.id, now)
    record = HotelMerge(
        surviving_hotel_id=surviving.id,
        merged_hotel_id=merged.id,
        review_id=review_id,
        alias_ids=alias_ids,
        offer_ids=offer_ids,
        trip_ids=trip_ids,
        merged_at=now,
        merged_by_id=by_user_id,
    )
    session.add(record)
    session.flush()
    session.expire_all()  # the bulk updates bypassed the identity map
    refresh_display_names(session, [surviving.id])
    refresh_hotel_content(session, [surviving.id, merged.id])
    refresh_min_prices(session, [surviving.id, merged.id])
    return record


def _settle_pending_reviews(
    session: Session, merged_id: int, surviving_id: int, now: datetime
) -> None:
    """Pending reviews that named the merged hotel name the survivor; those whose alias
    and candidate are now one hotel have nothing left to decide."""
    session.execute(
        update(HotelMatchReview)
        .where(HotelMatchReview.status == PENDING, HotelMatchReview.candidate_hotel_id == merged_id)
        .values(candidate_hotel_id=surviving_id)
        .execution_options(synchronize_session=False)
    )
    aliases_of_survivor = select(HotelAlias.id).where(HotelAlias.hotel_id == surviving_id)
    session.execute(
        update(HotelMatchReview)
        .where(
            HotelMatchReview.status == PENDING,
            HotelMatchReview.candidate_hotel_id == surviving_id,
            HotelMatchReview.alias_id.in_(aliases_of_survivor),
        )
        .values(status=CONFIRMED, resolved_at=now)
        .execution_options(synchronize_session=False)
    )


def undo_merge(
    session: Session, merge_id: int, *, by_user_id: int | None = None, now: datetime | None = None
) -> HotelMerge:
    """Move the merge's aliases, their offers and trips back to the merged hotel.

    Offers first seen after the merge go back too when their operator has no alias left
    on the surviving hotel (then they can only be the moved aliases' offers). The review
    the merge confirmed, if any, becomes a split: the admin has said they differ.
    """
    now = now or utcnow()
    merge = session.scalar(select(HotelMerge).where(HotelMerge.id == merge_id).with_for_update())
    if merge is None:
        raise HotelIdentityError(f"there is no hotel merge number {merge_id}")
    if merge.undone_at is not None:
        raise HotelIdentityError("this merge was already undone")
    surviving = _locked_hotel(session, merge.surviving_hotel_id)
    merged = _locked_hotel(session, merge.merged_hotel_id)
    if surviving.merged_into_id is not None:
        raise HotelIdentityError(
            f"hotel #{surviving.id} was merged again since: undo that merge first"
        )
    session.execute(
        update(HotelAlias)
        .where(HotelAlias.id.in_(merge.alias_ids), HotelAlias.hotel_id == surviving.id)
        .values(hotel_id=merged.id)
        .execution_options(synchronize_session=False)
    )
    _move_offers(
        session, and_(Offer.id.in_(merge.offer_ids), Offer.hotel_id == surviving.id), merged
    )
    moved_operators = set(
        session.scalars(select(HotelAlias.operator_id).where(HotelAlias.hotel_id == merged.id))
    )
    staying_operators = set(
        session.scalars(select(HotelAlias.operator_id).where(HotelAlias.hotel_id == surviving.id))
    )
    if only_moved := moved_operators - staying_operators:
        _move_offers(
            session,
            and_(Offer.hotel_id == surviving.id, Offer.operator_id.in_(only_moved)),
            merged,
        )
    session.execute(
        update(Trip)
        .where(Trip.id.in_(merge.trip_ids), Trip.hotel_id == surviving.id)
        .values(hotel_id=merged.id)
        .execution_options(synchronize_session=False)
    )
    merged.merged_into_id = None
    if merge.review_id is not None:
        review = session.get(HotelMatchReview, merge.review_id)
        review.status, review.resolved_at = SPLIT, now
    merge.undone_at, merge.undone_by_id = now, by_user_id
    session.flush()
    session.expire_all()
    refresh_display_names(session, [surviving.id, merged.id])
    refresh_hotel_content(session, [surviving.id, merged.id])
    refresh_min_prices(session, [surviving.id, merged.id])
    return merge


def split_alias(session: Session, alias_id: int, now: datetime | None = None) -> Hotel:
    """Give one alias a canonical hotel of its own, away from the hotel it was put in.

    Its operator's offers there go with it when that operator has no other alias on the
    hotel; otherwise the next crawl files them (offers are not tied to an alias). The
    verdict is kept as a split review, so the pair is never proposed again.
    """
    now = now or utcnow()
    alias = session.get(HotelAlias, alias_id)
    if alias is None:
        raise HotelIdentityError(f"there is no operator hotel number {alias_id}")
    old = _locked_hotel(session, alias.hotel_id)
    others = session.scalars(
        select(HotelAlias.operator_id).where(
            HotelAlias.hotel_id == old.id, HotelAlias.id != alias.id
        )
    ).all()
    if not others:
        raise HotelIdentityError("this operator's hotel already has a hotel of its own")
    own = Hotel(
        resort_id=old.resort_id,
        name=display_name([alias.operator_hotel_name]) or old.name,
        stars=old.stars,
    )
    session.add(own)
    session.flush()
    alias.hotel_id = own.id
    if alias.operator_id not in others:
        _move_offers(
            session, and_(Offer.hotel_id == old.id, Offer.operator_id == alias.operator_id), own
        )
    session.add(
        HotelMatchReview(
            alias_id=alias.id,
            candidate_hotel_id=old.id,
            score=alias.match_score or 0.0,
            status=SPLIT,
            created_at=now,
            resolved_at=now,
        )
    )
    session.flush()
    refresh_display_names(session, [old.id])
    refresh_hotel_content(session, [old.id, own.id])
    refresh_min_prices(session, [old.id, own.id])
    return own


def rename_hotel(session: Session, hotel_id: int, name: str) -> Hotel:
    """An admin's name for the hotel, kept from then on whatever the aliases say."""
    hotel = _locked_hotel(session, hotel_id)
    hotel.name = name
    hotel.name_set_by_admin = True
    session.flush()
    bump_generation(session)  # pages and lists show the new name
    return hotel


def live_hotel_id(session: Session, hotel_id: int) -> int | None:
    """The hotel that now stands for `hotel_id`: itself, or where its merges led."""
    for _ in range(MAX_REDIRECTS):
        merged_into = session.execute(
            select(Hotel.merged_into_id).where(Hotel.id == hotel_id)
        ).first()
        if merged_into is None:
            return None
        if merged_into[0] is None:
            return hotel_id
        hotel_id = merged_into[0]
    return hotel_id


def follow_merges(session: Session, crawl_run_id: int) -> int:
    """Re-point a crawl's staged offers and aliases at the hotels that survived merges.

    A crawl that started before an admin merged two hotels still holds the merged hotel's
    id in its matcher; without this its merge would file offers under the emptied hotel.
    Returns how many staged offers it re-pointed.
    """
    merged_hotels = select(Hotel.id).where(Hotel.merged_into_id.is_not(None))
    redirected = 0
    for _ in range(MAX_REDIRECTS):  # one step along a chain of merges per pass
        moved = session.execute(
            update(StagedOffer)
            .where(
                StagedOffer.crawl_run_id == crawl_run_id,
                StagedOffer.hotel_id.in_(merged_hotels),
            )
            .values(
                hotel_id=_of_survivor(StagedOffer.hotel_id, Hotel.id),
                resort_id=_of_survivor(StagedOffer.hotel_id, Hotel.resort_id),
                country_id=_of_survivor(StagedOffer.hotel_id, Resort.country_id),
                stars=_of_survivor(StagedOffer.hotel_id, Hotel.stars),
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        aliases = session.execute(
            update(HotelAlias)
            .where(HotelAlias.hotel_id.in_(merged_hotels))
            .values(hotel_id=_of_survivor(HotelAlias.hotel_id, Hotel.id))
            .execution_options(synchronize_session=False)
        ).rowcount
        redirected += moved
        if not moved and not aliases:
            break
    session.flush()
    return redirected


def _of_survivor(hotel_id_column, wanted):
    """`wanted` (a column of hotels or resorts) of the hotel `hotel_id_column` was merged into."""
    merged = aliased(Hotel)
    return (
        select(wanted)
        .select_from(Hotel)
        .join(Resort, Resort.id == Hotel.resort_id)
        .join(merged, merged.merged_into_id == Hotel.id)
        .where(merged.id == hotel_id_column)
        .scalar_subquery()
    )
