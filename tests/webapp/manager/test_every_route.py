"""No page under /manager answers without a log-in, whatever route is added later."""

import re

import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from tests.webapp.manager.conftest import HTML, form_token, log_in
from webapp import csrf

OPEN_ROUTES = {("GET", "/manager/login"), ("POST", "/manager/login")}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def manager_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) under /manager, through included routers too.

    FastAPI 0.165 keeps included routers as branches in `app.routes`;
    `iter_route_contexts` walks them down to each effective route with its full path.
    """
    routes = []
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if isinstance(route.original_route, Mount):
            assert not path.startswith("/manager"), "a mount would bypass the checks"
            continue
        if path.startswith("/manager"):
            routes += [(method, path) for method in sorted(route.methods or ())]
    return routes


def test_the_walk_finds_the_back_office(app):
    found = set(manager_routes(app))
    assert found >= OPEN_ROUTES
    assert {("GET", "/manager/leads/{lead_id}"), ("POST", "/manager/logout")} <= found
    assert len(found) >= 10


def answered_without_login(app, client, accept: str) -> tuple[list[str], int]:
    """The /manager routes that answer an anonymous client with anything but a redirect
    to the log-in page, 401 or 403; and how many routes were tried."""
    form_token(client)  # a CSRF cookie, so a POST with its token gets past the CSRF check
    offenders, tried = [], 0
    for method, path in manager_routes(app):
        if (method, path) in OPEN_ROUTES:
            continue
        url = _concrete(path)
        data = {csrf.FIELD: form_token(client)} if method == "POST" else None
        response = client.request(method, url, data=data, headers={"Accept": accept})
        status = response.status_code
        location = response.headers.get("location", "")
        tried += 1
        if not (
            status in (401, 403)
            or (status in (302, 303, 307) and location.startswith("/manager/login"))
        ):
            offenders.append(f"{method} {url} -> {status} {location}")
    return offenders, tried


@pytest.mark.parametrize("accept", ["*/*", HTML["Accept"]])
def test_no_manager_route_answers_without_a_login(app, anonymous, accept):
    offenders, tried = answered_without_login(app, anonymous, accept)
    assert offenders == []
    assert tried >= 8


def test_the_walk_catches_a_route_that_forgets_the_login(app, anonymous):
    @app.get("/manager/forgotten/{item_id}")
    def forgotten(item_id: int):
        return {"secret": item_id}

    offenders, _tried = answered_without_login(app, anonymous, "*/*")
    assert offenders == ["GET /manager/forgotten/1 -> 200 "]


def test_admin_pages_refuse_a_manager(app, as_manager):
    for method, path in manager_routes(app):
        if "/crawls" not in path:
            continue
        data = {csrf.FIELD: form_token(as_manager, "/manager")} if method == "POST" else None
        response = as_manager.request(method, _concrete(path), data=data, headers=HTML)
        assert response.status_code == 403, f"{method} {path}"
        assert "for admins only" in response.text


def test_a_browser_is_sent_to_the_login_page_and_back(anonymous, manager):
    response = anonymous.get("/manager/leads?status=new", headers=HTML)
    assert response.status_code == 303
    assert response.headers["location"] == "/manager/login?next=%2Fmanager%2Fleads%3Fstatus%3Dnew"
    after = log_in(anonymous, manager.email, next_url="/manager/leads?status=new")
    assert after.headers["location"] == "/manager/leads?status=new"


def test_anything_else_gets_401(anonymous):
    response = anonymous.get("/manager/leads", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Cookie")
