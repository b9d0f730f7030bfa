"""hotel day prices, the catalogue generation, re-check jobs

Each hotel's cheapest on-sale offer per departure day and party (`hotel_day_prices`),
filled here from the offers and kept in step by whatever changes offers from then on
(models/catalog/min_prices.py); the catalogue's generation, which caches and HTTP validators are
keyed by (models/catalog/generation.py); and the queue of lead re-checks that the
re-check worker takes off the web request (`recheck_jobs`).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rows of hotel_day_prices from the offers on sale: per operator, then per hotel, day
# and party. The cheapest offer is packed as (price in cents) * 2^31 + id, prices capped
# at 40 million (models/catalog/min_prices.py). Written out here, as the models may change later.
FILL_DAY_PRICES = """
INSERT INTO hotel_day_prices (hotel_id, country_id, resort_id, stars, adults, children,
    departure_date, min_price, cheapest_key, offer_count, operator_ids)
SELECT hotel_id, country_id, resort_id, stars, adults, children, departure_date,
       min(min_price), min(cheapest_key), sum(offer_count), {operator_list}
FROM (
    SELECT hotel_id, country_id, resort_id, stars, adults, children, departure_date,
           operator_id, min(price_base) AS min_price, min({cheapest_key}) AS cheapest_key,
           count(*) AS offer_count
    FROM offers
    WHERE is_active = {true} AND availability IN ('available', 'on_request')
    GROUP BY hotel_id, country_id, resort_id, stars, adults, children, departure_date,
             operator_id
) AS per_operator
GROUP BY hotel_id, country_id, resort_id, stars, adults, children, departure_date
"""
POSTGRESQL = {
    "operator_list": "string_agg(CAST(operator_id AS TEXT), ',')",
    "cheapest_key": "CAST(LEAST(price_base, 40000000) * 100 AS BIGINT) * 2147483648 + id",
    "true": "true",
}
SQLITE = {
    "operator_list": "group_concat(operator_id, ',')",
    "cheapest_key": "CAST(round(min(price_base, 40000000) * 100) AS INTEGER) * 2147483648 + id",
    "true": "1",
}


def upgrade() -> None:
    op.create_table(
        "catalogue_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_generation")),
    )
    op.create_table(
        "hotel_day_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hotel_id", sa.Integer(), nullable=False),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.Column("resort_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=True),
        sa.Column("adults", sa.SmallInteger(), nullable=False),
        sa.Column("children", sa.SmallInteger(), nullable=False),
        sa.Column("departure_date", sa.Date(), nullable=False),
        sa.Column("min_price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("cheapest_key", sa.BigInteger(), nullable=False),
        sa.Column("offer_count", sa.Integer(), nullable=False),
        sa.Column("operator_ids", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotel_day_prices")),
    )
    bind = op.get_bind()
    spelling = POSTGRESQL if bind.dialect.name == "postgresql" else SQLITE
    bind.execute(sa.text(FILL_DAY_PRICES.format(**spelling)))
    with op.batch_alter_table("hotel_day_prices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hotel_day_prices_hotel_party",
            ["hotel_id", "adults", "children", "departure_date"],
            unique=False,
        )
        batch_op.create_index(
            "ix_hotel_day_prices_party_search",
            ["country_id", "adults", "children", "departure_date"],
            unique=False,
            postgresql_include=[
                "hotel_id",
                "resort_id",
                "stars",
                "min_price",
                "cheapest_key",
                "offer_count",
            ],
        )
    bind.execute(
        sa.text(
            "INSERT INTO catalogue_generation (id, generation, changed_at) "
            "VALUES (1, 1, CURRENT_TIMESTAMP)"
        )
    )
    op.create_table(
        "recheck_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("next_attempt_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'done')", name=op.f("ck_recheck_jobs_status_code")
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_recheck_jobs_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recheck_jobs")),
    )
    with op.batch_alter_table("recheck_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recheck_jobs_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(
            "ix_recheck_jobs_status_next_attempt", ["status", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("recheck_jobs")
    op.drop_table("hotel_day_prices")
    op.drop_table("catalogue_generation")
