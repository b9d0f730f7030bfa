"""What `tourscope demo` adds beside the crawled catalogue, so the back office can be seen."""

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.auth import create_user
from models.users import User, UserRole

DEMO_ADMIN_EMAIL = "admin@tourscope.localhost"


def create_demo_account(session: Session) -> str | None:
    """An admin account with a fresh random password, when the database has no account
    at all; returns the password (shown once by the demo), or None when accounts exist."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(12)
    create_user(session, DEMO_ADMIN_EMAIL, password, UserRole.ADMIN, name="Demo Admin")
    return password
