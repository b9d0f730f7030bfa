"""Dependencies shared by the routes, as `Annotated` aliases."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from models.db import get_sessionmaker
from tourscope.settings import Settings, get_settings


class DatabaseUnavailable(Exception):
    """The configured database cannot be opened at all (e.g. its SQLite directory)."""


def open_session() -> Session:
    """A new session on the configured database.

    The URL is passed explicitly so the engine cache is keyed by it: a changed
    `TOURSCOPE_DATABASE_URL` (after `get_settings.cache_clear()`) takes effect.
    """
    try:
        return get_sessionmaker(get_settings().effective_database_url)()
    except OSError as error:
        raise DatabaseUnavailable(str(error)) from error


def get_session() -> Iterator[Session]:
    with open_session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
