"""Helpers for crawl tests; the `crawl` fixture itself is in tests/conftest.py (the browser
tests use it too)."""

from datetime import date

from sqlalchemy import select

from models import Offer
from sandbox.catalog import OperatorCatalog, OperatorProfile, SandboxOffer
from sandbox.world import World


def offers_by_key(session) -> dict[str, Offer]:
    session.expire_all()
    return {offer.offer_key: offer for offer in session.scalars(select(Offer))}


def catalog(sandbox, profile: OperatorProfile, size: int = 300, **control) -> OperatorCatalog:
    """The operator's own catalogue, built from the sandbox's world: the truth a crawl is
    compared with. `control` is the catalogue's `epoch` and `flaw`."""
    world = sandbox.client.get("/_sandbox/world").json()
    anchor = date.fromisoformat(world["anchor"])
    return OperatorCatalog(World(seed=world["seed"], anchor=anchor), profile, size, **control)


def published(sandbox, profile: OperatorProfile, **control) -> dict[str, SandboxOffer]:
    """The offers the operator publishes, by key."""
    return {offer.key: offer for offer in catalog(sandbox, profile, **control).offers()}
