"""What each back-office role sees and may do (issue 15): the contact centre's warm
hand-off reaching sales, the pages a role may not open, and each role's navigation."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models.agency_time import agency_today
from models.base import utcnow
from models.care.clients import ClientContact
from models.care.trip_workflow import create_trip
from models.leads.records import Lead
from tests.factories import make_client, make_lead, trip_details
from tests.webapp.manager.conftest import HTML, post_form
from tests.webapp.pages import main_text


def nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="manager-nav".*?</nav>', html, re.S)
    assert nav, "the page has no back-office navigation"
    return re.findall(r'<a href="([^"]+)"', nav.group(0))


def hand_over_names(html: str) -> list[str]:
    """The names the call list's "hand over to" choice offers (of its first row)."""
    select_box = re.search(r'<select id="handed-\d+" name="handed_to">(.*?)</select>', html, re.S)
    assert select_box, "the call list has no hand-over choice"
    return re.findall(r'<option value="\d+">([^<]+)</option>', select_box.group(1))


@pytest.fixture
def cold_client(session, role_users):
    """A client on the cold caller's list, never contacted yet."""
    client = make_client(
        session, name="Vera Warm", email="vera@example.com", manager=role_users["cold_caller"]
    )
    session.commit()
    return client


def test_a_cold_caller_hands_a_warm_client_on_and_sales_sees_the_lead(
    as_role, role_users, cold_client, session
):
    caller, sales = as_role["cold_caller"], as_role["sales"]
    calls = caller.get("/manager/calls", headers=HTML)
    assert "Vera Warm" in main_text(calls.text)
    assert "0 of 50 calls made" in main_text(calls.text)

    response = post_form(
        caller,
        f"/manager/clients/{cold_client.id}/contacts",
        {
            "back": "calls",
            "kind": "call",
            "outcome": "warm",
            "note": "wants Crete in June, two adults",
            "handed_to": str(role_users["sales"].id),
        },
        page="/manager/calls",
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/manager/calls?done=contact"
    after = main_text(caller.get(response.headers["location"], headers=HTML).text)
    assert "The call is logged." in after
    assert "1 of 50 calls made" in after and "1 warm: handed over" in after
    assert "Vera Warm" not in after  # now the sales manager's client

    leads = main_text(sales.get("/manager/leads?manager=mine", headers=HTML).text)
    assert "Vera Warm" in leads
    lead = session.scalar(select(Lead).where(Lead.client_id == cold_client.id))
    page = sales.get(f"/manager/leads/{lead.id}", headers=HTML)
    text = main_text(page.text)
    assert "Handed on from a call" in text
    assert "wants Crete in June, two adults" in text
    assert "manager: Sam Sales" in text
    assert "Cole Caller · lead received" in text
    assert "Vera Warm" in main_text(sales.get("/manager", headers=HTML).text)  # my open leads


def test_a_cold_caller_hands_on_only_to_those_who_work_leads(as_role, role_users, cold_client):
    calls = as_role["cold_caller"].get("/manager/calls", headers=HTML)
    assert hand_over_names(calls.text) == ["Ada Admin", "Mina Manager", "Sam Sales"]
    # A hand-over typed around the list (to an account manager) is refused on the list.
    response = post_form(
        as_role["cold_caller"],
        f"/manager/clients/{cold_client.id}/contacts",
        {
            "back": "calls",
            "outcome": "warm",
            "handed_to": str(role_users["account_manager"].id),
        },
        page="/manager/calls",
    )
    assert response.status_code == 422
    assert "Alma Accounts does not work leads; choose a sales manager" in main_text(response.text)
    assert "Vera Warm" in main_text(response.text)  # still on the caller's list


def test_a_cold_caller_may_not_open_the_clients_records(as_role, cold_client):
    caller = as_role["cold_caller"]
    calls = caller.get("/manager/calls", headers=HTML)
    assert f'href="/manager/clients/{cold_client.id}"' not in calls.text
    page = caller.get(f"/manager/clients/{cold_client.id}", headers=HTML)
    assert page.status_code == 403
    assert "Your role (cold caller) may not open this page" in page.text


def test_a_cold_caller_logs_calls_only_to_their_own_lists_clients(as_role, role_users, session):
    theirs = make_client(session, name="Alma's Client", manager=role_users["account_manager"])
    session.commit()
    response = post_form(
        as_role["cold_caller"],
        f"/manager/clients/{theirs.id}/contacts",
        {"back": "calls", "outcome": "no_answer"},
        page="/manager/calls",
    )
    assert response.status_code == 403
    assert f"Client number {theirs.id} is not on your call list." in main_text(response.text)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ClientContact)) == 0


