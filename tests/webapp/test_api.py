"""The JSON API: search results, validation errors and the health probe."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from models.agency_time import agency_today
from tests.webapp.pages import ENGLISH
from tourscope.foundation.settings import get_settings
from webapp.main import create_app


def test_search_returns_hotels_cheapest_first(client, offers):
    response = client.get("/api/search")

    assert response.status_code == 200
    body = response.json()
    assert (body["currency"], body["total_hotels"], body["page"], body["pages"]) == (
        "EUR",
        3,
        1,
        1,
    )
    assert [hotel["hotel_name"] for hotel in body["hotels"]] == [
        "Side Garden",
        "Antalya Palace",
        "Hurghada Reef",
    ]
    palace = body["hotels"][1]
    assert palace["min_price"] == "1234.00"
    assert (palace["operator_code"], palace["operator_name"]) == ("suncoast", "SunCoast Tours")
    assert palace["offer_count"] == 2
    assert (palace["country_code"], palace["resort_name"]) == ("TR", "Antalya")


def test_search_applies_filters_and_ignores_blank_ones(client, offers):
    response = client.get("/api/search?country=eg&nights_min=&date_to=")

    assert response.status_code == 200
    assert [hotel["hotel_name"] for hotel in response.json()["hotels"]] == ["Hurghada Reef"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("nights_min=abc", "nights_min", "Input should be a valid integer"),
        ("date_from=2026-13-40", "date_from", "Input should be a valid date"),
        (
            "date_from=2099-06-10&date_to=2099-06-01",
            "date_to",
            "The 'to' date must be on or after the 'from' date",
        ),
        (
            "nights_min=10&nights_max=7",
            "nights_max",
            "Maximum nights must be at least the minimum nights",
        ),
        ("price_max=0", "price_max", "Input should be greater than 0"),
        ("country=Turkey", "country", "Use a two-letter country code"),
        ("page=0", "page", "Input should be greater than or equal to 1"),
    ],
)
def test_invalid_parameters_are_422_with_a_readable_detail(client, query, field, message):
    response = client.get(f"/api/search?{query}")

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", field]
    assert message in error["msg"]


def test_openapi_documents_the_search_parameters(client):
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()

    assert schema["info"]["title"] == "Tourscope"
    parameters = {p["name"] for p in schema["paths"]["/api/search"]["get"]["parameters"]}
    assert parameters == {
        "departure_city",
        "country",
        "resorts",
        "date_from",
        "date_to",
        "date",
        "flex_days",
        "nights_min",
        "nights_max",
        "adults",
        "children_ages",
        "stars_min",
        "meal_min",
        "price_min",
        "price_max",
        "currency",
        "operators",
        "hotel_name",
        "sort",
        "page",
    }
    calendar = {p["name"] for p in schema["paths"]["/api/calendar"]["get"]["parameters"]}
    assert calendar == parameters
    hotel = schema["components"]["schemas"]["HotelResult"]["properties"]
    for field in ("price_per_person", "price_per_night", "surcharge", "on_request", "checked_at"):
        assert hotel[field].get("description"), field


def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


UNREACHABLE_URLS = [
    # A parent that cannot be a directory: the SQLite engine cannot even be created.
    "sqlite:////dev/null/tourscope/tourscope.db",
    # Nothing listens on port 1.
    "postgresql+psycopg://postgres@127.0.0.1:1/tourscope",
]


@pytest.fixture(params=UNREACHABLE_URLS)
def unreachable_client(request, monkeypatch) -> Iterator[TestClient]:
    """The app configured with a database that cannot be reached."""
    monkeypatch.setenv("TOURSCOPE_DATABASE_URL", request.param)
    get_settings.cache_clear()
    try:
        app = create_app()
        with TestClient(app, raise_server_exceptions=False, headers=ENGLISH) as client:
            yield client
    finally:
        get_settings.cache_clear()


def test_healthz_is_503_when_the_database_is_unreachable(unreachable_client):
    response = unreachable_client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["reason"].startswith("database unreachable")


def test_search_page_is_a_readable_503_when_the_database_is_unreachable(unreachable_client):
    response = unreachable_client.get("/")

    assert response.status_code == 503
    assert "Search is temporarily unavailable" in response.text


def test_search_api_is_503_when_the_database_is_unreachable(unreachable_client):
    response = unreachable_client.get("/api/search")

    assert response.status_code == 503
    assert response.json() == {"detail": "The database is unavailable; please retry shortly."}


def test_search_prices_the_party_in_the_chosen_currency(client, session):
    from tests.factories import (
        make_country,
        make_departure_city,
        make_hotel,
        make_offer,
        make_operator,
        make_resort,
    )

    hotel = make_hotel(session, make_resort(session, make_country(session)), "Family Club", 4)
    operator = make_operator(session, "suncoast", "SunCoast Tours")
    city = make_departure_city(session)
    make_offer(session, operator=operator, hotel=hotel, departure_city=city, price="500.00")
    family = make_offer(
        session,
        operator=operator,
        hotel=hotel,
        departure_city=city,
        price="920.00",
        adults=2,
        children=1,
        nights=10,
    )
    family.availability = "on_request"
    session.commit()

    response = client.get(
        "/api/search?children_ages=7&children_ages=1&currency=USD&country=tr&sort=stars"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["currency"], body["adults"], body["children"], body["infants"]) == (
        "USD",
        2,
        1,
        1,
    )
    assert body["sort"] == "stars"
    [result] = body["hotels"]
    assert result["offer_id"] == family.id
    assert (result["min_price"], result["price_per_person"], result["price_per_night"]) == (
        "1000.00",
        "333.33",
        "100.00",
    )
    assert (result["on_request"], result["operator_count"], result["offer_count"]) == (True, 1, 1)
    assert body["suggestions"] == []


def test_an_empty_search_suggests_wider_ones(client, offers):
    response = client.get("/api/search?meal_min=UAI")

    assert response.status_code == 200
    body = response.json()
    assert body["hotels"] == []
    assert body["suggestions"] == [
        {
            "label": "3 more days either side",
            "hotel_count": 0,
            "query": body["suggestions"][0]["query"],
        },
        {"label": "any meal plan", "hotel_count": 3, "query": ""},
    ]


def test_calendar_lists_every_date_with_its_minimum(client, offers):
    from datetime import timedelta

    departure = agency_today() + timedelta(days=30)
    response = client.get(f"/api/calendar?date={departure.isoformat()}&flex_days=1&country=TR")

    assert response.status_code == 200
    body = response.json()
    assert (body["currency"], body["cheapest"]) == ("EUR", "980.50")
    assert body["days"] == [
        {"date": (departure - timedelta(days=1)).isoformat(), "min_price": None},
        {"date": departure.isoformat(), "min_price": "980.50"},
        {"date": (departure + timedelta(days=1)).isoformat(), "min_price": None},
    ]
    assert (body["date_from"], body["date_to"]) == (
        body["days"][0]["date"],
        body["days"][-1]["date"],
    )


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("children_ages=18", "children_ages", "less than or equal to 17"),
        ("children_ages=1&" * 5, "children_ages", "at most 4 items"),
        ("adults=9", "adults", "less than or equal to 6"),
        ("currency=BTC", "currency", "Pick a currency among"),
        ("meal_min=XL", "meal_min", "Use a meal plan code"),
        ("sort=cheap", "sort", "Input should be 'price', 'stars' or 'date'"),
        ("date=2026-05-01&date_from=2026-05-01", "date", "not both"),
        ("date_to=0", "date_to", "YYYY-MM-DD"),
        ("departure_city=Moscow", "departure_city", "three-letter"),
        ("resorts=abc", "resorts", "valid integer"),
    ],
)
@pytest.mark.parametrize("path", ["/api/search", "/api/calendar"])
def test_new_parameters_are_422_with_a_readable_detail(client, path, query, field, message):
    response = client.get(f"{path}?{query}")

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][:2] == ["query", field]
    assert message in error["msg"]
