"""The demo's back-office account: made once, on an empty database, with a usable password."""

from models.auth import authenticate
from tests.factories import make_user
from tourscope.demo_data import DEMO_ADMIN_EMAIL, create_demo_account


def test_an_empty_database_gets_an_admin_who_can_log_in(session):
    password = create_demo_account(session)
    session.commit()

    assert password and len(password) >= 12
    user = authenticate(session, DEMO_ADMIN_EMAIL, password)
    assert user.is_admin
    assert create_demo_account(session) is None  # a second demo run keeps the account


def test_no_demo_account_beside_real_accounts(session):
    make_user(session, "real@example.com")
    session.commit()

    assert create_demo_account(session) is None
