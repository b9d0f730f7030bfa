"""Pre-trip letters: their templates, the checklist from the client's needs, and sending.

A letter's template (subject and body, Jinja) exists in each language: the admin's edit
if there is one (`LetterTemplate`, per key and language), else the default file
tourscope/config/letters/<language>/<key>.txt (first line "Subject: ...", then the body). A
client's letter is drafted in the client's language (`Client.language`): the template of
that language, and the dates, money, plurals and checklist in it (tourscope/foundation/i18n.py's
`use_locale`). Admins write these templates, so they are rendered in a
sandbox, and every variable must exist (StrictUndefined): a template that names an
unknown variable is refused when saved, not discovered in a client's mail.

Sending writes the letter to the outbox (sent by `tourscope outbox`) in the transaction
that marks it sent: the mail exists exactly when the letter says it was sent, and a
compare-and-set on its status makes two clicks send it once. The manager may edit the
draft's subject and body before sending; the letter keeps the text that went out.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from email.utils import parseaddr
from pathlib import Path
from string import Formatter
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta
from jinja2.filters import do_center, do_format, do_indent
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from models.accounts.users import User
from models.agency_time import agency_today
from models.base import utcnow
from models.care.bounded_render import (
    OutputTooLong,
    RenderTimedOut,
    render_streamed,
    run_with_deadline,
)
from models.care.client_editing import age_on
from models.care.clients import Client, ClientChild, ClientPreference, PreferenceKind, client_locale
from models.care.letter_schedule import due_date, letter_label, parse_offset
from models.care.trips import LetterStatus, LetterTemplate, Trip, TripLetter, TripStatus
from models.catalog.offers import MealPlan
from models.leads.extras import extra_label
from models.leads.intake import party_text
from models.leads.records import OutboxMessage
from tourscope.foundation.formatting import format_day, format_money, format_number
from tourscope.foundation.i18n import LOCALES, N_, SOURCE_LOCALE, ngettext, use_locale
from tourscope.foundation.i18n import gettext as _
from tourscope.foundation.settings import CONFIG_DIR, get_settings

logger = logging.getLogger(__name__)

TEMPLATES_DIR = CONFIG_DIR / "letters"  # one folder per language
# The file used for an offset that has no default of its own (a key added in settings).
FALLBACK_KEY = "default"
MAX_SUBJECT_LENGTH = 300
MAX_BODY_LENGTH = 20_000  # of the template as typed, and of the letter it renders
# More people than this need a second room (a family room sleeps 2 adults + 2 children).
MAX_PARTY_IN_ONE_ROOM = 4

# The variables a template may use, as the template editor documents them (in the
# admin's language: N_ marks them for the catalog).
VARIABLES = {
    "client": N_(
        "name, first_name, email, adults, children (each: name, age at departure), "
        "preferences (by kind: country, resort, hotel_style, meal, dietary, habit, pet, need), "
        "pets (each: animal, name)"
    ),
    "trip": N_(
        "hotel, operator, destination, departure, return (dates as text), nights (a number), "
        'nights_text ("7 nights"), party ("2 adults + 1 child"), price (the number as text), '
        'currency, total (price with currency: "€2,400"), extras (as text)'
    ),
    "manager": N_("name, email"),
    "days_to_departure": N_("days from today to the departure date (a number)"),
    "days_to_departure_text": N_('the same in words: "14 days"'),
    "letter": N_('key ("2w") and label ("2-week letter")'),
    "checklist": N_("the items to prepare, built from the client's needs (a list of text)"),
}


class LetterError(ValueError):
    """The letter or template cannot be sent or saved so; the message says why."""


class LetterTextError(LetterError):
    """The subject or body the manager typed cannot be sent; they may correct it.
    `field` ("subject" or "body") names the one to correct."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class TemplateText:
    key: str
    language: str
    subject: str
    body: str
    edited: bool  # the admin's version (else the default file)


@dataclass(frozen=True, slots=True)
class LetterDraft:
    subject: str
    body: str
    checklist: list[str]


# --- templates ---------------------------------------------------------------------------

# The longest text or list a template may build by multiplying (`"-" * 40`), and the largest
# power: enough for a ruler line, never enough to exhaust the server's memory.
MAX_REPEAT = 1000
MAX_POWER_BITS = 256


