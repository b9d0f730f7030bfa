"""CSRF: every visitor gets the cookie; only a token signed for that cookie passes."""

from pathlib import Path
from typing import Annotated

import pytest
from fastapi import Depends, Request
from fastapi.testclient import TestClient

from webapp import csrf
from webapp.main import create_app

ROUTES = Path(__file__).parents[2] / "webapp" / "routes"


@pytest.fixture
def client(db_url):
    app = create_app()

    @app.post("/_test/form")
    async def form(request: Request):
        data = await request.form()
        csrf.verify(request, data.get(csrf.FIELD))
        return {"ok": True}

    @app.get("/_test/token")
    def token(request: Request):
        return {"token": csrf.token_for(request)}

    @app.post("/_test/checked")
    async def checked(form: csrf.CheckedForm):
        app.state.reached.append(form.get("name"))
        return {"name": form.get("name")}

    @app.post("/_test/posted")
    async def posted(posted: Annotated[csrf.PostedForm, Depends(csrf.posted_form(max_fields=5))]):
        return {"holds": posted.token_holds, "name": posted.fields.get("name")}

    app.state.reached = []
    return TestClient(app)


def test_a_form_with_the_token_of_its_cookie_passes(client):
    token = client.get("/_test/token").json()["token"]
    assert client.cookies.get(csrf.COOKIE)
    assert client.post("/_test/form", data={csrf.FIELD: token}).json() == {"ok": True}


@pytest.mark.parametrize("token", [None, "", "forged"])
def test_a_form_without_a_valid_token_is_refused_with_a_reason(client, token):
    client.get("/_test/token")
    data = {} if token is None else {csrf.FIELD: token}
    response = client.post("/_test/form", data=data)
    assert response.status_code == 403
    assert "did not come from this site" in response.text


def test_a_token_from_another_visitor_is_refused(client, db_url):
    other = TestClient(client.app)
    stolen = other.get("/_test/token").json()["token"]
    client.get("/_test/token")
    assert client.post("/_test/form", data={csrf.FIELD: stolen}).status_code == 403


def test_a_checked_form_reaches_its_handler_only_with_the_token(client):
    token = client.get("/_test/token").json()["token"]
    refused = client.post("/_test/checked", data={csrf.FIELD: "forged", "name": "x"})
    assert refused.status_code == 403
    assert "did not come from this site" in refused.text
    assert client.app.state.reached == []
    passed = client.post("/_test/checked", data={csrf.FIELD: token, "name": "Anna"})
    assert passed.json() == {"name": "Anna"}
    assert client.app.state.reached == ["Anna"]


def test_a_posted_form_gives_its_handler_the_verdict_and_what_was_typed(client):
    token = client.get("/_test/token").json()["token"]
    forged = client.post("/_test/posted", data={csrf.FIELD: "forged", "name": "Anna"})
    assert forged.json() == {"holds": False, "name": "Anna"}
    kept = client.post("/_test/posted", data={csrf.FIELD: token, "name": "Anna"})
    assert kept.json() == {"holds": True, "name": "Anna"}
    uploaded = client.post("/_test/posted", files={csrf.FIELD: ("token.txt", token.encode())})
    assert uploaded.json() == {"holds": False, "name": None}
    too_many = client.post("/_test/posted", data={f"f{n}": "x" for n in range(6)})
    assert too_many.status_code == 400


def test_no_route_checks_a_token_or_reads_the_user_by_hand():
    """One way: forms come through CheckedForm or posted_form, the user as CurrentUser."""
    offenders = [
        f"{path.relative_to(ROUTES)}: {needle}"
        for path in sorted(ROUTES.rglob("*.py"))
        for needle in ("csrf.verify(", "request.state.user", "await request.form(")
        if needle in path.read_text()
    ]
    assert offenders == []
