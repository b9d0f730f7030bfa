"""The contact centre's day: each manager's call list, the daily plan, progress, outcomes.

"Today" is a day in the agency's time zone (settings `agency_timezone`), not the server's
nor UTC's: a call at 22:30 UTC on the 1st is a call of the 2nd in Moscow, so the day's
progress counts contacts between the agency's local midnights, taken as UTC instants.
Callers own the transaction: these functions change and flush, the route commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from models.accounts.users import Capability, User
from models.agency_time import agency_day_bounds, agency_today
from models.base import utcnow
from models.care.clients import CallOutcome, Client, ClientContact, ContactKind
from models.leads.records import Lead, LeadEvent, LeadEventKind, LeadSource, LeadStatus
from tourscope.foundation.i18n import lazy_gettext
from tourscope.foundation.settings import get_settings

# The call list shows at most this many clients at once; the day's plan is far smaller.
CALL_LIST_LIMIT = 200
PLAN_RANGE = (1, 1000)

# Shown in the reader's language (lazy: translated when shown).
OUTCOME_LABELS = {
    CallOutcome.NO_ANSWER: lazy_gettext("no answer"),
    CallOutcome.NOT_INTERESTED: lazy_gettext("not interested"),
    CallOutcome.WARM: lazy_gettext("warm: handed over"),
    CallOutcome.BOOKED: lazy_gettext("booked"),
    CallOutcome.TALKED: lazy_gettext("talked"),
}
KIND_LABELS = {
    ContactKind.CALL: lazy_gettext("call"),
    ContactKind.EMAIL: lazy_gettext("e-mail"),
    ContactKind.MEETING: lazy_gettext("meeting"),
    ContactKind.MESSAGE: lazy_gettext("message"),
}


class CallError(ValueError):
    """A contact or plan change is refused; the message says why, in one sentence."""


def daily_plan(manager: User) -> int:
    """Calls a day on the manager's plan: their own figure, else the agency's default."""
    return manager.daily_call_plan or get_settings().call_plan_per_day


def set_daily_plan(session: Session, manager: User, plan: int | None) -> None:
    """Give a manager their own daily plan (None: back to the agency's default)."""
    low, high = PLAN_RANGE
    if plan is not None and not low <= plan <= high:
        raise CallError(f"a daily plan is between {low} and {high} calls")
    manager.daily_call_plan = plan
    session.flush()


@dataclass(frozen=True)
class CallListRow:
    client: Client
    # Days since the planned call (0: due today); None for a client never contacted.
    days_overdue: int | None
    last_contact: ClientContact | None


@dataclass(frozen=True)
class CallList:
    rows: list[CallListRow]
    total: int
    today: date


def _never_contacted() -> ColumnElement[bool]:
    return ~select(ClientContact.id).where(ClientContact.client_id == Client.id).exists()


def call_list(
    session: Session, manager: User, today: date | None = None, limit: int = CALL_LIST_LIMIT
) -> CallList:
    """The manager's clients to call: due by today (most overdue first), then those of
    theirs never contacted (oldest record first); never a client who asked not to be called.
    """
    today = today or agency_today()
    due = and_(Client.next_call_on.is_not(None), Client.next_call_on <= today)
    fresh = and_(Client.next_call_on.is_(None), _never_contacted())
    conditions = (
        Client.manager_id == manager.id,
        Client.do_not_call.is_(False),
        or_(due, fresh),
    )
    total = session.scalar(select(func.count()).select_from(Client).where(*conditions)) or 0
    clients = session.scalars(
        select(Client)
        .where(*conditions)
        # NULLs (never contacted) after every date, on both databases.
        .order_by(Client.next_call_on.is_(None), Client.next_call_on, Client.id)
        .limit(limit)
    ).all()
    last_contacts = _last_contacts(session, [client.id for client in clients])
    rows = [
        CallListRow(
            client=client,
            days_overdue=(today - client.next_call_on).days if client.next_call_on else None,
            last_contact=last_contacts.get(client.id),
        )
        for client in clients
    ]
    return CallList(rows=rows, total=total, today=today)


def _last_contacts(session: Session, client_ids: list[int]) -> dict[int, ClientContact]:
    """Each client's latest contact, by client id: only the latest is loaded, not every
    contact of every client on the list (a regular's history runs to dozens)."""
    if not client_ids:
        return {}
    ranked = (
        select(
            ClientContact,
            func.row_number()
            .over(
                partition_by=ClientContact.client_id,
                order_by=(ClientContact.at.desc(), ClientContact.id.desc()),
            )
            .label("recency"),
        )
        .where(ClientContact.client_id.in_(client_ids))
        .subquery()
    )
    latest = aliased(ClientContact, ranked)
    contacts = session.scalars(select(latest).where(ranked.c.recency == 1))
    return {contact.client_id: contact for contact in contacts}


@dataclass(frozen=True)
class DayProgress:
    day: date
    plan: int
    calls: int
    outcomes: dict[CallOutcome, int]

    @property
    def to_go(self) -> int:
        return max(0, self.plan - self.calls)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.calls / self.plan)) if self.plan else 100