class LetterEnvironment(SandboxedEnvironment):
    """The sandbox, also refusing the two operators that can build huge values."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if (
            operator == "**"
            and isinstance(left, int | float)
            and isinstance(right, int | float)
            and max(abs(int(left)).bit_length(), 1) * abs(right) > MAX_POWER_BITS
        ):
            raise SecurityError("numbers this large are not allowed")
        if operator == "*":
            sizes = [
                (len(value), count)
                for value, count in ((left, right), (right, left))
                if isinstance(value, str | list | tuple) and isinstance(count, int)
            ]
            if any(size * count > MAX_REPEAT for size, count in sizes):
                raise SecurityError(f"texts longer than {MAX_REPEAT} characters are not allowed")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        # "{:>100000000}".format(x): a field width pads in one C call, past any time limit.
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        def bounded(*args: Any, **kwargs: Any) -> str:
            _refuse_wide_fields(value.__self__)
            return wrapped(*args, **kwargs)

        return bounded


# A width or precision in a format: "%100000000s", "{:>100000000}".
_PERCENT_FIELD = re.compile(r"%[-+ #0]*(\d*)(?:\.(\d*))?")
_NUMBER = re.compile(r"\d+")


def _refuse_wide_fields(text: str) -> None:
    """SecurityError when a format in `text` pads or cuts a field wider than MAX_REPEAT."""
    numbers = [n for match in _PERCENT_FIELD.finditer(text) for n in match.groups() if n]
    try:
        specs = [spec for _l, _f, spec, _c in Formatter().parse(text) if spec]
    except ValueError:  # not a {}-format: str.format refuses it on its own
        specs = []
    numbers += [n for spec in specs for n in _NUMBER.findall(spec)]
    if any(int(number) > MAX_REPEAT for number in numbers):
        raise SecurityError(f"texts longer than {MAX_REPEAT} characters are not allowed")


def _bounded_width(width: Any) -> None:
    if isinstance(width, int) and width > MAX_REPEAT:
        raise SecurityError(f"texts longer than {MAX_REPEAT} characters are not allowed")


def _center(value: str, width: int = 80) -> str:
    _bounded_width(width)
    return do_center(value, width)


def _indent(value: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    _bounded_width(width)
    if isinstance(width, str):
        _bounded_width(len(width))
    return do_indent(value, width, first, blank)


def _format(value: str, *args: Any, **kwargs: Any) -> str:
    _refuse_wide_fields(value)
    return do_format(value, *args, **kwargs)


_environment = LetterEnvironment(
    undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
)
# The padding filters build their text in one call, which no time limit interrupts.
_environment.filters.update(center=_center, indent=_indent, format=_format)


def _default_file(key: str, language: str) -> Path:
    """The language's file of `key`, else its fallback file; a language without letter
    files yet (just added) borrows the source language's."""
    for folder in (TEMPLATES_DIR / language, TEMPLATES_DIR / SOURCE_LOCALE):
        for name in (key, FALLBACK_KEY):
            path = folder / f"{name}.txt"
            if path.is_file():
                return path
    raise FileNotFoundError(f"no letter file for {key!r} in {TEMPLATES_DIR}")


def default_template(key: str, language: str) -> TemplateText:
    """The default file of a key in a language: "Subject: ..." then the body."""
    text = _default_file(key, language).read_text(encoding="utf-8")
    first, _newline, body = text.partition("\n")
    subject = first.removeprefix("Subject:").strip()
    return TemplateText(key, language, subject, body.lstrip("\n"), edited=False)


def template_keys(session: Session) -> list[str]:
    """The keys an admin may edit: the configured offsets, then any other edited key."""
    keys = list(get_settings().reminder_offsets)
    edited = session.scalars(
        select(LetterTemplate.key).distinct().order_by(LetterTemplate.key)
    ).all()
    return keys + [key for key in edited if key not in keys]


def _edited_row(session: Session, key: str, language: str) -> LetterTemplate | None:
    return session.scalars(
        select(LetterTemplate).where(LetterTemplate.key == key, LetterTemplate.language == language)
    ).one_or_none()


