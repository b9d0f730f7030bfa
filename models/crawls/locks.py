"""One crawl of an operator at a time, even across processes.

PostgreSQL: a session-level advisory lock, held by a connection for the crawl's life.
SQLite (one machine by nature): an exclusive lock on a file beside the database.
"""

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from models.db import get_engine


def _lock_key(name: str) -> int:
    # A stable 32-bit key; advisory locks take a bigint.
    return zlib.crc32(f"tourscope:{name}".encode())


@contextmanager
def exclusive_lock(name: str, url: str | None = None) -> Iterator[bool]:
    """Yields True when this process holds the lock `name`, False when another one does."""
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            key = _lock_key(name)
            held = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
            connection.commit()
            try:
                yield bool(held)
            finally:
                if held:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    connection.commit()
        return
    database = Path(engine.url.database or "tourscope.db").resolve()
    path = database.parent / f"{database.name}.{name.replace('/', '_')}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
