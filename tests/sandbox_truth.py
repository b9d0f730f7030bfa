"""The demo operators' own catalogues, rebuilt from the running sandbox's world: the truth
that crawls and the sandbox's own pages are compared with."""

from datetime import date

from sandbox.catalog import OperatorCatalog, OperatorProfile, SandboxOffer
from sandbox.world import World


def catalog(sandbox, profile: OperatorProfile, size: int = 300, **control) -> OperatorCatalog:
    """The operator's own catalogue, built from the sandbox's world: the truth a crawl is
    compared with. `control` is the catalogue's `epoch` and `flaw`."""
    world = sandbox.client.get("/_sandbox/world").json()
    anchor = date.fromisoformat(world["anchor"])
    return OperatorCatalog(World(seed=world["seed"], anchor=anchor), profile, size, **control)


def published(sandbox, profile: OperatorProfile, **control) -> dict[str, SandboxOffer]:
    """The offers the operator publishes, by key."""
    return {offer.key: offer for offer in catalog(sandbox, profile, **control).offers()}
