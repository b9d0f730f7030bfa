"""Dependencies shared by the routes, as `Annotated` aliases."""

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
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

# Row ids are 32-bit integers in the database; anything larger, or not a number, cannot
# name a row. Typed here, a path id that is not one answers 404 (a page; 422 for the API,
# see webapp/errors.py) before any handler or query sees it.
MAX_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="The row's id", examples=[1])]


def parse_id(value: str) -> int | None:
    """A row id typed in a form field; None unless it is a plain positive 32-bit number.

    The length is checked first: int() refuses a string of over 4,300 digits with an error.
    """
    if value.isascii() and value.isdigit() and len(value) <= 10 and 1 <= int(value) <= MAX_ID:
        return int(value)
    return None


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