def template_for(session: Session, key: str, language: str) -> TemplateText:
    """The template used for `key` in `language`: the admin's edit, else the default file."""
    row = _edited_row(session, key, language)
    if row is None:
        return default_template(key, language)
    return TemplateText(key, language, row.subject, row.body, edited=True)


def _parse(source: str, what: str):
    try:
        return _environment.parse(source)
    except TemplateSyntaxError as error:
        raise LetterError(
            f"the {what} has a template syntax error on line {error.lineno}: {error.message}"
        ) from None


# A letter renders in well under a second; a template still rendering after this long (a
# loop of loops) is refused, and so is one whose text passes MAX_BODY_LENGTH on the way.
RENDER_SECONDS = 2.0


def render_template(subject: str, body: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) rendered in the sandbox, in a worker thread with a time and a size
    limit (models/care/bounded_render.py); LetterError saying what failed."""

    def render_both() -> tuple[str, str]:
        return (
            render_streamed(_environment.from_string(subject), context, MAX_BODY_LENGTH),
            render_streamed(_environment.from_string(body), context, MAX_BODY_LENGTH),
        )

    try:
        rendered_subject, rendered_body = run_with_deadline(render_both, RENDER_SECONDS)
    except RenderTimedOut:
        raise LetterError(
            f"the template takes longer than {RENDER_SECONDS:g} seconds to render"
        ) from None
    except (OutputTooLong, MemoryError):
        raise LetterError(
            f"the letter comes out longer than {MAX_BODY_LENGTH} characters"
        ) from None
    except TemplateSyntaxError as error:
        raise LetterError(
            f"template syntax error on line {error.lineno}: {error.message}"
        ) from None
    except UndefinedError as error:
        raise LetterError(f"the template uses something that does not exist: {error}") from None
    except SecurityError as error:
        raise LetterError(f"the template tries something not allowed: {error}") from None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as error:
        raise LetterError(f"the template fails: {error}") from None
    rendered_subject = " ".join(rendered_subject.split())[:MAX_SUBJECT_LENGTH]
    if not rendered_subject:
        raise LetterError("the subject comes out empty")
    if len(rendered_body) > MAX_BODY_LENGTH:
        raise LetterError(f"the letter comes out longer than {MAX_BODY_LENGTH} characters")
    return rendered_subject, rendered_body.strip() + "\n"


def validate_template(subject: str, body: str, language: str) -> None:
    """LetterError with one readable sentence for a template that would fail: empty or too
    long, a syntax error, an unknown variable, or a failure on the sample client's data
    (written to in `language`)."""
    if not subject.strip():
        raise LetterError("the subject is empty")
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise LetterError(f"the subject must be at most {MAX_SUBJECT_LENGTH} characters")
    if not body.strip():
        raise LetterError("the body is empty")
    if len(body) > MAX_BODY_LENGTH:
        raise LetterError(f"the body must be at most {MAX_BODY_LENGTH} characters")
    allowed = set(VARIABLES) | set(_environment.globals)
    for source, what in ((subject, "subject"), (body, "body")):
        unknown = sorted(meta.find_undeclared_variables(_parse(source, what)) - allowed)
        if unknown:
            raise LetterError(f"unknown template variable {unknown[0]!r} in the {what}")
    render_template(subject, body, sample_context(language=language))


def save_template(
    session: Session, key: str, subject: str, body: str, actor: User, *, language: str
) -> LetterTemplate:
    """Store the admin's version of a template in one language, once it renders; the old
    one is kept when the new one is refused, and the other languages' are untouched."""
    if key not in template_keys(session):
        raise LetterError(f"there is no letter {key[:20]!r}")
    if language not in LOCALES:
        raise LetterError(f"there are no letters in {language[:10]!r}")
    validate_template(subject, body, language)
    row = _edited_row(session, key, language)
    if row is None:
        row = LetterTemplate(key=key, language=language)
        session.add(row)
    row.subject = subject.strip()
    row.body = body
    row.updated_at = utcnow()
    row.updated_by = actor
    session.flush()
    return row


def reset_template(session: Session, key: str, *, language: str) -> bool:
    """Back to the language's default file; False when that template was not edited."""
    row = _edited_row(session, key, language)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


# --- the checklist -----------------------------------------------------------------------


