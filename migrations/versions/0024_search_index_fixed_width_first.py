"""the search index carries its fixed-width columns first

Issue 12: PostgreSQL reads an index entry's columns in order, and can jump straight to a
column only while every column before it has a fixed width. The search index carried
the NUMERIC price and the meal code (both of varying width) before the hotel, the
operator and the cheapest key that every search and price calendar reads, so each of the
7,000-11,000 entries of a typical search was walked column by column. With the
fixed-width columns first, the typical search's grouping ran about a tenth faster in
EXPLAIN ANALYZE at 5 million offers (2.09 against 2.29 ms, median of 15).

The index is built again (about 10 s at 5 million offers; the offers table is locked
for writes meanwhile). SQLite's version of the index carries no columns besides its key.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelt as in models/catalog/offers.py (ON_SALE_SQL), which a migration must not import.
ON_SALE_SQL = "is_active = true AND availability IN ('available', 'on_request')"
INDEX = "ix_offers_party_search"
KEY_COLUMNS = ["country_id", "adults", "children", "departure_date", "nights"]
FIXED_FIRST = [
    "cheapest_key",
    "hotel_id",
    "operator_id",
    "departure_city_id",
    "resort_id",
    "id",
    "stars",
    "price_base",
    "meal",
]
BEFORE = [
    "price_base",
    "hotel_id",
    "operator_id",
    "departure_city_id",
    "resort_id",
    "stars",
    "meal",
    "id",
    "cheapest_key",
]


def _search_index(included: list[str]) -> None:
    op.drop_index(INDEX, table_name="offers")
    op.create_index(
        INDEX,
        "offers",
        KEY_COLUMNS,
        postgresql_include=included,
        postgresql_where=sa.text(ON_SALE_SQL),
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _search_index(FIXED_FIRST)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _search_index(BEFORE)
