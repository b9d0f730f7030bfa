"""Client addresses: forwarded headers are believed from configured proxies only, and the
per-address log-in limit is counted in the database, for every worker alike."""

import re
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from models import LoginFailure
from models.accounts.auth import address_blocked_for, record_address_failure
from models.base import utcnow
from tests.webapp.manager.conftest import HTML, log_in
from tests.webapp.pages import ENGLISH
from tests.webapp.test_overload import serve  # noqa: F401 (a fixture)
from tourscope.foundation.settings import get_settings
from webapp import csrf
from webapp.main import create_app
from webapp.routes.manager.auth import CLIENT_FAILURE_LIMIT, CLIENT_FAILURE_WINDOW


def _failed_logins_from(url: str, addresses: list[str]) -> list[int]:
    """Wrong passwords against a real server, each claiming another address."""
    statuses = []
    with httpx.Client(base_url=url, headers={**ENGLISH, **HTML}, timeout=30) as client:
        page = client.get("/manager/login")
        token = re.search(rf'name="{csrf.FIELD}" value="([^"]+)"', page.text).group(1)
        for address in addresses:
            response = client.post(
                "/manager/login",
                data={csrf.FIELD: token, "email": "x@example.com", "password": "wrong"},
                headers={"X-Forwarded-For": address},
            )
            statuses.append(response.status_code)
    return statuses


FORGED = [f"203.0.113.{number}" for number in range(CLIENT_FAILURE_LIMIT + 1)]


def test_serve_ignores_forwarded_addresses_from_an_untrusted_peer(serve):  # noqa: F811
    """uvicorn alone believes X-Forwarded-For from 127.0.0.1: a local client could pick a
    new address for each guess. Without trusted proxies, the peer is the address."""
    statuses = _failed_logins_from(serve().url, FORGED)
    assert statuses[:CLIENT_FAILURE_LIMIT] == [401] * CLIENT_FAILURE_LIMIT
    assert statuses[-1] == 429


def test_serve_believes_a_configured_proxy(serve):  # noqa: F811
    url = serve(trusted_proxies="127.0.0.1").url
    assert _failed_logins_from(url, FORGED) == [401] * len(FORGED)  # a new address each
    assert _failed_logins_from(url, ["198.51.100.1"] * (CLIENT_FAILURE_LIMIT + 1))[-1] == 429


def test_a_proxy_that_is_not_configured_is_not_believed(db_url, monkeypatch):
    monkeypatch.setenv("TOURSCOPE_TRUSTED_PROXIES", "10.0.0.5")
    get_settings.cache_clear()
    app = create_app()
    with TestClient(app, client=("10.0.0.9", 5000), headers=ENGLISH) as stranger:
        for number in range(CLIENT_FAILURE_LIMIT):
            forged = {"X-Forwarded-For": f"203.0.113.{number}"}
            stranger.headers.update(forged)
            assert log_in(stranger, "x@example.com", "wrong").status_code == 401
        assert log_in(stranger, "x@example.com", "wrong").status_code == 429


def test_the_setting_takes_addresses_and_networks_only(monkeypatch):
    monkeypatch.setenv("TOURSCOPE_TRUSTED_PROXIES", "10.0.0.5, 172.16.0.0/12")
    get_settings.cache_clear()
    assert get_settings().trusted_proxies == ["10.0.0.5", "172.16.0.0/12"]
    monkeypatch.setenv("TOURSCOPE_TRUSTED_PROXIES", "proxy.example.com")
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="IP addresses or networks"):
        get_settings()
    get_settings.cache_clear()


def test_log_in_failures_are_counted_in_the_database_for_every_worker(db_url, session):
    """Another worker's failures (rows it wrote) block this one's next log-in."""
    app = create_app()
    with TestClient(app, headers=ENGLISH) as client:
        assert log_in(client, "x@example.com", "wrong").status_code == 401
        assert session.scalar(select(func.count()).select_from(LoginFailure)) == 1
        key = session.scalars(select(LoginFailure.client_key)).one()
        for _ in range(CLIENT_FAILURE_LIMIT - 1):  # as another worker process would
            record_address_failure(session, key, CLIENT_FAILURE_WINDOW)
        session.commit()
        refused = log_in(client, "x@example.com", "wrong")
    assert refused.status_code == 429
    assert "Too many failed log-ins from your address" in refused.text
    assert "testclient" not in key  # the address itself is never stored


def test_old_failures_fall_out_of_the_window(session):
    now = utcnow()
    window = timedelta(minutes=15)
    for minutes in (20, 10, 5):
        record_address_failure(session, "k", window, now=now - timedelta(minutes=minutes))
    assert address_blocked_for(session, "k", 2, window, now=now) == timedelta(minutes=5)
    assert address_blocked_for(session, "k", 3, window, now=now) is None
    assert address_blocked_for(session, "k", 2, window, now=now + timedelta(minutes=6)) is None
