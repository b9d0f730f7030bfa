"""The lead form: validation, CSRF, honeypot, rate limit, size limits, the stored lead,
and the confirmation page while the offer is re-checked and once the answer is in.

The form only queues the re-check; the worker that asks the operator is tested against
the sandbox in tests/crawler/test_recheck.py and tests/test_rechecks.py.
"""

import re
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from models import Lead, LeadEvent, Offer, OutboxMessage, RecheckJob, User
from models.agency_time import agency_today
from models.care import feedback
from models.catalog.exchange_rates import store_rates
from models.leads.intake import RecheckAnswer, record_recheck
from models.leads.records import RecheckStatus
from tests.webapp.pages import main_text
from tourscope.foundation import signing
from webapp import csrf
from webapp.routes import leads as lead_routes

GOOD = {
    "name": "Anna Smith",
    "phone": "+44 20 7946 0958",
    "email": "anna@example.com",
    "contact_time": "evening",
    "wishes": "Sea view, please.\nWe travel with a stroller.",
    "extras": ["car_with_driver", "childrens_room"],
    "consent": "yes",
}


def queued_rechecks(session) -> list[tuple[int, str]]:
    session.expire_all()
    return session.execute(select(RecheckJob.lead_id, RecheckJob.status)).all()


def offer_of(session, hotel_name: str, operator: str = "suncoast") -> Offer:
    from models import Hotel, Operator

    return session.scalars(
        select(Offer)
        .join(Hotel, Offer.hotel_id == Hotel.id)
        .join(Operator, Offer.operator_id == Operator.id)
        .where(Hotel.name == hotel_name, Operator.code == operator)
    ).one()


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name} in the form"
    return unescape(match.group(1))


def open_form(client, query: str) -> dict[str, str]:
    response = client.get(f"/leads/new?{query}")
    assert response.status_code == 200, response.text
    return {
        csrf.FIELD: hidden(response.text, csrf.FIELD),
        "offer_id": hidden(response.text, "offer_id"),
        "search_query": hidden(response.text, "search_query"),
    }


def submit(client, form: dict[str, str], **changes):
    data = {**form, **GOOD, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post("/leads/new", data=data, follow_redirects=False)


def field_errors(html: str) -> dict[str, str]:
    return {
        name: unescape(text)
        for name, text in re.findall(r'class="field-error" id="([a-z_]+)-error">([^<]+)', html)
    }


def lead_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Lead))


# --- The form and the stored lead ---------------------------------------------------------


def test_a_request_about_an_offer_is_stored_with_its_snapshot_history_and_mail(
    client, offers, session
):
    offer = offer_of(session, "Antalya Palace")
    form = open_form(client, f"offer_id={offer.id}&adults=2&children_ages=6&currency=EUR")
    response = submit(client, form)
    assert response.status_code == 303
    lead = session.scalars(select(Lead)).one()
    assert response.headers["location"] == lead_routes.confirmation_url(lead.id)

    assert (lead.name, lead.phone, lead.email) == ("Anna Smith", "+44 20 7946 0958", GOOD["email"])
    assert lead.contact_time == "Evening (17:00–21:00)"
    assert lead.wishes == GOOD["wishes"]
    assert lead.extras == ["car_with_driver", "childrens_room"]
    assert lead.consent is True
    assert (lead.source, lead.offer_id, lead.status) == ("hotel", offer.id, "new")
    assert lead.search_query == "adults=2&children_ages=6&currency=EUR"
    assert lead.client_key and "testclient" not in lead.client_key
    # What the visitor saw, kept even if the offer changes later.
    snapshot = lead.snapshot
    assert snapshot["hotel"] == "Antalya Palace"
    assert snapshot["operator"] == "SunCoast Tours"
    assert snapshot["nights"] == 7
    assert snapshot["meal"] == "AI"
    assert snapshot["room"] == "Deluxe Sea View"
    assert snapshot["party"] == "2 adults"
    assert (snapshot["price"], snapshot["currency"]) == ("1234.00", "EUR")
    assert (snapshot["operator_price"], snapshot["operator_currency"]) == ("1234.00", "EUR")
    assert snapshot["url"] == offer.url
    assert snapshot["checked_at"] == offer.last_seen_at.isoformat()
    assert snapshot["dates"] and snapshot["departure_date"] == offer.departure_date.isoformat()
    # 5* hotel and the two extras.
    assert lead.score == 20 + 15 + 15
    assert lead.score_reasons == [
        "5* hotel",
        "wants: a car with driver",
        "wants: a children's room or a nanny",
    ]
    # History: created; the re-check is queued with the lead, for the worker to ask.
    assert [event.kind for event in lead.events] == ["created"]
    assert lead.events[0].to_status == "new"
    assert (lead.recheck_status, lead.rechecked_at) == ("pending", None)
    assert queued_rechecks(session) == [(lead.id, "pending")]
    # The managers' e-mail waits in the outbox.
    message = session.scalars(select(OutboxMessage)).one()
    assert (message.lead_id, message.status, message.attempts) == (lead.id, "pending", 0)
    assert "Anna Smith" in message.subject and "Antalya Palace" in message.subject
    assert "5* hotel" in message.body and f"/manager/leads/{lead.id}" in message.body

    page = client.get(response.headers["location"])
    assert page.status_code == 200
    text = main_text(page.text)
    assert "your request is saved" in text
    assert "We are asking SunCoast Tours about this tour now" in text
    assert "the answer appears here by itself" in text
    # It looks again by itself: a small script, or a refresh without JavaScript.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page.text
    assert 'data-poll-seconds="2"' in page.text and "/static/recheck.js" in page.text
    assert page.headers["cache-control"] == "no-store"

    # The worker's answer arrives: the same page tells it, and stops looking.
    lead = session.get(Lead, lead.id)
    answer = RecheckAnswer(RecheckStatus.AVAILABLE, offer.price, offer.currency)
    record_recheck(session, lead, answer)
    session.commit()
    page = client.get(response.headers["location"])
    text = main_text(page.text)
    assert "We asked SunCoast Tours about this tour just now" in text
    assert "still available at the price you saw" in text
    assert "refresh" not in page.text and "data-poll-seconds" not in page.text


