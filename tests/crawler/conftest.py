"""Fixtures for real crawls: `tourscope crawl` in a subprocess against the sandbox."""

import pytest
from sqlalchemy import select

from models import Offer
from tests.crawler.cli import run_tourscope


@pytest.fixture
def crawl(db_url, sandbox, tmp_path):
    """Runs `tourscope crawl OPERATOR...` into the test database; returns the process result."""

    def run(*operators: str, env: dict[str, str] | None = None):
        environment = {
            "TOURSCOPE_DATABASE_URL": db_url,
            "TOURSCOPE_SANDBOX_URL": sandbox.url,
            "TOURSCOPE_VAR_DIR": str(tmp_path),
            **(env or {}),
        }
        return run_tourscope("crawl", *operators, env=environment)

    return run


def offers_by_key(session) -> dict[str, Offer]:
    session.expire_all()
    return {offer.offer_key: offer for offer in session.scalars(select(Offer))}
