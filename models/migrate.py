"""Bring a database to the latest schema with Alembic (used by the CLI and the tests)."""

from alembic import command
from alembic.config import Config

from models.db import get_engine
from tourscope.settings import PROJECT_ROOT


def alembic_config() -> Config:
    return Config(str(PROJECT_ROOT / "alembic.ini"))


def upgrade_database(url: str | None = None, revision: str = "head") -> None:
    """Run every pending migration on the database at `url` (the configured one by default)."""
    config = alembic_config()
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
