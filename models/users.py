"""Back-office accounts (managers and admins) and their server-side log-in sessions."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow


class UserRole(StrEnum):
    MANAGER = "manager"  # works the leads
    ADMIN = "admin"  # also sees crawl health and resolves hotel matches


ROLE_CODES_SQL = ", ".join(f"'{role.value}'" for role in UserRole)


class User(Base):
    """A manager or admin who logs in to `/manager`.

    The e-mail is stored lower-cased (the log-in compares it so); the password only as
    an argon2id hash (models/passwords.py). `failed_logins` and `locked_until` carry the
    per-account lock-out (models/auth.py).
    """

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({ROLE_CODES_SQL})", name="role_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10), default=UserRole.MANAGER)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Calls a day on the contact centre's plan; None: the agency's default (settings).
    daily_call_plan: Mapped[int | None] = mapped_column()
    # The morning e-mail of letters due and calls planned (models/morning_digest.py).
    morning_digest: Mapped[bool] = mapped_column(default=True, server_default=true())
    digest_sent_on: Mapped[date | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sessions: Mapped[list[UserSession]] = relationship(back_populates="user")

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

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
    restarts (models/auth.py); rows older than the limit's window are deleted as new
    ones come.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_client_failed", "client_key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
