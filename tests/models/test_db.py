"""The connection pool on PostgreSQL: a connection the server dropped is not handed out."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

import models.db
from models.db import get_engine


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to drop a connection")
    return database_url


def _pooled_backend(engine) -> int:
    """The server process of a connection the pool now holds idle."""
    with engine.connect() as connection:
        return connection.scalar(text("SELECT pg_backend_pid()"))


def _terminate(url: str, pid: int) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def test_a_connection_dropped_while_idle_is_replaced_before_use(postgres_url, monkeypatch):
    engine = get_engine(postgres_url)
    engine.dispose()
    monkeypatch.setattr(models.db, "IDLE_PING_SECONDS", 0.0)  # every checkout is "idle"
    dropped = _pooled_backend(engine)
    _terminate(postgres_url, dropped)

    with engine.connect() as connection:
        assert connection.scalar(text("SELECT pg_backend_pid()")) != dropped


def test_a_connection_dropped_in_the_midst_of_use_fails_once_then_the_pool_recovers(
    postgres_url, monkeypatch
):
    engine = get_engine(postgres_url)
    engine.dispose()
    monkeypatch.setattr(models.db, "IDLE_PING_SECONDS", 3600.0)  # just used: not pinged
    dropped = _pooled_backend(engine)
    _terminate(postgres_url, dropped)

    with pytest.raises(OperationalError), engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT pg_backend_pid()")) != dropped
