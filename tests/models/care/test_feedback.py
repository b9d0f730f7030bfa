"""The feedback link (signed, expiring, answered once) and the invitations' job."""

import re
import threading
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.care.feedback import (
    AlreadyAnswered,
    FeedbackInputError,
    LinkExpired,
    LinkInvalid,
    feedback_token,
    feedback_url,
    invite_feedback,
    submit_feedback,
    verify_feedback_link,
)
from models.care.trips import Feedback, Trip
from models.leads.records import OutboxMessage
from tests.factories import make_client, make_trip, make_user
from tourscope.foundation.settings import get_settings

# 10 May 2026, 12:00 in Moscow (the agency's default time zone, UTC+3).
NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
TODAY = date(2026, 5, 10)
_numbers = count(1)


def returned_trip(session: Session, back_on: date, **fields) -> Trip:
    manager = fields.pop("manager", None) or make_user(
        session, f"manager{next(_numbers)}@example.com", name="Mia Manager"
    )
    client = fields.pop("client", None) or make_client(
        session,
        name="Olga Ivanova",
        email="olga@example.org",
        manager=manager,
        language=fields.pop("language", "en"),
    )
    return make_trip(session, client, departure=back_on - timedelta(days=7), nights=7, **fields)


def invited_trip(session: Session, back_on: date = TODAY - timedelta(days=1)) -> Trip:
    trip = returned_trip(session, back_on)
    assert invite_feedback(session, NOW) == 1
    session.commit()
    return trip


def token_of(trip: Trip) -> str:
    return feedback_url(trip).rsplit("/", 1)[1]


