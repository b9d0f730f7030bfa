"""The leads list and a lead's page: filters, order, the snapshot, and the actions."""

import re
from datetime import timedelta

import pytest

from models.base import utcnow
from models.leads.records import LeadEvent
from tests.factories import make_lead
from tests.webapp.manager.conftest import HTML, post_form
from tests.webapp.pages import main_text


def _listed_ids(html: str) -> list[int]:
    return [int(number) for number in re.findall(r'href="/manager/leads/(\d+)"', html)]


@pytest.fixture
def three_leads(session, manager):
    now = utcnow()
    low = make_lead(session, name="Lea Low", score=5, created_at=now)
    high = make_lead(
        session,
        name="Hans High",
        score=75,
        created_at=now - timedelta(days=2),
        score_reasons=["family of 4", "5* hotel", "total > 5,000 EUR"],
        extras=["car_with_driver", "childrens_room"],
        wishes="A quiet room, please.\nNear the kids' club.",
        contact_time="evenings",
        recheck_status="changed",
        recheck_price="6650.00",
        recheck_currency="EUR",
        rechecked_at=now,
    )
    mine = make_lead(session, name="Mo Mine", score=30, assigned_to=manager, created_at=now)
    session.commit()
    return {"low": low.id, "high": high.id, "mine": mine.id}


def test_the_list_shows_high_value_first(as_manager, three_leads):
    page = as_manager.get("/manager/leads", headers=HTML)
    assert page.status_code == 200
    assert _listed_ids(page.text) == [three_leads["high"], three_leads["mine"], three_leads["low"]]
    text = main_text(page.text)
    assert "3 leads, highest score first" in text
    assert "family of 4, 5* hotel, total > 5,000 EUR" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("band=high", ["high"]),
        ("band=medium", ["mine"]),
        ("band=low", ["low"]),
        ("manager=mine", ["mine"]),
        ("manager=unassigned", ["high", "low"]),
        ("status=new&band=", ["high", "mine", "low"]),
        ("status=won", []),
    ],
)
def test_the_list_filters(as_manager, three_leads, query, expected):
    page = as_manager.get(f"/manager/leads?{query}", headers=HTML)
    assert _listed_ids(page.text) == [three_leads[name] for name in expected]


def test_the_list_filters_by_date(as_manager, three_leads):
    today = utcnow().date()
    page = as_manager.get(f"/manager/leads?created_to={today - timedelta(days=1)}", headers=HTML)
    assert _listed_ids(page.text) == [three_leads["high"]]


def test_bad_filters_say_why(as_manager, three_leads):
    page = as_manager.get("/manager/leads?band=huge&created_from=2027-02-01", headers=HTML)
    assert page.status_code == 422
    assert "band" in main_text(page.text)
    assert len(_listed_ids(page.text)) == 3


def test_a_lead_page_shows_what_the_visitor_saw_and_asked(as_manager, three_leads):
    page = as_manager.get(f"/manager/leads/{three_leads['high']}", headers=HTML)
    assert page.status_code == 200
    text = main_text(page.text)
    for expected in (
        "Lead #",
        "Hans High",
        "Antalya Palace",
        "SunCoast Tours",
        "1 Jun 2027 – 8 Jun 2027",
        "All inclusive",
        "2 adults + 2 children",
        "€6,400",
        "Still sold, at a new price: €6,650",
        "family of 4",
        "A car with driver",
        "A children's room or a nanny",
        "evenings",
        "Near the kids' club.",
        "lead received",
    ):
        assert expected in text, expected


def test_an_unknown_lead_is_a_404_page(as_manager):
    for lead_id in ("999", "abc", "0"):
        assert as_manager.get(f"/manager/leads/{lead_id}", headers=HTML).status_code == 404


