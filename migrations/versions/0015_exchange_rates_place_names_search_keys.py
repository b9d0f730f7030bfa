"""exchange rates, Russian place names, search keys

The exchange rates as fetched, with the day each is for (`exchange_rates`,
models/catalog/exchange_rates.py); the Russian names of countries, resorts and departure cities
beside their English ones (filled by the crawler from its gazetteer,
crawler/place_names.py); and the sound keys of hotels' and resorts' names that a search
in either script compares (models/catalog/search_keys.py), computed here for the rows there are.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-11 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base
from models.catalog.search_keys import search_key

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("rate_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("nominal", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("fetched_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_rates")),
        sa.UniqueConstraint(
            "source",
            "rate_date",
            "currency",
            name=op.f("uq_exchange_rates_source_rate_date_currency"),
        ),
    )
    for table in ("countries", "departure_cities"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("name_ru", sa.String(length=100), nullable=True))
    with op.batch_alter_table("resorts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_ru", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column(
                "search_key", sa.String(length=400), server_default=sa.text("''"), nullable=False
            )
        )
    with op.batch_alter_table("hotels", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "search_key", sa.String(length=600), server_default=sa.text("''"), nullable=False
            )
        )
    _fill_search_keys()


def _fill_search_keys() -> None:
    connection = op.get_bind()
    for table, limit in (("hotels", 600), ("resorts", 400)):
        rows = connection.execute(sa.text(f"SELECT id, name FROM {table}")).all()
        if rows:
            connection.execute(
                sa.text(f"UPDATE {table} SET search_key = :key WHERE id = :id"),
                [{"id": id_, "key": search_key(name)[:limit]} for id_, name in rows],
            )


def downgrade() -> None:
    with op.batch_alter_table("hotels", schema=None) as batch_op:
        batch_op.drop_column("search_key")
    with op.batch_alter_table("resorts", schema=None) as batch_op:
        batch_op.drop_column("search_key")
        batch_op.drop_column("name_ru")
    for table in ("departure_cities", "countries"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("name_ru")
    op.drop_table("exchange_rates")
