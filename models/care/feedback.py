"""The client's feedback after a trip: the signed link, the invitation e-mail and the answer.

A link is `/feedback/<trip id>.<expiry YYYYMMDD>.<signature>`: the signature is an
HMAC-SHA256 of the trip id and the expiry date, keyed by a key derived from the
secret key for this one use (so a feedback signature is never a valid CSRF token or
session id, nor the other way round), in URL-safe base64. Only the client who got the
e-mail holds it; it can be answered once (one `Feedback` row per trip, guarded by the
unique constraint too).

The link expires `feedback_link_days` after the day the invitation was queued (the
agency's date), not after the return date: a job that ran late still leaves the client
the full period. It is valid up to the day before its expiry date and refused from
that day on. Days are the agency's (settings `agency_timezone`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from models.agency_time import agency_today
from models.base import utcnow
from models.care.clients import Client, client_locale
from models.care.letter_templates import default_template, render_template
from models.care.trips import Feedback, Trip, TripStatus
from models.leads.records import OutboxMessage
from tourscope.foundation.formatting import format_day, format_long_day
from tourscope.foundation.i18n import use_locale
from tourscope.foundation.settings import get_settings
from tourscope.foundation.signing import sign, signature_holds

MAX_COMMENT = 2000
FEEDBACK_LETTER = "feedback"  # tourscope/config/letters/<language>/feedback.txt
RATINGS = range(1, 6)
# Keeps the derived key apart from every other use of the secret key.
FEEDBACK_PURPOSE = b"tourscope feedback link v1"
_TOKEN = re.compile(r"([1-9][0-9]{0,8})\.([0-9]{8})\.([A-Za-z0-9_-]{43})")


class FeedbackRefused(ValueError):
    """The feedback link cannot be used; the message says why, for the client."""


class LinkInvalid(FeedbackRefused):
    def __init__(self) -> None:
        super().__init__("This link is not valid. Please use the link from our e-mail as it is.")


class LinkExpired(FeedbackRefused):
    def __init__(self, expires_on: date) -> None:
        self.expires_on = expires_on
        super().__init__(f"This link expired on {_day(expires_on)}.")


class AlreadyAnswered(FeedbackRefused):
    def __init__(self) -> None:
        super().__init__("You have already answered, thank you.")


class FeedbackInputError(ValueError):
    """Ratings or comment the form cannot store: one readable reason per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("Some answers need a second look: " + " ".join(errors.values()))


def _day(value: date) -> str:
    return f"{value.day} {value.strftime('%B %Y')}"


# --- The signed link ---------------------------------------------------------------------


def _signature(trip_id: int, expires_on: date) -> str:
    return sign(FEEDBACK_PURPOSE, f"{trip_id}.{expires_on:%Y%m%d}")


def feedback_token(trip_id: int, expires_on: date) -> str:
    """The signed token of a trip's feedback link, valid until `expires_on`."""
    return f"{trip_id}.{expires_on:%Y%m%d}.{_signature(trip_id, expires_on)}"


def link_expiry(trip: Trip) -> date | None:
    """When the trip's link expires: `feedback_link_days` after the invitation day."""
    if trip.feedback_invited_at is None:
        return None
    return agency_today(trip.feedback_invited_at) + timedelta(
        days=get_settings().feedback_link_days
    )


def feedback_url(trip: Trip) -> str | None:
    """The link the client was sent (None before the invitation): the same every time."""
    expires_on = link_expiry(trip)
    if expires_on is None:
        return None
    return f"{get_settings().effective_site_url}/feedback/{feedback_token(trip.id, expires_on)}"


def _read_token(token: str) -> tuple[int, date]:
    """(trip id, expiry) of a token whose signature holds; LinkInvalid otherwise."""
    match = _TOKEN.fullmatch(token) if len(token) <= 80 else None
    if match is None:
        raise LinkInvalid()
    trip_id, expiry_text, signature = int(match[1]), match[2], match[3]
    try:
        expires_on = datetime.strptime(expiry_text, "%Y%m%d").date()
    except ValueError:
        raise LinkInvalid() from None
    if not signature_holds(FEEDBACK_PURPOSE, f"{trip_id}.{expires_on:%Y%m%d}", signature):
        raise LinkInvalid()
    return trip_id, expires_on


def verify_feedback_link(session: Session, token: str, now: datetime | None = None) -> Trip:
    """The trip a feedback link is for, or why it cannot be used: LinkInvalid (tampered,
    unknown or cancelled trip), AlreadyAnswered, LinkExpired; checked in that order, so a
    client who answered is thanked even after the link expired."""
    trip_id, expires_on = _read_token(token)
    trip = session.scalars(
        select(Trip)
        .where(Trip.id == trip_id)
        .options(selectinload(Trip.client), selectinload(Trip.manager))
    ).one_or_none()
    if trip is None or trip.status != TripStatus.BOOKED:
        raise LinkInvalid()
    if session.scalar(select(exists().where(Feedback.trip_id == trip_id))):
        raise AlreadyAnswered()
    if agency_today(now) >= expires_on:
        raise LinkExpired(expires_on)
    return trip


