"""The catalogue's generation: what public caches and validators are keyed by."""

from sqlalchemy.orm import Session

from models.catalog.generation import bump_generation, current_generation
from models.db import get_engine


def test_a_landing_elsewhere_shows_from_the_readers_next_transaction(session, db_url):
    before = current_generation(session)
    with Session(get_engine(db_url)) as crawl:
        bump_generation(crawl)
        crawl.commit()

    # Read once per transaction: the request that read it keeps the value it began with.
    assert current_generation(session) == before
    session.rollback()
    assert current_generation(session) == before + 1


def test_a_change_in_the_readers_own_transaction_shows_at_once(session):
    before = current_generation(session)
    bump_generation(session)
    assert current_generation(session) == before + 1
    session.commit()
    assert current_generation(session) == before + 1
