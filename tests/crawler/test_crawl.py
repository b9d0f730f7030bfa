"""Real crawls of the demo operator over loopback, into SQLite and PostgreSQL."""

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import CrawlRun, Offer, Operator, StagedOffer
from models.agency_time import agency_today
from models.base import utcnow
from models.crawls.ingest import stage_offers
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
        "departure_date": agency_today(),
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


def test_one_broken_operator_fails_only_its_own_crawl(crawl, sandbox, session):
    sandbox.configure("suncoast", fault="garbage")
    # A protocol replica answers queries: its demo sweep needs a catalogue of demo size.
    for replica in ("tourvisor", "mastertour", "teztour"):
        sandbox.configure(replica, size=12_000)
    started = utcnow()
    result = crawl("--all")
    assert result.returncode == 1  # the run as a whole reports the failure
    assert "crawl failed for suncoast;" in result.stderr
    runs = {
        run.operator.code: run
        for run in session.scalars(select(CrawlRun).options(selectinload(CrawlRun.operator)))
    }
    assert runs["suncoast"].status == "failed"
    healthy = {code: run for code, run in runs.items() if code != "suncoast"}
    assert len(healthy) >= 8  # every other demo operator and protocol account
    for code, run in healthy.items():
        assert run.status == "succeeded", (code, run.error_message)
        assert run.error_count == 0 and run.items_stored > 0, code
    # Fresh: every healthy operator's offers were seen by this crawl.
    fresh = dict(
        session.execute(
            select(Operator.code, func.count())
            .join(Offer, Offer.operator_id == Operator.id)
            .where(Offer.is_active.is_(True), Offer.last_seen_at >= started)
            .group_by(Operator.code)
        ).all()
    )
    assert fresh == {code: run.items_stored for code, run in healthy.items()}
