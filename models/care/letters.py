"""Pre-trip letters: drafting one for its client and sending it.

The template comes from `letter_templates.py`, what it says to the client from
`letter_checklists.py`. Sending writes the letter to the outbox (sent by `tourscope
outbox`) in the transaction that marks it sent: the mail exists exactly when the letter
says it was sent, and a compare-and-set on its status makes two clicks send it once. The
manager may edit the draft's subject and body before sending; the letter keeps the text
that went out.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from models.accounts.users import User
from models.agency_time import agency_today
from models.care.clients import Client, client_locale
from models.care.letter_checklists import letter_context
from models.care.letter_templates import (
    MAX_BODY_LENGTH,
    MAX_SUBJECT_LENGTH,
    LetterError,
    LetterTextError,
    render_template,
    template_for,
)
from models.care.trips import LetterStatus, Trip, TripLetter, TripStatus
from models.leads.records import OutboxMessage

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LetterDraft:
    subject: str
    body: str
    checklist: list[str]


# --- drafts and sending ------------------------------------------------------------------


def find_letter(session: Session, letter_id: int) -> TripLetter | None:
    """A letter with its trip, client (party, preferences), manager and lead, for drafting."""
    return session.scalars(
        select(TripLetter)
        .where(TripLetter.id == letter_id)
        .options(
            selectinload(TripLetter.trip).selectinload(Trip.client).selectinload(Client.children),
            selectinload(TripLetter.trip)
            .selectinload(Trip.client)
            .selectinload(Client.preferences),
            selectinload(TripLetter.trip).selectinload(Trip.manager),
            selectinload(TripLetter.trip).selectinload(Trip.lead),
        )
    ).one_or_none()


def draft_letter(session: Session, letter: TripLetter, now: datetime) -> LetterDraft:
    """The letter as it would go out now, in its client's language (that language's
    template, dates, money and checklist); LetterError when its template fails."""
    trip = letter.trip
    context = letter_context(trip.client, trip, letter.template_key, agency_today(now))
    template = template_for(session, letter.template_key, client_locale(trip.client))
    subject, body = render_template(template.subject, template.body, context)
    return LetterDraft(subject, body, context["checklist"])


REFUSALS = {
    LetterStatus.SENT: "this letter was already sent",
    LetterStatus.SKIPPED: "this letter was skipped: its date had passed when the trip was booked",
    LetterStatus.CANCELLED: "this letter was cancelled with its trip",
}


def edited_subject(text: str) -> str:
    """The manager's subject as it is sent: one line of 1 to 300 characters.

    A line break in a mail header would let the text add headers of its own, so any
    line or paragraph break (or other control character) is refused rather than removed.
    """
    subject = text.strip()
    if not subject:
        raise LetterTextError("the subject is empty", "subject")
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in subject):
        raise LetterTextError("the subject must be a single line, without line breaks", "subject")
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise LetterTextError(
            f"the subject must be at most {MAX_SUBJECT_LENGTH} characters", "subject"
        )
    return subject


def edited_body(text: str) -> str:
    """The manager's body as it is sent: 1 to 20,000 characters, with the browser's
    CR LF line ends as plain newlines. It is sent as typed, never run as a template."""
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    if not body.strip():
        raise LetterTextError("the letter's text is empty", "body")
    if len(body) > MAX_BODY_LENGTH:
        raise LetterTextError(
            f"the letter's text must be at most {MAX_BODY_LENGTH:,} characters "
            f"(it has {len(body):,})",
            "body",
        )
    return body


def send_letter(
    session: Session,
    letter: TripLetter,
    actor: User | None,
    now: datetime,
    subject: str | None = None,
    body: str | None = None,
) -> OutboxMessage:
    """Queue the letter to the client's e-mail and mark it sent by `actor` (None: sent
    automatically), recording the text that went out.

    `subject` and `body` are the manager's edit of the draft; one left None is the draft's.
    LetterTextError when the edit cannot be sent, LetterError when the letter cannot go;
    either way nothing changes.
    """
    if letter.status != LetterStatus.PLANNED:
        raise LetterError(REFUSALS.get(LetterStatus(letter.status), "this letter cannot be sent"))
    trip = letter.trip
    if trip.status != TripStatus.BOOKED:
        raise LetterError("the trip is cancelled: its letters are not sent")
    if not trip.client.email:
        raise LetterError(f"{trip.client.name} has no e-mail address; add one to the client first")
    subject = None if subject is None else edited_subject(subject)
    body = None if body is None else edited_body(body)
    if subject is None or body is None:
        draft = draft_letter(session, letter, now)
        subject = draft.subject if subject is None else subject
        body = draft.body if body is None else body
    # Compare-and-set: of two clicks (or a click and the automatic run) only one sends.
    claimed = session.execute(
        update(TripLetter)
        .where(TripLetter.id == letter.id, TripLetter.status == LetterStatus.PLANNED)
        .values(
            status=LetterStatus.SENT.value,
            sent_at=now,
            sent_by_id=actor.id if actor else None,
            subject=subject,
            body=body,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.refresh(letter)
        raise LetterError(REFUSALS.get(LetterStatus(letter.status), "this letter cannot be sent"))
    message = OutboxMessage.due_now(trip.client.email, subject, body, now)
    session.add(message)
    session.flush()
    session.refresh(letter)
    letter.outbox_id = message.id
    session.flush()
    return message


def due_planned_letters(session: Session, today: date) -> list[TripLetter]:
    """Planned letters of booked trips due on or before `today`, earliest first."""
    return list(
        session.scalars(
            select(TripLetter)
            .join(Trip, TripLetter.trip_id == Trip.id)
            .where(
                TripLetter.status == LetterStatus.PLANNED,
                TripLetter.due_on <= today,
                Trip.status == TripStatus.BOOKED,
            )
            .order_by(TripLetter.due_on, TripLetter.id)
        )
    )


def send_due_letters(session: Session, now: datetime) -> int:
    """Send every planned letter due today or earlier (settings `reminders_auto_send`);
    returns how many were queued. A letter that cannot go (no e-mail, a failing template)
    is logged and left planned for its manager. The caller commits."""
    today = agency_today(now)
    sent = 0
    for letter in due_planned_letters(session, today):
        try:
            send_letter(session, letter, None, now)
        except LetterError as error:
            logger.warning("letter %s of trip %s not sent: %s", letter.id, letter.trip_id, error)
            continue
        sent += 1
    return sent
