"""The demo agency: its log-ins, and its people's recent history played into the database.

The people and their stories are data, read and checked by `people_file.py`.

`create_demo_account` makes the log-ins. `seed_demo_care` then plays the stories, each
step through the domain functions a manager's click would call, at its own moment (the
file's days count back from the agency's today, as if booked back then), so the records
are the ones the real workflow makes and the validation is the real one; nothing is
inserted around it. The seed is deterministic apart from the passwords and the dates,
which follow `now`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.accounts.auth import active_users, create_user, find_user
from models.accounts.passwords import check_password
from models.accounts.users import User, UserRole
from models.agency_time import agency_midnight, agency_today
from models.care.calls import log_contact, set_daily_plan
from models.care.client_editing import client_for_lead, create_client, update_client
from models.care.clients import (
    CallOutcome,
    Client,
    ContactKind,
)
from models.care.feedback import feedback_url, submit_feedback
from models.care.letter_queries import due_letters
from models.care.letters import send_letter
from models.care.trip_workflow import (
    TripDetails,
    create_trip,
    create_trip_from_lead,
)
from models.care.trips import Feedback, LetterStatus, Trip
from models.catalog.search import search_hotels
from models.catalog.search_filters import SearchFilters
from models.leads.intake import (
    LeadContact,
    RecheckAnswer,
    create_lead,
    notification_recipients,
    offer_snapshot,
    party_text,
    record_recheck,
    snapshot_facts,
)
from models.leads.records import Lead, LeadEventKind, LeadSource, LeadStatus, RecheckStatus
from models.leads.scoring import score_lead
from models.leads.workflow import assign, change_status

# --- the log-ins ----------------------------------------------------------------------------
from tourscope.demo.people_file import (
    DEMO_ADMIN_EMAIL,
    DEMO_PEOPLE,
    DemoManager,
    DemoPeople,
    Person,
    Place,
    RoleAccount,
)
from tourscope.foundation.settings import get_settings
from webapp.forms.trip_form import TripForm, details_from_form, form_from_lead

# The catalogue's search for the offers the demo's leads asked about: departures this
# many days ahead, among this many hotels (cheapest first).
CATALOGUE_DAYS = 60
CATALOGUE_HOTELS = 200


def demo_logins() -> list[tuple[str, UserRole]]:
    """The demo's log-ins, e-mail and role, the admin first."""
    return [(DEMO_ADMIN_EMAIL, UserRole.ADMIN)] + [
        (account.email, account.role) for account in DEMO_PEOPLE.role_accounts
    ]


def create_demo_account(session: Session) -> str | None:
    """An admin and one account of each other role, with one fresh random password, when
    the database has no account at all; returns the password (shown once by the demo),
    or None when accounts exist."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(12)
    admin = DEMO_PEOPLE.admin
    create_user(session, admin.email, password, UserRole.ADMIN, name=admin.name)
    for account in DEMO_PEOPLE.role_accounts:
        create_user(session, account.email, password, account.role, name=account.name)
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


# --- places: the crawled catalogue's, else the file's fixed few ---------------------------


def _places(session: Session, today: date, fixed: tuple[Place, ...]) -> list[Place]:
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
    found: dict[str, Place] = {}
    for hotel in search_hotels(session, filters, CATALOGUE_HOTELS, today=today).hotels:
        if hotel.country_code in found:
            continue
        found[hotel.country_code] = Place(
            country=hotel.country_name,
            resort=hotel.resort_name,
            hotel=hotel.hotel_name,
            operator=hotel.operator_name,
            meal=hotel.meal,
            room=hotel.room_type,
            nights=hotel.nights,
            price=hotel.min_price,
            stars=hotel.stars,
            offer_id=hotel.offer_id,
        )
    return list(found.values()) or list(fixed)


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
    agency = DemoAgency(session, now, DEMO_PEOPLE)
    agency.seed()
    return agency.summary()


class DemoAgency:
    """The demo's stories, each step told through the domain functions at its own moment."""

    def __init__(self, session: Session, now: datetime, people: DemoPeople) -> None:
        self.session = session
        self.people = people
        self.clock = _Clock(now, agency_today(now))
        self.places = _places(session, self.clock.today, people.places)
        self.settings = get_settings()
        self.managers = [self._manager(manager) for manager in people.managers.values()]
        # Who the stories name by `by`; None for whom this database lacks.
        self.staff: dict[str, User | None] = dict(zip(people.managers, self.managers, strict=True))
        self.staff["admin"] = self._admin()
        for account in people.role_accounts:
            self.staff[account.role.value] = self._role_login(account)
        # The clients and trips the story being played has made so far, by person.
        self.clients: dict[str, Client] = {}
        self.trips: dict[str, Trip] = {}

    # -- people

    def _manager(self, manager: DemoManager) -> User:
        user = find_user(self.session, manager.email) or create_user(
            self.session,
            manager.email,
            _random_password(manager.email),
            UserRole.MANAGER,
            name=manager.name,
        )
        set_daily_plan(self.session, user, manager.calls_a_day)
        # The demo's managers have worked here for years: their KPIs plan every day's calls.
        user.created_at = min(user.created_at, self.clock.now - timedelta(days=3 * 365))
        return user

    def _admin(self) -> User | None:
        """The demo's admin (else any active admin): the agency's director, who looks
        after one client in person, so the admin's own dashboard has a letter to write."""
        admins = [user for user in active_users(self.session) if user.is_admin]
        demo = [user for user in admins if user.email == self.people.admin.email]
        return (demo or admins or [None])[0]

    def _role_login(self, account: RoleAccount) -> User | None:
        """The role's demo log-in, when the demo made its log-ins (not beside real ones)."""
        user = find_user(self.session, account.email)
        return user if user is not None and user.role == account.role else None

    def person(self, key: str) -> Person:
        return self.people.people[key]

    def place(self, index: int) -> Place:
        return self.places[index % len(self.places)]

    def new_client(self, profile: Person, manager: User, place: int) -> Client:
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
        self, place: Place, profile: Person, at: datetime
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

    def lead(self, profile: Person, place: int, at: datetime, wishes: str | None) -> Lead:
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
        profile: Person,
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

    # -- the stories

    def seed(self) -> None:
        """Play the file's stories in order; a story whose staff this database lacks (the
        director, a role's demo log-in) is left out."""
        for story in self.people.stories.values():
            if all(self.staff.get(who) is not None for who in story.staff()):
                for step in story.steps:
                    step.play(self)

    # -- the summary

    def summary(self) -> DemoCareSummary:
        def count(model) -> int:
            return self.session.scalar(select(func.count()).select_from(model)) or 0

        due = due_letters(self.session, self.clock.today)
        return DemoCareSummary(
            managers=[manager.email for manager in self.managers],
            clients=count(Client),
            leads=count(Lead),
            trips=count(Trip),
            letters_due_today=sum(1 for letter in due if letter.days_overdue == 0),
            letters_overdue=sum(1 for letter in due if letter.days_overdue > 0),
            feedback=count(Feedback),
        )
