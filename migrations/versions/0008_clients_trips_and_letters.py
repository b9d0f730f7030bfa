"""clients trips and letters

Client care: client records with children, preferences and contacts (calls); trips
bought, with their pre-trip letters; admins' letter template edits; trip feedback.
Leads gain the client they became, users a personal daily call plan.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 21:34:03.122181
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("preferred_channel", sa.String(length=10), nullable=True),
        sa.Column("contact_time", sa.String(length=100), nullable=True),
        sa.Column("adults", sa.SmallInteger(), nullable=False),
        sa.Column("budget_band", sa.String(length=10), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("next_call_on", sa.Date(), nullable=True),
        sa.Column("do_not_call", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "budget_band IS NULL OR budget_band IN ('economy', 'standard', 'premium', 'luxury')",
            name=op.f("ck_clients_budget_code"),
        ),
        sa.CheckConstraint(
            "preferred_channel IS NULL OR preferred_channel IN ('phone', 'email', 'messenger')",
            name=op.f("ck_clients_channel_code"),
        ),
        sa.CheckConstraint("adults >= 1 AND adults <= 20", name=op.f("ck_clients_adults_range")),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["users.id"], name=op.f("fk_clients_manager_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
    )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clients_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_clients_manager_id"), ["manager_id"], unique=False)
        batch_op.create_index(
            "ix_clients_manager_next_call", ["manager_id", "next_call_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_clients_name"), ["name"], unique=False)

    op.create_table(
        "letter_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_letter_templates_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_templates")),
        sa.UniqueConstraint("key", name=op.f("uq_letter_templates_key")),
    )
    op.create_table(
        "client_children",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_children_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_children")),
    )
    with op.batch_alter_table("client_children", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_children_client_id"), ["client_id"], unique=False
        )

    op.create_table(
        "client_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("handed_to_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('call', 'email', 'meeting', 'message')",
            name=op.f("ck_client_contacts_kind_code"),
        ),
        sa.CheckConstraint(
            "outcome IN ('no_answer', 'not_interested', 'warm', 'booked', 'talked')",
            name=op.f("ck_client_contacts_outcome_code"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_contacts_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["handed_to_id"], ["users.id"], name=op.f("fk_client_contacts_handed_to_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["users.id"], name=op.f("fk_client_contacts_manager_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_contacts")),
    )
    with op.batch_alter_table("client_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_contacts_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index("ix_client_contacts_manager_at", ["manager_id", "at"], unique=False)

    op.create_table(
        "client_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "kind IN ('country', 'resort', 'hotel_style', 'meal', 'dietary', 'habit', 'pet', "
            "'need')",
            name=op.f("ck_client_preferences_kind_code"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_preferences_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_preferences")),
    )
    with op.batch_alter_table("client_preferences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_preferences_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index("ix_client_preferences_kind_value", ["kind", "value"], unique=False)

    op.create_table(
        "trips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("hotel_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("hotel_name", sa.String(length=200), nullable=False),
        sa.Column("operator_name", sa.String(length=200), nullable=False),
        sa.Column("destination", sa.String(length=200), nullable=True),
        sa.Column("departure_date", sa.Date(), nullable=False),
        sa.Column("return_date", sa.Date(), nullable=False),
        sa.Column("adults", sa.SmallInteger(), nullable=False),
        sa.Column("children", sa.SmallInteger(), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("extras", sa.JSON(), nullable=False),
        sa.Column("feedback_invited_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('booked', 'cancelled')", name=op.f("ck_trips_status_code")),
        sa.CheckConstraint("adults >= 1", name=op.f("ck_trips_adults_positive")),
        sa.CheckConstraint("price >= 0", name=op.f("ck_trips_price_not_negative")),
        sa.CheckConstraint(
            "return_date > departure_date", name=op.f("ck_trips_return_after_departure")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_trips_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["hotel_id"], ["hotels.id"], name=op.f("fk_trips_hotel_id_hotels"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_trips_lead_id_leads")),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["users.id"], name=op.f("fk_trips_manager_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_trips_operator_id_operators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trips")),
        sa.UniqueConstraint("lead_id", name=op.f("uq_trips_lead_id")),
    )
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trips_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trips_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_trips_manager_id"), ["manager_id"], unique=False)
        batch_op.create_index("ix_trips_return_date", ["return_date"], unique=False)

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trip_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("manager_rating", sa.SmallInteger(), nullable=False),
        sa.Column("trip_rating", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "manager_rating BETWEEN 1 AND 5", name=op.f("ck_feedback_manager_rating_range")
        ),
        sa.CheckConstraint(
            "trip_rating BETWEEN 1 AND 5", name=op.f("ck_feedback_trip_rating_range")
        ),
        sa.ForeignKeyConstraint(
            ["trip_id"], ["trips.id"], name=op.f("fk_feedback_trip_id_trips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("trip_id", name=op.f("uq_feedback_trip_id")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_submitted_at"), ["submitted_at"], unique=False
        )

    op.create_table(
        "trip_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trip_id", sa.Integer(), nullable=False),
        sa.Column("template_key", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("sent_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('planned', 'sent', 'skipped', 'cancelled')",
            name=op.f("ck_trip_letters_status_code"),
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_trip_letters_outbox_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_trip_letters_sent_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["trip_id"],
            ["trips.id"],
            name=op.f("fk_trip_letters_trip_id_trips"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trip_letters")),
        sa.UniqueConstraint(
            "trip_id", "template_key", name=op.f("uq_trip_letters_trip_id_template_key")
        ),
    )
    with op.batch_alter_table("trip_letters", schema=None) as batch_op:
        batch_op.create_index("ix_trip_letters_status_due", ["status", "due_on"], unique=False)

    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_leads_client_id"), ["client_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_leads_client_id_clients"),
            "clients",
            ["client_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("daily_call_plan", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("daily_call_plan")

    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_leads_client_id_clients"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_leads_client_id"))
        batch_op.drop_column("client_id")

    with op.batch_alter_table("trip_letters", schema=None) as batch_op:
        batch_op.drop_index("ix_trip_letters_status_due")

    op.drop_table("trip_letters")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_submitted_at"))

    op.drop_table("feedback")
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.drop_index("ix_trips_return_date")
        batch_op.drop_index(batch_op.f("ix_trips_manager_id"))
        batch_op.drop_index(batch_op.f("ix_trips_created_at"))
        batch_op.drop_index(batch_op.f("ix_trips_client_id"))

    op.drop_table("trips")
    with op.batch_alter_table("client_preferences", schema=None) as batch_op:
        batch_op.drop_index("ix_client_preferences_kind_value")
        batch_op.drop_index(batch_op.f("ix_client_preferences_client_id"))

    op.drop_table("client_preferences")
    with op.batch_alter_table("client_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_client_contacts_manager_at")
        batch_op.drop_index(batch_op.f("ix_client_contacts_client_id"))

    op.drop_table("client_contacts")
    with op.batch_alter_table("client_children", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_children_client_id"))

    op.drop_table("client_children")
    op.drop_table("letter_templates")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clients_name"))
        batch_op.drop_index("ix_clients_manager_next_call")
        batch_op.drop_index(batch_op.f("ix_clients_manager_id"))
        batch_op.drop_index(batch_op.f("ix_clients_email"))

    op.drop_table("clients")
