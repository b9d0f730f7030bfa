"""The back office's view of leads: the filtered list (high value first) and one lead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from models.accounts.users import User
from models.leads.records import Lead, LeadEvent, LeadStatus
from models.leads.scoring import scoring_rules
from models.paging import fetch_page

LEADS_PAGE_SIZE = 25


class ScoreBand(StrEnum):
    """High: at the scoring rules' `high_value` or more; medium: half of it or more."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


def band_thresholds() -> tuple[int, int]:
    """(medium, high): the lowest score of each band."""
    high = scoring_rules().high_value
    return max(1, high // 2), high


def score_band(score: int) -> ScoreBand:
    medium, high = band_thresholds()
    if score >= high:
        return ScoreBand.HIGH
    return ScoreBand.MEDIUM if score >= medium else ScoreBand.LOW


class LeadFilters(BaseModel):
    """The leads list's filters, as the filter form sends them (empty means any)."""

    model_config = ConfigDict(extra="ignore")

    status: LeadStatus | None = None
    band: ScoreBand | None = None
    # "mine", "unassigned" or a user's id.
    manager: Literal["mine", "unassigned"] | int | None = None
    created_from: date | None = None
    created_to: date | None = None
    page: int = Field(1, ge=1, le=10_000)

    @field_validator("*", mode="before")
    @classmethod
    def empty_is_any(cls, value):
        return None if value == "" else value

    @field_validator("page", mode="before")
    @classmethod
    def first_page_by_default(cls, value):
        return 1 if value in (None, "") else value

    @model_validator(mode="after")
    def dates_in_order(self) -> LeadFilters:
        if self.created_from and self.created_to and self.created_from > self.created_to:
            raise ValueError("the 'from' date is after the 'to' date")
        return self

    def query_params(self) -> list[tuple[str, str]]:
        """The filters as a query string's pairs, without the page."""
        values = self.model_dump(exclude={"page"}, exclude_none=True, mode="json")
        return [(name, str(value)) for name, value in values.items()]


@dataclass(frozen=True)
class LeadRow:
    id: int
    created_at: datetime
    status: str
    score: int
    band: ScoreBand
    score_reasons: list[str]
    name: str
    hotel: str | None
    price: str | None
    currency: str | None
    assigned_to: str | None
    source: str


@dataclass(frozen=True)
class LeadPage:
    rows: list[LeadRow]
    total: int
    page: int
    pages: int


def _conditions(filters: LeadFilters, me: User) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.status:
        conditions.append(Lead.status == filters.status.value)
    if filters.band:
        medium, high = band_thresholds()
        conditions.append(
            {
                ScoreBand.HIGH: Lead.score >= high,
                ScoreBand.MEDIUM: Lead.score.between(medium, high - 1),
                ScoreBand.LOW: Lead.score < medium,
            }[filters.band]
        )
    if filters.manager == "mine":
        conditions.append(Lead.assigned_to_id == me.id)
    elif filters.manager == "unassigned":
        conditions.append(Lead.assigned_to_id.is_(None))
    elif isinstance(filters.manager, int):
        conditions.append(Lead.assigned_to_id == filters.manager)
    if filters.created_from:
        conditions.append(Lead.created_at >= datetime.combine(filters.created_from, time(), UTC))
    if filters.created_to:
        end = datetime.combine(filters.created_to + timedelta(days=1), time(), UTC)
        conditions.append(Lead.created_at < end)
    return conditions


def lead_list(
    session: Session, filters: LeadFilters, me: User, page_size: int = LEADS_PAGE_SIZE
) -> LeadPage:
    """The leads matching the filters, high score first, then newest first."""
    query = select(Lead).where(*_conditions(filters, me))
    leads, total, page, pages = fetch_page(
        session,
        query.order_by(Lead.score.desc(), Lead.created_at.desc(), Lead.id.desc()),
        filters.page,
        page_size,
        selectinload(Lead.assigned_to),
    )
    return LeadPage(rows=[_row(lead) for lead in leads], total=total, page=page, pages=pages)


def _row(lead: Lead) -> LeadRow:
    snapshot = lead.snapshot or {}
    return LeadRow(
        id=lead.id,
        created_at=lead.created_at,
        status=lead.status,
        score=lead.score,
        band=score_band(lead.score),
        score_reasons=list(lead.score_reasons or []),
        name=lead.name,
        hotel=snapshot.get("hotel"),
        price=None if snapshot.get("price") is None else str(snapshot["price"]),
        currency=snapshot.get("currency"),
        assigned_to=lead.assigned_to.display_name if lead.assigned_to else None,
        source=lead.source,
    )


def status_counts(session: Session) -> dict[str, int]:
    """How many leads are in each status (every status present, zero included)."""
    counts = dict.fromkeys((status.value for status in LeadStatus), 0)
    rows = session.execute(select(Lead.status, func.count()).group_by(Lead.status))
    counts.update({status: count for status, count in rows})
    return counts


def lead_with_history(session: Session, lead_id: int) -> Lead | None:
    """The lead, its manager and its whole history with each event's actor."""
    return session.scalar(
        select(Lead)
        .where(Lead.id == lead_id)
        .options(
            selectinload(Lead.assigned_to),
            selectinload(Lead.events).selectinload(LeadEvent.actor),
        )
        .execution_options(populate_existing=True)
    )
