"""hotels' day prices keep their cheapest key only, not a separate minimum price

Issue 12: the search, the price calendar and the day prices' own refresh took the minimum
of the NUMERIC price beside the minimum of the BIGINT (price, offer) key, which already
carries the price exactly (models/catalog/price_keys.py). The NUMERIC minimum cost about
a third of a typical search's grouping in the database, and a quarter of a calendar's.
Every reader now takes the price from the key, so the day prices' `min_price` column
and its place in the search index go.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_INDEX = "ix_hotel_day_prices_party_search"
KEY_COLUMNS = ["country_id", "adults", "children", "departure_date"]
INCLUDED = ["hotel_id", "resort_id", "stars", "cheapest_key", "offer_count"]
# As in this revision: the packed key's upper part is the price in cents.
PRICE_FROM_KEY = "(cheapest_key / 2147483648) / 100.0"


def upgrade() -> None:
    with op.batch_alter_table("hotel_day_prices") as batch:
        batch.drop_index(SEARCH_INDEX)
        batch.drop_column("min_price")
        batch.create_index(SEARCH_INDEX, KEY_COLUMNS, postgresql_include=INCLUDED)


def downgrade() -> None:
    with op.batch_alter_table("hotel_day_prices") as batch:
        batch.drop_index(SEARCH_INDEX)
        batch.add_column(sa.Column("min_price", sa.Numeric(12, 2), nullable=True))
    op.execute(f"UPDATE hotel_day_prices SET min_price = {PRICE_FROM_KEY}")
    with op.batch_alter_table("hotel_day_prices") as batch:
        batch.alter_column("min_price", existing_type=sa.Numeric(12, 2), nullable=False)
        included = [*INCLUDED[:3], "min_price", *INCLUDED[3:]]  # where it stood
        batch.create_index(SEARCH_INDEX, KEY_COLUMNS, postgresql_include=included)
