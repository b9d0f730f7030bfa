"""Real crawls of the demo operator over loopback, into SQLite and PostgreSQL."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import CrawlRun, Hotel, PriceChange, StagedOffer
from models.base import utcnow
from models.ingest import stage_offers
from tests.crawler.conftest import offers_by_key


def test_crawl_stores_the_operators_offers(crawl, session):
    result = crawl("suncoast")
    assert result.returncode == 0, result.stderr
    assert "succeeded" in result.stdout
    offers = offers_by_key(session)
    assert len(offers) == 300
    offer = offers["SC-0000000"]
    assert offer.operator.name == "SunCoast Tours"
    assert offer.is_active and offer.price > 0 and offer.currency == "EUR"
    assert offer.meal in {"RO", "BB", "HB", "FB", "AI", "UAI"}
    assert offer.url.endswith("/suncoast/tour/SC-0000000")
    # Stars are read out of the operator's "Name 4*" and kept apart from the name.
    assert "*" not in offer.hotel.name and offer.hotel.stars in {2, 3, 4, 5}
    assert offer.first_seen_at.tzinfo is not None
    run = session.scalars(select(CrawlRun)).one()
    assert (run.status, run.items_stored, run.items_dropped) == ("succeeded", 300, 0)
    assert run.stats["tourscope/offers_read"] == 300


def test_recrawl_updates_prices_in_place_and_deactivates_vanished_offers(crawl, sandbox, session):
    assert crawl("suncoast").returncode == 0
    before = {key: (o.id, o.price, o.first_seen_at) for key, o in offers_by_key(session).items()}
    hotels_before = session.scalar(select(func.count()).select_from(Hotel))

    sandbox.configure("suncoast", epoch=1)  # prices move, about 5% of the tours sell out
    result = crawl("suncoast")
    assert result.returncode == 0, result.stderr

    after = offers_by_key(session)
    assert set(after) == set(before), "a re-crawl must update offers, never duplicate them"
    changed = [k for k, o in after.items() if o.is_active and o.price != before[k][1]]
    assert len(changed) > 200, "prices moved at the operator"
    history = {
        (change.offer_id, change.old_price, change.new_price)
        for change in session.scalars(select(PriceChange))
    }
    assert history == {(after[k].id, before[k][1], after[k].price) for k in changed}
    assert all(after[k].id == before[k][0] for k in after), "offers keep their identity"
    assert all(after[k].first_seen_at == before[k][2] for k in after)
    vanished = {k for k, o in after.items() if not o.is_active}
    assert 0 < len(vanished) < 40
    page = sandbox.client.get("/suncoast/search", params={"page": 1}).text
    assert all(key not in page for key in vanished)
    assert session.scalar(select(func.count()).select_from(Hotel)) == hotels_before

    sandbox.configure("suncoast", epoch=0)  # the tours are back on sale
    assert crawl("suncoast").returncode == 0
    assert all(o.is_active for o in offers_by_key(session).values())


@pytest.mark.parametrize("fault", ["down", "error", "garbage", "truncated"])
def test_failed_crawl_leaves_live_offers_exactly_as_they_were(crawl, sandbox, session, fault):
    assert crawl("suncoast").returncode == 0
    snapshot = {
        k: (o.price, o.is_active, o.last_seen_at) for k, o in offers_by_key(session).items()
    }

    sandbox.configure("suncoast", epoch=1, fault=fault)
    result = crawl("suncoast")
    assert result.returncode == 1
    assert "crawl failed for suncoast" in result.stderr

    after = {k: (o.price, o.is_active, o.last_seen_at) for k, o in offers_by_key(session).items()}
    assert after == snapshot
    failed = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
    assert failed.status == "failed" and failed.error_message

    sandbox.configure("suncoast", epoch=1)  # the operator recovers; so does the catalogue
    assert crawl("suncoast").returncode == 0
    assert sum(1 for o in offers_by_key(session).values() if not o.is_active) > 0


def test_an_operator_too_slow_to_answer_fails_the_crawl_and_loses_nothing(
    crawl, sandbox, session
):
    assert crawl("suncoast").returncode == 0
    snapshot = {k: (o.price, o.is_active) for k, o in offers_by_key(session).items()}
    sandbox.configure("suncoast", epoch=1, fault="slow")  # 3 s per page
    result = crawl("suncoast", env={"TOURSCOPE_DOWNLOAD_TIMEOUT": "1"})
    assert result.returncode == 1
    assert {k: (o.price, o.is_active) for k, o in offers_by_key(session).items()} == snapshot
    failed = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
    assert failed.status == "failed" and "error" in failed.error_message


def test_unknown_operator_is_a_readable_error(crawl):
    result = crawl("nosuchop")
    assert result.returncode == 2
    assert "unknown operator 'nosuchop'" in result.stderr
    assert "suncoast" in result.stderr
    assert "Traceback" not in result.stderr


def test_dropped_offers_are_counted_by_reason_and_logged(crawl, sandbox, session, tmp_path):
    sandbox.configure("suncoast", fault="bad_rows")
    result = crawl("suncoast")
    assert result.returncode == 0, result.stderr
    run = session.scalars(select(CrawlRun)).one()
    assert run.items_dropped == 30 and run.items_stored == 270
    reasons = {
        k.removeprefix("tourscope/dropped/"): v for k, v in run.stats.items() if "dropped/" in k
    }
    assert set(reasons) == {
        "price_not_positive",
        "nights_out_of_range",
        "unknown_meal",
        "date_in_past",
    }
    assert sum(reasons.values()) == 30
    assert "unknown_meal" in result.stdout  # the summary says why
    log = next((tmp_path / "log").glob("crawl-*.log")).read_text()
    assert "Dropped offer SC-0000003: price 0 <= 0" in log
    assert 'unknown meal plan "Chef\'s surprise"' in log


def test_a_crawl_cleans_up_after_one_that_died(crawl, session):
    assert crawl("suncoast").returncode == 0
    operator_id = session.scalars(select(CrawlRun.operator_id)).first()
    dead = CrawlRun(operator_id=operator_id, started_at=utcnow(), status="running", stats={})
    session.add(dead)
    session.flush()
    stage_offers(session, [{**_staged_row(operator_id, dead.id)}])
    session.commit()

    assert crawl("suncoast").returncode == 0
    session.expire_all()
    assert session.get(CrawlRun, dead.id).status == "failed"
    assert "interrupted" in session.get(CrawlRun, dead.id).error_message
    assert session.scalar(select(func.count()).select_from(StagedOffer)) == 0


def _staged_row(operator_id: int, run_id: int) -> dict:
    return {
        "crawl_run_id": run_id,
        "operator_id": operator_id,
        "offer_key": "SC-DEAD",
        "hotel_id": 1,
        "country_id": 1,
        "resort_id": 1,
        "stars": 4,
        "departure_city_id": 1,
        "departure_date": date.today(),
        "nights": 7,
        "meal": "AI",
        "room_type": "Room",
        "adults": 2,
        "children": 0,
        "price": Decimal("100"),
        "surcharge": Decimal("0"),
        "currency": "EUR",
        "price_base": Decimal("100"),
        "availability": "available",
        "url": "http://x",
    }
