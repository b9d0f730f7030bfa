"""client care indexes

What `make bench-care` showed the client-care pages need at agency scale: preference
filters compare lower(value), and calls are counted per manager, kind and time.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 23:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("client_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_client_contacts_manager_at")
        batch_op.create_index(
            "ix_client_contacts_manager_kind_at", ["manager_id", "kind", "at"], unique=False
        )
    with op.batch_alter_table("client_preferences", schema=None) as batch_op:
        batch_op.drop_index("ix_client_preferences_kind_value")
    op.create_index(
        "ix_client_preferences_kind_lower_value",
        "client_preferences",
        ["kind", sa.text("lower(value)"), "client_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_client_preferences_kind_lower_value", table_name="client_preferences")
    with op.batch_alter_table("client_preferences", schema=None) as batch_op:
        batch_op.create_index("ix_client_preferences_kind_value", ["kind", "value"], unique=False)
    with op.batch_alter_table("client_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_client_contacts_manager_kind_at")
        batch_op.create_index("ix_client_contacts_manager_at", ["manager_id", "at"], unique=False)
