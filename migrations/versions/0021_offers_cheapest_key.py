"""offers' cheapest key, stored and carried by the search index

Issue 12: a typical search grouped its offers by hotel and took the minimum of each
offer's (price, id) key, computed from the numeric price for every offer it read: a third
of the search's time in the database. Each offer now stores its key (a generated column,
computed by the database whenever the price or the row changes) and the partial search
index carries it, so the grouping reads it from the index (models/catalog/price_keys.py).

On PostgreSQL adding the stored column rewrites the offers table and the search index is
built again (about half a minute at 5 million offers). SQLite can add a generated column
only as VIRTUAL (computed when read), and its search index carries no columns besides its
key: there the key is computed as before.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in this revision, not imported from the models.
PG_KEY = "CAST(LEAST(price_base, 40000000) * 100 AS BIGINT) * 2147483648 + id"
SQLITE_KEY = "CAST(round(min(price_base, 40000000) * 100) AS INTEGER) * 2147483648 + id"
ON_SALE_SQL = "is_active = true AND availability IN ('available', 'on_request')"
KEY_COLUMNS = ["country_id", "adults", "children", "departure_date", "nights"]
INCLUDED = [
    "price_base",
    "hotel_id",
    "operator_id",
    "departure_city_id",
    "resort_id",
    "stars",
    "meal",
    "id",
]


def _search_index(included: list[str]) -> None:
    op.drop_index("ix_offers_party_search", table_name="offers")
    op.create_index(
        "ix_offers_party_search",
        "offers",
        KEY_COLUMNS,
        unique=False,
        postgresql_include=included,
        postgresql_where=sa.text(ON_SALE_SQL),
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        key = sa.Computed(PG_KEY, persisted=True)
        op.add_column("offers", sa.Column("cheapest_key", sa.BigInteger(), key, nullable=False))
        _search_index([*INCLUDED, "cheapest_key"])
    else:
        key = sa.Computed(SQLITE_KEY, persisted=False)
        op.add_column("offers", sa.Column("cheapest_key", sa.BigInteger(), key, nullable=False))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _search_index(INCLUDED)
    op.drop_column("offers", "cheapest_key")
