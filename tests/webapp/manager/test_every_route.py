"""No page under /manager answers without a log-in, nor to a role that may not use it,
whatever route is added later."""

import re

import pytest
from fastapi import Depends
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from tests.webapp.manager.conftest import HTML, form_token, log_in
from webapp import csrf
from webapp.deps import current_user

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


# Admin-only: crawl health, letter templates, managers' call plans.
ADMIN_ONLY = ("/manager/crawls", "/manager/templates", "/manager/calls/plan")


def test_admin_pages_refuse_a_manager(app, as_manager):
    tried = 0
    for method, path in manager_routes(app):
        if not path.startswith(ADMIN_ONLY):
            continue
        tried += 1
        data = {csrf.FIELD: form_token(as_manager, "/manager")} if method == "POST" else None
        response = as_manager.request(method, _concrete(path), data=data, headers=HTML)
        assert response.status_code == 403, f"{method} {path}"
        assert "for admins only" in response.text
    assert tried >= 6


# --- the role matrix ------------------------------------------------------------------
# Written by hand from issue 15, not from the code under test: who may use each route.
# A route the walk finds that is not here fails the test, so a new route needs a decision.
CC, SA, AM, MG, AD = "cold_caller", "sales", "account_manager", "manager", "admin"
EVERYONE = frozenset({CC, SA, AM, MG, AD})
SELLING = frozenset({SA, MG, AD})  # leads, and a lead's client record
CARING = frozenset({AM, MG, AD})  # clients, trips, letters
CALLING = frozenset({CC, AM, MG, AD})  # the call list and logging a call
ADMINS = frozenset({AD})

ROLE_MATRIX: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/manager/login"): EVERYONE,
    ("POST", "/manager/login"): EVERYONE,
    ("GET", "/manager"): EVERYONE,
    ("POST", "/manager/morning-email"): EVERYONE,
    ("GET", "/manager/leads"): SELLING,
    ("GET", "/manager/leads/{lead_id}"): SELLING,
    ("POST", "/manager/leads/{lead_id}/status"): SELLING,
    ("POST", "/manager/leads/{lead_id}/assign"): SELLING,
    ("POST", "/manager/leads/{lead_id}/notes"): SELLING,
    ("POST", "/manager/leads/{lead_id}/client"): SELLING,
    ("GET", "/manager/clients"): CARING,
    ("GET", "/manager/clients/new"): CARING,
    ("POST", "/manager/clients/new"): CARING,
    ("GET", "/manager/clients/{client_id}/edit"): CARING,
    ("POST", "/manager/clients/{client_id}/edit"): CARING,
    ("GET", "/manager/clients/{client_id}"): CARING,
    ("POST", "/manager/clients/{client_id}/contacts"): CALLING,
    ("GET", "/manager/calls"): CALLING,
    ("POST", "/manager/calls/plan"): ADMINS,
    ("GET", "/manager/leads/{lead_id}/trip"): CARING,
    ("POST", "/manager/leads/{lead_id}/trip"): CARING,
    ("GET", "/manager/clients/{client_id}/trip"): CARING,
    ("POST", "/manager/clients/{client_id}/trip"): CARING,
    ("GET", "/manager/trips/{trip_id}"): CARING,
    ("POST", "/manager/trips/{trip_id}/dates"): CARING,
    ("POST", "/manager/trips/{trip_id}/cancel"): CARING,
    ("GET", "/manager/letters"): CARING,
    ("GET", "/manager/letters/{letter_id}"): CARING,
    ("POST", "/manager/letters/{letter_id}/send"): CARING,
    ("GET", "/manager/templates"): ADMINS,
    ("GET", "/manager/templates/{key}"): ADMINS,
    ("POST", "/manager/templates/{key}"): ADMINS,
    ("POST", "/manager/templates/{key}/reset"): ADMINS,
    ("GET", "/manager/kpi"): EVERYONE,
    ("GET", "/manager/kpi.csv"): EVERYONE,
    ("GET", "/manager/planner"): ADMINS,
    ("GET", "/manager/crawls"): ADMINS,
    ("POST", "/manager/crawls/reviews/{review_id}/confirm"): ADMINS,
    ("POST", "/manager/crawls/reviews/{review_id}/split"): ADMINS,
    ("POST", "/manager/hotels/{hotel_id}/name"): ADMINS,
    ("POST", "/manager/crawls/merges/{merge_id}/undo"): ADMINS,
    ("POST", "/manager/crawls/aliases/{alias_id}/split"): ADMINS,
    # Walked last: it ends the session.
    ("POST", "/manager/logout"): EVERYONE,
}
REFUSAL_TEXTS = ("may not open this page", "for admins only")


def _walk_order(route: tuple[str, str]) -> bool:
    return route == ("POST", "/manager/logout")


