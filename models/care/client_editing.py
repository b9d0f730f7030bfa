"""Making and changing client records; callers own the transaction (these flush only).

A client's profile comes in as `ClientDetails`, checked before anything is stored:
details that do not validate change nothing (webapp/forms/client_form.py reads them from
the web form and words each bad field). Saving a profile replaces its children and
preferences as a whole, in the caller's transaction, so a record is never half old and
half new.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qsl

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.accounts.users import User
from models.agency_time import agency_today, validation_today
from models.care.clients import (
    BudgetBand,
    Client,
    ClientChild,
    ClientPreference,
    ContactChannel,
    PreferenceKind,
)
from models.contact import LOCAL_PHONE_DIGITS, is_email, is_phone
from models.leads.extras import extra_label
from models.leads.records import Lead
from tourscope.foundation.i18n import LOCALES, lazy_gettext, use_locale
from tourscope.foundation.settings import get_settings

MAX_CHILDREN = 12
MAX_VALUES_PER_KIND = 30
ADULT_AGE = 18

# What the form offers to tick for each kind; any other value may be typed. Countries
# and resorts are offered from the catalogue instead (models/care/client_queries.py).
SUGGESTIONS: dict[PreferenceKind, tuple[str, ...]] = {
    PreferenceKind.HOTEL_STYLE: (
        "family",
        "beach",
        "city",
        "spa",
        "adults only",
        "boutique",
        "quiet",
        "party",
    ),
    PreferenceKind.MEAL: (
        "room only",
        "bed & breakfast",
        "half board",
        "full board",
        "all inclusive",
        "ultra all inclusive",
    ),
    PreferenceKind.DIETARY: (
        "vegetarian",
        "vegan",
        "gluten free",
        "lactose free",
        "halal",
        "kosher",
        "diabetic",
        "nut allergy",
    ),
    PreferenceKind.HABIT: (
        "smoking",
        "early riser",
        "late riser",
        "quiet room",
        "step-free access",
    ),
    PreferenceKind.PET: (),  # typed as "dog: Rex"
    PreferenceKind.NEED: (
        "transfer",
        "car",
        "extra room",
        "excursions",
        "shopping",
        "visa support",
        "insurance",
        "children's items",
    ),
}

# Each kind's name: in English in the profile's refusals (and the web form's labels of
# them), in the reader's language on pages (PREFERENCE_LABELS, lazy: translated when shown).
PREFERENCE_NAMES = {
    PreferenceKind.COUNTRY: "Countries",
    PreferenceKind.RESORT: "Resorts",
    PreferenceKind.HOTEL_STYLE: "Hotel styles",
    PreferenceKind.MEAL: "Meals",
    PreferenceKind.DIETARY: "Dietary habits",
    PreferenceKind.HABIT: "Habits to plan around",
    PreferenceKind.PET: "Pets",
    PreferenceKind.NEED: "Needs",
}
PREFERENCE_LABELS = {
    PreferenceKind.COUNTRY: lazy_gettext("Countries"),
    PreferenceKind.RESORT: lazy_gettext("Resorts"),
    PreferenceKind.HOTEL_STYLE: lazy_gettext("Hotel styles"),
    PreferenceKind.MEAL: lazy_gettext("Meals"),
    PreferenceKind.DIETARY: lazy_gettext("Dietary habits"),
    PreferenceKind.HABIT: lazy_gettext("Habits to plan around"),
    PreferenceKind.PET: lazy_gettext("Pets"),
    PreferenceKind.NEED: lazy_gettext("Needs"),
}


class ClientError(ValueError):
    """A client change is refused; the message says why, in one sentence."""


def age_on(birth_date: date, day: date) -> int:
    """Full years of someone born on `birth_date`, on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class ChildEntry(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str | None = Field(None, max_length=100)
    birth_date: date

    @field_validator("name", mode="before")
    @classmethod
    def empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("birth_date")
    @classmethod
    def a_child_today(cls, value: date, info: ValidationInfo) -> date:
        today = validation_today(info)
        if value > today:
            raise ValueError(f"born on {value.isoformat()}, a date in the future")
        if age_on(value, today) >= ADULT_AGE:
            raise ValueError(f"born on {value.isoformat()}, {ADULT_AGE} or older: count as adult")
        return value


class PreferenceEntry(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    value: str = Field(min_length=1, max_length=100)
    detail: str | None = Field(None, max_length=100)


class ClientDetails(BaseModel):
    """A client's profile, checked before anything is stored."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    preferred_channel: ContactChannel | None = None
    contact_time: str | None = Field(None, max_length=100)
    adults: int = Field(2, ge=1, le=20)
    children: list[ChildEntry] = Field(default_factory=list, max_length=MAX_CHILDREN)
    budget_band: BudgetBand | None = None
    notes: str | None = Field(None, max_length=5000)
    preferences: dict[PreferenceKind, list[PreferenceEntry]] = Field(default_factory=dict)
    manager_id: int | None = None
    do_not_call: bool = False
    language: str = Field(default_factory=lambda: get_settings().default_locale)

    @field_validator(
        "email",
        "phone",
        "preferred_channel",
        "contact_time",
        "budget_band",
        "notes",
        "manager_id",
        mode="before",
    )
    @classmethod
    def empty_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("language", mode="before")
    @classmethod
    def known_language(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return get_settings().default_locale
        if value not in LOCALES:
            raise ValueError(
                "choose one of the languages we write in: " + ", ".join(LOCALES.values())
            )
        return value

    @field_validator("email")
    @classmethod
    def email_like(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not is_email(value):
            raise ValueError(f"'{value}' does not look like an e-mail address")
        return value.lower()

    @field_validator("phone")
    @classmethod
    def phone_like(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not is_phone(value, min_digits=LOCAL_PHONE_DIGITS):
            raise ValueError(f"'{value}' does not look like a phone number")
        return value

    @field_validator("preferences")
    @classmethod
    def distinct_values(
        cls, value: dict[PreferenceKind, list[PreferenceEntry]]
    ) -> dict[PreferenceKind, list[PreferenceEntry]]:
        """The same value twice in a kind is kept once (first spelling wins)."""
        distinct: dict[PreferenceKind, list[PreferenceEntry]] = {}
        for kind, entries in value.items():
            seen: set[tuple[str, str]] = set()
            kept = distinct.setdefault(kind, [])
            for entry in entries:
                key = (entry.value.casefold(), (entry.detail or "").casefold())
                if key not in seen:
                    seen.add(key)
                    kept.append(entry)
            if len(kept) > MAX_VALUES_PER_KIND:
                raise ValueError(f"{PREFERENCE_NAMES[kind]}: at most {MAX_VALUES_PER_KIND} values")
        return distinct


def preference_text(preference: ClientPreference) -> str:
    """A preference as the form shows it: "Turkey", "dog: Rex"."""
    if preference.detail:
        return f"{preference.value}: {preference.detail}"
    return preference.value


def _manager(session: Session, manager_id: int | None) -> User | None:
    if manager_id is None:
        return None
    manager = session.get(User, manager_id)
    if manager is None or not manager.active:
        raise ClientError("choose the client's manager from the list")
    return manager


def _email_free(session: Session, email: str | None, client_id: int | None) -> None:
    if email is None:
        return
    other = session.scalars(
        select(Client).where(func.lower(Client.email) == email, Client.id != (client_id or 0))
    ).first()
    if other is not None:
        raise ClientError(f"client #{other.id} ({other.name}) already has the e-mail {email}")


def _apply(client: Client, details: ClientDetails, manager: User | None) -> None:
    client.name = details.name
    client.email = details.email
    client.phone = details.phone
    channel = details.preferred_channel
    client.preferred_channel = channel.value if channel else None
    client.contact_time = details.contact_time
    client.adults = details.adults
    client.budget_band = details.budget_band.value if details.budget_band else None
    client.notes = details.notes
    client.manager = manager
    client.do_not_call = details.do_not_call
    client.language = details.language
    client.children = [
        ClientChild(name=child.name, birth_date=child.birth_date) for child in details.children
    ]
    client.preferences = [
        ClientPreference(kind=kind.value, value=entry.value, detail=entry.detail)
        for kind in PreferenceKind
        for entry in details.preferences.get(kind, [])
    ]


def create_client(session: Session, details: ClientDetails) -> Client:
    """A new client from validated details; refused (ClientError) when another client has
    the e-mail or the manager is not an active account."""
    manager = _manager(session, details.manager_id)
    _email_free(session, details.email, None)
    client = Client()
    _apply(client, details, manager)
    session.add(client)
    session.flush()
    return client


def update_client(session: Session, client: Client, details: ClientDetails) -> Client:
    """The client's profile replaced by `details`, children and preferences included."""
    manager = _manager(session, details.manager_id)
    _email_free(session, details.email, client.id)
    _apply(client, details, manager)
    session.flush()
    return client


def _lead_adults(lead: Lead) -> int:
    adults = (lead.snapshot or {}).get("adults")
    if not isinstance(adults, int):  # a search's lead: its party is in its search
        searched = dict(parse_qsl(lead.search_query or "")).get("adults", "")
        adults = int(searched) if searched.isdigit() else None
    return adults if isinstance(adults, int) and 1 <= adults <= 20 else 2


def _lead_children_ages(lead: Lead) -> list[int]:
    """The children's ages the visitor searched with (infants included), in order."""
    ages = [
        int(value)
        for name, value in parse_qsl(lead.search_query or "")
        if name == "children_ages" and value.isdigit()
    ]
    return [age for age in ages if age <= 17][:MAX_CHILDREN]


def _birth_date_for_age(age: int, today: date) -> date:
    """A birth date that makes a child `age` now and for about the next six months: the
    lead gives ages, the record keeps birth dates (a manager corrects them on the call)."""
    year = today.year - age - (1 if today.month <= 6 else 0)
    return date(year, (today.month + 5) % 12 + 1, 1)


def client_for_lead(session: Session, lead: Lead, actor: User | None = None) -> Client:
    """The lead's client: the one already linked, else the one with the lead's e-mail,
    else a new record from what the visitor typed and the offer they asked about.

    A new client belongs to the lead's manager (or `actor`), and starts with the lead's
    country and resort as wishes, so the contact centre does not type them again.
    """
    if lead.client is not None:
        return lead.client
    email = (lead.email or "").strip().lower() or None
    client = None
    if email:
        client = session.scalars(
            select(Client).where(func.lower(Client.email) == email).order_by(Client.id).limit(1)
        ).first()
    if client is None:
        snapshot = lead.snapshot or {}
        client = Client(
            name=lead.name,
            # The language the visitor read the site in, when the lead knows it.
            language=lead.language if lead.language in LOCALES else get_settings().default_locale,
            email=email,
            phone=lead.phone,
            contact_time=lead.contact_time,
            adults=_lead_adults(lead),
            notes=lead.wishes,
            manager=lead.assigned_to or actor,
        )
        today = agency_today()
        for age in _lead_children_ages(lead):
            client.children.append(ClientChild(birth_date=_birth_date_for_age(age, today)))
        # The extras asked for on the lead form are the client's needs from now on, written
        # in the client's language as a manager would type them.
        with use_locale(client.language):
            needs = [extra_label(code) for code in dict.fromkeys(lead.extras or [])]
        for need in needs:
            client.preferences.append(
                ClientPreference(kind=PreferenceKind.NEED.value, value=need[:100])
            )
        for kind, key in ((PreferenceKind.COUNTRY, "country"), (PreferenceKind.RESORT, "resort")):
            if snapshot.get(key):
                client.preferences.append(
                    ClientPreference(kind=kind.value, value=str(snapshot[key])[:100])
                )
        session.add(client)
    lead.client = client
    session.flush()
    return client
