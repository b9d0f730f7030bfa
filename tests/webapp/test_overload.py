"""A crowd gets answers: 200, or a quick 503 with Retry-After; never a 500, never a stall.

Issue 12's stall in miniature: a real `tourscope serve` whose pool holds two connections,
and a burst of concurrent searches and search pages, far more than the pool. Before the
web workers admitted requests to the database by slots sized to the pool
(webapp/admission.py), the threadpool's threads all waited for a connection while the
requests holding the connections waited for a thread to finish on: nothing answered until
the pool's timeout, then 500s.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from models.db import get_engine, get_sessionmaker
from tests.ports import free_port
from tests.webapp.pages import ENGLISH
from tourscope.foundation.settings import get_settings
from webapp.main import create_app

# The pool waits this long for a connection before it fails, so a stall shows as a burst
# taking longer than BURST_BOUND, or as 500s.
POOL_TIMEOUT = 60
BURST_BOUND = 30
SEARCHES, PAGES = 60, 20


@dataclass
class Served:
    url: str
    log: Path


@pytest.fixture
def serve(db_url: str, tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Starts `tourscope serve` (a real uvicorn, in its own process) on the test database
    with the given settings and CLI arguments, and waits until it answers."""
    started: list[subprocess.Popen] = []

    def start(*arguments: str, **settings: object) -> Served:
        port = free_port()
        environment = {
            **os.environ,
            "TOURSCOPE_DATABASE_URL": db_url,
            **{f"TOURSCOPE_{name.upper()}": str(value) for name, value in settings.items()},
        }
        log = tmp_path / f"serve-{port}.log"
        command = [sys.executable, "-m", "tourscope.cli", "serve", "--port", str(port)]
        with log.open("w") as output:
            process = subprocess.Popen(
                [*command, *arguments],
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its worker processes stop with it
            )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"tourscope serve exited: {log.read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                    return Served(url, log)
            except httpx.HTTPError:
                time.sleep(0.2)
        pytest.fail("tourscope serve did not answer within 60 s")

    yield start
    for process in started:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def _burst(url: str, paths: list[str]) -> tuple[list[httpx.Response | Exception], float]:
    limits = httpx.Limits(max_connections=len(paths))
    async with httpx.AsyncClient(base_url=url, timeout=BURST_BOUND + 10, limits=limits) as client:
        started = time.monotonic()
        answers = await asyncio.gather(
            *(client.get(path) for path in paths), return_exceptions=True
        )
        return list(answers), time.monotonic() - started


def test_a_crowd_larger_than_the_pool_gets_answers_not_a_stall(serve, offers):
    url = serve(db_pool_size=1, db_max_overflow=1, db_pool_timeout=POOL_TIMEOUT).url
    orders = ["price", "stars", "date"]
    searches = [f"/api/search?country=TR&sort={orders[n % 3]}" for n in range(SEARCHES)]
    pages = [f"/?country=TR&sort={orders[n % 3]}" for n in range(PAGES)]
    # The pages are spread through the searches, as a crowd would send them.
    paths = [path for pair in zip(searches[:PAGES], pages, strict=True) for path in pair]
    paths += searches[PAGES:]

    answers, seconds = asyncio.run(_burst(url, paths))

    unanswered = [answer for answer in answers if isinstance(answer, Exception)]
    assert not unanswered, f"{len(unanswered)} of {len(paths)} requests stalled: {unanswered[0]!r}"
    responses = [answer for answer in answers if isinstance(answer, httpx.Response)]
    statuses = {response.status_code for response in responses}
    assert statuses <= {200, 503}, statuses
    for response in responses:
        if response.status_code == 503:
            assert response.headers["retry-after"].isdigit()
    assert seconds < BURST_BOUND, f"the burst took {seconds:.1f} s: requests stalled"
    answered = {response.url.path for response in responses if response.status_code == 200}
    assert answered == {"/api/search", "/"}
    for response in responses:
        if response.url.path == "/api/search" and response.status_code == 200:
            assert response.json()["total_hotels"] == 2  # Turkey's two hotels


@pytest.fixture
def saturated(db_url: str, monkeypatch) -> Iterator[TestClient]:
    """The app with one database slot, already taken, and no room to wait for it."""
    monkeypatch.setenv("TOURSCOPE_WEB_DB_CONCURRENCY", "1")
    monkeypatch.setenv("TOURSCOPE_WEB_QUEUE_LIMIT", "0")
    app = create_app()
    with TestClient(app) as client:
        admission = app.state.database_admission
        client.portal.call(admission.acquire)
        yield client
        client.portal.call(admission.release)


def test_a_saturated_worker_sheds_the_api_with_a_json_503(saturated, offers):
    response = saturated.get("/api/search?country=TR")
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert "busy" in response.json()["detail"]


def test_a_saturated_worker_sheds_a_page_with_a_readable_503(saturated, offers):
    response = saturated.get("/?country=TR")
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert "text/html" in response.headers["content-type"]
    assert "Сейчас у нас очень много посетителей" in response.text  # the site's default
    english = saturated.get("/?country=TR", headers=ENGLISH)
    assert english.status_code == 503 and "very busy" in english.text


def test_the_health_check_answers_while_the_worker_is_saturated(saturated):
    # It opens its own short session from the pool's overflow, outside the slots.
    assert saturated.get("/healthz").json() == {"status": "ok"}


def test_a_slot_freed_lets_the_next_request_in(saturated, offers):
    assert saturated.get("/api/search?country=TR").status_code == 503
    admission = saturated.app.state.database_admission
    saturated.portal.call(admission.release)
    try:
        assert saturated.get("/api/search?country=TR").status_code == 200
    finally:
        saturated.portal.call(admission.acquire)


def test_serve_runs_several_worker_processes(serve, offers):
    served = serve("--workers", "2", db_pool_size=1, db_max_overflow=1)
    deadline = time.monotonic() + 60
    while served.log.read_text().count("Started server process") < 2:
        assert time.monotonic() < deadline, served.log.read_text()
        time.sleep(0.2)
    for _ in range(10):
        assert httpx.get(f"{served.url}/api/search?country=TR", timeout=30).status_code == 200


@pytest.fixture
def pool_held(db_url: str, monkeypatch) -> Iterator[TestClient]:
    """The app with a pool of one connection, held elsewhere, and a half-second wait for it."""
    monkeypatch.setenv("TOURSCOPE_DB_POOL_SIZE", "1")
    monkeypatch.setenv("TOURSCOPE_DB_MAX_OVERFLOW", "0")
    monkeypatch.setenv("TOURSCOPE_DB_POOL_TIMEOUT", "0.5")

    def fresh_engines() -> None:
        get_settings.cache_clear()
        get_engine.cache_clear()
        get_sessionmaker.cache_clear()

    fresh_engines()
    engine = get_engine(db_url)  # the one the app's sessions use
    try:
        with engine.connect(), TestClient(create_app()) as client:
            yield client
    finally:
        engine.dispose()
        fresh_engines()


def test_no_connection_within_the_pool_wait_is_a_503_not_a_500(offers, pool_held):
    response = pool_held.get("/api/search?country=TR")
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert "busy" in response.json()["detail"]
    # A page that opens its own session, outside the slots, is answered the same way.
    response = pool_held.get("/leads/new?offer_id=1", headers=ENGLISH)
    assert response.status_code == 503
    assert "very busy" in response.text
