"""Client care in a real browser: a manager takes one client from a lead to a won trip,
sees the 2-week letter due on the dashboard, sends it, and the client later opens the
feedback form from the invitation e-mail and answers it."""

import re
from datetime import UTC, datetime, time, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from models.agency_time import agency_today
from models.care.feedback import invite_feedback
from models.care.trips import Feedback, LetterStatus, Trip, TripLetter
from models.leads.records import OutboxMessage
from tests.factories import PASSWORD, make_lead, make_user


def _lead_leaving_in_two_weeks(session):
    """A visitor's lead for a tour that leaves 14 days from the agency's today."""
    manager = make_user(session, "mia@example.com", role="manager", name="Mia Manager")
    departure = agency_today() + timedelta(days=14)
    back = departure + timedelta(days=7)
    lead = make_lead(
        session,
        name="Clara Client",
        email="clara@example.org",
        language="en",  # she asked on the English site: her letters are English
        assigned_to=manager,
        snapshot={
            "hotel": "Antalya Palace",
            "resort": "Antalya",
            "country": "Turkey",
            "operator": "SunCoast Tours",
            "departure_date": departure.isoformat(),
            "return_date": back.isoformat(),
            "dates": f"{departure:%d %b %Y} – {back:%d %b %Y}",
            "nights": 7,
            "meal": "AI",
            "room": "Family Room",
            "adults": 2,
            "children": 0,
            "party": "2 adults",
            "price": "2400.00",
            "currency": "EUR",
            "url": "http://suncoast.example/tour/1",
            "checked_at": datetime.now(UTC).isoformat(),
        },
    )
    session.commit()
    return lead


def _move_lead(page, status: str) -> None:
    page.check(f"input[name=to_status][value={status}]")
    page.click("form[action$='/status'] button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("The status is changed.")


def test_a_client_from_lead_to_trip_letter_and_feedback(web, page, session, artifacts):
    lead = _lead_leaving_in_two_weeks(session)

    # The manager logs in and wins the lead.
    page.goto(f"{web}/manager/leads/{lead.id}")
    page.wait_for_url(re.compile(r"/manager/login\?next="))
    page.fill("#email", "mia@example.com")
    page.fill("#password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/manager/leads/{lead.id}$"))
    for status in ("contacted", "offer_sent", "won"):
        _move_lead(page, status)

    # The lead becomes a client, whose profile learns their needs.
    page.get_by_role("button", name="Make client record").click()
    page.wait_for_url(re.compile(r"/manager/clients/\d+"))
    expect(page.locator("h1")).to_have_text("Clara Client")
    client_url = page.url.split("?")[0]
    page.goto(f"{client_url}/edit")
    page.fill("#pref_dietary_other", "gluten free")
    page.fill("#pref_pet_other", "dog: Rex")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url(re.compile(r"/manager/clients/\d+"))
    expect(page.locator("main")).to_contain_text("Rex")
    page.screenshot(path=str(artifacts / "care-client.png"), full_page=True)

    # Back on the won lead, the trip is booked from the offer the visitor asked about.
    page.goto(f"{web}/manager/leads/{lead.id}")
    page.get_by_role("link", name="Create trip").click()
    expect(page.locator("#hotel_name")).to_have_value("Antalya Palace")
    departure = agency_today() + timedelta(days=14)
    expect(page.locator("#departure_date")).to_have_value(departure.isoformat())
    page.get_by_role("button", name="Book the trip").click()
    page.wait_for_url(re.compile(r"/manager/trips/\d+"))
    trip_page = page.locator("main")
    expect(trip_page).to_contain_text("2-week letter")
    page.screenshot(path=str(artifacts / "care-trip.png"), full_page=True)

    # The dashboard says what to write today; the draft carries the client's checklist.
    page.goto(f"{web}/manager")
    due = page.get_by_role("link", name=re.compile(r"write to Clara Client: 2-week letter"))
    expect(due).to_be_visible()
    due.click()
    page.wait_for_url(re.compile(r"/manager/letters/\d+$"))
    draft = page.locator("main")
    expect(draft).to_contain_text("Gluten free")
    expect(draft).to_contain_text("Rex")
    page.screenshot(path=str(artifacts / "care-letter.png"), full_page=True)
    page.get_by_role("button", name=re.compile(r"Send to Clara Client")).click()
    page.wait_for_url(re.compile(r"done=sent"))

    session.expire_all()
    trip = session.scalars(select(Trip).where(Trip.lead_id == lead.id)).one()
    letter = session.scalars(
        select(TripLetter).where(TripLetter.trip_id == trip.id, TripLetter.template_key == "2w")
    ).one()
    assert letter.status == LetterStatus.SENT
    sent = session.get(OutboxMessage, letter.outbox_id)
    assert sent.to_address == "clara@example.org" and "Rex" in sent.body
    page.goto(f"{web}/manager")
    expect(page.get_by_role("link", name=re.compile(r"write to Clara Client"))).to_have_count(0)

    # Two days after the return, the care job invites the client; the e-mail's link opens
    # the feedback form, which takes one answer.
    back_home = datetime.combine(trip.return_date + timedelta(days=2), time(12), UTC)
    assert invite_feedback(session, back_home) == 1
    session.commit()
    invitation = session.scalars(
        select(OutboxMessage).where(OutboxMessage.body.contains("/feedback/"))
    ).one()
    link = re.search(r"https?://\S+/feedback/(\S+)", invitation.body)
    page.goto(f"{web}/feedback/{link.group(1)}")
    page.check("input[name=manager_rating][value='5']")
    page.check("input[name=trip_rating][value='4']")
    page.fill("#comment", "Rex was well looked after, thank you!")
    page.screenshot(path=str(artifacts / "care-feedback.png"), full_page=True)
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator("main")).to_contain_text(re.compile(r"[Tt]hank you"))
    session.expire_all()
    answer = session.scalars(select(Feedback).where(Feedback.trip_id == trip.id)).one()
    assert (answer.manager_rating, answer.trip_rating) == (5, 4)

    # The same link does not take a second answer.
    response = page.goto(f"{web}/feedback/{link.group(1)}")
    assert response.status == 409
    expect(page.locator("main")).to_contain_text("already answered")
