"""What the scheduler and the admins need to know about past crawls."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.catalog.hotels import Operator
from models.crawls.runs import CrawlRun


def last_crawl_starts(session: Session) -> dict[str, datetime]:
    """When each operator's latest crawl started, by operator code."""
    rows = session.execute(
        select(Operator.code, func.max(CrawlRun.started_at))
        .join(CrawlRun, CrawlRun.operator_id == Operator.id)
        .group_by(Operator.code)
    )
    return dict(rows.all())


def disabled_operator_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Operator.code).where(Operator.enabled.is_(False))))
