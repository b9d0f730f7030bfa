"""Helpers for crawl tests; the `crawl` fixture itself is in tests/conftest.py (the browser
tests use it too)."""

from sqlalchemy import select

from models import Offer
from tests.sandbox_truth import catalog, published

__all__ = ["catalog", "offers_by_key", "published"]


def offers_by_key(session) -> dict[str, Offer]:
    session.expire_all()
    return {offer.offer_key: offer for offer in session.scalars(select(Offer))}
