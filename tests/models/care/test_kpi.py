"""The KPI arithmetic on a known data set: two managers, March 2026, agency in Moscow (UTC+3).

Mia (2 calls a day planned):
- sales: Olga (first contact Mia in February, bought twice in March) and Pavel (first
  contact Mia on 2 March, bought on 15 March) = 2 clients; not counted: Sergei, who
  bought before his first contact; Kira, whose trip was cancelled; Boris, whose first
  contact was Bob's; Lena, who bought at 00:30 on 1 April in Moscow (31 March in UTC).
  2 / 10 = 0.2 -> 10 points.
- feedback in March on her trips: 5, 4, 4 (a 1 in February is not counted): average
  13/3, score (13/3 - 1) / 4 = 5/6 -> 25 points.
- letters due in March: on time 5 Mar (sent 23:00 Moscow), late 6 Mar (sent 00:30 on
  7 Mar in Moscow, 6 Mar in UTC), never sent 12 Mar, sent early for 25 Mar; skipped and
  cancelled ones left out: 2 / 4 = 0.5. Calls: 11 in March / (2 x 22 working days) =
  0.25 (one at 01:00 on 1 April in Moscow is April's). Procedure (0.5 + 0.25) / 2 =
  0.375 -> 7.5 points. Total 42.50.
Bob (1 call a day): sales Boris = 1 -> 0.1 -> 5 points; no ratings -> 0; no letters (left
out), calls 30 / 22 capped at 1 -> procedure 1 -> 20 points. Total 25.00.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from models.accounts.users import User
from models.care.clients import ClientContact
from models.care.kpi import (
    BadMonth,
    csv_safe,
    kpi_csv,
    kpi_history,
    kpi_report,
    next_month,
    parse_month,
    previous_month,
    report_managers,
    working_days,
)
from models.care.trips import Feedback, TripLetter
from tests.factories import make_client, make_trip, make_user
from tourscope.foundation.settings import get_settings

MARCH = date(2026, 3, 1)
AFTER_MARCH = datetime(2026, 4, 10, 9, 0, tzinfo=UTC)


def at(day: int, hour: int = 12, minute: int = 0, month: int = 3) -> datetime:
    """A time in March 2026 (UTC)."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def contact(session: Session, client, manager: User, when: datetime, kind: str = "email"):
    session.add(
        ClientContact(client=client, manager_id=manager.id, at=when, kind=kind, outcome="talked")
    )


def letter(session: Session, trip, key: str, due_on: date, status: str, sent_at=None):
    session.add(
        TripLetter(trip=trip, template_key=key, due_on=due_on, status=status, sent_at=sent_at)
    )


def known_data_set(session: Session) -> tuple[User, User]:
    mia = make_user(session, "mia@example.com", name="Mia Manager")
    bob = make_user(session, "bob@example.com", name="Bob Manager")
    mia.created_at = bob.created_at = at(1, month=1)  # both worked here all year
    mia.daily_call_plan, bob.daily_call_plan = 2, 1

    # Sales
    olga = make_client(session, name="Olga", manager=mia)
    contact(session, olga, mia, at(10, month=2))
    make_trip(session, olga, manager=mia, created_at=at(5))
    make_trip(session, olga, manager=mia, created_at=at(20))
    pavel = make_client(session, name="Pavel", manager=mia)
    contact(session, pavel, mia, at(2, 9))
    make_trip(session, pavel, manager=mia, created_at=at(15))
    sergei = make_client(session, name="Sergei", manager=mia)
    contact(session, sergei, mia, at(3))
    make_trip(session, sergei, manager=mia, created_at=at(2))
    kira = make_client(session, name="Kira", manager=mia)
    contact(session, kira, mia, at(5, month=1))
    make_trip(session, kira, manager=mia, created_at=at(12), status="cancelled")
    boris = make_client(session, name="Boris", manager=bob)
    contact(session, boris, bob, at(1, month=2))
    contact(session, boris, mia, at(15, month=2))
    make_trip(session, boris, manager=mia, created_at=at(10))
    lena = make_client(session, name="Lena", manager=mia)
    contact(session, lena, mia, at(1, 8))
    make_trip(session, lena, manager=mia, created_at=at(31, 21, 30))

    # Feedback, on trips booked long ago by clients nobody called
    for stars, submitted in [(5, at(3)), (4, at(9)), (4, at(31, 20, 0)), (1, at(27, month=2))]:
        quiet = make_client(session, name="Quiet", manager=mia)
        trip = make_trip(session, quiet, manager=mia, created_at=at(5, month=1))
        session.add(
            Feedback(trip=trip, manager_rating=stars, trip_rating=3, submitted_at=submitted)
        )

    # Letters
    client = make_client(session, name="Travelling", manager=mia)
    first, second = (make_trip(session, client, created_at=at(1, month=1)) for _ in range(2))
    letter(session, first, "2m", date(2026, 3, 5), "sent", at(5, 20, 0))
    letter(session, first, "1m", date(2026, 3, 6), "sent", at(6, 21, 30))
    letter(session, first, "2w", date(2026, 3, 10), "skipped")
    letter(session, first, "3d", date(2026, 3, 12), "planned")
    letter(session, second, "2m", date(2026, 3, 20), "cancelled")
    letter(session, second, "1m", date(2026, 2, 28), "sent", at(27, month=2))
    letter(session, second, "2w", date(2026, 3, 25), "sent", at(4))

    # Calls (the contacts above were e-mails; a meeting is no call either)
    for n in range(11):
        contact(session, client, mia, at(3 + n, 10), "call")
    contact(session, client, mia, at(4, 11), "meeting")
    contact(session, client, mia, at(31, 22, 0), "call")  # 1 April, 01:00 in Moscow
    for n in range(30):
        contact(session, client, bob, at(2 + n % 28, 8, n), "call")
    session.commit()
    return mia, bob