def test_the_operators_answer_is_shown_in_the_currency_the_visitor_saw(client, offers, session):
    """The operator quotes in dollars, the visitor saw euros: the page compares euros with
    euros (the operator's own figure beside), in the sentence's own type size."""
    store_rates(session, "cbr", agency_today(), {"EUR": (1, Decimal("100")), "USD": (1, 80)})
    offer = offer_of(session, "Antalya Palace")
    offer.price, offer.currency = Decimal("1542.50"), "USD"  # its 1 234 EUR, as quoted
    session.commit()
    response = submit(client, open_form(client, f"offer_id={offer.id}"))
    lead = session.scalars(select(Lead)).one()
    record_recheck(session, lead, RecheckAnswer(RecheckStatus.CHANGED, Decimal("1600"), "USD"))
    session.commit()

    page = client.get(response.headers["location"]).text
    text = main_text(page)
    assert "now asks €1,280 ($1,600), where you saw €1,234." in text  # 1 600 x 80 / 100
    changed = re.search(r"<p>The tour is still sold.*?</p>", page, re.S).group(0)
    assert 'class="money"' not in changed


def test_the_confirmation_page_stops_waiting_for_an_operator_that_never_answers(
    client, offers, session
):
    offer = offer_of(session, "Antalya Palace")
    response = submit(client, open_form(client, f"offer_id={offer.id}"))
    lead = session.scalars(select(Lead)).one()
    lead.created_at -= lead_routes.RECHECK_PATIENCE
    session.commit()
    page = client.get(response.headers["location"])
    text = main_text(page.text)
    assert "SunCoast Tours has not answered yet" in text
    assert "your manager will check it with the operator for you" in text
    assert "refresh" not in page.text and "data-poll-seconds" not in page.text


def test_a_request_about_a_search_keeps_the_search(client, offers, session):
    form = open_form(client, "country=TR&adults=2&children_ages=5&children_ages=9&stars_min=5")
    assert form["offer_id"] == ""
    response = submit(client, form, extras=[])
    assert response.status_code == 303
    lead = session.scalars(select(Lead)).one()
    assert (lead.source, lead.offer_id, lead.recheck_status) == ("search", None, None)
    assert lead.search_query == "country=TR&adults=2&children_ages=5&children_ages=9&stars_min=5"
    assert "in TR" in lead.snapshot["search"]
    assert lead.snapshot["party"] == "2 adults + 2 children"
    assert lead.score_reasons == ["5* hotel", "family of 4"]
    assert queued_rechecks(session) == []  # nothing to re-check
    page = client.get(response.headers["location"])
    assert "look for tours matching your search" in main_text(page.text)


def test_the_confirmation_page_is_only_for_its_visitor(client, offers, session):
    offer = offer_of(session, "Side Garden", "bluesky")
    response = submit(client, open_form(client, f"offer_id={offer.id}"))
    lead_id = session.scalars(select(Lead.id)).one()
    assert client.get(response.headers["location"]).status_code == 200
    assert client.get(f"/leads/{lead_id}/sent").status_code == 404
    assert client.get(f"/leads/{lead_id}/sent?key=guess").status_code == 404
    assert client.get(f"/leads/{lead_id + 1}/sent?key=guess").status_code == 404
    # One signer keys each use apart: a CSRF token or a feedback link's signature of the
    # same text opens nothing here.
    for purpose in (csrf.CSRF_PURPOSE, feedback.FEEDBACK_PURPOSE):
        borrowed = signing.sign(purpose, str(lead_id))
        assert client.get(f"/leads/{lead_id}/sent?key={borrowed}").status_code == 404