# --- The answer --------------------------------------------------------------------------


def _rating(value: object, what: str, errors: dict[str, str], field: str) -> int:
    text = str(value).strip() if isinstance(value, str | int) else ""
    if text.isascii() and text.isdigit() and int(text) in RATINGS:
        return int(text)
    errors[field] = f"Choose a rating for {what} from 1 to 5."
    return 0


def submit_feedback(
    session: Session,
    token: str,
    manager_rating: object,
    trip_rating: object,
    comment: str | None,
    now: datetime | None = None,
) -> Feedback:
    """Store the client's answer (the caller commits). Ratings are whole numbers 1-5 (as
    numbers or the form's text), the comment at most 2000 characters. Refuses with
    FeedbackRefused (the link) or FeedbackInputError (the answers), storing nothing; a
    second answer racing the first is refused by the unique trip id as AlreadyAnswered
    (the session is rolled back then: the failed insert leaves nothing to keep)."""
    now = now or utcnow()
    trip = verify_feedback_link(session, token, now)
    errors: dict[str, str] = {}
    manager_stars = _rating(manager_rating, "your manager", errors, "manager_rating")
    trip_stars = _rating(trip_rating, "the trip", errors, "trip_rating")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = (
            f"Please shorten your comment to {MAX_COMMENT} characters (it has {len(comment)})."
        )
    if errors:
        raise FeedbackInputError(errors)
    feedback = Feedback(
        trip_id=trip.id,
        submitted_at=now,
        manager_rating=manager_stars,
        trip_rating=trip_stars,
        comment=comment or None,
    )
    session.add(feedback)
    try:
        session.flush()
    except IntegrityError:
        # Another submit of the same link was stored between our check and this insert.
        session.rollback()
        raise AlreadyAnswered() from None
    return feedback


def first_name(trip: Trip) -> str:
    """The only personal detail the feedback page shows."""
    return (trip.client.name.split() or ["there"])[0]


# --- The invitations ---------------------------------------------------------------------


def invitation_email(trip: Trip, url: str, expires_on: date) -> tuple[str, str]:
    """The client's invitation in the client's language: (subject, plain-text body), from
    the letter file tourscope/config/letters/<language>/feedback.txt."""
    language = client_locale(trip.client)
    with use_locale(language):
        template = default_template(FEEDBACK_LETTER, language)
        context = {
            "client": {"first_name": first_name(trip)},
            "trip": {
                "hotel": trip.hotel_name,
                "destination": trip.destination or "",
                "departure": format_day(trip.departure_date),
                "return": format_day(trip.return_date),
            },
            "manager": {"name": trip.manager.display_name if trip.manager else ""},
            "link": {"url": url, "until": format_long_day(expires_on - timedelta(days=1))},
        }
        return render_template(template.subject, template.body, context)


def invite_feedback(session: Session, now: datetime | None = None) -> int:
    """Queue the feedback invitation of every trip that is due one; returns how many.

    Due: a booked trip whose return date plus `feedback_delay_days` has come (the
    agency's date), not invited yet, whose client has an e-mail address. A trip back
    longer ago than its link would live is left alone (a first run on old data mails no
    one about a trip of years ago). Each invitation is one outbox message and the trip's
    `feedback_invited_at`, flushed together (the caller commits); the trip is claimed
    with a conditional update first, so two runs at once never invite it twice.
    """
    settings = get_settings()
    now = now or utcnow()
    today = agency_today(now)
    latest_return = today - timedelta(days=settings.feedback_delay_days)
    earliest_return = latest_return - timedelta(days=settings.feedback_link_days)
    due = session.scalars(
        select(Trip)
        .join(Client, Trip.client_id == Client.id)
        .where(
            Trip.status == TripStatus.BOOKED,
            Trip.feedback_invited_at.is_(None),
            Trip.return_date <= latest_return,
            Trip.return_date > earliest_return,
            Client.email.is_not(None),
            Client.email != "",
        )
        .order_by(Trip.return_date, Trip.id)
        .options(selectinload(Trip.client), selectinload(Trip.manager))
    ).all()
    invited = 0
    for trip in due:
        claimed = session.execute(
            update(Trip)
            .where(Trip.id == trip.id, Trip.feedback_invited_at.is_(None))
            .values(feedback_invited_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        # The row is updated already; the object learns it without a second UPDATE.
        set_committed_value(trip, "feedback_invited_at", now.astimezone(UTC))
        expires_on = link_expiry(trip)
        url = feedback_url(trip)
        subject, body = invitation_email(trip, url, expires_on)
        session.add(OutboxMessage.due_now(trip.client.email, subject, body, now))
        invited += 1
    session.flush()
    return invited
