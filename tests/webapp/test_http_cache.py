"""HTTP caching and compression: public answers are validated by the catalogue's
generation (304 while it stands, a new answer once a crawl lands or an admin changes a
hotel); the reference lists are read once per generation; per-visitor pages are never
stored; large answers are gzipped."""

import pytest
from sqlalchemy import event, select

from models import Hotel, Offer
from models.catalog.generation import current_generation
from models.catalog.hotel_merges import rename_hotel
from models.db import get_engine
from tests.factories import make_departure_city, make_hotel, make_offer, make_operator, make_resort
from tests.webapp.pages import main_text

PUBLIC = "public, max-age=60"
NO_STORE = "no-store"
CATALOGUE_ANSWERS = [
    "/",
    "/?country=TR&adults=2",
    "/deals",
    "/api/search?country=TR",
    "/api/calendar?country=TR",
    "/api/deals",
    "/api/countries",
    "/api/resorts?country=TR",
    "/api/departure-cities",
    "/api/operators",
]


@pytest.fixture
def statements(db_url):
    """Every SQL statement the app sends from now on (its real engine, listened to)."""
    sent: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        sent.append(statement)

    engine = get_engine(db_url)
    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def test_public_answers_carry_a_validator_and_a_304_answers_it(client, offers, session):
    hotel_id = session.scalar(select(Hotel.id).where(Hotel.name == "Antalya Palace"))
    for path in [*CATALOGUE_ANSWERS, f"/hotels/{hotel_id}", f"/api/hotels/{hotel_id}"]:
        first = client.get(path)
        assert first.status_code == 200, path
        etag = first.headers["etag"]
        assert etag.startswith('W/"') and first.headers["cache-control"] == PUBLIC, path
        assert "set-cookie" not in first.headers, path  # nothing of one visitor to share
        again = client.get(path, headers={"If-None-Match": etag})
        assert (again.status_code, again.content) == (304, b""), path
        assert again.headers["etag"] == etag and again.headers["cache-control"] == PUBLIC
        # Another request is another answer: its own validator.
        other = client.get(path + ("&" if "?" in path else "?") + "currency=USD")
        assert other.headers.get("etag") != etag, path


def test_a_landed_change_or_an_admins_rename_answers_anew(client, offers, session):
    page = client.get("/")
    etag = page.headers["etag"]
    assert "Sunny Days" not in main_text(page.text)

    # A crawl lands: here, an offer written through the ORM, which refreshes the hotel's
    # day prices and moves the catalogue's generation, as a landing does.
    generation = current_generation(session)
    hotel = session.scalars(select(Hotel).where(Hotel.name == "Hurghada Reef")).one()
    city = make_departure_city(session, "LED", "Saint Petersburg")
    sunny = make_hotel(session, make_resort(session, hotel.resort.country, "Safaga"), "Sunny Days")
    make_offer(session, operator=make_operator(session, "sunny"), hotel=sunny, departure_city=city)
    session.commit()
    assert current_generation(session) > generation
    page = client.get("/", headers={"If-None-Match": etag})
    assert page.status_code == 200 and page.headers["etag"] != etag
    assert "Sunny Days" in main_text(page.text)

    etag = page.headers["etag"]
    rename_hotel(session, sunny.id, "Sunny Days Safaga")
    session.commit()
    page = client.get("/", headers={"If-None-Match": etag})
    assert page.status_code == 200 and "Sunny Days Safaga" in main_text(page.text)


def test_the_reference_lists_are_read_once_per_generation(client, offers, session, statements):
    def list_reads() -> int:
        # The list of cities with offers on sale (models/catalog/reference_lists.py), not
        # the results' names of every city (models/catalog/reference_names.py).
        return sum("FROM departure_cities" in sql and "ORDER BY" in sql for sql in statements)

    for path in ["/", "/?country=TR", "/api/departure-cities", "/api/countries"]:
        assert client.get(path).status_code == 200
    assert list_reads() == 1  # the first request read them; the others were served
    assert [city["code"] for city in client.get("/api/departure-cities").json()] == ["MOW"]

    hotel = session.scalars(select(Hotel).where(Hotel.name == "Side Garden")).one()
    city = make_departure_city(session, "KZN", "Kazan")
    make_offer(session, operator=make_operator(session, "volga"), hotel=hotel, departure_city=city)
    session.commit()
    cities = client.get("/api/departure-cities").json()
    assert [city["code"] for city in cities] == ["KZN", "MOW"]
    assert list_reads() == 2
    client.get("/")
    assert list_reads() == 2

    rename_hotel(session, hotel.id, "Side Garden Resort")  # an admin's change: read anew
    session.commit()
    client.get("/api/countries")
    assert list_reads() == 3


def test_pages_of_one_visitor_are_never_stored(client, offers, session):
    offer_id = session.scalar(select(Offer.id))
    form = client.get(f"/leads/new?offer_id={offer_id}")
    assert form.headers["cache-control"] == NO_STORE and "etag" not in form.headers
    assert "tourscope_csrf=" in form.headers["set-cookie"]  # the form's cookie, set here
    for path in ["/manager/login", "/manager/leads", "/healthz", "/hotels/999999", "/?adults=9"]:
        response = client.get(path, follow_redirects=False)
        assert response.headers["cache-control"] == NO_STORE, path
        assert "etag" not in response.headers, path


def test_large_answers_are_gzipped(client, offers):
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert "Antalya Palace" in page.text  # the client unpacked it
    assert int(page.headers["content-length"]) < len(page.content) / 3
    # It varies with the language too (webapp/locale.py).
    assert page.headers["vary"] == "Accept-Encoding, Accept-Language, Cookie"
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == page.text
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


def test_the_same_question_of_the_same_catalogue_is_answered_from_memory(
    client, offers, session, statements
):
    for path in ["/", "/api/search?country=TR", "/api/calendar?country=TR"]:
        first = client.get(path)
        sent = len(statements)
        again = client.get(path)
        assert (again.status_code, again.content) == (200, first.content), path
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["content-type"] == first.headers["content-type"]
        # No query but the catalogue's generation; nothing rendered.
        assert len(statements[sent:]) == 1 and "catalogue_generation" in statements[-1], path

    hotel = session.scalars(select(Hotel).where(Hotel.name == "Side Garden")).one()
    city = make_departure_city(session, "KZN", "Kazan")
    make_offer(session, operator=make_operator(session, "volga"), hotel=hotel, departure_city=city)
    session.commit()
    sent = len(statements)
    page = client.get("/?departure_city=KZN")
    assert "Side Garden" in main_text(page.text) and len(statements[sent:]) > 1