def test_the_form_names_the_offer_and_an_unknown_offer_is_a_404(client, offers, session):
    offer = offer_of(session, "Hurghada Reef")
    page = client.get(f"/leads/new?offer_id={offer.id}")
    text = main_text(page.text)
    assert "Request this tour" in text and "Hurghada Reef" in text and "SunCoast Tours" in text
    assert client.get("/leads/new?offer_id=999999").status_code == 404


# --- Validation: every field, kept values -------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Tell us your name"),
        ({"name": "Ann\x07"}, "name", "letters, spaces"),
        ({"phone": "12-34"}, "phone", "7 to 15 digits"),
        ({"phone": "call me maybe"}, "phone", "7 to 15 digits"),
        ({"phone": "+1 234 567 890 123 456 7"}, "phone", "7 to 15 digits"),
        ({"email": "anna@"}, "email", "name@example.com"),
        ({"email": "anna example.com"}, "email", "name@example.com"),
        ({"phone": "", "email": ""}, "contact", "phone number or an e-mail"),
        ({"contact_time": "midnight"}, "contact_time", "listed times"),
        ({"extras": ["helicopter"]}, "extras", "listed services"),
        ({"consent": None}, "consent", "Tick the box"),
        ({"consent": "no"}, "consent", "Tick the box"),
    ],
)
def test_each_field_is_validated_and_what_was_typed_is_kept(
    client, offers, session, changes, field, message
):
    offer = offer_of(session, "Antalya Palace")
    form = open_form(client, f"offer_id={offer.id}")
    response = submit(client, form, **changes)
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert message in errors[field], errors
    assert "has not been sent yet" in response.text
    assert lead_count(session) == 0
    # Everything typed comes back, the consent and extras too.
    typed = {**GOOD, **changes}
    for name in ("name", "phone", "email"):
        if typed[name] and name != field:
            assert f'value="{typed[name]}"' in unescape(response.text)
    assert "We travel with a stroller." in unescape(response.text)
    if field not in {"consent"}:
        assert re.search(r'name="consent" value="yes" checked', response.text)
    if field not in {"extras"}:
        assert re.search(r'value="car_with_driver" checked', response.text)
    assert hidden(response.text, "offer_id") == str(offer.id)


@pytest.mark.parametrize(("phone", "email"), [("+7 (495) 123-45-67", ""), ("", "a.b@mail.co.uk")])
def test_one_way_to_reach_the_visitor_is_enough(client, offers, session, phone, email):
    response = submit(client, open_form(client, "adults=2"), phone=phone, email=email)
    assert response.status_code == 303
    lead = session.scalars(select(Lead)).one()
    assert (lead.phone, lead.email) == (phone or None, email or None)


@pytest.mark.parametrize(
    ("field", "limit"),
    [("name", 100), ("phone", 40), ("email", 254), ("wishes", 2000), ("search_query", 2000)],
)
def test_every_field_has_a_size_limit(client, offers, session, field, limit):
    form = open_form(client, "adults=2")
    value = "7" * (limit + 1) if field == "phone" else "x" * (limit + 1)
    response = submit(client, form, **{field: value})
    assert response.status_code == 422
    assert lead_count(session) == 0
    if field != "search_query":
        assert f"at most {limit} characters" in field_errors(response.text)[field]


def test_an_oversized_form_is_refused_without_being_read(client, offers, session):
    form = open_form(client, "adults=2")
    response = submit(client, form, wishes="x" * 70_000)
    assert response.status_code == 413
    assert "too large" in main_text(response.text)
    assert lead_count(session) == 0


# --- Abuse: CSRF, honeypot, rate limit ----------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "forged"])
def test_a_form_without_its_csrf_token_is_refused_and_keeps_what_was_typed(
    client, offers, session, token
):
    form = open_form(client, "adults=2")
    form[csrf.FIELD] = token
    response = submit(client, form)
    assert response.status_code == 403
    text = main_text(response.text)
    assert "has expired" in text and "Nothing was sent" in text
    assert 'value="Anna Smith"' in response.text
    assert lead_count(session) == 0
    # The page carries a fresh token: sending again works.
    retry = submit(client, {**form, csrf.FIELD: hidden(response.text, csrf.FIELD)})
    assert retry.status_code == 303
    assert lead_count(session) == 1


def test_a_filled_honeypot_is_refused_quietly(client, offers, session):
    offer = offer_of(session, "Antalya Palace")
    response = submit(client, open_form(client, f"offer_id={offer.id}"), website="http://spam")
    assert response.status_code == 200
    assert "Thank you" in main_text(response.text)
    assert lead_count(session) == 0
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert queued_rechecks(session) == []


