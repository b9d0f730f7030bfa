"""Engine and session set-up, the same for the embedded SQLite file and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tourscope.foundation.settings import get_settings


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the web app read while a crawl writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@cache
def get_engine(url: str | None = None) -> Engine:
    """One engine per database URL for the life of the process."""
    settings = get_settings()
    url = url or settings.effective_database_url
    parsed = make_url(url)
    # The pool's size and wait come from the settings, so the web workers' admission
    # (webapp/admission.py) can be sized to it; the SQLite file gets the same pool (a
    # reader per connection under WAL; writers take turns through busy_timeout).
    pool = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
    }
    if parsed.get_backend_name() == "sqlite":
        in_file = bool(parsed.database) and parsed.database != ":memory:"
        if in_file:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # An in-memory database has one connection per thread: no pool to size.
        engine = create_engine(url, **(pool if in_file else {}))
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5}, **pool)


@cache
def get_sessionmaker(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = get_sessionmaker(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
