"""What `tourscope demo` adds beside the crawled catalogue, so the back office can be seen.

`create_demo_account` makes the admin who logs in. `seed_demo_care` then gives the back
office a small agency's last few months: two managers, their clients, calls, leads won
and lost, trips with their pre-trip letters, and feedback after the trips that came
back. Everything is made through the domain functions a manager's click would call,
each at its own moment (`now` minus some days, as if booked back then), so the records
are the ones the real workflow makes and the validation is the real one; nothing is
inserted around it. The seed is deterministic apart from the passwords and the dates,
which follow `now`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.agency_time import agency_midnight, agency_today
from models.auth import active_users, create_user, find_user
from models.calls import log_contact, set_daily_plan
from models.client_records import ClientDetails, client_for_lead, create_client, update_client
from models.clients import CallOutcome, Client, ContactKind
from models.feedback import feedback_url, invite_feedback, submit_feedback
from models.lead_intake import (
    LeadContact,
    RecheckAnswer,
    create_lead,
    notification_recipients,
    offer_snapshot,
    party_text,
    record_recheck,
    snapshot_facts,
)
from models.lead_scoring import score_lead
from models.lead_workflow import assign, change_status
from models.leads import Lead, LeadEventKind, LeadSource, LeadStatus, RecheckStatus
from models.letters import send_letter
from models.passwords import check_password
from models.queries.letters import due_letters
from models.queries.search import SearchFilters, search_hotels
from models.trip_workflow import TripDetails, create_trip, create_trip_from_lead
from models.trips import Feedback, LetterStatus, Trip
from models.users import User, UserRole
from tourscope.settings import get_settings
from webapp.forms.trip_form import TripForm, details_from_form, form_from_lead

DEMO_ADMIN_EMAIL = "admin@tourscope.localhost"
# The demo's managers: e-mail, name, calls a day on their plan. Their passwords are
# random and never shown: the admin sees everything they do.
DEMO_MANAGERS = (
    ("mia@tourscope.localhost", "Mia Manager", 12),
    ("leo@tourscope.localhost", "Leo Sales", 10),
)
# The catalogue's search for the offers the demo's leads asked about: departures this
# many days ahead, among this many hotels (cheapest first).
CATALOGUE_DAYS = 60
CATALOGUE_HOTELS = 200


# One log-in of each role beside the admin, so the demo shows what each role sees; they
# share the admin's password (a demo's accounts, shown once together).
DEMO_ROLE_ACCOUNTS = (
    ("manager@tourscope.localhost", "Demo Manager", UserRole.MANAGER),
    ("accounts@tourscope.localhost", "Demo Account Manager", UserRole.ACCOUNT_MANAGER),
    ("sales@tourscope.localhost", "Demo Sales", UserRole.SALES),
    ("caller@tourscope.localhost", "Demo Cold Caller", UserRole.COLD_CALLER),
)


def demo_logins() -> list[tuple[str, UserRole]]:
    """The demo's log-ins, e-mail and role, the admin first."""
    return [(DEMO_ADMIN_EMAIL, UserRole.ADMIN)] + [
        (email, role) for email, _name, role in DEMO_ROLE_ACCOUNTS
    ]


def create_demo_account(session: Session) -> str | None:
    """An admin and one account of each other role, with one fresh random password, when
    the database has no account at all; returns the password (shown once by the demo),
    or None when accounts exist."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(12)
    create_user(session, DEMO_ADMIN_EMAIL, password, UserRole.ADMIN, name="Demo Admin")
    for email, name, role in DEMO_ROLE_ACCOUNTS:
        create_user(session, email, password, role, name=name)
    return password


@dataclass(frozen=True)
class DemoCareSummary:
    """What the seed made, for the demo's one line."""

    managers: list[str]  # the demo managers' e-mails
    clients: int
    leads: int
    trips: int
    letters_due_today: int
    letters_overdue: int
    feedback: int


# --- the agency's clock -------------------------------------------------------------------


