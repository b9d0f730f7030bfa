"""partial covering index for the party search

The search and the price calendar read only offers on sale, for one party, in one
country, over a departure range: one partial index, covering on PostgreSQL, replaces the
old `ix_offers_search` (which led with is_active and could not narrow by country or party).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 19:41:33.543042
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelt as in models/catalog/offers.py (ON_SALE_SQL), which a migration must not import.
ON_SALE_SQL = "is_active = true AND availability IN ('available', 'on_request')"
ON_SALE_SQLITE = "is_active = 1 AND availability IN ('available', 'on_request')"


def upgrade() -> None:
    op.drop_index("ix_offers_search", table_name="offers")
    op.create_index(
        "ix_offers_party_search",
        "offers",
        ["country_id", "adults", "children", "departure_date", "nights"],
        unique=False,
        postgresql_include=[
            "price_base",
            "hotel_id",
            "operator_id",
            "departure_city_id",
            "resort_id",
            "stars",
            "meal",
            "id",
        ],
        postgresql_where=sa.text(ON_SALE_SQL),
        sqlite_where=sa.text(ON_SALE_SQLITE),
    )


def downgrade() -> None:
    op.drop_index("ix_offers_party_search", table_name="offers")
    op.create_index(
        "ix_offers_search",
        "offers",
        ["is_active", "departure_date", "hotel_id", "price_base"],
        unique=False,
    )
