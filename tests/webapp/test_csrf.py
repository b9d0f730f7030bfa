"""CSRF: every visitor gets the cookie; only a token signed for that cookie passes."""

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from webapp import csrf
from webapp.main import create_app


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