def test_a_manager_moves_a_lead_along_the_workflow(as_manager, three_leads, session, manager):
    url = f"/manager/leads/{three_leads['low']}"
    response = post_form(as_manager, f"{url}/status", {"to_status": "contacted"}, page=url)
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}?done=status"
    page = as_manager.get(f"{url}?done=status", headers=HTML)
    text = main_text(page.text)
    assert "The status is changed." in text
    assert "Mia Manager · status new → contacted" in text
    event = session.query(LeadEvent).filter_by(kind="status").one()
    assert (event.actor_id, event.from_status, event.to_status) == (manager.id, "new", "contacted")


def test_an_illegal_move_is_refused_with_a_clear_message(as_manager, three_leads):
    url = f"/manager/leads/{three_leads['low']}"
    response = post_form(as_manager, f"{url}/status", {"to_status": "won"}, page=url)
    assert response.status_code == 422
    assert "a new lead cannot become won; next is contacted or lost" in main_text(response.text)


def test_lost_needs_a_reason_and_keeps_what_was_typed(as_manager, three_leads):
    url = f"/manager/leads/{three_leads['low']}"
    refused = post_form(as_manager, f"{url}/status", {"to_status": "lost", "reason": ""}, page=url)
    assert refused.status_code == 422 and "say why the lead was lost" in refused.text
    done = post_form(
        as_manager, f"{url}/status", {"to_status": "lost", "reason": "Went elsewhere"}, page=url
    )
    assert done.status_code == 303
    text = main_text(as_manager.get(url, headers=HTML).text)
    assert "Lost because: Went elsewhere" in text
    assert "its status is final" in text


def test_assigning_and_notes_appear_in_the_history(as_manager, three_leads, manager):
    url = f"/manager/leads/{three_leads['high']}"
    assigned = post_form(as_manager, f"{url}/assign", {"assignee": str(manager.id)}, page=url)
    assert assigned.status_code == 303
    noted = post_form(as_manager, f"{url}/notes", {"note": "Called: wants <b>sea</b> view"}, url)
    assert noted.status_code == 303
    page = as_manager.get(url, headers=HTML)
    text = main_text(page.text)
    assert "Mia Manager · assigned to Mia Manager" in text
    assert "Mia Manager · note: Called: wants <b>sea</b> view" in text
    assert "<b>sea</b>" not in page.text  # escaped, not rendered
    empty = post_form(as_manager, f"{url}/notes", {"note": "  "}, page=url)
    assert empty.status_code == 422 and "the note is empty" in empty.text
    bad = post_form(as_manager, f"{url}/assign", {"assignee": "4242"}, page=url)
    assert bad.status_code == 422 and "choose a manager from the list" in bad.text


def test_actions_need_a_csrf_token(as_manager, three_leads):
    url = f"/manager/leads/{three_leads['low']}/status"
    response = as_manager.post(url, data={"to_status": "contacted"}, headers=HTML)
    assert response.status_code == 403


def test_the_dashboard_shows_counts_and_the_leads_waiting(as_manager, three_leads):
    text = main_text(as_manager.get("/manager", headers=HTML).text)
    assert "3 new" in text
    assert "New leads nobody has taken (2)" in text
    assert "Mo Mine" in text


def test_a_manager_turns_the_morning_email_off_and_on(as_manager, manager, session):
    page = main_text(as_manager.get("/manager", headers=HTML).text)
    assert "Each morning at 8:00 you get an e-mail of the letters due" in page

    off = post_form(as_manager, "/manager/morning-email", {"morning_digest": "off"})
    assert (off.status_code, off.headers["location"]) == (303, "/manager?done=digest-off")
    page = main_text(as_manager.get(off.headers["location"], headers=HTML).text)
    assert "The morning e-mail is off." in page and "Turn it on" in page
    session.refresh(manager)
    assert manager.morning_digest is False

    on = post_form(as_manager, "/manager/morning-email", {"morning_digest": "on"})
    assert on.headers["location"] == "/manager?done=digest-on"
    session.refresh(manager)
    assert manager.morning_digest is True
