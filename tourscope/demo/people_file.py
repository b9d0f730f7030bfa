"""The demo people file (tourscope/data/demo_people.yaml): its shape, its checks, and how
each step of its stories is played.

A misspelt key, a person nobody wrote down or a trip nobody booked fails with the entry's
place in the file (`DemoDataError`). Days count back from the agency's today."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, NamedTuple

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)

from models.accounts.users import User, UserRole
from models.care.client_editing import ClientDetails, client_for_lead
from models.care.clients import (
    BudgetBand,
    CallOutcome,
    ContactChannel,
    ContactKind,
    PreferenceKind,
)
from models.care.feedback import invite_feedback
from models.leads.extras import EXTRAS
from models.leads.records import LeadStatus
from models.leads.workflow import change_status

if TYPE_CHECKING:  # the steps are played by the agency, which reads this file
    from tourscope.demo.agency import DemoAgency


DEMO_PEOPLE_FILE = Path(__file__).parent.parent / "data" / "demo_people.yaml"


# --- the file's shape ---------------------------------------------------------------------


class _Entry(BaseModel):
    # A key the entry does not know is a mistake: a misspelt optional key would otherwise
    # be dropped without a word, and the demo would quietly differ from the file.
    model_config = ConfigDict(extra="forbid", frozen=True)


_DAY = r"today|yesterday|(?P<days>\d+) days ago"
_DAY_PATTERN = re.compile(_DAY)
_MOMENT_PATTERN = re.compile(rf"(?:{_DAY}) at (?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)")


def _days_ago(match: re.Match[str]) -> int:
    if match["days"] is not None:
        return int(match["days"])
    return 1 if match[0].startswith("yesterday") else 0


def _day(text: Any) -> int:
    """'today', 'yesterday', '3 days ago': that many days before the agency's today."""
    match = _DAY_PATTERN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"a day reads 'today', 'yesterday' or '3 days ago', not {text!r}")
    return _days_ago(match)


class _Moment(NamedTuple):
    days_ago: int
    hour: int
    minute: int


def _moment(text: Any) -> _Moment:
    """'today at 10:45', '3 days ago at 09:00': a day and a time on the agency's clocks.
    (Text, so that YAML never reads a bare 10:45 as the number 645.)"""
    match = _MOMENT_PATTERN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        bare = " (a bare time, which YAML reads as a number)" if isinstance(text, int) else ""
        raise ValueError(
            "a moment reads 'today at 10:45', 'yesterday at 18:30' or '3 days ago at 09:00',"
            f" not {text!r}{bare}"
        )
    return _Moment(_days_ago(match), int(match["hour"]), int(match["minute"]))


def _extra(code: str) -> str:
    if code not in EXTRAS:
        raise ValueError(f"{code!r} is not an extra (one of {', '.join(EXTRAS)})")
    return code


def _no_number(price: Any) -> Any:
    # YAML reads 2380.00 as the float 2380.0: the snapshot would show "2380.0".
    if isinstance(price, int | float):
        raise ValueError(f'write the price in quotes ("{price:.2f}"): a number loses its cents')
    return price


DaysAgo = Annotated[int, BeforeValidator(_day)]
Moment = Annotated[_Moment, BeforeValidator(_moment)]
Extra = Annotated[str, AfterValidator(_extra)]


class Account(_Entry):
    email: str
    name: str


class RoleAccount(Account):
    role: UserRole


class DemoManager(Account):
    calls_a_day: int = Field(ge=0)


class Place(_Entry):
    """A tour the clients want: the file's fixed few, or the crawled catalogue's."""

    country: str
    resort: str
    hotel: str
    operator: str
    meal: str
    room: str
    nights: int = Field(gt=0)
    price: Annotated[Decimal, BeforeValidator(_no_number)]  # EUR, for two
    stars: int | None = None
    offer_id: int | None = None  # the catalogue's offer a lead asked about


class Child(_Entry):
    name: str
    age: int = Field(ge=0)  # in years
    days_past_birthday: int = Field(ge=0, le=365)


