"""Re-checking one offer at its operator (single-offer mode), against the real sandbox.

Offers come from a real crawl; then the sandbox moves on (`epoch=1`: new prices, some
tours sold out) or goes down, and the re-check must say so: available, changed, gone or
no answer. Through `tourscope recheck`, and end to end through the lead form, which
queues the re-check, and the re-check worker, which asks the operator.
"""

import json
import re
from decimal import Decimal
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import Lead, Offer, Operator
from tests.crawler.cli import run_tourscope
from tests.crawler.conftest import published
from tests.webapp.pages import ENGLISH, main_text
from tourscope.workers.rechecks import run_worker
from webapp import csrf
from webapp.main import create_app

OPERATORS = ["suncoast", "aerotour", "samotravel", "feedline", "pricelist", "mediterra"]


def recheck(offer_id: int, *args: str) -> dict:
    result = run_tourscope("recheck", str(offer_id), "--json", *args, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def on_sale(session, operator: str) -> list[Offer]:
    session.expire_all()
    return session.scalars(
        select(Offer)
        .join(Operator, Offer.operator_id == Operator.id)
        .where(Operator.code == operator, Offer.availability == "available")
        .order_by(Offer.id)
    ).all()


@pytest.fixture
def crawled(crawl, session):
    def run(*operators: str) -> None:
        result = crawl(*operators)
        assert result.returncode == 0, result.stderr

    return run


def test_every_operator_says_its_offer_is_still_available(crawled, session):
    crawled(*OPERATORS)
    for operator in OPERATORS:
        offer = on_sale(session, operator)[5]
        answer = recheck(offer.id)
        assert answer["status"] == "available", (operator, answer)
        assert Decimal(answer["price"]) == pytest.approx(offer.price, abs=1)
        assert answer["currency"] == offer.currency


def test_the_answer_can_be_stored_on_a_lead(crawled, sandbox, session):
    crawled("feedline")
    offer = on_sale(session, "feedline")[0]
    lead_id = _submit_lead(offer.id)["lead_id"]
    sandbox.configure("feedline", fault="down")
    recheck(offer.id, "--lead", str(lead_id))
    session.expire_all()
    lead = session.get(Lead, lead_id)
    assert lead.recheck_status == "no_answer"
    # The worker's answer when the request came in, then the one asked for by hand.
    assert [event.kind for event in lead.events] == ["created", "recheck", "recheck"]


def test_unknown_offer_is_a_readable_error(db_url):
    result = run_tourscope("recheck", "999999")
    assert result.returncode == 2
    assert "there is no offer 999999" in result.stderr


# --- End to end: the visitor's request, re-checked at the operator --------------------------


def _submit_lead(offer_id: int) -> dict:
    """The visitor sends the form; the re-check worker does its round; the visitor's
    confirmation page, before and after."""
    client = TestClient(create_app(), headers=ENGLISH)
    page = client.get(f"/leads/new?offer_id={offer_id}&adults=2")
    token = re.search(rf'name="{csrf.FIELD}" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/leads/new",
        data={
            csrf.FIELD: token,
            "offer_id": str(offer_id),
            "search_query": "adults=2",
            "name": "Ivan Petrov",
            "email": "ivan@example.com",
            "consent": "yes",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, main_text(response.text)
    location = response.headers["location"]
    waiting = main_text(client.get(location).text)
    assert "the answer appears here by itself" in waiting
    assert run_worker(once=True).answered == 1
    confirmation = main_text(client.get(location).text)
    return {"lead_id": int(location.split("/")[2]), "confirmation": confirmation}


@pytest.mark.parametrize("operator", ["suncoast", "mediterra"])
def test_the_visitor_is_told_honestly_what_the_operator_said(crawled, sandbox, session, operator):
    crawled(operator)
    offers = on_sale(session, operator)
    profile_offers = {offer.offer_key: offer for offer in offers}
    from sandbox.app import OPERATORS as MODULES

    sandbox.configure(operator, epoch=1)
    now = published(sandbox, MODULES[operator].PROFILE, epoch=1)
    gone = next(key for key in profile_offers if key not in now)
    changed = next(
        key
        for key in profile_offers
        if key in now
        and now[key].price is not None
        and abs(now[key].price - profile_offers[key].price) > 1
    )

    result = _submit_lead(profile_offers[changed].id)
    session.expire_all()
    lead = session.get(Lead, result["lead_id"])
    assert lead.recheck_status == "changed"
    assert lead.recheck_price == pytest.approx(now[changed].price, abs=1)
    assert lead.snapshot["operator_price"] == str(profile_offers[changed].price)
    assert "its price has changed" in result["confirmation"]

    result = _submit_lead(profile_offers[gone].id)
    lead = session.get(Lead, result["lead_id"])
    assert (lead.recheck_status, lead.recheck_price) == ("gone", None)
    assert "no longer sells this tour" in result["confirmation"]
    assert "Your request is kept" in result["confirmation"]

    sandbox.configure(operator, fault="down")
    result = _submit_lead(offers[0].id)
    lead = session.get(Lead, result["lead_id"])
    assert lead.recheck_status == "no_answer"
    assert "did not answer in time" in unescape(result["confirmation"])
    # Whatever the answer, every request was kept, with its history.
    session.expire_all()
    leads = session.scalars(select(Lead).order_by(Lead.id)).all()
    assert len(leads) == 3
    assert all([e.kind for e in lead.events] == ["created", "recheck"] for lead in leads)
