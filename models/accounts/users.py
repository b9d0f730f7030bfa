"""Back-office accounts, their roles and what each role may do, and their server-side
log-in sessions."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from tourscope.foundation.i18n import lazy_gettext


class UserRole(StrEnum):
    COLD_CALLER = "cold_caller"  # the contact centre: calls clients, hands warm ones on
    SALES = "sales"  # works leads and warm hand-offs to a sale
    ACCOUNT_MANAGER = "account_manager"  # looks after their clients' trips and letters
    # A small agency's all-rounder: sales and account management together (the role
    # every account had before the roles were split, so those accounts keep working).
    MANAGER = "manager"
    ADMIN = "admin"  # everything, and the agency's settings


# Shown in the reader's language (lazy: translated when shown).
ROLE_LABELS = {
    UserRole.COLD_CALLER: lazy_gettext("cold caller"),
    UserRole.SALES: lazy_gettext("sales"),
    UserRole.ACCOUNT_MANAGER: lazy_gettext("account manager"),
    UserRole.MANAGER: lazy_gettext("manager"),
    UserRole.ADMIN: lazy_gettext("admin"),
}


class Capability(StrEnum):
    """A part of the back office a role may use; routes require one (webapp/deps.py)."""

    CALLS = "calls"  # the call list and logging calls
    LEADS = "leads"  # the leads: list, claim, work, make a client record of one
    CLIENTS = "clients"  # client records
    TRIPS = "trips"  # booked trips
    LETTERS = "letters"  # the pre-trip letters
    KPI_OWN = "kpi_own"  # one's own KPI row
    # Crawls, hotel identity, letter templates, call plans, the planner, everyone's KPIs.
    ADMIN = "admin"


# Clients' feedback after a trip is no capability of its own: it is read in the client's
# history and the KPIs, and answered by the client through a signed link, not a page here.
_ACCOUNT_CARE = {
    Capability.CLIENTS,
    Capability.TRIPS,
    Capability.LETTERS,
    Capability.CALLS,  # calls to their own clients
}
# The one table of what each role may do.
ROLE_CAPABILITIES: dict[UserRole, frozenset[Capability]] = {
    UserRole.COLD_CALLER: frozenset({Capability.CALLS, Capability.KPI_OWN}),
    UserRole.SALES: frozenset({Capability.LEADS, Capability.KPI_OWN}),
    UserRole.ACCOUNT_MANAGER: frozenset({*_ACCOUNT_CARE, Capability.KPI_OWN}),
    UserRole.MANAGER: frozenset({Capability.LEADS, *_ACCOUNT_CARE, Capability.KPI_OWN}),
    UserRole.ADMIN: frozenset(Capability),
}


def role_may(role: str, capability: Capability) -> bool:
    """Whether a role may use a capability; an unknown role (none in the database, the
    CHECK constraint sees to it) may use nothing."""
    known = role in set(UserRole)
    return known and capability in ROLE_CAPABILITIES[UserRole(role)]


def roles_that_may(capability: Capability) -> list[UserRole]:
    return [role for role in UserRole if capability in ROLE_CAPABILITIES[role]]


ROLE_CODES_SQL = ", ".join(f"'{role.value}'" for role in UserRole)
# The longest role code, `account_manager`, with room for one more.
ROLE_LENGTH = 20


class User(Base):
    """A back-office account (any role) that logs in to `/manager`.

    The e-mail is stored lower-cased (the log-in compares it so); the password only as
    an argon2id hash (models/accounts/passwords.py). `failed_logins` and `locked_until` carry the
    per-account lock-out (models/accounts/auth.py).
    """

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({ROLE_CODES_SQL})", name="role_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(ROLE_LENGTH), default=UserRole.MANAGER)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Calls a day on the contact centre's plan; None: the agency's default (settings).
    daily_call_plan: Mapped[int | None] = mapped_column()
    # The morning e-mail of letters due and calls planned (models/care/morning_digest.py).
    morning_digest: Mapped[bool] = mapped_column(default=True, server_default=true())
    digest_sent_on: Mapped[date | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sessions: Mapped[list[UserSession]] = relationship(back_populates="user")

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    def may(self, capability: Capability | str) -> bool:
        """Whether this account's role may use `capability` (templates pass its code)."""
        return role_may(self.role, Capability(capability))

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))

    @property
    def display_name(self) -> str:
        return self.name or self.email


class UserSession(Base):
    """One log-in: the browser holds a random id, the database only its SHA-256 hash.

    A stolen copy of this table opens no session. A session ends when it is revoked
    (log-out, account disabled) or expires (idle too long, or too old).
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="sessions")


class LoginFailure(Base):
    """A failed back-office log-in from one client address (a keyed hash of it).

    Counted in the database, so the per-address limit holds across web workers and
    restarts (models/accounts/auth.py); rows older than the limit's window are deleted as new
    ones come.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_client_failed", "client_key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
