"""morning digest

Each manager's morning e-mail (models/care/morning_digest.py): whether they want it (on by
default: it is how the letters due reach them) and the agency day it was last sent, so
that one digest goes out a day however many care loops run.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 23:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("morning_digest", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("digest_sent_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("digest_sent_on")
        batch_op.drop_column("morning_digest")
