"""The letter schedule's rules: offsets, calendar months, the agency's today, plan and re-plan."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from models.agency_time import agency_today
from models.care.letter_schedule import (
    due_date,
    letter_label,
    parse_offset,
    plan_letters,
    schedule,
)
from models.care.trips import LetterStatus, Trip, TripLetter
from tourscope.foundation.i18n import use_locale

OFFSETS = ["2m", "1m", "2w", "3d"]


@pytest.mark.parametrize(
    ("text", "amount", "unit", "label", "russian"),
    [
        ("2m", 2, "m", "2-month letter", "письмо за 2 месяца"),
        ("1m", 1, "m", "1-month letter", "письмо за 1 месяц"),
        ("2w", 2, "w", "2-week letter", "письмо за 2 недели"),
        ("3d", 3, "d", "3-day letter", "письмо за 3 дня"),
        ("10d", 10, "d", "10-day letter", "письмо за 10 дней"),
    ],
)
def test_offsets_parse(text, amount, unit, label, russian):
    offset = parse_offset(text)
    assert (offset.amount, offset.unit) == (amount, unit)
    with use_locale("en"):
        assert letter_label(text) == label
    with use_locale("ru"):
        assert letter_label(text) == russian


@pytest.mark.parametrize("text", ["", "2", "m", "0d", "2y", "-1d", "2 weeks"])
def test_bad_offsets_are_refused(text):
    with pytest.raises(ValueError, match="is not an offset"):
        parse_offset(text)


@pytest.mark.parametrize(
    ("departure", "offset", "due"),
    [
        (date(2030, 6, 15), "2m", date(2030, 4, 15)),
        (date(2030, 6, 15), "1m", date(2030, 5, 15)),
        (date(2030, 6, 15), "2w", date(2030, 6, 1)),
        (date(2030, 6, 15), "3d", date(2030, 6, 12)),
        # Calendar months, clamped to the month's end.
        (date(2030, 8, 31), "1m", date(2030, 7, 31)),
        (date(2030, 3, 31), "1m", date(2030, 2, 28)),
        (date(2032, 3, 31), "1m", date(2032, 2, 29)),  # a leap year
        (date(2030, 5, 31), "1m", date(2030, 4, 30)),
        (date(2030, 4, 30), "2m", date(2030, 2, 28)),
        # Across the new year.
        (date(2031, 1, 15), "2m", date(2030, 11, 15)),
        (date(2031, 1, 2), "3d", date(2030, 12, 30)),
        (date(2031, 1, 10), "2w", date(2030, 12, 27)),
    ],
)
def test_due_dates(departure, offset, due):
    assert due_date(departure, offset) == due


def test_booked_three_months_ahead_plans_all_four_letters():
    letters = schedule(date(2030, 9, 20), OFFSETS, today=date(2030, 6, 20))
    assert [(letter.key, letter.due_on, letter.status) for letter in letters] == [
        ("2m", date(2030, 7, 20), LetterStatus.PLANNED),
        ("1m", date(2030, 8, 20), LetterStatus.PLANNED),
        ("2w", date(2030, 9, 6), LetterStatus.PLANNED),
        ("3d", date(2030, 9, 17), LetterStatus.PLANNED),
    ]


def test_booked_ten_days_ahead_skips_all_but_the_three_day_letter():
    letters = schedule(date(2030, 9, 20), OFFSETS, today=date(2030, 9, 10))
    assert {letter.key: letter.status for letter in letters} == {
        "2m": LetterStatus.SKIPPED,
        "1m": LetterStatus.SKIPPED,
        "2w": LetterStatus.SKIPPED,
        "3d": LetterStatus.PLANNED,
    }


def test_booked_on_the_two_week_date_the_letter_is_due_that_day():
    letters = {
        letter.key: letter for letter in schedule(date(2030, 9, 20), OFFSETS, date(2030, 9, 6))
    }
    assert letters["2w"].due_on == date(2030, 9, 6)
    assert letters["2w"].status == LetterStatus.PLANNED
    assert letters["1m"].status == LetterStatus.SKIPPED


@pytest.mark.parametrize(
    ("instant", "zone", "today"),
    [
        # 21:30 UTC is already 00:30 the next day in Moscow (UTC+3)...
        (datetime(2030, 9, 16, 21, 30, tzinfo=UTC), "Europe/Moscow", date(2030, 9, 17)),
        # ...and still 17:30 the same day in New York (UTC-4 in September).
        (datetime(2030, 9, 16, 21, 30, tzinfo=UTC), "America/New_York", date(2030, 9, 16)),
        (datetime(2030, 1, 1, 3, 0, tzinfo=UTC), "America/New_York", date(2029, 12, 31)),
        (datetime(2030, 9, 16, 20, 59, tzinfo=UTC), "Europe/Moscow", date(2030, 9, 16)),
    ],
)
def test_today_is_the_agency_date(instant, zone, today):
    assert agency_today(instant, ZoneInfo(zone)) == today


def _trip(departure: date) -> Trip:
    return Trip(departure_date=departure, letters=[])


def test_replanning_moves_unsent_letters_and_keeps_sent_ones():
    trip = _trip(date(2030, 9, 20))
    plan_letters(trip, OFFSETS, today=date(2030, 6, 1))
    letters = {letter.template_key: letter for letter in trip.letters}
    letters["2m"].status = LetterStatus.SENT.value  # sent on 20 Jul

    trip.departure_date = date(2030, 10, 20)  # a month later, re-planned on 1 Aug
    moved = plan_letters(trip, OFFSETS, today=date(2030, 8, 1))

    assert {letter.template_key for letter in moved} == {"1m", "2w", "3d"}
    assert (letters["2m"].status, letters["2m"].due_on) == ("sent", date(2030, 7, 20))
    assert (letters["1m"].status, letters["1m"].due_on) == ("planned", date(2030, 9, 20))
    assert (letters["2w"].due_on, letters["3d"].due_on) == (date(2030, 10, 6), date(2030, 10, 17))


def test_moving_the_trip_later_revives_skipped_letters():
    trip = _trip(date(2030, 9, 20))
    plan_letters(trip, OFFSETS, today=date(2030, 9, 10))  # booked late: three skipped
    trip.departure_date = date(2030, 12, 1)
    plan_letters(trip, OFFSETS, today=date(2030, 9, 12))
    letters = {letter.template_key: letter for letter in trip.letters}
    assert {key: letter.status for key, letter in letters.items()} == dict.fromkeys(
        OFFSETS, "planned"
    )
    assert letters["2m"].due_on == date(2030, 10, 1)


def test_moving_the_trip_earlier_skips_the_letters_now_past():
    trip = _trip(date(2030, 12, 1))
    plan_letters(trip, OFFSETS, today=date(2030, 9, 12))  # all four planned
    trip.departure_date = date(2030, 10, 1)
    plan_letters(trip, OFFSETS, today=date(2030, 9, 12))
    statuses = {letter.template_key: letter.status for letter in trip.letters}
    assert statuses == {"2m": "skipped", "1m": "skipped", "2w": "planned", "3d": "planned"}


def test_letters_of_removed_offsets_are_left_alone():
    trip = _trip(date(2030, 9, 20))
    plan_letters(trip, OFFSETS, today=date(2030, 6, 1))
    trip.departure_date = date(2030, 10, 20)
    plan_letters(trip, ["2w", "3d"], today=date(2030, 6, 2))
    letters = {letter.template_key: letter for letter in trip.letters}
    assert letters["2m"].due_on == date(2030, 7, 20)  # still on the old date
    assert letters["2w"].due_on == date(2030, 10, 6)


def test_a_new_offset_adds_its_letter_on_replanning():
    trip = _trip(date(2030, 9, 20))
    trip.letters.append(TripLetter(template_key="3d", due_on=date(2030, 9, 17), status="planned"))
    plan_letters(trip, ["1w", "3d"], today=date(2030, 6, 1))
    assert sorted(letter.template_key for letter in trip.letters) == ["1w", "3d"]
