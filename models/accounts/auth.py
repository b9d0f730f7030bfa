"""Back-office accounts, log-in with lock-out, and server-side sessions.

Callers own the transaction: these functions change and flush, the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models.accounts.passwords import (
    check_password,
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)
from models.accounts.users import (
    Capability,
    LoginFailure,
    User,
    UserRole,
    UserSession,
    roles_that_may,
)
from models.base import utcnow
from models.contact import is_email

# A session ends after this long without a request, and in any case after SESSION_MAX_AGE.
SESSION_IDLE_TIMEOUT = timedelta(hours=12)
SESSION_MAX_AGE = timedelta(days=7)
# Sliding expiry is written at most this often, not on every request.
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)
# After this many wrong passwords in a row an account is locked for LOCKOUT_PERIOD.
MAX_FAILED_LOGINS = 5
LOCKOUT_PERIOD = timedelta(minutes=15)


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why."""


class LoginRefusal(StrEnum):
    INVALID = "invalid"  # wrong e-mail or password (never says which)
    LOCKED = "locked"  # too many failures: wait LOCKOUT_PERIOD
    DISABLED = "disabled"  # right password, but the account was disabled


class LoginRefused(Exception):
    def __init__(self, reason: LoginRefusal):
        super().__init__(reason.value)
        self.reason = reason


def normalize_email(email: str) -> str:
    """The e-mail as accounts store it: trimmed and lower-cased; AccountError if malformed."""
    email = email.strip().lower()
    if not is_email(email):
        raise AccountError(f"{email[:60]!r} is not an e-mail address")
    return email


def check_role(role: str) -> None:
    """AccountError, naming the roles there are, unless `role` is one."""
    if role not in set(UserRole):
        raise AccountError(f"unknown role {role[:40]!r}; choose {role_choices()}")


def role_choices() -> str:
    """The roles, as a sentence: "cold_caller, sales, ... or admin"."""
    *first, last = list(UserRole)
    return f"{', '.join(first)} or {last}"


def create_user(session: Session, email: str, password: str, role: str, name: str = "") -> User:
    """A new active account; AccountError (its message says why) on bad input."""
    email = normalize_email(email)
    check_role(role)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"an account for {email} already exists")
    try:
        check_password(password, email)
    except ValueError as error:
        raise AccountError(str(error)) from None
    user = User(
        email=email,
        name=name.strip()[:200],
        password_hash=hash_password(password),
        role=role,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> User | None:
    try:
        return session.scalar(select(User).where(User.email == normalize_email(email)))
    except AccountError:
        return None


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def active_users(session: Session, who_may: Capability | None = None) -> list[User]:
    """The active accounts, by name; only those whose role may use `who_may` when given
    (a lead is assigned only to someone who can open it)."""
    query = select(User).where(User.active).order_by(User.name, User.email)
    if who_may is not None:
        query = query.where(User.role.in_(roles_that_may(who_may)))
    return list(session.scalars(query))


def set_password(session: Session, email: str, password: str, now: datetime | None = None) -> User:
    """Give the account a new password (the same rules as a new one), lift a lock-out,
    and end its sessions: whoever held the old password is logged out."""
    user = find_user(session, email)
    if user is None:
        raise AccountError(f"no account for {email.strip().lower()[:254]}")
    try:
        check_password(password, user.email)
    except ValueError as error:
        raise AccountError(str(error)) from None
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    revoke_sessions(session, user, now)
    session.flush()
    return user


def disable_user(session: Session, email: str, now: datetime | None = None) -> User:
    """Disable an account and end all its sessions at once."""
    user = find_user(session, email)
    if user is None:
        raise AccountError(f"no account for {email.strip().lower()}")
    user.active = False
    revoke_sessions(session, user, now)
    session.flush()
    return user


def set_role(session: Session, email: str, role: str) -> User:
    """Give an account another role; it takes effect at the account's next request (the
    role is read with the session on every one)."""
    check_role(role)
    user = find_user(session, email)
    if user is None:
        raise AccountError(f"no account for {email.strip().lower()[:254]}")
    user.role = role
    session.flush()
    return user


class _UnknownAccountFailures:
    """Failed log-ins for e-mails that have no account, counted as for real accounts.

    Without this an attacker could tell real accounts apart: only they would ever answer
    "locked". Kept in memory (per process, bounded): nothing real is protected by it.
    """

    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[int, datetime | None]] = {}

    def locked(self, email: str, now: datetime) -> bool:
        with self._lock:
            _count, until = self._entries.get(email, (0, None))
            return until is not None and until > now

    def fail(self, email: str, now: datetime) -> bool:
        """Count a failure; True when it locks the e-mail."""
        with self._lock:
            if len(self._entries) >= self.MAX_ENTRIES:
                self._entries.clear()
            count, until = self._entries.get(email, (0, None))
            if until is not None and until <= now:
                count = 0
            count += 1
            if count >= MAX_FAILED_LOGINS:
                self._entries[email] = (0, now + LOCKOUT_PERIOD)
                return True
            self._entries[email] = (count, None)
            return False

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


