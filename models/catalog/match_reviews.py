"""An admin's verdict on a doubtful hotel match: confirm it (merge) or split it (keep apart).

Callers own the transaction: these functions change and flush, the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.base import utcnow
from models.catalog.hotel_merges import CONFIRMED, PENDING, SPLIT, HotelIdentityError, merge_hotels
from models.catalog.hotels import Hotel, HotelAlias, HotelMatchReview


class ReviewError(HotelIdentityError):
    """The review cannot be resolved as asked; the message says why."""


@dataclass(frozen=True)
class Resolution:
    review_id: int
    status: str
    alias_name: str
    hotel_name: str  # the hotel the alias now belongs to
    offers_moved: int


def _pending_review(session: Session, review_id: int) -> HotelMatchReview:
    review = session.scalar(
        select(HotelMatchReview).where(HotelMatchReview.id == review_id).with_for_update()
    )
    if review is None:
        raise ReviewError(f"there is no match review number {review_id}")
    if review.status != PENDING:
        raise ReviewError(f"this match was already {review.status}")
    return review


def confirm_match(
    session: Session,
    review_id: int,
    now: datetime | None = None,
    by_user_id: int | None = None,
) -> Resolution:
    """The alias is the candidate hotel: merge the alias's hotel whole into the candidate.

    Not only this alias moves: every alias the matcher had put on the same hotel (other
    operators' spellings of it), with all offers, trips and pending reviews, goes to the
    candidate (models/catalog/hotel_merges.py), and the merge is recorded so it can be undone.
    Other pending reviews of the same alias become moot: split.
    """
    now = now or utcnow()
    review = _pending_review(session, review_id)
    alias_id, candidate_id = review.alias_id, review.candidate_hotel_id
    merge = merge_hotels(
        session,
        candidate_id,
        review.alias.hotel_id,
        by_user_id=by_user_id,
        review_id=review.id,
        now=now,
    )
    session.execute(
        update(HotelMatchReview)
        .where(
            HotelMatchReview.alias_id == alias_id,
            HotelMatchReview.status == PENDING,
            HotelMatchReview.id != review_id,
        )
        .values(status=SPLIT, resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    review = session.get(HotelMatchReview, review_id)
    review.status, review.resolved_at = CONFIRMED, now
    session.flush()
    candidate = session.get(Hotel, candidate_id)
    return Resolution(
        review.id, CONFIRMED, review.alias.operator_hotel_name, candidate.name, len(merge.offer_ids)
    )


def split_match(session: Session, review_id: int, now: datetime | None = None) -> Resolution:
    """The alias is not the candidate: keep them apart for good."""
    review = _pending_review(session, review_id)
    review.status = SPLIT
    review.resolved_at = now or utcnow()
    session.flush()
    alias = review.alias
    return Resolution(review.id, SPLIT, alias.operator_hotel_name, alias.hotel.name, 0)


def split_pairs(session: Session) -> set[tuple[int, str, int]]:
    """(operator id, operator's hotel code, hotel id) of every pair an admin kept apart.

    The matcher must not propose these again: an admin's split stands over any later
    crawl's doubt.
    """
    return {
        (operator_id, code, hotel_id)
        for operator_id, code, hotel_id in session.execute(
            select(
                HotelAlias.operator_id,
                HotelAlias.operator_hotel_code,
                HotelMatchReview.candidate_hotel_id,
            )
            .join(HotelAlias, HotelAlias.id == HotelMatchReview.alias_id)
            .where(HotelMatchReview.status == SPLIT)
        )
    }