def day_progress(session: Session, manager: User, day: date | None = None) -> DayProgress:
    """The calls the manager logged on the agency's `day` (default today) against their
    plan, with how many ended in each outcome."""
    day = day or agency_today()
    start, end = agency_day_bounds(day)
    rows = session.execute(
        select(ClientContact.outcome, func.count())
        .where(
            ClientContact.manager_id == manager.id,
            ClientContact.kind == ContactKind.CALL.value,
            ClientContact.at >= start,
            ClientContact.at < end,
        )
        .group_by(ClientContact.outcome)
    )
    outcomes = dict.fromkeys(CallOutcome, 0)
    for outcome, count in rows:
        outcomes[CallOutcome(outcome)] = count
    return DayProgress(
        day=day, plan=daily_plan(manager), calls=sum(outcomes.values()), outcomes=outcomes
    )


def _choice(enum, value: str, what: str):
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise CallError(f"choose the {what} ({choices})") from None


def log_contact(
    session: Session,
    client: Client,
    manager: User,
    kind: str,
    outcome: str,
    note: str | None = None,
    next_call_on: date | None = None,
    handed_to: User | None = None,
    now: datetime | None = None,
) -> ClientContact:
    """Record a call or other contact and what it decides for the next call.

    no answer: call again on the given date, by default tomorrow; not interested and
    booked: off the call list; warm: the client goes to another (active) user who works
    leads, is on their call list today and a new lead assigned to them; talked: the next
    call as given (none: off the list).
    A next call date before today is refused, and a refusal changes nothing.
    """
    now = now or utcnow()
    today = agency_today(now)
    kind = _choice(ContactKind, kind, "kind of contact")
    outcome = _choice(CallOutcome, outcome, "outcome")
    if next_call_on is not None and next_call_on < today:
        raise CallError(
            f"the next call date {next_call_on.isoformat()} is in the past; "
            f"choose today ({today.isoformat()}) or later"
        )
    if outcome is CallOutcome.WARM:
        if handed_to is None:
            raise CallError("a warm client needs a sales manager to hand over to")
        if handed_to.id == manager.id or not handed_to.active:
            raise CallError("hand a warm client over to another active manager")
        if not handed_to.may(Capability.LEADS):
            # A cold caller or account manager would never see the lead it becomes.
            raise CallError(f"{handed_to.display_name} does not work leads; choose a sales manager")
    else:
        handed_to = None

    if outcome is CallOutcome.NO_ANSWER:
        client.next_call_on = next_call_on or today + timedelta(days=1)
    elif outcome in (CallOutcome.NOT_INTERESTED, CallOutcome.BOOKED):
        client.next_call_on = None
    elif outcome is CallOutcome.WARM:
        client.manager = handed_to
        client.next_call_on = next_call_on or today
    else:
        client.next_call_on = next_call_on
    contact = ClientContact(
        client=client,
        manager=manager,
        at=now,
        kind=kind.value,
        outcome=outcome.value,
        note=(note or "").strip() or None,
        handed_to=handed_to,
    )
    session.add(contact)
    if outcome is CallOutcome.WARM:
        warm_lead(session, client, manager, handed_to, contact.note, now)
    session.flush()
    return contact


def warm_lead(
    session: Session, client: Client, caller: User, sales: User, note: str | None, now: datetime
) -> Lead:
    """The lead a warm call becomes: the client's contacts, what they said, assigned to
    the sales manager it was handed to, so it is on their leads list to work to a sale.
    Its history's first entry names the caller."""
    lead = Lead(
        created_at=now,
        status=LeadStatus.NEW,
        name=client.name[:100],
        phone=client.phone,
        email=client.email,
        wishes=note,
        consent=True,  # they talked to the caller and want to hear more
        source=LeadSource.CALL,
        snapshot={},
        assigned_to=sales,
        language=client.language,
        client=client,
    )
    session.add(lead)
    session.flush()
    session.add(
        LeadEvent(
            lead_id=lead.id,
            at=now,
            actor_id=caller.id,
            kind=LeadEventKind.CREATED,
            to_status=lead.status,
        )
    )
    return lead