unknown_account_failures = _UnknownAccountFailures()


def address_blocked_for(
    session: Session, client_key: str, limit: int, window: timedelta, now: datetime | None = None
) -> timedelta | None:
    """How long the client address (its key) must wait before another log-in, when it
    failed `limit` times within `window`; None when it may try now. Counted in the
    database, so every web worker sees the same failures."""
    now = now or utcnow()
    recent = (
        select(LoginFailure.failed_at)
        .where(LoginFailure.client_key == client_key, LoginFailure.failed_at > now - window)
        .order_by(LoginFailure.failed_at.desc())
        .limit(limit)
    ).subquery()
    count, oldest = session.execute(select(func.count(), func.min(recent.c.failed_at))).one()
    if count < limit:
        return None
    return oldest + window - now


def record_address_failure(
    session: Session, client_key: str, window: timedelta, now: datetime | None = None
) -> None:
    """Count a failed log-in from the address; failures older than `window` are dropped."""
    now = now or utcnow()
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - window))
    session.add(LoginFailure(client_key=client_key, failed_at=now))
    session.flush()


def authenticate(session: Session, email: str, password: str, now: datetime | None = None) -> User:
    """The account for this e-mail and password, or LoginRefused with the reason.

    Five wrong passwords in a row lock the account for LOCKOUT_PERIOD (a right password
    is refused too while it is locked); unknown e-mails are answered exactly the same way.
    """
    now = now or utcnow()
    user = find_user(session, email)
    if user is None:
        key = email.strip().lower()[:254]
        if unknown_account_failures.locked(key, now):
            raise LoginRefused(LoginRefusal.LOCKED)
        verify_password(dummy_hash(), password)  # the same time as a real check
        locked = unknown_account_failures.fail(key, now)
        raise LoginRefused(LoginRefusal.LOCKED if locked else LoginRefusal.INVALID)
    if user.locked_until is not None and user.locked_until > now:
        raise LoginRefused(LoginRefusal.LOCKED)
    if not verify_password(user.password_hash, password):
        # One atomic increment, so parallel guesses cannot slip past the count.
        failures = session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.failed_logins)
        ).scalar_one()
        if failures >= MAX_FAILED_LOGINS:
            session.execute(
                update(User)
                .where(User.id == user.id)
                .values(failed_logins=0, locked_until=now + LOCKOUT_PERIOD)
            )
            raise LoginRefused(LoginRefusal.LOCKED)
        raise LoginRefused(LoginRefusal.INVALID)
    if not user.active:
        raise LoginRefused(LoginRefusal.DISABLED)
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewSession:
    token: str  # for the browser's cookie; never stored
    expires_at: datetime


def start_session(session: Session, user: User, now: datetime | None = None) -> NewSession:
    """A new session with a fresh random id; only the id's SHA-256 hash is stored."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    expires_at = now + SESSION_IDLE_TIMEOUT
    session.add(
        UserSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return NewSession(token=token, expires_at=expires_at)


def session_user(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The active user of a live session, extending its idle expiry; None otherwise."""
    now = now or utcnow()
    row = session.scalar(
        select(UserSession).where(
            UserSession.token_hash == _token_hash(token),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
            UserSession.created_at > now - SESSION_MAX_AGE,
        )
    )
    if row is None or not row.user.active:
        return None
    if now - row.last_seen_at >= SESSION_TOUCH_INTERVAL:
        row.last_seen_at = now
        row.expires_at = min(now + SESSION_IDLE_TIMEOUT, row.created_at + SESSION_MAX_AGE)
        session.flush()
    return row.user


def end_session(session: Session, token: str, now: datetime | None = None) -> None:
    """Revoke the session: its id opens nothing any more, whoever holds a copy."""
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )


def revoke_sessions(session: Session, user: User, now: datetime | None = None) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )
