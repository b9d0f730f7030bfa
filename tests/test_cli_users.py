"""`tourscope user ...`: back-office accounts from the command line."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from models.accounts.auth import authenticate, session_user, start_session
from models.accounts.users import User
from models.base import utcnow
from tests.factories import PASSWORD, make_user

GOOD_PASSWORD = "a-long-test-passphrase"


def tourscope(*args: str, stdin: str = "", env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "tourscope.cli", "user", *args],
        input=stdin,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def database(db_url):
    return {"TOURSCOPE_DATABASE_URL": db_url}


def test_create_list_and_disable(database, session):
    created = tourscope(
        "create",
        "Ada@Example.com",
        "--role",
        "admin",
        "--name",
        "Ada",
        "--password-stdin",
        stdin=GOOD_PASSWORD + "\n",
        env=database,
    )
    assert created.returncode == 0, created.stderr
    assert "Created admin account ada@example.com." in created.stdout
    user = session.scalar(select(User))
    assert (user.email, user.role, user.name) == ("ada@example.com", "admin", "Ada")
    assert user.password_hash.startswith("$argon2id$")

    listed = tourscope("list", env=database)
    assert "ada@example.com" in listed.stdout and "admin" in listed.stdout

    disabled = tourscope("disable", "ada@example.com", env=database)
    assert disabled.returncode == 0
    session.expire_all()
    assert session.scalar(select(User.active)) is False


@pytest.mark.parametrize(
    ("args", "password", "code", "message"),
    [
        (
            ["x@example.com", "--role", "boss"],
            GOOD_PASSWORD,
            2,
            "unknown role 'boss'; choose cold_caller, sales, account_manager, manager or admin",
        ),
        (["not-an-email"], GOOD_PASSWORD, 2, "is not an e-mail address"),
        (["x@example.com"], "qwerty123456", 1, "one of the most common passwords"),
        (["x@example.com"], "short", 1, "at least 10 characters"),
    ],
)
def test_bad_input_is_one_readable_line(database, args, password, code, message):
    result = tourscope("create", *args, "--password-stdin", stdin=password + "\n", env=database)
    assert result.returncode == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_duplicate_email_is_refused(database):
    for _ in range(2):
        result = tourscope(
            "create", "ada@example.com", "--password-stdin", stdin=GOOD_PASSWORD, env=database
        )
    assert result.returncode == 1
    assert "an account for ada@example.com already exists" in result.stderr


def test_the_prompt_asks_twice_and_hides_the_password(database):
    mismatch = tourscope(
        "create", "ada@example.com", stdin=f"{GOOD_PASSWORD}\nsomething-else\n", env=database
    )
    assert mismatch.returncode != 0
    assert GOOD_PASSWORD not in mismatch.stdout
    matched = tourscope(
        "create", "ada@example.com", stdin=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n", env=database
    )
    assert matched.returncode == 0, matched.stderr
    assert GOOD_PASSWORD not in matched.stdout


def test_disabling_an_unknown_account_says_so(database):
    result = tourscope("disable", "nobody@example.com", env=database)
    assert result.returncode == 1
    assert "no account for nobody@example.com" in result.stderr


def test_a_new_password_replaces_the_old_and_ends_the_sessions(database, session):
    user = make_user(session, "mia@example.com")
    token = start_session(session, user).token
    # Locked out after five wrong passwords: the new password opens the account again.
    user.failed_logins, user.locked_until = 5, utcnow() + timedelta(minutes=15)
    session.commit()

    result = tourscope(
        "set-password",
        "Mia@Example.com",
        "--password-stdin",
        stdin="a-brand-new-passphrase\n",
        env=database,
    )

    assert result.returncode == 0, result.stderr
    assert "New password set for mia@example.com" in result.stdout
    session.expire_all()
    assert session_user(session, token) is None
    assert authenticate(session, "mia@example.com", "a-brand-new-passphrase").id == user.id


def test_a_weak_new_password_is_refused_and_the_old_one_kept(database, session):
    make_user(session, "mia@example.com")
    session.commit()

    weak = tourscope(
        "set-password", "mia@example.com", "--password-stdin", stdin="password1\n", env=database
    )
    unknown = tourscope(
        "set-password",
        "nobody@example.com",
        "--password-stdin",
        stdin=GOOD_PASSWORD + "\n",
        env=database,
    )

    assert weak.returncode == 1 and len(weak.stderr.strip().splitlines()) == 1
    assert unknown.returncode == 1 and "no account for nobody@example.com" in unknown.stderr
    session.expire_all()
    assert authenticate(session, "mia@example.com", PASSWORD).email == "mia@example.com"


@pytest.mark.parametrize("role", ["cold_caller", "sales", "account_manager"])
def test_an_account_of_each_new_role_is_created(database, session, role):
    created = tourscope(
        "create",
        "cole@example.com",
        "--role",
        role,
        "--password-stdin",
        stdin=GOOD_PASSWORD + "\n",
        env=database,
    )
    assert created.returncode == 0, created.stderr
    assert f"Created {role} account cole@example.com." in created.stdout
    assert session.scalar(select(User.role)) == role


def test_set_role_changes_what_an_account_may_do(database, session):
    make_user(session, "mia@example.com", role="manager")
    session.commit()
    changed = tourscope("set-role", "mia@example.com", "account_manager", env=database)
    assert changed.returncode == 0, changed.stderr
    assert "mia@example.com is now account_manager." in changed.stdout
    session.expire_all()
    assert session.scalar(select(User.role)) == "account_manager"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["mia@example.com", "boss"], 2, "unknown role 'boss'; choose cold_caller, sales"),
        (["nobody@example.com", "sales"], 1, "no account for nobody@example.com"),
    ],
)
def test_set_role_refuses_in_one_line(database, session, args, code, message):
    make_user(session, "mia@example.com", role="manager")
    session.commit()
    result = tourscope("set-role", *args, env=database)
    assert result.returncode == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    session.expire_all()
    assert session.scalar(select(User.role)) == "manager"
