"""The counts the operations metrics publish (webapp/metrics.py): crawl outcomes per
operator, and the outbox's depth. Read from the database at each scrape, so they are the
same whichever process (a crawl, the scheduler, a web worker) did the work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.catalog.hotels import Operator
from models.crawls.health import drop_reasons
from models.crawls.runs import CrawlRun
from models.leads.records import OutboxMessage


@dataclass(frozen=True)
class CrawlTotals:
    operator: str
    status: str
    runs: int
    offers_stored: int
    offers_dropped: int


def crawl_totals(session: Session) -> list[CrawlTotals]:
    """Crawl runs, offers stored and offers dropped, per operator and run status."""
    rows = session.execute(
        select(
            Operator.code,
            CrawlRun.status,
            func.count(),
            func.coalesce(func.sum(CrawlRun.items_stored), 0),
            func.coalesce(func.sum(CrawlRun.items_dropped), 0),
        )
        .join(Operator, Operator.id == CrawlRun.operator_id)
        .group_by(Operator.code, CrawlRun.status)
        .order_by(Operator.code, CrawlRun.status)
    ).all()
    return [CrawlTotals(*row) for row in rows]


def last_run_drop_reasons(session: Session) -> dict[str, list[tuple[str, int]]]:
    """Each operator's offers dropped in its latest finished run, by reason."""
    latest = (
        select(func.max(CrawlRun.id))
        .where(CrawlRun.finished_at.is_not(None))
        .group_by(CrawlRun.operator_id)
    )
    rows = session.execute(
        select(Operator.code, CrawlRun.stats)
        .join(Operator, Operator.id == CrawlRun.operator_id)
        .where(CrawlRun.id.in_(latest))
    ).all()
    return {code: drop_reasons(stats) for code, stats in rows}


def outbox_depth(session: Session) -> dict[str, int]:
    """Messages in the outbox by status: pending (waiting to be sent), sent, failed."""
    rows = session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    return {str(status): count for status, count in rows}
