"""price history without row-by-row foreign-key checks

Issue 12: a re-crawl that moves every price writes one history row per offer. Each row's
two foreign keys (to its offer and to its crawl run) were checked one row at a time:
4.4 s of the 7.1 s it took to write 500,000 changes, which held the re-crawl under its
earlier rate. The history is append-only and written only by a crawl's merge, inside its
transaction, from a join with the offers it compares (models/crawls/ingest.py), for the
run doing the merge; offers and crawl runs are never deleted (an offer no longer listed
is deactivated). So the checks could never fail and are dropped; the columns and their
indexes stay.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OFFER_KEY = "fk_price_changes_offer_id_offers"
RUN_KEY = "fk_price_changes_crawl_run_id_crawl_runs"


def upgrade() -> None:
    # SQLite cannot drop a constraint in place: the batch copies the table without it.
    with op.batch_alter_table("price_changes") as batch:
        batch.drop_constraint(OFFER_KEY, type_="foreignkey")
        batch.drop_constraint(RUN_KEY, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("price_changes") as batch:
        batch.create_foreign_key(OFFER_KEY, "offers", ["offer_id"], ["id"], ondelete="CASCADE")
        batch.create_foreign_key(RUN_KEY, "crawl_runs", ["crawl_run_id"], ["id"])
