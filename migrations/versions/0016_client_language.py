"""client language

Each client's preferred language (the letters are drafted in it; no CHECK, so adding a
language to tourscope/foundation/i18n.py needs no migration: the forms accept only known ones), the
language a lead was sent in, and letter templates per language: an admin's edits so far
were written in English, so they become "en".

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 23:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=2), server_default="ru", nullable=False)
        )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))
    with op.batch_alter_table("letter_templates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=2), server_default="en", nullable=False)
        )
        batch_op.drop_constraint("uq_letter_templates_key", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_letter_templates_key_language"), ["key", "language"]
        )
    # New edits name their language; the default above is only for the rows that exist.
    with op.batch_alter_table("letter_templates", schema=None) as batch_op:
        batch_op.alter_column("language", server_default=None)


def downgrade() -> None:
    # One template per key again: the English edits are kept, the others dropped.
    op.execute("DELETE FROM letter_templates WHERE language <> 'en'")
    with op.batch_alter_table("letter_templates", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_letter_templates_key_language"), type_="unique")
        batch_op.create_unique_constraint("uq_letter_templates_key", ["key"])
        batch_op.drop_column("language")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("language")