def test_the_known_data_set(session):
    mia, bob = known_data_set(session)
    mia_row, bob_row = kpi_report(session, MARCH, [mia, bob], AFTER_MARCH)

    assert mia_row.manager == "Mia Manager"
    assert mia_row.clients_bought == 2
    assert mia_row.ratings == 3 and mia_row.average_rating == Decimal("4.33")
    assert (mia_row.letters_on_time, mia_row.letters_counted) == (2, 4)
    assert (mia_row.calls_logged, mia_row.calls_planned) == (11, 44)
    assert mia_row.letters_ratio == Decimal("0.5000")
    assert mia_row.calls_ratio == Decimal("0.2500")
    assert mia_row.scores == {
        "sales": Decimal("0.2000"),
        "feedback": Decimal("0.8333"),
        "procedure": Decimal("0.3750"),
    }
    assert mia_row.points == {
        "sales": Decimal("10.00"),
        "feedback": Decimal("25.00"),
        "procedure": Decimal("7.50"),
    }
    assert mia_row.total == Decimal("42.50")

    assert bob_row.clients_bought == 1
    assert bob_row.ratings == 0 and bob_row.average_rating is None
    assert bob_row.scores["feedback"] == 0
    assert bob_row.letters_counted == 0 and bob_row.letters_ratio is None
    assert (bob_row.calls_logged, bob_row.calls_planned, bob_row.calls_ratio) == (
        30,
        22,
        Decimal("1.0000"),
    )
    assert bob_row.points == {
        "sales": Decimal("5.00"),
        "feedback": Decimal("0.00"),
        "procedure": Decimal("20.00"),
    }
    assert bob_row.total == Decimal("25.00")


def test_weights_and_target_from_settings_change_the_total(session, monkeypatch):
    mia, bob = known_data_set(session)
    monkeypatch.setenv("TOURSCOPE_KPI_WEIGHTS", '{"sales": 20, "feedback": 40, "procedure": 40}')
    monkeypatch.setenv("TOURSCOPE_KPI_SALES_TARGET", "2")
    get_settings.cache_clear()
    mia_row, bob_row = kpi_report(session, MARCH, [mia, bob], AFTER_MARCH)
    # Mia: 20 x 1 + 40 x 5/6 + 40 x 0.375 = 20 + 33.333... + 15
    assert mia_row.points["feedback"] == Decimal("33.33")
    assert mia_row.total == Decimal("68.33")
    # Bob: 20 x 0.5 + 0 + 40 x 1
    assert bob_row.total == Decimal("50.00")


def test_the_month_is_the_agencys(session, monkeypatch):
    """Lena's trip and Mia's last call fall on 1 April in Moscow: April's, not March's."""
    mia, _bob = known_data_set(session)
    [april] = kpi_report(session, date(2026, 4, 1), [mia], AFTER_MARCH)
    assert april.clients_bought == 1  # Lena
    assert april.calls_logged == 1
    # In UTC they are March's.
    monkeypatch.setenv("TOURSCOPE_AGENCY_TIMEZONE", "UTC")
    get_settings.cache_clear()
    [march] = kpi_report(session, MARCH, [mia], AFTER_MARCH)
    assert (march.clients_bought, march.calls_logged) == (3, 12)
    # ...and the 6 March letter sent at 21:30 UTC is on time.
    assert (march.letters_on_time, march.letters_counted) == (3, 4)


