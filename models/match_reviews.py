"""An admin's verdict on a doubtful hotel match: confirm it (merge) or split it (keep apart).

Callers own the transaction: these functions change and flush, the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.base import utcnow
from models.catalog import Hotel, HotelMatchReview
from models.offers import Offer

PENDING, CONFIRMED, SPLIT = "pending", "confirmed", "split"


class ReviewError(ValueError):
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


def confirm_match(session: Session, review_id: int, now: datetime | None = None) -> Resolution:
    """The alias is the candidate hotel: move the alias and its offers there.

    The alias's offers are its operator's offers at the hotel the alias was given for
    now; they take the candidate's id and its place and stars (the copies kept on each
    offer for the search). Other pending reviews of the same alias become moot: split.
    """
    now = now or utcnow()
    review = _pending_review(session, review_id)
    alias = review.alias
    candidate = session.get(Hotel, review.candidate_hotel_id)
    if candidate is None:  # pragma: no cover - a foreign key guards it
        raise ReviewError("the candidate hotel no longer exists")
    old_hotel_id = alias.hotel_id
    moved = session.execute(
        update(Offer)
        .where(Offer.operator_id == alias.operator_id, Offer.hotel_id == old_hotel_id)
        .values(
            hotel_id=candidate.id,
            resort_id=candidate.resort_id,
            country_id=candidate.resort.country_id,
            stars=candidate.stars,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    alias.hotel_id = candidate.id
    review.status = CONFIRMED
    review.resolved_at = now
    session.execute(
        update(HotelMatchReview)
        .where(
            HotelMatchReview.alias_id == alias.id,
            HotelMatchReview.status == PENDING,
            HotelMatchReview.id != review.id,
        )
        .values(status=SPLIT, resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return Resolution(review.id, CONFIRMED, alias.operator_hotel_name, candidate.name, moved)


def split_match(session: Session, review_id: int, now: datetime | None = None) -> Resolution:
    """The alias is not the candidate: keep them apart for good."""
    review = _pending_review(session, review_id)
    review.status = SPLIT
    review.resolved_at = now or utcnow()
    session.flush()
    alias = review.alias
    return Resolution(review.id, SPLIT, alias.operator_hotel_name, alias.hotel.name, 0)