class Pet(_Entry):
    value: str  # the animal
    detail: str  # its name


class Person(_Entry):
    """A client (or a visitor who asked and never became one) as the agency knows them."""

    name: str
    email: str
    phone: str
    channel: ContactChannel
    contact_time: str
    adults: int = Field(default=2, ge=1)
    budget: BudgetBand = BudgetBand.STANDARD
    children: tuple[Child, ...] = ()
    preferences: dict[PreferenceKind, tuple[str | Pet, ...]] = {}
    notes: str | None = None
    do_not_call: bool = False

    def form(self, manager: User, place: Place, today: date) -> ClientDetails:
        """The person as a manager would type them in, wanting `place`, checked on `today`."""
        wishes: dict[str, list[dict[str, str]]] = {
            "country": [{"value": place.country}],
            "resort": [{"value": place.resort}],
        }
        for kind, values in self.preferences.items():
            for value in values:
                if isinstance(value, str):
                    wishes.setdefault(kind.value, []).append({"value": value})
                else:  # a pet with its name
                    wishes.setdefault(kind.value, []).append(
                        {"value": value.value, "detail": value.detail}
                    )
        children = [
            {
                "name": child.name,
                "birth_date": _birth_date(today, child.age, child.days_past_birthday),
            }
            for child in self.children
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


# --- the stories' steps: what each says, and how it is played ---------------------------


class _Step(_Entry, ABC):
    """One step of a story. Its first key names what happened, and (but for the feedback
    invitations) the person it happened to."""

    ACTION: ClassVar[str]
    NEEDS: ClassVar[str | None] = None  # "client" or "trip": an earlier step's
    MAKES: ClassVar[tuple[str, ...]] = ()

    @property
    def person(self) -> str | None:
        return getattr(self, self.ACTION)

    def staff(self) -> set[str]:
        """Who at the agency the step needs."""
        return {self.by} if hasattr(self, "by") else set()

    def makes(self) -> tuple[str, ...]:
        return self.MAKES

    @abstractmethod
    def play(self, agency: DemoAgency) -> None:
        """Make the step's records through the domain functions, at the step's moment."""


class _WonLead(_Step):
    ACTION = "won_lead"
    MAKES = ("client", "trip")
    won_lead: str
    by: str
    place: int = Field(ge=0)
    came: DaysAgo
    won: DaysAgo
    departure_in_days: int | None = None
    feedback_due: DaysAgo | None = None  # back so that its invitation was due that day
    extras: tuple[Extra, ...] = ()

    @model_validator(mode="after")
    def _one_date(self) -> _WonLead:
        if (self.departure_in_days is None) == (self.feedback_due is None):
            raise ValueError("give the trip's departure_in_days or its feedback_due, not both")
        if self.won > self.came:
            raise ValueError("a lead is won on or after the day it came in")
        return self

    def play(self, agency: DemoAgency) -> None:
        clock = agency.clock
        departure = back = None
        if self.feedback_due is None:
            departure = clock.day(self.departure_in_days)
        else:
            back = clock.day(-agency.settings.feedback_delay_days - self.feedback_due)
        client, trip = agency.won_lead(
            agency.person(self.won_lead), agency.staff[self.by], self.place, self.came,
            self.won, departure=departure, back=back, extras=self.extras,
        )  # fmt: skip
        agency.clients[self.won_lead], agency.trips[self.won_lead] = client, trip


class _NewClient(_Step):
    ACTION = "new_client"
    MAKES = ("client",)
    new_client: str
    by: str
    place: int = Field(ge=0)

    def play(self, agency: DemoAgency) -> None:
        person, manager = agency.person(self.new_client), agency.staff[self.by]
        agency.clients[self.new_client] = agency.new_client(person, manager, self.place)


class _Call(_Step):
    ACTION = "call"
    NEEDS = "client"
    call: str
    by: str
    at: Moment
    outcome: CallOutcome
    note: str
    next_call_in_days: int | None = Field(default=None, ge=0)
    handed_to: str | None = None
    kind: ContactKind = ContactKind.CALL

    def staff(self) -> set[str]:
        return {self.by} | ({self.handed_to} if self.handed_to else set())

    def play(self, agency: DemoAgency) -> None:
        clock = agency.clock
        next_call = None if self.next_call_in_days is None else clock.day(self.next_call_in_days)
        agency.call(
            agency.clients[self.call], agency.staff[self.by], clock.at(*self.at), self.outcome,
            self.note, next_call, agency.staff[self.handed_to] if self.handed_to else None,
            self.kind,
        )  # fmt: skip


class _Letters(_Step):
    ACTION = "letters"
    NEEDS = "trip"
    letters: str
    until: DaysAgo = 1
    late: dict[str, int] = {}  # letter key: days late
    unsent: tuple[str, ...] = ()  # letter keys

    def play(self, agency: DemoAgency) -> None:
        trip = agency.trips[self.letters]
        agency.send_letters(trip, trip.manager, self.late, self.unsent, self.until)


class _Book(_Step):
    ACTION = "book"
    NEEDS = "client"
    MAKES = ("trip",)
    book: str
    by: str
    place: int = Field(ge=0)
    departure_in_days: int
    booked: Moment
    extras: tuple[Extra, ...] = ()

    def play(self, agency: DemoAgency) -> None:
        clock = agency.clock
        agency.trips[self.book] = agency.book(
            agency.clients[self.book], agency.staff[self.by], self.place,
            clock.day(self.departure_in_days), clock.at(*self.booked), self.extras,
        )  # fmt: skip


class _InviteFeedback(_Step):
    ACTION = "invite_feedback"
    invite_feedback: Moment

    @property
    def person(self) -> str | None:
        return None

    def play(self, agency: DemoAgency) -> None:
        invite_feedback(agency.session, now=agency.clock.at(*self.invite_feedback))


class _Feedback(_Step):
    ACTION = "feedback"
    NEEDS = "trip"
    feedback: str
    at: Moment
    manager_rating: int
    trip_rating: int
    comment: str

    def play(self, agency: DemoAgency) -> None:
        agency.answer_feedback(
            agency.trips[self.feedback], agency.clock.at(*self.at), self.manager_rating,
            self.trip_rating, self.comment,
        )  # fmt: skip


class _Taken(_Entry):
    by: str
    at: Moment


class _StatusChange(_Entry):
    status: LeadStatus
    at: Moment
    reason: str | None = None


class _Lead(_Step):
    ACTION = "lead"
    lead: str
    place: int = Field(ge=0)
    at: Moment
    wishes: str | None = None
    taken: _Taken | None = None
    joins_client: bool = False  # the taker makes it the person's client (or joins theirs)
    statuses: tuple[_StatusChange, ...] = ()  # moved on by whoever took it

    @model_validator(mode="after")
    def _taken_first(self) -> _Lead:
        if self.taken is None and (self.joins_client or self.statuses):
            raise ValueError("a lead nobody has taken joins no client and keeps its status")
        return self

    def staff(self) -> set[str]:
        return {self.taken.by} if self.taken else set()

    def makes(self) -> tuple[str, ...]:
        return ("client",) if self.joins_client else ()

    def play(self, agency: DemoAgency) -> None:
        clock, session = agency.clock, agency.session
        lead = agency.lead(agency.person(self.lead), self.place, clock.at(*self.at), self.wishes)
        if self.taken is None:
            return
        manager = agency.staff[self.taken.by]
        agency.take_lead(lead, manager, clock.at(*self.taken.at))
        if self.joins_client:
            agency.clients[self.lead] = client_for_lead(session, lead, manager)
        for change in self.statuses:
            change_status(
                session, lead, change.status, manager, change.reason, now=clock.at(*change.at)
            )


_STEPS: tuple[type[_Step], ...] = (
    _WonLead, _NewClient, _Call, _Letters, _Book, _InviteFeedback, _Feedback, _Lead,
)  # fmt: skip
_ACTIONS = tuple(step.ACTION for step in _STEPS)


def _action(step: Any) -> str | None:
    """The step's kind: the first of its keys that names one."""
    if isinstance(step, dict):
        return next((key for key in step if key in _ACTIONS), None)
    return getattr(step, "ACTION", None)


Step = Annotated[
    Annotated[_WonLead, Tag("won_lead")]
    | Annotated[_NewClient, Tag("new_client")]
    | Annotated[_Call, Tag("call")]
    | Annotated[_Letters, Tag("letters")]
    | Annotated[_Book, Tag("book")]
    | Annotated[_InviteFeedback, Tag("invite_feedback")]
    | Annotated[_Feedback, Tag("feedback")]
    | Annotated[_Lead, Tag("lead")],
    Discriminator(
        _action,
        custom_error_type="demo_step",
        custom_error_message=f"a step starts with one of: {', '.join(_ACTIONS)}",
    ),
]


class Story(_Entry):
    about: str
    steps: tuple[Step, ...]

    def staff(self) -> set[str]:
        return set().union(*(step.staff() for step in self.steps))


class DemoPeople(_Entry):
    """The whole file."""

    admin: Account
    role_accounts: tuple[RoleAccount, ...]
    managers: dict[str, DemoManager]
    places: tuple[Place, ...] = Field(min_length=1)
    people: dict[str, Person]
    stories: dict[str, Story]

    def staff(self) -> set[str]:
        """Who a story's `by` may name: a manager, the director, a role's demo log-in."""
        return {*self.managers, "admin", *(account.role.value for account in self.role_accounts)}

    @model_validator(mode="after")
    def _references(self) -> DemoPeople:
        """Every name a step gives is someone's, and every client and trip it works on was
        made by an earlier step of its story (a story may be left out on its own)."""
        problems = []
        roles = [account.role.value for account in self.role_accounts]
        for key in sorted(set(self.managers) & {"admin", *roles}):
            problems.append(f"managers.{key}: the name of the admin or of a role's log-in")
        staff = self.staff()
        for name, story in self.stories.items():
            made: dict[str, set[str]] = {"client": set(), "trip": set()}
            for number, step in enumerate(story.steps):
                where = f"stories.{name}.steps[{number}] ({step.ACTION})"
                person = step.person
                if person is not None and person not in self.people:
                    problems.append(f"{where}: {person!r} is not one of the people")
                elif step.NEEDS and person not in made[step.NEEDS]:
                    problems.append(
                        f"{where}: no earlier step of the story made {person!r} a {step.NEEDS}"
                    )
                for who in sorted(step.staff() - staff):
                    problems.append(f"{where}: {who!r} is not a manager, admin or a role")
                for kind in step.makes():
                    made[kind].add(person)
        if problems:
            raise ValueError("\n".join(problems))
        return self


class DemoDataError(ValueError):
    """The demo's file is not as this module reads it."""


def _where(location: tuple[int | str, ...]) -> str:
    """A place in the file as its keys and list positions: stories.director.steps[2].call."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in location)[1:]


def load_demo_people(path: Path = DEMO_PEOPLE_FILE) -> DemoPeople:
    """The file, checked; DemoDataError naming each entry that is wrong, and how."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return DemoPeople.model_validate(data)
    except ValidationError as error:
        mistakes = []
        for item in error.errors():
            where = _where(tuple(item["loc"]))
            # The file-wide checks name their entries themselves, one a line.
            for line in item["msg"].removeprefix("Value error, ").splitlines():
                mistakes.append(f"  {where}: {line}" if where else f"  {line}")
        listed = "\n".join(mistakes)
        raise DemoDataError(f"{path} (list positions count from 0):\n{listed}") from None


DEMO_PEOPLE = load_demo_people()
DEMO_ADMIN_EMAIL = DEMO_PEOPLE.admin.email
# The demo's managers: e-mail, name, calls a day on their plan.
DEMO_MANAGERS = tuple(
    (manager.email, manager.name, manager.calls_a_day) for manager in DEMO_PEOPLE.managers.values()
)