def test_the_current_month_counts_what_is_known_so_far(session):
    """On Tuesday 10 March: letters due later are not counted unless sent; working days
    2-6 and 9-10 March are (7 of them), today included."""
    mia, _bob = known_data_set(session)
    [row] = kpi_report(session, MARCH, [mia], datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    # 5 Mar on time, 6 Mar late, 25 Mar sent early (12 Mar not due yet).
    assert (row.letters_on_time, row.letters_counted) == (2, 3)
    assert row.calls_planned == 14
    [future] = kpi_report(session, date(2026, 5, 1), [mia], datetime(2026, 3, 10, tzinfo=UTC))
    assert future.calls_planned == 0 and future.calls_ratio is None
    assert future.scores["procedure"] == 0 and future.total == 0


def test_calls_are_planned_only_for_the_days_the_account_existed(session):
    """A manager who joined on Tuesday 10 March is planned the working days from then on
    (16 in March), not the whole month's 22 (issue 15, bug 7); one who joins later in
    the month than the report's day has none planned yet."""
    newcomer = make_user(session, "new@example.com", name="New Manager")
    newcomer.created_at = at(10, 7, 0)  # 10:00 in Moscow
    newcomer.daily_call_plan = 10
    session.commit()
    [row] = kpi_report(session, MARCH, [newcomer], AFTER_MARCH)
    assert row.calls_planned == 10 * 16
    [early] = kpi_report(session, MARCH, [newcomer], datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    assert early.calls_planned == 0 and early.calls_ratio is None


def test_the_agency_default_plan_is_used_without_a_personal_one(session):
    mia, _bob = known_data_set(session)
    mia.daily_call_plan = None
    session.commit()
    [row] = kpi_report(session, MARCH, [mia], AFTER_MARCH)
    assert row.calls_planned == 50 * 22


def test_an_admin_sees_every_active_manager_and_a_manager_only_themselves(session):
    mia, _bob = known_data_set(session)
    admin = make_user(session, "admin@example.com", role="admin", name="Adam Admin")
    gone = make_user(session, "gone@example.com", name="Gone Manager")
    gone.active = False
    session.commit()
    assert [user.name for user in report_managers(session, admin)] == [
        "Bob Manager",
        "Mia Manager",
    ]
    assert report_managers(session, mia) == [mia]


def test_the_csv_has_a_header_and_a_row_per_manager(session):
    mia, bob = known_data_set(session)
    bob.name = '=HYPERLINK("http://evil.example")'
    session.commit()
    lines = kpi_csv(kpi_report(session, MARCH, [mia, bob], AFTER_MARCH)).splitlines()
    assert lines[0].startswith("month,manager,clients bought after first contact,")
    assert lines[1] == (
        "2026-03,Mia Manager,2,10,0.2000,10.00,3,4.33,0.8333,25.00,2,4,0.5000,11,44,0.2500,"
        "0.3750,7.50,42.50"
    )
    assert lines[2].startswith('2026-03,"\'=HYPERLINK(""http://evil.example"")",1,10,')
    assert ",no ratings," in lines[2] and lines[2].endswith(",25.00")


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+7 900", "'+7 900"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Mia", "Mia"),
        (42, "42"),
        (None, ""),
    ],
)
def test_csv_cells_never_start_a_formula(cell, safe):
    assert csv_safe(cell) == safe


def test_months_parse_and_step():
    assert parse_month("2026-03") == MARCH
    assert previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    for bad in ("2026-13", "2026-3", "March", "", "2026-03-01", "１２３４-05", "1999-12"):
        with pytest.raises(BadMonth):
            parse_month(bad)
    assert working_days(date(2026, 3, 1), date(2026, 3, 31)) == 22
    assert working_days(date(2026, 3, 1), date(2026, 3, 1)) == 0  # a Sunday
    assert working_days(date(2026, 3, 2), date(2026, 3, 1)) == 0
    assert next_month(MARCH) - timedelta(days=1) == date(2026, 3, 31)


def test_the_history_is_the_report_month_by_month(session):
    """kpi_history's rows are kpi_report's for each month (the data set spans February to
    April), in four queries however many months and managers."""
    mia, bob = known_data_set(session)
    newcomer = make_user(session, "new@example.com", name="New Manager")
    newcomer.created_at = at(10, 7, 0)  # joined in March
    session.commit()
    statements = []

    def count(*_args):
        statements.append(1)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    history = kpi_history(session, date(2026, 4, 1), [mia, bob, newcomer], 12, AFTER_MARCH)
    event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 4

    # Mia and Bob worked here since January: January to April; the newcomer from March.
    assert [row.month for row in history[mia.id]] == [date(2026, n, 1) for n in (1, 2, 3, 4)]
    assert [row.month for row in history[newcomer.id]] == [MARCH, date(2026, 4, 1)]
    for manager in (mia, bob, newcomer):
        for row in history[manager.id]:
            assert [row] == kpi_report(session, row.month, [manager], AFTER_MARCH)
    # January: nothing happened, and it says zero.
    assert history[mia.id][0].total == 0 and history[mia.id][0].clients_bought == 0
    assert history[mia.id][2].total == Decimal("42.50")


def test_the_history_is_at_most_the_months_asked_and_always_the_last(session):
    old = make_user(session, "old@example.com", name="Old Hand")
    old.created_at = datetime(2020, 1, 1, tzinfo=UTC)
    future = make_user(session, "future@example.com", name="Not Yet")
    future.created_at = datetime(2026, 6, 1, tzinfo=UTC)
    session.commit()
    history = kpi_history(session, MARCH, [old, future], 12, AFTER_MARCH)
    assert [row.month for row in history[old.id]][::11] == [date(2025, 4, 1), MARCH]
    assert len(history[old.id]) == 12
    # An account created after the month shown still has that month's row, as the table.
    assert [row.month for row in history[future.id]] == [MARCH]
    assert kpi_history(session, MARCH, [], 12, AFTER_MARCH) == {}
