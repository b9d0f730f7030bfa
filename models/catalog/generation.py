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


# Where a session keeps the generation its transaction read: (transaction, generation).
_READ_IN_TRANSACTION = "catalogue_generation"


def current_generation(session: Session) -> int:
    """The catalogue's generation (0 before anything ever changed it), read once per
    transaction: a public request needs it for its validators and again for its rates,
    and a second round trip to the database would tell it nothing it may rely on (what
    is read after the first reading is at least that new either way)."""
    read = session.info.get(_READ_IN_TRANSACTION)
    transaction = session.get_transaction()
    if read is not None and transaction is not None and read[0] is transaction:
        return read[1]
    generation = session.execute(_GENERATION).scalar() or 0
    session.info[_READ_IN_TRANSACTION] = (session.get_transaction(), generation)
    return generation


def bump_generation(session: Session) -> None:
    """Move the generation on, in the caller's transaction (the caller commits).

    On PostgreSQL the row stays locked until the commit, so two changes landing at once
    take turns here: call it last, just before committing.
    """
    session.info.pop(_READ_IN_TRANSACTION, None)
    now = utcnow()
    moved = session.execute(
        update(CatalogueGeneration)
        .where(CatalogueGeneration.id == ROW_ID)
        .values(generation=CatalogueGeneration.generation + 1, changed_at=now)
    ).rowcount
    if not moved:  # a database emptied by hand (or by the tests) has lost its row
        session.execute(insert(CatalogueGeneration).values(id=ROW_ID, generation=1, changed_at=now))
