"""price alerts

Visitors' "tell me when this gets cheaper" subscriptions (models/alerts/records.py), and an
index of price changes by time: a digest run asks what changed since each alert's last
digest.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 23:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "price_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("search_query", sa.String(length=2000), nullable=False),
        sa.Column("hotel_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("confirmed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_digest_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["hotel_id"],
            ["hotels.id"],
            name=op.f("fk_price_alerts_hotel_id_hotels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_alerts")),
    )
    op.create_index(
        "ix_price_alerts_email_created", "price_alerts", ["email", "created_at"], unique=False
    )
    op.create_index(
        "ix_price_alerts_live",
        "price_alerts",
        ["confirmed_at", "unsubscribed_at", "expires_on"],
        unique=False,
    )
    op.create_index("ix_price_changes_changed_at", "price_changes", ["changed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_price_changes_changed_at", table_name="price_changes")
    op.drop_index("ix_price_alerts_live", table_name="price_alerts")
    op.drop_index("ix_price_alerts_email_created", table_name="price_alerts")
    op.drop_table("price_alerts")
