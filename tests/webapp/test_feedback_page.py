"""The client's feedback page, through its signed link, as a browser uses it."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from models.base import utcnow
from models.care.feedback import feedback_url, invite_feedback
from models.care.trips import Feedback
from tests.factories import in_days, make_client, make_trip, make_user
from webapp import csrf


@pytest.fixture
def trip(session):
    manager = make_user(session, "mia@example.com", name="Mia Manager")
    client = make_client(
        session, name="Olga Ivanova", email="olga.ivanova@example.org", manager=manager
    )
    trip = make_trip(
        session, client, departure=in_days(-10), nights=7, hotel_name="Side Garden Resort"
    )
    assert invite_feedback(session) == 1
    session.commit()
    return trip


def path_of(trip) -> str:
    return "/feedback/" + feedback_url(trip).rsplit("/feedback/", 1)[1]


def csrf_token(page) -> str:
    match = re.search(rf'name="{csrf.FIELD}" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def answer(client, url: str, **fields) -> object:
    token = csrf_token(client.get(url))
    return client.post(url, data={csrf.FIELD: token, **fields})


def stored(session) -> list[Feedback]:
    session.expire_all()
    return list(session.scalars(select(Feedback)))


def test_the_form_shows_the_trip_and_only_the_first_name(client, trip):
    page = client.get(path_of(trip))
    assert page.status_code == 200
    assert "Side Garden Resort" in page.text and "Mia Manager" in page.text
    assert "Dear Olga" in page.text
    assert "Ivanova" not in page.text and "olga.ivanova" not in page.text
    assert "+7 900" not in page.text
    for name in ("manager_rating", "trip_rating"):
        assert len(re.findall(rf'type="radio" name="{name}" value="[1-5]"', page.text)) == 5
    assert "<legend>The trip</legend>" in page.text and 'id="comment"' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"


def test_an_answer_is_stored_thanked_and_not_taken_twice(client, session, trip):
    url = path_of(trip)
    response = answer(client, url, manager_rating="5", trip_rating="4", comment="Great guide")
    assert response.status_code == 200
    assert "Thank you, Olga" in response.text
    [feedback] = stored(session)
    assert (feedback.trip_id, feedback.manager_rating, feedback.trip_rating) == (trip.id, 5, 4)
    assert feedback.comment == "Great guide"

    again = client.get(url)
    assert again.status_code == 409
    assert "You have already answered, thank you." in again.text
    assert 'name="manager_rating"' not in again.text
    token = csrf_token(client.get("/leads/new"))  # any page's form token
    repeat = client.post(url, data={csrf.FIELD: token, "manager_rating": "1", "trip_rating": "1"})
    assert repeat.status_code == 409
    [unchanged] = stored(session)
    assert (unchanged.manager_rating, unchanged.comment) == (5, "Great guide")


def test_a_bad_rating_shows_the_form_again_with_what_was_typed(client, session, trip):
    url = path_of(trip)
    comment = "The <b>pool</b> was closed & cold"
    response = answer(client, url, manager_rating="9", trip_rating="3", comment=comment)
    assert response.status_code == 422
    assert "Choose a rating for your manager from 1 to 5." in response.text
    assert "The &lt;b&gt;pool&lt;/b&gt; was closed &amp; cold</textarea>" in response.text
    assert 'name="trip_rating" value="3" required checked' in response.text
    assert stored(session) == []
    missing = answer(client, url, comment="no stars")
    assert missing.status_code == 422 and "for the trip" in missing.text
    too_long = answer(client, url, manager_rating="4", trip_rating="4", comment="x" * 2500)
    assert too_long.status_code == 422 and "2000 characters (it has 2500)" in too_long.text
    assert stored(session) == []


def test_a_post_without_the_csrf_token_stores_nothing(client, session, trip):
    url = path_of(trip)
    client.get(url)
    response = client.post(
        url, data={"manager_rating": "5", "trip_rating": "5", "comment": "kept text"}
    )
    assert response.status_code == 403
    assert "nothing was stored" in response.text and "kept text</textarea>" in response.text
    forged = client.post(
        url, data={csrf.FIELD: "forged", "manager_rating": "5", "trip_rating": "5"}
    )
    assert forged.status_code == 403
    assert stored(session) == []


def test_a_tampered_link_is_not_found(client, session, trip):
    url = path_of(trip)
    tampered = url[:-1] + ("A" if url[-1] != "A" else "B")
    for target in (tampered, "/feedback/123", "/feedback/" + "9" * 300):
        page = client.get(target)
        assert page.status_code == 404
        assert "This link is not valid" in page.text
    token = csrf_token(client.get(url))
    posted = client.post(
        tampered, data={csrf.FIELD: token, "manager_rating": "5", "trip_rating": "5"}
    )
    assert posted.status_code == 404
    assert stored(session) == []


def test_an_expired_link_says_when_it_expired(client, session, trip):
    trip.feedback_invited_at = utcnow() - timedelta(days=61)
    session.commit()
    url = path_of(trip)
    page = client.get(url)
    assert page.status_code == 410
    assert re.search(r"This link expired on \d{1,2} [A-Z][a-z]+ \d{4}\.", page.text)
    token = csrf_token(client.get("/leads/new"))
    posted = client.post(url, data={csrf.FIELD: token, "manager_rating": "5", "trip_rating": "5"})
    assert posted.status_code == 410
    assert stored(session) == []