@dataclass(frozen=True)
class _Clock:
    """Instants of the agency's recent past, by agency day and local time."""

    now: datetime
    today: date

    def at(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        """`days_ago` days before today at hh:mm on the agency's clocks. Today's hours are
        scaled into the part of the day already gone, so "today at 15:00" has happened
        (in order with today's other moments) whatever time the demo starts."""
        midnight = agency_midnight(self.today - timedelta(days=days_ago))
        minutes = hour * 60 + minute
        if days_ago > 0:
            return midnight + timedelta(minutes=minutes)
        return midnight + (self.now - midnight) * minutes / (24 * 60)

    def day(self, days: int) -> date:
        return self.today + timedelta(days=days)

    def days_ago(self, day: date) -> int:
        return (self.today - day).days


# --- places: the crawled catalogue's, else a fixed few ------------------------------------


@dataclass(frozen=True)
class _Place:
    country: str
    resort: str
    hotel: str
    operator: str
    meal: str
    room: str
    nights: int
    price: Decimal  # EUR, for two
    stars: int | None = None
    offer_id: int | None = None  # the catalogue's offer a lead asked about


# fmt: off
_FIXED_PLACES = (
    _Place("Turkey", "Antalya", "Lara Family Club", "SunCoast Tours", "AI", "Family Room", 10,
           Decimal("2380.00"), 5),
    _Place("Greece", "Crete", "Knossos Bay Resort", "Aegean Travel", "HB", "Double Sea View", 7,
           Decimal("1760.00"), 4),
    _Place("United Arab Emirates", "Dubai", "Marina Palace", "Desert Star", "BB", "Deluxe King",
           7, Decimal("3150.00"), 5),
    _Place("Egypt", "Hurghada", "Red Sea Pearl", "Nile Holidays", "AI", "Standard Double", 7,
           Decimal("1290.00"), 4),
    _Place("Cyprus", "Ayia Napa", "Nissi Blue", "Aegean Travel", "HB", "Superior Double", 7,
           Decimal("1640.00"), 4),
    _Place("Spain", "Tenerife", "Teide Sun", "Iberia Tours", "BB", "Double Garden View", 10,
           Decimal("1980.00"), 4),
)
# fmt: on


def _places(session: Session, today: date) -> list[_Place]:
    """What a couple finds searching the catalogue for a week or two in a good hotel over
    the next two months: the cheapest such hotel of each country. The fixed few when the
    catalogue has none (nothing crawled yet)."""
    # Validated as of `today`, which the tests set to other days than the agency's.
    filters = SearchFilters.model_validate(
        {
            "adults": 2,
            "nights_min": 7,
            "nights_max": 14,
            "stars_min": 4,
            "date_from": today + timedelta(days=1),
            "date_to": today + timedelta(days=CATALOGUE_DAYS),
        },
        context={"today": today},
    )
    found: dict[str, _Place] = {}
    for hotel in search_hotels(session, filters, CATALOGUE_HOTELS, today=today).hotels:
        found.setdefault(
            hotel.country_code,
            _Place(
                hotel.country_name,
                hotel.resort_name,
                hotel.hotel_name,
                hotel.operator_name,
                hotel.meal,
                hotel.room_type,
                hotel.nights,
                hotel.min_price,
                hotel.stars,
                hotel.offer_id,
            ),
        )
    return list(found.values()) or list(_FIXED_PLACES)


# --- the clients as the contact centre knows them -----------------------------------------


@dataclass(frozen=True)
class _Profile:
    name: str
    email: str
    phone: str
    channel: str
    contact_time: str
    adults: int = 2
    budget: str = "standard"
    children: tuple[tuple[str, int, int], ...] = ()  # name, age in years, days past birthday
    preferences: dict[str, tuple[str | tuple[str, str], ...]] = field(default_factory=dict)
    notes: str | None = None
    do_not_call: bool = False

    def form(self, manager: User, place: _Place, today: date) -> ClientDetails:
        """The profile as a manager would type it, wanting `place`, checked on `today`."""
        wishes: dict[str, list[dict[str, str]]] = {
            "country": [{"value": place.country}],
            "resort": [{"value": place.resort}],
        }
        for kind, values in self.preferences.items():
            for value in values:
                if isinstance(value, str):
                    wishes.setdefault(kind, []).append({"value": value})
                else:  # a pet with its name: ("dog", "Rex")
                    wishes.setdefault(kind, []).append({"value": value[0], "detail": value[1]})
        children = [
            {"name": name, "birth_date": _birth_date(today, years, days)}
            for name, years, days in self.children
        ]
        data = {
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "preferred_channel": self.channel,
            "contact_time": self.contact_time,
            "adults": self.adults,
            "budget_band": self.budget,
            "notes": self.notes,
            "manager_id": manager.id,
            "do_not_call": self.do_not_call,
            "children": children,
            "preferences": wishes,
        }
        return ClientDetails.model_validate(data, context={"today": today})


def _birth_date(today: date, years: int, days: int) -> date:
    """A birthday `years` years and `days` days before `today` (29 Feb falls back a day)."""
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:
        birthday = today.replace(year=today.year - years, day=28)
    return birthday - timedelta(days=days)


# The agency's people. Countries and resorts come from the place each one wants.
# fmt: off
ANNA = _Profile(
    "Anna Petrova", "anna.petrova@example.com", "+7 916 204 11 38", "messenger",
    "evenings after 19:00", children=(("Masha", 6, 40), ("Ilya", 3, 120)),
    preferences={"hotel_style": ("family", "beach"), "meal": ("all inclusive",),
                 "dietary": ("gluten free",), "need": ("transfer", "children's items")},
    notes="Masha is coeliac: the hotel's kitchen must know before arrival.",
)
PAVEL = _Profile(
    "Pavel Smirnov", "pavel.smirnov@example.com", "+7 903 550 72 19", "phone",
    "weekdays 12:00-14:00", budget="premium",
    preferences={"hotel_style": ("adults only", "quiet"), "meal": ("half board",),
                 "habit": ("smoking",), "pet": (("cat", "Murka"),),
                 "need": ("car", "excursions")},
    notes="Travels with his wife Irina; they like to drive round the island.",
)
OLGA = _Profile(
    "Olga Morozova", "olga.morozova@example.com", "+7 925 318 40 66", "phone",
    "mornings", budget="luxury",
    preferences={"hotel_style": ("spa", "boutique"), "meal": ("bed & breakfast",),
                 "habit": ("early riser",), "need": ("transfer", "shopping")},
    notes="A repeat client: a trip every spring and another in the autumn.",
)
DMITRY = _Profile(
    "Dmitry Volkov", "dmitry.volkov@example.com", "+7 912 647 03 85", "email",
    "any time", adults=3,
    preferences={"hotel_style": ("beach",), "meal": ("all inclusive",),
                 "need": ("extra room", "insurance")},
    notes="Travels with his parents; his father needs a ground-floor room.",
)
SERGEY = _Profile(
    "Sergey Kuznetsov", "sergey.kuznetsov@example.com", "+7 921 733 58 02", "phone",
    "after 18:00", budget="economy",
    preferences={"meal": ("all inclusive",), "dietary": ("diabetic",),
                 "habit": ("early riser",), "need": ("transfer",)},
)
NATALIA = _Profile(
    "Natalia Popova", "natalia.popova@example.com", "+7 917 402 96 14", "messenger",
    "weekdays 10:00-13:00", children=(("Sofia", 8, 75), ("Lev", 1, 30)),
    preferences={"hotel_style": ("family",), "meal": ("full board",),
                 "dietary": ("halal",), "need": ("transfer", "extra room", "children's items")},
    notes="Needs a cot for Lev and a connecting room for her mother.",
)
ANDREI = _Profile(
    "Andrei Sokolov", "andrei.sokolov@example.com", "+7 926 185 27 40", "phone",
    "weekends", budget="premium",
    preferences={"hotel_style": ("city", "boutique"), "meal": ("bed & breakfast",),
                 "need": ("excursions", "shopping")},
)
EKATERINA = _Profile(
    "Ekaterina Lebedeva", "ekaterina.lebedeva@example.com", "+7 915 660 14 92", "email",
    "evenings", adults=1,
    preferences={"hotel_style": ("spa", "quiet"), "dietary": ("vegetarian",),
                 "pet": (("dog", "Bim"),), "need": ("transfer",)},
)
ELENA = _Profile(
    "Elena Vasilieva", "elena.vasilieva@example.com", "+7 985 211 09 73", "phone",
    "mornings", budget="luxury",
    preferences={"hotel_style": ("beach", "spa"), "meal": ("ultra all inclusive",),
                 "need": ("transfer", "visa support", "insurance")},
    notes="The agency's client of ten years; the director looks after her in person.",
)
IRINA = _Profile(
    "Irina Kozlova", "irina.kozlova@example.com", "+7 910 377 82 51", "phone",
    "weekdays 10:00-13:00", children=(("Dasha", 13, 200), ("Kirill", 10, 15)),
    preferences={"hotel_style": ("family", "beach"), "dietary": ("vegetarian",),
                 "need": ("excursions", "children's items")},
)
GLEB = _Profile(
    "Gleb Orlov", "gleb.orlov@example.com", "+7 929 804 65 33", "phone",
    "after 20:00", adults=1, budget="luxury",
    preferences={"hotel_style": ("party", "city"), "habit": ("smoking", "late riser"),
                 "need": ("car", "shopping")},
)
MARINA = _Profile(
    "Marina Sokolova", "marina.sokolova@example.com", "+7 999 120 47 86", "email",
    "any time", preferences={"dietary": ("vegan",), "pet": (("dog", "Rex"),),
                             "need": ("excursions",)},
    notes="Signed up at the travel fair; never called yet.",
)
# The cold caller's list: prospects from the travel fair, never called.
VERA = _Profile(
    "Vera Lebedeva", "vera.lebedeva@example.com", "+7 915 264 08 39", "phone",
    "weekdays after 18:00", preferences={"hotel_style": ("beach",)},
    notes="Signed up at the travel fair; never called yet.",
)
ARTEM = _Profile(
    "Artem Volkov", "artem.volkov@example.com", "+7 921 533 70 12", "phone",
    "any time", adults=2, children=(("Sonya", 6, 40),),
    notes="Signed up at the travel fair; never called yet.",
)
NIKOLAI = _Profile(
    "Nikolai Fedorov", "nikolai.fedorov@example.com", "+7 903 912 38 17", "phone",
    "lunchtime", budget="premium",
    preferences={"hotel_style": ("spa",), "habit": ("quiet room",), "meal": ("half board",)},
)
TATIANA = _Profile(
    "Tatiana Belova", "tatiana.belova@example.com", "+7 916 540 73 29", "messenger",
    "evenings", preferences={"hotel_style": ("beach",), "pet": (("cat", "Barsik"),),
                             "need": ("transfer", "insurance")},
)
SVETLANA = _Profile(
    "Svetlana Egorova", "svetlana.egorova@example.com", "+7 911 286 05 64", "email",
    "e-mail only", budget="premium", do_not_call=True,
    preferences={"hotel_style": ("boutique",), "dietary": ("lactose free",)},
    notes="Asked not to be called: offers by e-mail only.",
)
# Leads that did not (or not yet) become clients.
ROMAN = _Profile("Roman Zaitsev", "roman.zaitsev@example.com", "+7 926 777 31 05", "phone",
                 "any time")
YULIA = _Profile("Yulia Nikitina", "yulia.nikitina@example.com", "+7 905 418 22 70", "phone",
                 "after 17:00", children=(("Alisa", 5, 10),))
MAXIM = _Profile("Maxim Gusev", "maxim.gusev@example.com", "+7 968 301 57 44", "messenger",
                 "weekends", adults=4)
# fmt: on


# --- the seed -----------------------------------------------------------------------------


def _random_password(email: str) -> str:
    """A random password the account's rules accept (never shown to anyone)."""
    while True:
        password = secrets.token_urlsafe(16)
        try:
            check_password(password, email)
        except ValueError:
            continue
        return password


def _has_history(session: Session) -> bool:
    """Any client or lead: a database someone works in, or a demo already filled."""
    return any(session.scalar(select(func.count()).select_from(model)) for model in (Client, Lead))


def seed_demo_care(session: Session, now: datetime) -> DemoCareSummary | None:
    """The demo agency's recent history, only into a database with no client and no lead
    (a second demo run, or a real database, is left as it is: None). Flushes; the caller
    commits."""
    if _has_history(session):
        return None
    agency = _DemoAgency(session, now)
    agency.seed()
    return agency.summary()


class _DemoAgency:
    """The demo's stories, each told through the domain functions at its own moments."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.clock = _Clock(now, agency_today(now))
        self.places = _places(session, self.clock.today)
        self.settings = get_settings()
        self.mia, self.leo = (self._manager(*spec) for spec in DEMO_MANAGERS)
        self.admin = self._admin()

    # -- people

    def _manager(self, email: str, name: str, plan: int) -> User:
        user = find_user(self.session, email) or create_user(
            self.session, email, _random_password(email), UserRole.MANAGER, name=name
        )
        set_daily_plan(self.session, user, plan)
        # The demo's managers have worked here for years: their KPIs plan every day's calls.
        user.created_at = min(user.created_at, self.clock.now - timedelta(days=3 * 365))
        return user

    def _admin(self) -> User | None:
        """The demo's admin (else any active admin): the agency's director, who looks
        after one client in person, so the admin's own dashboard has a letter to write."""
        admins = [user for user in active_users(self.session) if user.is_admin]
        demo = [user for user in admins if user.email == DEMO_ADMIN_EMAIL]
        return (demo or admins or [None])[0]

    def place(self, index: int) -> _Place:
        return self.places[index % len(self.places)]

    def new_client(self, profile: _Profile, manager: User, place: int) -> Client:
        """A client the contact centre typed in by hand."""
        form = profile.form(manager, self.place(place), self.clock.today)
        return create_client(self.session, form)

    def call(
        self,
        client: Client,
        manager: User,
        when: datetime,
        outcome: CallOutcome,
        note: str,
        next_call_on: date | None = None,
        handed_to: User | None = None,
        kind: ContactKind = ContactKind.CALL,
    ) -> None:
        log_contact(
            self.session,
            client,
            manager,
            kind.value,
            outcome.value,
            note=note,
            next_call_on=next_call_on,
            handed_to=handed_to,
            now=when,
        )

    # -- leads

    def _snapshot(
        self, place: _Place, profile: _Profile, at: datetime
    ) -> tuple[dict[str, Any], int | None]:
        """What the visitor saw, and the catalogue's offer id: the crawled offer when
        there is one (as checked when the lead came in), else a plain snapshot."""
        if place.offer_id is not None:
            snapshot = offer_snapshot(self.session, place.offer_id)
            if snapshot is not None:
                return {**snapshot, "checked_at": at.isoformat()}, place.offer_id
        departure = agency_today(at) + timedelta(days=30)
        back = departure + timedelta(days=place.nights)
        children = len(profile.children)
        snapshot = {
            "hotel": place.hotel,
            "stars": place.stars,
            "resort": place.resort,
            "country": place.country,
            "operator": place.operator,
            "departure_date": departure.isoformat(),
            "return_date": back.isoformat(),
            "dates": f"{departure.day} {departure:%b %Y} – {back.day} {back:%b %Y}",
            "nights": place.nights,
            "meal": place.meal,
            "room": place.room,
            "adults": profile.adults,
            "children": children,
            "infants": 0,
            "party": party_text(profile.adults, children),
            "price": str(place.price),
            "currency": "EUR",
            "price_eur": str(place.price),
            "checked_at": at.isoformat(),
        }
        return snapshot, None

    def lead(self, profile: _Profile, place: int, at: datetime, wishes: str | None) -> Lead:
        """A visitor's request about the place's offer, as the lead form stores it."""
        snapshot, offer_id = self._snapshot(self.place(place), profile, at)
        contact = LeadContact(
            name=profile.name,
            phone=profile.phone,
            email=profile.email,
            contact_time=profile.contact_time,
            wishes=wishes,
            extras=[],
            consent=True,
        )
        lead = create_lead(
            self.session,
            contact=contact,
            source=LeadSource.HOTEL,
            snapshot=snapshot,
            score=score_lead(snapshot_facts(snapshot, [])),
            recipients=notification_recipients(
                self.session, self.settings.lead_notify_to, self.settings.mail_from
            ),
            site_url=self.settings.effective_site_url,
            offer_id=offer_id,
        )
        # The lead form stamps the request with its own clock; this one came in at `at`.
        lead.created_at = at
        for event in lead.events:
            if event.kind == LeadEventKind.CREATED:
                event.at = at
        self.session.flush()
        return lead

    def take_lead(self, lead: Lead, manager: User, at: datetime) -> None:
        """The manager takes the lead; an offer's lead is confirmed at its operator."""
        assign(self.session, lead, manager, manager, now=at)
        if lead.offer_id is not None:
            answer = RecheckAnswer(
                RecheckStatus.AVAILABLE,
                Decimal(lead.snapshot["operator_price"]),
                lead.snapshot["operator_currency"],
            )
            record_recheck(self.session, lead, answer, at=at)

    def won_lead(
        self,
        profile: _Profile,
        manager: User,
        place: int,
        came: int,
        won: int,
        *,
        departure: date | None = None,
        back: date | None = None,
        extras: tuple[str, ...] = (),
    ) -> tuple[Client, Trip]:
        """A lead that came `came` days ago and was won `won` days ago (0: today): taken,
        its client's record made on the first call, an offer sent, won, and its trip
        booked, leaving on `departure` or coming `back` on that date."""
        clock, session = self.clock, self.session
        lead = self.lead(profile, place, clock.at(came, 10, 5), profile.notes)
        self.take_lead(lead, manager, clock.at(came, 10, 40))
        client = client_for_lead(session, lead, manager)
        update_client(session, client, profile.form(manager, self.place(place), clock.today))
        self.call(
            client, manager, clock.at(came, 10, 55), CallOutcome.TALKED,
            "First call about the request; sending offers.",
        )  # fmt: skip
        change_status(session, lead, LeadStatus.CONTACTED, manager, now=clock.at(came, 11, 0))
        offered = (came + won) // 2
        offer_sent = clock.at(offered, 15, 30) if offered > won else clock.at(won, 11, 30)
        change_status(session, lead, LeadStatus.OFFER_SENT, manager, now=offer_sent)
        change_status(session, lead, LeadStatus.WON, manager, now=clock.at(won, 12, 0))
        self.call(
            client, manager, clock.at(won, 12, 10), CallOutcome.BOOKED,
            "Booked; the documents follow by e-mail.",
        )  # fmt: skip
        trip = self.book_lead(lead, manager, clock.at(won, 12, 15), departure, back, extras)
        return client, trip

    def book_lead(
        self,
        lead: Lead,
        manager: User,
        booked: datetime,
        departure: date | None,
        back: date | None,
        extras: tuple[str, ...],
    ) -> Trip:
        """The won lead's trip as the trip form books it: prefilled from the lead, with
        the dates and the party the client chose."""
        client = lead.client
        nights = timedelta(days=int(lead.snapshot.get("nights") or 7))
        departure = departure or back - nights
        values = {
            **form_from_lead(lead).values,
            "departure_date": departure.isoformat(),
            "return_date": (departure + nights).isoformat(),
            "adults": str(client.adults),
            "children": str(len(client.children)),
        }
        details = details_from_form(TripForm(values, extras))
        return create_trip_from_lead(self.session, lead, manager, details, booked)

    def book(
        self,
        client: Client,
        manager: User,
        place: int,
        departure: date,
        booked: datetime,
        extras: tuple[str, ...],
    ) -> Trip:
        """A trip booked by phone, without a lead (a repeat client calling the agency)."""
        chosen = self.place(place)
        details = TripDetails(
            hotel_name=chosen.hotel,
            operator_name=chosen.operator,
            destination=f"{chosen.resort}, {chosen.country}",
            departure_date=departure,
            return_date=departure + timedelta(days=chosen.nights),
            adults=client.adults,
            children=len(client.children),
            price=chosen.price,
            extras=extras,
        )
        return create_trip(self.session, client, manager, details, booked)

    # -- letters and feedback

    def send_letters(
        self,
        trip: Trip,
        manager: User,
        late: dict[str, int] | None = None,
        unsent: tuple[str, ...] = (),
        until: int = 1,
    ) -> None:
        """Send the trip's planned letters due `until` days ago or earlier, each on its due
        day (or `late[key]` days after it), except the keys left `unsent`."""
        late = late or {}
        for letter in sorted(trip.letters, key=lambda letter: letter.due_on):
            due_days_ago = self.clock.days_ago(letter.due_on)
            if (
                letter.status != LetterStatus.PLANNED
                or letter.template_key in unsent
                or due_days_ago < until
            ):
                continue
            sent = self.clock.at(due_days_ago - late.get(letter.template_key, 0), 16, 30)
            send_letter(self.session, letter, manager, sent)

    def answer_feedback(
        self, trip: Trip, when: datetime, manager_rating: int, trip_rating: int, comment: str
    ) -> Feedback:
        """The client answers through the link in the invitation's e-mail."""
        token = feedback_url(trip).rsplit("/", 1)[1]
        return submit_feedback(self.session, token, manager_rating, trip_rating, comment, when)

    # -- the stories

    def seed(self) -> None:
        self._trips_ahead()
        self._trips_back()
        if self.admin is not None:
            self._director_client()
        self._contact_centre()
        self._cold_calls()
        self._other_leads()

    def _trips_ahead(self) -> None:
        clock, mia, leo = self.clock, self.mia, self.leo
        # Anna leaves in two weeks: her 2-week letter is due today.
        anna, trip = self.won_lead(
            ANNA, mia, 0, 24, 20, departure=clock.day(14), extras=("transfer",)
        )
        self.send_letters(trip, mia)
        self.call(anna, mia, clock.at(0, 10, 45), CallOutcome.TALKED, "Passports checked.")
        # Pavel leaves in three days; every letter went out on its day, today's too.
        _, trip = self.won_lead(PAVEL, mia, 1, 40, 35, departure=clock.day(3), extras=("car",))
        self.send_letters(trip, mia, until=0)
        # Sergey leaves in ten days: his 1-month letter went out two days late, and his
        # 2-week letter is still waiting, overdue.
        sergey, trip = self.won_lead(
            SERGEY, leo, 3, 44, 40, departure=clock.day(10), extras=("transfer", "insurance")
        )
        self.send_letters(trip, leo, late={"1m": 2}, unsent=("2w",))
        self.call(sergey, leo, clock.at(0, 9, 50), CallOutcome.NO_ANSWER, "Voicemail.")
        # Natalia asked two days ago and booked a last-minute family trip today.
        self.won_lead(NATALIA, leo, 0, 2, 0, departure=clock.day(3), extras=("transfer",))

    def _trips_back(self) -> None:
        """Trips that came back; each run of the invitations (the day after a return, by
        settings) mails the trips back by then, and most clients answered."""
        clock, mia, leo = self.clock, self.mia, self.leo
        delay = self.settings.feedback_delay_days
        olga, olga_trip = self.won_lead(
            OLGA, mia, 1, 130, 120, back=clock.day(-delay - 18), extras=("transfer",)
        )
        _, andrei_trip = self.won_lead(ANDREI, leo, 5, 75, 70, back=clock.day(-delay - 5))
        _, dmitry_trip = self.won_lead(
            DMITRY, mia, 0, 55, 50, back=clock.day(-delay - 3), extras=("extra_room", "insurance")
        )
        ekaterina, ekaterina_trip = self.won_lead(
            EKATERINA, leo, 4, 52, 45, back=clock.day(-delay - 1), extras=("transfer",)
        )
        for trip in (olga_trip, andrei_trip, dmitry_trip, ekaterina_trip):
            self.send_letters(trip, trip.manager)
        for days_ago in (18, 5, 3, 1):
            invite_feedback(self.session, now=clock.at(days_ago, 9, 0))
        self.answer_feedback(
            olga_trip, clock.at(16, 20, 15), 5, 4,
            "Lovely hotel. The transfer was an hour late, but Mia sorted it out at once.",
        )  # fmt: skip
        self.answer_feedback(
            andrei_trip, clock.at(0, 9, 30), 4, 5,
            "A great city break; the hotel details could have come a little earlier.",
        )  # fmt: skip
        self.answer_feedback(dmitry_trip, clock.at(0, 8, 40), 5, 5, "Everything was perfect!")
        # Ekaterina was invited yesterday and has not answered yet.
        self.call(
            ekaterina, leo, clock.at(0, 14, 0), CallOutcome.NOT_INTERESTED,
            "Just back from her trip; no new one this year.",
        )  # fmt: skip
        # Olga, back from hers, books again today by phone: a repeat purchase.
        self.call(olga, mia, clock.at(0, 9, 40), CallOutcome.NO_ANSWER, "No answer.")
        self.call(olga, mia, clock.at(0, 15, 40), CallOutcome.BOOKED, "Her autumn trip, by phone.")
        self.book(olga, mia, 2, clock.day(75), clock.at(0, 15, 50), ("transfer",))

    def _director_client(self) -> None:
        """The director's own client of many years leaves in two weeks too."""
        clock, admin = self.clock, self.admin
        elena = self.new_client(ELENA, admin, 4)
        self.call(elena, admin, clock.at(21, 11, 0), CallOutcome.BOOKED, "As every year.")
        trip = self.book(
            elena, admin, 4, clock.day(14), clock.at(21, 11, 15),
            ("transfer", "visa_support", "insurance"),
        )  # fmt: skip
        self.send_letters(trip, admin)

    def _contact_centre(self) -> None:
        """Clients on the call lists: due today, overdue, never called, handed over."""
        clock, mia, leo = self.clock, self.mia, self.leo
        irina = self.new_client(IRINA, mia, 1)
        self.call(irina, mia, clock.at(9, 10, 20), CallOutcome.NO_ANSWER, "No answer.")
        self.call(
            irina, mia, clock.at(8, 11, 5), CallOutcome.TALKED,
            "Wants the sea for the school holidays; call back with options.", clock.today,
        )  # fmt: skip
        gleb = self.new_client(GLEB, mia, 2)
        self.call(gleb, mia, clock.at(4, 16, 30), CallOutcome.NO_ANSWER, "Line busy.")
        self.new_client(MARINA, mia, 4)  # from the travel fair, not called yet
        nikolai = self.new_client(NIKOLAI, mia, 0)
        self.call(
            nikolai, mia, clock.at(0, 10, 20), CallOutcome.WARM,
            "Ready to book a spa week; handed to Leo for the offer.", handed_to=leo,
        )  # fmt: skip
        tatiana = self.new_client(TATIANA, leo, 3)
        self.call(
            tatiana, leo, clock.at(7, 17, 0), CallOutcome.TALKED,
            "Comparing two hotels; call back today.", clock.today,
        )  # fmt: skip
        svetlana = self.new_client(SVETLANA, leo, 5)
        self.call(
            svetlana, leo, clock.at(10, 9, 0), CallOutcome.TALKED,
            "Sent the autumn offers by e-mail.", kind=ContactKind.EMAIL,
        )  # fmt: skip

    def _cold_calls(self) -> None:
        """The demo's cold caller (when the demo made its log-ins) has prospects to call
        today: one called yesterday without an answer, one never called."""
        email = next(e for e, _n, role in DEMO_ROLE_ACCOUNTS if role == UserRole.COLD_CALLER)
        caller = find_user(self.session, email)
        if caller is None or caller.role != UserRole.COLD_CALLER:
            return
        vera = self.new_client(VERA, caller, 1)
        self.call(
            vera, caller, self.clock.at(1, 18, 30), CallOutcome.NO_ANSWER, "No answer.",
            self.clock.today,
        )  # fmt: skip
        self.new_client(ARTEM, caller, 2)

    def _other_leads(self) -> None:
        """A lead in progress, a lost one, and new ones nobody has taken yet."""
        clock, mia, leo, session = self.clock, self.mia, self.leo, self.session
        # Tatiana asks about a tour herself: the lead joins her record.
        lead = self.lead(TATIANA, 3, clock.at(3, 19, 30), "Sea view, quiet part of the resort.")
        self.take_lead(lead, leo, clock.at(2, 9, 30))
        client_for_lead(session, lead, leo)
        change_status(session, lead, LeadStatus.CONTACTED, leo, now=clock.at(2, 10, 0))

        lead = self.lead(ROMAN, 1, clock.at(15, 13, 20), "The cheapest week in August.")
        self.take_lead(lead, mia, clock.at(15, 14, 0))
        change_status(session, lead, LeadStatus.CONTACTED, mia, now=clock.at(14, 10, 0))
        change_status(
            session, lead, LeadStatus.LOST, mia, "Booked a cheaper tour elsewhere.",
            now=clock.at(12, 16, 45),
        )  # fmt: skip

        self.lead(YULIA, 0, clock.at(0, 8, 45), "A family room near the kids' club, please.")
        self.lead(MAXIM, 3, clock.at(1, 21, 10), "Four friends, two rooms, diving if possible.")

    # -- the summary

    def summary(self) -> DemoCareSummary:
        def count(model) -> int:
            return self.session.scalar(select(func.count()).select_from(model)) or 0

        due = due_letters(self.session, self.clock.today)
        return DemoCareSummary(
            managers=[self.mia.email, self.leo.email],
            clients=count(Client),
            leads=count(Lead),
            trips=count(Trip),
            letters_due_today=sum(1 for letter in due if letter.days_overdue == 0),
            letters_overdue=sum(1 for letter in due if letter.days_overdue > 0),
            feedback=count(Feedback),
        )
