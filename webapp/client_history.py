"""A client's history as the back office shows it: each event's title, detail, who, and
the page to read more on (models/care/client_queries.py gives the events as data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, assert_never

from models.care.client_queries import (
    ContactInHistory,
    FeedbackInHistory,
    HistoryEntry,
    LeadInHistory,
    LetterInHistory,
    TripInHistory,
)
from models.care.letter_checklists import day_text
from models.care.letter_schedule import letter_label

HistoryKind = Literal["lead", "contact", "trip", "letter", "feedback"]


@dataclass(frozen=True)
class HistoryLine:
    """One line of a client's history: when, what, by whom, and where to read more."""

    at: datetime
    kind: HistoryKind
    title: str
    detail: str | None = None
    who: str | None = None
    url: str | None = None
    outcome: str | None = None


def lead_url(lead_id: int) -> str:
    return f"/manager/leads/{lead_id}"


def trip_url(trip_id: int) -> str:
    return f"/manager/trips/{trip_id}"


def history_line(entry: HistoryEntry) -> HistoryLine:
    """One event of the history, worded."""
    match entry:
        case LeadInHistory():
            if entry.from_call:
                asked = "handed on from a warm call"
            else:
                asked = f"asked about {entry.hotel}" if entry.hotel else "asked after a search"
            return HistoryLine(
                at=entry.at,
                kind="lead",
                title=f"Lead #{entry.lead_id} ({entry.status})",
                detail=asked,
                who=entry.manager,
                url=lead_url(entry.lead_id),
            )
        case ContactInHistory():
            handed = f" to {entry.handed_to}" if entry.handed_to else ""
            outcome = entry.outcome.replace("_", " ")
            return HistoryLine(
                at=entry.at,
                kind="contact",
                title=f"{entry.contact_kind.capitalize()}: {outcome}{handed}",
                detail=entry.note,
                who=entry.manager,
                outcome=entry.outcome,
            )
        case TripInHistory():
            return HistoryLine(
                at=entry.at,
                kind="trip",
                title=f"Trip #{entry.trip_id}: {entry.hotel_name} ({entry.status})",
                detail=(
                    f"{entry.place}, "
                    f"{day_text(entry.departure_date)} – {day_text(entry.return_date)}"
                ),
                who=entry.manager,
                url=trip_url(entry.trip_id),
            )
        case LetterInHistory():
            return HistoryLine(
                at=entry.at,
                kind="letter",
                title=f"{letter_label(entry.template_key).capitalize()} sent",
                detail=entry.subject,
                who=entry.sent_by or "sent automatically",
                url=trip_url(entry.trip_id),
            )
        case FeedbackInHistory():
            return HistoryLine(
                at=entry.at,
                kind="feedback",
                title=(
                    f"Feedback on trip #{entry.trip_id}: manager {entry.manager_rating}/5, "
                    f"trip {entry.trip_rating}/5"
                ),
                detail=entry.comment,
                url=trip_url(entry.trip_id),
            )
        case _:
            assert_never(entry)


def history_lines(entries: list[HistoryEntry]) -> list[HistoryLine]:
    """The history's lines, in the history's order (newest first)."""
    return [history_line(entry) for entry in entries]
