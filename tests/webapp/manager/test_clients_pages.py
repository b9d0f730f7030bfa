"""The clients list, a client's page and profile form, a lead's client, logging a contact."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models.care.calls import agency_today
from models.care.clients import Client, ClientContact
from models.leads.records import Lead
from tests.factories import (
    make_client,
    make_country,
    make_departure_city,
    make_hotel,
    make_lead,
    make_offer,
    make_operator,
    make_resort,
    make_trip,
    make_user,
    row_count,
)
from tests.webapp.manager.conftest import HTML, post_form
from tests.webapp.pages import main_text
from webapp import csrf


def _listed(html: str) -> list[int]:
    return [int(number) for number in re.findall(r'href="/manager/clients/(\d+)"', html)]


def _count(session, model) -> int:
    session.expire_all()
    return row_count(session, model)


@pytest.fixture
def clients(session, manager):
    olga = make_client(
        session,
        name="Olga Petrova",
        manager=manager,
        children=[date(2018, 4, 1)],
        preferences=[("country", "Turkey"), ("pet", "dog", "Rex"), ("dietary", "vegan")],
    )
    ivan = make_client(
        session,
        name="Ivan Sidorov",
        email="ivan@example.org",
        budget_band="economy",
        preferences=[("country", "Egypt"), ("habit", "smoking")],
    )
    session.commit()
    return {"olga": olga.id, "ivan": ivan.id}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["ivan", "olga"]),
        ("country=turkey", ["olga"]),
        ("pet=rex", ["olga"]),
        ("dietary=vegan", ["olga"]),
        ("habit=smoking&budget=economy", ["ivan"]),
        ("q=ivan%40example", ["ivan"]),
        ("manager=mine", ["olga"]),
        ("children=yes", ["olga"]),
    ],
)
def test_the_list_filters_from_the_url(as_manager, clients, query, expected):
    page = as_manager.get(f"/manager/clients?{query}", headers=HTML)
    assert page.status_code == 200
    assert _listed(page.text) == [clients[name] for name in expected]


def test_bad_filters_say_why_and_show_everyone(as_manager, clients):
    page = as_manager.get("/manager/clients?budget=cheap&children=maybe", headers=HTML)
    assert page.status_code == 422
    text = main_text(page.text)
    assert "budget: Input should be" in text and "children: Input should be" in text
    assert len(_listed(page.text)) == 2


def test_a_client_is_created_by_hand(as_manager, session, manager):
    form = as_manager.get("/manager/clients/new", headers=HTML)
    assert form.status_code == 200
    assert f'<option value="{manager.id}" selected' in form.text  # mine by default
    birth = (agency_today() - timedelta(days=365 * 5 + 30)).isoformat()
    response = post_form(
        as_manager,
        "/manager/clients/new",
        {
            "name": "Nina Novak",
            "email": "Nina@Example.org",
            "phone": "+7 900 000 11 22",
            "adults": "2",
            "manager_id": str(manager.id),
            "child_name": ["Lena", ""],
            "child_birth": [birth, ""],
            "pref_country": "Turkey",
            "pref_need": ["transfer", "car"],
            "pref_pet_other": "dog: Rex",
            "budget_band": "standard",
        },
        page="/manager/clients/new",
    )
    assert response.status_code == 303
    client = session.scalars(select(Client)).one()
    assert response.headers["location"] == f"/manager/clients/{client.id}?done=created"
    page = as_manager.get(response.headers["location"], headers=HTML)
    text = main_text(page.text)
    assert "The client record is created." in text
    assert "nina@example.org" in text
    assert "2 adults + Lena (5)" in text
    assert "Needs transfer, car" in text
    assert "Pets dog: Rex" in text
    assert "Countries Turkey" in text


def test_bad_input_shows_each_reason_keeps_the_typing_and_stores_nothing(as_manager, session):
    future = (agency_today() + timedelta(days=3)).isoformat()
    response = post_form(
        as_manager,
        "/manager/clients/new",
        {
            "name": "Nina <b>Novak</b>",
            "email": "nina-at-example",
            "adults": "0",
            "child_birth": future,
            "notes": "call after 6",
            "pref_dietary_other": "no onions",
        },
        page="/manager/clients/new",
    )
    assert response.status_code == 422
    text = main_text(response.text)
    assert "E-mail: 'nina-at-example' does not look like an e-mail address" in text
    assert "Adults: a party has 1 to 20 adults" in text
    assert f"Child 1: born on {future}, a date in the future" in text
    assert 'value="Nina &lt;b&gt;Novak&lt;/b&gt;"' in response.text
    assert 'value="nina-at-example"' in response.text
    assert f'value="{future}"' in response.text
    assert 'value="no onions"' in response.text
    assert "call after 6</textarea>" in response.text
    assert _count(session, Client) == 0


def _catalogue_offer(session) -> None:
    """Turkey and Antalya on sale, so the profile form offers them to tick."""
    turkey = make_country(session)
    hotel = make_hotel(session, make_resort(session, turkey))
    make_offer(
        session,
        operator=make_operator(session),
        hotel=hotel,
        departure_city=make_departure_city(session),
    )


def test_an_edit_replaces_the_profile(as_manager, session, clients):
    _catalogue_offer(session)
    session.commit()
    url = f"/manager/clients/{clients['olga']}/edit"
    form = as_manager.get(url, headers=HTML)
    assert 'name="pref_country" value="Turkey" checked' in form.text
    assert 'name="pref_resort" value="Antalya" >' in form.text
    assert 'name="pref_dietary" value="vegan" checked' in form.text
    assert 'name="pref_pet_other" maxlength="2000" value="dog: Rex"' in form.text
    response = post_form(
        as_manager,
        url,
        {"name": "Olga P.", "adults": "3", "pref_country_other": "Spain, Italy"},
        page=url,
    )
    assert response.status_code == 303
    session.expire_all()
    client = session.get(Client, clients["olga"])
    assert (client.name, client.adults, client.children) == ("Olga P.", 3, [])
    assert [(p.kind, p.value) for p in client.preferences] == [
        ("country", "Spain"),
        ("country", "Italy"),
    ]


def test_an_edit_refused_keeps_the_old_profile(as_manager, session, clients):
    url = f"/manager/clients/{clients['olga']}/edit"
    response = post_form(
        as_manager, url, {"name": "Olga P.", "email": "IVAN@example.org"}, page=url
    )
    assert response.status_code == 422
    assert "already has the e-mail ivan@example.org" in main_text(response.text)
    assert 'value="Olga P."' in response.text
    session.expire_all()
    assert session.get(Client, clients["olga"]).name == "Olga Petrova"


def test_a_form_without_its_csrf_token_is_refused(as_manager, session):
    as_manager.get("/manager/clients/new", headers=HTML)
    response = as_manager.post(
        "/manager/clients/new", data={"name": "Nina", csrf.FIELD: "forged"}, headers=HTML
    )
    assert response.status_code == 403
    assert _count(session, Client) == 0


def test_unknown_clients_are_404(as_manager):
    for url in ("/manager/clients/999", "/manager/clients/abc", "/manager/clients/999/edit"):
        assert as_manager.get(url, headers=HTML).status_code == 404


def test_a_lead_becomes_a_client_and_links_to_it(as_manager, session, manager):
    lead = make_lead(session, name="Lara Lead", email="lara@example.org", assigned_to=manager)
    session.commit()
    page = as_manager.get(f"/manager/leads/{lead.id}", headers=HTML)
    assert "Make client record" in page.text
    response = post_form(as_manager, f"/manager/leads/{lead.id}/client", {})
    assert response.status_code == 303
    session.expire_all()
    client_id = session.get(Lead, lead.id).client_id
    assert response.headers["location"] == f"/manager/clients/{client_id}?done=lead"
    page = as_manager.get(f"/manager/leads/{lead.id}", headers=HTML)
    assert f'<a href="/manager/clients/{client_id}">Client: Lara Lead</a>' in page.text
    assert "Make client record" not in page.text
    # A second lead from the same address finds the same client.
    again = make_lead(session, name="Lara", email="LARA@example.org")
    session.commit()
    response = post_form(as_manager, f"/manager/leads/{again.id}/client", {})
    assert response.headers["location"] == f"/manager/clients/{client_id}?done=lead"
    assert _count(session, Client) == 1
    client_page = as_manager.get(f"/manager/clients/{client_id}", headers=HTML)
    assert f'href="/manager/leads/{lead.id}"' in client_page.text
    assert f'href="/manager/leads/{again.id}"' in client_page.text


def test_the_client_page_shows_the_history(as_manager, session, manager, clients):
    client = session.get(Client, clients["olga"])
    trip = make_trip(session, client, hotel_name="Sea Breeze")
    session.commit()
    page = as_manager.get(f"/manager/clients/{client.id}", headers=HTML)
    text = main_text(page.text)
    assert f'href="/manager/trips/{trip.id}"' in page.text
    assert f"Trip #{trip.id}: Sea Breeze (booked)" in text
    assert "Dietary habits vegan" in text


def test_logging_a_contact_from_the_client_page(as_manager, session, manager, clients):
    sam = make_user(session, "sam@example.com", name="Sam Sales")
    session.commit()
    url = f"/manager/clients/{clients['olga']}"
    response = post_form(
        as_manager,
        f"{url}/contacts",
        {"kind": "call", "outcome": "warm", "note": "wants Crete", "handed_to": str(sam.id)},
        page=url,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}?done=contact"
    session.expire_all()
    client = session.get(Client, clients["olga"])
    assert client.manager_id == sam.id
    assert client.next_call_on == agency_today()
    text = main_text(as_manager.get(url, headers=HTML).text)
    assert "Call: warm to Sam Sales" in text and "wants Crete" in text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"outcome": "talked", "next_call_on": "2000-01-01"}, "is in the past"),
        ({"outcome": "talked", "next_call_on": "soon"}, "'soon' is not a date"),
        ({"outcome": "warm"}, "a warm client needs a sales manager"),
        ({"outcome": "warm", "handed_to": "999"}, "choose the sales manager from the list"),
        ({"outcome": ""}, "choose the outcome"),
    ],
)
def test_a_refused_contact_says_why_and_stores_nothing(as_manager, session, clients, data, reason):
    url = f"/manager/clients/{clients['olga']}"
    response = post_form(
        as_manager, f"{url}/contacts", {"kind": "call", "note": "typed note", **data}, page=url
    )
    assert response.status_code == 422
    assert reason in main_text(response.text)
    assert "typed note</textarea>" in response.text
    assert _count(session, ClientContact) == 0


def test_the_clients_language_is_chosen_on_the_form_and_shown(as_manager, session, manager):
    form = as_manager.get("/manager/clients/new", headers=HTML)
    # The agency's language is preselected; each language is named in itself.
    assert '<option value="ru" selected>Русский</option>' in form.text
    assert '<option value="en" >English</option>' in form.text
    response = post_form(
        as_manager,
        "/manager/clients/new",
        {"name": "Emma Evans", "email": "emma@example.org", "adults": "2", "language": "en"},
        page="/manager/clients/new",
    )
    assert response.status_code == 303
    client = session.scalars(select(Client)).one()
    assert client.language == "en"
    page = main_text(as_manager.get(f"/manager/clients/{client.id}", headers=HTML).text)
    assert "Language of letters English" in page
    edit = as_manager.get(f"/manager/clients/{client.id}/edit", headers=HTML)
    assert '<option value="en" selected>English</option>' in edit.text


def test_an_unknown_language_is_refused_with_a_form_error(as_manager, session):
    response = post_form(
        as_manager,
        "/manager/clients/new",
        {"name": "Hans Huber", "email": "hans@example.org", "adults": "2", "language": "de"},
        page="/manager/clients/new",
    )
    assert response.status_code == 422
    assert (
        '<p class="field-error" id="language-error">Language: choose one of the languages we '
        "write in: Русский, English</p>"
    ) in response.text
    assert 'value="Hans Huber"' in response.text  # the typing is kept
    assert _count(session, Client) == 0


def test_a_lead_from_an_english_visitor_becomes_an_english_client(as_manager, session, manager):
    lead = make_lead(session, name="Emma Lead", email="emma@example.org", assigned_to=manager)
    lead.language = "en"
    russian = make_lead(session, name="Olga Lead", email="olga@example.org", assigned_to=manager)
    russian.language = "ru"
    session.commit()
    post_form(as_manager, f"/manager/leads/{lead.id}/client", {})
    post_form(as_manager, f"/manager/leads/{russian.id}/client", {})
    session.expire_all()
    assert session.get(Lead, lead.id).client.language == "en"
    assert session.get(Lead, russian.id).client.language == "ru"
