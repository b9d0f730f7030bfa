"""Trips a client bought, their pre-trip letters, the letter templates and the feedback.

A trip is created from a won lead (or by hand for a client). Its letters are planned
with it, one per offset before departure (settings `reminder_offsets`): a letter's
`due_on` is a date in the agency's time zone. A letter is planned, sent, or skipped
(the trip was booked after its date; a letter is never sent late). What was sent is kept
on the letter as sent, beside the outbox message that carried it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.accounts.users import User
from models.base import Base, Money, UTCDateTime, utcnow
from models.care.clients import Client, codes_sql
from models.catalog.hotels import Hotel, Operator
from models.leads.records import Lead, OutboxMessage


class TripStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class LetterStatus(StrEnum):
    PLANNED = "planned"  # waiting for its date
    SENT = "sent"
    SKIPPED = "skipped"  # its date had passed when the trip was booked (or re-planned)
    CANCELLED = "cancelled"  # the trip was cancelled


class Trip(Base):
    """The tour a client bought: hotel, operator, dates, party, price and extras."""

    __tablename__ = "trips"
    __table_args__ = (
        CheckConstraint(f"status IN ({codes_sql(TripStatus)})", name="status_code"),
        CheckConstraint("return_date > departure_date", name="return_after_departure"),
        CheckConstraint("adults >= 1", name="adults_positive"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        # The feedback job looks for returned trips not invited yet.
        Index("ix_trips_return_date", "return_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(10), default=TripStatus.BOOKED)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    # The won lead it came from; one trip per lead.
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), unique=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    hotel_id: Mapped[int | None] = mapped_column(ForeignKey("hotels.id", ondelete="SET NULL"))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id", ondelete="SET NULL"))
    # Names as sold, kept even if the catalogue changes.
    hotel_name: Mapped[str] = mapped_column(String(200))
    operator_name: Mapped[str] = mapped_column(String(200))
    destination: Mapped[str | None] = mapped_column(String(200))  # "Antalya, Turkey"

    departure_date: Mapped[date] = mapped_column(Date)
    return_date: Mapped[date] = mapped_column(Date)
    adults: Mapped[int] = mapped_column(SmallInteger, default=2)
    children: Mapped[int] = mapped_column(SmallInteger, default=0)
    price: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # Extras booked with the tour: codes such as "transfer", "car", "excursions", "insurance".
    extras: Mapped[list[str]] = mapped_column(JSON, default=list)
    # When and why it was cancelled (the reason is the manager's, optional).
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    # When the feedback invitation was queued (None: not yet).
    feedback_invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    client: Mapped[Client] = relationship()
    lead: Mapped[Lead | None] = relationship()
    manager: Mapped[User | None] = relationship()
    hotel: Mapped[Hotel | None] = relationship()
    operator: Mapped[Operator | None] = relationship()
    letters: Mapped[list[TripLetter]] = relationship(
        back_populates="trip", order_by="TripLetter.due_on", cascade="all, delete-orphan"
    )
    feedback: Mapped[Feedback | None] = relationship(back_populates="trip")


class TripLetter(Base):
    """One pre-trip letter of a trip: its template key, due date and what happened to it."""

    __tablename__ = "trip_letters"
    __table_args__ = (
        CheckConstraint(f"status IN ({codes_sql(LetterStatus)})", name="status_code"),
        UniqueConstraint("trip_id", "template_key"),
        # The dashboard lists planned letters due by a date.
        Index("ix_trip_letters_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trips.id", ondelete="CASCADE"))
    # The offset it was planned for ("2m", "1m", "2w", "3d"), also its template's key.
    template_key: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=LetterStatus.PLANNED)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: automatic
    subject: Mapped[str | None] = mapped_column(String(300))  # as sent
    body: Mapped[str | None] = mapped_column(Text)  # as sent
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))

    trip: Mapped[Trip] = relationship(back_populates="letters")
    sent_by: Mapped[User | None] = relationship()
    outbox_message: Mapped[OutboxMessage | None] = relationship()


class LetterTemplate(Base):
    """An admin's edit of a letter template in one language; with no row, the default
    file is used (tourscope/config/letters/<language>/<key>.txt). Subject and body are Jinja."""

    __tablename__ = "letter_templates"
    __table_args__ = (UniqueConstraint("key", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    updated_by: Mapped[User | None] = relationship()


class Feedback(Base):
    """A client's answer to the feedback form: one per trip, ratings 1-5."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("manager_rating BETWEEN 1 AND 5", name="manager_rating_range"),
        CheckConstraint("trip_rating BETWEEN 1 AND 5", name="trip_rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trips.id", ondelete="CASCADE"), unique=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    manager_rating: Mapped[int] = mapped_column(SmallInteger)
    trip_rating: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)

    trip: Mapped[Trip] = relationship(back_populates="feedback")