def day_text(day: date) -> str:
    """A date as a client reads it in a letter: "1 Jun 2030", "1 июня 2030"."""
    return format_day(day)


def _needs(client: Client, trip: Trip) -> set[str]:
    """What the client asked for ("need" preferences, as codes) and the extras booked."""
    asked = {value.strip().lower().replace(" ", "_") for value in client.preference_values("need")}
    return asked | set(trip.extras or [])


# Topics a letter a week or less before departure puts first: what the traveller needs at
# the door and at the airport.
NEAR_TOPICS = ("documents", "flights", "transfer")
NEAR_DAYS = 7


def checklist(client: Client, trip: Trip, key: str) -> list[str]:
    """The items to prepare for this trip, from the client's party, needs and preferences,
    in the client's language.

    Letters a week or less before departure put documents, tickets and transfer times
    first, and add the last-minute item; earlier ones keep the order of preparation.
    """
    with use_locale(client_locale(client)):
        return _checklist(client, trip, key)


def _checklist(client: Client, trip: Trip, key: str) -> list[str]:
    needs = _needs(client, trip)
    ages = [age_on(child.birth_date, trip.departure_date) for child in client.children]
    has_children = bool(ages) or trip.children > 0
    sections = {
        "documents": _documents(trip, needs, has_children),
        "flights": [
            _("Flights: check in online when it opens and save the boarding passes."),
            _("Luggage: check the allowance on your tickets before packing."),
        ],
        "transfer": _transfer(trip, needs),
        "rooms": _rooms(trip, needs),
        "excursions": [_("Excursions: tell us which you would like, we book them before you go.")]
        if "excursions" in needs
        else [],
        "shopping": [
            _("Shopping: leave room in your luggage and keep the receipts for tax-free refunds.")
        ]
        if "shopping" in needs
        else [],
        "children": _children(ages, needs) if has_children else [],
        "preferences": _preferences(client, trip),
    }
    order = list(sections)
    if _is_near(key):
        order = [*NEAR_TOPICS, *(topic for topic in order if topic not in NEAR_TOPICS)]
        sections["documents"].append(
            _(
                "Print or save the tickets, the hotel voucher and the insurance; keep our "
                "phone number at hand."
            )
        )
    return [item for topic in order for item in sections[topic]]


def _documents(trip: Trip, needs: set[str], has_children: bool) -> list[str]:
    items = [
        _(
            "Passports for everyone travelling, valid at least 6 months after your return on "
            "%(day)s."
        )
        % {"day": day_text(trip.return_date)}
    ]
    if "visa_support" in needs:
        items.append(_("Visas: send us scans of the passports, we apply for you."))
    elif trip.destination:
        items.append(
            _("Visas: check whether %(destination)s needs one for your passports.")
            % {"destination": trip.destination}
        )
    else:
        items.append(_("Visas: check whether your destination needs one for your passports."))
    if has_children:
        items.append(
            _(
                "Birth certificates for the children, and a notarised consent to travel from "
                "a parent who is not travelling."
            )
        )
    if "insurance" in needs:
        items.append(_("Your travel insurance policy: keep it with the passports."))
    return items


def _transfer(trip: Trip, needs: set[str]) -> list[str]:
    items = []
    if "transfer" in needs:
        items.append(
            _("Transfer to %(hotel)s: we confirm the pick-up time a day before departure.")
            % {"hotel": trip.hotel_name}
        )
    if "car" in needs:
        items.append(
            _(
                "Car hire: bring the driver's licence (an international one if needed) and a "
                "credit card in the driver's name."
            )
        )
    if not items:
        items.append(
            _("No transfer is booked: shall we arrange one from the airport to %(hotel)s?")
            % {"hotel": trip.hotel_name}
        )
    return items


def _rooms(trip: Trip, needs: set[str]) -> list[str]:
    party = trip.adults + trip.children
    if "extra_room" in needs or party > MAX_PARTY_IN_ONE_ROOM:
        return [
            ngettext(
                "Rooms: a party of %(num)d needs an extra or connecting room; we confirm it "
                "with the hotel.",
                "Rooms: a party of %(num)d needs an extra or connecting room; we confirm it "
                "with the hotel.",
                party,
            )
            % {"num": party}
        ]
    return []


