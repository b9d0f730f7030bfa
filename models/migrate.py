"""Bring a database to the latest schema with Alembic (used by the CLI and the tests)."""

from importlib import resources

from alembic import command
from alembic.config import Config

from models.db import get_engine


def alembic_config() -> Config:
    """Alembic's configuration without alembic.ini: the migrations are package data, so an
    installed Tourscope (a wheel, no source tree) migrates its database too. The root's
    alembic.ini is for running `alembic` itself from a checkout."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("migrations")))
    return config


def upgrade_database(url: str | None = None, revision: str = "head") -> None:
    """Run every pending migration on the database at `url` (the configured one by default)."""
    config = alembic_config()
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