def outbox(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def use_secret(monkeypatch, secret: str) -> None:
    monkeypatch.setenv("TOURSCOPE_SECRET_KEY", secret)
    get_settings.cache_clear()


# --- The link ----------------------------------------------------------------------------


def test_the_invitation_carries_a_link_that_opens_the_trip(session):
    trip = invited_trip(session)
    [message] = outbox(session)
    url = re.search(r"http\S+/feedback/(\S+)", message.body)
    assert url and url.group(0) == feedback_url(trip)
    assert verify_feedback_link(session, url.group(1), NOW).id == trip.id
    assert message.to_address == "olga@example.org"
    assert "Dear Olga," in message.body and "Ivanova" not in message.body
    # 60 days from the invitation day: valid until the day before.
    assert "until 8 July 2026" in message.body
    assert url.group(1).startswith(f"{trip.id}.20260709.")


def test_a_russian_client_is_invited_in_russian(session):
    returned_trip(session, TODAY - timedelta(days=1), language="ru")
    assert invite_feedback(session, NOW) == 1
    [message] = outbox(session)

    assert message.subject == "Как прошла поездка в Antalya, Turkey?"
    assert message.body.startswith("Здравствуйте, Olga!\n")
    assert "С возвращением из Antalya Palace (2 мая 2026 – 9 мая 2026)." in message.body
    assert "работе менеджера (Mia Manager)" in message.body
    assert "до 8 июля 2026 включительно" in message.body
    assert "Dear" not in message.body and "July" not in message.body


def test_a_changed_character_is_not_valid(session):
    trip = invited_trip(session)
    token = token_of(trip)
    for position in (-1, -20, len(str(trip.id)) + 3):
        changed = token[:position] + ("A" if token[position] != "A" else "B") + token[position:][1:]
        assert changed != token
        with pytest.raises(LinkInvalid, match="This link is not valid"):
            verify_feedback_link(session, changed, NOW)


def test_another_trips_id_with_this_signature_is_not_valid(session):
    trip = invited_trip(session)
    other = returned_trip(session, TODAY - timedelta(days=1))
    session.commit()
    forged = token_of(trip).replace(f"{trip.id}.", f"{other.id}.", 1)
    with pytest.raises(LinkInvalid):
        verify_feedback_link(session, forged, NOW)
    with pytest.raises(LinkInvalid):
        submit_feedback(session, forged, 5, 5, "", NOW)
    assert session.scalar(select(func.count(Feedback.id))) == 0


def test_a_later_expiry_with_the_old_signature_is_not_valid(session):
    token = token_of(invited_trip(session))
    longer = re.sub(r"\.2026(\d{4})\.", ".2030\\1.", token)
    with pytest.raises(LinkInvalid):
        verify_feedback_link(session, longer, NOW)


def test_a_link_signed_with_another_secret_is_not_valid(session, monkeypatch):
    trip = invited_trip(session)
    token = token_of(trip)
    assert token == feedback_token(trip.id, date(2026, 7, 9))
    use_secret(monkeypatch, "another-secret-of-at-least-thirty-two-characters")
    with pytest.raises(LinkInvalid):
        verify_feedback_link(session, token, NOW)
    # Signed afresh under the new secret, the same trip's link is good again.
    assert verify_feedback_link(session, token_of(trip), NOW).id == trip.id


def test_a_csrf_token_is_no_feedback_signature(session):
    """The link's key is derived for its purpose: the plain HMAC of the secret is refused."""
    import base64
    import hashlib
    import hmac

    trip = invited_trip(session)
    secret = get_settings().secret_key.get_secret_value().encode()
    plain = hmac.new(secret, f"{trip.id}.20260709".encode(), hashlib.sha256).digest()
    token = f"{trip.id}.20260709." + base64.urlsafe_b64encode(plain).rstrip(b"=").decode()
    with pytest.raises(LinkInvalid):
        verify_feedback_link(session, token, NOW)


@pytest.mark.parametrize("token", ["", "abc", "1.2.3", "0.20260709." + "A" * 43, "x" * 500])
def test_garbage_is_not_valid(session, token):
    with pytest.raises(LinkInvalid):
        verify_feedback_link(session, token, NOW)


def test_a_link_of_a_deleted_or_cancelled_trip_is_not_valid(session):
    trip = invited_trip(session)
    token = token_of(trip)
    trip.status = "cancelled"
    session.commit()
    with pytest.raises(LinkInvalid):
        verify_feedback_link(session, token, NOW)
    assert session.get(Trip, 999) is None
    with pytest.raises(LinkInvalid):
        verify_feedback_link(session, feedback_token(999, date(2026, 7, 9)), NOW)


def test_the_link_expires_on_its_date_in_the_agency_time_zone(session):
    token = token_of(invited_trip(session))
    # 8 July 23:59 in Moscow: still valid; 9 July 00:01 in Moscow (8 July 21:01 UTC): expired.
    last_minute = datetime(2026, 7, 8, 20, 59, tzinfo=UTC)
    assert verify_feedback_link(session, token, last_minute)
    with pytest.raises(LinkExpired, match="This link expired on 9 July 2026"):
        verify_feedback_link(session, token, datetime(2026, 7, 8, 21, 1, tzinfo=UTC))
    with pytest.raises(LinkExpired):
        submit_feedback(session, token, 5, 5, "late", datetime(2026, 8, 1, tzinfo=UTC))
    assert session.scalar(select(func.count(Feedback.id))) == 0


# --- The answer --------------------------------------------------------------------------


def test_an_answer_is_stored_once_and_a_second_is_refused(session):
    trip = invited_trip(session)
    token = token_of(trip)
    submit_feedback(session, token, "5", 4, "  Lovely hotel  ", NOW)
    session.commit()
    with pytest.raises(AlreadyAnswered, match="already answered, thank you"):
        submit_feedback(session, token, 1, 1, "changed my mind", NOW)
    session.rollback()
    [feedback] = session.scalars(select(Feedback)).all()
    assert (feedback.trip_id, feedback.manager_rating, feedback.trip_rating) == (trip.id, 5, 4)
    assert feedback.comment == "Lovely hotel"
    # Answered is said even after the link expired.
    with pytest.raises(AlreadyAnswered):
        verify_feedback_link(session, token, datetime(2027, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("manager_rating", "trip_rating", "comment", "fields"),
    [
        (0, 5, "", {"manager_rating"}),
        (5, 6, "", {"trip_rating"}),
        ("abc", "", "", {"manager_rating", "trip_rating"}),
        ("4.5", None, "", {"manager_rating", "trip_rating"}),
        ("-1", "3", "", {"manager_rating"}),
        (5, 5, "x" * 2001, {"comment"}),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(
    session, manager_rating, trip_rating, comment, fields
):
    token = token_of(invited_trip(session))
    with pytest.raises(FeedbackInputError) as refused:
        submit_feedback(session, token, manager_rating, trip_rating, comment, NOW)
    assert set(refused.value.errors) == fields
    session.rollback()
    assert session.scalar(select(func.count(Feedback.id))) == 0
    submit_feedback(session, token, 3, 3, "x" * 2000, NOW)  # the link still works


def test_two_submits_at_once_store_one_answer(session, db_url):
    """The second insert waits for the first and then meets the unique trip id."""
    from models.db import get_sessionmaker

    token = token_of(invited_trip(session))
    first = get_sessionmaker(db_url)()
    submit_feedback(first, token, 5, 5, "first", NOW)  # flushed, not committed yet
    outcome: list[object] = []

    def second_submit() -> None:
        with get_sessionmaker(db_url)() as second:
            try:
                submit_feedback(second, token, 1, 1, "second", NOW)
                second.commit()
                outcome.append("stored")
            except AlreadyAnswered as refusal:
                outcome.append(refusal)

    racer = threading.Thread(target=second_submit)
    racer.start()
    racer.join(0.5)  # it is waiting for the first transaction
    first.commit()
    first.close()
    racer.join(20)
    assert len(outcome) == 1 and isinstance(outcome[0], AlreadyAnswered)
    comments = session.scalars(select(Feedback.comment)).all()
    assert comments == ["first"]


# --- The invitations ---------------------------------------------------------------------


def test_only_returned_booked_trips_with_an_email_are_invited_once(session):
    manager = make_user(session, "mia@example.com", name="Mia Manager")
    client = make_client(session, name="Olga Ivanova", manager=manager)
    no_email = make_client(session, name="Ivan Nomail", email=None, manager=manager)
    back_yesterday = returned_trip(session, TODAY - timedelta(days=1), client=client)
    back_today = returned_trip(session, TODAY, client=client)
    cancelled = returned_trip(session, TODAY - timedelta(days=3), client=client, status="cancelled")
    without_email = returned_trip(session, TODAY - timedelta(days=2), client=no_email)
    long_ago = returned_trip(session, TODAY - timedelta(days=200), client=client)
    session.commit()

    assert invite_feedback(session, NOW) == 1
    session.commit()
    [message] = outbox(session)
    assert message.to_address == "olga@example.org"
    assert "Antalya" in message.subject and "Mia Manager" in message.body
    assert back_yesterday.feedback_invited_at == NOW
    for trip in (back_today, cancelled, without_email, long_ago):
        session.refresh(trip)
        assert trip.feedback_invited_at is None

    assert invite_feedback(session, NOW + timedelta(hours=1)) == 0  # never twice
    session.commit()
    assert len(outbox(session)) == 1
    # The next day the trip back today is due, and only it.
    assert invite_feedback(session, NOW + timedelta(days=1)) == 1
    session.commit()
    assert len(outbox(session)) == 2


def test_the_delay_is_counted_in_agency_days_around_midnight(session, monkeypatch):
    monkeypatch.setenv("TOURSCOPE_AGENCY_TIMEZONE", "Asia/Tokyo")  # UTC+9
    monkeypatch.setenv("TOURSCOPE_FEEDBACK_DELAY_DAYS", "2")
    get_settings.cache_clear()
    trip = returned_trip(session, date(2026, 5, 8))
    session.commit()
    # 9 May 23:30 in Tokyo (14:30 UTC): one day after the return, not due yet.
    assert invite_feedback(session, datetime(2026, 5, 9, 14, 30, tzinfo=UTC)) == 0
    # 10 May 00:30 in Tokyo, still 9 May in UTC: due.
    assert invite_feedback(session, datetime(2026, 5, 9, 15, 30, tzinfo=UTC)) == 1
    session.commit()
    assert trip.feedback_invited_at == datetime(2026, 5, 9, 15, 30, tzinfo=UTC)
    # Its link lives 60 days from 10 May, the agency's invitation day.
    assert token_of(trip).startswith(f"{trip.id}.20260709.")


def test_an_invitation_is_rolled_back_with_its_trip(session):
    trip = returned_trip(session, TODAY - timedelta(days=1))
    session.commit()
    assert invite_feedback(session, NOW) == 1
    session.rollback()  # the caller's transaction failed: neither the mail nor the mark stays
    assert outbox(session) == []
    session.refresh(trip)
    assert trip.feedback_invited_at is None
    assert invite_feedback(session, NOW) == 1
