"""The re-check worker: the lead form only queues, the worker asks the operator (the real
`tourscope recheck` against the sandbox), once per lead, and nothing is lost when a
worker dies."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import Lead, Offer, Operator, RecheckJob
from models.base import utcnow
from models.leads.intake import (
    LeadContact,
    RecheckAnswer,
    create_lead,
    offer_snapshot,
    queue_recheck,
    record_recheck,
)
from models.leads.records import LeadSource, RecheckStatus
from models.leads.scoring import LeadScore
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)
from tests.webapp.pages import ENGLISH
from tourscope.foundation.settings import get_settings
from tourscope.workers.rechecks import MAX_ATTEMPTS, lease, run_worker
from webapp import csrf
from webapp.main import create_app


def send_lead(client: TestClient, offer_id: int, name: str) -> str:
    page = client.get(f"/leads/new?offer_id={offer_id}&adults=2")
    token = re.search(rf'name="{csrf.FIELD}" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/leads/new",
        data={
            csrf.FIELD: token,
            "offer_id": str(offer_id),
            "search_query": "adults=2",
            "name": name,
            "email": "visitor@example.com",
            "consent": "yes",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


def jobs(session) -> list[tuple[int, str, int]]:
    session.expire_all()
    rows = session.execute(
        select(RecheckJob.lead_id, RecheckJob.status, RecheckJob.attempts).order_by(RecheckJob.id)
    )
    return [tuple(row) for row in rows]


def test_a_burst_of_leads_is_queued_and_each_answered_once(crawl, sandbox, session, monkeypatch):
    monkeypatch.setenv("TOURSCOPE_LEAD_RATE_LIMIT_PER_HOUR", "50")
    get_settings.cache_clear()
    assert crawl("feedline").returncode == 0
    offers = session.scalars(
        select(Offer)
        .join(Operator, Offer.operator_id == Operator.id)
        .where(Operator.code == "feedline", Offer.availability == "available")
        .order_by(Offer.id)
        .limit(6)
    ).all()
    # The operator is down while the visitors send their requests: the form does not ask
    # it, so every request is stored and answered at once, its re-check queued.
    sandbox.configure("feedline", fault="down")
    client = TestClient(create_app(), headers=ENGLISH)
    pages = [send_lead(client, offer.id, f"Visitor {n}") for n, offer in enumerate(offers)]
    leads = session.scalars(select(Lead).order_by(Lead.id)).all()
    assert [lead.recheck_status for lead in leads] == ["pending"] * 6
    assert all([e.kind for e in lead.events] == ["created"] for lead in leads)
    assert jobs(session) == [(lead.id, "pending", 0) for lead in leads]

    # The operator is back; the worker answers every lead, a few at a time.
    sandbox.configure("feedline")
    report = run_worker(once=True)
    assert (report.answered, report.skipped) == (6, 0)
    session.expire_all()
    for lead, page in zip(leads, pages, strict=True):
        lead = session.get(Lead, lead.id)
        assert lead.recheck_status == "available", lead.events[-1].note
        assert [event.kind for event in lead.events] == ["created", "recheck"]
        assert "still available at the price you saw" in client.get(page).text
    assert jobs(session) == [(lead.id, "done", 1) for lead in leads]
    # Nothing is due any more: another round asks no one.
    assert run_worker(once=True).answered == 0


@pytest.fixture
def queued(session):
    """A lead about an offer whose operator page is unreachable, with its job queued."""
    operator = make_operator(session, "suncoast", "SunCoast Tours")
    operator.website = "http://127.0.0.1:9"  # the discard port: nothing answers
    hotel = make_hotel(session, make_resort(session, make_country(session)), "Quiet Cove", 4)
    offer = make_offer(
        session, operator=operator, hotel=hotel, departure_city=make_departure_city(session)
    )
    offer.url = "http://127.0.0.1:9/tour/1"

    def queue() -> Lead:
        lead = create_lead(
            session,
            contact=LeadContact("Olga", None, "olga@example.org", None, None, [], True),
            source=LeadSource.HOTEL,
            snapshot=offer_snapshot(session, offer.id),
            score=LeadScore(0, []),
            recipients=["manager@tourscope.test"],
            site_url="http://tourscope.test",
            offer_id=offer.id,
        )
        queue_recheck(session, lead)
        session.commit()
        return lead

    return queue


def test_a_job_left_by_a_worker_that_died_is_taken_again(session, queued):
    lead = queued()
    job = session.scalars(select(RecheckJob)).one()
    # Claimed once by a worker that died: its lease is over.
    job.attempts, job.next_attempt_at = 1, utcnow() - timedelta(seconds=1)
    session.commit()
    assert run_worker(once=True).answered == 1
    session.expire_all()
    assert session.get(Lead, lead.id).recheck_status == "no_answer"
    assert jobs(session) == [(lead.id, "done", 2)]


def test_a_claimed_job_is_left_alone_until_its_lease_is_over(session, queued):
    lead = queued()
    job = session.scalars(select(RecheckJob)).one()
    job.attempts = 1
    job.next_attempt_at = utcnow() + lease(get_settings().lead_recheck_timeout)
    session.commit()
    assert run_worker(once=True).answered == 0
    assert jobs(session) == [(lead.id, "pending", 1)]


def test_a_job_that_keeps_failing_ends_as_no_answer_without_asking_again(session, queued):
    lead = queued()
    job = session.scalars(select(RecheckJob)).one()
    job.attempts, job.next_attempt_at = MAX_ATTEMPTS, utcnow() - timedelta(seconds=1)
    session.commit()
    assert run_worker(once=True).answered == 1
    session.expire_all()
    lead = session.get(Lead, lead.id)
    assert lead.recheck_status == "no_answer"
    assert f"failed {MAX_ATTEMPTS} times" in lead.events[-1].note


def test_a_lead_answered_already_is_not_asked_twice(session, queued):
    lead = queued()
    record_recheck(session, lead, RecheckAnswer(RecheckStatus.GONE, detail="asked by hand"))
    session.commit()
    report = run_worker(once=True)
    assert (report.answered, report.skipped) == (0, 1)
    session.expire_all()
    lead = session.get(Lead, lead.id)
    assert [event.kind for event in lead.events] == ["created", "recheck"]
    assert jobs(session) == [(lead.id, "done", 1)]
