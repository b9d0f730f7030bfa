"""Error answers: a readable page for a browser, JSON for the API, never a raw 500."""

import logging
import re

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from tests.webapp.pages import ENGLISH, main_text
from webapp.main import create_app

HUGE_ID = "9" * 5000  # past int()'s 4,300-digit limit: was a 500 on the hotel page


@pytest.mark.parametrize("typed", [HUGE_ID, "abc", "0", "-1", "2147483648", "１２"])
def test_a_hotel_page_with_a_malformed_id_is_a_404_page(client, typed):
    response = client.get(f"/hotels/{typed}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    text = main_text(response.text)
    assert "Hotel not found" in text
    assert f"There is no hotel number {typed[:40]} in our catalogue." in text
    assert 'class="site-header"' in response.text  # the site's layout


def test_a_malformed_id_elsewhere_gets_the_generic_reason(client):
    response = client.get("/leads/abc/sent")
    assert response.status_code == 404
    text = main_text(response.text)
    assert "Page not found" in text
    assert "its number must be a whole number from 1 to 2147483647" in text


def test_the_api_answers_a_malformed_id_with_a_422_and_its_reason(client):
    response = client.get(f"/api/hotels/{HUGE_ID}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "hotel_id"]


def public_id_routes(app) -> list[str]:
    """Every public (not /manager, not /api) GET route with an id in its path."""
    return [
        route.path
        for route in iter_route_contexts(app.routes)
        if route.path
        and re.search(r"\{\w+_id\}", route.path)
        and not route.path.startswith(("/manager", "/api/"))
        and "GET" in (route.methods or ())
    ]


def test_every_public_page_with_an_id_refuses_a_huge_one_with_a_404(client):
    paths = public_id_routes(client.app)
    assert "/hotels/{hotel_id}" in paths and "/leads/{lead_id}/sent" in paths
    for path in paths:
        url = re.sub(r"\{\w+_id\}", HUGE_ID, path)
        response = client.get(url)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html"), path


def test_an_unknown_address_is_a_page_for_a_browser_and_json_for_the_api(client):
    page = client.get("/nope", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "There is no page at this address." in main_text(page.text)
    api = client.get("/api/nope")
    assert api.status_code == 404
    assert api.json() == {"detail": "Not Found"}
    asked_for_json = client.get("/nope", headers={"Accept": "application/json"})
    assert asked_for_json.json() == {"detail": "Not Found"}


def test_the_404_page_speaks_russian_by_default(russian_client):
    page = russian_client.get("/nope")
    assert page.status_code == 404
    assert "Страница не найдена" in page.text
    assert "По этому адресу ничего нет." in page.text


@pytest.fixture
def failing_app(db_url):
    """The app with two routes that fail as a bug would: a page and an API path."""
    app = create_app()

    def broken() -> None:
        raise RuntimeError("a bug in a handler")

    app.add_api_route("/broken", broken)
    app.add_api_route("/api/broken", broken)
    return app


def test_an_unhandled_error_is_logged_and_answers_the_500_page(failing_app, caplog):
    with TestClient(failing_app, headers=ENGLISH) as client, caplog.at_level(logging.ERROR):
        response = client.get("/broken")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "Something went wrong on our side" in main_text(response.text)
    assert response.headers["cache-control"] == "no-store"
    record = next(r for r in caplog.records if "unhandled error on GET /broken" in r.message)
    assert record.exc_info and "a bug in a handler" in str(record.exc_info[1])


def test_an_unhandled_error_in_the_api_answers_json_and_in_russian_for_a_page(failing_app):
    with TestClient(failing_app) as client:
        api = client.get("/api/broken")
        page = client.get("/broken")
    assert api.status_code == 500
    assert api.json() == {"detail": "Internal Server Error"}
    assert page.status_code == 500
    assert "У нас что-то пошло не так" in page.text
