"""Dependencies shared by the routes, as `Annotated` aliases."""

from collections.abc import AsyncIterator, Callable, Iterator
from functools import cache
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from models.accounts.auth import session_user
from models.accounts.users import Capability, User
from models.db import get_sessionmaker
from tourscope.foundation.settings import Settings, get_settings
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


class RoleRequired(Exception):
    """The user's role may not use what they asked for: 403, saying which roles may."""

    def __init__(self, capability: Capability) -> None:
        super().__init__(capability.value)
        self.capability = capability


def current_user(request: Request, session: SessionDep) -> User:
    """The logged-in user, whatever their role (models/accounts/auth.py), or LoginRequired."""
    token = request.cookies.get(SESSION_COOKIE)
    user = session_user(session, token) if token else None
    if user is None:
        raise LoginRequired()
    session.commit()  # the session's sliding expiry
    # Handlers take the user as CurrentUser; this is for what sees only the request: the
    # pages' layout (routes/manager/common.render) and the 403 answer (auth.role_required).
    request.state.user = user
    return user


CurrentUser = Annotated[User, Depends(current_user)]


@cache  # one function per capability, so FastAPI runs each check once per request
def requires(capability: Capability) -> Callable[[User], User]:
    """A dependency: the logged-in user when their role may use `capability`, else
    RoleRequired (403). Put on a route or router, so no handler checks roles by hand."""

    def user_who_may(user: CurrentUser) -> User:
        if not user.may(capability):
            raise RoleRequired(capability)
        return user

    user_who_may.__name__ = f"user_who_may_{capability.value}"
    return user_who_may


def needs(capability: Capability) -> list:
    """A route's `dependencies` that refuse every role which may not use `capability`."""
    return [Depends(requires(capability))]


admin_user = requires(Capability.ADMIN)
AdminUser = Annotated[User, Depends(admin_user)]
