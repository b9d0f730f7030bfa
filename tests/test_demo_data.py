"""The demo's back office: its admin account, made once with a usable password, and the
demo agency seeded into an empty database through the domain functions."""

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Base
from models.accounts.auth import authenticate, find_user
from models.accounts.passwords import verify_password
from models.agency_time import agency_today
from models.base import utcnow
from models.care.calls import call_list, day_progress
from models.care.clients import Client
from models.care.kpi import current_month, kpi_report
from models.care.letter_queries import due_letters
from models.care.trips import Trip, TripLetter
from models.leads.records import Lead
from tests.factories import (
    in_days,
    make_country,
    make_departure_city,
    make_hotel,
    make_lead,
    make_offer,
    make_operator,
    make_resort,
    make_user,
)
from tests.webapp.manager.conftest import HTML, log_in
from tourscope.demo.agency import DemoCareSummary, create_demo_account, demo_logins, seed_demo_care
from tourscope.demo.people_file import (
    DEMO_ADMIN_EMAIL,
    DEMO_MANAGERS,
    DEMO_PEOPLE_FILE,
    DemoDataError,
    load_demo_people,
)
from webapp.main import create_app


def test_an_empty_database_gets_an_admin_who_can_log_in(session):
    password = create_demo_account(session)
    session.commit()

    assert password and len(password) >= 12
    user = authenticate(session, DEMO_ADMIN_EMAIL, password)
    assert user.is_admin
    assert create_demo_account(session) is None  # a second demo run keeps the account


def test_the_demo_has_a_log_in_of_each_role_that_sees_its_own_back_office(session):
    password = create_demo_account(session)
    session.commit()
    roles = {email: role.value for email, role in demo_logins()}
    assert sorted(roles.values()) == sorted(
        ["admin", "manager", "account_manager", "sales", "cold_caller"]
    )
    with TestClient(create_app(), follow_redirects=False) as browser:
        log_in(browser, "caller@tourscope.localhost", password)
        assert browser.get("/manager/calls", headers=HTML).status_code == 200
        assert browser.get("/manager/leads", headers=HTML).status_code == 403
        log_in(browser, "sales@tourscope.localhost", password)
        assert browser.get("/manager/leads", headers=HTML).status_code == 200
        assert browser.get("/manager/letters", headers=HTML).status_code == 403
    for email, role in roles.items():
        assert authenticate(session, email, password).role == role


def test_no_demo_account_beside_real_accounts(session):
    make_user(session, "real@example.com")
    session.commit()

    assert create_demo_account(session) is None


# --- The demo agency -----------------------------------------------------------------------

MIA, LEO = (email for email, _, _ in DEMO_MANAGERS)
BACK_OFFICE_PAGES = (
    "/manager",
    "/manager/clients",
    "/manager/calls",
    "/manager/letters?manager=all",
    "/manager/letters",
    "/manager/kpi",
    "/manager/planner",
)


def row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def seeded(session: Session, now: datetime | None = None) -> DemoCareSummary:
    summary = seed_demo_care(session, now or utcnow())
    session.commit()
    assert summary is not None
    return summary


def test_an_empty_database_gets_a_demo_agency(session):
    create_demo_account(session)
    now = utcnow()

    summary = seeded(session, now)

    assert summary == DemoCareSummary(
        managers=[MIA, LEO],
        clients=17,  # two of them on the demo cold caller's list
        leads=13,  # with the lead Mia's warm call this morning handed on to Leo
        trips=10,
        letters_due_today=3,
        letters_overdue=1,
        feedback=3,
    )
    today = agency_today(now)
    due = {(row.client_name, row.label, row.days_overdue) for row in due_letters(session, today)}
    # Labelled in the back office's language, the agency's default (Russian).
    assert due == {
        ("Anna Petrova", "письмо за 2 недели", 0),
        ("Natalia Popova", "письмо за 3 дня", 0),
        ("Elena Vasilieva", "письмо за 2 недели", 0),
        ("Sergey Kuznetsov", "письмо за 2 недели", 4),
    }
    # The admin's own dashboard has a letter to write too.
    admin = find_user(session, DEMO_ADMIN_EMAIL)
    assert [row.client_name for row in due_letters(session, today, admin)] == ["Elena Vasilieva"]
    # The managers' passwords are random and unknown: nobody logs in as them by guessing.
    mia = find_user(session, MIA)
    assert mia.role == "manager" and mia.daily_call_plan == 12
    assert not verify_password(mia.password_hash, "")


