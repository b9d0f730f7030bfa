"""The catalogue's generation: a counter that moves whenever what visitors see may change.

A crawl that lands, an admin's change to hotels (merge, undo, split, rename): each moves
the counter in the same transaction as its change. Whatever is derived from the
catalogue and kept beyond one request (the web app's reference lists, the HTTP
validators of public pages and API answers) is keyed by it, so it is computed once per
generation and never outlives the data it was computed from. A failed crawl changes
nothing, so it leaves the generation alone too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, insert, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, UTCDateTime, utcnow

# The counter's one row.
ROW_ID = 1


class CatalogueGeneration(Base):
    """One row: the generation of the catalogue and when it last moved."""

    __tablename__ = "catalogue_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Read on every public request (validators, cached lists, rates): a prepared text
# statement, without the ORM's per-call work.
_GENERATION = text(f"SELECT generation FROM catalogue_generation WHERE id = {ROW_ID}")


def current_generation(session: Session) -> int:
    """The catalogue's generation now (0 before anything ever changed it)."""
    return session.execute(_GENERATION).scalar() or 0


def bump_generation(session: Session) -> None:
    """Move the generation on, in the caller's transaction (the caller commits).

    On PostgreSQL the row stays locked until the commit, so two changes landing at once
    take turns here: call it last, just before committing.
    """
    now = utcnow()
    moved = session.execute(
        update(CatalogueGeneration)
        .where(CatalogueGeneration.id == ROW_ID)
        .values(generation=CatalogueGeneration.generation + 1, changed_at=now)
    ).rowcount
    if not moved:  # a database emptied by hand (or by the tests) has lost its row
        session.execute(insert(CatalogueGeneration).values(id=ROW_ID, generation=1, changed_at=now))
