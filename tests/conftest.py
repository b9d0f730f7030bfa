"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL tests need `TOURSCOPE_TEST_POSTGRES_URL` (e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/tourscope_test). When it is set they
always run, and fail loudly if the server is unreachable; when it is not set they are
skipped with a visible reason. Each test process works in a database of its own, named
after the URL's with a suffix unique to the run and worker, and dropped at the end: two
runs on one server never touch each other's data.
"""

import os
import re
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from models import Base
from models.catalog.exchange_rates import forget_cached_rates
from models.catalog.reference_names import forget_cached_names
from models.db import get_engine
from models.migrate import upgrade_database
from tourscope.foundation.settings import get_settings

POSTGRES_URL_VARIABLE = "TOURSCOPE_TEST_POSTGRES_URL"

# Real argon2id at a low cost: production's 64 MiB x 3 passes takes 0.2 s a hash here, and
# the suite creates and logs in hundreds of accounts. Set before any settings are read;
# CLI tests' subprocesses inherit it. tests/models/accounts/test_auth.py checks the default cost.
os.environ.setdefault("TOURSCOPE_PASSWORD_HASH_MEMORY_KIB", "1024")
os.environ.setdefault("TOURSCOPE_PASSWORD_HASH_TIME_COST", "1")
# TEZ TOUR's documented cap (50 requests a minute) is kept by the crawler and the replica,
# over a 2-second "minute" in the tests: the same cap and spacing, at 30 times the pace.
os.environ.setdefault("TOURSCOPE_RATE_WINDOW_SECONDS", "2")
os.environ.setdefault("TOURSCOPE_SANDBOX_TEZTOUR_RATE_WINDOW", "2")


# Unique to this run (shared by its xdist workers, which add their own name).
RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)[:10]


def _admin_engine(url: str) -> Engine:
    target = make_url(url).set(database="postgres")
    return get_engine(target.render_as_string(hide_password=False))


def _run_database(url: str) -> str:
    """This run's (and worker's) own database beside the configured one, created now:
    `tourscope_test` -> `tourscope_test_run_1a2b3c4d5e_gw0`."""
    target = make_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    own = target.set(database=f"{target.database}_run_{RUN_ID}_{worker}")
    with _admin_engine(url).connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
        admin.execute(text(f'CREATE DATABASE "{own.database}"'))
    return own.render_as_string(hide_password=False)


def _drop_run_database(url: str) -> None:
    """Drop the run's database, closing what is still connected to it (PostgreSQL 13+)."""
    name = make_url(url).database
    get_engine(url).dispose()
    with _admin_engine(url).connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
        admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _prepare_postgres(url: str) -> None:
    engine = get_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade_database(url)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    """A migrated database of each backend, shared by the tests of one session."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "tourscope.db"
        url = f"sqlite:///{path}"
        upgrade_database(url)
        return url
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_URL_VARIABLE} (see README)")
    url = _run_database(url)
    request.addfinalizer(lambda: _drop_run_database(url))
    _prepare_postgres(url)
    return url


def truncate_all(engine: Engine) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def db_url(database_url: str, monkeypatch) -> Iterator[str]:
    """A clean database, also made the configured one for code (and subprocesses) under test."""
    truncate_all(get_engine(database_url))
    forget_cached_rates()  # keyed by the generation, which emptying the tables restarts
    forget_cached_names()
    monkeypatch.setenv("TOURSCOPE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    with Session(get_engine(db_url), expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def sandbox_server():
    """The demo operators, served on a free loopback port for the whole session."""
    from sandbox.server import start_sandbox

    server = start_sandbox(seed=42)
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server):
    """The sandbox with every operator reset to a small, healthy catalogue."""
    import httpx

    from sandbox.app import OPERATORS

    # Generous: a 100,000-offer catalogue is built on the first request, and a busy CI
    # machine (two test workers, crawls, browsers) can take well over 10 s for it.
    client = httpx.Client(base_url=sandbox_server.url, timeout=60)

    def configure(operator: str, **control) -> None:
        payload = {"epoch": 0, "size": 300, "fault": None, **control}
        client.put(f"/_sandbox/operators/{operator}", json=payload).raise_for_status()

    for operator in OPERATORS:
        configure(operator)
    sandbox_server.configure = configure
    sandbox_server.client = client
    yield sandbox_server
    client.close()


@pytest.fixture
def crawl(db_url, sandbox, tmp_path):
    """Runs `tourscope crawl OPERATOR...` into the test database; returns the process result."""
    from tests.crawler.cli import run_tourscope

    def run(*operators: str, env: dict[str, str] | None = None):
        environment = {
            "TOURSCOPE_DATABASE_URL": db_url,
            "TOURSCOPE_SANDBOX_URL": sandbox.url,
            "TOURSCOPE_VAR_DIR": str(tmp_path),
            **(env or {}),
        }
        return run_tourscope("crawl", *operators, env=environment)

    return run


def pytest_terminal_summary(terminalreporter) -> None:
    """Say how many database tests passed on each backend, so a run shows both were used."""
    backends = Counter(
        match.group(1)
        for report in terminalreporter.stats.get("passed", [])
        if (match := re.search(r"\[(sqlite|postgresql)\b", report.nodeid))
    )
    terminalreporter.write_line(
        f"database tests passed: SQLite {backends['sqlite']}, PostgreSQL {backends['postgresql']}"
    )