def test_each_demo_manager_has_calls_to_make_and_figures_this_month(session):
    now = utcnow()
    seeded(session, now)
    mia, leo = find_user(session, MIA), find_user(session, LEO)
    today = agency_today(now)

    mias_list = [(row.client.name, row.days_overdue) for row in call_list(session, mia, today).rows]
    assert mias_list == [("Gleb Orlov", 3), ("Irina Kozlova", 0), ("Marina Sokolova", None)]
    # Nikolai was handed over to Leo by Mia this morning: on Leo's list today.
    leos_list = {row.client.name for row in call_list(session, leo, today).rows}
    assert leos_list == {"Nikolai Fedorov", "Tatiana Belova"}
    assert day_progress(session, mia, today).calls == 4
    assert day_progress(session, leo, today).calls == 3

    rows = {row.manager: row for row in kpi_report(session, current_month(now), [mia, leo], now)}
    for row in rows.values():
        assert row.total > 0
        assert row.clients_bought >= 1 and row.points["sales"] > 0  # booked today
        assert row.ratings >= 1 and row.points["feedback"] > 0  # answered today
        assert row.calls_logged >= 3
    assert rows["Mia Manager"].average_rating == Decimal("5.00")
    assert rows["Leo Sales"].average_rating == Decimal("4.00")


# Around the agency's midnight on the 1st of a month, a leap day, and the first of a year:
# the same agency, with every step valid on its own day.
def test_the_demo_cold_caller_has_prospects_to_call_today(session):
    """Without them a cold caller's first log-in to the demo showed an empty call list."""
    create_demo_account(session)
    now = utcnow()
    seeded(session, now)
    caller = find_user(session, "caller@tourscope.localhost")

    rows = call_list(session, caller, agency_today(now)).rows

    assert [(row.client.name, row.days_overdue) for row in rows] == [
        ("Vera Lebedeva", 0),
        ("Artem Volkov", None),
    ]


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 3, 1, 0, 5, tzinfo=ZoneInfo("Europe/Moscow")),
        datetime(2028, 2, 29, 23, 50, tzinfo=ZoneInfo("Europe/Moscow")),
        datetime(2027, 1, 1, 12, 0, tzinfo=UTC),
    ],
    ids=["month-start", "leap-day", "new-year"],
)
def test_the_same_agency_whatever_the_day(session, now):
    create_demo_account(session)

    summary = seeded(session, now)

    assert (summary.clients, summary.trips, summary.letters_due_today) == (17, 10, 3)
    managers = [find_user(session, MIA), find_user(session, LEO)]
    for row in kpi_report(session, current_month(now), managers, now):
        assert row.total > 0, row
    # Every trip ahead and back kept its letters in order: none sent before it was due
    # (but the late one), none planned in the past but the one left overdue.
    late = session.scalars(
        select(TripLetter).where(
            TripLetter.status == "planned", TripLetter.due_on < agency_today(now)
        )
    ).all()
    assert [letter.template_key for letter in late] == ["2w"]


def test_a_second_demo_run_changes_nothing(session):
    create_demo_account(session)
    seeded(session)
    before = row_counts(session)

    assert seed_demo_care(session, utcnow()) is None
    session.commit()

    assert row_counts(session) == before


def test_no_demo_agency_in_a_database_with_leads(session):
    make_lead(session)
    session.commit()
    before = row_counts(session)

    assert seed_demo_care(session, utcnow()) is None
    session.commit()

    assert row_counts(session) == before


