"""The call list page: my clients to call, the day's progress, logging from the list,
hand-over, and the daily plan only an admin may set."""

import re
from datetime import timedelta

import pytest

from models.accounts.users import User
from models.agency_time import agency_today
from models.care.clients import Client
from tests.factories import make_client, make_user
from tests.webapp.manager.conftest import HTML, log_in, post_form
from tests.webapp.pages import main_text


def _listed(html: str) -> list[int]:
    return [int(number) for number in re.findall(r'<td><a href="/manager/clients/(\d+)"', html)]


@pytest.fixture
def sam(session):
    user = make_user(session, "sam@example.com", name="Sam Sales")
    session.commit()
    return user


@pytest.fixture
def to_call(session, manager, sam):
    today = agency_today()
    late = make_client(
        session, name="Lena Late", email=None, manager=manager, next_call_on=today - timedelta(2)
    )
    fresh = make_client(session, name="Fred Fresh", email=None, manager=manager)
    make_client(
        session, name="Tom Tomorrow", email=None, manager=manager, next_call_on=today + timedelta(1)
    )
    make_client(session, name="Sam's Client", email=None, manager=sam, next_call_on=today)
    session.commit()
    return {"late": late.id, "fresh": fresh.id}


def test_my_list_and_progress(as_manager, to_call):
    page = as_manager.get("/manager/calls", headers=HTML)
    assert page.status_code == 200
    assert _listed(page.text) == [to_call["late"], to_call["fresh"]]
    text = main_text(page.text)
    assert "To call (2)" in text
    assert "2 days overdue" in text and "never contacted" in text
    assert "0 of 50 calls made · 50 to go" in text
    assert "Daily plan" not in text  # an admin's form


def test_a_call_logged_from_the_list_counts_and_leaves_it(as_manager, session, to_call):
    response = post_form(
        as_manager,
        f"/manager/clients/{to_call['late']}/contacts",
        {"back": "calls", "kind": "call", "outcome": "no_answer"},
        page="/manager/calls",
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/manager/calls?done=contact"
    page = as_manager.get(response.headers["location"], headers=HTML)
    text = main_text(page.text)
    assert "The call is logged." in text
    assert "1 of 50 calls made · 49 to go" in text
    assert "1 no answer" in text
    assert _listed(page.text) == [to_call["fresh"]]
    session.expire_all()
    assert session.get(Client, to_call["late"]).next_call_on == agency_today() + timedelta(1)


def test_a_warm_client_moves_to_the_sales_managers_list(as_manager, to_call, sam, admin):
    response = post_form(
        as_manager,
        f"/manager/clients/{to_call['fresh']}/contacts",
        {"back": "calls", "kind": "call", "outcome": "warm", "handed_to": str(sam.id)},
        page="/manager/calls",
    )
    assert response.status_code == 303
    mine = as_manager.get("/manager/calls", headers=HTML)
    assert _listed(mine.text) == [to_call["late"]]
    assert "1 warm: handed over" in main_text(mine.text)
    log_in(as_manager, admin.email)
    theirs = as_manager.get(f"/manager/calls?manager={sam.id}", headers=HTML)
    assert theirs.status_code == 200
    assert to_call["fresh"] in _listed(theirs.text)
    assert "Calls for" in main_text(theirs.text) and "Sam Sales" in main_text(theirs.text)


def test_a_manager_sees_only_their_own_list(as_manager, manager, sam):
    assert as_manager.get(f"/manager/calls?manager={sam.id}", headers=HTML).status_code == 403
    assert as_manager.get(f"/manager/calls?manager={manager.id}", headers=HTML).status_code == 200


def test_setting_the_plan_is_for_admins_only(as_manager, session, manager):
    response = post_form(
        as_manager, "/manager/calls/plan", {"manager_id": str(manager.id), "plan": "5"}
    )
    assert response.status_code == 403
    assert "for admins only" in response.text
    session.expire_all()
    assert session.get(User, manager.id).daily_call_plan is None


def test_an_admin_sets_a_managers_plan(as_admin, session, manager):
    response = post_form(
        as_admin, "/manager/calls/plan", {"manager_id": str(manager.id), "plan": "20"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/manager/calls?manager={manager.id}&done=plan"
    page = as_admin.get(response.headers["location"], headers=HTML)
    text = main_text(page.text)
    assert "The daily plan is saved." in text
    assert "0 of 20 calls made · 20 to go" in text
    session.expire_all()
    assert session.get(User, manager.id).daily_call_plan == 20
    # Empty: back to the agency's default.
    post_form(as_admin, "/manager/calls/plan", {"manager_id": str(manager.id), "plan": ""})
    session.expire_all()
    assert session.get(User, manager.id).daily_call_plan is None


@pytest.mark.parametrize(
    ("plan", "reason"),
    [
        ("0", "a daily plan is between 1 and 1000 calls"),
        ("1001", "a daily plan is between 1 and 1000 calls"),
        ("ten", "the daily plan 'ten' is not a whole number of calls"),
        ("-3", "is not a whole number"),
    ],
)
def test_a_bad_plan_says_why_and_changes_nothing(as_admin, session, manager, plan, reason):
    response = post_form(
        as_admin, "/manager/calls/plan", {"manager_id": str(manager.id), "plan": plan}
    )
    assert response.status_code == 422
    assert reason in main_text(response.text)
    assert f'value="{plan}"' in response.text
    session.expire_all()
    assert session.get(User, manager.id).daily_call_plan is None


def test_an_unknown_manager_is_said_so(as_admin):
    page = as_admin.get("/manager/calls?manager=999", headers=HTML)
    assert page.status_code == 422
    assert "There is no manager number 999" in main_text(page.text)
    response = post_form(as_admin, "/manager/calls/plan", {"manager_id": "999", "plan": "5"})
    assert response.status_code == 422
    assert "choose a manager" in main_text(response.text)