def test_the_honeypot_is_in_the_form_but_hidden_from_people(client, offers):
    page = client.get("/leads/new?adults=2")
    assert re.search(r'<div class="hp-field" aria-hidden="true">', page.text)
    assert re.search(r'name="website" value="" tabindex="-1" autocomplete="off"', page.text)


def test_the_rate_limit_counts_stored_leads_per_client_address(
    client, offers, session, monkeypatch
):
    monkeypatch.setenv("TOURSCOPE_LEAD_RATE_LIMIT_PER_HOUR", "3")
    from tourscope.foundation.settings import get_settings

    get_settings.cache_clear()
    form = open_form(client, "adults=2")
    for _ in range(3):
        assert submit(client, form).status_code == 303
    refused = submit(client, form, name="Fourth Try")
    assert refused.status_code == 429
    assert "the most we accept" in main_text(refused.text)
    assert 'value="Fourth Try"' in refused.text
    assert lead_count(session) == 3
    # Counted in the database: another client address is not limited...
    from fastapi.testclient import TestClient

    from webapp.main import create_app

    other = TestClient(create_app(), client=("203.0.113.9", 5000))
    assert submit(other, open_form(other, "adults=2")).status_code == 303
    # ...and an hour later the first one may send again.
    for lead in session.scalars(select(Lead)):
        lead.created_at = lead.created_at.replace(year=lead.created_at.year - 1)
    session.commit()
    assert submit(client, form).status_code == 303


# --- Invitations on the pages -------------------------------------------------------------


def test_every_offer_on_the_hotel_page_can_be_requested_and_high_value_ones_invite(
    client, offers, session
):
    palace = offer_of(session, "Antalya Palace").hotel_id
    page = client.get(f"/hotels/{palace}?adults=2")
    assert page.text.count("Request this tour") == 2
    assert page.text.count("/leads/new?offer_id=") >= 2
    # A 5* hotel alone is not high value (20 < 40)...
    assert "Ask a personal manager" not in page.text
    # ...a family at a 5* hotel is.
    make_family_offer(session, palace)
    family = client.get(f"/hotels/{palace}?adults=2&children_ages=7")
    assert "Ask a personal manager" in family.text
    assert "A personal manager for this trip" in family.text


def test_a_high_value_search_invites_to_a_personal_manager(client, offers):
    plain = client.get("/?country=TR&adults=2")
    assert "Ask a personal manager" not in plain.text
    family = client.get("/?country=TR&adults=2&children_ages=7&stars_min=5")
    assert "Ask a personal manager" in family.text
    link = re.search(r'href="(/leads/new\?[^"]+)">Ask a personal manager', family.text)
    assert link and "offer_id" not in link.group(1)
    assert "children_ages=7" in unescape(link.group(1))


def make_family_offer(session, hotel_id):
    from models import DepartureCity, Hotel, Operator
    from tests.factories import make_offer

    hotel = session.get(Hotel, hotel_id)
    make_offer(
        session,
        operator=session.scalars(select(Operator).where(Operator.code == "suncoast")).one(),
        hotel=hotel,
        departure_city=session.scalars(select(DepartureCity)).first(),
        children=1,
        price="2400.00",
    )
    session.commit()


def test_without_managers_the_mail_goes_to_the_sender_address(client, offers, session):
    assert submit(client, open_form(client, "adults=2")).status_code == 303
    assert session.scalars(select(OutboxMessage.to_address)).one() == "tourscope@localhost"


def test_active_managers_and_admins_are_told_of_a_new_lead(client, offers, session):
    for email, role, active in [
        ("boss@example.com", "admin", True),
        ("mia@example.com", "manager", True),
        ("gone@example.com", "manager", False),
    ]:
        session.add(User(email=email, name=email, password_hash="-", role=role, active=active))
    session.commit()
    assert submit(client, open_form(client, "adults=2")).status_code == 303
    message = session.scalars(select(OutboxMessage)).one()
    assert message.to_address == "boss@example.com, mia@example.com"


def test_the_configured_recipients_come_first(client, offers, session, monkeypatch):
    monkeypatch.setenv("TOURSCOPE_LEAD_NOTIFY_TO", '["sales@example.com"]')
    from tourscope.foundation.settings import get_settings

    get_settings.cache_clear()
    assert submit(client, open_form(client, "adults=2")).status_code == 303
    assert session.scalars(select(OutboxMessage.to_address)).one() == "sales@example.com"


def test_the_created_event_is_committed_with_the_lead(client, offers, session):
    submit(client, open_form(client, "adults=2"))
    lead = session.scalars(select(Lead)).one()
    kinds = session.scalars(select(LeadEvent.kind).where(LeadEvent.lead_id == lead.id)).all()
    assert kinds == ["created"]
