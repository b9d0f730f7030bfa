"""Every operator on a bad day, crawled for real into SQLite and PostgreSQL.

A crawl that fails (the site is down, answers errors or garbage, cuts its pages off, or is
too slow) exits 1, records a failed run with its reason and leaves the live offers exactly
as they were; the next good crawl, at a new epoch, updates prices in place, deactivates the
sold tours and brings them back when they are on sale again. Offers missing their hotel
name or price are dropped with counted reasons.
"""

from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from models import CrawlRun, Hotel, HotelDayPrice, PriceChange, StagedOffer
from models.catalog.min_prices import rebuild_min_prices
from sandbox.app import OPERATORS
from tests.crawler.conftest import catalog, offers_by_key, published

# The operators that publish their whole catalogue; the replicas of published search
# protocols (REPLICA_OF) answer queries, and their own tests break and recover them.
FORMAT_OPERATORS = [code for code, module in OPERATORS.items() if not hasattr(module, "REPLICA_OF")]


@dataclass(frozen=True)
class Case:
    operator: str
    fault: str
    env: dict[str, str] = field(default_factory=dict)  # for the failing crawl
    error: str = ""  # in the failed run's reason
    log: str = ""  # in the crawl log
    stat: str = ""  # a stats key the failed run must have recorded...
    stat_says: str = ""  # ...with this in its value
    recover: bool = False  # then crawl the recovered operator, twice


FAULTS = [
    Case("suncoast", "down"),
    Case("suncoast", "error"),
    Case("suncoast", "garbage"),
    Case("suncoast", "truncated", recover=True),
    # 3 s per page against a 1 s download timeout.
    Case("suncoast", "slow", env={"TOURSCOPE_DOWNLOAD_TIMEOUT": "1"}, error="error"),
    Case("aerotour", "down"),
    Case("aerotour", "garbage", stat="tourscope/gate_errors/malformed_json"),
    Case("aerotour", "truncated", stat="tourscope/gate_errors/malformed_json", recover=True),
    Case("samotravel", "down"),
    Case("samotravel", "garbage"),
    Case("samotravel", "truncated", log="is not JSON (cut off?)", recover=True),
    Case("pricelist", "down"),
    Case("pricelist", "garbage"),
    Case(
        "pricelist",
        "truncated",
        log="The price list ends without its footer (cut off?)",
        recover=True,
    ),
    Case("feedline", "down"),
    Case("feedline", "truncated", stat="tourscope/feed_error", stat_says="cut off", recover=True),
    Case("mediterra", "down"),
    Case("mediterra", "garbage"),
    Case("mediterra", "truncated", recover=True),
]

# What the crawl log says besides the dropped offers when fields are missing.
MISSING_FIELDS_LOG = {
    "samotravel": ["Dropped row ST0000", "a group minimum, not a bookable offer"],
}


def test_every_operator_is_tested_failing_and_recovering():
    assert {case.operator for case in FAULTS} == set(FORMAT_OPERATORS)
    assert {case.operator for case in FAULTS if case.recover} == set(FORMAT_OPERATORS)


def crawl_log(tmp_path) -> str:
    return "".join(path.read_text() for path in sorted((tmp_path / "log").glob("crawl-*.log")))


def live(session) -> dict[str, tuple]:
    return {k: (o.price, o.is_active, o.last_seen_at) for k, o in offers_by_key(session).items()}


def day_prices(session) -> list[tuple]:
    """The hotels' day prices the search and the landing page read
    (models/catalog/min_prices.py)."""
    session.expire_all()
    columns = [column for column in HotelDayPrice.__table__.columns if column.name != "id"]
    return sorted(tuple(row) for row in session.execute(select(*columns)))


