"""back-office roles, and leads handed on from calls

Issue 15: besides "manager" and "admin" there are cold callers, sales and account
managers. `users.role` widens to 20 characters (`account_manager` has 15; the old column
had 10) and its CHECK lists the new codes; a warm call becomes a lead of source "call",
so the leads' source CHECK lists it. Existing rows keep their role and source.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The codes as they are in this revision, not imported from the models: a later change
# to the models must not change what this step did.
OLD_ROLES = ("manager", "admin")
NEW_ROLES = ("cold_caller", "sales", "account_manager", "manager", "admin")
OLD_SOURCES = ("hotel", "search")
NEW_SOURCES = ("hotel", "search", "call")


def _in(column: str, codes: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(code) for code in codes)})"


def _roles(codes: Sequence[str], length: int, old_length: int) -> None:
    # batch_alter_table: SQLite cannot alter a column or a constraint in place, so the
    # table is copied; PostgreSQL alters it directly.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role_code"), type_="check")
        batch_op.alter_column(
            "role",
            existing_type=sa.String(length=old_length),
            type_=sa.String(length=length),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(op.f("ck_users_role_code"), _in("role", codes))


def _sources(codes: Sequence[str]) -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_leads_source_code"), type_="check")
        batch_op.create_check_constraint(op.f("ck_leads_source_code"), _in("source", codes))


def upgrade() -> None:
    _roles(NEW_ROLES, 20, 10)
    _sources(NEW_SOURCES)


def downgrade() -> None:
    # Refused, not silently lost, when an account or lead uses what is being removed.
    bind = op.get_bind()
    new_roles = sa.text(f"SELECT count(*) FROM users WHERE NOT ({_in('role', OLD_ROLES)})")
    if bind.scalar(new_roles):
        raise RuntimeError("accounts have the new roles; give them manager or admin first")
    _sources(OLD_SOURCES)
    _roles(OLD_ROLES, 10, 20)