def test_the_demo_agency_asks_about_the_crawled_catalogue(session):
    operator = make_operator(session, "balkan", "Balkan Sun")
    budva = make_resort(session, make_country(session, "ME", "Montenegro"), "Budva")
    hotel = make_hotel(session, budva, "Budva Riviera", stars=5)
    offer = make_offer(
        session, operator=operator, hotel=hotel, departure_city=make_departure_city(session),
        departure_date=in_days(20), price="1850.00",
    )  # fmt: skip
    session.commit()

    seeded(session)

    anna = session.scalars(select(Client).where(Client.name == "Anna Petrova")).one()
    assert {"Montenegro", "Budva"} <= {row.value for row in anna.preferences}
    lead = session.scalars(select(Lead).where(Lead.client_id == anna.id)).one()
    assert lead.offer_id == offer.id and lead.snapshot["hotel"] == "Budva Riviera"
    assert lead.recheck_status == "available"
    trip = session.scalars(select(Trip).where(Trip.client_id == anna.id)).one()
    assert (trip.hotel_name, trip.operator_name) == ("Budva Riviera", "Balkan Sun")
    assert trip.destination == "Budva, Montenegro"


def test_the_admin_sees_the_demo_agency_on_every_back_office_page(session):
    password = create_demo_account(session)
    seeded(session)
    mia = find_user(session, MIA)

    with TestClient(create_app(), follow_redirects=False) as browser:
        assert log_in(browser, DEMO_ADMIN_EMAIL, password).status_code == 303
        pages = {url: browser.get(url, headers=HTML) for url in BACK_OFFICE_PAGES}
        mias_calls = browser.get(f"/manager/calls?manager={mia.id}", headers=HTML)

    assert {url: page.status_code for url, page in pages.items()} == dict.fromkeys(
        BACK_OFFICE_PAGES, 200
    )
    assert "написать: Elena Vasilieva, письмо за 2 недели" in pages["/manager"].text
    assert "Yulia Nikitina" in pages["/manager"].text  # a new lead nobody has taken
    assert "Natalia Popova" in pages["/manager/letters?manager=all"].text
    assert "Sergey Kuznetsov" in pages["/manager/letters?manager=all"].text
    assert "Svetlana Egorova" in pages["/manager/clients"].text
    assert "Mia Manager" in pages["/manager/kpi"].text and "Leo Sales" in pages["/manager/kpi"].text
    assert "Irina Kozlova" in mias_calls.text and "Marina Sokolova" in mias_calls.text


# --- The demo's people file ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "mistyped", "named"),
    [
        ("    do_not_call: true", "    do_not_cal: true", "people.svetlana.do_not_cal: Extra"),
        ("{call: anna, by: mia,", "{call: anan, by: mia,", "trips_ahead.steps[2] (call): 'anan'"),
        ("{call: anna, by: mia,", "{call: anna, by: mai,", "trips_ahead.steps[2] (call): 'mai'"),
        ("- letters: dmitry", "- letters: natalia", "steps[6] (letters): no earlier step"),
        ("extras: [car]", "extras: [cars]", "steps[3].won_lead.extras[0]: 'cars' is not"),
        ("came: 24 days ago", "came: 24 day ago", "won_lead.came: a day reads"),
        ("at: yesterday at 18:30", "at: 18:30", "call.at: a moment reads"),
        ('price: "2380.00"', "price: 2380.00", "places[0].price: write the price in quotes"),
        ("- letters: olga", "- leters: olga", "trips_back.steps[4]: a step starts with"),
    ],
)
def test_a_mistake_in_the_demo_file_names_its_entry(tmp_path, written, mistyped, named):
    text = DEMO_PEOPLE_FILE.read_text(encoding="utf-8")
    assert written in text
    path = tmp_path / "demo_people.yaml"
    path.write_text(text.replace(written, mistyped, 1), encoding="utf-8")

    with pytest.raises(DemoDataError) as error:
        load_demo_people(path)

    assert named in str(error.value)
