"""The clients list's search and filters, and a client's history in one timeline."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from models.care.calls import log_contact
from models.care.client_queries import ClientFilters, client_history, client_list
from models.care.trips import Feedback, TripLetter
from tests.factories import make_client, make_lead, make_trip, make_user
from webapp.client_history import history_lines


@pytest.fixture
def people(session):
    """Three clients who differ in every filter the list offers."""
    mia = make_user(session, "mia@example.com", name="Mia")
    olga = make_client(
        session,
        name="Olga Petrova",
        email="olga@example.org",
        phone="+7 900 111 22 33",
        manager=mia,
        budget_band="premium",
        preferred_channel="messenger",
        children=[date(2018, 4, 1)],
        preferences=[
            ("country", "Turkey"),
            ("country", "Greece"),
            ("resort", "Antalya"),
            ("hotel_style", "family"),
            ("meal", "all inclusive"),
            ("dietary", "gluten free"),
            ("pet", "dog", "Rex"),
            ("need", "transfer"),
        ],
    )
    ivan = make_client(
        session,
        name="Ivan Sidorov",
        email="ivan@mail.example",
        phone="+7 911 555 66 77",
        budget_band="economy",
        preferred_channel="phone",
        preferences=[
            ("country", "Egypt"),
            ("resort", "Hurghada"),
            ("hotel_style", "beach"),
            ("meal", "half board"),
            ("habit", "smoking"),
            ("pet", "cat", "Tom"),
            ("need", "car"),
        ],
    )
    anna = make_client(
        session,
        name="anna 100% Real_Name",
        email=None,
        phone=None,
        preferences=[("country", "turkey"), ("need", "extra room")],
    )
    session.commit()
    return {"mia": mia, "olga": olga.id, "ivan": ivan.id, "anna": anna.id}


def _found(session, people, **filters) -> list[str]:
    page = client_list(session, ClientFilters.model_validate(filters), people["mia"])
    ids = {value: name for name, value in people.items() if name != "mia"}
    return [ids[row.id] for row in page.rows]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["anna", "ivan", "olga"]),
        ({"country": "TURKEY"}, ["anna", "olga"]),
        ({"country": "Egypt"}, ["ivan"]),
        ({"resort": "antalya"}, ["olga"]),
        ({"hotel_style": "beach"}, ["ivan"]),
        ({"meal": "All Inclusive"}, ["olga"]),
        ({"dietary": "gluten free"}, ["olga"]),
        ({"dietary": "Gluten"}, ["olga"]),  # a word of it, as a manager types it
        ({"need": "room"}, ["anna"]),
        ({"need": "100%"}, []),  # % is a letter here, not a wildcard
        ({"habit": "smoking"}, ["ivan"]),
        ({"pet": "dog"}, ["olga"]),
        ({"pet": "tom"}, ["ivan"]),
        ({"need": "extra room"}, ["anna"]),
        ({"need": "transfer", "country": "Egypt"}, []),
        ({"country": "Turkey", "need": "transfer"}, ["olga"]),
        ({"budget": "economy"}, ["ivan"]),
        ({"channel": "messenger"}, ["olga"]),
        ({"children": "yes"}, ["olga"]),
        ({"children": "no"}, ["anna", "ivan"]),
        ({"manager": "mine"}, ["olga"]),
        ({"manager": "unassigned"}, ["anna", "ivan"]),
        ({"manager": "all"}, ["anna", "ivan", "olga"]),
        ({"country": "", "budget": ""}, ["anna", "ivan", "olga"]),
    ],
)
def test_each_filter(session, people, filters, expected):
    assert _found(session, people, **filters) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("petrova", ["olga"]),
        ("MAIL.example", ["ivan"]),
        ("911 555", ["ivan"]),
        ("+7 9", ["ivan", "olga"]),
        ("100%", ["anna"]),  # % and _ are letters here, not wildcards
        ("n_a", []),  # would match "nna" as a wildcard
        ("nobody", []),
    ],
)
def test_text_search_over_name_email_and_phone(session, people, text, expected):
    assert _found(session, people, q=text) == expected


def test_a_manager_by_id_and_the_pager(session, people):
    assert _found(session, people, manager=people["mia"].id) == ["olga"]
    first = client_list(session, ClientFilters(), people["mia"], page_size=2)
    last = client_list(session, ClientFilters(page=9), people["mia"], page_size=2)
    assert (first.total, first.pages, len(first.rows)) == (3, 2, 2)
    assert (last.page, [row.name for row in last.rows]) == (2, ["Olga Petrova"])
    assert last.rows[0].wishes == ["Turkey", "Greece", "Antalya"]


@pytest.mark.parametrize(
    "query",
    [{"budget": "cheap"}, {"children": "maybe"}, {"manager": "them"}, {"country": "x" * 101}],
)
def test_bad_filter_values_are_refused(query):
    with pytest.raises(ValidationError):
        ClientFilters.model_validate(query)


def test_the_history_merges_everything_newest_first(session):
    mia = make_user(session, "mia@example.com", name="Mia")
    sam = make_user(session, "sam@example.com", name="Sam")
    client = make_client(session, manager=mia)
    start = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)

    def day(n: int) -> datetime:
        return start + timedelta(days=n)

    lead = make_lead(session, created_at=day(0), client=client)
    make_lead(session, created_at=day(0), email="someone@else.example")  # another client's
    log_contact(session, client, mia, "call", "warm", "wants Crete", handed_to=sam, now=day(1))
    trip = make_trip(session, client, departure=date(2027, 6, 1), created_at=day(2), manager=sam)
    session.add_all(
        [
            TripLetter(trip=trip, template_key="2m", due_on=date(2027, 4, 1), status="planned"),
            TripLetter(
                trip=trip,
                template_key="1m",
                due_on=date(2027, 5, 1),
                status="sent",
                sent_at=day(3),
                sent_by=sam,
                subject="One month to Antalya",
            ),
            Feedback(
                trip=trip, submitted_at=day(4), manager_rating=5, trip_rating=4, comment="Lovely"
            ),
        ]
    )
    session.commit()

    history = history_lines(client_history(session, client))
    # The warm call hands the client on to Sam as a lead: in the history beside the call.
    kinds = ["feedback", "letter", "trip", "lead", "contact", "lead"]
    assert [entry.kind for entry in history] == kinds
    feedback, letter, trip_entry, call_lead, contact, lead_entry = history
    assert (call_lead.detail, call_lead.who) == ("handed on from a warm call", "Sam")
    assert feedback.title == f"Feedback on trip #{trip.id}: manager 5/5, trip 4/5"
    assert feedback.detail == "Lovely"
    assert (letter.detail, letter.who, letter.url) == (
        "One month to Antalya",
        "Sam",
        f"/manager/trips/{trip.id}",
    )
    assert trip_entry.url == f"/manager/trips/{trip.id}"
    assert (contact.title, contact.who, contact.detail) == (
        "Call: warm to Sam",
        "Mia",
        "wants Crete",
    )
    assert lead_entry.url == f"/manager/leads/{lead.id}"
