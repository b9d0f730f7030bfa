"""The back office's view of clients: the filtered list, one profile, its whole history.

Every preference filter is an EXISTS probe on `client_preferences` by kind and value,
compared case-insensitively, so it means the same on SQLite and PostgreSQL and a client
with two matching rows is still listed once. A client's history is data, one entry per
event; the back office words it (webapp/client_history.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import ColumnElement, String, func, or_, select
from sqlalchemy.orm import Session, selectinload

from models.accounts.users import User
from models.care.client_editing import SUGGESTIONS, age_on, preference_text
from models.care.clients import (
    BudgetBand,
    Client,
    ClientChild,
    ClientContact,
    ClientPreference,
    ContactChannel,
    PreferenceKind,
)
from models.care.trips import LetterStatus, Trip, TripLetter
from models.catalog.reference_lists import list_resorts
from models.catalog.search import list_countries
from models.leads.records import Lead, LeadSource
from models.paging import fetch_page

CLIENTS_PAGE_SIZE = 25

# The filter parameter of each preference kind, as the list's URL names it.
PREFERENCE_FILTERS = {
    "country": PreferenceKind.COUNTRY,
    "resort": PreferenceKind.RESORT,
    "hotel_style": PreferenceKind.HOTEL_STYLE,
    "meal": PreferenceKind.MEAL,
    "dietary": PreferenceKind.DIETARY,
    "habit": PreferenceKind.HABIT,
    "pet": PreferenceKind.PET,
    "need": PreferenceKind.NEED,
}


class ClientFilters(BaseModel):
    """The clients list's filters, as the filter form sends them (empty means any)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    q: str | None = Field(None, max_length=100)  # name, e-mail or phone
    country: str | None = Field(None, max_length=100)
    resort: str | None = Field(None, max_length=100)
    hotel_style: str | None = Field(None, max_length=100)
    meal: str | None = Field(None, max_length=100)
    dietary: str | None = Field(None, max_length=100)
    habit: str | None = Field(None, max_length=100)
    pet: str | None = Field(None, max_length=100)  # the animal or its name
    need: str | None = Field(None, max_length=100)
    budget: BudgetBand | None = None
    channel: ContactChannel | None = None
    children: Literal["yes", "no"] | None = None
    # "mine", "all", "unassigned" or a user's id; empty is everyone's.
    manager: Literal["mine", "all", "unassigned"] | int | None = None
    page: int = Field(1, ge=1, le=10_000)

    @field_validator("*", mode="before")
    @classmethod
    def empty_is_any(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("page", mode="before")
    @classmethod
    def first_page_by_default(cls, value):
        return 1 if value is None else value

    def query_params(self) -> list[tuple[str, str]]:
        """The filters as a query string's pairs, without the page."""
        values = self.model_dump(exclude={"page"}, exclude_none=True, mode="json")
        return [(name, str(value)) for name, value in values.items()]


@dataclass(frozen=True)
class ClientRow:
    id: int
    name: str
    email: str | None
    phone: str | None
    adults: int
    children: int
    budget_band: str | None
    preferred_channel: str | None
    manager: str | None
    next_call_on: date | None
    do_not_call: bool
    wishes: list[str]  # countries and resorts, for a glance


@dataclass(frozen=True)
class ClientPage:
    rows: list[ClientRow]
    total: int
    page: int
    pages: int


def _has_preference(kind: PreferenceKind, value: str) -> ColumnElement[bool]:
    """Clients with a preference of `kind` that mentions `value`: "nut" finds "nut
    allergy", as a manager types it, not only the exact words stored."""
    wanted = value.lower()
    matches = func.lower(ClientPreference.value).contains(wanted, autoescape=True)
    if kind is PreferenceKind.PET:  # "dog" or "Rex"
        detail = func.lower(ClientPreference.detail).contains(wanted, autoescape=True)
        matches = or_(matches, detail)
    return (
        select(ClientPreference.id)
        .where(
            ClientPreference.client_id == Client.id,
            ClientPreference.kind == kind.value,
            matches,
        )
        .exists()
    )


def _conditions(filters: ClientFilters, me: User) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.q:
        text = filters.q.lower()
        # A missing e-mail or phone never matches (NULL LIKE is not true), so the columns
        # need no coalesce: plain lower(column) is what an expression index can serve.
        conditions.append(
            or_(
                *(
                    func.lower(column, type_=String).contains(text, autoescape=True)
                    for column in (Client.name, Client.email, Client.phone)
                )
            )
        )
    for name, kind in PREFERENCE_FILTERS.items():
        value = getattr(filters, name)
        if value:
            conditions.append(_has_preference(kind, value))
    if filters.budget:
        conditions.append(Client.budget_band == filters.budget.value)
    if filters.channel:
        conditions.append(Client.preferred_channel == filters.channel.value)
    if filters.children:
        has_children = select(ClientChild.id).where(ClientChild.client_id == Client.id).exists()
        conditions.append(has_children if filters.children == "yes" else ~has_children)
    if filters.manager == "mine":
        conditions.append(Client.manager_id == me.id)
    elif filters.manager == "unassigned":
        conditions.append(Client.manager_id.is_(None))
    elif isinstance(filters.manager, int):
        conditions.append(Client.manager_id == filters.manager)
    return conditions


def client_list(
    session: Session, filters: ClientFilters, me: User, page_size: int = CLIENTS_PAGE_SIZE
) -> ClientPage:
    """The clients matching every filter, by name."""
    query = select(Client).where(*_conditions(filters, me))
    clients, total, page, pages = fetch_page(
        session,
        query.order_by(func.lower(Client.name), Client.id),
        filters.page,
        page_size,
        selectinload(Client.manager),
        selectinload(Client.children),
        selectinload(Client.preferences),
    )
    rows = [_row(client) for client in clients]
    return ClientPage(rows=rows, total=total, page=page, pages=pages)


def _row(client: Client) -> ClientRow:
    wishes = [
        p.value
        for p in client.preferences
        if p.kind in (PreferenceKind.COUNTRY.value, PreferenceKind.RESORT.value)
    ]
    return ClientRow(
        id=client.id,
        name=client.name,
        email=client.email,
        phone=client.phone,
        adults=client.adults,
        children=len(client.children),
        budget_band=client.budget_band,
        preferred_channel=client.preferred_channel,
        manager=client.manager.display_name if client.manager else None,
        next_call_on=client.next_call_on,
        do_not_call=client.do_not_call,
        wishes=wishes,
    )


def client_profile(session: Session, client_id: int) -> Client | None:
    """The client with their manager, children, preferences and contacts loaded."""
    return session.scalar(
        select(Client)
        .where(Client.id == client_id)
        .options(
            selectinload(Client.manager),
            selectinload(Client.children),
            selectinload(Client.preferences),
            selectinload(Client.contacts).selectinload(ClientContact.manager),
            selectinload(Client.contacts).selectinload(ClientContact.handed_to),
        )
        .execution_options(populate_existing=True)
    )


def children_ages(client: Client, today: date) -> list[tuple[str | None, int]]:
    """Each child's name and age on `today`, eldest first."""
    return [(child.name, age_on(child.birth_date, today)) for child in client.children]


def preferences_by_kind(client: Client) -> dict[PreferenceKind, list[str]]:
    """The client's preferences as text, grouped by kind, in the kinds' order."""
    grouped: dict[PreferenceKind, list[str]] = {}
    for kind in PreferenceKind:
        values = [preference_text(p) for p in client.preferences if p.kind == kind]
        if values:
            grouped[kind] = values
    return grouped


def preference_suggestions(session: Session) -> dict[PreferenceKind, list[str]]:
    """What the profile form offers to tick: countries and resorts on sale in the
    catalogue, fixed lists for the other kinds."""
    offered: dict[PreferenceKind, list[str]] = {
        kind: list(values) for kind, values in SUGGESTIONS.items()
    }
    offered[PreferenceKind.COUNTRY] = [country.name for country in list_countries(session)]
    offered[PreferenceKind.RESORT] = sorted({resort.name for resort in list_resorts(session)})
    return offered


@dataclass(frozen=True)
class LeadInHistory:
    """A lead of the client's: the offer's hotel asked about (None after a search), and
    whether a warm call handed it on."""

    at: datetime
    lead_id: int
    status: str
    hotel: str | None
    from_call: bool
    manager: str | None


@dataclass(frozen=True)
class ContactInHistory:
    """A call or other contact with its outcome, and whom it handed the client to."""

    at: datetime
    contact_kind: str
    outcome: str
    handed_to: str | None
    note: str | None
    manager: str | None


@dataclass(frozen=True)
class TripInHistory:
    """A trip booked for the client: where (its destination, else its operator) and when."""

    at: datetime
    trip_id: int
    hotel_name: str
    status: str
    place: str
    departure_date: date
    return_date: date
    manager: str | None


@dataclass(frozen=True)
class LetterInHistory:
    """A pre-trip letter sent; `sent_by` None when it went out automatically."""

    at: datetime
    trip_id: int
    template_key: str
    subject: str | None
    sent_by: str | None


@dataclass(frozen=True)
class FeedbackInHistory:
    """The client's feedback on a trip."""

    at: datetime
    trip_id: int
    manager_rating: int
    trip_rating: int
    comment: str | None


HistoryEntry = (
    LeadInHistory | ContactInHistory | TripInHistory | LetterInHistory | FeedbackInHistory
)


def _name(user: User | None) -> str | None:
    return user.display_name if user else None


def client_history(session: Session, client: Client) -> list[HistoryEntry]:
    """Everything that happened with the client, newest first: their leads, calls and
    contacts with outcomes, trips, the pre-trip letters sent, and their feedback."""
    entries: list[HistoryEntry] = []
    leads = session.scalars(
        select(Lead).where(Lead.client_id == client.id).options(selectinload(Lead.assigned_to))
    )
    for lead in leads:
        entries.append(
            LeadInHistory(
                at=lead.created_at,
                lead_id=lead.id,
                status=lead.status,
                hotel=(lead.snapshot or {}).get("hotel"),
                from_call=lead.source == LeadSource.CALL,
                manager=_name(lead.assigned_to),
            )
        )
    contacts = session.scalars(
        select(ClientContact)
        .where(ClientContact.client_id == client.id)
        .options(selectinload(ClientContact.manager), selectinload(ClientContact.handed_to))
    )
    for contact in contacts:
        entries.append(
            ContactInHistory(
                at=contact.at,
                contact_kind=contact.kind,
                outcome=contact.outcome,
                handed_to=_name(contact.handed_to),
                note=contact.note,
                manager=_name(contact.manager),
            )
        )
    trips = session.scalars(
        select(Trip)
        .where(Trip.client_id == client.id)
        .options(
            selectinload(Trip.manager),
            selectinload(Trip.feedback),
            selectinload(Trip.letters).selectinload(TripLetter.sent_by),
        )
    ).all()
    for trip in trips:
        entries.append(
            TripInHistory(
                at=trip.created_at,
                trip_id=trip.id,
                hotel_name=trip.hotel_name,
                status=trip.status,
                place=trip.destination or trip.operator_name,
                departure_date=trip.departure_date,
                return_date=trip.return_date,
                manager=_name(trip.manager),
            )
        )
        for letter in trip.letters:
            if letter.status == LetterStatus.SENT.value and letter.sent_at is not None:
                entries.append(
                    LetterInHistory(
                        at=letter.sent_at,
                        trip_id=trip.id,
                        template_key=letter.template_key,
                        subject=letter.subject,
                        sent_by=_name(letter.sent_by),
                    )
                )
        if trip.feedback is not None:
            feedback = trip.feedback
            entries.append(
                FeedbackInHistory(
                    at=feedback.submitted_at,
                    trip_id=trip.id,
                    manager_rating=feedback.manager_rating,
                    trip_rating=feedback.trip_rating,
                    comment=feedback.comment,
                )
            )
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
