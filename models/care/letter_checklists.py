"""What a pre-trip letter says to one client: the checklist built from the client's needs
and the trip, and the context the letter's template is rendered with.

Written in the client's language (`Client.language`): the dates, money, plurals and
checklist (tourscope/foundation/i18n.py's `use_locale`). `sample_context` is a made-up
family's, for the template editor's preview and for checking a template before it is
saved.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from email.utils import parseaddr
from typing import Any

from models.accounts.users import User
from models.care.client_editing import age_on
from models.care.clients import Client, ClientChild, ClientPreference, PreferenceKind, client_locale
from models.care.letter_schedule import due_date, letter_label, parse_offset
from models.care.trips import Trip
from models.catalog.offers import MealPlan
from models.leads.extras import extra_label
from models.leads.intake import party_text
from tourscope.foundation.formatting import format_day, format_money, format_number
from tourscope.foundation.i18n import SOURCE_LOCALE, ngettext, use_locale
from tourscope.foundation.i18n import gettext as _
from tourscope.foundation.settings import get_settings

# More people than this need a second room (a family room sleeps 2 adults + 2 children).
MAX_PARTY_IN_ONE_ROOM = 4


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
