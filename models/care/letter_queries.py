"""The letters a manager has to write: planned, due today or overdue, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.accounts.users import User
from models.care.clients import Client
from models.care.letter_schedule import letter_label
from models.care.trips import LetterStatus, Trip, TripLetter, TripStatus


class DueLetterFilters(BaseModel):
    """Whose letters: the manager's own ("mine", the default) or everyone's ("all")."""

    model_config = ConfigDict(extra="ignore")

    manager: Literal["mine", "all"] = "mine"

    @field_validator("manager", mode="before")
    @classmethod
    def mine_by_default(cls, value):
        return "mine" if value in (None, "") else value


@dataclass(frozen=True, slots=True)
class DueLetter:
    letter_id: int
    key: str
    label: str  # "2-week letter"
    due_on: date
    days_overdue: int  # 0: due today
    trip_id: int
    hotel_name: str
    departure_date: date
    client_id: int
    client_name: str
    manager_name: str | None


def due_letters(session: Session, today: date, manager: User | None = None) -> list[DueLetter]:
    """Planned letters of booked trips due on or before `today` (the agency's date), the
    most overdue first; only `manager`'s trips when given."""
    # Only the columns the list shows: a network's "all" is thousands of letters, and
    # loading each as a whole letter and trip (bodies, extras) costs far more.
    query = (
        select(
            TripLetter.id,
            TripLetter.template_key,
            TripLetter.due_on,
            Trip.id.label("trip_id"),
            Trip.hotel_name,
            Trip.departure_date,
            Trip.client_id,
            Client.name.label("client_name"),
            User,
        )
        .join(Trip, TripLetter.trip_id == Trip.id)
        .join(Client, Trip.client_id == Client.id)
        .outerjoin(User, Trip.manager_id == User.id)
        .where(
            TripLetter.status == LetterStatus.PLANNED,
            TripLetter.due_on <= today,
            Trip.status == TripStatus.BOOKED,
        )
        .order_by(TripLetter.due_on, Trip.departure_date, TripLetter.id)
    )
    if manager is not None:
        query = query.where(Trip.manager_id == manager.id)
    return [
        DueLetter(
            letter_id=row.id,
            key=row.template_key,
            label=letter_label(row.template_key),
            due_on=row.due_on,
            days_overdue=(today - row.due_on).days,
            trip_id=row.trip_id,
            hotel_name=row.hotel_name,
            departure_date=row.departure_date,
            client_id=row.client_id,
            client_name=row.client_name,
            manager_name=row.User.display_name if row.User else None,
        )
        for row in session.execute(query)
    ]
