"""Back-office fixtures: accounts, a logged-in browser-like client, and form helpers."""

import re
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from models.accounts.auth import unknown_account_failures
from tests.factories import PASSWORD, make_user
from tests.webapp.pages import ENGLISH
from webapp import csrf
from webapp.main import create_app

# What a browser sends for a page: the back office then redirects to its log-in page.
HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture(autouse=True)
def clean_throttles() -> Iterator[None]:
    """Per-process counters start empty for every test (the per-address failures are in
    the database, which every test starts clean)."""
    unknown_account_failures.clear()
    yield
    unknown_account_failures.clear()


@pytest.fixture
def app(db_url):
    return create_app()


@pytest.fixture
def anonymous(app) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False, headers=ENGLISH) as client:
        yield client


@pytest.fixture
def manager(session: Session):
    user = make_user(session, "manager@example.com", role="manager", name="Mia Manager")
    session.commit()
    return user


@pytest.fixture
def admin(session: Session):
    user = make_user(session, "admin@example.com", role="admin", name="Adam Admin")
    session.commit()
    return user


def form_token(client: TestClient, url: str = "/manager/login") -> str:
    """The CSRF token of a form on the page at `url`, as a browser would submit it."""
    page = client.get(url, headers=HTML)
    match = re.search(rf'name="{csrf.FIELD}" value="([^"]+)"', page.text)
    assert match, f"no CSRF field on {url} ({page.status_code})"
    return match.group(1)


def log_in(client: TestClient, email: str, password: str = PASSWORD, next_url: str = ""):
    # A logged-in client is sent on from the log-in page: take the token from the dashboard.
    logged_in = client.get("/manager/login", headers=HTML).status_code == 303
    token = form_token(client, "/manager" if logged_in else "/manager/login")
    data = {csrf.FIELD: token, "email": email, "password": password, "next": next_url}
    return client.post("/manager/login", data=data, headers=HTML)


def post_form(client: TestClient, url: str, data: dict, page: str = "/manager"):
    """POST a back-office form with a valid CSRF token, as from `page`."""
    return client.post(url, data={csrf.FIELD: form_token(client, page), **data}, headers=HTML)


@pytest.fixture
def as_manager(app, manager) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False, headers=ENGLISH) as client:
        assert log_in(client, manager.email).status_code == 303
        yield client


@pytest.fixture
def as_admin(app, admin) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False, headers=ENGLISH) as client:
        assert log_in(client, admin.email).status_code == 303
        yield client


# One account of each role, as the role matrix and the role tests log in.
ROLE_ACCOUNTS = {
    "cold_caller": ("cole@example.com", "Cole Caller"),
    "sales": ("sam@example.com", "Sam Sales"),
    "account_manager": ("alma@example.com", "Alma Accounts"),
    "manager": ("mina@example.com", "Mina Manager"),
    "admin": ("ada@example.com", "Ada Admin"),
}


@pytest.fixture
def role_users(session: Session) -> dict:
    """role -> its account (committed)."""
    users = {
        role: make_user(session, email, role=role, name=name)
        for role, (email, name) in ROLE_ACCOUNTS.items()
    }
    session.commit()
    return users


@pytest.fixture
def as_role(app, role_users) -> Iterator:
    """role -> a client logged in as that role's account (closed after the test)."""
    with ExitStack() as stack:
        clients = {}
        for role, user in role_users.items():
            client = stack.enter_context(TestClient(app, follow_redirects=False, headers=ENGLISH))
            assert log_in(client, user.email).status_code == 303, role
            clients[role] = client
        yield clients
