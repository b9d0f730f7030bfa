"""Dependencies shared by the routes, as `Annotated` aliases."""

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from models.auth import session_user
from models.db import get_sessionmaker
from models.users import User
from tourscope.settings import Settings, get_settings
from webapp.admission import DatabaseAdmission


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


async def database_slot(request: Request) -> AsyncIterator[None]:
    """Wait on the event loop for one of the worker's database slots (webapp/admission.py);
    ServerBusy (503) when there is none in time."""
    admission: DatabaseAdmission = request.app.state.database_admission
    await admission.acquire()
    try:
        yield
    finally:
        admission.release()


# "function" scope: the session closes, and the slot frees, once the response is built,
# not after a slow client has read it.
DatabaseSlot = Annotated[None, Depends(database_slot, scope="function")]


def get_session(_slot: DatabaseSlot) -> Iterator[Session]:
    """A session for one request, opened once the request holds a database slot."""
    with open_session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


# The back office's session cookie: a random id whose SHA-256 hash is the server's key.
SESSION_COOKIE = "tourscope_session"


class LoginRequired(Exception):
    """No live back-office session: the log-in page for a browser, 401 for anything else."""


class AdminRequired(Exception):
    """A manager asked for an admin-only page: 403."""


def current_user(request: Request, session: SessionDep) -> User:
    """The logged-in manager or admin (models/auth.py), or LoginRequired."""
    token = request.cookies.get(SESSION_COOKIE)
    user = session_user(session, token) if token else None
    if user is None:
        raise LoginRequired()
    session.commit()  # the session's sliding expiry
    request.state.user = user
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def admin_user(user: CurrentUser) -> User:
    if not user.is_admin:
        raise AdminRequired()
    return user


AdminUser = Annotated[User, Depends(admin_user)]