def test_an_account_manager_cannot_open_leads(as_role, session):
    lead = make_lead(session)
    session.commit()
    for url in ("/manager/leads", f"/manager/leads/{lead.id}"):
        page = as_role["account_manager"].get(url, headers=HTML)
        assert page.status_code == 403, url
        assert (
            "Your role (account manager) may not open this page; it is for: sales, manager, "
            "admin." in main_text(page.text)
        )
    assert lead.name not in as_role["account_manager"].get("/manager", headers=HTML).text


def test_a_sales_user_cannot_open_a_clients_letters(as_role, role_users, session):
    client = make_client(session, name="Olga Letters", manager=role_users["account_manager"])
    departure = agency_today(utcnow()) + timedelta(days=14)
    trip = create_trip(
        session, client, role_users["account_manager"], trip_details(departure), utcnow()
    )
    session.commit()
    letter = trip.letters[0]
    owner = as_role["account_manager"].get(f"/manager/letters/{letter.id}", headers=HTML)
    assert owner.status_code == 200 and "Olga Letters" in owner.text
    for url in ("/manager/letters", f"/manager/letters/{letter.id}"):
        page = as_role["sales"].get(url, headers=HTML)
        assert page.status_code == 403, url
        assert "Olga Letters" not in page.text
        assert "Your role (sales) may not open this page" in main_text(page.text)


def test_a_refusal_for_a_program_is_json_with_the_reason(as_role):
    response = as_role["sales"].get("/manager/clients", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your role (sales) may not open this page; it is for: account manager, "
        "manager, admin."
    }


def test_sales_make_a_leads_client_record_and_stay_on_the_lead(as_role, session):
    lead = make_lead(session)
    session.commit()
    response = post_form(as_role["sales"], f"/manager/leads/{lead.id}/client", {})
    assert response.status_code == 303
    assert response.headers["location"] == f"/manager/leads/{lead.id}?done=client"
    page = as_role["sales"].get(response.headers["location"], headers=HTML)
    assert "The lead's client record is made" in main_text(page.text)
    assert "/manager/clients/" not in page.text  # the record is the account managers'


# Each role's navigation, by hand from issue 15.
NAV = {
    "cold_caller": ["/manager", "/manager/calls", "/manager/kpi"],
    "sales": ["/manager", "/manager/leads", "/manager/kpi"],
    "account_manager": [
        "/manager",
        "/manager/clients",
        "/manager/calls",
        "/manager/letters",
        "/manager/kpi",
    ],
    "manager": [
        "/manager",
        "/manager/leads",
        "/manager/clients",
        "/manager/calls",
        "/manager/letters",
        "/manager/kpi",
    ],
    "admin": [
        "/manager",
        "/manager/leads",
        "/manager/clients",
        "/manager/calls",
        "/manager/letters",
        "/manager/kpi",
        "/manager/planner",
        "/manager/templates",
        "/manager/crawls",
    ],
}


@pytest.mark.parametrize("role", sorted(NAV))
def test_the_nav_shows_each_role_only_its_items(as_role, role):
    page = as_role[role].get("/manager", headers=HTML)
    assert page.status_code == 200
    assert nav_links(page.text) == NAV[role]
    for link in NAV[role]:
        assert as_role[role].get(link, headers=HTML).status_code == 200, link


def test_the_dashboard_shows_a_cold_caller_their_calls_not_leads(as_role, session):
    make_lead(session, name="Leo Lead")
    session.commit()
    text = main_text(as_role["cold_caller"].get("/manager", headers=HTML).text)
    assert "Today's calls" in text and "0 of 50 calls made, 50 to go." in text
    assert "Leo Lead" not in text and "My open leads" not in text
    assert "Letters due" not in text
    sales = main_text(as_role["sales"].get("/manager", headers=HTML).text)
    assert "Leo Lead" in sales and "Today's calls" not in sales


def test_an_admin_sees_every_roles_kpi_and_a_caller_only_their_own(as_role):
    admin = main_text(as_role["admin"].get("/manager/kpi", headers=HTML).text)
    for name in ("Cole Caller", "Sam Sales", "Alma Accounts", "Mina Manager"):
        assert name in admin
    caller = main_text(as_role["cold_caller"].get("/manager/kpi", headers=HTML).text)
    assert "Cole Caller" in caller and "Sam Sales" not in caller