def _children(ages: list[int], needs: set[str]) -> list[str]:
    items = []
    if any(age < 3 for age in ages):
        items.append(_("A cot in the room for the youngest: we ask the hotel."))
    if any(age < 12 for age in ages) and needs & {"transfer", "car"}:
        items.append(_("Child car seats for the transfer or the car."))
    items.append(_("Children's medicines, sun cream and a first-aid kit in the hand luggage."))
    return items


def _preferences(client: Client, trip: Trip) -> list[str]:
    """Dietary requests, habits, pets and meal habits: each one thing to plan around."""
    items = []
    for row in client.preferences:
        value = row.value.strip()
        if row.kind == PreferenceKind.DIETARY:
            items.append(
                _("%(diet)s diet: we tell the hotel before you arrive.")
                % {"diet": value.capitalize()}
            )
        elif row.kind == PreferenceKind.HABIT:
            items.append(_habit(value))
        elif row.kind == PreferenceKind.PET:
            items.append(_pet_care(value, row.detail))
    meals = client.preference_values(PreferenceKind.MEAL)
    sold_code = (trip.lead.snapshot or {}).get("meal") if trip.lead else None
    # The client's habit may be written as a code ("AI") or in words ("all inclusive").
    sold_meal = MealPlan.from_text(sold_code) if sold_code else None
    if meals and sold_meal and sold_meal not in {MealPlan.from_text(meal) for meal in meals}:
        items.append(
            _(
                "You usually prefer %(meals)s; this tour is %(board)s. Shall we ask about a "
                "change of board?"
            )
            % {"meals": ", ".join(meals), "board": _(sold_meal.label).lower()}
        )
    elif meals and not sold_meal:
        items.append(
            _("Meals: you usually prefer %(meals)s; tell us if the board should change.")
            % {"meals": ", ".join(meals)}
        )
    return items


def _pet_care(animal: str, name: str | None) -> str:
    if name:
        return _("Arrange care for %(name)s, your %(animal)s, while you are away.") % {
            "name": name,
            "animal": animal,
        }
    return _("Arrange care for your %(animal)s while you are away.") % {"animal": animal}


def _habit(value: str) -> str:
    """A habit as an item; smoking (typed in English or Russian) is asked of the hotel."""
    habit = value.lower()
    smoking = "smok" in habit or "кур" in habit
    if smoking and ("non" in habit or "no " in habit or "не" in habit):
        return _("A non-smoking room: we ask the hotel.")
    if smoking:
        return _(
            "A smoking room (or one with a balcony where smoking is allowed): we ask the hotel."
        )
    return _("%(habit)s: we let the hotel know.") % {"habit": value.capitalize()}


def _is_near(key: str) -> bool:
    try:
        offset = parse_offset(key)
    except ValueError:
        return False
    return offset.amount * {"d": 1, "w": 7, "m": 30}[offset.unit] <= NEAR_DAYS


# --- the context -------------------------------------------------------------------------


def _nights_text(nights: int) -> str:
    return ngettext("%(num)d night", "%(num)d nights", nights) % {"num": nights}


def _days_text(days: int) -> str:
    return ngettext("%(num)d day", "%(num)d days", days) % {"num": days}


def letter_context(client: Client, trip: Trip, key: str, today: date) -> dict[str, Any]:
    """The variables of a letter's template (see VARIABLES), in the client's language:
    plain values only, so the sandboxed template reaches nothing but what is written here."""
    with use_locale(client_locale(client)):
        return _letter_context(client, trip, key, today)


