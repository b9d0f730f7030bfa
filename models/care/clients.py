"""Clients: the people the agency cares for, their party, preferences and contact history.

A client is created from a lead (or by hand) and owned by one manager. What the contact
centre learns is kept as rows, not as free text, so every preference can be searched
and filtered on both databases: `ClientPreference` holds one (kind, value[, detail]) per
row ("country", "Turkey"), ("pet", "dog", "Rex"); `ClientChild` one child with a birth
date, so the party's ages are right on any travel date. Every call or contact is a
`ClientContact` with its outcome: the call list, the daily plan and the KPIs count them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.accounts.users import User
from models.base import Base, UTCDateTime, utcnow
from tourscope.foundation.i18n import LOCALES
from tourscope.foundation.settings import get_settings


def codes_sql(enum: type[StrEnum]) -> str:
    """The enum's values as an SQL list, for a CHECK constraint."""
    return ", ".join(f"'{member.value}'" for member in enum)


class ContactChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    MESSENGER = "messenger"


class BudgetBand(StrEnum):
    ECONOMY = "economy"
    STANDARD = "standard"
    PREMIUM = "premium"
    LUXURY = "luxury"


class PreferenceKind(StrEnum):
    """What the contact centre asks about; each kind may hold several values."""

    COUNTRY = "country"  # countries they want to visit
    RESORT = "resort"  # resorts they want to visit
    HOTEL_STYLE = "hotel_style"  # family, beach, city, spa, adults only, boutique...
    MEAL = "meal"  # meal plan habit: AI, HB, BB...
    DIETARY = "dietary"  # vegetarian, gluten free, halal, diabetic...
    HABIT = "habit"  # smoking, early riser... anything to plan around
    PET = "pet"  # value: the animal, detail: its name
    NEED = "need"  # transfer, car, extra room, excursions, shopping...


class ContactKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    MESSAGE = "message"


class CallOutcome(StrEnum):
    """A contact's result; "warm" hands the client over to a sales manager."""

    NO_ANSWER = "no_answer"
    NOT_INTERESTED = "not_interested"
    WARM = "warm"
    BOOKED = "booked"
    TALKED = "talked"  # reached, nothing decided (a follow-up or a service call)


class Client(Base):
    """A client's record: contacts, party, preferences, owner and the next call."""

    __tablename__ = "clients"
    __table_args__ = (
        CheckConstraint(
            f"preferred_channel IS NULL OR preferred_channel IN ({codes_sql(ContactChannel)})",
            name="channel_code",
        ),
        CheckConstraint(
            f"budget_band IS NULL OR budget_band IN ({codes_sql(BudgetBand)})",
            name="budget_code",
        ),
        CheckConstraint("adults >= 1 AND adults <= 20", name="adults_range"),
        # A manager's call list: their clients by next call date.
        Index("ix_clients_manager_next_call", "manager_id", "next_call_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    name: Mapped[str] = mapped_column(String(100), index=True)
    # Stored lower-cased, so a second lead from the same address finds the client.
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    preferred_channel: Mapped[str | None] = mapped_column(String(10))
    contact_time: Mapped[str | None] = mapped_column(String(100))  # "weekdays after 18:00"
    adults: Mapped[int] = mapped_column(SmallInteger, default=2)
    budget_band: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str | None] = mapped_column(Text)
    # The language the client is written to (letters, the feedback invitation): a locale
    # of tourscope/foundation/i18n.py, checked by the forms (no CHECK: a new language needs no
    # migration). Russian unless said otherwise: the agency's clients are.
    language: Mapped[str] = mapped_column(String(2), default="ru", server_default="ru")

    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The call list: when to call next (None: not on the list), and never when asked not to.
    next_call_on: Mapped[date | None] = mapped_column(Date)
    do_not_call: Mapped[bool] = mapped_column(default=False)

    manager: Mapped[User | None] = relationship()
    children: Mapped[list[ClientChild]] = relationship(
        back_populates="client", order_by="ClientChild.birth_date", cascade="all, delete-orphan"
    )
    preferences: Mapped[list[ClientPreference]] = relationship(
        back_populates="client", order_by="ClientPreference.id", cascade="all, delete-orphan"
    )
    contacts: Mapped[list[ClientContact]] = relationship(
        back_populates="client", order_by="ClientContact.at", cascade="all, delete-orphan"
    )

    def preference_values(self, kind: str) -> list[str]:
        return [row.value for row in self.preferences if row.kind == kind]


class ClientChild(Base):
    __tablename__ = "client_children"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)

    client: Mapped[Client] = relationship(back_populates="children")


class ClientPreference(Base):
    """One preference: ("country", "Turkey"), ("dietary", "gluten free"), ("pet", "dog", "Rex")."""

    __tablename__ = "client_preferences"
    __table_args__ = (CheckConstraint(f"kind IN ({codes_sql(PreferenceKind)})", name="kind_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str | None] = mapped_column(String(200))

    client: Mapped[Client] = relationship(back_populates="preferences")


# Filtering clients by a preference looks rows up by kind and value in any case (make
# bench-care: the country filter at 200k clients, p95 564 -> 274 ms).
Index(
    "ix_client_preferences_kind_lower_value",
    ClientPreference.kind,
    func.lower(ClientPreference.value),
    ClientPreference.client_id,
)


class ClientContact(Base):
    """A call or other contact with a client, by a manager, with its outcome.

    `handed_to_id` is the sales manager a "warm" client was handed over to.
    """

    __tablename__ = "client_contacts"
    __table_args__ = (
        CheckConstraint(f"kind IN ({codes_sql(ContactKind)})", name="kind_code"),
        CheckConstraint(f"outcome IN ({codes_sql(CallOutcome)})", name="outcome_code"),
        # The day's progress and the KPIs count a manager's calls by time.
        Index("ix_client_contacts_manager_kind_at", "manager_id", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(10), default=ContactKind.CALL)
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    handed_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    client: Mapped[Client] = relationship(back_populates="contacts")
    manager: Mapped[User] = relationship(foreign_keys=[manager_id])
    handed_to: Mapped[User | None] = relationship(foreign_keys=[handed_to_id])


def client_locale(client: Client) -> str:
    """The language to write to the client in: theirs when the product speaks it (a record
    not yet stored has none), else the agency's default."""
    if client.language in LOCALES:
        return client.language
    return get_settings().default_locale
