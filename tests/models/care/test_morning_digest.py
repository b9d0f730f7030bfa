"""Each manager's morning e-mail: the letters due and overdue and the calls planned, once
a day from the agency's morning hour, through the outbox; off for whoever turned it off."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from models import OutboxMessage, TripLetter
from models.care.morning_digest import send_morning_digests
from tests.factories import make_client, make_trip, make_user

# Tuesday 10 March 2026 in Moscow (UTC+3).
BEFORE_EIGHT = datetime(2026, 3, 10, 4, 30, tzinfo=UTC)  # 07:30
MORNING = datetime(2026, 3, 10, 6, 15, tzinfo=UTC)  # 09:15
NEXT_MORNING = datetime(2026, 3, 11, 5, 5, tzinfo=UTC)  # 08:05


def mails(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_one_digest_a_day_from_the_morning_hour_in_the_agencys_language(session):
    mia = make_user(session, "mia@example.com", name="Mia Manager")
    mia.daily_call_plan = 30
    olga = make_client(session, name="Olga Petrova", manager=mia)
    trip = make_trip(
        session, olga, manager=mia, departure=date(2026, 3, 24), hotel_name="Sea Breeze"
    )
    session.add(
        TripLetter(trip=trip, template_key="2w", due_on=date(2026, 3, 10), status="planned")
    )
    session.add(TripLetter(trip=trip, template_key="1m", due_on=date(2026, 3, 7), status="planned"))
    make_client(session, name="Ivan Sidorov", email="ivan@example.org", manager=mia)  # to call
    quiet = make_user(session, "leo@example.com", name="Leo Quiet")
    quiet.morning_digest = False
    gone = make_user(session, "old@example.com", name="Old Hand")
    gone.active = False
    session.commit()

    assert send_morning_digests(session, BEFORE_EIGHT) == 0
    assert send_morning_digests(session, MORNING) == 1
    [mail] = mails(session)
    assert mail.to_address == "mia@example.com"
    # The agency speaks Russian (TOURSCOPE_DEFAULT_LOCALE): dates and plurals too.
    assert mail.subject == "Ваш день, 10 марта 2026: 2 письма к отправке, 30 звонков по плану"
    body = mail.body
    assert body.startswith("Доброе утро, Mia Manager!")
    assert "Olga Petrova, Sea Breeze (вылет 24 марта 2026), сегодня" in body
    assert "просрочено на 3 дня" in body  # the 1-month letter, due on the 7th
    assert "/manager/letters/" in body and "/manager/calls" in body
    assert "- Ivan Sidorov" in body

    assert send_morning_digests(session, MORNING) == 0  # once a day
    assert send_morning_digests(session, NEXT_MORNING) == 1
    assert [m.to_address for m in mails(session)] == ["mia@example.com"] * 2


def test_a_cold_caller_gets_only_the_calls_and_sales_no_digest(session):
    cole = make_user(session, "cole@example.com", role="cold_caller", name="Cole Caller")
    make_client(session, name="Ivan Sidorov", email="ivan@example.org", manager=cole)
    make_user(session, "sam@example.com", role="sales", name="Sam Sales")
    session.commit()

    assert send_morning_digests(session, MORNING) == 1
    [mail] = mails(session)
    assert mail.to_address == "cole@example.com"
    assert mail.subject == "Ваш день, 10 марта 2026: 50 звонков по плану"
    # No letters to write, not even "none due today".
    assert "перед поездкой" not in mail.body and "/manager/letters" not in mail.body
    assert "- Ivan Sidorov" in mail.body