def _letter_context(client: Client, trip: Trip, key: str, today: date) -> dict[str, Any]:
    preferences: dict[str, list[str]] = {kind.value: [] for kind in PreferenceKind}
    for row in client.preferences:
        preferences.setdefault(row.kind, []).append(row.value)
    manager = trip.manager
    sender_name, sender_email = parseaddr(get_settings().mail_from)
    nights = (trip.return_date - trip.departure_date).days
    days_left = (trip.departure_date - today).days
    price = Decimal(trip.price)
    return {
        "client": {
            "name": client.name,
            "first_name": client.name.split()[0] if client.name.split() else client.name,
            "email": client.email or "",
            "adults": trip.adults,
            "children": [
                {"name": child.name or "", "age": age_on(child.birth_date, trip.departure_date)}
                for child in client.children
            ],
            "preferences": preferences,
            "pets": [
                {"animal": row.value, "name": row.detail or ""}
                for row in client.preferences
                if row.kind == PreferenceKind.PET
            ],
        },
        "trip": {
            "hotel": trip.hotel_name,
            "operator": trip.operator_name,
            "destination": trip.destination or "",
            "departure": day_text(trip.departure_date),
            "return": day_text(trip.return_date),
            "nights": nights,
            "nights_text": _nights_text(nights),
            "party": party_text(trip.adults, trip.children),
            "price": format_number(price if price % 1 else int(price)),
            "currency": trip.currency,
            "total": format_money(price, trip.currency),
            "extras": [extra_label(code) for code in trip.extras or []],
        },
        "manager": {
            "name": manager.display_name if manager else sender_name or "Tourscope",
            "email": manager.email if manager else sender_email,
        },
        "days_to_departure": days_left,
        "days_to_departure_text": _days_text(days_left),
        "letter": {"key": key, "label": letter_label(key)},
        "checklist": _checklist(client, trip, key),
    }


# The made-up family of the editor's preview, named as a client of that language would be.
SAMPLE_PEOPLE = {
    "ru": {"client": "Ольга Образцова", "child": "Маша", "pet": ("собака", "Рекс")},
    "en": {"client": "Olga Sample", "child": "Masha", "pet": ("dog", "Rex")},
}


def sample_context(key: str = "2w", *, language: str) -> dict[str, Any]:
    """A context from a made-up family (a child, a diet, a dog, a smoker, a transfer) in
    `language`, for the template editor's preview and for checking a template before it
    is saved."""
    departure = date(2030, 6, 1)
    try:
        today = due_date(departure, key)
    except ValueError:
        today = departure - timedelta(days=14)
    people = SAMPLE_PEOPLE.get(language, SAMPLE_PEOPLE[SOURCE_LOCALE])
    client = Client(name=people["client"], email="olga@example.org", adults=2, language=language)
    client.children = [ClientChild(name=people["child"], birth_date=date(2024, 3, 1))]
    animal, pet_name = people["pet"]
    client.preferences = [
        ClientPreference(kind="dietary", value="gluten free"),
        ClientPreference(kind="pet", value=animal, detail=pet_name),
        ClientPreference(kind="habit", value="smoking"),
        ClientPreference(kind="need", value="transfer"),
        ClientPreference(kind="meal", value="AI"),
        ClientPreference(kind="country", value="Turkey"),
    ]
    trip = Trip(
        hotel_name="Antalya Palace",
        operator_name="SunCoast Tours",
        destination="Antalya, Turkey",
        departure_date=departure,
        return_date=date(2030, 6, 8),
        adults=2,
        children=1,
        price=Decimal("2400.00"),
        currency="EUR",
        extras=["insurance"],
    )
    trip.manager = User(email="mia@agency.example", name="Mia Manager")
    return letter_context(client, trip, key, today)


# --- drafts and sending ------------------------------------------------------------------


def find_letter(session: Session, letter_id: int) -> TripLetter | None:
    """A letter with its trip, client (party, preferences), manager and lead, for drafting."""
    return session.scalars(
        select(TripLetter)
        .where(TripLetter.id == letter_id)
        .options(
            selectinload(TripLetter.trip).selectinload(Trip.client).selectinload(Client.children),
            selectinload(TripLetter.trip)
            .selectinload(Trip.client)
            .selectinload(Client.preferences),
            selectinload(TripLetter.trip).selectinload(Trip.manager),
            selectinload(TripLetter.trip).selectinload(Trip.lead),
        )
    ).one_or_none()


def draft_letter(session: Session, letter: TripLetter, now: datetime) -> LetterDraft:
    """The letter as it would go out now, in its client's language (that language's
    template, dates, money and checklist); LetterError when its template fails."""
    trip = letter.trip
    context = letter_context(trip.client, trip, letter.template_key, agency_today(now))
    template = template_for(session, letter.template_key, client_locale(trip.client))
    subject, body = render_template(template.subject, template.body, context)
    return LetterDraft(subject, body, context["checklist"])


