"""The JSON API: search results, validation errors and the health probe."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tourscope.settings import get_settings
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
            "date_from=2026-06-10&date_to=2026-06-01",
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
        "country",
        "date_from",
        "date_to",
        "nights_min",
        "nights_max",
        "price_max",
        "page",
    }


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
        with TestClient(create_app(), raise_server_exceptions=False) as client:
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
