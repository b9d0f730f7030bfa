"""Booking a trip, moving its dates and cancelling it, each with its letter schedule.

A trip is made from a won lead (one trip per lead) or for a client by hand, and its
pre-trip letters are planned in the same transaction (models/care/letter_schedule.py). A trip's
details (`TripDetails`, read from the web form in webapp/forms/trip_form.py) are checked
here, each problem one readable sentence (`TripError`); a refused change changes nothing.
Callers own the transaction: these functions change and flush, the caller commits (or
rolls back on a TripError).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from models.accounts.users import User
from models.agency_time import agency_today
from models.care.client_editing import client_for_lead
from models.care.clients import Client
from models.care.letter_schedule import UNSENT, plan_letters
from models.care.trips import LetterStatus, Trip, TripLetter, TripStatus
from models.leads.extras import EXTRAS
from models.leads.records import Lead, LeadEvent, LeadEventKind, LeadStatus
from tourscope.foundation.settings import get_settings

MAX_ADULTS = 20
MAX_CHILDREN = 10
MAX_PRICE = Decimal("1000000")
MAX_NAME_LENGTH = 200
MAX_CANCEL_REASON_LENGTH = 500


class TripError(ValueError):
    """The trip cannot be booked or changed so; the message says why, in one sentence."""


@dataclass(frozen=True, slots=True)
class TripDetails:
    """What a manager books: the tour as sold, its dates, party, price and extras."""

    hotel_name: str
    operator_name: str
    departure_date: date
    return_date: date
    adults: int = 2
    children: int = 0
    price: Decimal = Decimal("0")
    currency: str = "EUR"
    extras: tuple[str, ...] = ()
    destination: str | None = None
    hotel_id: int | None = None
    operator_id: int | None = None


def check_dates(departure: date, return_date: date, today: date) -> None:
    if departure < today:
        raise TripError(f"the departure date {departure:%d %b %Y} is in the past")
    if return_date <= departure:
        raise TripError("the return date must be after the departure date")


def check_details(details: TripDetails, today: date) -> None:
    """TripError with the first problem of the details, as one sentence; None if fine."""
    if not details.hotel_name:
        raise TripError("name the hotel")
    if not details.operator_name:
        raise TripError("name the tour operator")
    if max(len(details.hotel_name), len(details.operator_name)) > MAX_NAME_LENGTH:
        raise TripError(f"hotel and operator names must be at most {MAX_NAME_LENGTH} characters")
    if details.destination and len(details.destination) > MAX_NAME_LENGTH:
        raise TripError(f"the destination must be at most {MAX_NAME_LENGTH} characters")
    check_dates(details.departure_date, details.return_date, today)
    if not 1 <= details.adults <= MAX_ADULTS:
        raise TripError(f"a trip is for 1 to {MAX_ADULTS} adults")
    if not 0 <= details.children <= MAX_CHILDREN:
        raise TripError(f"a trip is for 0 to {MAX_CHILDREN} children")
    if details.price < 0:
        raise TripError("the price cannot be negative")
    if details.price > MAX_PRICE:
        raise TripError(f"a price above {MAX_PRICE:,} is surely a typo")
    if not re.fullmatch(r"[A-Z]{3}", details.currency):
        raise TripError("the currency must be a 3-letter code such as EUR")
    unknown = [code for code in details.extras if code not in EXTRAS]
    if unknown:
        raise TripError(f"{unknown[0][:30]!r} is not an extra Tourscope knows")


def find_trip(session: Session, trip_id: int) -> Trip | None:
    """A trip with its client, party, preferences and letters, for its page."""
    return session.scalars(
        select(Trip)
        .where(Trip.id == trip_id)
        .options(
            selectinload(Trip.letters),
            selectinload(Trip.client).selectinload(Client.children),
            selectinload(Trip.client).selectinload(Client.preferences),
        )
    ).one_or_none()


def trip_of_lead(session: Session, lead_id: int) -> Trip | None:
    return session.scalars(select(Trip).where(Trip.lead_id == lead_id)).one_or_none()


def create_trip_from_lead(
    session: Session, lead: Lead, actor: User, details: TripDetails, now: datetime
) -> Trip:
    """Book the won lead's trip for its client (made from the lead if need be), with its
    letters planned; the lead's history notes the booking."""
    check_details(details, agency_today(now))
    if lead.status != LeadStatus.WON:
        raise TripError("a trip is booked from a won lead; mark the lead won first")
    if trip_of_lead(session, lead.id) is not None:
        raise TripError("this lead already has its trip")
    client = client_for_lead(session, lead, actor)
    trip = _book(session, client, lead.assigned_to or actor, details, now, lead=lead)
    note = f"trip #{trip.id} booked: {trip.hotel_name}, departing {trip.departure_date:%d %b %Y}"
    session.add(
        LeadEvent(lead_id=lead.id, at=now, actor_id=actor.id, kind=LeadEventKind.NOTE, note=note)
    )
    session.flush()
    return trip