def role_matrix_offenders(app, as_role: dict, matrix: dict) -> tuple[list[str], int]:
    """Each (route, role) whose answer is not what `matrix` says (allowed: any answer but
    a 403, and never a 500; refused: a 403 page saying why), each route the walk finds
    that `matrix` lacks or lists but the app no longer has; and how many were tried."""
    found = manager_routes(app)
    offenders = [
        f"{method} {path}: not in the matrix"
        for method, path in found
        if (method, path) not in matrix
    ]
    offenders += [
        f"{method} {path}: in the matrix, not in the app"
        for method, path in matrix
        if (method, path) not in found
    ]
    tried = 0
    for role, client in as_role.items():
        for method, path in sorted(found, key=_walk_order):
            allowed = matrix.get((method, path))
            if allowed is None:
                continue
            data = {csrf.FIELD: form_token(client, "/manager")} if method == "POST" else None
            response = client.request(method, _concrete(path), data=data, headers=HTML)
            tried += 1
            refused = response.status_code == 403 and any(
                reason in response.text for reason in REFUSAL_TEXTS
            )
            if response.status_code >= 500 or refused == (role in allowed):
                offenders.append(f"{method} {path} as {role}: {response.status_code}")
    return offenders, tried


def test_every_route_answers_each_role_as_the_matrix_says(app, as_role):
    offenders, tried = role_matrix_offenders(app, as_role, ROLE_MATRIX)
    assert offenders == []
    assert tried == 5 * len(ROLE_MATRIX)


def test_the_matrix_catches_a_route_that_forgets_its_role_check(app, as_role):
    @app.get("/manager/leads-export", dependencies=[Depends(current_user)])
    def leads_export():
        return {"leads": "every one"}

    @app.get("/manager/undecided", dependencies=[Depends(current_user)])
    def undecided():
        return {}

    matrix = {**ROLE_MATRIX, ("GET", "/manager/leads-export"): SELLING}
    offenders, _tried = role_matrix_offenders(app, as_role, matrix)
    assert sorted(offenders) == [
        "GET /manager/leads-export as account_manager: 200",
        "GET /manager/leads-export as cold_caller: 200",
        "GET /manager/undecided: not in the matrix",
    ]


# What a careless or hostile client may send: wrong types, huge, empty, markup, far dates.
GARBAGE = [
    {},
    {"x": "1"},
    {
        name: value
        for name in (
            "name",
            "email",
            "phone",
            "adults",
            "children",
            "child_birth",
            "price",
            "currency",
            "departure_date",
            "return_date",
            "outcome",
            "kind",
            "next_call_on",
            "handed_to",
            "plan",
            "manager_id",
            "to_status",
            "reason",
            "note",
            "subject",
            "body",
            "extras",
            "hotel_name",
            "operator_name",
            "assignee",
            "manager_rating",
            "trip_rating",
        )
        for value in ["<script>alert(1)</script>" * 200]
    },
    {
        "departure_date": "9999-99-99",
        "return_date": "0001-01-01",
        "adults": "-1",
        "price": "NaN",
        "plan": "1e309",
        "next_call_on": "2026-02-30",
        "body": "{{ 7 * '" + "x" * 50 + "' }}",
    },
]
QUERIES = ["", "?page=-1&month=2026-13&manager=abc&q=%00&status=zzz&population=-5"]


def test_no_back_office_route_answers_garbage_with_a_server_error(app, as_admin, session):
    """Every /manager route, as an admin (who may open all), on rows that exist and on ids
    that do not, with malformed query strings and forms: a page or a 4xx, never a 500."""
    from tests.factories import make_client, make_lead, make_trip

    client = make_client(session, manager=None)
    make_lead(session, status="won")
    make_trip(session, client)
    session.commit()
    failures = []
    for method, path in manager_routes(app):
        if path in ("/manager/logout",):
            continue
        for ident in ("1", "999999", "abc"):
            url = re.sub(r"\{[^}]+\}", ident, path)
            for query in QUERIES:
                forms = GARBAGE if method == "POST" else [None]
                for form in forms:
                    data = (
                        {**form, csrf.FIELD: form_token(as_admin, "/manager")}
                        if form is not None
                        else None
                    )
                    response = as_admin.request(method, url + query, data=data, headers=HTML)
                    if response.status_code >= 500:
                        failures.append(f"{method} {url + query} {sorted(form or {})[:3]}")
    assert failures == []


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


def test_every_back_office_id_in_a_path_is_typed_and_bounded(app, as_admin):
    """A path id that cannot name a row (5,000 digits: past int()'s limit, or a word) is a
    404 page with the reason on every route, never a 500 or a handler parsing it."""
    tried = 0
    for method, path in manager_routes(app):
        if not re.search(r"\{\w+_id\}", path):
            continue
        for ident in ("9" * 5000, "abc", "0"):
            url = re.sub(r"\{\w+_id\}", ident, path)
            data = {csrf.FIELD: form_token(as_admin, "/manager")} if method == "POST" else None
            response = as_admin.request(method, url, data=data, headers=HTML)
            assert response.status_code == 404, f"{method} {path} {ident[:5]}"
            assert "whole number from 1 to 2147483647" in response.text, f"{method} {path}"
            tried += 1
    assert tried >= 3 * 20
