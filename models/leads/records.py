"""Leads: a visitor's request for a manager, its history, and the e-mail outbox.

A lead keeps a snapshot of the offer (or the search) the visitor saw, so the manager sees
what the visitor saw even after prices move, and beside it the answer of the re-check
made at the operator when the request came in. The notification e-mail is written to
`outbox` in the same transaction as the lead and sent later by the outbox worker
(`tourscope outbox`), so an SMTP outage delays mail but never loses a lead. The re-check
is queued the same way (`recheck_jobs`) and done by the re-check worker (`tourscope
rechecks`), so the visitor never waits for the operator and a restart loses no re-check.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.accounts.users import User
from models.base import Base, Money, UTCDateTime, utcnow
from models.catalog.offers import Offer

if TYPE_CHECKING:
    from models.care.clients import Client


class LeadStatus(StrEnum):
    """The manager's workflow: new → contacted → offer sent → won / lost."""

    NEW = "new"
    CONTACTED = "contacted"
    OFFER_SENT = "offer_sent"
    WON = "won"
    LOST = "lost"


class LeadSource(StrEnum):
    HOTEL = "hotel"  # from one offer on a hotel page
    SEARCH = "search"  # from a search, no particular offer
    CALL = "call"  # a warm client handed on from the contact centre's call


class RecheckStatus(StrEnum):
    """What the operator said when the offer was re-checked at request time."""

    PENDING = "pending"  # not asked yet
    AVAILABLE = "available"  # still sold, at the snapshot's price
    CHANGED = "changed"  # still sold, at another price (`recheck_price`)
    GONE = "gone"  # the operator no longer sells it (404, sold out)
    NO_ANSWER = "no_answer"  # timeout, error, operator down: nothing known


class LeadEventKind(StrEnum):
    CREATED = "created"
    STATUS = "status"
    ASSIGNED = "assigned"
    NOTE = "note"
    RECHECK = "recheck"
    EMAIL = "email"


class RecheckJobStatus(StrEnum):
    PENDING = "pending"  # waiting for the re-check worker (or for its next attempt)
    DONE = "done"  # the answer is on the lead


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt


def _codes(enum: type[StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class Lead(Base):
    """A visitor's request to be contacted by a manager, with what they saw and asked for."""

    __tablename__ = "leads"
    __table_args__ = (
        CheckConstraint(f"status IN ({_codes(LeadStatus)})", name="status_code"),
        CheckConstraint(f"source IN ({_codes(LeadSource)})", name="source_code"),
        CheckConstraint(
            f"recheck_status IS NULL OR recheck_status IN ({_codes(RecheckStatus)})",
            name="recheck_status_code",
        ),
        # The back office lists leads by status, high value first, newest first.
        Index("ix_leads_status_score", "status", "score"),
        # The rate limit counts a client's recent leads.
        Index("ix_leads_client_created", "client_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(12), default=LeadStatus.NEW)
    # The score and its human reasons ("family of 4", "5* hotel"), from models/scoring.py.
    score: Mapped[int] = mapped_column(default=0)
    score_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)

    # What the visitor typed.
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    contact_time: Mapped[str | None] = mapped_column(String(100))
    wishes: Mapped[str | None] = mapped_column(Text)
    extras: Mapped[list[str]] = mapped_column(JSON, default=list)  # codes of scoring extras
    consent: Mapped[bool] = mapped_column(default=False)

    # Where the request came from: an offer (hotel page) or a search (its query string).
    source: Mapped[str] = mapped_column(String(10))
    search_query: Mapped[str | None] = mapped_column(String(2000))
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("offers.id", ondelete="SET NULL"), index=True
    )
    # What the visitor saw: hotel, operator, dates, nights, meal, room, party, price,
    # currency, url, checked_at (models/leads/intake.py `offer_snapshot`).
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    # The operator's answer when the offer was re-checked; None for a search lead.
    recheck_status: Mapped[str | None] = mapped_column(String(12))
    recheck_price: Mapped[Decimal | None] = mapped_column(Money())
    recheck_currency: Mapped[str | None] = mapped_column(String(3))
    rechecked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    lost_reason: Mapped[str | None] = mapped_column(String(500))
    # A keyed hash of the client's address, for the rate limit; never the address itself.
    client_key: Mapped[str | None] = mapped_column(String(64))
    # The language the visitor was reading the site in: their client record's language.
    language: Mapped[str | None] = mapped_column(String(2))
    # The client record made from this lead (models/care/clients.py), once a manager makes one.
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True
    )

    offer: Mapped[Offer | None] = relationship()
    assigned_to: Mapped[User | None] = relationship()
    client: Mapped[Client | None] = relationship()
    events: Mapped[list[LeadEvent]] = relationship(
        back_populates="lead", order_by="LeadEvent.id", cascade="all, delete-orphan"
    )


class LeadEvent(Base):
    """One entry of a lead's history: created, status change, assignment, note, re-check, e-mail.

    `actor` is the manager who made the change; None for Tourscope itself or the visitor.
    """

    __tablename__ = "lead_events"
    __table_args__ = (CheckConstraint(f"kind IN ({_codes(LeadEventKind)})", name="kind_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)

    lead: Mapped[Lead] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class OutboxMessage(Base):
    """An e-mail waiting to be sent (or sent) by the outbox worker (tourscope/workers/outbox.py).

    Written in the transaction of the change it reports, so it exists exactly when that
    change does. The worker retries with exponential backoff: `next_attempt_at` says when.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"status IN ({_codes(OutboxStatus)})", name="status_code"),
        Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    to_address: Mapped[str] = mapped_column(String(2000))  # comma-separated addresses
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="SET NULL"), index=True
    )

    lead: Mapped[Lead | None] = relationship()

    @classmethod
    def due_now(
        cls, to_address: str, subject: str, body: str, now: datetime, lead_id: int | None = None
    ) -> OutboxMessage:
        """An e-mail for the worker to send at its next round (the caller adds it)."""
        return cls(
            created_at=now,
            to_address=to_address,
            subject=subject,
            body=body,
            next_attempt_at=now,
            lead_id=lead_id,
        )


class RecheckJob(Base):
    """A lead's offer waiting to be re-checked at its operator by the re-check worker
    (tourscope/workers/rechecks.py).

    Written in the lead's own transaction, so it exists exactly when the lead does. The
    worker claims a job by pushing `next_attempt_at` a lease ahead (an update only one
    worker can win); a worker that dies leaves the job to be claimed again once the lease
    is over, at most `MAX_ATTEMPTS` times (tourscope/workers/rechecks.py), then "no answer".
    """

    __tablename__ = "recheck_jobs"
    __table_args__ = (
        CheckConstraint(f"status IN ({_codes(RecheckJobStatus)})", name="status_code"),
        Index("ix_recheck_jobs_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default=RecheckJobStatus.PENDING)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(1000))

    lead: Mapped[Lead] = relationship()
