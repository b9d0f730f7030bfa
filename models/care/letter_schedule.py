"""The pre-trip letter schedule: when each letter falls due, and whether it is still sent.

An offset ("2m", "1m", "2w", "3d", settings `reminder_offsets`) says how long before
departure a letter goes out; it is also the letter's template key. Months are calendar
months, clamped to the month's end (31 Mar - 1m = 28/29 Feb), so a letter never drifts
into the wrong month. Days are the agency's days: "today" is the date in its time zone,
whatever the server's clock says (models/agency_time.py).

The one rule for planning and re-planning: a letter due before today is SKIPPED (the trip
was booked, or moved, too late for it: a letter is never sent late), otherwise it is
PLANNED; due today counts as planned and due. A sent (or cancelled) letter is history and
is never re-planned; a letter whose offset was since removed from the settings is left as
it is.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from models.care.trips import LetterStatus, Trip, TripLetter
from tourscope.foundation.i18n import ngettext

# The letters a re-plan may move: the ones not sent (nor cancelled with their trip).
UNSENT = (LetterStatus.PLANNED, LetterStatus.SKIPPED)


@dataclass(frozen=True, slots=True)
class Offset:
    """How long before departure: `amount` months, weeks or days (`unit` m, w or d)."""

    amount: int
    unit: str

    @property
    def label(self) -> str:
        """The letter's name in the current language: "2-week letter", "письмо за 2 недели"
        (English says "2-week letter" for any number; Russian declines the noun)."""
        count = self.amount
        if self.unit == "m":
            text = ngettext("%(num)d-month letter", "%(num)d-month letter", count)
        elif self.unit == "w":
            text = ngettext("%(num)d-week letter", "%(num)d-week letter", count)
        else:
            text = ngettext("%(num)d-day letter", "%(num)d-day letter", count)
        return text % {"num": count}


def parse_offset(text: str) -> Offset:
    """ "2m" -> Offset(2, "m"); ValueError for anything that is not <number><m|w|d>."""
    match = re.fullmatch(r"([1-9][0-9]{0,2})([mwd])", text.strip())
    if match is None:
        raise ValueError(f"{text[:20]!r} is not an offset like 2m, 2w or 3d")
    return Offset(int(match.group(1)), match.group(2))


def letter_label(key: str) -> str:
    """A template key as a manager reads it: "2w" -> "2-week letter" (else the key)."""
    try:
        return parse_offset(key).label
    except ValueError:
        return key


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to that month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(departure: date, offset: str | Offset) -> date:
    """The day a letter falls due: the departure date minus the offset."""
    offset = parse_offset(offset) if isinstance(offset, str) else offset
    if offset.unit == "m":
        return months_before(departure, offset.amount)
    days = offset.amount * (7 if offset.unit == "w" else 1)
    return departure - timedelta(days=days)


def status_on(due_on: date, today: date) -> LetterStatus:
    """PLANNED when the letter can still go out on time (today or later), else SKIPPED."""
    return LetterStatus.SKIPPED if due_on < today else LetterStatus.PLANNED


@dataclass(frozen=True, slots=True)
class PlannedLetter:
    key: str
    due_on: date
    status: LetterStatus


def schedule(departure: date, offsets: list[str], today: date) -> list[PlannedLetter]:
    """The letters of a trip departing on `departure`, planned on `today`, earliest first."""
    letters = [
        PlannedLetter(key, due_on, status_on(due_on, today))
        for key in offsets
        for due_on in [due_date(departure, key)]
    ]
    return sorted(letters, key=lambda letter: letter.due_on)


def plan_letters(trip: Trip, offsets: list[str], today: date) -> list[TripLetter]:
    """Plan (or re-plan) the trip's letters by its departure date; returns the letters
    added or moved.

    A letter not there yet is added; an unsent one (planned or skipped) gets its new due
    date and status; a sent or cancelled one, and one whose offset is no longer in
    `offsets`, stays as it is.
    """
    existing = {letter.template_key: letter for letter in trip.letters}
    touched = []
    for planned in schedule(trip.departure_date, offsets, today):
        letter = existing.get(planned.key)
        if letter is None:
            letter = TripLetter(template_key=planned.key)
            trip.letters.append(letter)
        elif letter.status not in UNSENT:
            continue
        letter.due_on = planned.due_on
        letter.status = planned.status.value
        touched.append(letter)
    return touched
