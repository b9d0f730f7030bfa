"""Log-in and log-out of the back office: sessions, cookies, lock-out, throttling, CSRF."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from models.accounts.auth import LOCKOUT_PERIOD
from models.accounts.users import User, UserSession
from models.base import utcnow
from tests.factories import PASSWORD
from tests.webapp.manager.conftest import HTML, form_token, log_in, post_form
from tests.webapp.pages import main_text
from webapp import csrf
from webapp.deps import SESSION_COOKIE
from webapp.routes.manager.auth import CLIENT_FAILURE_LIMIT, safe_next


def _set_cookie_headers(response) -> list[str]:
    return response.headers.get_list("set-cookie")


def test_the_login_page_has_a_csrf_protected_form(anonymous):
    page = anonymous.get("/manager/login", headers=HTML)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert f'name="{csrf.FIELD}"' in page.text
    assert 'type="password"' in page.text


def test_a_manager_logs_in_and_reaches_the_back_office(anonymous, manager):
    response = log_in(anonymous, "Manager@Example.com", next_url="/manager/leads?status=new")
    assert response.status_code == 303
    assert response.headers["location"] == "/manager/leads?status=new"
    page = anonymous.get("/manager/leads", headers=HTML)
    assert page.status_code == 200
    assert "Mia Manager" in page.text


def test_the_session_cookie_is_httponly_samesite_and_scoped(anonymous, manager):
    response = log_in(anonymous, manager.email)
    cookie = next(c for c in _set_cookie_headers(response) if c.startswith(SESSION_COOKIE))
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=lax", "path=/manager"} <= attributes
    assert "secure" not in attributes  # the demo on plain http


def test_the_cookie_is_secure_in_production(app, manager, monkeypatch):
    from tourscope.foundation.settings import get_settings

    monkeypatch.setenv("TOURSCOPE_ENVIRONMENT", "production")
    monkeypatch.setenv("TOURSCOPE_SECRET_KEY", "s" * 40)
    get_settings.cache_clear()
    # Secure cookies come back over https only.
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        response = log_in(client, manager.email)
    cookie = next(c for c in _set_cookie_headers(response) if c.startswith(SESSION_COOKIE))
    assert "secure" in {part.strip().lower() for part in cookie.split(";")}


def test_a_wrong_password_is_refused_without_saying_which_part(anonymous, manager):
    wrong = log_in(anonymous, manager.email, "not-the-password")
    unknown = log_in(anonymous, "nobody@example.com", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Wrong e-mail or password." in main_text(response.text)
        assert SESSION_COOKIE not in response.cookies
    assert 'value="nobody@example.com"' in unknown.text  # what was typed is kept


def test_five_failures_lock_the_account_then_it_opens_after_the_period(anonymous, manager, session):
    for attempt in range(1, 6):
        response = log_in(anonymous, manager.email, f"wrong-password-{attempt}")
        assert response.status_code == 401
    assert "locked for 15 minutes" in main_text(response.text)
    # Even the right password is refused while locked, with the same message.
    locked = log_in(anonymous, manager.email, PASSWORD)
    assert locked.status_code == 401 and "locked for 15 minutes" in locked.text
    # An unknown e-mail is answered the same way: the message reveals no account.
    for _ in range(5):
        response = log_in(anonymous, "ghost@example.com", "wrong-password")
    assert "locked for 15 minutes" in main_text(response.text)
    # The period passes.
    session.execute(
        User.__table__.update()
        .where(User.id == manager.id)
        .values(locked_until=utcnow() - timedelta(seconds=1))
    )
    session.commit()
    assert log_in(anonymous, manager.email, PASSWORD).status_code == 303
    assert timedelta(minutes=15) == LOCKOUT_PERIOD


def test_one_address_is_throttled_across_accounts(anonymous, manager):
    for number in range(CLIENT_FAILURE_LIMIT):
        assert log_in(anonymous, f"guess{number}@example.com", "wrong-password").status_code == 401
    throttled = log_in(anonymous, manager.email, PASSWORD)
    assert throttled.status_code == 429
    assert "Too many failed log-ins from your address" in main_text(throttled.text)
    assert SESSION_COOKIE not in throttled.cookies


def test_every_login_gets_a_new_session_id_and_ends_the_old_one(app, anonymous, manager):
    log_in(anonymous, manager.email)
    first = anonymous.cookies.get(SESSION_COOKIE)
    log_in(anonymous, manager.email)
    second = anonymous.cookies.get(SESSION_COOKIE)
    assert first and second and first != second
    with TestClient(app, follow_redirects=False) as replay:
        replay.cookies.set(SESSION_COOKIE, first, path="/manager")
        assert replay.get("/manager").status_code == 401


def test_a_session_id_planted_before_login_is_not_kept(app, anonymous, manager):
    anonymous.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", path="/manager")
    response = log_in(anonymous, manager.email)
    cookie = next(c for c in _set_cookie_headers(response) if c.startswith(SESSION_COOKIE))
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "planted" not in cookie


def test_logout_ends_the_session_on_the_server(app, as_manager, session):
    stolen = as_manager.cookies.get(SESSION_COOKIE)
    response = post_form(as_manager, "/manager/logout", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/manager/login?logged_out=1"
    assert any(
        c.startswith(f'{SESSION_COOKIE}=""') or "max-age=0" in c.lower()
        for c in _set_cookie_headers(response)
    )
    assert session.scalar(select(UserSession.revoked_at)) is not None
    # A copy of the old cookie opens nothing any more.
    with TestClient(app, follow_redirects=False) as thief:
        thief.cookies.set(SESSION_COOKIE, stolen, path="/manager")
        assert thief.get("/manager").status_code == 401
        assert thief.get("/manager", headers=HTML).headers["location"].startswith("/manager/login")
    page = as_manager.get("/manager/login?logged_out=1", headers=HTML)
    assert "You are logged out." in page.text


@pytest.mark.parametrize("url", ["/manager/login", "/manager/logout"])
def test_the_forms_need_a_csrf_token(anonymous, manager, url):
    form_token(anonymous)  # the visitor has a CSRF cookie
    data = {"email": manager.email, "password": PASSWORD}
    for token in (None, "forged"):
        sent = data if token is None else {**data, csrf.FIELD: token}
        response = anonymous.post(url, data=sent, headers=HTML)
        assert response.status_code == 403
        assert SESSION_COOKIE not in response.cookies


def test_a_logged_in_visitor_skips_the_login_page(as_manager):
    response = as_manager.get("/manager/login?next=/manager/leads", headers=HTML)
    assert (response.status_code, response.headers["location"]) == (303, "/manager/leads")


@pytest.mark.parametrize(
    ("asked", "goes"),
    [
        ("/manager/leads/3", "/manager/leads/3"),
        ("https://evil.example/", "/manager"),
        ("//evil.example/manager", "/manager"),
        ("/manager\\@evil.example", "/manager"),
        ("/hotels/1", "/manager"),
        ("/manager/login", "/manager"),
        ("", "/manager"),
    ],
)
def test_after_login_only_back_office_pages_are_reached(asked, goes):
    assert safe_next(asked) == goes


def test_a_disabled_account_is_told_so_after_the_right_password(anonymous, manager, session):
    session.get(User, manager.id).active = False
    session.commit()
    response = log_in(anonymous, manager.email)
    assert response.status_code == 401
    assert "This account is disabled" in response.text
