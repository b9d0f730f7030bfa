"""What the client-care tests share: the manager who books the trips and sends the
letters."""

import pytest

from tests.factories import make_user


@pytest.fixture
def manager(session):
    user = make_user(session, "mia@example.com", name="Mia Manager")
    session.commit()
    return user
