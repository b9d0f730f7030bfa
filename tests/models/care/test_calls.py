"""The call list, the daily plan, the day's progress in the agency's time zone, and what
each call outcome does to the client."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models.agency_time import agency_day_bounds, agency_today
from models.care.calls import (
    CallError,
    call_list,
    daily_plan,
    day_progress,
    log_contact,
    set_daily_plan,
)
from models.care.clients import CallOutcome, Client, ClientContact
from models.leads.records import Lead
from tests.factories import make_client, make_user
from tourscope.foundation.settings import get_settings

# 09:00 in Moscow (UTC+3) on 1 March 2027.
NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
TODAY = date(2027, 3, 1)


@pytest.fixture
def mia(session):
    return make_user(session, "mia@example.com", name="Mia")


@pytest.fixture
def sam(session):
    return make_user(session, "sam@example.com", name="Sam Sales")


def _names(listing) -> list[str]:
    return [row.client.name for row in listing.rows]


def _contacts(session) -> int:
    return session.scalar(select(func.count()).select_from(ClientContact)) or 0


def test_the_list_is_overdue_first_then_today_then_never_contacted(session, mia, sam):
    make_client(session, name="Fresh", email=None, manager=mia)
    make_client(session, name="Today", email=None, manager=mia, next_call_on=TODAY)
    make_client(
        session, name="Week late", email=None, manager=mia, next_call_on=TODAY - timedelta(7)
    )
    make_client(
        session, name="Day late", email=None, manager=mia, next_call_on=TODAY - timedelta(1)
    )
    make_client(
        session, name="Tomorrow", email=None, manager=mia, next_call_on=TODAY + timedelta(1)
    )
    make_client(
        session, name="Asked not to", email=None, manager=mia, next_call_on=TODAY, do_not_call=True
    )
    make_client(session, name="Sam's", email=None, manager=sam, next_call_on=TODAY)
    make_client(session, name="Nobody's", email=None, next_call_on=TODAY)
    done = make_client(session, name="Said no", email=None, manager=mia)
    log_contact(session, done, mia, "call", "not_interested", now=NOW - timedelta(days=3))
    session.commit()

    listing = call_list(session, mia, today=TODAY)
    assert _names(listing) == ["Week late", "Day late", "Today", "Fresh"]
    assert [row.days_overdue for row in listing.rows] == [7, 1, 0, None]
    assert listing.total == 4
    assert _names(call_list(session, sam, today=TODAY)) == ["Sam's"]


def test_the_plan_is_the_managers_own_or_the_agencys(session, mia, monkeypatch):
    assert daily_plan(mia) == 50
    monkeypatch.setenv("TOURSCOPE_CALL_PLAN_PER_DAY", "30")
    get_settings.cache_clear()
    assert daily_plan(mia) == 30
    set_daily_plan(session, mia, 80)
    assert daily_plan(mia) == 80
    set_daily_plan(session, mia, None)
    assert daily_plan(mia) == 30


@pytest.mark.parametrize("plan", [0, 1001, -5])
def test_a_plan_out_of_range_is_refused(session, mia, plan):
    with pytest.raises(CallError, match="between 1 and 1000"):
        set_daily_plan(session, mia, plan)
    assert mia.daily_call_plan is None


def test_the_agency_day_runs_midnight_to_midnight_in_its_zone():
    start, end = agency_day_bounds(date(2027, 3, 2))
    assert start == datetime(2027, 3, 1, 21, 0, tzinfo=UTC)
    assert end == datetime(2027, 3, 2, 21, 0, tzinfo=UTC)
    assert agency_today(datetime(2027, 3, 1, 22, 30, tzinfo=UTC)) == date(2027, 3, 2)
    assert agency_today(datetime(2027, 3, 1, 20, 59, tzinfo=UTC)) == date(2027, 3, 1)


def at(hour: int, minute: int) -> datetime:
    """An instant of 1 March 2027, UTC."""
    return datetime(2027, 3, 1, hour, minute, tzinfo=UTC)


def test_progress_counts_a_call_by_the_agencys_day_not_utcs(session, mia, sam):
    client = make_client(session, manager=mia)
    log_contact(session, client, mia, "call", "no_answer", now=at(20, 59))  # 23:59 on the 1st
    log_contact(session, client, mia, "call", "no_answer", now=at(22, 30))  # 01:30 on the 2nd
    log_contact(session, client, mia, "call", "warm", handed_to=sam, now=at(23, 0))
    log_contact(session, client, mia, "email", "talked", now=at(23, 10))  # not a call
    log_contact(session, client, sam, "call", "booked", now=at(23, 20))  # Sam's, not Mia's
    session.commit()

    first = day_progress(session, mia, date(2027, 3, 1))
    assert (first.calls, first.to_go) == (1, 49)
    second = day_progress(session, mia, date(2027, 3, 2))
    assert (second.calls, second.plan, second.to_go) == (2, 50, 48)
    assert second.outcomes[CallOutcome.NO_ANSWER] == 1
    assert second.outcomes[CallOutcome.WARM] == 1
    assert second.outcomes[CallOutcome.BOOKED] == 0
    assert day_progress(session, sam, date(2027, 3, 2)).outcomes[CallOutcome.BOOKED] == 1


def test_progress_never_goes_below_zero_to_go(session, mia):
    mia.daily_call_plan = 1
    client = make_client(session, manager=mia)
    for minutes in (0, 10):
        log_contact(session, client, mia, "call", "no_answer", now=NOW + timedelta(minutes=minutes))
    progress = day_progress(session, mia, TODAY)
    assert (progress.calls, progress.to_go, progress.percent) == (2, 0, 100)


@pytest.mark.parametrize(
    ("outcome", "given", "expected"),
    [
        ("no_answer", None, TODAY + timedelta(days=1)),
        ("no_answer", TODAY + timedelta(days=5), TODAY + timedelta(days=5)),
        ("not_interested", TODAY + timedelta(days=5), None),
        ("booked", None, None),
        ("talked", TODAY + timedelta(days=30), TODAY + timedelta(days=30)),
        ("talked", None, None),
    ],
)
def test_each_outcome_sets_the_next_call(session, mia, outcome, given, expected):
    client = make_client(session, manager=mia, next_call_on=TODAY)
    contact = log_contact(session, client, mia, "call", outcome, "a note", given, now=NOW)
    session.commit()
    session.expire_all()
    client = session.get(Client, client.id)
    assert client.next_call_on == expected
    assert client.manager_id == mia.id
    assert (contact.outcome, contact.note, contact.manager_id) == (outcome, "a note", mia.id)
    on_list = _names(call_list(session, mia, today=TODAY))
    assert (client.name in on_list) is (expected == TODAY)


def test_a_warm_client_goes_to_the_sales_manager_for_today(session, mia, sam):
    client = make_client(session, name="Warm Wendy", manager=mia, next_call_on=TODAY)
    contact = log_contact(
        session, client, mia, "call", "warm", "wants Crete", handed_to=sam, now=NOW
    )
    session.commit()
    assert contact.handed_to_id == sam.id
    assert client.manager_id == sam.id
    assert client.next_call_on == TODAY
    assert _names(call_list(session, sam, today=TODAY)) == ["Warm Wendy"]
    assert _names(call_list(session, mia, today=TODAY)) == []


def test_a_warm_call_becomes_a_lead_for_the_sales_manager(session, mia, sam):
    client = make_client(session, name="Warm Wendy", phone="+7 900 1", manager=mia)
    log_contact(session, client, mia, "call", "warm", "wants Crete", handed_to=sam, now=NOW)
    session.commit()
    lead = session.scalar(select(Lead).where(Lead.client_id == client.id))
    assert (lead.source, lead.status, lead.assigned_to_id) == ("call", "new", sam.id)
    assert (lead.name, lead.phone, lead.wishes) == ("Warm Wendy", "+7 900 1", "wants Crete")
    assert [(event.kind, event.actor_id) for event in lead.events] == [("created", mia.id)]


@pytest.mark.parametrize("role", ["cold_caller", "account_manager"])
def test_a_warm_client_goes_only_to_a_role_that_works_leads(session, mia, role):
    other = make_user(session, "other@example.com", role=role, name="Otto")
    client = make_client(session, manager=mia, next_call_on=TODAY)
    session.commit()
    with pytest.raises(CallError, match="Otto does not work leads"):
        log_contact(session, client, mia, "call", "warm", handed_to=other, now=NOW)
    assert client.manager_id == mia.id
    assert session.scalar(select(func.count()).select_from(Lead)) == 0


def test_a_warm_client_needs_another_active_manager(session, mia, sam):
    client = make_client(session, manager=mia, next_call_on=TODAY)
    session.commit()
    with pytest.raises(CallError, match="needs a sales manager"):
        log_contact(session, client, mia, "call", "warm", now=NOW)
    with pytest.raises(CallError, match="another active manager"):
        log_contact(session, client, mia, "call", "warm", handed_to=mia, now=NOW)
    sam.active = False
    with pytest.raises(CallError, match="another active manager"):
        log_contact(session, client, mia, "call", "warm", handed_to=sam, now=NOW)
    assert (client.manager_id, client.next_call_on) == (mia.id, TODAY)
    assert _contacts(session) == 0


def test_a_next_call_in_the_past_is_refused_and_changes_nothing(session, mia):
    client = make_client(session, manager=mia, next_call_on=TODAY)
    session.commit()
    with pytest.raises(CallError, match="2027-02-28 is in the past; choose today \\(2027-03-01\\)"):
        log_contact(session, client, mia, "call", "talked", next_call_on=date(2027, 2, 28), now=NOW)
    assert client.next_call_on == TODAY
    assert _contacts(session) == 0


@pytest.mark.parametrize(("kind", "outcome"), [("fax", "talked"), ("call", "maybe")])
def test_unknown_kinds_and_outcomes_are_refused(session, mia, kind, outcome):
    client = make_client(session, manager=mia)
    with pytest.raises(CallError, match="choose the"):
        log_contact(session, client, mia, kind, outcome, now=NOW)
    assert _contacts(session) == 0
