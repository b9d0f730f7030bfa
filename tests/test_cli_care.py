"""`tourscope care`: the client-care round that cron or docker-compose runs."""

from datetime import timedelta

from sqlalchemy import select

from models.agency_time import agency_today
from models.base import utcnow
from models.care.trip_workflow import create_trip
from models.care.trips import LetterStatus, TripLetter
from models.leads.records import OutboxMessage
from tests.crawler.cli import run_tourscope
from tests.factories import make_client, make_trip, make_user, trip_details


def _book_two_trips(session):
    """One trip leaving in two weeks (its 2-week letter is due today) and one back two
    days ago (its client is due a feedback invitation)."""
    manager = make_user(session, "mia@example.com", name="Mia Manager")
    # These count the clients' mail; Mia's own morning e-mail (from 08:00 agency time, so
    # present or not by the hour the test runs) has its tests in tests/models.
    manager.morning_digest = False
    leaving = make_client(session, name="Lena Leaving", email="lena@example.org", manager=manager)
    details = trip_details(agency_today() + timedelta(days=14))
    create_trip(session, leaving, manager, details, utcnow())
    back = make_client(session, name="Bo Back", email="bo@example.org", manager=manager)
    make_trip(session, back, departure=agency_today() - timedelta(days=9), nights=7)
    session.commit()


def _outbox(session) -> list[OutboxMessage]:
    session.expire_all()
    return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_round_invites_returned_clients_and_leaves_letters_to_managers(db_url, session):
    _book_two_trips(session)

    result = run_tourscope("care", "--once", env={"TOURSCOPE_DATABASE_URL": db_url})

    assert result.returncode == 0, result.stderr
    assert "left for the managers to send" in result.stdout
    assert "feedback invitations queued 1, letters queued 0" in result.stdout
    [invitation] = _outbox(session)
    assert invitation.to_address == "bo@example.org"
    assert "/feedback/" in invitation.body
    due = session.scalars(select(TripLetter).where(TripLetter.template_key == "2w")).one()
    assert due.status == LetterStatus.PLANNED


def test_with_auto_send_the_due_letter_goes_out_and_nothing_twice(db_url, session):
    _book_two_trips(session)
    environment = {"TOURSCOPE_DATABASE_URL": db_url, "TOURSCOPE_REMINDERS_AUTO_SEND": "true"}

    first = run_tourscope("care", "--once", env=environment)
    second = run_tourscope("care", "--once", env=environment)

    assert first.returncode == 0, first.stderr
    assert "feedback invitations queued 1, letters queued 1" in first.stdout
    assert "feedback invitations queued 0, letters queued 0" in second.stdout
    mail = _outbox(session)
    assert sorted(message.to_address for message in mail) == ["bo@example.org", "lena@example.org"]
    letter = session.scalars(select(TripLetter).where(TripLetter.template_key == "2w")).one()
    assert letter.status == LetterStatus.SENT and letter.sent_by_id is None
    assert letter.outbox_id in {message.id for message in mail}


def test_an_unmigrated_database_is_one_readable_line(tmp_path):
    result = run_tourscope(
        "care", "--once", env={"TOURSCOPE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
