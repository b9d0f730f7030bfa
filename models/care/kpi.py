"""The managers' monthly KPI report: the agency's bonus rule, with the figures behind it.

A month is a calendar month in the agency's time zone. Each manager scores three parts,
each from 0 to 1, weighed by settings `kpi_weights` (default 50 / 30 / 20) into points
out of 100:

- sales: distinct clients who bought a tour (a booked trip created in the month) after
  their first contact with this manager (the client's earliest contact of all was this
  manager's, and the trip was created after it); min(1, clients / `kpi_sales_target`).
- feedback: the average manager rating of the feedback submitted in the month on this
  manager's trips, 1 star -> 0 and 5 stars -> 1. No ratings score 0 (a bonus is earned by
  ratings, not by their absence) and the report says "no ratings".
- procedure: the mean of two ratios, each left out when it has nothing to count (when
  both are, the part scores 0 and the report says so):
  letters sent on time: the manager's trips' letters due in the month, sent on or before
  their due date (the agency's date) / those letters, skipped and cancelled ones left
  out. A letter counts once its outcome is known: when sent, or when its due day has
  passed unsent (late); a letter due today and not sent yet is not counted yet.
  calls logged: the manager's calls in the month / (their daily plan x the working days,
  Monday to Friday, of the month elapsed so far, today included), capped at 1.

Arithmetic is exact (fractions); scores are shown to 4 places and points to 2, the total
rounded from the exact sum. `kpi_history` gives the same rows for a run of months (the
KPI page's charts), one query per part for all of them; `kpi_report` is its one month.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, distinct, func, literal, or_, select
from sqlalchemy.orm import Session

from models.accounts.users import Capability, User, UserRole
from models.agency_time import agency_midnight, agency_today
from models.base import UTCDateTime, utcnow
from models.care.clients import ClientContact, ContactKind
from models.care.trips import Feedback, LetterStatus, Trip, TripLetter, TripStatus
from tourscope.foundation.settings import get_settings

PARTS = ("sales", "feedback", "procedure")


class BadMonth(ValueError):
    """A month that is not YYYY-MM."""


def parse_month(text: str) -> date:
    """The first day of a "YYYY-MM" month; BadMonth with the reason otherwise."""
    parts = text.strip().split("-")
    if (
        len(parts) != 2
        or not all(part.isascii() and part.isdigit() for part in parts)
        or len(parts[0]) != 4
        or len(parts[1]) != 2
    ):
        raise BadMonth(f"the month must look like 2026-03, not {text[:20]!r}")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        raise BadMonth(f"there is no month {month} in a year")
    if year < 2000:
        raise BadMonth("the report starts in the year 2000")
    return date(year, month, 1)


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def current_month(now: datetime | None = None) -> date:
    return agency_today(now).replace(day=1)


def working_days(first: date, last: date) -> int:
    """Mondays to Fridays from `first` to `last`, both included (0 if last < first)."""
    return sum(1 for n in range((last - first).days + 1) if (first + timedelta(n)).weekday() < 5)


@dataclass(frozen=True)
class KpiRow:
    """One manager's month: the figures, each part's score (0-1) and points, the total."""

    month: date
    manager_id: int
    manager: str
    # Sales
    clients_bought: int
    sales_target: int
    # Feedback
    ratings: int
    average_rating: Decimal | None  # None: no ratings
    # Procedure
    letters_on_time: int
    letters_counted: int
    calls_logged: int
    calls_planned: int
    letters_ratio: Decimal | None  # None: nothing to count
    calls_ratio: Decimal | None  # capped at 1; None: no working day yet
    # Scores 0..1 and points out of the part's weight
    scores: dict[str, Decimal]
    points: dict[str, Decimal]
    total: Decimal


def _score(value: Fraction) -> Decimal:
    return _decimal(value, "0.0001")


def _decimal(value: Fraction, places: str) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(places), rounding=ROUND_HALF_UP)


class _Months:
    """Consecutive months counted together: one query per KPI part finds each manager's
    figures for all of them, grouped by month (a chart of 12 months x N managers is then
    four queries, not 12 x N x 4)."""

    def __init__(self, first: date, last: date) -> None:
        self.firsts = [first]
        while self.firsts[-1] < last:
            self.firsts.append(next_month(self.firsts[-1]))
        self.start = agency_midnight(first)
        self.end = agency_midnight(next_month(last))

    def index(self, column: ColumnElement) -> ColumnElement[int]:
        """Which of the months (0, 1, ...) an instant falls in, by the agency's midnights.

        Worked out in Python and sent as a CASE: the zone's rules live here, not in SQL.
        """
        return case(
            *(
                (column < agency_midnight(next_month(first)), index)
                for index, first in enumerate(self.firsts)
            )
        )

    def day_index(self, column: ColumnElement) -> ColumnElement[int]:
        """Which of the months a date (the agency's, as letters are due) falls in."""
        return case(
            *((column < next_month(first), index) for index, first in enumerate(self.firsts))
        )

    def keyed(self, rows) -> dict[tuple[int, date], tuple]:
        """(manager, month's first day) -> the rest of each (manager, month index, ...) row."""
        return {(manager_id, self.firsts[index]): rest for manager_id, index, *rest in rows}


def _grouped(session: Session, query: Select, *aggregates: Callable[[Any], ColumnElement]):
    """(manager, month index, aggregates...) rows of a query with `manager_id` and `month`
    columns. Grouped outside it: grouping by the month's CASE itself fails on PostgreSQL,
    whose bound parameters differ between the SELECT's copy and the GROUP BY's."""
    inner = query.subquery()
    return session.execute(
        select(
            inner.c.manager_id, inner.c.month, *(aggregate(inner.c) for aggregate in aggregates)
        ).group_by(inner.c.manager_id, inner.c.month)
    )


def _sales(session: Session, ids: list[int], months: _Months) -> dict[tuple[int, date], tuple]:
    """Distinct clients, by the manager of their first contact, who bought after it."""
    start, end = months.start, months.end
    buyers = select(Trip.client_id).where(
        Trip.status == TripStatus.BOOKED, Trip.created_at >= start, Trip.created_at < end
    )
    # Only the months' buyers can count, and a contact from the last month's end on
    # cannot come before their trip: ranking just those contacts finds the same first
    # contacts without sorting every contact ever logged. (A client's first contact is
    # the same for every month: one after the trip fails `created_at > at` anyway.)
    ranked = (
        select(
            ClientContact.client_id,
            ClientContact.manager_id,
            ClientContact.at,
            func.row_number()
            .over(
                partition_by=ClientContact.client_id,
                order_by=(ClientContact.at, ClientContact.id),
            )
            .label("rank"),
        )
        .where(ClientContact.client_id.in_(buyers), ClientContact.at < end)
        .subquery()
    )
    first = (
        select(ranked.c.client_id, ranked.c.manager_id, ranked.c.at)
        .where(ranked.c.rank == 1)
        .subquery()
    )
    bought = (
        select(
            first.c.manager_id.label("manager_id"),
            months.index(Trip.created_at).label("month"),
            Trip.client_id.label("client_id"),
        )
        .join(Trip, Trip.client_id == first.c.client_id)
        .where(
            first.c.manager_id.in_(ids),
            Trip.status == TripStatus.BOOKED,
            Trip.created_at >= start,
            Trip.created_at < end,
            Trip.created_at > first.c.at,
        )
    )
    return months.keyed(_grouped(session, bought, lambda c: func.count(distinct(c.client_id))))


def _feedback(session: Session, ids: list[int], months: _Months) -> dict[tuple[int, date], tuple]:
    """(number of ratings, their sum) of the manager ratings submitted in each month."""
    ratings = (
        select(
            Trip.manager_id.label("manager_id"),
            months.index(Feedback.submitted_at).label("month"),
            Feedback.manager_rating.label("rating"),
        )
        .join(Trip, Feedback.trip_id == Trip.id)
        .where(
            Trip.manager_id.in_(ids),
            Feedback.submitted_at >= months.start,
            Feedback.submitted_at < months.end,
        )
    )
    return months.keyed(
        _grouped(session, ratings, lambda c: func.count(), lambda c: func.sum(c.rating))
    )


def _letters(
    session: Session, ids: list[int], months: _Months, today: date
) -> dict[tuple[int, date], tuple]:
    """(on time, counted) letters of the manager's trips due in each month."""
    first, last = months.firsts[0], next_month(months.firsts[-1]) - timedelta(days=1)
    # On time: sent before the agency's midnight that ends its due day.
    day_end = _day_ends(first, last, get_settings().agency_timezone)
    sent = and_(TripLetter.status == LetterStatus.SENT, TripLetter.sent_at.is_not(None))
    # A letter not sent is judged once its due day has passed.
    counted = or_(sent, TripLetter.due_on < today)
    on_time = and_(sent, TripLetter.sent_at < day_end)
    letters = (
        select(
            Trip.manager_id.label("manager_id"),
            months.day_index(TripLetter.due_on).label("month"),
            case((on_time, 1), else_=0).label("on_time"),
            case((counted, 1), else_=0).label("counted"),
        )
        .join(Trip, TripLetter.trip_id == Trip.id)
        .where(
            Trip.manager_id.in_(ids),
            TripLetter.due_on >= first,
            TripLetter.due_on <= last,
            # Skipped and cancelled letters are left out (named by what is kept, so the
            # status-and-date index serves it).
            TripLetter.status.in_([LetterStatus.PLANNED, LetterStatus.SENT]),
        )
    )
    return months.keyed(
        _grouped(session, letters, lambda c: func.sum(c.on_time), lambda c: func.sum(c.counted))
    )


@lru_cache(maxsize=16)
def _day_ends(first: date, last: date, zone: str) -> ColumnElement[datetime]:
    """The agency's midnight ending a letter's due day, for the days `first` to `last`.

    The midnights are worked out here (the zone's rules live in Python), so the database
    counts the letters instead of sending every one of them over. A year's CASE is 366
    branches, whose building costs more than the query runs: the same window (a page's
    months, again and again) reuses it; `zone` is in the key as the settings may change.
    """
    return case(
        {
            first + timedelta(days=n): literal(
                agency_midnight(first + timedelta(days=n + 1)), UTCDateTime()
            )
            for n in range((last - first).days + 1)
        },
        value=TripLetter.due_on,
    )


def _calls(session: Session, ids: list[int], months: _Months) -> dict[tuple[int, date], tuple]:
    # count(*), not count(id): an index on (manager, kind, time) then answers it alone.
    calls = select(
        ClientContact.manager_id.label("manager_id"),
        months.index(ClientContact.at).label("month"),
    ).where(
        ClientContact.manager_id.in_(ids),
        ClientContact.kind == ContactKind.CALL,
        ClientContact.at >= months.start,
        ClientContact.at < months.end,
    )
    return months.keyed(_grouped(session, calls, lambda c: func.count()))


def report_managers(session: Session, viewer: User) -> list[User]:
    """Whose rows a viewer sees: an admin everyone's but admins' (every role that does
    the agency's work: callers, sales, account managers, managers), others only their own."""
    if not viewer.may(Capability.ADMIN):
        return [viewer]
    return list(
        session.scalars(
            select(User)
            .where(User.active, User.role != UserRole.ADMIN)
            .order_by(User.name, User.email)
        )
    )


def kpi_report(
    session: Session, month: date, managers: list[User], now: datetime | None = None
) -> list[KpiRow]:
    """The KPI rows of `managers` for the month beginning on `month` (a first day)."""
    first = month.replace(day=1)
    figures = _Figures(session, managers, _Months(first, first), now)
    return [figures.row(manager, first) for manager in managers]


def kpi_history(
    session: Session,
    last: date,
    managers: list[User],
    months: int = 12,
    now: datetime | None = None,
) -> dict[int, list[KpiRow]]:
    """Each manager's KPI rows, month by month, for the `months` months ending with the
    one beginning on `last`: the same rows kpi_report gives for each of those months.

    A manager's series starts no earlier than the month their account was created (the
    months before it would be zeros that mean nothing), and always holds `last` itself.
    """
    if not managers:
        return {}
    last = last.replace(day=1)
    earliest = last
    for _ in range(months - 1):
        earliest = previous_month(earliest)
    starts = {
        manager.id: max(earliest, min(last, _joined(manager, earliest))) for manager in managers
    }
    figures = _Figures(session, managers, _Months(min(starts.values()), last), now)
    return {
        manager.id: [
            figures.row(manager, first)
            for first in figures.months.firsts
            if first >= starts[manager.id]
        ]
        for manager in managers
    }


def _joined(manager: User, default: date) -> date:
    """The first day of the month the manager's account was created (the agency's)."""
    return agency_today(manager.created_at).replace(day=1) if manager.created_at else default


class _Figures:
    """The managers' figures for some months, four queries in all, and the rows they make."""

    def __init__(
        self, session: Session, managers: list[User], months: _Months, now: datetime | None
    ) -> None:
        settings = get_settings()
        self.months = months
        self.today = agency_today(now or utcnow())
        self.sales_target = settings.kpi_sales_target
        self.call_plan = settings.call_plan_per_day
        self.weights = {part: Fraction(str(settings.kpi_weights[part])) for part in PARTS}
        ids = [manager.id for manager in managers]
        self.sales = _sales(session, ids, months)
        self.feedback = _feedback(session, ids, months)
        self.letters = _letters(session, ids, months, self.today)
        self.calls = _calls(session, ids, months)

    def row(self, manager: User, first: date) -> KpiRow:
        key = (manager.id, first)
        last = next_month(first) - timedelta(days=1)
        (clients,) = self.sales.get(key, (0,))
        sales_score = min(Fraction(1), Fraction(clients, self.sales_target))

        ratings, rating_sum = self.feedback.get(key, (0, 0))
        average = Fraction(int(rating_sum), ratings) if ratings else None
        feedback_score = (average - 1) / 4 if average is not None else Fraction(0)

        on_time, counted = (int(n) for n in self.letters.get(key, (0, 0)))
        letters_ratio = Fraction(on_time, counted) if counted else None
        (logged,) = self.calls.get(key, (0,))
        # Calls are planned for the working days the account existed this month so far.
        joined = agency_today(manager.created_at) if manager.created_at else first
        planned_days = working_days(max(first, joined), min(last, self.today))
        planned = (manager.daily_call_plan or self.call_plan) * planned_days
        calls_ratio = min(Fraction(1), Fraction(logged, planned)) if planned else None
        measured = [ratio for ratio in (letters_ratio, calls_ratio) if ratio is not None]
        procedure_score = sum(measured, Fraction(0)) / len(measured) if measured else Fraction(0)

        scores = {"sales": sales_score, "feedback": feedback_score, "procedure": procedure_score}
        exact_points = {part: self.weights[part] * scores[part] for part in PARTS}
        return KpiRow(
            month=first,
            manager_id=manager.id,
            manager=manager.display_name,
            clients_bought=clients,
            sales_target=self.sales_target,
            ratings=ratings,
            average_rating=_decimal(average, "0.01") if average is not None else None,
            letters_on_time=on_time,
            letters_counted=counted,
            calls_logged=logged,
            calls_planned=planned,
            letters_ratio=_score(letters_ratio) if letters_ratio is not None else None,
            calls_ratio=_score(calls_ratio) if calls_ratio is not None else None,
            scores={part: _score(scores[part]) for part in PARTS},
            points={part: _decimal(exact_points[part], "0.01") for part in PARTS},
            total=_decimal(sum(exact_points.values(), Fraction(0)), "0.01"),
        )


# --- CSV ---------------------------------------------------------------------------------

CSV_HEADER = [
    "month",
    "manager",
    "clients bought after first contact",
    "sales target",
    "sales score",
    "sales points",
    "ratings",
    "average manager rating",
    "feedback score",
    "feedback points",
    "letters on time",
    "letters counted",
    "letters on time ratio",
    "calls logged",
    "calls planned",
    "calls ratio",
    "procedure score",
    "procedure points",
    "total points",
]


def csv_safe(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ (or a tab or carriage
    return) would run as a formula, so it gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def kpi_csv(rows: list[KpiRow]) -> str:
    """The report as CSV: a header row, then one row per manager."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        cells = [
            f"{row.month:%Y-%m}",
            row.manager,
            row.clients_bought,
            row.sales_target,
            row.scores["sales"],
            row.points["sales"],
            row.ratings,
            row.average_rating if row.average_rating is not None else "no ratings",
            row.scores["feedback"],
            row.points["feedback"],
            row.letters_on_time,
            row.letters_counted,
            row.letters_ratio if row.letters_ratio is not None else "",
            row.calls_logged,
            row.calls_planned,
            row.calls_ratio if row.calls_ratio is not None else "",
            row.scores["procedure"],
            row.points["procedure"],
            row.total,
        ]
        writer.writerow([csv_safe(cell) for cell in cells])
    return buffer.getvalue()