REFUSALS = {
    LetterStatus.SENT: "this letter was already sent",
    LetterStatus.SKIPPED: "this letter was skipped: its date had passed when the trip was booked",
    LetterStatus.CANCELLED: "this letter was cancelled with its trip",
}


def edited_subject(text: str) -> str:
    """The manager's subject as it is sent: one line of 1 to 300 characters.

    A line break in a mail header would let the text add headers of its own, so any
    line or paragraph break (or other control character) is refused rather than removed.
    """
    subject = text.strip()
    if not subject:
        raise LetterTextError("the subject is empty", "subject")
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in subject):
        raise LetterTextError("the subject must be a single line, without line breaks", "subject")
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise LetterTextError(
            f"the subject must be at most {MAX_SUBJECT_LENGTH} characters", "subject"
        )
    return subject


def edited_body(text: str) -> str:
    """The manager's body as it is sent: 1 to 20,000 characters, with the browser's
    CR LF line ends as plain newlines. It is sent as typed, never run as a template."""
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    if not body.strip():
        raise LetterTextError("the letter's text is empty", "body")
    if len(body) > MAX_BODY_LENGTH:
        raise LetterTextError(
            f"the letter's text must be at most {MAX_BODY_LENGTH:,} characters "
            f"(it has {len(body):,})",
            "body",
        )
    return body


def send_letter(
    session: Session,
    letter: TripLetter,
    actor: User | None,
    now: datetime,
    subject: str | None = None,
    body: str | None = None,
) -> OutboxMessage:
    """Queue the letter to the client's e-mail and mark it sent by `actor` (None: sent
    automatically), recording the text that went out.

    `subject` and `body` are the manager's edit of the draft; one left None is the draft's.
    LetterTextError when the edit cannot be sent, LetterError when the letter cannot go;
    either way nothing changes.
    """
    if letter.status != LetterStatus.PLANNED:
        raise LetterError(REFUSALS.get(LetterStatus(letter.status), "this letter cannot be sent"))
    trip = letter.trip
    if trip.status != TripStatus.BOOKED:
        raise LetterError("the trip is cancelled: its letters are not sent")
    if not trip.client.email:
        raise LetterError(f"{trip.client.name} has no e-mail address; add one to the client first")
    subject = None if subject is None else edited_subject(subject)
    body = None if body is None else edited_body(body)
    if subject is None or body is None:
        draft = draft_letter(session, letter, now)
        subject = draft.subject if subject is None else subject
        body = draft.body if body is None else body
    # Compare-and-set: of two clicks (or a click and the automatic run) only one sends.
    claimed = session.execute(
        update(TripLetter)
        .where(TripLetter.id == letter.id, TripLetter.status == LetterStatus.PLANNED)
        .values(
            status=LetterStatus.SENT.value,
            sent_at=now,
            sent_by_id=actor.id if actor else None,
            subject=subject,
            body=body,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.refresh(letter)
        raise LetterError(REFUSALS.get(LetterStatus(letter.status), "this letter cannot be sent"))
    message = OutboxMessage.due_now(trip.client.email, subject, body, now)
    session.add(message)
    session.flush()
    session.refresh(letter)
    letter.outbox_id = message.id
    session.flush()
    return message


def due_planned_letters(session: Session, today: date) -> list[TripLetter]:
    """Planned letters of booked trips due on or before `today`, earliest first."""
    return list(
        session.scalars(
            select(TripLetter)
            .join(Trip, TripLetter.trip_id == Trip.id)
            .where(
                TripLetter.status == LetterStatus.PLANNED,
                TripLetter.due_on <= today,
                Trip.status == TripStatus.BOOKED,
            )
            .order_by(TripLetter.due_on, TripLetter.id)
        )
    )


def send_due_letters(session: Session, now: datetime) -> int:
    """Send every planned letter due today or earlier (settings `reminders_auto_send`);
    returns how many were queued. A letter that cannot go (no e-mail, a failing template)
    is logged and left planned for its manager. The caller commits."""
    today = agency_today(now)
    sent = 0
    for letter in due_planned_letters(session, today):
        try:
            send_letter(session, letter, None, now)
        except LetterError as error:
            logger.warning("letter %s of trip %s not sent: %s", letter.id, letter.trip_id, error)
            continue
        sent += 1
    return sent
