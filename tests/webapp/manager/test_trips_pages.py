"""Booking a trip from a won lead, its page, moving its dates and cancelling it."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models.agency_time import agency_today
from models.base import utcnow
from models.care.clients import Client
from models.care.letter_schedule import due_date
from models.care.trips import Trip, TripLetter
from tests.factories import make_client, make_lead
from tests.webapp.manager.conftest import HTML, post_form
from tests.webapp.pages import main_text


def english_day(day) -> str:
    """A date as the English back office shows it: "7 Dec 2026"."""
    return f"{day.day} {day:%b %Y}"


def rows(session) -> tuple[int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Trip, TripLetter, Client)
    )


@pytest.fixture
def today():
    return agency_today(utcnow())


@pytest.fixture
def won_lead(session, manager, today):
    departure = today + timedelta(days=90)
    lead = make_lead(
        session,
        name="Olga Petrova",
        email="olga@example.org",
        status="won",
        assigned_to=manager,
        extras=["transfer"],
        snapshot={
            "hotel": "Antalya Palace",
            "operator": "SunCoast Tours",
            "resort": "Antalya",
            "country": "Turkey",
            "departure_date": departure.isoformat(),
            "return_date": (departure + timedelta(days=7)).isoformat(),
            "adults": 2,
            "children": 1,
            "price": "2400.00",
            "currency": "EUR",
        },
    )
    session.commit()
    return lead


def form_fields(today, **changes) -> dict:
    departure = today + timedelta(days=90)
    return {
        "hotel_name": "Antalya Palace",
        "operator_name": "SunCoast Tours",
        "destination": "Antalya, Turkey",
        "departure_date": departure.isoformat(),
        "return_date": (departure + timedelta(days=7)).isoformat(),
        "adults": "2",
        "children": "1",
        "price": "2400.00",
        "currency": "EUR",
        "extras": ["transfer", "insurance"],
        **changes,
    }


def test_a_won_lead_offers_the_trip_form_prefilled(as_manager, won_lead, today):
    lead_page = as_manager.get(f"/manager/leads/{won_lead.id}", headers=HTML)
    assert f'href="/manager/leads/{won_lead.id}/trip">Create trip</a>' in lead_page.text

    form = as_manager.get(f"/manager/leads/{won_lead.id}/trip", headers=HTML)
    assert form.status_code == 200
    departure = (today + timedelta(days=90)).isoformat()
    for field in (
        'name="hotel_name" maxlength="200" required value="Antalya Palace"',
        'name="destination" maxlength="200" value="Antalya, Turkey"',
        f'name="departure_date" type="date" required value="{departure}"',
        'name="children" type="number" min="0" max="10" value="1"',
        'name="price" inputmode="decimal" required value="2400.00"',
        'value="transfer" checked',
    ):
        assert field in form.text, field


def test_the_trip_form_links_back_to_the_lead_or_client(as_manager, session, won_lead, manager):
    lead_form = as_manager.get(f"/manager/leads/{won_lead.id}/trip", headers=HTML)
    assert (
        f'<a href="/manager/leads/{won_lead.id}">← Lead #{won_lead.id}: Olga Petrova</a>'
        in lead_form.text
    )
    client = make_client(session, name="Ivan <Repeat>", manager=manager)
    session.commit()
    client_form = as_manager.get(f"/manager/clients/{client.id}/trip", headers=HTML)
    assert f'<a href="/manager/clients/{client.id}">← Ivan &lt;Repeat&gt;</a>' in client_form.text


def test_booking_plans_the_letters_and_opens_the_trip(as_manager, session, won_lead, today):
    url = f"/manager/leads/{won_lead.id}/trip"
    response = post_form(as_manager, url, form_fields(today), page=url)
    assert response.status_code == 303
    trip = session.scalars(select(Trip)).one()
    assert response.headers["location"] == f"/manager/trips/{trip.id}?done=created"
    assert trip.extras == ["transfer", "insurance"]

    page = as_manager.get(response.headers["location"], headers=HTML)
    text = main_text(page.text)
    assert "The trip is booked and its letters are planned." in text
    assert f'href="/manager/clients/{trip.client_id}"' in page.text
    departure = today + timedelta(days=90)
    for key, label in (("2m", "2-month"), ("1m", "1-month"), ("2w", "2-week"), ("3d", "3-day")):
        assert f"{label} letter {english_day(due_date(departure, key))} planned" in text
    assert "2 adults + 1 child" in text
    assert "€2,400" in text
    assert "airport transfer, travel insurance" in text

    # The lead's trip link now leads to the trip; a second booking is refused.
    again = as_manager.get(url, headers=HTML)
    assert (again.status_code, again.headers["location"]) == (303, f"/manager/trips/{trip.id}")
    before = rows(session)
    second = post_form(as_manager, url, form_fields(today), page=f"/manager/trips/{trip.id}")
    assert second.status_code == 422
    assert "this lead already has its trip" in main_text(second.text)
    assert rows(session) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"departure_date": "PAST"}, "is in the past"),
        ({"return_date": "BEFORE"}, "the return date must be after the departure date"),
        ({"adults": "0"}, "a trip is for 1 to 20 adults"),
        ({"currency": "euro"}, "the currency must be a 3-letter code such as EUR"),
        ({"price": "cheap"}, "give the price as a number"),
        ({"extras": ["spa"]}, "'spa' is not an extra Tourscope knows"),
    ],
)
def test_bad_input_is_shown_with_what_was_typed(
    as_manager, session, won_lead, today, changes, message
):
    if changes.get("departure_date") == "PAST":
        changes["departure_date"] = (today - timedelta(days=1)).isoformat()
    if changes.get("return_date") == "BEFORE":
        changes["return_date"] = (today + timedelta(days=80)).isoformat()
    url = f"/manager/leads/{won_lead.id}/trip"
    before = rows(session)
    fields = form_fields(today, hotel_name="Hotel <Typed> by hand", **changes)
    response = post_form(as_manager, url, fields, page=url)
    assert response.status_code == 422
    assert message in main_text(response.text)
    assert 'value="Hotel &lt;Typed&gt; by hand"' in response.text
    assert rows(session) == before


def test_a_lead_not_won_cannot_be_booked(as_manager, session, manager, today):
    lead = make_lead(session, status="contacted", assigned_to=manager)
    session.commit()
    form = as_manager.get(f"/manager/leads/{lead.id}/trip", headers=HTML)
    assert form.status_code == 409
    assert "mark the lead won first" in main_text(form.text)
    assert 'name="hotel_name"' not in form.text
    lead_page = as_manager.get(f"/manager/leads/{lead.id}", headers=HTML)
    assert "Create trip" not in lead_page.text


def test_booking_needs_a_csrf_token(as_manager, session, won_lead, today):
    response = as_manager.post(
        f"/manager/leads/{won_lead.id}/trip", data=form_fields(today), headers=HTML
    )
    assert response.status_code == 403
    assert rows(session) == (0, 0, 0)


def test_a_client_books_a_trip_without_a_lead(as_manager, session, manager, today):
    client = make_client(session, name="Ivan Repeat", manager=manager, adults=3)
    session.commit()
    url = f"/manager/clients/{client.id}/trip"
    form = as_manager.get(url, headers=HTML)
    assert "Book a trip for Ivan Repeat" in main_text(form.text)
    assert 'name="adults" type="number" min="1" max="20" required value="3"' in form.text
    response = post_form(as_manager, url, form_fields(today), page=url)
    assert response.status_code == 303
    trip = session.scalars(select(Trip)).one()
    assert (trip.client_id, trip.lead_id) == (client.id, None)


@pytest.fixture
def booked(as_manager, won_lead, today, session):
    url = f"/manager/leads/{won_lead.id}/trip"
    assert post_form(as_manager, url, form_fields(today), page=url).status_code == 303
    return session.scalars(select(Trip)).one()


def test_new_dates_replan_the_letters(as_manager, session, booked, today):
    url = f"/manager/trips/{booked.id}"
    departure = today + timedelta(days=10)
    response = post_form(
        as_manager,
        f"{url}/dates",
        {
            "departure_date": departure.isoformat(),
            "return_date": (departure + timedelta(days=5)).isoformat(),
        },
        page=url,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}?done=dates"
    text = main_text(as_manager.get(f"{url}?done=dates", headers=HTML).text)
    assert "the unsent letters follow the new departure date" in text
    assert f"2-week letter {english_day(due_date(departure, '2w'))} skipped" in text
    assert f"3-day letter {english_day(due_date(departure, '3d'))} planned" in text


def test_bad_new_dates_are_refused_and_kept(as_manager, session, booked, today):
    url = f"/manager/trips/{booked.id}"
    departure = booked.departure_date
    typed_back = (departure - timedelta(days=2)).isoformat()
    response = post_form(
        as_manager,
        f"{url}/dates",
        {"departure_date": departure.isoformat(), "return_date": typed_back},
        page=url,
    )
    assert response.status_code == 422
    assert "the return date must be after the departure date" in main_text(response.text)
    assert f'value="{typed_back}"' in response.text
    session.expire_all()
    assert session.get(Trip, booked.id).return_date == departure + timedelta(days=7)


def letter_statuses(session, trip) -> set[str]:
    session.expire_all()
    return set(session.scalars(select(TripLetter.status).where(TripLetter.trip_id == trip.id)))


def test_cancelling_asks_to_tick_the_box(as_manager, session, booked):
    url = f"/manager/trips/{booked.id}"
    page = as_manager.get(url, headers=HTML)
    assert 'name="confirm" value="yes" required' in page.text
    assert "Yes, cancel this trip and its unsent letters" in main_text(page.text)

    before = rows(session)
    response = post_form(as_manager, f"{url}/cancel", {"reason": "Client <ill>"}, page=url)
    assert response.status_code == 422
    assert "tick the box to confirm the cancellation" in main_text(response.text)
    assert 'name="reason" maxlength="500" value="Client &lt;ill&gt;"' in response.text
    assert rows(session) == before
    assert letter_statuses(session, booked) == {"planned"}
    assert session.get(Trip, booked.id).status == "booked"


def test_cancelling_a_trip(as_manager, session, booked, won_lead):
    url = f"/manager/trips/{booked.id}"
    response = post_form(
        as_manager,
        f"{url}/cancel",
        {"confirm": "yes", "reason": "the client <broke> a leg"},
        page=url,
    )
    assert (response.status_code, response.headers["location"]) == (303, f"{url}?done=cancelled")
    assert letter_statuses(session, booked) == {"cancelled"}
    assert session.get(Trip, booked.id).status == "cancelled"
    page = as_manager.get(f"{url}?done=cancelled", headers=HTML)
    text = main_text(page.text)
    assert "The trip is cancelled" in text
    assert "Reason for cancelling: the client <broke> a leg" in text
    assert text.count("cancelled") >= 5  # the trip and its four letters
    assert f"{url}/dates" not in page.text  # nothing more to change
    history = main_text(as_manager.get(f"/manager/leads/{won_lead.id}", headers=HTML).text)
    assert f"trip #{booked.id} cancelled: the client <broke> a leg" in history

    again = post_form(as_manager, f"{url}/cancel", {"confirm": "yes"}, page="/manager")
    assert again.status_code == 422 and "already cancelled" in again.text


def test_a_too_long_reason_is_refused_and_kept(as_manager, session, booked):
    url = f"/manager/trips/{booked.id}"
    reason = "r" * 501
    response = post_form(
        as_manager, f"{url}/cancel", {"confirm": "yes", "reason": reason}, page=url
    )
    assert response.status_code == 422
    assert "the reason must be at most 500 characters" in main_text(response.text)
    assert f'value="{reason}"' in response.text
    assert 'value="yes" required checked' in response.text
    session.expire_all()
    assert session.get(Trip, booked.id).status == "booked"


def test_a_trip_without_a_lead_keeps_its_reason_itself(as_manager, session, manager, today):
    client = make_client(session, name="Ivan Repeat", manager=manager)
    session.commit()
    url = f"/manager/clients/{client.id}/trip"
    assert post_form(as_manager, url, form_fields(today), page=url).status_code == 303
    trip = session.scalars(select(Trip)).one()
    page = as_manager.get(f"/manager/trips/{trip.id}", headers=HTML)
    assert 'name="reason"' in page.text
    response = post_form(
        as_manager,
        f"/manager/trips/{trip.id}/cancel",
        {"confirm": "yes", "reason": "found a cheaper flight"},
        page=url,
    )
    assert response.status_code == 303
    session.expire_all()
    cancelled = session.get(Trip, trip.id)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "found a cheaper flight")
    page = as_manager.get(f"/manager/trips/{trip.id}", headers=HTML)
    assert "found a cheaper flight" in main_text(page.text)


def test_an_unknown_trip_is_a_404(as_manager):
    for trip_id in ("999", "abc"):
        assert as_manager.get(f"/manager/trips/{trip_id}", headers=HTML).status_code == 404
