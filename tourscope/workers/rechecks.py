"""The re-check worker: asks the operator about each new lead's offer, off the web request.

The lead form commits the lead with a job in `recheck_jobs` and answers at once; this
worker (`tourscope rechecks`) takes the due jobs, a few at a time, and for each runs
`tourscope recheck OFFER --json` in a child process with a timeout (Scrapy's reactor runs
once per process, and a slow operator holds nothing but that child). The answer is stored
on the lead with its history entry, and the job closed, in one transaction; the visitor's
confirmation page shows it as soon as it is there.

Nothing is lost when a process stops: the job is a committed row. A job is claimed by
pushing its `next_attempt_at` a lease ahead, in an update only one worker can win; a
worker that dies leaves it to be claimed again when the lease is over, and after
MAX_ATTEMPTS claims it is answered "no answer". A lead already answered (by an earlier
attempt that died after storing it) is not asked twice.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.base import utcnow
from models.db import get_sessionmaker
from models.leads.intake import RecheckAnswer, judge_recheck, record_recheck
from models.leads.records import Lead, RecheckJob, RecheckJobStatus, RecheckStatus
from tourscope.foundation.settings import get_settings
from tourscope.workers.rounds import run_rounds

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# Scrapy needs a few seconds to start in the child process.
SCRAPY_START_SECONDS = 5


def lease(timeout: float) -> timedelta:
    """How long a claimed job stays reserved: the child's whole time, and some spare."""
    return timedelta(seconds=timeout + 60)


def ask_operator(offer_id: int, snapshot: dict[str, Any], timeout: float) -> RecheckAnswer:
    """Ask the operator about one offer (`tourscope recheck`, in a child process so a slow
    operator or Scrapy's reactor holds nothing else); no answer in time is an answer too.

    The answer is judged against the price the visitor was shown (the lead's snapshot).
    """
    command = [
        sys.executable,
        "-m",
        "tourscope.cli",
        "recheck",
        str(offer_id),
        "--json",
        "--timeout",
        str(max(1.0, timeout - SCRAPY_START_SECONDS)),
    ]
    try:
        # The same var directory as this worker's, wherever the child's working directory is.
        environment = {**os.environ, "TOURSCOPE_VAR_DIR": str(get_settings().var_dir)}
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=environment
        )
        answer = json.loads(result.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        return RecheckAnswer(RecheckStatus.NO_ANSWER, detail=f"no answer within {timeout:g} s")
    except (OSError, ValueError, IndexError):
        logger.exception("re-check of offer %s could not run", offer_id)
        return RecheckAnswer(RecheckStatus.NO_ANSWER, detail="the re-check could not run")
    price = Decimal(answer["price"]) if answer.get("price") else None
    expected = snapshot.get("operator_price")
    status = judge_recheck(
        {"gone": "gone", "no_answer": "no_answer"}.get(answer.get("status"), "found"),
        price,
        answer.get("currency"),
        Decimal(expected) if expected is not None else None,
        snapshot.get("operator_currency"),
    )
    return RecheckAnswer(status, price, answer.get("currency"), answer.get("detail") or "")


@dataclass
class RecheckReport:
    answered: int = 0  # answers stored on leads
    skipped: int = 0  # jobs whose lead was answered already (or is gone)


def _claim(session: Session, job_id: int, now: datetime, timeout: float) -> bool:
    """Reserve one due job for this worker; False when another worker got it first."""
    claimed = session.execute(
        update(RecheckJob)
        .where(
            RecheckJob.id == job_id,
            RecheckJob.status == RecheckJobStatus.PENDING,
            RecheckJob.next_attempt_at <= now,
        )
        .values(attempts=RecheckJob.attempts + 1, next_attempt_at=now + lease(timeout))
    ).rowcount
    session.commit()
    return claimed == 1


def _close(session: Session, job: RecheckJob, error: str | None = None) -> None:
    job.status = RecheckJobStatus.DONE
    job.finished_at = utcnow()
    job.last_error = error[:1000] if error else None


def recheck_one(database_url: str, job_id: int, now: datetime, timeout: float) -> str:
    """Claim one job and answer its lead: "answered", "skipped", or "" if not ours."""
    with get_sessionmaker(database_url)() as session:
        if not _claim(session, job_id, now, timeout):
            return ""
        job = session.get(RecheckJob, job_id, populate_existing=True)
        lead = session.get(Lead, job.lead_id)
        if lead is None or lead.recheck_status != RecheckStatus.PENDING:
            _close(session, job)
            session.commit()
            return "skipped"
        if lead.offer_id is None:
            answer = RecheckAnswer(
                RecheckStatus.NO_ANSWER, detail="the offer has left the catalogue"
            )
        elif job.attempts > MAX_ATTEMPTS:
            answer = RecheckAnswer(
                RecheckStatus.NO_ANSWER, detail=f"the re-check failed {MAX_ATTEMPTS} times"
            )
        else:
            offer_id, snapshot = lead.offer_id, dict(lead.snapshot)
            session.commit()  # no transaction stays open while the operator is asked
            answer = ask_operator(offer_id, snapshot, timeout)
            lead = session.get(Lead, job.lead_id, populate_existing=True)
            if lead is None or lead.recheck_status != RecheckStatus.PENDING:
                _close(session, job)
                session.commit()
                return "skipped"
        record_recheck(session, lead, answer)
        _close(session, job)
        session.commit()
        logger.info("lead %s re-checked: %s", lead.id, answer.status)
        return "answered"


def recheck_due(
    database_url: str | None = None, *, now: datetime | None = None, limit: int | None = None
) -> RecheckReport:
    """Answer the due jobs (the oldest `limit`, by default as many as run at once), all at
    once in threads that each wait on their child process; returns what happened."""
    settings = get_settings()
    database_url = database_url or settings.effective_database_url
    now = now or utcnow()
    with get_sessionmaker(database_url)() as session:
        due = session.scalars(
            select(RecheckJob.id)
            .where(
                RecheckJob.status == RecheckJobStatus.PENDING,
                RecheckJob.next_attempt_at <= now,
            )
            .order_by(RecheckJob.next_attempt_at, RecheckJob.id)
            .limit(limit or settings.lead_recheck_concurrency)
        ).all()
    report = RecheckReport()
    if not due:
        return report
    timeout = settings.lead_recheck_timeout
    with ThreadPoolExecutor(max_workers=len(due), thread_name_prefix="recheck") as pool:
        outcomes = pool.map(lambda job_id: recheck_one(database_url, job_id, now, timeout), due)
        for outcome in outcomes:
            report.answered += outcome == "answered"
            report.skipped += outcome == "skipped"
    return report


def run_worker(
    interval: float = 1.0,
    *,
    once: bool = False,
    on_report=None,
    database_url: str | None = None,
    stop: threading.Event | None = None,
) -> RecheckReport:
    """Answer due re-checks, a round of `lead_recheck_concurrency` at a time, looking for
    new ones every `interval` seconds when there are none, until interrupted (or `stop` is
    set); with `once`, until none is due."""
    return run_rounds(
        lambda: recheck_due(database_url),
        RecheckReport(),
        interval=interval,
        once=once,
        on_report=on_report,
        stop=stop,
        busy_means_again=True,  # a burst of leads: the next round at once
    )
