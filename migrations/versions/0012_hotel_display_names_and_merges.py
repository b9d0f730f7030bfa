"""hotel display names and merges

Hotels get a flag for a name an admin chose (the display name is otherwise recomputed
from the aliases), a pointer to the hotel they were merged into, and the record of each
merge so that a mistaken one can be undone.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("hotels", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_set_by_admin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_hotels_merged_into_id_hotels"), "hotels", ["merged_into_id"], ["id"]
        )
    op.create_table(
        "hotel_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("surviving_hotel_id", sa.Integer(), nullable=False),
        sa.Column("merged_hotel_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("alias_ids", sa.JSON(), nullable=False),
        sa.Column("offer_ids", sa.JSON(), nullable=False),
        sa.Column("trip_ids", sa.JSON(), nullable=False),
        sa.Column("merged_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("merged_by_id", sa.Integer(), nullable=True),
        sa.Column("undone_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["surviving_hotel_id"],
            ["hotels.id"],
            name=op.f("fk_hotel_merges_surviving_hotel_id_hotels"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_hotel_id"], ["hotels.id"], name=op.f("fk_hotel_merges_merged_hotel_id_hotels")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["hotel_match_reviews.id"],
            name=op.f("fk_hotel_merges_review_id_hotel_match_reviews"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_by_id"], ["users.id"], name=op.f("fk_hotel_merges_merged_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"], ["users.id"], name=op.f("fk_hotel_merges_undone_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotel_merges")),
    )
    with op.batch_alter_table("hotel_merges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hotel_merges_surviving_hotel_id"), ["surviving_hotel_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hotel_merges_merged_hotel_id"), ["merged_hotel_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("hotel_merges")
    with op.batch_alter_table("hotels", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_hotels_merged_into_id_hotels"), type_="foreignkey")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("name_set_by_admin")