@pytest.mark.parametrize("case", FAULTS, ids=lambda case: f"{case.operator}-{case.fault}")
def test_failed_crawl_leaves_live_offers_exactly_as_they_were(
    crawl, sandbox, session, tmp_path, case
):
    operator = case.operator
    assert crawl(operator).returncode == 0
    before = {k: (o.id, o.price, o.first_seen_at) for k, o in offers_by_key(session).items()}
    snapshot, prices = live(session), day_prices(session)
    assert prices
    hotels = session.scalar(select(func.count()).select_from(Hotel))

    sandbox.configure(operator, epoch=1, fault=case.fault)
    result = crawl(operator, env=case.env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"crawl failed for {operator}" in result.stderr

    assert live(session) == snapshot
    assert day_prices(session) == prices, "the cheapest prices shown must not move either"
    failed = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
    assert (failed.operator.code, failed.status) == (operator, "failed")
    assert failed.error_message and case.error in failed.error_message
    assert session.scalar(select(func.count()).select_from(StagedOffer)) == 0
    assert session.scalar(select(func.count()).select_from(PriceChange)) == 0
    log = crawl_log(tmp_path)
    assert f"Crawl of {operator} failed, live offers left as they were" in log
    assert case.log in log
    if case.stat:
        assert failed.stats.get(case.stat), f"{case.stat} not in {failed.stats}"
        assert case.stat_says in str(failed.stats[case.stat])
    if not case.recover:
        return

    sandbox.configure(operator, epoch=1)  # the operator recovers: new prices, some tours sold
    result = crawl(operator)
    assert result.returncode == 0, result.stdout + result.stderr
    after, truth = offers_by_key(session), published(sandbox, OPERATORS[operator].PROFILE, epoch=1)
    assert set(after) == set(before), "a re-crawl must update offers, never duplicate them"
    assert {k for k, o in after.items() if o.is_active} == set(truth)
    same_currency = [k for k, sold in truth.items() if after[k].currency == sold.currency]
    assert all(after[k].price == truth[k].price for k in same_currency) and same_currency
    assert 0 < len(after) - len(truth) < 40, "about 5% of the tours sold out"
    assert all(after[k].id == before[k][0] for k in after), "offers keep their identity"
    assert all(after[k].first_seen_at == before[k][2] for k in after)
    changed = [k for k, o in after.items() if o.is_active and o.price != before[k][1]]
    assert len(changed) > 200, "prices moved at the operator"
    history = {
        (change.offer_id, change.old_price, change.new_price)
        for change in session.scalars(select(PriceChange))
    }
    assert history == {(after[k].id, before[k][1], after[k].price) for k in changed}
    assert session.scalar(select(func.count()).select_from(Hotel)) == hotels

    sandbox.configure(operator, epoch=0)  # the tours are back on sale
    assert crawl(operator).returncode == 0
    assert all(o.is_active for o in offers_by_key(session).values())
    # The day prices each landing kept in step equal the ones rebuilt from the offers.
    maintained = day_prices(session)
    rebuild_min_prices(session)
    session.commit()
    assert day_prices(session) == maintained


@pytest.mark.parametrize("operator", FORMAT_OPERATORS)
def test_missing_fields_are_dropped_with_counted_reasons(
    crawl, sandbox, session, tmp_path, operator
):
    sandbox.configure(operator, fault="missing_fields")
    result = crawl(operator)
    assert result.returncode == 0, result.stderr
    run = session.scalars(select(CrawlRun)).one()
    assert (run.status, run.items_stored, run.items_dropped) == ("succeeded", 270, 30)
    reasons = {
        k.removeprefix("tourscope/dropped/"): v for k, v in run.stats.items() if "dropped/" in k
    }
    assert reasons == {"no_hotel": 15, "no_price": 15}
    offers = list(catalog(sandbox, OPERATORS[operator].PROFILE, flaw="missing_fields").offers())
    lacking = {o.key for o in offers if o.hotel_name is None or o.price is None}
    assert len(lacking) == 30
    assert set(offers_by_key(session)) == {o.key for o in offers} - lacking
    log = crawl_log(tmp_path)
    for offer in offers:
        if offer.key in lacking:
            reason = "no hotel name" if offer.hotel_name is None else "no price"
            assert f"Dropped offer {offer.key}: {reason}" in log
    for line in MISSING_FIELDS_LOG.get(operator, []):
        assert line in log


def test_a_crawl_that_logged_errors_names_the_first_and_its_log(crawl, sandbox, session, tmp_path):
    """The crawl-health page shows a failed run's reason: not just "see the crawl log" but
    the first error and the log's path (issue 15, bug 9)."""
    sandbox.configure("suncoast", fault="error")
    assert crawl("suncoast").returncode == 1

    failed = session.scalars(select(CrawlRun)).one()
    [log] = (tmp_path / "log").glob("crawl-*.log")
    reason, _, where = failed.error_message.partition("; log: ")
    assert where == str(log)
    count, _, first = reason.partition(" error(s) during the crawl, the first: ")
    assert int(count) >= 1 and "500" in first, failed.error_message
    assert first.split(":")[0] in log.read_text()
