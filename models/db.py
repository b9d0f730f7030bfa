"""Engine and session set-up, the same for the embedded SQLite file and PostgreSQL."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
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
    engine = create_engine(url, connect_args={"connect_timeout": 5}, **pool)
    _ping_when_idle(engine)
    return engine


# A pooled connection is pinged before use only when it sat unused this long. One that
# served a request a moment ago is almost always alive, and a ping on every checkout is
# a round trip per request (a tenth of a price calendar's time). One that died all the
# same (the server restarted under load) fails its request with an OperationalError, a
# 503 in the web app, and the pool then replaces every connection older than that.
IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection, record, _proxy) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool drops this connection and checks out another (a new one if need be).
            raise DisconnectionError(str(error)) from error


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