def create_trip(
    session: Session, client: Client, actor: User, details: TripDetails, now: datetime
) -> Trip:
    """Book a trip for a client without a lead (a repeat client calling the agency)."""
    check_details(details, agency_today(now))
    return _book(session, client, client.manager or actor, details, now)


def _book(
    session: Session,
    client: Client,
    manager: User,
    details: TripDetails,
    now: datetime,
    lead: Lead | None = None,
) -> Trip:
    settings = get_settings()
    trip = Trip(
        created_at=now,
        status=TripStatus.BOOKED.value,
        client=client,
        lead=lead,
        manager=manager,
        hotel_id=details.hotel_id,
        operator_id=details.operator_id,
        hotel_name=details.hotel_name,
        operator_name=details.operator_name,
        destination=details.destination,
        departure_date=details.departure_date,
        return_date=details.return_date,
        adults=details.adults,
        children=details.children,
        price=details.price,
        currency=details.currency,
        extras=list(dict.fromkeys(details.extras)),
    )
    session.add(trip)
    plan_letters(trip, settings.reminder_offsets, agency_today(now))
    try:
        session.flush()
    except IntegrityError:
        # Another manager booked the same lead a moment ago (trips.lead_id is unique).
        raise TripError("this lead already has its trip") from None
    return trip


def change_dates(
    session: Session,
    trip: Trip,
    departure: date,
    return_date: date,
    actor: User,
    now: datetime,
) -> list[TripLetter]:
    """Move the trip; a new departure date re-plans its unsent letters (sent ones stay).

    Only the departure date moves letters: changing the return date alone leaves an
    overdue letter due, rather than skipping it. Returns the letters re-planned.
    """
    settings = get_settings()
    today = agency_today(now)
    if trip.status != TripStatus.BOOKED:
        raise TripError("this trip is cancelled; its dates cannot change")
    check_dates(departure, return_date, today)
    moved = departure != trip.departure_date
    trip.departure_date = departure
    trip.return_date = return_date
    replanned = plan_letters(trip, settings.reminder_offsets, today) if moved else []
    session.flush()
    return replanned


def _cancellation_note(trip_id: int) -> str:
    return f"trip #{trip_id} cancelled"


def cancel_trip(
    session: Session, trip: Trip, actor: User, now: datetime, reason: str | None = None
) -> None:
    """Cancel the trip and the letters it had not sent yet, keeping when and why.

    A trip booked from a lead also notes the cancellation on the lead's history, as the
    booking was noted there.
    """
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_CANCEL_REASON_LENGTH:
        raise TripError(f"the reason must be at most {MAX_CANCEL_REASON_LENGTH} characters")
    # Compare-and-set: two clicks (or two managers) cancel it once.
    cancelled = session.execute(
        update(Trip)
        .where(Trip.id == trip.id, Trip.status == TripStatus.BOOKED)
        .values(status=TripStatus.CANCELLED.value, cancelled_at=now, cancel_reason=reason)
        .execution_options(synchronize_session=False)
    ).rowcount
    if cancelled != 1:
        raise TripError("this trip is already cancelled")
    session.refresh(trip, ["status", "cancelled_at", "cancel_reason"])
    for letter in trip.letters:
        if letter.status in UNSENT:
            letter.status = LetterStatus.CANCELLED.value
    if trip.lead_id is not None:
        note = _cancellation_note(trip.id) + (f": {reason}" if reason else "")
        session.add(
            LeadEvent(
                lead_id=trip.lead_id, at=now, actor_id=actor.id, kind=LeadEventKind.NOTE, note=note
            )
        )
    session.flush()
