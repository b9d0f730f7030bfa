"""Booking a trip from a won lead, moving it and cancelling it, with its letter schedule."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from models.agency_time import agency_today
from models.care.clients import Client
from models.care.letter_queries import due_letters
from models.care.trip_workflow import (
    TripError,
    cancel_trip,
    change_dates,
    create_trip,
    create_trip_from_lead,
)
from models.care.trips import Trip, TripLetter
from models.leads.records import LeadEvent
from tests.factories import make_client, make_lead, make_user, row_count, trip_details
from tourscope.foundation.settings import get_settings

# 12:00 in Moscow (the default agency time zone) on 20 Jun 2030.
NOW = datetime(2030, 6, 20, 9, 0, tzinfo=UTC)


def details(**changes):
    return trip_details(date(2030, 9, 20), **{"children": 1, "extras": ("transfer",), **changes})


def counts(session) -> tuple[int, int, int, int]:
    """Rows of trips, letters, clients and lead events: a refused change adds none."""
    return tuple(row_count(session, model) for model in (Trip, TripLetter, Client, LeadEvent))


def letters_of(trip: Trip) -> dict[str, tuple[date, str]]:
    return {letter.template_key: (letter.due_on, letter.status) for letter in trip.letters}


@pytest.fixture
def won_lead(session, manager):
    lead = make_lead(session, status="won", assigned_to=manager, email="Anna@Example.org")
    session.commit()
    return lead


def test_a_won_lead_becomes_a_trip_with_its_letters(session, manager, won_lead):
    trip = create_trip_from_lead(session, won_lead, manager, details(), NOW)
    session.commit()

    assert trip.client.name == "Anna Visitor"
    assert trip.client.email == "anna@example.org"
    assert won_lead.client_id == trip.client_id
    assert trip.manager_id == manager.id
    assert trip.lead_id == won_lead.id
    assert trip.extras == ["transfer"]
    assert letters_of(trip) == {
        "2m": (date(2030, 7, 20), "planned"),
        "1m": (date(2030, 8, 20), "planned"),
        "2w": (date(2030, 9, 6), "planned"),
        "3d": (date(2030, 9, 17), "planned"),
    }
    note = session.scalars(select(LeadEvent).where(LeadEvent.kind == "note")).one()
    assert note.note == f"trip #{trip.id} booked: Antalya Palace, departing 20 Sep 2030"


def test_a_late_booking_skips_the_letters_already_past(session, manager, won_lead):
    trip = create_trip_from_lead(
        session,
        won_lead,
        manager,
        details(departure_date=date(2030, 6, 30), return_date=date(2030, 7, 7)),
        NOW,
    )
    assert letters_of(trip) == {
        "2m": (date(2030, 4, 30), "skipped"),
        "1m": (date(2030, 5, 30), "skipped"),
        "2w": (date(2030, 6, 16), "skipped"),
        "3d": (date(2030, 6, 27), "planned"),
    }


def test_booked_on_the_two_week_date_that_letter_is_due_today(session, manager, won_lead):
    trip = create_trip_from_lead(
        session,
        won_lead,
        manager,
        details(departure_date=date(2030, 7, 4), return_date=date(2030, 7, 11)),
        NOW,
    )
    assert letters_of(trip)["2w"] == (date(2030, 6, 20), "planned")


# 21:30 UTC on 16 Sep: already 00:30 on 17 Sep in Moscow, still 17:30 on 16 Sep in New York.
LATE_EVENING_UTC = datetime(2030, 9, 16, 21, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "local_day", "four_day_status", "due_today"),
    [
        ("Europe/Moscow", date(2030, 9, 17), "skipped", ["3d"]),
        ("America/New_York", date(2030, 9, 16), "planned", ["4d"]),
    ],
)
def test_the_booking_day_is_the_agency_date(
    session, manager, won_lead, monkeypatch, zone, local_day, four_day_status, due_today
):
    monkeypatch.setenv("TOURSCOPE_AGENCY_TIMEZONE", zone)
    monkeypatch.setenv("TOURSCOPE_REMINDER_OFFSETS", '["2w", "4d", "3d"]')
    get_settings.cache_clear()
    trip = create_trip_from_lead(session, won_lead, manager, details(), LATE_EVENING_UTC)
    session.commit()

    assert agency_today(LATE_EVENING_UTC) == local_day
    assert letters_of(trip) == {
        "2w": (date(2030, 9, 6), "skipped"),
        "4d": (date(2030, 9, 16), four_day_status),
        "3d": (date(2030, 9, 17), "planned"),
    }
    # Booked the day before the 3-day letter's date by the UTC clock, on that very date in
    # Moscow: the letter is due at once there, tomorrow in New York.
    due = due_letters(session, agency_today(LATE_EVENING_UTC))
    assert [row.key for row in due] == due_today


@pytest.mark.parametrize(
    ("zone", "accepted"), [("Europe/Moscow", False), ("America/New_York", True)]
)
def test_departing_on_the_utc_date_is_past_in_moscow_only(
    session, manager, won_lead, monkeypatch, zone, accepted
):
    monkeypatch.setenv("TOURSCOPE_AGENCY_TIMEZONE", zone)
    get_settings.cache_clear()
    departing = details(departure_date=date(2030, 9, 16), return_date=date(2030, 9, 23))
    before = counts(session)
    if accepted:
        create_trip_from_lead(session, won_lead, manager, departing, LATE_EVENING_UTC)
        session.commit()
        assert counts(session)[0] == before[0] + 1
        return
    with pytest.raises(TripError, match="the departure date 16 Sep 2030 is in the past"):
        create_trip_from_lead(session, won_lead, manager, departing, LATE_EVENING_UTC)
    session.rollback()
    assert counts(session) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"departure_date": date(2030, 6, 19)}, "the departure date 19 Jun 2030 is in the past"),
        ({"return_date": date(2030, 9, 19)}, "the return date must be after the departure date"),
        ({"return_date": date(2030, 9, 20)}, "the return date must be after the departure date"),
        ({"adults": 0}, "a trip is for 1 to 20 adults"),
        ({"adults": 21}, "a trip is for 1 to 20 adults"),
        ({"children": 11}, "a trip is for 0 to 10 children"),
        ({"price": Decimal("-1")}, "the price cannot be negative"),
        ({"price": Decimal("5000000")}, "is surely a typo"),
        ({"currency": "EURO"}, "the currency must be a 3-letter code"),
        ({"currency": "eu1"}, "the currency must be a 3-letter code"),
        ({"extras": ("transfer", "spa")}, "'spa' is not an extra Tourscope knows"),
        ({"hotel_name": ""}, "name the hotel"),
    ],
)
def test_bad_details_are_refused_and_change_nothing(session, manager, won_lead, changes, message):
    before = counts(session)
    with pytest.raises(TripError, match=message):
        create_trip_from_lead(session, won_lead, manager, details(**changes), NOW)
    session.rollback()
    assert counts(session) == before
    assert session.get(type(won_lead), won_lead.id).client_id is None


def test_a_lead_not_won_has_no_trip(session, manager):
    lead = make_lead(session, status="offer_sent", assigned_to=manager)
    session.commit()
    before = counts(session)
    with pytest.raises(TripError, match="mark the lead won first"):
        create_trip_from_lead(session, lead, manager, details(), NOW)
    session.rollback()
    assert counts(session) == before


def test_one_trip_per_lead(session, manager, won_lead):
    create_trip_from_lead(session, won_lead, manager, details(), NOW)
    session.commit()
    before = counts(session)
    with pytest.raises(TripError, match="already has its trip"):
        create_trip_from_lead(session, won_lead, manager, details(), NOW)
    session.rollback()
    assert counts(session) == before


def test_a_client_without_a_lead_books_a_trip(session, manager):
    owner = make_user(session, "olga.owner@example.com", name="Owen Owner")
    client = make_client(session, manager=owner)
    trip = create_trip(session, client, manager, details(), NOW)
    session.commit()
    assert (trip.client_id, trip.lead_id, trip.manager_id) == (client.id, None, owner.id)
    assert len(trip.letters) == 4


def test_a_new_departure_date_replans_unsent_letters_and_keeps_sent_ones(
    session, manager, won_lead
):
    trip = create_trip_from_lead(session, won_lead, manager, details(), NOW)
    sent = next(letter for letter in trip.letters if letter.template_key == "2m")
    sent.status = "sent"
    session.commit()

    moved = change_dates(
        session,
        trip,
        date(2030, 8, 10),
        date(2030, 8, 17),
        manager,
        datetime(2030, 7, 25, 9, 0, tzinfo=UTC),
    )
    session.commit()

    assert sorted(letter.template_key for letter in moved) == ["1m", "2w", "3d"]
    assert (trip.departure_date, trip.return_date) == (date(2030, 8, 10), date(2030, 8, 17))
    assert letters_of(trip) == {
        "2m": (date(2030, 7, 20), "sent"),
        "1m": (date(2030, 7, 10), "skipped"),
        "2w": (date(2030, 7, 27), "planned"),
        "3d": (date(2030, 8, 7), "planned"),
    }


def test_a_new_return_date_alone_leaves_an_overdue_letter_due(session, manager, won_lead):
    trip = create_trip_from_lead(session, won_lead, manager, details(), NOW)
    session.commit()
    later = datetime(2030, 7, 22, 9, 0, tzinfo=UTC)  # the 2-month letter (20 Jul) is overdue
    assert change_dates(session, trip, trip.departure_date, date(2030, 9, 30), manager, later) == []
    assert letters_of(trip)["2m"] == (date(2030, 7, 20), "planned")


@pytest.mark.parametrize(
    ("departure", "back", "message"),
    [
        (date(2030, 6, 19), date(2030, 6, 26), "is in the past"),
        (date(2030, 9, 20), date(2030, 9, 18), "the return date must be after"),
    ],
)
def test_bad_new_dates_change_nothing(session, manager, won_lead, departure, back, message):
    trip = create_trip_from_lead(session, won_lead, manager, details(), NOW)
    session.commit()
    before = letters_of(trip)
    with pytest.raises(TripError, match=message):
        change_dates(session, trip, departure, back, manager, NOW)
    session.rollback()
    session.expire_all()
    assert (trip.departure_date, trip.return_date) == (date(2030, 9, 20), date(2030, 9, 27))
    assert letters_of(trip) == before


def test_cancelling_cancels_the_unsent_letters(session, manager, won_lead):
    trip = create_trip_from_lead(
        session,
        won_lead,
        manager,
        details(departure_date=date(2030, 7, 10), return_date=date(2030, 7, 17)),
        NOW,
    )
    sent = next(letter for letter in trip.letters if letter.template_key == "2w")
    sent.status = "sent"
    session.commit()

    cancel_trip(session, trip, manager, NOW)
    session.commit()

    assert trip.status == "cancelled"
    assert {key: status for key, (_due, status) in letters_of(trip).items()} == {
        "2m": "cancelled",  # was skipped
        "1m": "cancelled",  # was skipped
        "2w": "sent",
        "3d": "cancelled",
    }
    with pytest.raises(TripError, match="already cancelled"):
        cancel_trip(session, trip, manager, NOW)
    with pytest.raises(TripError, match="cancelled; its dates cannot change"):
        change_dates(session, trip, date(2030, 8, 1), date(2030, 8, 8), manager, NOW)


def lead_notes(session, lead) -> list[str]:
    return list(
        session.scalars(
            select(LeadEvent.note)
            .where(LeadEvent.lead_id == lead.id, LeadEvent.kind == "note")
            .order_by(LeadEvent.id)
        )
    )


def test_the_reason_for_cancelling_goes_to_the_leads_history(session, manager, won_lead):
    trip = create_trip_from_lead(session, won_lead, manager, details(), NOW)
    session.commit()
    assert trip.cancel_reason is None

    cancel_trip(session, trip, manager, NOW, reason="  the client broke a leg ")
    session.commit()

    assert lead_notes(session, won_lead)[-1] == f"trip #{trip.id} cancelled: the client broke a leg"
    assert (trip.cancel_reason, trip.cancelled_at) == ("the client broke a leg", NOW)
    event = session.scalars(select(LeadEvent).order_by(LeadEvent.id.desc()).limit(1)).one()
    assert (event.actor_id, event.at) == (manager.id, NOW)


def test_cancelling_without_a_reason_still_notes_it(session, manager, won_lead):
    trip = create_trip_from_lead(session, won_lead, manager, details(), NOW)
    cancel_trip(session, trip, manager, NOW, reason="   ")
    assert lead_notes(session, won_lead)[-1] == f"trip #{trip.id} cancelled"
    assert trip.cancel_reason is None and trip.cancelled_at == NOW


def test_a_trip_without_a_lead_keeps_its_reason_itself(session, manager):
    client = make_client(session, manager=manager)
    trip = create_trip(session, client, manager, details(), NOW)
    session.commit()
    before = counts(session)
    cancel_trip(session, trip, manager, NOW, reason="changed their mind")
    session.commit()
    assert trip.status == "cancelled"
    assert counts(session) == before  # no lead: no history entry
    assert trip.cancel_reason == "changed their mind"


def test_a_too_long_reason_cancels_nothing(session, manager, won_lead):
    trip = create_trip_from_lead(session, won_lead, manager, details(), NOW)
    session.commit()
    before = counts(session)
    with pytest.raises(TripError, match="the reason must be at most 500 characters"):
        cancel_trip(session, trip, manager, NOW, reason="x" * 501)
    session.rollback()
    assert counts(session) == before
    assert trip.status == "booked"
    assert {status for _due, status in letters_of(trip).values()} == {"planned"}
