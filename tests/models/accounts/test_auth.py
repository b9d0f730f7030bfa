"""Back-office accounts: the password policy, argon2id hashes, lock-out and sessions."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from models.accounts.auth import (
    LOCKOUT_PERIOD,
    MAX_FAILED_LOGINS,
    SESSION_IDLE_TIMEOUT,
    SESSION_MAX_AGE,
    AccountError,
    LoginRefusal,
    LoginRefused,
    authenticate,
    disable_user,
    end_session,
    session_user,
    start_session,
    unknown_account_failures,
)
from models.accounts.passwords import (
    WeakPasswordError,
    check_password,
    common_passwords,
    hash_password,
    needs_rehash,
    verify_password,
)
from models.accounts.users import User, UserSession
from models.base import utcnow
from tests.factories import PASSWORD, make_user
from tourscope.foundation.settings import get_settings


@pytest.fixture(autouse=True)
def no_unknown_failures():
    unknown_account_failures.clear()
    yield
    unknown_account_failures.clear()


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short1!", "at least 10 characters"),
        ("x" * 201, "at most 200"),
        ("qwertyuiop", "most common"),
        ("1234567890", "most common"),
        ("Password123!", "most common"),  # a common word with the usual digits tacked on
        ("Sunshine2025", "most common"),
        ("aaaaaaaaaaaa", "too few characters"),
        ("ababababab11", "too few characters"),
        ("mia.rossi-summer", "e-mail's name"),
    ],
)
def test_the_policy_refuses_weak_passwords_with_the_reason(password, why):
    with pytest.raises(WeakPasswordError, match=why):
        check_password(password, "Mia.Rossi@example.com")


@pytest.mark.parametrize(
    "password", ["correct horse battery", "Tr0ub4dor&3-staple", "ÿÿÿÿñäöü€xyz"]
)
def test_the_policy_accepts_long_uncommon_passwords(password):
    check_password(password, "mia@example.com")


def test_the_common_password_list_is_a_few_hundred_or_more():
    common = common_passwords()
    assert len(common) >= 500
    assert {"123456", "password", "qwerty", "iloveyou", "password123"} <= common


def test_passwords_are_stored_as_argon2id_hashes_only(session):
    user = make_user(session, "Ann@Example.COM")
    session.commit()
    stored = session.execute(text("SELECT email, password_hash FROM users")).one()
    assert stored.email == "ann@example.com"
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    # Two accounts with one password still get different hashes (a salt each).
    other = make_user(session, "bob@example.com")
    assert other.password_hash != user.password_hash


@pytest.mark.parametrize(
    ("email", "role", "password", "why"),
    [
        ("manager@example.com", "manager", PASSWORD, "already exists"),
        ("MANAGER@example.com ", "manager", PASSWORD, "already exists"),
        ("new@example.com", "boss", PASSWORD, "unknown role"),
        ("not-an-email", "manager", PASSWORD, "not an e-mail"),
        ("new@example.com", "manager", "password1", "at least 10"),
    ],
)
def test_bad_accounts_are_refused_with_the_reason(session, email, role, password, why):
    make_user(session, "manager@example.com")
    with pytest.raises(AccountError, match=why):
        make_user(session, email, role=role, password=password)


def test_a_right_password_logs_in_whatever_the_email_case(session):
    user = make_user(session)
    assert authenticate(session, "  Manager@Example.com", PASSWORD).id == user.id


def test_a_wrong_password_and_an_unknown_email_get_the_same_refusal(session):
    make_user(session)
    for email, password in [("manager@example.com", "wrong-password"), ("nobody@x.org", "x")]:
        with pytest.raises(LoginRefused) as refused:
            authenticate(session, email, password)
        assert refused.value.reason == LoginRefusal.INVALID


def _fail(session, email, now, times):
    reasons = []
    for _ in range(times):
        with pytest.raises(LoginRefused) as refused:
            authenticate(session, email, "wrong-password", now=now)
        reasons.append(refused.value.reason)
    return reasons


def test_five_failures_lock_the_account_for_the_period_then_it_opens(session):
    user = make_user(session)
    now = utcnow()
    reasons = _fail(session, user.email, now, MAX_FAILED_LOGINS)
    assert reasons == [LoginRefusal.INVALID] * (MAX_FAILED_LOGINS - 1) + [LoginRefusal.LOCKED]
    session.refresh(user)
    assert user.locked_until == now + LOCKOUT_PERIOD
    # Locked: even the right password is refused until the period is over.
    with pytest.raises(LoginRefused) as refused:
        authenticate(session, user.email, PASSWORD, now=now + LOCKOUT_PERIOD - timedelta(seconds=1))
    assert refused.value.reason == LoginRefusal.LOCKED
    assert authenticate(session, user.email, PASSWORD, now=now + LOCKOUT_PERIOD).id == user.id
    session.refresh(user)
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_a_success_resets_the_failure_count(session):
    user = make_user(session)
    now = utcnow()
    _fail(session, user.email, now, MAX_FAILED_LOGINS - 1)
    authenticate(session, user.email, PASSWORD, now=now)
    assert _fail(session, user.email, now, MAX_FAILED_LOGINS - 1) == [LoginRefusal.INVALID] * 4


def test_unknown_emails_lock_just_like_accounts(session):
    reasons = _fail(session, "nobody@example.com", utcnow(), MAX_FAILED_LOGINS + 1)
    assert reasons[-2:] == [LoginRefusal.LOCKED, LoginRefusal.LOCKED]


def test_a_disabled_account_cannot_log_in_and_its_sessions_end(session):
    user = make_user(session)
    token = start_session(session, user).token
    disable_user(session, user.email)
    assert session_user(session, token) is None
    with pytest.raises(LoginRefused) as refused:
        authenticate(session, user.email, PASSWORD)
    assert refused.value.reason == LoginRefusal.DISABLED


def test_a_session_stores_only_the_hash_of_its_random_id(session):
    user = make_user(session)
    first, second = start_session(session, user).token, start_session(session, user).token
    assert first != second and len(first) >= 40
    hashes = session.scalars(select(UserSession.token_hash)).all()
    assert first not in hashes and second not in hashes
    assert session_user(session, first).id == user.id


def test_a_session_ends_when_revoked_idle_or_too_old(session):
    user = make_user(session)
    now = utcnow()
    token = start_session(session, user, now=now).token
    assert session_user(session, token, now=now + SESSION_IDLE_TIMEOUT / 2) is not None
    # Use extends it (sliding expiry)...
    later = now + SESSION_IDLE_TIMEOUT / 2 + SESSION_IDLE_TIMEOUT - timedelta(minutes=1)
    assert session_user(session, token, now=later) is not None
    # ...but not past being idle too long, nor past its maximum age.
    assert session_user(session, token, now=later + SESSION_IDLE_TIMEOUT) is None
    assert session_user(session, token, now=now + SESSION_MAX_AGE) is None

    end_session(session, token)
    assert session_user(session, token, now=now + timedelta(minutes=1)) is None
    assert session_user(session, "forged-id") is None


def test_user_rows_keep_the_role(session):
    make_user(session, "boss@example.com", role="admin")
    assert session.scalar(select(User.role)) == "admin"


def test_production_hashes_use_rfc_9106s_low_memory_profile(monkeypatch):
    """The suite hashes cheaply (tests/conftest.py); without that, the cost is 64 MiB, t=3,
    and a hash of the cheaper cost is due for a re-hash at its next log-in."""
    cheap = hash_password("a-long-test-passphrase")
    monkeypatch.delenv("TOURSCOPE_PASSWORD_HASH_MEMORY_KIB")
    monkeypatch.delenv("TOURSCOPE_PASSWORD_HASH_TIME_COST")
    get_settings.cache_clear()
    try:
        strong = hash_password("a-long-test-passphrase")
        assert "$m=65536,t=3," in strong
        assert needs_rehash(cheap) and not needs_rehash(strong)
        assert verify_password(cheap, "a-long-test-passphrase")
    finally:
        get_settings.cache_clear()
