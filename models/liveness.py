"""The database liveness probe behind `/healthz`."""

from sqlalchemy import select
from sqlalchemy.orm import Session


def ping_database(session: Session) -> None:
    """Run `SELECT 1`; raises the driver's error when the database cannot answer."""
    session.execute(select(1)).scalar_one()
